// Package storetest is the one conformance suite every deskbot store passes: what the engine
// and the outbox worker rely on, checked the same way against store.Memory and store.Redis.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"deskbot/bot"
	"deskbot/store"
)

// Store is what the suite drives: the engine's store, the outbox and the report archive.
type Store interface {
	bot.Store
	bot.Outbox
	Ping(ctx context.Context) error
	Reports(ctx context.Context) ([]bot.Report, error)
	Report(ctx context.Context, id string) (bot.Report, bool, error)
	ReportsFor(ctx context.Context, q store.ReportQuery) ([]bot.Report, error)
	DeadLetters(ctx context.Context) ([]store.DeadLetter, error)
	Pending(ctx context.Context) (int, error)
	AddNotices(ctx context.Context, ns ...bot.Notice) error
	Redrive(ctx context.Context, id string) (int, error)
}

// Harness is one fresh, empty store and the means to let its time pass.
type Harness struct {
	Store Store
	// Advance lets d pass for the store: a fake clock moves, a real server is waited for.
	Advance func(d time.Duration)
	// Now is the store's clock.
	Now func() time.Time
	// TTL is a session lifetime short enough for Advance, long enough for a few round trips.
	TTL time.Duration
	// Twin, if set, is a second handle on the same data (a second client), as another
	// process would have; RunEngine runs its second engine on it. Nil means Store.
	Twin Store
}

// Run runs the suite; newHarness is called once per subtest and must give an empty store.
func Run(t *testing.T, newHarness func(t *testing.T) Harness) {
	tests := []struct {
		name string
		fn   func(*testing.T, Harness)
	}{
		{"NewSession", testNewSession},
		{"RoundTrip", testRoundTrip},
		{"Conflict", testConflict},
		{"CreateConflict", testCreateConflict},
		{"Delete", testDelete},
		{"Expiry", testExpiry},
		{"Dedupe", testDedupe},
		{"Outbox", testOutbox},
		{"OutboxLease", testOutboxLease},
		{"Receipts", testReceipts},
		{"NoLostUpdate", testNoLostUpdate},
		{"Reports", testReports},
		{"ReportQueries", testReportQueries},
		{"DeadLetters", testDeadLetters},
		{"RetryNotCounted", testRetryNotCounted},
		{"AddNotices", testAddNotices},
		{"Redrive", testRedrive},
		{"Inbox", testInbox},
		{"Lease", testLease},
		{"LeasedCommit", testLeasedCommit},
		{"HotPath", testHotPath},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			if err := h.Store.Ping(context.Background()); err != nil {
				t.Fatalf("Ping: %v", err)
			}
			tc.fn(t, h)
		})
	}
}

var ctx = context.Background()

func load(t *testing.T, s Store, conv, event string) bot.Loaded {
	t.Helper()
	l, err := s.Load(ctx, conv, event)
	if err != nil {
		t.Fatalf("Load(%q, %q): %v", conv, event, err)
	}
	return l
}

func commit(t *testing.T, s Store, c bot.Commit) {
	t.Helper()
	if err := s.Commit(ctx, c); err != nil {
		t.Fatalf("Commit: %v", err)
	}
}

func testNewSession(t *testing.T, h Harness) {
	l := load(t, h.Store, "line:Unew", "e1")
	if l.Seen || l.Expired || l.Session == nil || l.Session.Version != 0 || !l.Session.Empty() {
		t.Fatalf("Load of an unknown conversation = %+v, session %+v; want a new empty session", l, l.Session)
	}
	if l.Session.Conversation != "line:Unew" {
		t.Errorf("Conversation = %q, want line:Unew", l.Session.Conversation)
	}
}

func sample(conv string) *bot.Session {
	return &bot.Session{
		Conversation: conv,
		Frame: bot.Frame{
			Flow:    "checklist",
			Step:    "vendor",
			Answers: map[string]string{"facility": "clinic", "memo": "日本語も　そのまま"},
			Trail:   []string{"facility"},
		},
		Stack:   []bot.Frame{{Flow: "report", Step: "details", Answers: map[string]string{"categories": "over-cap"}}},
		Records: []bot.Record{{Flow: "checklist", Answers: map[string]string{"vendor": "A社"}, Time: time.Date(2022, 11, 1, 9, 0, 0, 0, bot.JST)}},
		Updated: time.Date(2022, 11, 15, 10, 0, 0, 0, bot.JST),
	}
}

var timeEqual = cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })

