package store

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"deskbot/bot"
	"deskbot/store/redistest"
)

func newTestRedis(t *testing.T) *Redis {
	t.Helper()
	return openTestRedis(t, redistest.Start(t).URL, "internal:"+time.Now().Format("150405.000000000"))
}

func openTestRedis(t *testing.T, url, prefix string) *Redis {
	t.Helper()
	r, err := OpenRedis(url, RedisOptions{Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// A shared REDIS_URL stays clean.
		ctx := context.Background()
		iter := r.rdb.Scan(ctx, 0, prefix+":*", 1000).Iterator()
		for iter.Next(ctx) {
			r.rdb.Del(ctx, iter.Val())
		}
		r.Close()
	})
	return r
}

func zcard(t *testing.T, r *Redis, key string) int64 {
	t.Helper()
	n, err := r.rdb.ZCard(context.Background(), key).Result()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// waitingLen is how many conversations the shards of the waiting index list.
func waitingLen(t *testing.T, r *Redis) int64 {
	t.Helper()
	var n int64
	for _, k := range r.k.waitingShards() {
		n += zcard(t, r, k)
	}
	return n
}

// The waiting index keeps a drained conversation for the grace, then forgets it; a
// conversation with queued events is never forgotten.
func TestWaitingIndexIsPruned(t *testing.T) {
	r := newTestRedis(t)
	ctx := context.Background()
	for _, c := range []string{"line:Uidle", "line:Ubusy"} {
		if _, err := r.Enqueue(ctx, bot.Event{Conversation: c, Kind: bot.TextEvent, Text: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	if ok, err := r.Lease(ctx, "line:Uidle", "me", time.Minute); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if err := r.Skip(ctx, "line:Uidle", "me", 1); err != nil {
		t.Fatal(err)
	}
	got, err := r.Waiting(ctx, 10)
	if err != nil || len(got) != 1 || got[0] != "line:Ubusy" {
		t.Fatalf("Waiting = %v, %v; want [line:Ubusy]", got, err)
	}
	if n := waitingLen(t, r); n != 2 {
		t.Fatalf("within the grace the index holds %d conversations, want 2", n)
	}
	r.grace = 0
	time.Sleep(2 * time.Millisecond)
	if got, err := r.Waiting(ctx, 10); err != nil || len(got) != 1 {
		t.Fatalf("Waiting = %v, %v", got, err)
	}
	if n := waitingLen(t, r); n != 1 {
		t.Fatalf("after the grace the index holds %d conversations, want only the busy one", n)
	}
}

// A relay that died after adding notices to the stream and before trimming :out is
// redone without adding them twice; the outconvs index forgets the conversation after
// the grace.
func TestRelayRedoneAfterCrash(t *testing.T) {
	r := newTestRedis(t)
	ctx := context.Background()
	conv := "line:Urelay"
	ns := []bot.Notice{{ID: "N1", Kind: bot.NoticeHandoff, Conversation: conv}, {ID: "N2", Kind: bot.NoticeHandoff, Conversation: conv}}
	if err := r.Commit(ctx, bot.Commit{Session: &bot.Session{Conversation: conv}, Delete: true, Notices: ns}); err != nil {
		t.Fatal(err)
	}
	// The first half of relayConv, as a relay that crashed would have done it.
	entries, err := r.rdb.LRange(ctx, r.k.out(conv), 0, -1).Result()
	if err != nil || len(entries) != 2 {
		t.Fatalf(":out = %v, %v", entries, err)
	}
	if err := relayScript.Run(ctx, r.rdb, []string{r.k.outbox(), r.k.relayed()}, outboxGroup, ms(relayedTTL), r.now().UnixMilli(),
		"N1", entries[0], "N2", entries[1]).Err(); err != nil {
		t.Fatal(err)
	}
	r.grace = 0
	time.Sleep(2 * time.Millisecond)
	if err := r.relay(ctx); err != nil {
		t.Fatal(err)
	}
	if n, _ := r.rdb.XLen(ctx, r.k.outbox()).Result(); n != 2 {
		t.Fatalf("the stream holds %d entries, want 2", n)
	}
	if n, _ := r.rdb.LLen(ctx, r.k.out(conv)).Result(); n != 0 {
		t.Fatalf(":out holds %d entries after the relay, want 0", n)
	}
	if n := zcard(t, r, r.k.outConvs()); n != 0 {
		t.Fatalf("outconvs holds %d conversations after the grace, want 0", n)
	}
	ds, err := r.Claim(ctx, "w", 10, time.Minute)
	if err != nil || len(ds) != 2 || ds[0].ID != "N1" || ds[1].ID != "N2" {
		t.Fatalf("Claim = %+v, %v; want N1, N2", ds, err)
	}
}

// An outbox entry that is not a notice is parked at once, not retried forever.
func TestUndecodableNoticeIsParked(t *testing.T) {
	r := newTestRedis(t)
	ctx := context.Background()
	if err := relayScript.Run(ctx, r.rdb, []string{r.k.outbox(), r.k.relayed()}, outboxGroup, ms(relayedTTL), r.now().UnixMilli(), "", "{not json").Err(); err != nil {
		t.Fatal(err)
	}
	ds, err := r.Claim(ctx, "w", 10, time.Minute)
	if err != nil || len(ds) != 0 {
		t.Fatalf("Claim = %+v, %v; want nothing", ds, err)
	}
	dead, err := r.DeadLetters(ctx)
	if err != nil || len(dead) != 1 {
		t.Fatalf("dead letters %+v, %v; want the entry", dead, err)
	}
}

// Close removes the consumers of this store that hold nothing, and keeps the others.
func TestCloseDropsIdleConsumers(t *testing.T) {
	srv := redistest.Start(t)
	prefix := "internal:" + time.Now().Format("150405.000000000")
	r := openTestRedis(t, srv.URL, prefix)
	ctx := context.Background()
	conv := "line:Uconsumers"
	if err := r.Commit(ctx, bot.Commit{Session: &bot.Session{Conversation: conv}, Delete: true,
		Notices: []bot.Notice{{ID: "N1", Kind: bot.NoticeHandoff, Conversation: conv}}}); err != nil {
		t.Fatal(err)
	}
	if ds, err := r.Claim(ctx, "holding", 10, time.Minute); err != nil || len(ds) != 1 {
		t.Fatalf("Claim = %+v, %v", ds, err)
	}
	if _, err := r.Claim(ctx, "idle", 10, time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	other := openTestRedis(t, srv.URL, prefix)
	cs, err := other.rdb.XInfoConsumers(ctx, other.k.outbox(), outboxGroup).Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 || cs[0].Name != "holding" {
		t.Fatalf("consumers after Close: %+v; want only the one holding a notice", cs)
	}
}

// A worker that died holding a notice stays a consumer of the group only until another
// worker has claimed what it held: then it is removed, so crashed workers do not pile up.
func TestDeadConsumersPruned(t *testing.T) {
	r := newTestRedis(t)
	ctx := context.Background()
	conv := "line:Udead"
	if err := r.Commit(ctx, bot.Commit{Session: &bot.Session{Conversation: conv}, Delete: true,
		Notices: []bot.Notice{{ID: "N1", Kind: bot.NoticeHandoff, Conversation: conv}}}); err != nil {
		t.Fatal(err)
	}
	if ds, err := r.Claim(ctx, "crashed", 10, 5*time.Millisecond); err != nil || len(ds) != 1 {
		t.Fatalf("Claim = %+v, %v", ds, err)
	}
	consumers := func() []string {
		cs, err := r.rdb.XInfoConsumers(ctx, r.k.outbox(), outboxGroup).Result()
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, c := range cs {
			names = append(names, c.Name)
		}
		return names
	}
	// While it holds the notice it stays, however long it is silent.
	r.deadAfter = time.Millisecond
	time.Sleep(20 * time.Millisecond) // Redis's clock: the lease and the idle time run out
	r.pruned = time.Time{}
	r.pruneConsumers(ctx)
	if cs := consumers(); !slices.Contains(cs, "crashed") {
		t.Fatalf("consumers %v: the one holding a notice was removed", cs)
	}
	r.pruned = time.Time{}
	ds, err := r.Claim(ctx, "survivor", 10, time.Minute) // takes the notice over, then prunes
	if err != nil || len(ds) != 1 || ds[0].Attempt != 2 {
		t.Fatalf("Claim after the lease = %+v, %v", ds, err)
	}
	r.pruned = time.Time{}
	r.pruneConsumers(ctx)
	if cs := consumers(); slices.Contains(cs, "crashed") || !slices.Contains(cs, "survivor") {
		t.Fatalf("consumers %v, want the survivor only", cs)
	}
}

// The waiting index is sharded, so no one key takes every event's write, and one sweep
// after the grace forgets every idle conversation of a burst, however many: the index
// stays at about the conversations of one grace.
func TestWaitingIndexShardedAndBounded(t *testing.T) {
	r := newTestRedis(t)
	ctx := context.Background()
	const convs = 3000
	for i := range convs {
		conv := fmt.Sprintf("line:Uburst%05d", i)
		b, err := r.Begin(ctx, bot.Event{Conversation: conv, Kind: bot.TextEvent, Text: "x"}, "me", time.Minute)
		if err != nil || !b.Leased || b.Loaded == nil {
			t.Fatalf("Begin = %+v, %v", b, err)
		}
		if _, more, err := r.CommitNext(ctx, bot.Commit{Session: b.Loaded.Session, Delete: true, Holder: "me",
			LeaseTTL: time.Minute, Seq: b.Seq}); err != nil || more {
			t.Fatalf("CommitNext = %v, %v", more, err)
		}
	}
	if _, err := r.Enqueue(ctx, bot.Event{Conversation: "line:Uleft", Kind: bot.TextEvent, Text: "x"}); err != nil {
		t.Fatal(err)
	}
	if n := zcard(t, r, r.k.legacyWaiting()); n != 0 {
		t.Fatalf("the unsharded index got %d entries, want none", n)
	}
	for _, k := range r.k.waitingShards() {
		if n := zcard(t, r, k); n < convs/waitingShards/2 {
			t.Errorf("shard %s lists %d conversations, want about %d", k, n, convs/waitingShards)
		}
	}
	if _, err := r.Waiting(ctx, 100); err != nil {
		t.Fatal(err)
	}
	if n := waitingLen(t, r); n != convs+1 {
		t.Fatalf("within the grace the index lists %d conversations, want %d", n, convs+1)
	}
	r.grace = 0
	time.Sleep(2 * time.Millisecond)
	if got, err := r.Waiting(ctx, 100); err != nil || len(got) != 1 || got[0] != "line:Uleft" {
		t.Fatalf("Waiting = %v, %v; want [line:Uleft]", got, err)
	}
	if n := waitingLen(t, r); n != 1 {
		t.Fatalf("one sweep after the grace left %d conversations in the index, want only the one waiting", n)
	}
}

// What earlier versions left is still found: entries of the unsharded index, pruned when
// idle, and events queued in the :inbox list alone, which Head moves into place and
// Waiting lists until they are applied.
func TestLegacyWaitingIndexIsRead(t *testing.T) {
	r := newTestRedis(t)
	ctx := context.Background()
	for _, entry := range []string{`7|{"conv":"line:Uold","text":"first"}`, `8|{"conv":"line:Uold","text":"second"}`} {
		if err := r.rdb.RPush(ctx, r.k.inbox("line:Uold"), entry).Err(); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []string{"line:Uold", "line:Uidle"} {
		if _, err := r.announce(ctx, r.k.legacyWaiting(), c); err != nil {
			t.Fatal(err)
		}
	}
	r.grace = 0
	time.Sleep(2 * time.Millisecond)
	if got, err := r.Waiting(ctx, 10); err != nil || len(got) != 1 || got[0] != "line:Uold" {
		t.Fatalf("Waiting = %v, %v; want [line:Uold]", got, err)
	}
	if n := zcard(t, r, r.k.legacyWaiting()); n != 1 {
		t.Fatalf("the legacy index holds %d conversations, want only the waiting one", n)
	}
	var got []string
	e := bot.NewEngine(bot.Config{Store: r, Brain: echo{}, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Deliver: func(_ context.Context, ev bot.Event, _ []bot.Message) { got = append(got, ev.Text) }})
	if n, err := e.Sweep(ctx); err != nil || n != 1 {
		t.Fatalf("Sweep = %d, %v", n, err)
	}
	if strings.Join(got, ",") != "first,second" {
		t.Fatalf("the sweep applied %v, want first,second in order", got)
	}
	if got, err := r.Waiting(ctx, 10); err != nil || len(got) != 0 {
		t.Fatalf("Waiting after the sweep = %v, %v; want none", got, err)
	}
}

// echo answers every event with its text.
type echo struct{}

func (echo) Decide(_ context.Context, t *bot.Turn) (bot.Outcome, error) {
	t.Session.Set("last", t.Event.Text)
	return bot.Outcome{Messages: []bot.Message{{Text: t.Event.Text}}}, nil
}
