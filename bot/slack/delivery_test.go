package slack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	slackgo "github.com/slack-go/slack"

	"deskbot/bot"
	"deskbot/bot/bottest"
)

// run drives worker w on the fixture's clock for at most limit of simulated time, in steps
// of step, until every notice is delivered or parked; it returns the simulated time taken.
func (f *fixture) run(w *bot.Worker, step, limit time.Duration) time.Duration {
	f.t.Helper()
	start := f.clock.Now()
	for f.clock.Now().Sub(start) <= limit {
		if _, err := w.Drain(context.Background()); err != nil {
			f.t.Fatalf("Drain: %v", err)
		}
		if n, _ := f.store.Pending(context.Background()); n == 0 {
			return f.clock.Now().Sub(start)
		}
		f.clock.Advance(step)
	}
	f.t.Fatalf("outbox not empty after %v of simulated time", limit)
	return 0
}

// Slack answers 500 for 30 minutes: the report is retried through the outage with the
// default schedule and horizon, posted exactly once when Slack is back, and nothing is
// parked.
func TestSlackOutageOfThirtyMinutes(t *testing.T) {
	f := newFixture(t)
	f.slack.SetFault(bottest.Outage("chat.postMessage", bottest.SlackFailure{Status: 500}, f.clock.Now, f.clock.Now().Add(30*time.Minute)))
	n := report("R-20221115-0001", "line:U1", f.clock.Now(), "東京都", "over-cap")
	f.file(n)
	outcomes := map[string]int{}
	w := &bot.Worker{Outbox: f.store, Notifier: f.desk, Name: "w", Now: f.clock.Now, Log: f.worker("w").Log,
		Observe: func(o string) { outcomes[o]++ }}
	took := f.run(w, time.Second, 2*time.Hour)

	if ms := f.messagesOf(n.ID); len(ms) != 1 {
		t.Fatalf("%d messages for the report, want exactly 1", len(ms))
	}
	if dead, _ := f.store.DeadLetters(ctx); len(dead) != 0 {
		t.Fatalf("parked: %+v", dead)
	}
	posts := len(f.slack.Calls("chat.postMessage"))
	// 1, 2, 4 … 256 s (jitter in the upper half), then 5 min each: 12 to 20 posts in 30 min.
	if posts < 12 || posts > 20 || outcomes["retried"] != posts-1 || outcomes["delivered"] != 1 {
		t.Errorf("%d posts, outcomes %v; want 12 to 20 posts, all but one retried", posts, outcomes)
	}
	if took < 30*time.Minute || took > 36*time.Minute {
		t.Errorf("posted %v after the report, want within the 5-minute cap of the outage's end (30m)", took)
	}
	t.Logf("Slack 500 for 30m: posted once after %v, %d posts, outcomes %v", took, posts, outcomes)
}

// 200 handoff notices of 10 clinics under Slack's limit of one message a second, with
// 429 and Retry-After: all are posted, none parked, each thread in the clinic's order,
// and no post is tried again before its Retry-After.
func TestSlackRateLimitedHandoffs(t *testing.T) {
	f := newFixture(t)
	f.slack.SetFault(bottest.RateLimit("chat.postMessage", time.Second, f.clock.Now))
	const clinics, perClinic = 10, 20
	for i := range perClinic {
		for c := range clinics {
			conv := fmt.Sprintf("line:U%02d", c)
			thread := fmt.Sprintf("H-%02d", c)
			n := bot.Notice{ID: fmt.Sprintf("%s-%03d", thread, i), Kind: bot.NoticeHandoffMessage, Conversation: conv,
				Time: f.clock.Now(), Thread: thread, Text: fmt.Sprintf("メッセージ %03d", i)}
			if i == 0 {
				n.ID, n.Kind = thread, bot.NoticeHandoff
			}
			f.file(n)
		}
	}
	outcomes := map[string]int{}
	w := &bot.Worker{Outbox: f.store, Notifier: f.desk, Name: "w", Now: f.clock.Now, Log: f.worker("w").Log,
		Observe: func(o string) { outcomes[o]++ }}
	took := f.run(w, 250*time.Millisecond, time.Hour)

	if dead, _ := f.store.DeadLetters(ctx); len(dead) != 0 {
		t.Fatalf("%d parked, want none: %+v", len(dead), dead[0])
	}
	msgs := f.slack.Messages(channel)
	if len(msgs) != clinics*perClinic {
		t.Fatalf("%d messages posted, want %d", len(msgs), clinics*perClinic)
	}
	for c := range clinics {
		root := f.messagesOf(fmt.Sprintf("H-%02d", c))
		if len(root) != 1 {
			t.Fatalf("thread H-%02d: %d roots", c, len(root))
		}
		var got []string
		for _, m := range msgs {
			if m.ThreadTS == root[0].TS {
				got = append(got, noticeOf(m))
			}
		}
		want := make([]string, perClinic-1)
		for i := range want {
			want[i] = fmt.Sprintf("H-%02d-%03d", c, i+1)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("thread H-%02d in order %v, want %v", c, got, want)
		}
	}
	if outcomes["limited"] == 0 {
		t.Errorf("no 429 met: the test does not test the rate limit")
	}
	// One a second is the limit: 200 posts take at least 199 s, and honouring Retry-After
	// exactly wastes little beyond.
	if took < 199*time.Second || took > 260*time.Second {
		t.Errorf("200 notices took %v at 1/s, want 199s to 260s", took)
	}
	t.Logf("200 notices at 1 msg/s: %v, %d posts, outcomes %v", took, len(f.slack.Calls("chat.postMessage")), outcomes)
}

