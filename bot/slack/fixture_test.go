package slack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"deskbot/bot"
	"deskbot/bot/bottest"
	"deskbot/bot/line"
	"deskbot/bot/slack"
	"deskbot/store"
)

const (
	secret  = "8f742231b10e8888abcd99yyyzzz85a5"
	channel = "C0DESK"
)

// labels are the report flow's, as cmd/deskbot reads them from the knowledge base.
var labels = bot.Labels{
	Categories: []bot.Choice{
		{Value: "no-vendor", Label: "地域に業者が見つからない"}, {Value: "over-cap", Label: "見積額が補助金上限より高い"},
		{Value: "maintenance", Label: "保守料が高い"}, {Value: "slow", Label: "導入に時間がかかる"},
		{Value: "network", Label: "適切な回線が見つからない"}, {Value: "other", Label: "その他"},
	},
	FacilityTypes: []bot.Choice{{Value: "clinic", Label: "診療所"}, {Value: "hospital", Label: "病院"}},
}

// echoBrain stands in for flows.Desk: it answers a desk reply the way the desk will.
type echoBrain struct{}

func (echoBrain) Decide(_ context.Context, t *bot.Turn) (bot.Outcome, error) {
	switch t.Event.Kind {
	case bot.DeskReplyEvent:
		return bot.Outcome{Messages: []bot.Message{{Text: "窓口の担当者より：" + t.Event.Text}}}, nil
	case bot.DeskCloseEvent:
		return bot.Outcome{Messages: []bot.Message{{Text: "担当者が相談を終了しました：" + t.Event.Text}}}, nil
	}
	return bot.Outcome{}, nil
}

// recordingEngine hands events to the real engine and records them.
type recordingEngine struct {
	engine *bot.Engine
	mu     sync.Mutex
	events []bot.Event
	// fail, while above 0, fails that many calls before they reach the engine.
	fail int
}

func (e *recordingEngine) Handle(ctx context.Context, ev bot.Event) ([]bot.Message, error) {
	e.mu.Lock()
	e.events = append(e.events, ev)
	failing := e.fail > 0
	if failing {
		e.fail--
	}
	e.mu.Unlock()
	if failing {
		return nil, bot.ErrUnavailable
	}
	return e.engine.Handle(ctx, ev)
}

func (e *recordingEngine) Events() []bot.Event {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]bot.Event(nil), e.events...)
}

// fixture is a desk wired as cmd/deskbot wires it, against fakes of Slack and LINE: the
// real slack-go and LINE clients, the in-memory store, the real engine with echoBrain,
// and the desk's handlers served over HTTP.
type fixture struct {
	t      *testing.T
	slack  *bottest.SlackAPI
	line   *bottest.LINEAPI
	clock  *bottest.Clock
	store  *store.Memory
	engine *recordingEngine
	desk   *slack.Desk
	sender *line.Sender
	srv    *httptest.Server
	log    *bottest.LogBuffer
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	return newFixtureWith(t, nil)
}

