package slack_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"deskbot/bot"
	"deskbot/bot/bottest"
	"deskbot/bot/slack"
	"deskbot/store"
)

var ctx = context.Background()

// A finished report reaches the desk channel as Block Kit with everything the desk needs,
// carries its notice id in its metadata, and its ts is recorded.
func TestNotifyPostsReport(t *testing.T) {
	f := newFixture(t)
	n := report("R-20221115-0042", "line:U1", time.Date(2022, 11, 15, 10, 0, 0, 0, bot.JST), "東京都", "over-cap", "slow")
	n.Report.Checklist = []bot.Field{{Label: "導入費用", Value: "55万円"}, {Label: "保守費用", Value: "月額1万円"}}
	f.file(n)
	f.drainAll(1, f.worker("w1"))

	ms := f.messagesOf(n.ID)
	if len(ms) != 1 {
		t.Fatalf("%d messages for the report, want 1", len(ms))
	}
	blocks := ms[0].Strings()
	for _, want := range []string{
		"障害報告 R-20221115-0042 ｜ 見積額が補助金上限より高い・導入に時間がかかる", // header: receipt and categories
		"さくら内科クリニック", "東京都", "1310110049", "診療所", // the facility
		"見積が補助金の上限を超えています。", "見積額：65万円", // details and follow-ups
		"見積チェックリストの回答", "導入費用：55万円", "保守費用：月額1万円", // checklist figures
		"03-1234-5678", "2022-11-15 10:00", // contact, time
		"未対応", "deskbot_status:in-progress", "deskbot_status:resolved",
	} {
		if !strings.Contains(blocks, want) {
			t.Errorf("report blocks lack %q:\n%s", want, blocks)
		}
	}
	if ms[0].ThreadTS != "" {
		t.Errorf("report posted in a thread %s", ms[0].ThreadTS)
	}
	if p := f.posted(n.ID); p.Ref != ms[0].TS || p.Conversation != "line:U1" {
		t.Errorf("recorded post %+v, want ts %s of line:U1", p, ms[0].TS)
	}
	post := f.slack.Calls("chat.postMessage")[0].Form()
	if post.Get("channel") != channel || !strings.Contains(post.Get("text"), "R-20221115-0042") {
		t.Errorf("posted to %q with text %q", post.Get("channel"), post.Get("text"))
	}
}

// recordFailing fails the first SetPosted after the message is up: a crash between
// posting and recording.
type recordFailing struct {
	*store.Memory
	mu   sync.Mutex
	once bool
}

func (s *recordFailing) SetPosted(ctx context.Context, p bot.DeskPost) (bot.DeskPost, error) {
	s.mu.Lock()
	fail := !s.once
	s.once = true
	s.mu.Unlock()
	if fail {
		return bot.DeskPost{}, errors.New("store went away")
	}
	return s.Memory.SetPosted(ctx, p)
}