// One 500 in the middle of a thread: the rest of the thread waits for the failed one,
// so the thread shows the clinic's order.
func TestSlackThreadOrderKeptThroughFailure(t *testing.T) {
	f := newFixture(t)
	var ns []bot.Notice
	for i := range 6 {
		n := bot.Notice{ID: fmt.Sprintf("H-ORD-%03d", i), Kind: bot.NoticeHandoffMessage, Conversation: "line:Uord",
			Time: f.clock.Now(), Thread: "H-ORD", Text: fmt.Sprintf("メッセージ %03d", i)}
		if i == 0 {
			n.ID, n.Kind = "H-ORD", bot.NoticeHandoff
		}
		ns = append(ns, n)
	}
	f.file(ns...)
	// The root and 001 go through; 002's post fails once.
	calls := 0
	f.slack.SetFault(func(m string) *bottest.SlackFailure {
		if m != "chat.postMessage" {
			return nil
		}
		if calls++; calls == 3 {
			return &bottest.SlackFailure{Status: 500}
		}
		return nil
	})
	f.run(f.worker("w"), time.Second, time.Hour)
	root := f.messagesOf("H-ORD")[0]
	var got []string
	for _, m := range f.slack.Messages(channel) {
		if m.ThreadTS == root.TS {
			got = append(got, noticeOf(m))
		}
	}
	if want := []string{"H-ORD-001", "H-ORD-002", "H-ORD-003", "H-ORD-004", "H-ORD-005"}; !slices.Equal(got, want) {
		t.Fatalf("thread order %v, want %v", got, want)
	}
}

// A report whose blocks Slack refuses is posted as plain text, whole, instead of parked.
func TestSlackInvalidBlocksFallBackToText(t *testing.T) {
	f := newFixture(t)
	f.slack.Fail("chat.postMessage", bottest.SlackFailure{Error: "invalid_blocks"})
	n := report("R-20221115-0007", "line:U1", f.clock.Now(), "東京都", "over-cap")
	f.file(n)
	f.drainAll(3, f.worker("w"))
	ms := f.messagesOf(n.ID)
	if len(ms) != 1 {
		t.Fatalf("%d messages, want 1", len(ms))
	}
	if dead, _ := f.store.DeadLetters(ctx); len(dead) != 0 {
		t.Fatalf("parked: %+v", dead)
	}
	if ms[0].Blocks != nil && string(ms[0].Blocks) != "null" {
		t.Errorf("fallback carries blocks: %s", ms[0].Blocks)
	}
	for _, want := range []string{"R-20221115-0007", "さくら内科クリニック", "見積が補助金の上限を超えています。", "見積額", "65万円", "見積額が補助金上限より高い"} {
		if !strings.Contains(ms[0].Text, want) {
			t.Errorf("plain-text report lacks %q:\n%s", want, ms[0].Text)
		}
	}
}

// A clinic's message of 5,000 characters reaches the thread whole, in several sections.
func TestSlackLongHandoffMessageNotCut(t *testing.T) {
	f := newFixture(t)
	text := strings.Repeat("あ", 2000) + "<&>" + strings.Repeat("い", 2997)
	f.file(bot.Notice{ID: "H-LONG", Kind: bot.NoticeHandoff, Conversation: "line:Ulong", Time: f.clock.Now(), Thread: "H-LONG", Text: "相談です"},
		bot.Notice{ID: "H-LONG-2", Kind: bot.NoticeHandoffMessage, Conversation: "line:Ulong", Time: f.clock.Now(), Thread: "H-LONG", Text: text})
	f.drainAll(3, f.worker("w"))
	ms := f.messagesOf("H-LONG-2")
	if len(ms) != 1 {
		t.Fatalf("%d messages, want 1", len(ms))
	}
	var blocks []struct {
		Type string
		Text struct{ Text string }
	}
	json.Unmarshal(ms[0].Blocks, &blocks)
	var all strings.Builder
	for _, b := range blocks {
		if b.Type == "section" {
			if n := len([]rune(b.Text.Text)); n > 3000 {
				t.Errorf("a section of %d characters, over Slack's 3,000", n)
			}
			all.WriteString(b.Text.Text)
		}
	}
	want := strings.Repeat("あ", 2000) + "&lt;&amp;&gt;" + strings.Repeat("い", 2997)
	if !strings.Contains(all.String(), want) {
		t.Fatalf("the sections do not hold the whole message (%d characters of %d)", len([]rune(all.String())), len([]rune(want)))
	}
}