// newFixtureWith builds the fixture; wrap, if not nil, wraps the store the desk uses.
func newFixtureWith(t *testing.T, wrap func(*store.Memory) slack.Store) *fixture {
	t.Helper()
	f := &fixture{t: t, slack: bottest.NewSlackAPI(t, channel), line: bottest.NewLINEAPI(t), log: &bottest.LogBuffer{},
		clock: bottest.NewClock(time.Date(2022, 11, 15, 10, 0, 0, 0, bot.JST))}
	log := slog.New(slog.NewJSONHandler(f.log, nil))
	f.store = store.NewMemory(f.clock.Now)
	f.engine = &recordingEngine{engine: bot.NewEngine(bot.Config{Store: f.store, Brain: echoBrain{}, Now: f.clock.Now, Log: log})}
	sender, err := line.NewSender("line-token", f.line.URL, nil, log)
	if err != nil {
		t.Fatal(err)
	}
	sender.Queue, sender.Now = f.store, f.clock.Now // what fails goes to the outbox, as in cmd/deskbot
	t.Cleanup(sender.Close)
	f.sender = sender
	var st slack.Store = f.store
	if wrap != nil {
		st = wrap(f.store)
	}
	desk, err := slack.New(context.Background(), slack.Config{
		Token: f.slack.Token, SigningSecret: secret, Channel: channel, APIURL: f.slack.URL + "/api/",
		Store: st, Engine: f.engine, Pusher: sender, Labels: func() bot.Labels { return labels }, Now: f.clock.Now, Log: log,
	})
	if err != nil {
		t.Fatalf("slack.New: %v", err)
	}
	t.Cleanup(desk.Close)
	f.desk = desk
	mux := http.NewServeMux()
	mux.Handle("POST /webhooks/slack/events", desk.Events())
	mux.Handle("POST /webhooks/slack/interactions", desk.Interactions())
	mux.Handle("POST /webhooks/slack/commands", desk.Commands())
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

// worker is an outbox worker on the fixture's store and clock, with the desk as notifier.
func (f *fixture) worker(name string) *bot.Worker {
	return &bot.Worker{Outbox: f.store, Notifier: f.desk, Name: name, Backoff: time.Second, MaxBackoff: 8 * time.Second,
		Now: f.clock.Now, Log: slog.New(slog.NewJSONHandler(f.log, nil))}
}

// drainAll runs w until the outbox is empty, letting backoffs pass; it fails the test
// after rounds rounds.
func (f *fixture) drainAll(rounds int, ws ...*bot.Worker) {
	f.t.Helper()
	for range rounds {
		var wg sync.WaitGroup
		for _, w := range ws {
			wg.Go(func() {
				if _, err := w.Drain(context.Background()); err != nil {
					f.t.Errorf("Drain: %v", err)
				}
			})
		}
		wg.Wait()
		if n, _ := f.store.Pending(context.Background()); n == 0 {
			return
		}
		f.clock.Advance(time.Minute)
	}
	f.t.Fatalf("outbox not empty after %d rounds", rounds)
}

// file commits notices as the engine does when a clinic sends a report or asks for a
// person.
func (f *fixture) file(ns ...bot.Notice) {
	f.t.Helper()
	conv := ns[0].Conversation
	if err := f.store.Commit(context.Background(), bot.Commit{Session: &bot.Session{Conversation: conv}, Delete: true, Notices: ns}); err != nil {
		f.t.Fatalf("Commit: %v", err)
	}
}

// report is a report notice, as flows files it.
func report(id, conv string, created time.Time, pref string, cats ...string) bot.Notice {
	r := bot.Report{ID: id, Conversation: conv, Created: created, Categories: cats, Facility: "さくら内科クリニック",
		Prefecture: pref, Code: "1310110049", FacilityType: "clinic", Contact: "03-1234-5678",
		Details: "見積が補助金の上限を超えています。", Answers: []bot.Field{{Label: "見積額", Value: "65万円"}}}
	return bot.Notice{ID: id, Kind: bot.NoticeReport, Conversation: conv, Time: created, Report: &r}
}

// posted returns the recorded post of notice id.
func (f *fixture) posted(id string) bot.DeskPost {
	f.t.Helper()
	p, ok, err := f.store.Posted(context.Background(), id)
	if err != nil || !ok {
		f.t.Fatalf("Posted(%s) = %v, %v; want a post", id, ok, err)
	}
	return p
}

// messagesOf returns the channel's messages carrying notice id in their metadata.
func (f *fixture) messagesOf(id string) []bottest.SlackMessage {
	var out []bottest.SlackMessage
	for _, m := range f.slack.Messages(channel) {
		var meta struct {
			EventType    string `json:"event_type"`
			EventPayload struct {
				NoticeID string `json:"notice_id"`
			} `json:"event_payload"`
		}
		json.Unmarshal(m.Metadata, &meta)
		if meta.EventType == "deskbot_notice" && meta.EventPayload.NoticeID == id {
			out = append(out, m)
		}
	}
	return out
}

// send posts body to the desk's endpoint path (events, interactions, commands), signed
// with key at at; it returns the status and the answer.
func (f *fixture) send(path, body, key string, at time.Time, header ...string) (int, string) {
	f.t.Helper()
	req, _ := http.NewRequest("POST", f.srv.URL+"/webhooks/slack/"+path, strings.NewReader(body))
	if path == "events" {
		req.Header.Set("Content-Type", "application/json")
	} else {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	bottest.SignSlackRequest(req, key, []byte(body), at)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// button is the interaction payload of a status button pressed by user on the message ts.
// triggers numbers the presses: Slack gives each its own trigger id.
var triggers atomic.Int64

func button(team, ch, user, name, action, reportID, ts string) string {
	p := map[string]any{
		"type": "block_actions", "api_app_id": "A0DESK", "trigger_id": fmt.Sprintf("%d.456.abc", triggers.Add(1)),
		"team":      map[string]any{"id": team, "domain": "desk"},
		"user":      map[string]any{"id": user, "username": name, "name": name, "team_id": team},
		"channel":   map[string]any{"id": ch, "name": "desk"},
		"container": map[string]any{"type": "message", "message_ts": ts, "channel_id": ch, "is_ephemeral": false},
		"message":   map[string]any{"type": "message", "ts": ts, "text": "障害報告"},
		"actions": []any{map[string]any{"type": "button", "action_id": action, "block_id": "status_actions",
			"value": reportID, "action_ts": "1668474300.000001", "text": map[string]any{"type": "plain_text", "text": "x"}}},
	}
	j, _ := json.Marshal(p)
	return url.Values{"payload": {string(j)}}.Encode()
}

// command is a slash command's form.
func command(team, ch, user, text string) string {
	return url.Values{"token": {"legacy"}, "team_id": {team}, "team_domain": {"desk"}, "channel_id": {ch},
		"channel_name": {"desk"}, "user_id": {user}, "user_name": {"sato"}, "command": {"/deskbot"}, "text": {text},
		"response_url": {"https://hooks.slack.com/commands/T0DESK/1/abc"}, "trigger_id": {"1.2.3"}, "api_app_id": {"A0DESK"}}.Encode()
}

// messageEvent is an Events API callback of a message.
func messageEvent(team, eventID string, ev map[string]any) string {
	ev["type"] = "message"
	j, _ := json.Marshal(map[string]any{"token": "legacy", "team_id": team, "api_app_id": "A0DESK", "type": "event_callback",
		"event_id": eventID, "event_time": 1668474300, "event": ev})
	return string(j)
}