// Through Slack failures the report arrives exactly once: five 500s are retried with
// backoff until a post succeeds; a 500 that in fact posted, or a post whose record was
// lost, is found again by its metadata and not posted a second time.
func TestNotifyRetriesUntilPostedOnce(t *testing.T) {
	for _, tc := range []struct {
		name      string
		failures  []bottest.SlackFailure
		wrap      func(*store.Memory) slack.Store
		wantPosts int
	}{
		{name: "five 500s", wantPosts: 6, failures: []bottest.SlackFailure{{Status: 500}, {Status: 500}, {Status: 500}, {Status: 503}, {Status: 500}}},
		{name: "the third 500 posted", wantPosts: 3, failures: []bottest.SlackFailure{{Status: 500}, {Status: 500}, {Status: 500, Applied: true}, {Status: 500}, {Status: 500}}},
		{name: "record lost after posting", wantPosts: 1, wrap: func(m *store.Memory) slack.Store { return &recordFailing{Memory: m} }},
		{name: "network-level 502 then ratelimited 200", wantPosts: 3, failures: []bottest.SlackFailure{{Status: 502}, {Error: "ratelimited"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixtureWith(t, tc.wrap)
			f.slack.Fail("chat.postMessage", tc.failures...)
			n := report("R-20221115-0001", "line:U1", time.Now(), "東京都", "over-cap")
			f.file(n)
			f.drainAll(10, f.worker("w1"))

			if ms := f.messagesOf(n.ID); len(ms) != 1 {
				t.Fatalf("%d messages in the channel for the report, want exactly 1", len(ms))
			} else if p := f.posted(n.ID); p.Ref != ms[0].TS {
				t.Errorf("recorded ts %s, the message is %s", p.Ref, ms[0].TS)
			}
			if got := len(f.slack.Calls("chat.postMessage")); got != tc.wantPosts {
				t.Errorf("%d chat.postMessage calls, want %d", got, tc.wantPosts)
			}
			for _, h := range f.slack.Calls("conversations.history") {
				if q := h.Form(); q.Get("include_all_metadata") != "1" || q.Get("oldest") == "" || q.Get("channel") != channel {
					t.Errorf("history looked up with %v; want the channel's, with metadata, from the notice's time", q)
				}
			}
			if dead, _ := f.store.DeadLetters(ctx); len(dead) != 0 {
				t.Errorf("dead letters: %+v", dead)
			}
		})
	}
}

// A 429 is retried no earlier than Slack's Retry-After, though the backoff is shorter.
func TestNotifyHonoursRetryAfter(t *testing.T) {
	f := newFixture(t)
	f.slack.Fail("chat.postMessage", bottest.SlackFailure{Status: 429, RetryAfter: 30})
	f.file(report("R-20221115-0002", "line:U1", time.Now(), "大阪府", "slow"))
	w := f.worker("w1")
	if n, err := w.Drain(ctx); n != 1 || err != nil {
		t.Fatalf("first Drain = %d, %v", n, err)
	}
	f.clock.Advance(29 * time.Second) // the backoff (≤ 1s) has long passed
	if n, err := w.Drain(ctx); n != 0 || err != nil {
		t.Fatalf("Drain before Retry-After handled %d notices (%v), want 0", n, err)
	}
	f.clock.Advance(time.Second)
	if n, err := w.Drain(ctx); n != 1 || err != nil {
		t.Fatalf("Drain at Retry-After = %d, %v; want 1", n, err)
	}
	if ms := f.messagesOf("R-20221115-0002"); len(ms) != 1 {
		t.Fatalf("%d messages, want 1", len(ms))
	}
}

// Answers no retry can change park the notice at once, with a log line saying what to
// fix.
func TestNotifyPermanentFailures(t *testing.T) {
	for _, tc := range []struct{ code, fix string }{
		{"channel_not_found", "SLACK_DESK_CHANNEL"},
		{"invalid_auth", "SLACK_BOT_TOKEN"},
		{"not_in_channel", "invite the app"},
		{"missing_scope", "chat:write"},
	} {
		t.Run(tc.code, func(t *testing.T) {
			f := newFixture(t)
			f.slack.Fail("chat.postMessage", bottest.SlackFailure{Error: tc.code})
			f.file(report("R-20221115-0003", "line:U1", time.Now(), "東京都", "other"))
			f.drainAll(1, f.worker("w1"))
			dead, err := f.store.DeadLetters(ctx)
			if err != nil || len(dead) != 1 || dead[0].Notice.ID != "R-20221115-0003" || !strings.Contains(dead[0].Reason, tc.code) {
				t.Fatalf("dead letters %+v, %v; want the report, parked for %s", dead, err, tc.code)
			}
			if n := len(f.slack.Calls("chat.postMessage")); n != 1 {
				t.Errorf("%d posts, want 1: a permanent failure is not retried", n)
			}
			log := f.log.String()
			if !strings.Contains(log, `"error":"`+tc.code+`"`) || !strings.Contains(log, tc.fix) || !strings.Contains(log, "dead letters") {
				t.Errorf("log lacks a clear line for %s (fix: %s):\n%s", tc.code, tc.fix, log)
			}
		})
	}
}

// A token Slack refuses stops the desk at start, saying which setting to check.
func TestNewRefusedToken(t *testing.T) {
	api := bottest.NewSlackAPI(t, channel)
	_, err := slack.New(ctx, slack.Config{Token: "xoxb-revoked", SigningSecret: secret, Channel: channel, APIURL: api.URL + "/api/"})
	if err == nil || !strings.Contains(err.Error(), "invalid_auth") || !strings.Contains(err.Error(), "SLACK_BOT_TOKEN") {
		t.Fatalf("New with a refused token: %v", err)
	}
}

// Two workers draining one outbox concurrently, through Slack 500s: each report is
// posted once.
func TestNotifyTwoWorkers(t *testing.T) {
	f := newFixture(t)
	f.slack.Fail("chat.postMessage", bottest.SlackFailure{Status: 500}, bottest.SlackFailure{Status: 500, Applied: true}, bottest.SlackFailure{Status: 500})
	const reports = 40
	for i := range reports {
		f.file(report(fmt.Sprintf("R-20221115-%04d", i+1), fmt.Sprintf("line:U%d", i), time.Now(), "東京都", "over-cap"))
	}
	f.drainAll(10, f.worker("w1"), f.worker("w2"))
	perNotice := map[string]int{}
	for _, c := range f.slack.Calls("chat.postMessage") {
		var meta struct {
			EventPayload struct {
				NoticeID string `json:"notice_id"`
			} `json:"event_payload"`
		}
		json.Unmarshal([]byte(c.Form().Get("metadata")), &meta)
		perNotice[meta.EventPayload.NoticeID]++
	}
	for i := range reports {
		id := fmt.Sprintf("R-20221115-%04d", i+1)
		if ms := f.messagesOf(id); len(ms) != 1 {
			t.Errorf("%s: %d messages in the channel, want 1", id, len(ms))
		}
		if perNotice[id] < 1 || perNotice[id] > 3 { // at most the failed posts and one more
			t.Errorf("%s: posted %d times", id, perNotice[id])
		}
	}
	if total := len(f.slack.Calls("chat.postMessage")); total != reports+2 {
		t.Errorf("%d posts for %d reports through 2 failed and 1 lost answer, want %d", total, reports, reports+2)
	}
	if n := len(f.slack.Messages(channel)); n != reports {
		t.Errorf("%d messages in the channel, want %d", n, reports)
	}
}

// When a worker stalls in a post past its lease and another takes the notice over and
// posts too, the one that records second deletes its own message: the report shows once.
func TestNotifyStalledWorkerDuplicateRemoved(t *testing.T) {
	f := newFixture(t)
	n := report("R-20221115-0009", "line:U1", time.Now(), "東京都", "network")
	f.file(n)
	gate := f.slack.Hold("chat.postMessage")
	stalled, taker := f.worker("stalled"), f.worker("taker")
	stalled.Lease = 10 * time.Second
	done := make(chan error, 1)
	go func() { _, err := stalled.Drain(ctx); done <- err }()
	select {
	case <-gate.Arrived:
	case <-time.After(10 * time.Second):
		t.Fatal("the first post never reached Slack")
	}
	f.clock.Advance(11 * time.Second) // the stalled worker's lease runs out
	if got, err := taker.Drain(ctx); got != 1 || err != nil {
		t.Fatalf("taker Drain = %d, %v; want the notice taken over", got, err)
	}
	gate.Release()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the stalled worker never finished")
	}
	ms := f.messagesOf(n.ID)
	if len(ms) != 1 {
		t.Fatalf("%d messages for the report, want 1", len(ms))
	}
	if p := f.posted(n.ID); p.Ref != ms[0].TS {
		t.Errorf("recorded %s, the message left is %s", p.Ref, ms[0].TS)
	}
	if posts, deletes := len(f.slack.Calls("chat.postMessage")), len(f.slack.Calls("chat.delete")); posts != 2 || deletes != 1 {
		t.Errorf("%d posts and %d deletes, want 2 and 1", posts, deletes)
	}
	if pending, _ := f.store.Pending(ctx); pending != 0 {
		t.Errorf("%d notices left in the outbox", pending)
	}
}