// noticeOf is the notice id in a message's metadata.
func noticeOf(m bottest.SlackMessage) string {
	var meta struct {
		EventPayload struct {
			NoticeID string `json:"notice_id"`
		} `json:"event_payload"`
	}
	json.Unmarshal(m.Metadata, &meta)
	return meta.EventPayload.NoticeID
}

// LINE refuses a desk reply with 403 (the clinic blocked the account): the thread the
// reply was written in gets a note saying so, through the outbox.
func TestDeskReplyBlockedOnLINETellsTheThread(t *testing.T) {
	f := newFixture(t)
	thread := f.postedHandoff("H-BLOCK", "line:Ublocked")
	f.line.Script("/v2/bot/message/push", bottest.Response{Status: 403, Body: `{"message":"blocked"}`})
	if code, _ := f.send("events", reply(f, "EvBlock", thread, "ご連絡ありがとうございます"), secret, time.Now()); code != 200 {
		t.Fatal(code)
	}
	f.sender.Close() // the push is done
	w := f.worker("w")
	w.Notifier = bot.Notifiers{Default: f.desk, ByKind: map[bot.NoticeKind]bot.Notifier{bot.NoticeLINEPush: f.sender}}
	f.run(w, time.Second, time.Hour)
	var notes []string
	for _, m := range f.slack.Messages(channel) {
		if m.ThreadTS == thread {
			notes = append(notes, m.Text)
		}
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "LINEに届きませんでした：ブロックされています") {
		t.Fatalf("thread replies %q, want the note that LINE refused the reply", notes)
	}
}

// A staff reply with a file: the text goes to the clinic, and the thread is told the
// file does not; a file alone reaches nobody, and the thread is told so.
func TestDeskReplyWithFileIsNotDroppedSilently(t *testing.T) {
	f := newFixture(t)
	thread := f.postedHandoff("H-FILE", "line:Ufile")
	ev := func(id, text string) string {
		return messageEvent(f.slack.Team, id, map[string]any{"channel": channel, "user": "U1SATO", "subtype": "file_share",
			"text": text, "ts": "1668474400.000300", "thread_ts": thread, "files": []any{map[string]any{"id": "F1", "name": "見積.pdf"}}})
	}
	if code, _ := f.send("events", ev("EvFile1", "見積書を添付します"), secret, time.Now()); code != 200 {
		t.Fatal(code)
	}
	if to, got := nextPush(t, f.line); to != "Ufile" || !strings.Contains(got, "見積書を添付します") {
		t.Fatalf("pushed %q to %s, want the text", got, to)
	}
	if code, _ := f.send("events", ev("EvFile2", ""), secret, time.Now()); code != 200 {
		t.Fatal(code)
	}
	var notes []string
	for _, m := range f.slack.Messages(channel) {
		if m.ThreadTS == thread {
			notes = append(notes, m.Text)
		}
	}
	if len(notes) != 2 || !strings.Contains(notes[0], "本文だけをクリニックに届けました") || !strings.Contains(notes[1], "クリニックには何も届いていません") {
		t.Fatalf("thread notes %q, want one for each file", notes)
	}
}

// After the store lost its data a receipt number may come again: the channel search a
// retried post makes adopts an earlier message only when it is of the same conversation.
func TestSlackSearchMatchesTheConversation(t *testing.T) {
	f := newFixture(t)
	api := slackgo.New(f.slack.Token, slackgo.OptionAPIURL(f.slack.URL+"/api/"))
	_, oldTS, err := api.PostMessage(channel, slackgo.MsgOptionText("障害報告 R-20221115-0001（前のクリニック）", false),
		slackgo.MsgOptionMetadata(slackgo.SlackMetadata{EventType: "deskbot_notice",
			EventPayload: map[string]any{"notice_id": "R-20221115-0001", "conv": bot.LogID("line:Uearlier")}}))
	if err != nil {
		t.Fatal(err)
	}
	n := report("R-20221115-0001", "line:Unew", time.Now(), "大阪府", "slow")
	if err := f.desk.Notify(ctx, bot.Delivery{Notice: n, Attempt: 2}); err != nil {
		t.Fatal(err)
	}
	if p := f.posted(n.ID); p.Ref == oldTS {
		t.Fatalf("the new report adopted the earlier clinic's message %s", oldTS)
	}
	if ms := f.messagesOf(n.ID); len(ms) != 2 {
		t.Fatalf("%d messages carry the number, want 2 (the earlier one and the new report's)", len(ms))
	}
	if n := len(f.slack.Calls("conversations.history")); n == 0 {
		t.Fatal("the retry did not search the channel: the test does not test the search")
	}
}