func testRoundTrip(t *testing.T, h Harness) {
	s := sample("line:Uround")
	commit(t, h.Store, bot.Commit{Session: s, TTL: h.TTL})
	got := load(t, h.Store, s.Conversation, "").Session
	want := *s
	want.Version = 1
	if d := cmp.Diff(&want, got, timeEqual); d != "" {
		t.Fatalf("loaded session differs (-want +got):\n%s", d)
	}
	got.Step = "cost"
	commit(t, h.Store, bot.Commit{Session: got, TTL: h.TTL})
	again := load(t, h.Store, s.Conversation, "").Session
	if again.Version != 2 || again.Step != "cost" {
		t.Fatalf("after a second commit: version %d step %q, want 2 cost", again.Version, again.Step)
	}
}

func testConflict(t *testing.T, h Harness) {
	s := sample("line:Uconflict")
	commit(t, h.Store, bot.Commit{Session: s, TTL: h.TTL})
	a := load(t, h.Store, s.Conversation, "").Session
	b := load(t, h.Store, s.Conversation, "").Session
	a.Step = "a"
	commit(t, h.Store, bot.Commit{Session: a, TTL: h.TTL})
	b.Step = "b"
	err := h.Store.Commit(ctx, bot.Commit{Session: b, TTL: h.TTL, EventID: "late",
		Notices: []bot.Notice{{ID: "N-late", Kind: bot.NoticeHandoff, Conversation: s.Conversation}}})
	if !errors.Is(err, bot.ErrConflict) {
		t.Fatalf("stale commit: err = %v, want ErrConflict", err)
	}
	l := load(t, h.Store, s.Conversation, "late")
	if l.Session.Step != "a" || l.Session.Version != 2 {
		t.Errorf("after a conflict: step %q version %d, want a 2", l.Session.Step, l.Session.Version)
	}
	if l.Seen {
		t.Error("a conflicting commit recorded its event as applied")
	}
	if ds := claimAll(t, h.Store); len(ds) != 0 {
		t.Errorf("a conflicting commit enqueued %d notices", len(ds))
	}
}

func testCreateConflict(t *testing.T, h Harness) {
	a, b := sample("line:Ucreate"), sample("line:Ucreate")
	commit(t, h.Store, bot.Commit{Session: a, TTL: h.TTL})
	if err := h.Store.Commit(ctx, bot.Commit{Session: b, TTL: h.TTL}); !errors.Is(err, bot.ErrConflict) {
		t.Fatalf("second create: err = %v, want ErrConflict", err)
	}
	del := &bot.Session{Conversation: "line:Ucreate"}
	if err := h.Store.Commit(ctx, bot.Commit{Session: del, Delete: true}); !errors.Is(err, bot.ErrConflict) {
		t.Fatalf("delete at a stale version: err = %v, want ErrConflict", err)
	}
}

func testDelete(t *testing.T, h Harness) {
	s := sample("line:Udelete")
	commit(t, h.Store, bot.Commit{Session: s, TTL: h.TTL})
	got := load(t, h.Store, s.Conversation, "").Session
	commit(t, h.Store, bot.Commit{Session: got, Delete: true, EventID: "e-del"})
	l := load(t, h.Store, s.Conversation, "e-del")
	if l.Session.Version != 0 || !l.Session.Empty() || l.Expired {
		t.Fatalf("after delete: %+v expired=%v; want a new session, not expired", l.Session, l.Expired)
	}
	if !l.Seen {
		t.Error("the deleting commit did not record its event")
	}
	// Deleting what does not exist is a plain no-op that still records the event.
	commit(t, h.Store, bot.Commit{Session: &bot.Session{Conversation: "line:Unever"}, Delete: true, EventID: "e0"})
	if !load(t, h.Store, "line:Unever", "e0").Seen {
		t.Error("event of a delete-of-nothing not recorded")
	}
}

func testExpiry(t *testing.T, h Harness) {
	s := sample("line:Uexpire")
	commit(t, h.Store, bot.Commit{Session: s, TTL: h.TTL})
	h.Advance(h.TTL / 2)
	if l := load(t, h.Store, s.Conversation, ""); l.Session.Version != 1 || l.Expired {
		t.Fatalf("before its TTL: version %d expired %v, want 1 false", l.Session.Version, l.Expired)
	}
	h.Advance(h.TTL)
	l := load(t, h.Store, s.Conversation, "")
	if !l.Expired || l.Session.Version != 0 || !l.Session.Empty() {
		t.Fatalf("after its TTL: %+v expired=%v; want a new empty session marked expired", l.Session, l.Expired)
	}
	commit(t, h.Store, bot.Commit{Session: l.Session, TTL: h.TTL})
	if l := load(t, h.Store, s.Conversation, ""); l.Session.Version != 1 || l.Expired {
		t.Fatalf("a new session after expiry: version %d expired %v, want 1 false", l.Session.Version, l.Expired)
	}
}