// A handoff opens a thread; the clinic's further messages and the close go into it,
// and wait (retryably) while the opening post is not up.
func TestNotifyHandoffThread(t *testing.T) {
	f := newFixture(t)
	at := time.Now()
	open := bot.Notice{ID: "H-ABC", Kind: bot.NoticeHandoff, Conversation: "line:U7", Time: at, Thread: "H-ABC",
		Text: "補助金の申請期限を教えてください", Context: &bot.HandoffContext{Flow: "見積チェック", Answers: 3}}
	more := bot.Notice{ID: "H-ABC-2", Kind: bot.NoticeHandoffMessage, Conversation: "line:U7", Time: at, Thread: "H-ABC", Text: "<!channel> 急ぎです"}
	closed := bot.Notice{ID: "H-ABC-closed", Kind: bot.NoticeHandoffClosed, Conversation: "line:U7", Time: at, Thread: "H-ABC"}

	err := f.desk.Notify(ctx, bot.Delivery{Notice: more, Attempt: 1})
	if !errors.Is(err, slack.ErrThreadPending) || errors.Is(err, bot.ErrPermanent) {
		t.Fatalf("reply before its thread: %v; want a retryable ErrThreadPending", err)
	}
	f.file(open, more, closed)
	f.drainAll(1, f.worker("w1"))

	root := f.messagesOf("H-ABC")
	if len(root) != 1 || root[0].ThreadTS != "" {
		t.Fatalf("handoff messages %+v, want one in the channel", root)
	}
	if b := root[0].Strings(); !strings.Contains(b, "補助金の申請期限を教えてください") || !strings.Contains(b, "見積チェック") || !strings.Contains(b, "相談時の手続き") {
		t.Errorf("handoff blocks lack the question or the context: %s", b)
	}
	for _, id := range []string{"H-ABC-2", "H-ABC-closed"} {
		ms := f.messagesOf(id)
		if len(ms) != 1 || ms[0].ThreadTS != root[0].TS {
			t.Fatalf("%s: %+v, want one reply in thread %s", id, ms, root[0].TS)
		}
	}
	if b := f.messagesOf("H-ABC-2")[0].Strings(); strings.Contains(b, "<!channel>") || !strings.Contains(b, "&lt;!channel&gt; 急ぎです") {
		t.Errorf("a clinic's text is not made inert: %s", b)
	}
	if p, ok, _ := f.store.PostedAt(ctx, root[0].TS); !ok || p.Notice != "H-ABC" || p.Conversation != "line:U7" {
		t.Errorf("PostedAt(thread) = %+v, %v; want the handoff of line:U7", p, ok)
	}
}

// A notice recorded as posted is acknowledged without a call to Slack.
func TestNotifyRecordedIsNotPostedAgain(t *testing.T) {
	f := newFixture(t)
	n := report("R-20221115-0010", "line:U1", time.Now(), "東京都", "over-cap")
	if err := f.desk.Notify(ctx, bot.Delivery{Notice: n, Attempt: 1}); err != nil {
		t.Fatal(err)
	}
	before := len(f.slack.Calls(""))
	for attempt := 1; attempt <= 3; attempt++ {
		if err := f.desk.Notify(ctx, bot.Delivery{Notice: n, Attempt: attempt}); err != nil {
			t.Fatal(err)
		}
	}
	if posts := len(f.slack.Calls("chat.postMessage")); posts != 1 {
		t.Errorf("%d posts, want 1", posts)
	}
	if after := len(f.slack.Calls("")); after != before {
		t.Errorf("redeliveries of a recorded notice made %d calls to Slack", after-before)
	}
}
