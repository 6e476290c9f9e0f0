package store_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"deskbot/bot"
	"deskbot/store"
	"deskbot/store/redistest"
	"deskbot/store/storetest"
)

// An event whose conversation is idle costs two round trips: Begin (announcement and
// queueing, one script) and CommitNext, which also gives the lease up; and at most 12
// commands as Redis counts them, those the scripts call included (10 for a conversation
// seen before, 11 for a new one). An event that finds the lease held costs one round
// trip, and is left to the holder.
func TestRedisIdleEventTakesTwoRoundTrips(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	st := openRedis(t, srv.URL, nil, testPrefix(t))
	m := &meter{rdb: st.Client()}
	st.Client().AddHook(m)
	ctx := context.Background()
	e := bot.NewEngine(bot.Config{Store: st, Brain: counter{}})
	if _, err := e.Handle(ctx, testEvent("line:Uwarm", "0")); err != nil { // scripts loaded
		t.Fatal(err)
	}
	for i, conv := range []string{"line:Unew", "line:Unew", "line:Uother"} {
		m.reset()
		got, err := e.Handle(ctx, testEvent(conv, strconv.Itoa(i)))
		if err != nil || len(got) != 1 {
			t.Fatalf("Handle = %+v, %v", got, err)
		}
		if n := m.trips.Load(); n != 2 {
			t.Errorf("event %d on an idle conversation took %d round trips, want 2", i, n)
		}
		if n := m.processed() - m.served - 1; n > 12 { // the INFO of reset
			t.Errorf("event %d on an idle conversation took %d commands as Redis counts them, want at most 12", i, n)
		}
	}
	if ok, err := st.Lease(ctx, "line:Uheld", "other-engine", time.Minute); !ok || err != nil {
		t.Fatal(ok, err)
	}
	m.reset()
	if got, err := e.Handle(ctx, testEvent("line:Uheld", "x")); err != nil || len(got) != 0 {
		t.Fatalf("Handle under another's lease = %+v, %v; want nothing", got, err)
	}
	if n := m.trips.Load(); n != 1 {
		t.Errorf("an event under another's lease took %d round trips, want 1", n)
	}
	if q, ok, err := st.Head(ctx, "line:Uheld"); err != nil || !ok || q.Event.Text != "x" {
		t.Fatalf("Head = %+v, %v, %v; want the event queued for the holder", q, ok, err)
	}
	if convs, err := st.Waiting(ctx, 10); err != nil || len(convs) != 1 || convs[0] != "line:Uheld" {
		t.Fatalf("Waiting = %v, %v; want the held conversation announced", convs, err)
	}
}

