package slack_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"deskbot/bot"
	"deskbot/bot/bottest"
)

// Every endpoint refuses a forged, stale or unsigned request with 401, before it has any
// effect: no status change, no engine call, no Slack call.
func TestForgedOrStaleRequests(t *testing.T) {
	f := newFixture(t)
	n := report("R-20221115-0001", "line:U1", time.Now(), "東京都", "over-cap")
	f.file(n)
	f.drainAll(1, f.worker("w1"))
	ts := f.posted(n.ID).Ref
	f.file(bot.Notice{ID: "H-1", Kind: bot.NoticeHandoff, Conversation: "line:U1", Time: time.Now(), Thread: "H-1", Text: "質問"})
	f.drainAll(1, f.worker("w1"))
	thread := f.posted("H-1").Ref
	callsBefore := len(f.slack.Calls(""))

	bodies := map[string]string{
		"interactions": button(f.slack.Team, channel, "U1", "sato", "deskbot_status:resolved", n.ID, ts),
		"events":       messageEvent(f.slack.Team, "Ev1", map[string]any{"channel": channel, "user": "U1", "text": "届きましたか", "ts": "1668474400.000100", "thread_ts": thread}),
		"commands":     command(f.slack.Team, channel, "U1", "csv"),
	}
	now := time.Now()
	for _, tc := range []struct {
		name string
		key  string
		at   time.Time
		edit func(string) string
	}{
		{name: "wrong secret", key: "not-the-secret", at: now},
		{name: "stale, 6 minutes old", key: secret, at: now.Add(-6 * time.Minute)},
		{name: "from the future", key: secret, at: now.Add(6 * time.Minute)},
		{name: "body changed after signing", key: secret, at: now, edit: func(b string) string { return b + "&x=1" }},
	} {
		for path, body := range bodies {
			t.Run(tc.name+"/"+path, func(t *testing.T) {
				sent := body
				if tc.edit != nil {
					sent = tc.edit(body)
				}
				req, _ := http.NewRequest("POST", f.srv.URL+"/webhooks/slack/"+path, strings.NewReader(sent))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				bottest.SignSlackRequest(req, tc.key, []byte(body), tc.at)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusUnauthorized {
					t.Errorf("status %d, want 401", resp.StatusCode)
				}
			})
		}
	}
	t.Run("unsigned", func(t *testing.T) {
		for path, body := range bodies {
			resp, err := http.Post(f.srv.URL+"/webhooks/slack/"+path, "application/x-www-form-urlencoded", strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("%s unsigned: status %d, want 401", path, resp.StatusCode)
			}
		}
	})

	if st, _ := f.store.Statuses(ctx, n.ID); len(st) != 0 {
		t.Errorf("a refused request changed the status: %+v", st)
	}
	if evs := f.engine.Events(); len(evs) != 0 {
		t.Errorf("a refused request reached the engine: %+v", evs)
	}
	if after := len(f.slack.Calls("")); after != callsBefore {
		t.Errorf("refused requests made %d calls to Slack", after-callsBefore)
	}
	if !strings.Contains(f.log.String(), "bad or stale signature") {
		t.Error("refusals are not logged")
	}
}

// Slack's URL verification gets its challenge back, once signed.
func TestURLVerification(t *testing.T) {
	f := newFixture(t)
	body := `{"token":"legacy","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`
	code, answer := f.send("events", body, secret, time.Now())
	if code != http.StatusOK || answer != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Fatalf("url_verification = %d %q", code, answer)
	}
}

// Bad input gets a clear answer: malformed bodies 400, oversized 413, events the desk does
// not read 200 (so Slack does not retry them).
func TestBadRequests(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		path, body string
		code       int
	}{
		{"events", `{not json`, http.StatusBadRequest},
		{"events", `{"type":"event_callback","team_id":"T0DESK","event_id":"Ev9","event":{"type":"no_such_event"}}`, http.StatusOK},
		{"interactions", "payload=%7Bnot+json", http.StatusBadRequest},
		{"events", `{"type":"` + strings.Repeat("x", 2<<20) + `"}`, http.StatusRequestEntityTooLarge},
	} {
		if code, answer := f.send(tc.path, tc.body, secret, time.Now()); code != tc.code {
			t.Errorf("%s %.40q: %d %q, want %d", tc.path, tc.body, code, answer, tc.code)
		}
	}
}
