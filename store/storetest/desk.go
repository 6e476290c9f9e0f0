package storetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"deskbot/bot"
)

// DeskStore is what the Slack desk keeps in a store beside the archive of reports: where
// each notice was posted, the status history of each report, and the keys of requests
// already seen. It is the store side of bot/slack.Store.
type DeskStore interface {
	Store
	Posted(ctx context.Context, noticeID string) (bot.DeskPost, bool, error)
	PostedAt(ctx context.Context, ref string) (bot.DeskPost, bool, error)
	SetPosted(ctx context.Context, p bot.DeskPost) (bot.DeskPost, error)
	AddStatus(ctx context.Context, reportID string, c bot.StatusChange) ([]bot.StatusChange, error)
	Statuses(ctx context.Context, reportIDs ...string) (map[string][]bot.StatusChange, error)
	FirstSeen(ctx context.Context, key string, ttl time.Duration) (bool, error)
	Seen(ctx context.Context, key string) (bool, error)
	Forget(ctx context.Context, key string) error
	ClaimNotice(ctx context.Context, claim string, ttl time.Duration, n bot.Notice) (bool, error)
}

// RunDesk runs the desk's part of the suite; newHarness is called once per subtest, must
// give an empty store, and its Store must be a DeskStore.
func RunDesk(t *testing.T, newHarness func(t *testing.T) Harness) {
	tests := []struct {
		name string
		fn   func(*testing.T, DeskStore, Harness)
	}{
		{"Posts", testPosts},
		{"PostsRace", testPostsRace},
		{"Statuses", testStatuses},
		{"StatusesRace", testStatusesRace},
		{"FirstSeen", testFirstSeen},
		{"FirstSeenRace", testFirstSeenRace},
		{"ClaimNotice", testClaimNotice},
		{"ClaimNoticeRace", testClaimNoticeRace},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			s, ok := h.Store.(DeskStore)
			if !ok {
				t.Fatalf("%T is not a storetest.DeskStore", h.Store)
			}
			tc.fn(t, s, h)
		})
	}
}

// A post is found by its notice and by its ref; the first record of a notice's post
// stays, and a later one learns of it.
func testPosts(t *testing.T, s DeskStore, _ Harness) {
	if _, ok, err := s.Posted(ctx, "R-20221115-0001"); ok || err != nil {
		t.Fatalf("Posted of an unposted notice: ok %v, err %v; want false, nil", ok, err)
	}
	if _, ok, err := s.PostedAt(ctx, "1668474000.000100"); ok || err != nil {
		t.Fatalf("PostedAt of an unknown ref: ok %v, err %v; want false, nil", ok, err)
	}
	p := bot.DeskPost{Notice: "R-20221115-0001", Conversation: "line:Upost", Ref: "1668474000.000100"}
	got, err := s.SetPosted(ctx, p)
	if err != nil || got != p {
		t.Fatalf("first SetPosted = %+v, %v; want %+v", got, err, p)
	}
	for name, lookup := range map[string]func() (bot.DeskPost, bool, error){
		"Posted":   func() (bot.DeskPost, bool, error) { return s.Posted(ctx, p.Notice) },
		"PostedAt": func() (bot.DeskPost, bool, error) { return s.PostedAt(ctx, p.Ref) },
	} {
		if got, ok, err := lookup(); !ok || err != nil || got != p {
			t.Errorf("%s = %+v, %v, %v; want %+v", name, got, ok, err, p)
		}
	}
	dup := bot.DeskPost{Notice: p.Notice, Conversation: p.Conversation, Ref: "1668474001.000200"}
	if got, err := s.SetPosted(ctx, dup); err != nil || got != p {
		t.Fatalf("second SetPosted of the notice = %+v, %v; want the first post %+v", got, err, p)
	}
	if got, ok, _ := s.Posted(ctx, p.Notice); !ok || got != p {
		t.Errorf("after a second SetPosted, Posted = %+v; want the first post", got)
	}
	if _, ok, _ := s.PostedAt(ctx, dup.Ref); ok {
		t.Error("the ref of a refused post is indexed")
	}
	// Replies in a thread are posts of their own notices.
	reply := bot.DeskPost{Notice: "H-1-2", Conversation: "line:Upost", Ref: "1668474002.000300"}
	if got, err := s.SetPosted(ctx, reply); err != nil || got != reply {
		t.Fatalf("SetPosted of another notice = %+v, %v; want it recorded", got, err)
	}
}