// On a Redis Cluster an idle event costs three round trips (the announcement goes to its
// index shard's node first) and at most 12 commands as the masters count them (11 for a
// conversation seen before, 12 for a new one), the client's own CLUSTER SLOTS aside.
func TestRedisClusterIdleEventCommands(t *testing.T) {
	t.Parallel()
	addrs := redistest.Cluster(t)
	st := openRedis(t, "", addrs, testPrefix(t))
	c := st.Client().(*redis.ClusterClient)
	ctx := context.Background()
	executed := func() int64 { // by every master, but for INFO and CLUSTER
		var mu sync.Mutex
		var n int64
		err := c.ForEachMaster(ctx, func(ctx context.Context, m *redis.Client) error {
			info, err := m.Info(ctx, "commandstats").Result()
			for line := range strings.Lines(info) {
				name, stats, ok := strings.Cut(strings.TrimPrefix(strings.TrimSpace(line), "cmdstat_"), ":calls=")
				if !ok || name == "info" || strings.HasPrefix(name, "cluster") {
					continue
				}
				calls, _, _ := strings.Cut(stats, ",")
				k, _ := strconv.ParseInt(calls, 10, 64)
				mu.Lock()
				n += k
				mu.Unlock()
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	e := bot.NewEngine(bot.Config{Store: st, Brain: counter{}})
	for i := range 30 { // the scripts loaded on every node, the slots known
		if _, err := e.Handle(ctx, testEvent(fmt.Sprintf("line:Uwarm%d", i), "0")); err != nil {
			t.Fatal(err)
		}
	}
	for i, conv := range []string{"line:Unew", "line:Unew", "line:Uother"} {
		before := executed()
		if got, err := e.Handle(ctx, testEvent(conv, strconv.Itoa(i))); err != nil || len(got) != 1 {
			t.Fatalf("Handle = %+v, %v", got, err)
		}
		if n := executed() - before; n > 12 {
			t.Errorf("event %d on an idle conversation took %d commands as the masters count them, want at most 12", i, n)
		}
	}
}

// Two engines on one conversation through the hot path (each with its own client, as
// separate processes): every event applied once, in arrival order (Begin's sequence
// numbers), and answered once.
func TestRedisHotPathTwoEngines(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	prefix := testPrefix(t)
	twoEngines(t, openRedis(t, srv.URL, nil, prefix), openRedis(t, srv.URL, nil, prefix))
}

// The same on a Redis Cluster, where Begin announces and queues in two steps.
func TestRedisClusterHotPathTwoEngines(t *testing.T) {
	t.Parallel()
	addrs := redistest.Cluster(t)
	prefix := testPrefix(t)
	twoEngines(t, openRedis(t, "", addrs, prefix), openRedis(t, "", addrs, prefix))
}

func twoEngines(t *testing.T, stores ...*store.Redis) {
	const events, conv = 200, "line:Uhot"
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
	var engines []*bot.Engine
	for _, st := range stores {
		engines = append(engines, bot.NewEngine(bot.Config{Store: hotArrivals{st, &mu, bySeq}, Brain: counter{}, Deliver: deliver}))
	}
	storetest.HandleAll(t, engines, conv, events, deliver)
	n, order := counterOf(t, stores[0], conv)
	if n != strconv.Itoa(events) {
		t.Fatalf("counter = %s, want %d", n, events)
	}
	var want []string
	for seq := int64(1); seq <= events; seq++ {
		want = append(want, bySeq[seq])
	}
	if got := strings.TrimSuffix(order, ","); got != strings.Join(want, ",") {
		t.Fatalf("applied order differs from arrival order:\n got %s\nwant %s", got, strings.Join(want, ","))
	}
	for i := range events {
		if n := replies[strconv.Itoa(i)]; n != 1 {
			t.Errorf("event %d answered %d times, want once", i, n)
		}
	}
	if ok, err := stores[0].Lease(context.Background(), conv, "after", time.Second); !ok || err != nil {
		t.Errorf("the lease is still held after every event was applied (%v)", err)
	}
}

// hotArrivals is a Redis store that remembers which event got which sequence number from
// Begin: the arrival order the engines must keep.
type hotArrivals struct {
	*store.Redis
	mu    *sync.Mutex
	bySeq map[int64]string
}

func (a hotArrivals) Begin(ctx context.Context, ev bot.Event, holder string, ttl time.Duration) (bot.Begun, error) {
	b, err := a.Redis.Begin(ctx, ev, holder, ttl)
	if err == nil {
		a.mu.Lock()
		a.bySeq[b.Seq] = ev.Text
		a.mu.Unlock()
	}
	return b, err
}

var _ redis.Hook = (*meter)(nil)

// failing is a counter that fails the decision on "fail" (once) and panics on "panic".
type failing struct {
	counter
	failed *atomic.Bool
}

func (f failing) Decide(ctx context.Context, t *bot.Turn) (bot.Outcome, error) {
	switch t.Event.Text {
	case "fail":
		if f.failed.CompareAndSwap(false, true) {
			return bot.Outcome{}, errors.New("the brain failed")
		}
	case "panic":
		panic("a bug")
	}
	return f.counter.Decide(ctx, t)
}

// Every way the hot path leaves its fast lane: a redelivery of an applied event, a
// decision that fails (the event stays queued, the lease is given back at once), a
// decision that panics (the event is dropped). None blocks the conversation.
func TestRedisHotPathFailures(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	st := openRedis(t, srv.URL, nil, testPrefix(t))
	ctx := context.Background()
	const conv = "line:Ufailures"
	e := bot.NewEngine(bot.Config{Store: st, Brain: failing{failed: new(atomic.Bool)}, LeaseTTL: time.Hour,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	handle := func(text string) ([]bot.Message, error) { return e.Handle(ctx, testEvent(conv, text)) }

	if got, err := handle("a"); err != nil || reply(got) != "1" {
		t.Fatalf("a = %+v, %v", got, err)
	}
	if got, err := handle("a"); err != nil || len(got) != 0 {
		t.Fatalf("a redelivered = %+v, %v; want no answer", got, err)
	}
	if _, err := handle("fail"); err == nil {
		t.Fatal("a failed decision returned no error")
	}
	if q, ok, err := st.Head(ctx, conv); err != nil || !ok || q.Event.Text != "fail" {
		t.Fatalf("inbox head = %+v, %v, %v; want the failed event still queued", q, ok, err)
	}
	// With an hour's lease, anything but a lease given back blocks this.
	if got, err := handle("b"); err != nil || reply(got) != "3" {
		t.Fatalf("b after the failure = %+v, %v; want 3 (the failed event applied first)", got, err)
	}
	if got, err := handle("panic"); err != nil || len(got) != 0 {
		t.Fatalf("panic = %+v, %v; want the event dropped", got, err)
	}
	if got, err := handle("c"); err != nil || reply(got) != "4" {
		t.Fatalf("c after the panic = %+v, %v; want 4", got, err)
	}
	if n, order := counterOf(t, st, conv); n != "4" || order != "a,fail,b,c," {
		t.Fatalf("counter %s order %s; want 4 and a,fail,b,c,", n, order)
	}
	if _, ok, _ := st.Head(ctx, conv); ok {
		t.Error("events left in the inbox")
	}
	if ok, err := st.Lease(ctx, conv, "after", time.Second); !ok || err != nil {
		t.Errorf("the lease is still held (%v)", err)
	}
}

// Redis down: each conversation call, and each call added for receipts, digests and the
// outbox, fails with bot.ErrUnavailable, which the callers treat as "try again", not as a
// bad request.
func TestRedisDownNewCalls(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	st := openRedis(t, srv.URL, nil, testPrefix(t))
	ctx := context.Background()
	const conv = "line:Udowncalls"
	srv.Stop()

	if _, err := st.Begin(ctx, testEvent(conv, "a"), "h", time.Second); !errors.Is(err, bot.ErrUnavailable) {
		t.Errorf("Begin: %v, want bot.ErrUnavailable", err)
	}
	c := bot.Commit{Session: &bot.Session{Conversation: conv}, Delete: true, Holder: "h", LeaseTTL: time.Second}
	if _, _, err := st.CommitNext(ctx, c); !errors.Is(err, bot.ErrUnavailable) {
		t.Errorf("CommitNext: %v, want bot.ErrUnavailable", err)
	}
	// The store's other conversation calls, scripts over the conversation's hash too.
	for name, call := range map[string]func() error{
		"Enqueue": func() error { _, err := st.Enqueue(ctx, testEvent(conv, "a")); return err },
		"Head":    func() error { _, _, err := st.Head(ctx, conv); return err },
		"Lease":   func() error { _, err := st.Lease(ctx, conv, "h", time.Second); return err },
		"Unlease": func() error { return st.Unlease(ctx, conv, "h") },
		"Load":    func() error { _, err := st.Load(ctx, conv, "e"); return err },
		"Commit":  func() error { return st.Commit(ctx, c) },
		"Skip":    func() error { return st.Skip(ctx, conv, "h", 1) },
	} {
		if err := call(); !errors.Is(err, bot.ErrUnavailable) {
			t.Errorf("%s: %v, want bot.ErrUnavailable", name, err)
		}
	}
	if _, err := st.NextReceipt(ctx, "20221115"); !errors.Is(err, bot.ErrUnavailable) {
		t.Errorf("NextReceipt: %v, want bot.ErrUnavailable", err)
	}
	n := bot.Notice{ID: "n1", Conversation: conv}
	if _, err := st.ClaimNotice(ctx, "digest", time.Hour, n); !errors.Is(err, bot.ErrUnavailable) {
		t.Errorf("ClaimNotice: %v, want bot.ErrUnavailable", err)
	}
	if _, err := st.Redrive(ctx, ""); !errors.Is(err, bot.ErrUnavailable) {
		t.Errorf("Redrive: %v, want bot.ErrUnavailable", err)
	}
	if _, err := st.Seen(ctx, "line:sent:k"); !errors.Is(err, bot.ErrUnavailable) {
		t.Errorf("Seen: %v, want bot.ErrUnavailable", err)
	}
}
