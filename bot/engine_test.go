package bot_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"deskbot/bot"
	"deskbot/store"
)

// counter is a Brain that counts the text events of a conversation and records their order.
type counter struct {
	fail error
}

func (c counter) Decide(ctx context.Context, t *bot.Turn) (bot.Outcome, error) {
	if c.fail != nil {
		return bot.Outcome{}, c.fail
	}
	s := t.Session
	switch t.Event.Text {
	case "clear":
		s.End()
		return bot.Outcome{Messages: []bot.Message{{Text: "cleared"}}}, nil
	case "receipt":
		id, err := t.Receipt(ctx)
		if err != nil {
			return bot.Outcome{}, err
		}
		return bot.Outcome{Messages: []bot.Message{{Text: id}}}, nil
	}
	n, _ := strconv.Atoi(s.Answers["n"])
	s.Flow = "count"
	s.Set("n", strconv.Itoa(n+1))
	s.Set("order", s.Answers["order"]+t.Event.Text+",")
	msg := fmt.Sprint(n + 1)
	if t.Expired {
		msg = "expired " + msg
	}
	return bot.Outcome{Messages: []bot.Message{{Text: msg}}}, nil
}

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func newClock() *clock { return &clock{now: time.Date(2022, 11, 15, 10, 0, 0, 0, bot.JST)} }

func handle(t *testing.T, e *bot.Engine, ev bot.Event) []bot.Message {
	t.Helper()
	msgs, err := e.Handle(context.Background(), ev)
	if err != nil {
		t.Fatalf("Handle(%+v): %v", ev, err)
	}
	return msgs
}

func text(msgs []bot.Message) string {
	if len(msgs) == 0 {
		return ""
	}
	return msgs[0].Text
}