// Notifiers that posted the same notice concurrently all learn the same winner.
func testPostsRace(t *testing.T, s DeskStore, _ Harness) {
	const n = 8
	winners := make([]bot.DeskPost, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			p, err := s.SetPosted(ctx, bot.DeskPost{Notice: "R-race", Conversation: "line:Urace", Ref: fmt.Sprintf("1668474000.%06d", i)})
			if err != nil {
				t.Error(err)
			}
			winners[i] = p
		})
	}
	wg.Wait()
	for i := range winners {
		if winners[i] != winners[0] || winners[i].Ref == "" {
			t.Fatalf("SetPosted winners differ: %+v", winners)
		}
	}
	if got, ok, _ := s.PostedAt(ctx, winners[0].Ref); !ok || got != winners[0] {
		t.Fatalf("PostedAt(winner) = %+v, %v", got, ok)
	}
}

// A report's status history keeps every change in order, times intact.
func testStatuses(t *testing.T, s DeskStore, _ Harness) {
	at := time.Date(2022, 11, 15, 10, 5, 0, 0, bot.JST)
	a := bot.StatusChange{Status: bot.StatusInProgress, By: "U1", Name: "佐藤", At: at}
	b := bot.StatusChange{Status: bot.StatusResolved, By: "U2", Name: "suzuki", At: at.Add(time.Hour).UTC()}
	h, err := s.AddStatus(ctx, "R-1", a)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]bot.StatusChange{a}, h, timeEqual); d != "" {
		t.Fatalf("first AddStatus (-want +got):\n%s", d)
	}
	if h, err = s.AddStatus(ctx, "R-1", b); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]bot.StatusChange{a, b}, h, timeEqual); d != "" {
		t.Fatalf("second AddStatus (-want +got):\n%s", d)
	}
	if _, err := s.AddStatus(ctx, "R-2", b); err != nil {
		t.Fatal(err)
	}
	got, err := s.Statuses(ctx, "R-1", "R-2", "R-none")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]bot.StatusChange{"R-1": {a, b}, "R-2": {b}}
	if d := cmp.Diff(want, got, timeEqual); d != "" {
		t.Fatalf("Statuses (-want +got):\n%s", d)
	}
	if got, err := s.Statuses(ctx); err != nil || len(got) != 0 {
		t.Fatalf("Statuses of no report = %v, %v; want empty", got, err)
	}
}

// Staff pressing buttons at once: no change is lost, and each caller sees its own change
// in the history it gets back.
func testStatusesRace(t *testing.T, s DeskStore, _ Harness) {
	const workers, each = 8, 10
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				by := fmt.Sprintf("U%d-%d", w, i)
				h, err := s.AddStatus(ctx, "R-race", bot.StatusChange{Status: bot.StatusInProgress, By: by, At: time.Unix(1668474000, 0)})
				if err != nil {
					t.Error(err)
					return
				}
				// Other changes may follow ours, but ours is in the history.
				if !slices.ContainsFunc(h, func(c bot.StatusChange) bool { return c.By == by }) {
					t.Errorf("history returned to %s lacks its change", by)
				}
			}
		})
	}
	wg.Wait()
	got, err := s.Statuses(ctx, "R-race")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, c := range got["R-race"] {
		seen[c.By] = true
	}
	if len(got["R-race"]) != workers*each || len(seen) != workers*each {
		t.Fatalf("%d changes (%d distinct) kept, want %d", len(got["R-race"]), len(seen), workers*each)
	}
}

// A key is first seen once within its lifetime, again after it, and again once forgotten;
// Seen tells whether it is marked, and marks nothing.
func testFirstSeen(t *testing.T, s DeskStore, h Harness) {
	first := func(key string, want bool) {
		t.Helper()
		got, err := s.FirstSeen(ctx, key, h.TTL)
		if err != nil || got != want {
			t.Fatalf("FirstSeen(%q) = %v, %v; want %v", key, got, err, want)
		}
	}
	seen := func(key string, want bool) {
		t.Helper()
		got, err := s.Seen(ctx, key)
		if err != nil || got != want {
			t.Fatalf("Seen(%q) = %v, %v; want %v", key, got, err, want)
		}
	}
	seen("slack:event:Ev1", false)
	seen("slack:event:Ev1", false) // asking does not mark
	first("slack:event:Ev1", true)
	seen("slack:event:Ev1", true)
	first("slack:event:Ev1", false)
	first("slack:event:Ev2", true)
	h.Advance(h.TTL / 2)
	first("slack:event:Ev1", false)
	seen("slack:event:Ev1", true)
	h.Advance(h.TTL)
	seen("slack:event:Ev1", false)
	first("slack:event:Ev1", true)
	if err := s.Forget(ctx, "slack:event:Ev2"); err != nil {
		t.Fatal(err)
	}
	seen("slack:event:Ev2", false)
	first("slack:event:Ev2", true)
	if err := s.Forget(ctx, "slack:event:never"); err != nil {
		t.Fatalf("Forget of an unknown key: %v", err)
	}
}

