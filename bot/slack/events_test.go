package slack_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"deskbot/bot"
	"deskbot/bot/bottest"
)

// postedHandoff files a handoff of conv, lets the worker post it and returns its thread.
func (f *fixture) postedHandoff(id, conv string) string {
	f.t.Helper()
	f.file(bot.Notice{ID: id, Kind: bot.NoticeHandoff, Conversation: conv, Time: time.Now(), Thread: id, Text: "見積の見方を教えてください"})
	f.drainAll(1, f.worker("w1"))
	return f.posted(id).Ref
}

// reply is a staff member's message in a thread.
func reply(f *fixture, eventID, thread, text string) string {
	return messageEvent(f.slack.Team, eventID, map[string]any{"channel": channel, "channel_type": "channel", "user": "U1SATO",
		"text": text, "ts": "1668474400.000200", "thread_ts": thread, "event_ts": "1668474400.000100"})
}

// nextPush waits for the next push to LINE and returns its user and first text.
func nextPush(t *testing.T, api *bottest.LINEAPI) (string, string) {
	t.Helper()
	for {
		select {
		case r := <-api.Received:
			if r.Path != "/v2/bot/message/push" {
				continue
			}
			var body struct {
				To       string
				Messages []struct{ Text string }
			}
			if err := json.Unmarshal(r.Body, &body); err != nil || len(body.Messages) == 0 {
				t.Fatalf("push body %s: %v", r.Body, err)
			}
			return body.To, body.Messages[0].Text
		case <-time.After(10 * time.Second):
			t.Fatal("nothing pushed to LINE")
		}
	}
}

// What desk staff write in a handoff thread reaches the engine as the conversation's
// DeskReplyEvent, and the engine's answer reaches the clinic on LINE; Slack's retry of
// the same event is not applied or pushed again.
func TestDeskReplyReachesClinic(t *testing.T) {
	f := newFixture(t)
	thread := f.postedHandoff("H-1", "line:U4af4980629")

	body := reply(f, "Ev1", thread, "お待たせしました。<https://example.jp/guide|手引き>をご覧ください &amp; 折り返します <@U2SUZUKI|suzuki>")
	if code, answer := f.send("events", body, secret, time.Now()); code != http.StatusOK {
		t.Fatalf("reply event: %d %q", code, answer)
	}
	text := "お待たせしました。手引き（https://example.jp/guide）をご覧ください & 折り返します @suzuki"
	want := []bot.Event{{ID: "slack:Ev1", Conversation: "line:U4af4980629", Kind: bot.DeskReplyEvent, Text: text, DeskThread: "H-1"}}
	if d := cmp.Diff(want, f.engine.Events()); d != "" {
		t.Fatalf("engine events (-want +got):\n%s", d)
	}
	if to, got := nextPush(t, f.line); to != "U4af4980629" || got != "窓口の担当者より："+text {
		t.Fatalf("pushed %q to %s", got, to)
	}

	// Slack retries the event: dropped before the engine.
	if code, _ := f.send("events", body, secret, time.Now(), "X-Slack-Retry-Num", "1", "X-Slack-Retry-Reason", "http_timeout"); code != http.StatusOK {
		t.Fatalf("retried event: %d", code)
	}
	if n := len(f.engine.Events()); n != 1 {
		t.Fatalf("the retry reached the engine: %d events", n)
	}
	// A later reply is pushed, and is the second push: the retry pushed nothing.
	if code, _ := f.send("events", reply(f, "Ev2-later", thread, "以上です"), secret, time.Now()); code != http.StatusOK {
		t.Fatal(code)
	}
	if _, got := nextPush(t, f.line); got != "窓口の担当者より：以上です" {
		t.Fatalf("second push %q", got)
	}
	if n := len(f.line.Requests("/v2/bot/message/push")); n != 2 {
		t.Errorf("%d pushes, want 2", n)
	}
}

