package store_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"deskbot/bot"
	"deskbot/store/redistest"
)

// The engine and the worker over store.Redis, as deployments run them: several engines
// (each with its own client, as separate processes would have) on one Redis.

// counter is a Brain that counts a conversation's text events and records their order;
// "report" files a report notice, "clear" ends the session.
type counter struct {
	// before, if set, runs before each decision (a test stops Redis here).
	before func(t *bot.Turn)
}

func (c counter) Decide(ctx context.Context, t *bot.Turn) (bot.Outcome, error) {
	if c.before != nil {
		c.before(t)
	}
	s := t.Session
	var out bot.Outcome
	switch t.Event.Text {
	case "clear":
		s.End()
		return bot.Outcome{Messages: []bot.Message{{Text: "cleared"}}}, nil
	case "report":
		id, err := t.Receipt(ctx)
		if err != nil {
			return bot.Outcome{}, err
		}
		r := &bot.Report{ID: id, Conversation: t.Event.Conversation, Created: t.Now, Categories: []string{"over-cap"},
			Facility: "さくら内科", Prefecture: "東京都", FacilityType: "clinic", Details: "見積が高い"}
		out.Notices = []bot.Notice{{ID: id, Kind: bot.NoticeReport, Conversation: r.Conversation, Time: t.Now, Report: r}}
	}
	n, _ := strconv.Atoi(s.Answers["n"])
	s.Flow = "count"
	s.Set("n", strconv.Itoa(n+1))
	s.Set("order", s.Answers["order"]+t.Event.Text+",")
	out.Messages = []bot.Message{{Text: strconv.Itoa(n + 1)}}
	return out, nil
}

func testEvent(conv, text string) bot.Event {
	return bot.Event{ID: "ev-" + conv + "-" + text, Conversation: conv, Kind: bot.TextEvent, Text: text}
}

func reply(msgs []bot.Message) string {
	if len(msgs) == 0 {
		return ""
	}
	return msgs[0].Text
}

// runFlow handles n events "0".."n-1" in conv on a fresh engine and fails on any error.
func runFlow(t testing.TB, st bot.Store, conv string, n int) {
	t.Helper()
	e := bot.NewEngine(bot.Config{Store: st, Brain: counter{}})
	for i := range n {
		if _, err := e.Handle(context.Background(), testEvent(conv, strconv.Itoa(i))); err != nil {
			t.Fatalf("Handle: %v", err)
		}
	}
}

func counterOf(t testing.TB, st bot.Store, conv string) (n, order string) {
	t.Helper()
	l, err := st.Load(context.Background(), conv, "")
	if err != nil {
		t.Fatal(err)
	}
	return l.Session.Answers["n"], l.Session.Answers["order"]
}

// An engine that dies holding a conversation's lease blocks it only until the lease runs
// out: the sweep of another engine applies what it left, in order, and delivers.
func TestRedisCrashedHolderIsSweptUp(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	st := openRedis(t, srv.URL, nil, testPrefix(t))
	ctx := context.Background()
	const lease = time.Second // long enough that the two Handle calls below find it held, even on a loaded machine
	if ok, err := st.Lease(ctx, "line:U9", "dead-engine", lease); !ok || err != nil {
		t.Fatalf("Lease = %v, %v", ok, err)
	}
	var delivered []string
	e := bot.NewEngine(bot.Config{Store: st, Brain: counter{}, LeaseTTL: lease,
		Deliver: func(_ context.Context, ev bot.Event, msgs []bot.Message) {
			delivered = append(delivered, ev.Text+"="+reply(msgs))
		}})
	for _, x := range []string{"a", "b"} {
		if got, err := e.Handle(ctx, testEvent("line:U9", x)); err != nil || len(got) != 0 {
			t.Fatalf("Handle(%s) under another's lease = %+v, %v; want nothing yet", x, got, err)
		}
	}
	if n, err := e.Sweep(ctx); err != nil || len(delivered) != 0 {
		t.Fatalf("swept %d (%v) while the lease held: delivered %v", n, err, delivered)
	}
	time.Sleep(lease + 100*time.Millisecond)
	if n, err := e.Sweep(ctx); err != nil || n != 1 {
		t.Fatalf("Sweep = %d, %v; want 1 conversation", n, err)
	}
	if fmt.Sprint(delivered) != "[a=1 b=2]" {
		t.Fatalf("delivered %v, want [a=1 b=2]", delivered)
	}
	if convs, err := st.Waiting(ctx, 10); err != nil || len(convs) != 0 {
		t.Errorf("Waiting = %v, %v; want none", convs, err)
	}
}