// Two engines on one store, 200 events of one user sent concurrently: every event is
// applied exactly once and none is lost.
func TestTwoEnginesNoLostUpdate(t *testing.T) {
	st := store.NewMemory(nil)
	engines := []*bot.Engine{
		bot.NewEngine(bot.Config{Store: st, Brain: counter{}}),
		bot.NewEngine(bot.Config{Store: st, Brain: counter{}}),
	}
	var wg sync.WaitGroup
	for i := range 200 {
		wg.Go(func() {
			ev := bot.Event{ID: fmt.Sprintf("ev-%d", i), Conversation: "line:U1", Kind: bot.TextEvent, Text: strconv.Itoa(i)}
			if _, err := engines[i%2].Handle(context.Background(), ev); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	l, err := st.Load(context.Background(), "line:U1", "")
	if err != nil {
		t.Fatal(err)
	}
	if got := l.Session.Answers["n"]; got != "200" {
		t.Fatalf("counter = %s, want 200", got)
	}
	seen := map[string]bool{}
	for _, x := range splitOrder(l.Session.Answers["order"]) {
		if seen[x] {
			t.Fatalf("event %s applied twice", x)
		}
		seen[x] = true
	}
	if len(seen) != 200 {
		t.Fatalf("%d distinct events applied, want 200", len(seen))
	}
}

func splitOrder(s string) []string {
	var out []string
	start := 0
	for i := range len(s) {
		if s[i] == ',' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return out
}

// Events of one conversation handled by one engine are applied in the order Handle was
// called, one at a time.
func TestOneEngineAppliesInOrder(t *testing.T) {
	st := store.NewMemory(nil)
	e := bot.NewEngine(bot.Config{Store: st, Brain: counter{}})
	for i := range 50 {
		handle(t, e, bot.Event{Conversation: "line:U2", Kind: bot.TextEvent, Text: strconv.Itoa(i)})
	}
	l, _ := st.Load(context.Background(), "line:U2", "")
	want := ""
	for i := range 50 {
		want += strconv.Itoa(i) + ","
	}
	if l.Session.Answers["order"] != want {
		t.Fatalf("order = %s", l.Session.Answers["order"])
	}
}

// A redelivered event is applied once and answered once.
func TestRedeliveryAppliedOnce(t *testing.T) {
	st := store.NewMemory(nil)
	e := bot.NewEngine(bot.Config{Store: st, Brain: counter{}})
	ev := bot.Event{ID: "webhook-1", Conversation: "line:U3", Kind: bot.TextEvent, Text: "a"}
	if got := text(handle(t, e, ev)); got != "1" {
		t.Fatalf("first delivery: %q", got)
	}
	if got := handle(t, e, ev); len(got) != 0 {
		t.Fatalf("redelivery answered: %+v", got)
	}
	ev.ID = "webhook-2"
	if got := text(handle(t, e, ev)); got != "2" {
		t.Fatalf("next event: %q, want 2", got)
	}
}

// A turn whose decision fails changes nothing and does not record the event, so the
// channel's redelivery applies it.
func TestFailedDecisionLeavesNothing(t *testing.T) {
	st := store.NewMemory(nil)
	boom := errors.New("boom")
	bad := bot.NewEngine(bot.Config{Store: st, Brain: counter{fail: boom}})
	ev := bot.Event{ID: "webhook-9", Conversation: "line:U4", Kind: bot.TextEvent, Text: "a"}
	if _, err := bad.Handle(context.Background(), ev); !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	l, _ := st.Load(context.Background(), "line:U4", "webhook-9")
	if l.Seen || l.Session.Version != 0 {
		t.Fatalf("a failed turn left %+v seen=%v", l.Session, l.Seen)
	}
	good := bot.NewEngine(bot.Config{Store: st, Brain: counter{}})
	if got := text(handle(t, good, ev)); got != "1" {
		t.Fatalf("redelivery after failure: %q, want 1", got)
	}
}

// down is a store that cannot be reached.
type down struct{ bot.Store }

func (down) Load(context.Context, string, string) (bot.Loaded, error) {
	return bot.Loaded{}, fmt.Errorf("dial tcp: %w", bot.ErrUnavailable)
}

func TestStoreDown(t *testing.T) {
	e := bot.NewEngine(bot.Config{Store: down{}, Brain: counter{}})
	_, err := e.Handle(context.Background(), bot.Event{Conversation: "line:U5", Kind: bot.TextEvent, Text: "a"})
	if !errors.Is(err, bot.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
}

// An idle session expires after its TTL: the next turn is told so and starts afresh; an
// emptied session is not kept at all.
func TestExpiryAndEmptySessions(t *testing.T) {
	c := newClock()
	st := store.NewMemory(c.Now)
	e := bot.NewEngine(bot.Config{Store: st, Brain: counter{}, Now: c.Now, TTL: time.Hour})
	ev := bot.Event{Conversation: "line:U6", Kind: bot.TextEvent, Text: "a"}
	handle(t, e, ev)
	c.Add(59 * time.Minute)
	if got := text(handle(t, e, ev)); got != "2" {
		t.Fatalf("within TTL: %q, want 2", got)
	}
	c.Add(61 * time.Minute)
	if got := text(handle(t, e, ev)); got != "expired 1" {
		t.Fatalf("after TTL: %q, want expired 1", got)
	}
	handle(t, e, bot.Event{Conversation: "line:U6", Kind: bot.TextEvent, Text: "clear"})
	l, _ := st.Load(context.Background(), "line:U6", "")
	if l.Session.Version != 0 || l.Expired {
		t.Fatalf("a cleared session is kept: %+v expired=%v", l.Session, l.Expired)
	}
}

// Receipt numbers count per day in Japan time.
func TestReceiptNumbers(t *testing.T) {
	c := &clock{now: time.Date(2022, 11, 15, 14, 59, 0, 0, time.UTC)} // 23:59 in Japan
	st := store.NewMemory(c.Now)
	e := bot.NewEngine(bot.Config{Store: st, Brain: counter{}, Now: c.Now})
	ev := bot.Event{Conversation: "line:U7", Kind: bot.TextEvent, Text: "receipt"}
	for _, want := range []string{"R-20221115-0001", "R-20221115-0002"} {
		if got := text(handle(t, e, ev)); got != want {
			t.Fatalf("receipt %q, want %q", got, want)
		}
	}
	c.Add(2 * time.Minute) // 00:01 on the 16th in Japan
	if got := text(handle(t, e, ev)); got != "R-20221116-0001" {
		t.Fatalf("receipt after midnight JST %q, want R-20221116-0001", got)
	}
}