func testDedupe(t *testing.T, h Harness) {
	s := &bot.Session{Conversation: "line:Udedupe", Frame: bot.Frame{Flow: "faq"}}
	if load(t, h.Store, s.Conversation, "evt-1").Seen {
		t.Fatal("unseen event reported seen")
	}
	commit(t, h.Store, bot.Commit{Session: s, TTL: h.TTL, EventID: "evt-1"})
	if !load(t, h.Store, s.Conversation, "evt-1").Seen {
		t.Error("applied event not reported seen")
	}
	if load(t, h.Store, s.Conversation, "evt-2").Seen {
		t.Error("another event reported seen")
	}
	if load(t, h.Store, "line:Uother", "evt-1").Seen {
		t.Error("the same event id in another conversation reported seen")
	}
	if load(t, h.Store, s.Conversation, "").Seen {
		t.Error("the empty event id reported seen")
	}
}

func claimAll(t *testing.T, s Store) []bot.Delivery {
	t.Helper()
	ds, err := s.Claim(ctx, "test", 100, time.Hour)
	if err != nil {
		t.Fatalf("Claim: %v", err)
	}
	return ds
}

func notices(conv string, ids ...string) []bot.Notice {
	ns := make([]bot.Notice, len(ids))
	for i, id := range ids {
		ns[i] = bot.Notice{ID: id, Kind: bot.NoticeHandoffMessage, Conversation: conv, Text: "質問 " + id,
			Time: time.Date(2022, 11, 15, 10, 0, i, 0, bot.JST)}
	}
	return ns
}

