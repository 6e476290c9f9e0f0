package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"deskbot/bot"
)

// hotTurn applies one event the way the engine's hot path does — Begin, then CommitNext
// with the session Begin loaded — and reports whether Begin found it applied before.
func hotTurn(t *testing.T, r *Redis, conv, id string, ttl time.Duration) (seen bool) {
	t.Helper()
	ctx := context.Background()
	b, err := r.Begin(ctx, bot.Event{ID: id, Conversation: conv, Kind: bot.TextEvent, Text: "x"}, "h-"+id, time.Minute)
	if err != nil || !b.Leased || b.Loaded == nil {
		t.Fatalf("Begin(%s) = %+v, %v; want the lease and the session", id, b, err)
	}
	if b.Loaded.Seen {
		if err := r.Skip(ctx, conv, "h-"+id, b.Seq); err != nil {
			t.Fatal(err)
		}
		r.Unlease(ctx, conv, "h-"+id)
		return true
	}
	s := b.Loaded.Session
	s.Set("last", id)
	if _, more, err := r.CommitNext(ctx, bot.Commit{Session: s, TTL: ttl, Holder: "h-" + id, LeaseTTL: time.Minute,
		Seq: b.Seq, EventID: id}); err != nil || more {
		t.Fatalf("CommitNext(%s) = %v, %v", id, more, err)
	}
	return false
}

// A conversation remembers the ids of the events it applied within appliedBytes: the
// latest hundred are always recognised as redeliveries, the list never grows past its
// bound, and what falls off is the oldest.
func TestAppliedIdsAreBounded(t *testing.T) {
	r := newTestRedis(t)
	ctx := context.Background()
	const conv, n = "line:Uchatty", 400
	id := func(i int) string { return fmt.Sprintf("01JD%022d", i) } // as long as a webhookEventId
	for i := range n {
		if hotTurn(t, r, conv, id(i), time.Hour) {
			t.Fatalf("event %d read as a redelivery the first time", i)
		}
	}
	e, err := r.rdb.HGet(ctx, r.k.session(conv), "e").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(e) > appliedBytes || !strings.HasPrefix(e, " ") || !strings.HasSuffix(e, " "+id(n-1)+" ") {
		t.Fatalf("applied ids: %d bytes, %.40q…; want at most %d, the latest last", len(e), e, appliedBytes)
	}
	for i := n - 100; i < n; i++ {
		if !hotTurn(t, r, conv, id(i), time.Hour) {
			t.Fatalf("event %d of the latest hundred not recognised as a redelivery", i)
		}
	}
	if l, err := r.Load(ctx, conv, id(0)); err != nil || l.Seen {
		t.Fatalf("the oldest event is still remembered (%v): the list is not bounded", err)
	}
}

// Event ids are kept whatever they contain: one with the list's separator or a hash's
// mark in it, or a very long one, neither matches another id nor breaks the list.
func TestAppliedIdsOfAnyShape(t *testing.T) {
	r := newTestRedis(t)
	ctx := context.Background()
	const conv = "line:Uodd-ids"
	odd := []string{"a b", "#x", strings.Repeat("長", 200), "tab\tid", "z"}
	for _, id := range odd {
		if hotTurn(t, r, conv, id, time.Hour) {
			t.Fatalf("%q read as a redelivery the first time", id)
		}
	}
	for _, id := range odd {
		if l, err := r.Load(ctx, conv, id); err != nil || !l.Seen {
			t.Errorf("%q not remembered (%v)", id, err)
		}
	}
	for _, id := range []string{"a", "b", "x", "長", "tab", "id", "a b z"} {
		if l, err := r.Load(ctx, conv, id); err != nil || l.Seen {
			t.Errorf("%q, never applied, read as applied (%v)", id, err)
		}
	}
}

// A session that ran out is erased, answers and all, by the first event that finds it
// so, which still learns that it ran out; a retry of that event does too.
func TestRunOutSessionIsErased(t *testing.T) {
	r := newTestRedis(t)
	ctx := context.Background()
	const conv = "line:Urunout"
	hotTurn(t, r, conv, "e1", 50*time.Millisecond)
	time.Sleep(60 * time.Millisecond)
	b, err := r.Begin(ctx, bot.Event{ID: "e2", Conversation: conv, Kind: bot.TextEvent}, "h2", time.Minute)
	if err != nil || b.Loaded == nil || !b.Loaded.Expired || !b.Loaded.Session.Empty() || b.Loaded.Session.Version != 0 {
		t.Fatalf("Begin after the TTL = %+v, %v; want a new session, marked expired", b.Loaded, err)
	}
	if d, _ := r.rdb.HGet(ctx, r.k.session(conv), "d").Result(); d != "" {
		t.Fatalf("the session's JSON is still stored after it ran out: %q", d)
	}
	if l, err := r.Load(ctx, conv, "e2"); err != nil || !l.Expired || l.Seen {
		t.Fatalf("Load before the turn is committed = %+v, %v; want still expired, not seen", l, err)
	}
	if _, _, err := r.CommitNext(ctx, bot.Commit{Session: b.Loaded.Session, TTL: time.Hour, Holder: "h2",
		LeaseTTL: time.Minute, Seq: b.Seq, EventID: "e2"}); err != nil {
		t.Fatal(err)
	}
	if l, err := r.Load(ctx, conv, ""); err != nil || l.Expired || l.Session.Version != 1 {
		t.Fatalf("after a new turn: %+v, %v; want version 1, not expired", l, err)
	}
}

// The hash of a conversation outlives the time an event may wait: a Begin on a hash
// about to run out stretches it, and no write ever shortens it.
func TestConversationHashOutlivesItsEvents(t *testing.T) {
	r := newTestRedis(t)
	ctx := context.Background()
	const conv = "line:Ushort"
	key := r.k.session(conv)
	hotTurn(t, r, conv, "e1", time.Minute)
	if ttl := r.rdb.PTTL(ctx, key).Val(); ttl < 2*inboxTTL-time.Minute {
		t.Fatalf("after a commit the hash lives %v, want about %v", ttl, 2*inboxTTL)
	}
	r.rdb.PExpire(ctx, key, time.Hour) // as if its last turn were days ago
	r.rdb.HSet(ctx, key, "z", time.Now().Add(time.Hour).UnixMilli())
	if _, err := r.Enqueue(ctx, bot.Event{Conversation: conv, Kind: bot.TextEvent}); err != nil {
		t.Fatal(err)
	}
	if ttl := r.rdb.PTTL(ctx, key).Val(); ttl < inboxTTL {
		t.Fatalf("an event queued in a hash with an hour left: it lives %v, want over %v", ttl, inboxTTL)
	}
	long := 30 * 24 * time.Hour
	hotTurn(t, r, "line:Ulong", "e1", long)
	// An event queued, not yet applied, must not cut it to 2 × inboxTTL.
	if _, err := r.Enqueue(ctx, bot.Event{Conversation: "line:Ulong", Kind: bot.TextEvent}); err != nil {
		t.Fatal(err)
	}
	if ttl := r.rdb.PTTL(ctx, r.k.session("line:Ulong")).Val(); ttl < expiryNotice*long-time.Minute {
		t.Fatalf("a 30-day session's hash lives %v, want %v", ttl, expiryNotice*long)
	}
}
