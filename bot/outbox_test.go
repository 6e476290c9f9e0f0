package bot_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"deskbot/bot"
	"deskbot/store"
)

// flaky fails its first n deliveries with err, then records each notice.
type flaky struct {
	n    int
	err  error
	got  []string
	seen int
}

func (f *flaky) Notify(_ context.Context, n bot.Delivery) error {
	f.seen++
	if f.seen <= f.n {
		return f.err
	}
	f.got = append(f.got, n.ID)
	return nil
}

func enqueue(t *testing.T, st *store.Memory, ids ...string) {
	t.Helper()
	var ns []bot.Notice
	for _, id := range ids {
		ns = append(ns, bot.Notice{ID: id, Kind: bot.NoticeHandoff, Conversation: "line:U"})
	}
	if err := st.Commit(context.Background(), bot.Commit{Session: &bot.Session{Conversation: "line:U"}, Delete: true, Notices: ns}); err != nil {
		t.Fatal(err)
	}
}

// Failures are retried with growing delays until the notice is delivered once.
func TestWorkerRetriesWithBackoff(t *testing.T) {
	c := newClock()
	st := store.NewMemory(c.Now)
	enqueue(t, st, "N1")
	n := &flaky{n: 5, err: errors.New("slack: 500")}
	w := &bot.Worker{Outbox: st, Notifier: n, Now: c.Now, Backoff: time.Second, MaxBackoff: time.Minute}
	// Step the clock and drain, recording the time between attempts.
	var waited []time.Duration
	var since time.Duration
	if _, err := w.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	for len(n.got) == 0 && since < time.Hour {
		c.Advance(100 * time.Millisecond)
		since += 100 * time.Millisecond
		handled, err := w.Drain(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if handled > 0 {
			waited = append(waited, since)
			since = 0
		}
	}
	if fmt.Sprint(n.got) != "[N1]" || n.seen != 6 {
		t.Fatalf("delivered %v after %d attempts, want [N1] after 6", n.got, n.seen)
	}
	if len(waited) != 5 {
		t.Fatalf("%d waits, want 5: %v", len(waited), waited)
	}
	// Backoff·2^(k-1) with jitter in its upper half: wait k is in [2^(k-1)/2 s, 2^(k-1) s].
	for k, d := range waited {
		hi := time.Second << k
		if d < hi/2-200*time.Millisecond || d > hi+200*time.Millisecond {
			t.Errorf("wait %d = %v, want within [%v, %v]", k+1, d, hi/2, hi)
		}
	}
	if p, _ := st.Pending(context.Background()); p != 0 {
		t.Errorf("%d notices left in the outbox", p)
	}
}

// A transient failure is retried until the horizon, never parked before it, however many
// attempts that takes; a permanent failure is parked at once.
func TestWorkerParks(t *testing.T) {
	c := newClock()
	st := store.NewMemory(c.Now)
	enqueue(t, st, "N-flaky", "N-auth")
	n := notifierFunc(func(no bot.Notice) error {
		if no.ID == "N-auth" {
			return fmt.Errorf("invalid_auth: %w", bot.ErrPermanent)
		}
		return errors.New("timeout")
	})
	outcomes := map[string]int{}
	w := &bot.Worker{Outbox: st, Notifier: n, Now: c.Now, Horizon: time.Hour, Backoff: time.Second, MaxBackoff: time.Minute, Log: slog.New(slog.DiscardHandler),
		Observe: func(o string) { outcomes[o]++ }}
	for elapsed := time.Duration(0); elapsed < 2*time.Hour; elapsed += time.Second {
		if _, err := w.Drain(context.Background()); err != nil {
			t.Fatal(err)
		}
		if dead, _ := st.DeadLetters(context.Background()); len(dead) == 2 && elapsed < time.Hour {
			t.Fatalf("N-flaky parked after %v, before the horizon of 1h", elapsed)
		}
		c.Advance(time.Second)
	}
	dead, _ := st.DeadLetters(context.Background())
	if len(dead) != 2 || dead[0].Notice.ID != "N-auth" || dead[1].Notice.ID != "N-flaky" {
		t.Fatalf("dead letters %+v, want N-auth then N-flaky", dead)
	}
	if !strings.Contains(dead[1].Reason, "timeout") || !strings.Contains(dead[1].Reason, "1h0m0s") {
		t.Errorf("reason %q, want the last error and the horizon", dead[1].Reason)
	}
	// 1s, 2s, … 32s, then ½–1 minute each (jitter): 60 to 120 tries in the hour.
	if outcomes["parked"] != 2 || outcomes["retried"] < 60 || outcomes["retried"] > 120 {
		t.Errorf("outcomes %v, want 2 parked and 60 to 120 retries", outcomes)
	}
	if p, _ := st.Pending(context.Background()); p != 0 {
		t.Errorf("%d notices left in the outbox", p)
	}
}

type notifierFunc func(bot.Notice) error

func (f notifierFunc) Notify(_ context.Context, d bot.Delivery) error { return f(d.Notice) }

// limitedErr is a rate limit answer.
type limitedErr time.Duration

func (l limitedErr) Error() string             { return "429" }
func (l limitedErr) RetryAfter() time.Duration { return time.Duration(l) }

// A rate limit is waited out exactly as long as Retry-After says and is not counted; a
// wait for another notice (ErrNotYet) is neither counted nor backed off; both park at
// the horizon like any failure, never before.
func TestWorkerLimitsAndWaitsAreNotAttempts(t *testing.T) {
	c := newClock()
	st := store.NewMemory(c.Now)
	enqueue(t, st, "N1")
	var attempts []int
	var at []time.Duration
	start := c.Now()
	n := deliveryFunc(func(d bot.Delivery) error {
		attempts = append(attempts, d.Attempt)
		at = append(at, c.Now().Sub(start))
		switch len(attempts) {
		case 1, 2:
			return limitedErr(7 * time.Second)
		case 3:
			return fmt.Errorf("root: %w", bot.ErrNotYet)
		}
		return nil
	})
	w := &bot.Worker{Outbox: st, Notifier: n, Now: c.Now, Backoff: time.Second, Log: slog.New(slog.DiscardHandler)}
	for range 30 {
		if _, err := w.Drain(context.Background()); err != nil {
			t.Fatal(err)
		}
		c.Advance(time.Second)
	}
	if fmt.Sprint(attempts) != "[1 1 1 1]" {
		t.Fatalf("attempts %v, want 1 each time: limits and waits are not attempts", attempts)
	}
	if want := []time.Duration{0, 7 * time.Second, 14 * time.Second, 15 * time.Second}; fmt.Sprint(at) != fmt.Sprint(want) {
		t.Fatalf("tried at %v, want %v (Retry-After exactly, then the first backoff)", at, want)
	}

	// Waiting for a root that never comes parks at the horizon.
	enqueue(t, st, "N2")
	w = &bot.Worker{Outbox: st, Notifier: deliveryFunc(func(bot.Delivery) error { return bot.ErrNotYet }), Now: c.Now,
		Horizon: time.Hour, Log: slog.New(slog.DiscardHandler)}
	for range 3700 {
		w.Drain(context.Background())
		c.Advance(time.Second)
	}
	if dead, _ := st.DeadLetters(context.Background()); len(dead) != 1 || dead[0].Notice.ID != "N2" {
		t.Fatalf("dead letters %+v, want N2 parked at the horizon", dead)
	}
}

type deliveryFunc func(bot.Delivery) error

func (f deliveryFunc) Notify(_ context.Context, d bot.Delivery) error { return f(d) }