func testOutbox(t *testing.T, h Harness) {
	conv := "line:Uoutbox"
	commit(t, h.Store, bot.Commit{Session: &bot.Session{Conversation: conv}, Delete: true, Notices: notices(conv, "n1", "n2")})
	commit(t, h.Store, bot.Commit{Session: &bot.Session{Conversation: conv}, Delete: true, Notices: notices(conv, "n3")})
	ds := claimAll(t, h.Store)
	var got []bot.Notice
	for _, d := range ds {
		if d.Attempt != 1 {
			t.Errorf("%s: attempt %d, want 1", d.ID, d.Attempt)
		}
		got = append(got, d.Notice)
	}
	want := append(notices(conv, "n1", "n2"), notices(conv, "n3")...)
	if d := cmp.Diff(want, got, timeEqual); d != "" {
		t.Fatalf("claimed notices differ (-want +got):\n%s", d)
	}
	if again := claimAll(t, h.Store); len(again) != 0 {
		t.Fatalf("leased notices claimed again: %d", len(again))
	}
	if err := h.Store.Ack(ctx, ds[0]); err != nil {
		t.Fatal(err)
	}
	if err := h.Store.Retry(ctx, ds[1], h.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := h.Store.Park(ctx, ds[2], "channel_not_found"); err != nil {
		t.Fatal(err)
	}
	re := claimAll(t, h.Store)
	if len(re) != 1 || re[0].ID != "n2" || re[0].Attempt != 2 {
		t.Fatalf("after ack, retry and park: claimed %+v, want n2 at attempt 2", re)
	}
	if err := h.Store.Retry(ctx, re[0], h.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if early := claimAll(t, h.Store); len(early) != 0 {
		t.Fatalf("a retry due in an hour was claimed now: %+v", early)
	}
}

func testOutboxLease(t *testing.T, h Harness) {
	conv := "line:Ulease"
	commit(t, h.Store, bot.Commit{Session: &bot.Session{Conversation: conv}, Delete: true, Notices: notices(conv, "n1")})
	ds, err := h.Store.Claim(ctx, "crashing-worker", 10, h.TTL)
	if err != nil || len(ds) != 1 {
		t.Fatalf("Claim = %d, %v; want 1 notice", len(ds), err)
	}
	// The worker dies here: no ack. After its lease another worker gets the notice.
	h.Advance(h.TTL + h.TTL/2)
	re, err := h.Store.Claim(ctx, "second-worker", 10, time.Hour)
	if err != nil || len(re) != 1 || re[0].ID != "n1" || re[0].Attempt != 2 {
		t.Fatalf("after the lease: claimed %+v, %v; want n1 at attempt 2", re, err)
	}
	if err := h.Store.Ack(ctx, re[0]); err != nil {
		t.Fatal(err)
	}
	if left := claimAll(t, h.Store); len(left) != 0 {
		t.Fatalf("acked notice claimed again: %+v", left)
	}
}

func testReceipts(t *testing.T, h Harness) {
	var (
		mu   sync.Mutex
		seen = map[int64]bool{}
		wg   sync.WaitGroup
	)
	for range 8 {
		wg.Go(func() {
			for range 25 {
				n, err := h.Store.NextReceipt(ctx, "20221115")
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if seen[n] {
					t.Errorf("receipt number %d given twice", n)
				}
				seen[n] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	for i := int64(1); i <= 200; i++ {
		if !seen[i] {
			t.Fatalf("receipt numbers are not 1..200: %d missing", i)
		}
	}
	if n, err := h.Store.NextReceipt(ctx, "20221116"); err != nil || n != 1 {
		t.Fatalf("a new day starts at %d, %v; want 1", n, err)
	}
}

// testNoLostUpdate runs load-modify-commit loops from many goroutines on one session, the
// way several engines would: every increment must survive.
func testNoLostUpdate(t *testing.T, h Harness) {
	const workers, each = 8, 25
	conv := "line:Ucounter"
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				for {
					l, err := h.Store.Load(ctx, conv, "")
					if err != nil {
						t.Error(err)
						return
					}
					s := l.Session
					n := 0
					fmt.Sscan(s.Answers["n"], &n)
					s.Flow = "counter"
					s.Set("n", fmt.Sprint(n+1))
					err = h.Store.Commit(ctx, bot.Commit{Session: s, TTL: time.Hour, EventID: fmt.Sprintf("w%d-%d", w, i)})
					if errors.Is(err, bot.ErrConflict) {
						continue
					}
					if err != nil {
						t.Error(err)
						return
					}
					break
				}
			}
		})
	}
	wg.Wait()
	s := load(t, h.Store, conv, "").Session
	if s.Answers["n"] != fmt.Sprint(workers*each) || s.Version != workers*each {
		t.Fatalf("counter = %s at version %d, want %d at %d", s.Answers["n"], s.Version, workers*each, workers*each)
	}
}

func testReports(t *testing.T, h Harness) {
	r := bot.Report{
		ID: "R-20221115-0001", Conversation: "line:Ureport", Created: time.Date(2022, 11, 15, 10, 0, 0, 0, bot.JST),
		Categories: []string{"over-cap", "slow"}, Facility: "さくら内科クリニック", Prefecture: "東京都",
		Code: "1310110049", FacilityType: "clinic", Details: "見積が高い",
		Answers: []bot.Field{{Label: "見積額", Value: "65万円"}},
	}
	s := &bot.Session{Conversation: r.Conversation}
	commit(t, h.Store, bot.Commit{Session: s, Delete: true, EventID: "send",
		Notices: []bot.Notice{{ID: r.ID, Kind: bot.NoticeReport, Conversation: r.Conversation, Time: r.Created, Report: &r}}})
	got, err := h.Store.Reports(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]bot.Report{r}, got, timeEqual, cmpopts.EquateEmpty()); d != "" {
		t.Fatalf("archived reports differ (-want +got):\n%s", d)
	}
	ds := claimAll(t, h.Store)
	if len(ds) != 1 || ds[0].Report == nil || ds[0].Report.Facility != r.Facility {
		t.Fatalf("outbox holds %+v, want the report", ds)
	}
}

func enqueue(t *testing.T, s Store, conv, text string) int64 {
	t.Helper()
	seq, err := s.Enqueue(ctx, bot.Event{ID: "id-" + text, Conversation: conv, Kind: bot.TextEvent, Text: text, Reply: "tok-" + text})
	if err != nil {
		t.Fatalf("Enqueue: %v", err)
	}
	return seq
}

func head(t *testing.T, s Store, conv string) (bot.Queued, bool) {
	t.Helper()
	q, ok, err := s.Head(ctx, conv)
	if err != nil {
		t.Fatalf("Head: %v", err)
	}
	return q, ok
}

func lease(t *testing.T, s Store, conv, holder string, ttl time.Duration) bool {
	t.Helper()
	ok, err := s.Lease(ctx, conv, holder, ttl)
	if err != nil {
		t.Fatalf("Lease: %v", err)
	}
	return ok
}

func testInbox(t *testing.T, h Harness) {
	conv := "line:Uinbox"
	if _, ok := head(t, h.Store, conv); ok {
		t.Fatal("an unknown conversation has a queued event")
	}
	a, b := enqueue(t, h.Store, conv, "a"), enqueue(t, h.Store, conv, "b")
	if b <= a {
		t.Fatalf("sequence numbers %d then %d do not increase", a, b)
	}
	q, ok := head(t, h.Store, conv)
	want := bot.Queued{Seq: a, Event: bot.Event{ID: "id-a", Conversation: conv, Kind: bot.TextEvent, Text: "a", Reply: "tok-a"}}
	if !ok || !cmp.Equal(q, want) {
		t.Fatalf("Head = %+v, %v; want %+v", q, ok, want)
	}
	waiting, err := h.Store.Waiting(ctx, 10)
	if err != nil || !slices.Contains(waiting, conv) {
		t.Fatalf("Waiting = %v, %v; want it to list %s", waiting, err, conv)
	}
	if !lease(t, h.Store, conv, "me", time.Minute) {
		t.Fatal("lease of a free conversation refused")
	}
	// A commit that names an event not at the head changes nothing.
	err = h.Store.Commit(ctx, bot.Commit{Session: &bot.Session{Conversation: conv, Frame: bot.Frame{Flow: "x"}}, TTL: h.TTL, Holder: "me", LeaseTTL: time.Minute, Seq: b})
	if !errors.Is(err, bot.ErrConflict) {
		t.Fatalf("commit of a non-head event: %v, want ErrConflict", err)
	}
	commit(t, h.Store, bot.Commit{Session: &bot.Session{Conversation: conv, Frame: bot.Frame{Flow: "x"}}, TTL: h.TTL, Holder: "me", LeaseTTL: time.Minute, Seq: a, EventID: "id-a"})
	if q, _ := head(t, h.Store, conv); q.Seq != b {
		t.Fatalf("after applying a, head is %d, want %d", q.Seq, b)
	}
	if err := h.Store.Skip(ctx, conv, "someone-else", b); !errors.Is(err, bot.ErrConflict) {
		t.Fatalf("Skip without the lease: %v, want ErrConflict", err)
	}
	if err := h.Store.Skip(ctx, conv, "me", b); err != nil {
		t.Fatal(err)
	}
	if q, ok := head(t, h.Store, conv); ok {
		t.Fatalf("inbox not empty after skip: %+v", q)
	}
	if err := h.Store.Unlease(ctx, conv, "me"); err != nil {
		t.Fatal(err)
	}
	if c := enqueue(t, h.Store, conv, "c"); c <= b {
		t.Fatalf("sequence went back: %d after %d", c, b)
	}
}

func testLease(t *testing.T, h Harness) {
	conv := "line:Ulease2"
	if !lease(t, h.Store, conv, "a", h.TTL) {
		t.Fatal("free lease refused")
	}
	if lease(t, h.Store, conv, "b", h.TTL) {
		t.Fatal("a held lease given to another")
	}
	if !lease(t, h.Store, conv, "a", h.TTL) {
		t.Fatal("the holder could not renew")
	}
	if err := h.Store.Unlease(ctx, conv, "b"); err != nil {
		t.Fatal(err)
	}
	if lease(t, h.Store, conv, "b", h.TTL) {
		t.Fatal("unlease by a non-holder freed the lease")
	}
	// The holder dies: after its lease runs out another takes over.
	h.Advance(h.TTL + h.TTL/2)
	if !lease(t, h.Store, conv, "b", h.TTL) {
		t.Fatal("an expired lease was not given to another")
	}
	if err := h.Store.Unlease(ctx, conv, "b"); err != nil {
		t.Fatal(err)
	}
	if !lease(t, h.Store, conv, "c", h.TTL) {
		t.Fatal("a released lease was not free")
	}
}

// A commit by an engine whose lease ran out and passed to another is refused: fencing.
func testLeasedCommit(t *testing.T, h Harness) {
	conv := "line:Ufence"
	seq := enqueue(t, h.Store, conv, "x")
	if !lease(t, h.Store, conv, "slow", h.TTL) {
		t.Fatal("lease refused")
	}
	h.Advance(h.TTL + h.TTL/2)
	if !lease(t, h.Store, conv, "fast", h.TTL) {
		t.Fatal("expired lease not taken over")
	}
	err := h.Store.Commit(ctx, bot.Commit{Session: &bot.Session{Conversation: conv, Frame: bot.Frame{Flow: "x"}}, TTL: time.Hour, Holder: "slow", LeaseTTL: h.TTL, Seq: seq})
	if !errors.Is(err, bot.ErrConflict) {
		t.Fatalf("commit by a former holder: %v, want ErrConflict", err)
	}
	if q, ok := head(t, h.Store, conv); !ok || q.Seq != seq {
		t.Fatal("the refused commit consumed the event")
	}
	commit(t, h.Store, bot.Commit{Session: &bot.Session{Conversation: conv, Frame: bot.Frame{Flow: "x"}}, TTL: time.Hour, Holder: "fast", LeaseTTL: h.TTL, Seq: seq})
}

// The archive answers by receipt number, by day in Japan, by category and by prefecture,
// and by any combination of them.
func testReportQueries(t *testing.T, h Harness) {
	day1 := time.Date(2022, 11, 15, 23, 30, 0, 0, bot.JST) // 14:30 UTC: the day counts in Japan
	day2 := time.Date(2022, 11, 16, 9, 0, 0, 0, bot.JST)
	reps := []bot.Report{
		{ID: "R-20221115-0001", Conversation: "line:Uq1", Created: day1, Categories: []string{"over-cap", "slow"}, Prefecture: "東京都", Facility: "A"},
		{ID: "R-20221115-0002", Conversation: "line:Uq2", Created: day1, Categories: []string{"no-vendor"}, Prefecture: "大阪府", Facility: "B"},
		{ID: "R-20221116-0001", Conversation: "line:Uq1", Created: day2, Categories: []string{"over-cap"}, Prefecture: "大阪府", Facility: "C"},
	}
	for _, r := range reps {
		commit(t, h.Store, bot.Commit{Session: &bot.Session{Conversation: r.Conversation}, Delete: true,
			Notices: []bot.Notice{{ID: r.ID, Kind: bot.NoticeReport, Conversation: r.Conversation, Time: r.Created, Report: &r}}})
	}
	got, ok, err := h.Store.Report(ctx, "R-20221115-0002")
	if err != nil || !ok || got.Facility != "B" {
		t.Fatalf("Report(R-20221115-0002) = %+v, %v, %v; want facility B", got, ok, err)
	}
	if _, ok, err := h.Store.Report(ctx, "R-20221231-0001"); ok || err != nil {
		t.Fatalf("Report of an unknown id: ok %v, err %v; want false, nil", ok, err)
	}
	for _, tc := range []struct {
		q    store.ReportQuery
		want []string
	}{
		{store.ReportQuery{}, []string{"R-20221115-0001", "R-20221115-0002", "R-20221116-0001"}},
		{store.ReportQuery{Day: "20221115"}, []string{"R-20221115-0001", "R-20221115-0002"}},
		{store.ReportQuery{Category: "over-cap"}, []string{"R-20221115-0001", "R-20221116-0001"}},
		{store.ReportQuery{Prefecture: "大阪府"}, []string{"R-20221115-0002", "R-20221116-0001"}},
		{store.ReportQuery{Category: "over-cap", Prefecture: "大阪府"}, []string{"R-20221116-0001"}},
		{store.ReportQuery{Day: "20221116", Category: "slow"}, nil},
		{store.ReportQuery{Prefecture: "北海道"}, nil},
	} {
		rs, err := h.Store.ReportsFor(ctx, tc.q)
		if err != nil {
			t.Fatalf("ReportsFor(%+v): %v", tc.q, err)
		}
		var ids []string
		for _, r := range rs {
			ids = append(ids, r.ID)
		}
		if !slices.Equal(ids, tc.want) {
			t.Errorf("ReportsFor(%+v) = %v, want %v", tc.q, ids, tc.want)
		}
	}
}

// A parked notice leaves the outbox for the dead letters, with its reason; Pending counts
// what is left, claimed or not.
func testDeadLetters(t *testing.T, h Harness) {
	conv := "line:Udead"
	commit(t, h.Store, bot.Commit{Session: &bot.Session{Conversation: conv}, Delete: true, Notices: notices(conv, "d1", "d2")})
	if n, err := h.Store.Pending(ctx); err != nil || n != 2 {
		t.Fatalf("Pending = %d, %v; want 2", n, err)
	}
	ds := claimAll(t, h.Store)
	if len(ds) != 2 {
		t.Fatalf("claimed %d notices, want 2", len(ds))
	}
	if n, err := h.Store.Pending(ctx); err != nil || n != 2 {
		t.Fatalf("Pending with both claimed = %d, %v; want 2", n, err)
	}
	if err := h.Store.Park(ctx, ds[0], "channel_not_found"); err != nil {
		t.Fatal(err)
	}
	// Parking what is no longer in the outbox (another worker parked it) changes nothing.
	if err := h.Store.Park(ctx, ds[0], "again"); err != nil {
		t.Fatal(err)
	}
	dead, err := h.Store.DeadLetters(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(dead) != 1 || dead[0].Notice.ID != "d1" || dead[0].Reason != "channel_not_found" || dead[0].Time.IsZero() {
		t.Fatalf("dead letters %+v, want d1 with its reason and time", dead)
	}
	if dead[0].Notice.Text != "質問 d1" {
		t.Errorf("dead letter text %q, want the notice as it was", dead[0].Notice.Text)
	}
	if err := h.Store.Ack(ctx, ds[1]); err != nil {
		t.Fatal(err)
	}
	if n, err := h.Store.Pending(ctx); err != nil || n != 0 {
		t.Fatalf("Pending after park and ack = %d, %v; want 0", n, err)
	}
}

// A retry handed back with its attempt lowered by one (a rate limit, a wait) is not
// counted: the next claim gives the same attempt again. Every claim says when the notice
// was queued, by the store's clock.
func testRetryNotCounted(t *testing.T, h Harness) {
	conv := "line:Uuncounted"
	before := h.Now()
	commit(t, h.Store, bot.Commit{Session: &bot.Session{Conversation: conv}, Delete: true, Notices: notices(conv, "u1")})
	ds := claimAll(t, h.Store)
	if len(ds) != 1 || ds[0].Attempt != 1 {
		t.Fatalf("claimed %+v, want u1 at attempt 1", ds)
	}
	if q := ds[0].Queued; q.Before(before.Add(-time.Second)) || q.After(h.Now().Add(time.Second)) {
		t.Errorf("queued %v, want about %v", q, before)
	}
	for range 3 {
		d := ds[0]
		d.Attempt--
		if err := h.Store.Retry(ctx, d, h.Now().Add(-time.Second)); err != nil {
			t.Fatal(err)
		}
		if ds = claimAll(t, h.Store); len(ds) != 1 || ds[0].Attempt != 1 {
			t.Fatalf("after an uncounted retry: claimed %+v, want u1 at attempt 1", ds)
		}
	}
	if err := h.Store.Retry(ctx, ds[0], h.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	if ds = claimAll(t, h.Store); len(ds) != 1 || ds[0].Attempt != 2 {
		t.Fatalf("after a counted retry: claimed %+v, want u1 at attempt 2", ds)
	}
}

// AddNotices queues notices outside a Commit; adding one again while it is queued
// changes nothing.
func testAddNotices(t *testing.T, h Harness) {
	ns := notices("line:Uadd", "a1", "a2")
	for range 2 {
		if err := h.Store.AddNotices(ctx, ns...); err != nil {
			t.Fatal(err)
		}
	}
	ds := claimAll(t, h.Store)
	var got []bot.Notice
	for _, d := range ds {
		got = append(got, d.Notice)
	}
	if d := cmp.Diff(ns, got, timeEqual); d != "" {
		t.Fatalf("claimed notices differ (-want +got):\n%s", d)
	}
}

// Redrive puts a parked notice back once, as new; a second redrive moves nothing.
func testRedrive(t *testing.T, h Harness) {
	conv := "line:Uredrive"
	commit(t, h.Store, bot.Commit{Session: &bot.Session{Conversation: conv}, Delete: true, Notices: notices(conv, "r1", "r2", "r3")})
	ds := claimAll(t, h.Store)
	for _, d := range ds {
		if err := h.Store.Park(ctx, d, "channel_not_found"); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := h.Store.Redrive(ctx, "r2"); err != nil || n != 1 {
		t.Fatalf("Redrive(r2) = %d, %v; want 1", n, err)
	}
	if n, err := h.Store.Redrive(ctx, "r2"); err != nil || n != 0 {
		t.Fatalf("second Redrive(r2) = %d, %v; want 0", n, err)
	}
	re := claimAll(t, h.Store)
	if len(re) != 1 || re[0].ID != "r2" || re[0].Attempt != 1 || re[0].Text != "質問 r2" {
		t.Fatalf("after redrive: claimed %+v, want r2 at attempt 1", re)
	}
	dead, _ := h.Store.DeadLetters(ctx)
	if len(dead) != 2 {
		t.Fatalf("%d dead letters after redriving one of 3, want 2", len(dead))
	}
	if n, err := h.Store.Redrive(ctx, ""); err != nil || n != 2 {
		t.Fatalf("Redrive(all) = %d, %v; want 2", n, err)
	}
	if dead, _ := h.Store.DeadLetters(ctx); len(dead) != 0 {
		t.Fatalf("dead letters after redriving all: %+v", dead)
	}
	if re := claimAll(t, h.Store); len(re) != 2 || re[0].ID != "r1" || re[1].ID != "r3" {
		t.Fatalf("after redriving all: claimed %+v, want r1 and r3", re)
	}
}

// The steps of the hot path on their own, for a store that has it: Begin's three
// answers, and CommitNext giving the lease up, handing on the next event, or changing
// nothing on a conflict.
func testHotPath(t *testing.T, h Harness) {
	st, ok := h.Store.(interface {
		Store
		bot.HotPath
	})
	if !ok {
		t.Skip("the store has no hot path")
	}
	ctx := context.Background()
	testEvent := func(conv, text string) bot.Event {
		return bot.Event{ID: "ev-" + conv + "-" + text, Conversation: conv, Kind: bot.TextEvent, Text: text}
	}
	conv := "line:Ubegin"
	b, err := st.Begin(ctx, testEvent(conv, "a"), "h1", time.Minute)
	if err != nil || !b.Leased || b.Loaded == nil || b.Loaded.Session.Version != 0 || b.Loaded.Seen || b.Seq != 1 {
		t.Fatalf("Begin on an idle conversation = %+v, %v; want seq 1, leased, a new session", b, err)
	}
	b2, err := st.Begin(ctx, testEvent(conv, "b"), "h2", time.Minute)
	if err != nil || b2.Leased || b2.Loaded != nil || b2.Seq != 2 {
		t.Fatalf("Begin under h1's lease = %+v, %v; want seq 2, not leased", b2, err)
	}
	s := b.Loaded.Session
	s.Set("n", "1")
	c := bot.Commit{Session: s, TTL: time.Hour, Holder: "h1", LeaseTTL: time.Minute, Seq: 1, EventID: "ev-" + conv + "-a"}
	for _, bad := range []bot.Commit{
		func() bot.Commit { c := c; c.Holder = "h2"; return c }(), // not the holder
		func() bot.Commit { c := c; c.Seq = 2; return c }(),       // not the head
	} {
		if _, _, err := st.CommitNext(ctx, bad); err != bot.ErrConflict {
			t.Fatalf("CommitNext(%+v) = %v, want ErrConflict", bad, err)
		}
	}
	next, more, err := st.CommitNext(ctx, c)
	if err != nil || !more || next.Seq != 2 || next.Event.Text != "b" {
		t.Fatalf("CommitNext with b queued = %+v, %v, %v; want b next", next, more, err)
	}
	if ok, _ := st.Lease(ctx, conv, "h2", time.Minute); ok {
		t.Fatal("CommitNext with an event queued gave the lease up")
	}
	l, err := st.Load(ctx, conv, "ev-"+conv+"-b")
	if err != nil || l.Session.Version != 1 || l.Seen {
		t.Fatalf("Load = %+v, %v", l, err)
	}
	l.Session.Set("n", "2")
	if _, more, err := st.CommitNext(ctx, bot.Commit{Session: l.Session, TTL: time.Hour, Holder: "h1", LeaseTTL: time.Minute,
		Seq: 2, EventID: "ev-" + conv + "-b"}); err != nil || more {
		t.Fatalf("CommitNext of the last event = %v, %v; want done", more, err)
	}
	if ok, _ := st.Lease(ctx, conv, "h2", time.Minute); !ok {
		t.Fatal("CommitNext with the inbox empty kept the lease")
	}
	st.Unlease(ctx, conv, "h2")
	// A redelivery of a: Begin says it was seen, with the session as committed.
	b3, err := st.Begin(ctx, testEvent(conv, "a"), "h3", time.Minute)
	if err != nil || !b3.Leased || b3.Loaded == nil || !b3.Loaded.Seen || b3.Loaded.Session.Answers["n"] != "2" {
		t.Fatalf("Begin of a redelivery = %+v, %v; want seen, session n=2", b3, err)
	}
}