// Redis killed and restarted mid-conversation, with its append-only file: the
// conversation goes on where it was, applied events stay applied, and a notice written
// before the crash is still delivered.
func TestRedisRestartWithAOF(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t, redistest.AOF())
	st := openRedis(t, srv.URL, nil, testPrefix(t))
	ctx := context.Background()
	e := bot.NewEngine(bot.Config{Store: st, Brain: counter{}})
	const conv = "line:Uaof"
	for _, x := range []string{"0", "1", "report"} {
		if _, err := e.Handle(ctx, testEvent(conv, x)); err != nil {
			t.Fatal(err)
		}
	}
	srv.Restart() // SIGKILL, then start again on the same files

	if got, err := e.Handle(ctx, testEvent(conv, "1")); err != nil || len(got) != 0 {
		t.Fatalf("redelivery of an event applied before the crash = %+v, %v; want no answer", got, err)
	}
	for i, x := range []string{"3", "4"} {
		got, err := e.Handle(ctx, testEvent(conv, x))
		if err != nil || reply(got) != strconv.Itoa(4+i) {
			t.Fatalf("after the restart, %s = %+v, %v; want %d", x, got, err, 4+i)
		}
	}
	if n, order := counterOf(t, st, conv); n != "5" || order != "0,1,report,3,4," {
		t.Fatalf("counter %s order %s, want 5 and 0,1,report,3,4,", n, order)
	}
	ds, err := st.Claim(ctx, "w", 10, time.Minute)
	if err != nil || len(ds) != 1 || ds[0].Report == nil {
		t.Fatalf("after the restart the outbox holds %+v, %v; want the report", ds, err)
	}
	if _, ok, err := st.Report(ctx, ds[0].ID); !ok || err != nil {
		t.Fatalf("report %s not archived: %v", ds[0].ID, err)
	}
}

// Redis down: Handle fails with bot.ErrUnavailable, fast, and nothing is half-written — a
// turn that lost Redis between its load and its commit is applied once when Redis is back
// and the channel redelivers.
func TestRedisDown(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t, redistest.AOF())
	st := openRedis(t, srv.URL, nil, testPrefix(t))
	ctx := context.Background()
	const conv, lease = "line:Udown", 500 * time.Millisecond
	var killed atomic.Bool
	brain := counter{before: func(t *bot.Turn) {
		if t.Event.Text == "crash" && killed.CompareAndSwap(false, true) {
			srv.Stop() // Redis goes while the turn is being decided
		}
	}}
	e := bot.NewEngine(bot.Config{Store: st, Brain: brain, LeaseTTL: lease})
	if got, err := e.Handle(ctx, testEvent(conv, "a")); err != nil || reply(got) != "1" {
		t.Fatalf("first event = %+v, %v", got, err)
	}

	crash := testEvent(conv, "crash")
	if _, err := e.Handle(ctx, crash); !errors.Is(err, bot.ErrUnavailable) {
		t.Fatalf("Handle with Redis gone mid-turn: err = %v, want bot.ErrUnavailable", err)
	}
	start := time.Now()
	if _, err := e.Handle(ctx, testEvent(conv, "b")); !errors.Is(err, bot.ErrUnavailable) {
		t.Fatalf("Handle with Redis down: err = %v, want bot.ErrUnavailable", err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("Handle with Redis down took %v; the webhook must answer well within LINE's timeout", took)
	}
	if err := st.Ping(ctx); !errors.Is(err, bot.ErrUnavailable) {
		t.Errorf("Ping with Redis down: %v, want bot.ErrUnavailable", err)
	}

	srv.Restart()
	l, err := st.Load(ctx, conv, crash.ID)
	if err != nil {
		t.Fatal(err)
	}
	if l.Seen || l.Session.Version != 1 || l.Session.Answers["n"] != "1" {
		t.Fatalf("the failed turn left seen=%v version %d counter %s; want nothing of it", l.Seen, l.Session.Version, l.Session.Answers["n"])
	}
	if q, ok, err := st.Head(ctx, conv); err != nil || !ok || q.Event.ID != crash.ID {
		t.Fatalf("inbox head = %+v, %v, %v; want the failed event, still queued", q, ok, err)
	}
	// The dead turn's lease runs out; LINE redelivers: the queued original is applied
	// (its reply delivered by the engine), the copy is a duplicate.
	time.Sleep(lease)
	if got, err := e.Handle(ctx, crash); err != nil || len(got) != 0 {
		t.Fatalf("redelivery = %+v, %v; want no answer (the original answers)", got, err)
	}
	if got, err := e.Handle(ctx, testEvent(conv, "b")); err != nil || reply(got) != "3" {
		t.Fatalf("the event refused while Redis was down, sent again = %+v, %v; want 3", got, err)
	}
	if n, order := counterOf(t, st, conv); n != "3" || order != "a,crash,b," {
		t.Fatalf("counter %s order %s; want 3 and a,crash,b,", n, order)
	}
}

// Everything personal expires: after a conversation with a report, every key without a
// TTL is one of the outbox path's or an index (see keys.go).
func TestRedisKeysHaveTTL(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	prefix := testPrefix(t)
	st := openRedis(t, srv.URL, nil, prefix)
	rdb := st.Client()
	ctx := context.Background()
	e := bot.NewEngine(bot.Config{Store: st, Brain: counter{}})
	for _, x := range []string{"a", "report", "b"} {
		if _, err := e.Handle(ctx, testEvent("line:Uttl", x)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.Claim(ctx, "w", 10, time.Minute); err != nil { // relays and archives
		t.Fatal(err)
	}
	if _, err := st.NextReceipt(ctx, "20221115"); err != nil {
		t.Fatal(err)
	}
	untimed := map[string]bool{"waiting": true, "outconvs": true, "outbox": true, "relayed": true}
	keys, err := rdb.Keys(ctx, prefix+":*").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) < 10 {
		t.Fatalf("only %d keys: %v", len(keys), keys)
	}
	for _, k := range keys {
		ttl, err := rdb.PTTL(ctx, k).Result()
		if err != nil {
			t.Fatal(err)
		}
		name := k[strings.LastIndex(k, "}:")+2:]
		if ttl < 0 && !untimed[name] {
			t.Errorf("key %s has no TTL", k)
		}
	}
}