// A reply in a report's thread reaches the clinic that filed the report.
func TestDeskReplyInReportThread(t *testing.T) {
	f := newFixture(t)
	f.file(report("R-20221115-0005", "line:Ureporter", time.Now(), "東京都", "slow"))
	f.drainAll(1, f.worker("w1"))
	if code, _ := f.send("events", reply(f, "Ev5", f.posted("R-20221115-0005").Ref, "内容を確認しました"), secret, time.Now()); code != http.StatusOK {
		t.Fatal(code)
	}
	if to, got := nextPush(t, f.line); to != "Ureporter" || got != "窓口の担当者より：内容を確認しました" {
		t.Fatalf("pushed %q to %s", got, to)
	}
}

// Messages that are not a person's reply in a desk thread never reach the engine: the
// desk's own posts, other bots, edits, other channels, top-level messages, threads the
// desk did not open.
func TestDeskReplyIgnored(t *testing.T) {
	f := newFixture(t)
	thread := f.postedHandoff("H-2", "line:U2")
	base := func() map[string]any {
		return map[string]any{"channel": channel, "user": "U1SATO", "text": "こんにちは", "ts": "1668474500.000100", "thread_ts": thread}
	}
	for _, tc := range []struct {
		name string
		edit func(map[string]any)
	}{
		{"another app's bot", func(m map[string]any) { m["bot_id"] = "B0OTHER"; m["user"] = "U0OTHERBOT" }},
		{"a legacy bot message", func(m map[string]any) { m["subtype"] = "bot_message"; m["bot_id"] = "B0OLD"; delete(m, "user") }},
		{"this bot", func(m map[string]any) { m["user"] = f.slack.BotUser }},
		{"an edit", func(m map[string]any) { m["subtype"] = "message_changed" }},
		{"another channel", func(m map[string]any) { m["channel"] = "C0OTHER" }},
		{"top level", func(m map[string]any) { delete(m, "thread_ts") }},
		{"the thread's own root", func(m map[string]any) { m["ts"] = thread }},
		{"a thread the desk did not open", func(m map[string]any) { m["thread_ts"] = "1600000000.000100" }},
		{"no text", func(m map[string]any) { m["text"] = "  " }},
		{"a user of another workspace (Slack Connect)", func(m map[string]any) { m["user_team"] = "T0OTHER"; m["source_team"] = "T0OTHER" }},
		{"a message relayed from another workspace", func(m map[string]any) { m["source_team"] = "T0OTHER" }},
	} {
		ev := base()
		tc.edit(ev)
		if code, answer := f.send("events", messageEvent(f.slack.Team, "Ev-"+tc.name, ev), secret, time.Now()); code != http.StatusOK {
			t.Errorf("%s: %d %q, want 200", tc.name, code, answer)
		}
	}
	if evs := f.engine.Events(); len(evs) != 0 {
		t.Fatalf("ignored messages reached the engine: %+v", evs)
	}
	// An event of another workspace is refused.
	other := messageEvent("T0OTHER", "Ev-other", base())
	if code, _ := f.send("events", other, secret, time.Now()); code != http.StatusForbidden {
		t.Errorf("event of another workspace: %d, want 403", code)
	}
}

// An event the engine could not take gets 500, and Slack's retry of it is applied.
func TestDeskReplyRetriedAfterFailure(t *testing.T) {
	f := newFixture(t)
	thread := f.postedHandoff("H-3", "line:U3")
	f.engine.fail = 1
	body := reply(f, "Ev3", thread, "確認します")
	if code, _ := f.send("events", body, secret, time.Now()); code != http.StatusInternalServerError {
		t.Fatalf("event while the engine fails: %d, want 500", code)
	}
	if code, _ := f.send("events", body, secret, time.Now(), "X-Slack-Retry-Num", "1"); code != http.StatusOK {
		t.Fatalf("retry: %d, want 200", code)
	}
	if _, got := nextPush(t, f.line); got != "窓口の担当者より：確認します" {
		t.Fatalf("pushed %q", got)
	}
}