// Of concurrent callers with one key, exactly one sees it first.
func testFirstSeenRace(t *testing.T, s DeskStore, h Harness) {
	firsts := race(t, 16, func() (bool, error) { return s.FirstSeen(ctx, "slack:event:Race", h.TTL) })
	if firsts != 1 {
		t.Fatalf("%d callers saw the key first, want 1", firsts)
	}
}

func digestNotice(id string) bot.Notice {
	p := bot.Period{From: time.Date(2022, 11, 7, 0, 0, 0, 0, bot.JST), To: time.Date(2022, 11, 14, 0, 0, 0, 0, bot.JST)}
	return bot.Notice{ID: id, Kind: bot.NoticeDigest, Conversation: bot.DigestConversation,
		Time: time.Date(2022, 11, 14, 9, 0, 0, 0, bot.JST), Period: &p}
}

// A claimed notice is queued once while its claim lasts, and again once the claim is
// gone; another claim is another notice. The notice comes out of the outbox whole.
func testClaimNotice(t *testing.T, s DeskStore, h Harness) {
	claim := func(key, id string, want bool) {
		t.Helper()
		got, err := s.ClaimNotice(ctx, key, h.TTL, digestNotice(id))
		if err != nil || got != want {
			t.Fatalf("ClaimNotice(%q) = %v, %v; want %v", key, got, err, want)
		}
	}
	claim("digest:20221114T0900", "D-20221114-0900", true)
	claim("digest:20221114T0900", "D-20221114-0900", false)
	claim("digest:20221121T0900", "D-20221121-0900", true)
	ds := claimAll(t, s)
	var ids []string
	for _, d := range ds {
		ids = append(ids, d.ID)
		if err := s.Ack(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	slices.Sort(ids)
	if diff := cmp.Diff([]string{"D-20221114-0900", "D-20221121-0900"}, ids); diff != "" {
		t.Fatalf("queued notices (-want +got):\n%s", diff)
	}
	want := digestNotice("D-20221114-0900")
	got := ds[slices.IndexFunc(ds, func(d bot.Delivery) bool { return d.ID == want.ID })].Notice
	if got.Kind != want.Kind || got.Period == nil || !got.Period.From.Equal(want.Period.From) || !got.Period.To.Equal(want.Period.To) {
		t.Errorf("queued notice = %+v, want %+v", got, want)
	}
	h.Advance(h.TTL / 2)
	claim("digest:20221114T0900", "D-20221114-0900", false)
	h.Advance(h.TTL)
	// Notice ids stay unique, as for any notice: the outbox drops an id it delivered.
	claim("digest:20221114T0900", "D-20221114-0900-again", true)
	if ds := claimAll(t, s); len(ds) != 1 {
		t.Fatalf("%d notices after the claim expired, want 1", len(ds))
	}
}

// Of concurrent callers with one claim, exactly one queues the notice, and the outbox
// holds it once.
func testClaimNoticeRace(t *testing.T, s DeskStore, h Harness) {
	wins := race(t, 16, func() (bool, error) { return s.ClaimNotice(ctx, "digest:race", h.TTL, digestNotice("D-race")) })
	if wins != 1 {
		t.Fatalf("%d callers queued the notice, want 1", wins)
	}
	if ds := claimAll(t, s); len(ds) != 1 {
		t.Fatalf("the outbox holds %d notices, want 1", len(ds))
	}
}

// race calls fn from n goroutines at once and counts the calls that returned true.
func race(t *testing.T, n int, fn func() (bool, error)) int {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		wins int
	)
	for range n {
		wg.Go(func() {
			ok, err := fn()
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return wins
}
