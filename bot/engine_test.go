package bot_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"testing"
	"time"

	"deskbot/bot"
	"deskbot/bot/bottest"
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

func newClock() *bottest.Clock {
	return bottest.NewClock(time.Date(2022, 11, 15, 10, 0, 0, 0, bot.JST))
}

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

// A turn whose decision fails changes nothing and leaves the event queued: it is applied
// once the store answers again, and its redelivery is not applied twice.
func TestFailedDecisionStaysQueued(t *testing.T) {
	st := store.NewMemory(nil)
	boom := fmt.Errorf("receipt: %w", bot.ErrUnavailable)
	bad := bot.NewEngine(bot.Config{Store: st, Brain: counter{fail: boom}})
	ev := bot.Event{ID: "webhook-9", Conversation: "line:U4", Kind: bot.TextEvent, Text: "a"}
	if _, err := bad.Handle(context.Background(), ev); !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	l, _ := st.Load(context.Background(), "line:U4", "webhook-9")
	if l.Seen || l.Session.Version != 0 {
		t.Fatalf("a failed turn left %+v seen=%v", l.Session, l.Seen)
	}
	if _, queued, _ := st.Head(context.Background(), "line:U4"); !queued {
		t.Fatal("the failed event is no longer queued")
	}
	var delivered []string
	good := bot.NewEngine(bot.Config{Store: st, Brain: counter{}, Deliver: func(_ context.Context, ev bot.Event, msgs []bot.Message) {
		delivered = append(delivered, ev.ID+"="+text(msgs))
	}})
	// LINE redelivers: the queued original is applied first, the copy is a duplicate.
	if got := handle(t, good, ev); len(got) != 0 {
		t.Fatalf("redelivery answered %+v", got)
	}
	if fmt.Sprint(delivered) != "[webhook-9=1]" {
		t.Fatalf("delivered %v, want the original's reply once", delivered)
	}
	l, _ = st.Load(context.Background(), "line:U4", "")
	if l.Session.Answers["n"] != "1" {
		t.Fatalf("counter = %s, want 1", l.Session.Answers["n"])
	}
}

// panicky panics on the text "panic".
type panicky struct{ counter }

func (p panicky) Decide(ctx context.Context, t *bot.Turn) (bot.Outcome, error) {
	if t.Event.Text == "panic" {
		panic("bug")
	}
	return p.counter.Decide(ctx, t)
}

// A decision that panics is a bug: the event is dropped, the conversation goes on.
func TestPanickingDecisionIsDropped(t *testing.T) {
	st := store.NewMemory(nil)
	var outcomes []string
	e := bot.NewEngine(bot.Config{Store: st, Brain: panicky{}, Observe: func(o string, _ time.Duration) { outcomes = append(outcomes, o) }})
	if got := handle(t, e, bot.Event{Conversation: "line:U8", Kind: bot.TextEvent, Text: "panic"}); len(got) != 0 {
		t.Fatalf("a dropped event answered %+v", got)
	}
	if got := text(handle(t, e, bot.Event{Conversation: "line:U8", Kind: bot.TextEvent, Text: "a"})); got != "1" {
		t.Fatalf("after a dropped event: %q, want 1", got)
	}
	if fmt.Sprint(outcomes) != "[dropped applied]" {
		t.Errorf("outcomes %v", outcomes)
	}
}

// An engine that dies holding a conversation's lease blocks it only until the lease runs
// out: the sweep applies what it left queued and delivers the replies.
func TestCrashedHolderIsSweptUp(t *testing.T) {
	c := newClock()
	st := store.NewMemory(c.Now)
	ctx := context.Background()
	if ok, err := st.Lease(ctx, "line:U9", "dead-engine", 15*time.Second); !ok || err != nil {
		t.Fatalf("Lease = %v, %v", ok, err)
	}
	var delivered []string
	e := bot.NewEngine(bot.Config{Store: st, Brain: counter{}, Now: c.Now, LeaseTTL: 15 * time.Second,
		Deliver: func(_ context.Context, ev bot.Event, msgs []bot.Message) {
			delivered = append(delivered, ev.Text+"="+text(msgs))
		}})
	for _, x := range []string{"a", "b"} {
		if got := handle(t, e, bot.Event{Conversation: "line:U9", Kind: bot.TextEvent, Text: x}); len(got) != 0 {
			t.Fatalf("applied %q under another's lease: %+v", x, got)
		}
	}
	if n, err := e.Sweep(ctx); err != nil || len(delivered) != 0 {
		t.Fatalf("swept %d (%v) while the lease held: delivered %v", n, err, delivered)
	}
	c.Advance(16 * time.Second)
	if n, err := e.Sweep(ctx); err != nil || n != 1 {
		t.Fatalf("Sweep = %d, %v; want 1 conversation", n, err)
	}
	if fmt.Sprint(delivered) != "[a=1 b=2]" {
		t.Fatalf("delivered %v, want [a=1 b=2]", delivered)
	}
	if convs, _ := st.Waiting(ctx, 10); len(convs) != 0 {
		t.Errorf("still waiting: %v", convs)
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
	c.Advance(59 * time.Minute)
	if got := text(handle(t, e, ev)); got != "2" {
		t.Fatalf("within TTL: %q, want 2", got)
	}
	c.Advance(61 * time.Minute)
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
	c := bottest.NewClock(time.Date(2022, 11, 15, 14, 59, 0, 0, time.UTC)) // 23:59 in Japan
	st := store.NewMemory(c.Now)
	e := bot.NewEngine(bot.Config{Store: st, Brain: counter{}, Now: c.Now})
	ev := bot.Event{Conversation: "line:U7", Kind: bot.TextEvent, Text: "receipt"}
	for _, want := range []string{"R-20221115-0001", "R-20221115-0002"} {
		if got := text(handle(t, e, ev)); got != want {
			t.Fatalf("receipt %q, want %q", got, want)
		}
	}
	c.Advance(2 * time.Minute) // 00:01 on the 16th in Japan
	if got := text(handle(t, e, ev)); got != "R-20221116-0001" {
		t.Fatalf("receipt after midnight JST %q, want R-20221116-0001", got)
	}
}

// A conversation with a clock of its own has its turns at that time — its receipt numbers
// are drawn on its day — while the other conversations keep the engine's clock.
func TestConversationClock(t *testing.T) {
	st := store.NewMemory(nil)
	own := time.Date(2023, 4, 1, 9, 0, 0, 0, bot.JST)
	e := bot.NewEngine(bot.Config{Store: st, Brain: counter{}, Now: newClock().Now,
		ClockOf: func(conv string) (time.Time, bool) { return own, conv == "web:rehearsal" }})
	if got := handle(t, e, bot.Event{Conversation: "web:rehearsal", Kind: bot.TextEvent, Text: "receipt"}); len(got) != 1 || got[0].Text != "R-20230401-0001" {
		t.Errorf("rehearsed conversation: %+v, want R-20230401-0001", got)
	}
	if got := handle(t, e, bot.Event{Conversation: "line:U1", Kind: bot.TextEvent, Text: "receipt"}); len(got) != 1 || got[0].Text != "R-20221115-0001" {
		t.Errorf("other conversation: %+v, want R-20221115-0001", got)
	}
}
