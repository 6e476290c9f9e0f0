package storetest

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"deskbot/bot"
)

// RunEngine checks what the engine promises on top of a store: with two engines, each on
// its own handle of the store (Harness.Twin), as two processes would be, 200 events of one
// user sent at once are each applied exactly once, in the order they arrived in the
// conversation's inbox, and each is answered once — by whichever engine applied it.
func RunEngine(t *testing.T, newHarness func(t *testing.T) Harness) {
	h := newHarness(t)
	twin := h.Twin
	if twin == nil {
		twin = h.Store
	}
	const events, conv = 200, "line:Uengines"
	var (
		mu      sync.Mutex
		bySeq   = map[int64]string{}
		replies = map[string]int{}
	)
	deliver := func(_ context.Context, ev bot.Event, msgs []bot.Message) {
		mu.Lock()
		replies[ev.Text]++
		mu.Unlock()
	}
	engines := []*bot.Engine{
		bot.NewEngine(bot.Config{Store: arrivals{h.Store, &mu, bySeq}, Brain: counter{}, Deliver: deliver}),
		bot.NewEngine(bot.Config{Store: arrivals{twin, &mu, bySeq}, Brain: counter{}, Deliver: deliver}),
	}
	HandleAll(t, engines, conv, events, deliver)

	s := load(t, h.Store, conv, "").Session
	if got := s.Answers["n"]; got != strconv.Itoa(events) {
		t.Fatalf("counter = %s, want %d", got, events)
	}
	seqs := make([]int64, 0, len(bySeq))
	for seq := range bySeq {
		seqs = append(seqs, seq)
	}
	slices.Sort(seqs)
	var want []string
	for _, seq := range seqs {
		want = append(want, bySeq[seq])
	}
	got := strings.Split(strings.TrimSuffix(s.Answers["order"], ","), ",")
	if !slices.Equal(got, want) {
		t.Fatalf("applied order differs from arrival order:\n got %v\nwant %v", got, want)
	}
	for i := range events {
		if n := replies[strconv.Itoa(i)]; n != 1 {
			t.Errorf("event %d answered %d times, want once", i, n)
		}
	}
	if q, ok, _ := h.Store.Head(ctx, conv); ok {
		t.Errorf("event %+v left in the inbox", q)
	}
}

// arrivals is a store handle that remembers which event got which inbox sequence number:
// the arrival order the engines must keep.
type arrivals struct {
	bot.Store
	mu    *sync.Mutex
	bySeq map[int64]string
}

func (a arrivals) Enqueue(ctx context.Context, ev bot.Event) (int64, error) {
	seq, err := a.Store.Enqueue(ctx, ev)
	if err == nil {
		a.mu.Lock()
		a.bySeq[seq] = ev.Text
		a.mu.Unlock()
	}
	return seq, err
}

// counter is a brain that counts a conversation's events and records their order.
type counter struct{}

func (counter) Decide(_ context.Context, t *bot.Turn) (bot.Outcome, error) {
	s := t.Session
	n, _ := strconv.Atoi(s.Answers["n"])
	s.Flow = "count"
	s.Set("n", strconv.Itoa(n+1))
	s.Set("order", s.Answers["order"]+t.Event.Text+",")
	return bot.Outcome{Messages: []bot.Message{{Text: strconv.Itoa(n + 1)}}}, nil
}

// HandleAll sends events events of conversation conv at once, the i-th with ID "ev-i" and
// text "i" through engines[i%len(engines)], and hands what each Handle answers to deliver,
// as a webhook does. It returns when all are handled; a Handle error fails t.
func HandleAll(t *testing.T, engines []*bot.Engine, conv string, events int, deliver func(context.Context, bot.Event, []bot.Message)) {
	t.Helper()
	var wg sync.WaitGroup
	for i := range events {
		wg.Go(func() {
			ev := bot.Event{ID: fmt.Sprintf("ev-%d", i), Conversation: conv, Kind: bot.TextEvent, Text: strconv.Itoa(i)}
			msgs, err := engines[i%len(engines)].Handle(context.Background(), ev)
			if err != nil {
				t.Error(err)
			}
			if len(msgs) > 0 {
				deliver(nil, ev, msgs)
			}
		})
	}
	wg.Wait()
}
