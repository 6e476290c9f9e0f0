package slack_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"deskbot/bot"
	"deskbot/bot/bottest"
)

// postedReport files a report, lets the worker post it and returns its id and ts.
func (f *fixture) postedReport(id string) (string, string) {
	f.t.Helper()
	f.file(report(id, "line:U1", time.Now(), "東京都", "over-cap"))
	f.drainAll(1, f.worker("w1"))
	return id, f.posted(id).Ref
}

// A button press changes the report's status in the store and updates the message with
// who and when; a second press by another staff member is added, not lost.
func TestStatusButtons(t *testing.T) {
	f := newFixture(t)
	id, ts := f.postedReport("R-20221115-0001")

	if code, body := f.send("interactions", button(f.slack.Team, channel, "U1SATO", "sato", "deskbot_status:in-progress", id, ts), secret, time.Now()); code != http.StatusOK {
		t.Fatalf("first press: %d %q", code, body)
	}
	f.clock.Advance(90 * time.Minute)
	if code, body := f.send("interactions", button(f.slack.Team, channel, "U2SUZUKI", "suzuki", "deskbot_status:resolved", id, ts), secret, time.Now()); code != http.StatusOK {
		t.Fatalf("second press: %d %q", code, body)
	}

	st, err := f.store.Statuses(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	want := []bot.StatusChange{
		{Status: bot.StatusInProgress, By: "U1SATO", Name: "sato", At: time.Date(2022, 11, 15, 10, 0, 0, 0, bot.JST)},
		{Status: bot.StatusResolved, By: "U2SUZUKI", Name: "suzuki", At: time.Date(2022, 11, 15, 11, 30, 0, 0, bot.JST)},
	}
	if d := cmp.Diff(want, st[id], cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); d != "" {
		t.Fatalf("status history (-want +got):\n%s", d)
	}
	updates := f.slack.Calls("chat.update")
	if len(updates) != 2 {
		t.Fatalf("%d chat.update calls, want 2", len(updates))
	}
	if u := updates[1].Form(); u.Get("channel") != channel || u.Get("ts") != ts {
		t.Errorf("updated %s/%s, want the report's message %s/%s", u.Get("channel"), u.Get("ts"), channel, ts)
	}
	msg := f.messagesOf(id)[0]
	shown := msg.Strings()
	for _, want := range []string{"状態：*解決済み*", "対応中 — <@U1SATO> 2022-11-15 10:00", "解決済み — <@U2SUZUKI> 2022-11-15 11:30", "さくら内科クリニック"} {
		if !strings.Contains(shown, want) {
			t.Errorf("updated message lacks %q:\n%s", want, shown)
		}
	}
}

// Two staff members pressing at once: the update that lands last carried only the first
// change, and the message still ends showing both.
func TestStatusButtonsConcurrent(t *testing.T) {
	f := newFixture(t)
	id, ts := f.postedReport("R-20221115-0002")
	gate := f.slack.Hold("chat.update")
	first := make(chan int, 1)
	go func() {
		code, _ := f.send("interactions", button(f.slack.Team, channel, "U1SATO", "sato", "deskbot_status:in-progress", id, ts), secret, time.Now())
		first <- code
	}()
	select {
	case <-gate.Arrived: // the first press is recorded; its update is held
	case <-time.After(10 * time.Second):
		t.Fatal("the first press never updated the message")
	}
	if code, _ := f.send("interactions", button(f.slack.Team, channel, "U2SUZUKI", "suzuki", "deskbot_status:resolved", id, ts), secret, time.Now()); code != http.StatusOK {
		t.Fatalf("second press: %d", code)
	}
	gate.Release() // the first press's stale update lands after the second's
	select {
	case code := <-first:
		if code != http.StatusOK {
			t.Fatalf("first press: %d", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the first press never finished")
	}
	shown := f.messagesOf(id)[0].Strings()
	if !strings.Contains(shown, "<@U1SATO>") || !strings.Contains(shown, "<@U2SUZUKI>") || !strings.Contains(shown, "状態：*解決済み*") {
		t.Fatalf("after concurrent presses the message shows:\n%s", shown)
	}
	if n := len(f.slack.Calls("chat.update")); n != 3 {
		t.Errorf("%d updates, want 3 (the stale one mended once)", n)
	}
}

// Presses from another workspace or channel are refused with 403 and a reason, and
// change nothing.
func TestStatusButtonsOnlyFromTheDesk(t *testing.T) {
	f := newFixture(t)
	id, ts := f.postedReport("R-20221115-0003")
	for _, tc := range []struct{ name, team, channel, reason string }{
		{"another channel", f.slack.Team, "C0OTHER", "窓口チャンネル"},
		{"another workspace", "T0OTHER", channel, "ワークスペース"},
	} {
		code, body := f.send("interactions", button(tc.team, tc.channel, "U1SATO", "sato", "deskbot_status:resolved", id, ts), secret, time.Now())
		if code != http.StatusForbidden || !strings.Contains(body, tc.reason) {
			t.Errorf("%s: %d %q, want 403 saying %q", tc.name, code, body, tc.reason)
		}
	}
	if st, _ := f.store.Statuses(ctx, id); len(st) != 0 {
		t.Errorf("refused presses changed the status: %+v", st)
	}
	if n := len(f.slack.Calls("chat.update")); n != 0 {
		t.Errorf("refused presses updated the message %d times", n)
	}
}

// A press Slack cannot show is an error Slack shows the staff member, who can press again.
func TestStatusButtonSlackDown(t *testing.T) {
	f := newFixture(t)
	id, ts := f.postedReport("R-20221115-0004")
	f.slack.Fail("chat.update", bottest.SlackFailure{Status: 500})
	if code, _ := f.send("interactions", button(f.slack.Team, channel, "U1SATO", "sato", "deskbot_status:in-progress", id, ts), secret, time.Now()); code != http.StatusInternalServerError {
		t.Fatalf("press while Slack fails: %d, want 500", code)
	}
	if code, _ := f.send("interactions", button(f.slack.Team, channel, "U1SATO", "sato", "deskbot_status:in-progress", id, ts), secret, time.Now()); code != http.StatusOK {
		t.Fatalf("press again: %d, want 200", code)
	}
	if shown := f.messagesOf(id)[0].Strings(); !strings.Contains(shown, "状態：*対応中*") {
		t.Errorf("message after the second press:\n%s", shown)
	}
}

// The 相談を終了 button of a handoff closes it for the clinic, through the engine, and
// says so in the thread; pressing it again changes nothing.
func TestHandoffCloseButton(t *testing.T) {
	f := newFixture(t)
	thread := f.postedHandoff("H-9", "line:U4af4980629")
	root := f.messagesOf("H-9")[0]
	if !strings.Contains(root.Strings(), "deskbot_handoff_close") {
		t.Fatalf("the handoff message has no close button: %s", root.Strings())
	}
	press := button(f.slack.Team, channel, "U1SATO", "sato", "deskbot_handoff_close", "H-9", thread)
	if code, body := f.send("interactions", press, secret, time.Now()); code != http.StatusOK {
		t.Fatalf("close: %d %q", code, body)
	}
	want := []bot.Event{{ID: "slack:close:H-9", Conversation: "line:U4af4980629", Kind: bot.DeskCloseEvent, Text: "H-9", DeskThread: "H-9"}}
	if d := cmp.Diff(want, f.engine.Events()); d != "" {
		t.Fatalf("engine events (-want +got):\n%s", d)
	}
	if to, got := nextPush(t, f.line); to != "U4af4980629" || got != "担当者が相談を終了しました：H-9" {
		t.Fatalf("pushed %q to %s", got, to)
	}
	said := func() int {
		n := 0
		for _, c := range f.slack.Calls("chat.postMessage") {
			if u := c.Form(); u.Get("thread_ts") == thread && strings.Contains(u.Get("text"), "<@U1SATO> が相談を終了しました") {
				n++
			}
		}
		return n
	}
	if said() != 1 {
		t.Fatal("the thread was not told who closed the handoff")
	}
	if code, _ := f.send("interactions", press, secret, time.Now()); code != http.StatusOK {
		t.Fatalf("second press: %d", code)
	}
	if said() != 1 || len(f.line.Requests("/v2/bot/message/push")) != 1 {
		t.Errorf("a second press closed again: %d thread notes, %d pushes", said(), len(f.line.Requests("/v2/bot/message/push")))
	}
}

// A signed press replayed within the signature's five minutes changes nothing more.
func TestStatusButtonReplayed(t *testing.T) {
	f := newFixture(t)
	id, ts := f.postedReport("R-20221115-0031")
	press := button(f.slack.Team, channel, "U1SATO", "sato", "deskbot_status:resolved", id, ts)
	for range 2 {
		if code, body := f.send("interactions", press, secret, time.Now()); code != http.StatusOK {
			t.Fatalf("press: %d %q", code, body)
		}
	}
	st, err := f.store.Statuses(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(st[id]); n != 1 {
		t.Fatalf("%d status changes after one press and its replay, want 1", n)
	}
	if n := len(f.slack.Calls("chat.update")); n != 1 {
		t.Errorf("%d message updates, want 1", n)
	}
}

// After the store lost its data, a receipt number may be given to a new report; the
// status buttons of the old report's message carry that number but are not the new
// report's message, and change nothing. A press by a user of another workspace in a
// shared channel (Slack Connect) is refused.
func TestStatusButtonOfAnotherMessageIgnored(t *testing.T) {
	f := newFixture(t)
	id, ts := f.postedReport("R-20221115-0009")
	const oldTS = "1668470000.000100" // the message posted for R-20221115-0009 before the loss
	if code, body := f.send("interactions", button(f.slack.Team, channel, "U1SATO", "sato", "deskbot_status:resolved", id, oldTS), secret, time.Now()); code != http.StatusOK {
		t.Fatalf("press on the old message: %d %q", code, body)
	}
	if st, _ := f.store.Statuses(ctx, id); len(st[id]) != 0 {
		t.Fatalf("a press on another message changed the report: %+v", st[id])
	}
	if n := len(f.slack.Calls("chat.update")); n != 0 {
		t.Fatalf("%d chat.update calls, want none", n)
	}

	p := button(f.slack.Team, channel, "U9GUEST", "guest", "deskbot_status:resolved", id, ts)
	p = strings.Replace(p, "%22team_id%22%3A%22"+f.slack.Team, "%22team_id%22%3A%22T0OTHER", 1)
	if !strings.Contains(p, "T0OTHER") {
		t.Fatal("the payload was not changed to another user team")
	}
	if code, _ := f.send("interactions", p, secret, time.Now()); code != http.StatusForbidden {
		t.Fatalf("press by another workspace's user: %d, want 403", code)
	}
	if st, _ := f.store.Statuses(ctx, id); len(st[id]) != 0 {
		t.Fatalf("a press by another workspace's user changed the report: %+v", st[id])
	}
	// The report's own message still works.
	if code, _ := f.send("interactions", button(f.slack.Team, channel, "U1SATO", "sato", "deskbot_status:resolved", id, ts), secret, time.Now()); code != http.StatusOK {
		t.Fatal(code)
	}
	if st, _ := f.store.Statuses(ctx, id); len(st[id]) != 1 {
		t.Fatalf("press on the report's message: %+v, want one change", st[id])
	}
}
