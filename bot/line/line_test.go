package line_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"deskbot/bot"
	"deskbot/bot/bottest"
	"deskbot/bot/line"
	"deskbot/bot/line/linetest"
	"deskbot/flows"
	"deskbot/flows/kb"
	"deskbot/store"
)

const secret = "test-channel-secret"

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// harness is the LINE webhook in front of a real engine and store, sending through the
// real SDK client to a recording fake of the Messaging API.
type harness struct {
	t       *testing.T
	api     *bottest.LINEAPI
	store   *store.Memory
	sender  *line.Sender
	handler *line.Handler
	srv     *httptest.Server
	user    string
	n       int
	// quick maps the labels of the last quick replies to their postback data.
	quick map[string]string
}

func newHarness(t *testing.T, brain bot.Brain) *harness {
	t.Helper()
	return newHarnessLog(t, brain, quiet)
}

// newHarnessLog is newHarness with every component logging to log.
func newHarnessLog(t *testing.T, brain bot.Brain, log *slog.Logger) *harness {
	t.Helper()
	if brain == nil {
		k, err := flows.Load(kb.Embedded())
		if err != nil {
			t.Fatal(err)
		}
		brain = flows.NewDesk(k)
	}
	h := &harness{t: t, api: bottest.NewLINEAPI(t), store: store.NewMemory(nil), user: "U4af4980629"}
	h.sender = newSender(t, h.api.URL, log)
	h.sender.Backoff = time.Millisecond
	fixed := func() time.Time { return time.Date(2022, 11, 15, 10, 0, 0, 0, bot.JST) }
	engine := bot.NewEngine(bot.Config{Store: h.store, Brain: brain, Now: fixed, Log: log, Deliver: h.sender.Deliver})
	h.handler = line.NewHandler(secret, engine, h.sender, log)
	h.handler.LoadingAfter = 0
	h.handler.Now = fixed
	h.srv = httptest.NewServer(h.handler)
	t.Cleanup(func() { h.srv.Close(); h.sender.Close() })
	return h
}

// event builds one webhook event of the harness's user.
func (h *harness) event(typ string, fields map[string]any) map[string]any {
	h.n++
	e := map[string]any{
		"type": typ, "mode": "active", "timestamp": 1668474000000 + h.n,
		"source":          map[string]any{"type": "user", "userId": h.user},
		"webhookEventId":  fmt.Sprintf("01GHWEBHOOK%05d", h.n),
		"deliveryContext": map[string]any{"isRedelivery": false},
		"replyToken":      fmt.Sprintf("reply-%d", h.n),
	}
	for k, v := range fields {
		e[k] = v
	}
	return e
}

func (h *harness) textEvent(text string) map[string]any {
	return h.event("message", map[string]any{"message": map[string]any{"type": "text", "id": strconv.Itoa(h.n), "text": text, "quoteToken": "q"}})
}

func (h *harness) postbackEvent(data string) map[string]any {
	return h.event("postback", map[string]any{"postback": map[string]any{"data": data}})
}

// post signs and sends a webhook body and returns the status.
func (h *harness) post(body []byte, signature string) int {
	h.t.Helper()
	req, _ := http.NewRequest("POST", h.srv.URL, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Line-Signature", signature)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func webhookBody(events ...map[string]any) []byte {
	b, _ := json.Marshal(map[string]any{"destination": "Ubot", "events": events})
	return b
}

// send posts events signed and waits for the one reply or push they cause.
func (h *harness) send(events ...map[string]any) bottest.Request {
	h.t.Helper()
	body := webhookBody(events...)
	if code := h.post(body, bottest.SignLINE(secret, body)); code != http.StatusOK {
		h.t.Fatalf("webhook answered %d", code)
	}
	return h.next()
}

// next waits for the next message call to the API and checks it is valid Messaging API
// JSON within LINE's limits.
func (h *harness) next() bottest.Request {
	h.t.Helper()
	for {
		select {
		case r := <-h.api.Received:
			if !strings.HasPrefix(r.Path, "/v2/bot/message/") {
				continue
			}
			h.quick = validate(h.t, r)
			return r
		case <-time.After(10 * time.Second):
			h.t.Fatal("no message sent to LINE")
		}
	}
}

func (h *harness) say(text string) string { h.t.Helper(); return texts(h.send(h.textEvent(text))) }

func (h *harness) tap(label string) string {
	h.t.Helper()
	data, ok := h.quick[label]
	if !ok {
		h.t.Fatalf("no quick reply %q; have %v", label, h.quick)
	}
	return texts(h.send(h.postbackEvent(data)))
}

// validate checks a reply or push body against the Messaging API's rules (linetest.Decode)
// and returns the quick replies of its last message.
func validate(t *testing.T, r bottest.Request) map[string]string {
	t.Helper()
	_, quick := linetest.Decode(t, r)
	if quick == nil {
		quick = map[string]string{}
	}
	return quick
}

// texts is everything a reply or push says, for assertions.
func texts(r bottest.Request) string {
	var b strings.Builder
	var raw struct{ Messages []map[string]any }
	json.Unmarshal(r.Body, &raw)
	for _, m := range raw.Messages {
		if s, ok := m["text"].(string); ok {
			b.WriteString(s + "\n")
		}
		if s, ok := m["altText"].(string); ok {
			b.WriteString(s + "\n")
		}
	}
	return b.String()
}

func wantContains(t *testing.T, got, want string) {
	t.Helper()
	if !strings.Contains(got, want) {
		t.Fatalf("reply lacks %q:\n%s", want, got)
	}
}

// A whole obstacle report filed through signed webhooks, every reply valid Messaging API
// JSON, the report queued for the desk once.
func TestObstacleReportOverLINE(t *testing.T) {
	h := newHarness(t, nil)
	wantContains(t, texts(h.send(h.event("follow", map[string]any{"follow": map[string]any{"isUnblocked": false}}))), "友だち追加")
	wantContains(t, h.tap("障害を報告"), "どのような障害")
	h.tap("見積額が補助金上限より高い")
	wantContains(t, h.tap("選択を終える"), "導入費用")
	wantContains(t, h.say("65万円"), "業者の名前")
	h.say("さくらシステム")
	h.send(h.event("message", map[string]any{"message": map[string]any{"type": "sticker", "id": "9", "packageId": "1", "stickerId": "1", "stickerResourceType": "STATIC", "quoteToken": "q"}}))
	wantContains(t, h.say("補助金の上限額を超える見積でした"), "施設名")
	h.say("さくら内科クリニック")
	h.say("東京都")
	h.say("1310110049")
	h.tap("診療所")
	h.say("03-1234-5678")
	confirm := h.tap("同意する")
	wantContains(t, confirm, "さくら内科クリニック")
	sent := h.tap("送信する")
	wantContains(t, sent, "受付番号は R-20221115-0001")

	ds, err := h.store.Claim(context.Background(), "test", 10, time.Minute)
	if err != nil || len(ds) != 1 || ds[0].Report == nil {
		t.Fatalf("outbox = %+v, %v; want one report", ds, err)
	}
	r := ds[0].Report
	if r.ID != "R-20221115-0001" || r.Facility != "さくら内科クリニック" || r.Code != "1310110049" || r.Prefecture != "東京都" ||
		!slices.Equal(r.Categories, []string{"over-cap"}) || r.Conversation != "line:"+h.user {
		t.Errorf("report = %+v", r)
	}
	// Every call replied with its own token, never twice with one.
	seen := map[string]bool{}
	for _, req := range h.api.Requests("/v2/bot/message/reply") {
		tok, _ := req.JSON()["replyToken"].(string)
		if seen[tok] {
			t.Errorf("reply token %s used twice", tok)
		}
		seen[tok] = true
	}
}

func TestBadRequests(t *testing.T) {
	h := newHarness(t, nil)
	body := webhookBody(h.textEvent("メニュー"))
	for _, tc := range []struct {
		name string
		body []byte
		sig  string
		want int
	}{
		{"bad signature", body, bottest.SignLINE("another-secret", body), http.StatusUnauthorized},
		{"no signature", body, "", http.StatusUnauthorized},
		{"signature of another body", body, bottest.SignLINE(secret, append(body, ' ')), http.StatusUnauthorized},
		{"malformed JSON", []byte(`{"events":[{"type":`), bottest.SignLINE(secret, []byte(`{"events":[{"type":`)), http.StatusBadRequest},
		{"8 MB body", bytes.Repeat([]byte("x"), 8<<20), "irrelevant", http.StatusRequestEntityTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := h.post(tc.body, tc.sig); got != tc.want {
				t.Fatalf("status %d, want %d", got, tc.want)
			}
		})
	}
	if reqs := h.api.Requests(""); len(reqs) != 0 {
		t.Errorf("refused requests caused %d calls to LINE", len(reqs))
	}
	if convs, _ := h.store.Waiting(context.Background(), 10); len(convs) != 0 {
		t.Errorf("refused requests queued events: %v", convs)
	}
	if l, _ := h.store.Load(context.Background(), "line:"+h.user, ""); l.Session.Version != 0 {
		t.Errorf("refused requests stored a session: %+v", l.Session)
	}
}

// Events LINE may send that the desk does not handle are acknowledged and ignored.
func TestIgnoredEvents(t *testing.T) {
	h := newHarness(t, nil)
	group := h.textEvent("メニュー")
	group["source"] = map[string]any{"type": "group", "groupId": "G1", "userId": h.user}
	body := webhookBody(
		h.event("beacon", map[string]any{"beacon": map[string]any{"hwid": "1", "type": "enter"}}),
		h.event("somethingNew", map[string]any{"x": 1}),
		group,
	)
	if code := h.post(body, bottest.SignLINE(secret, body)); code != http.StatusOK {
		t.Fatalf("status %d, want 200", code)
	}
	wantContains(t, h.say("メニュー"), "ご用件")
	if n := len(h.api.Requests("/v2/bot/message/reply")); n != 1 {
		t.Errorf("%d replies, want 1 (only to the user's own message)", n)
	}
}

// A redelivered event gets no second reply.
func TestRedelivery(t *testing.T) {
	h := newHarness(t, nil)
	ev := h.textEvent("メニュー")
	h.send(ev)
	ev["deliveryContext"] = map[string]any{"isRedelivery": true}
	body := webhookBody(ev)
	if code := h.post(body, bottest.SignLINE(secret, body)); code != http.StatusOK {
		t.Fatalf("redelivery answered %d", code)
	}
	h.say("メニュー") // a later message is answered, and only it
	if n := len(h.api.Requests("/v2/bot/message/reply")); n != 2 {
		t.Fatalf("%d replies, want 2: the redelivery must not be answered", n)
	}
}

// A refused reply token falls back to push, with a retry key kept across retries, once.
func TestReplyRefusedThenPush(t *testing.T) {
	h := newHarness(t, nil)
	h.api.Script("/v2/bot/message/reply", bottest.Response{Status: 400, Body: `{"message":"Invalid reply token"}`})
	h.api.Script("/v2/bot/message/push", bottest.Response{Status: 500, Body: `{"message":"oops"}`}, bottest.Response{Status: 500, Body: `{}`})
	reply := h.send(h.textEvent("メニュー"))
	if reply.Path != "/v2/bot/message/reply" {
		t.Fatalf("first call %s, want the reply", reply.Path)
	}
	var keys []string
	for range 3 {
		p := h.next()
		if p.Path != "/v2/bot/message/push" || p.JSON()["to"] != h.user {
			t.Fatalf("call %s to %v, want a push to the user", p.Path, p.JSON()["to"])
		}
		keys = append(keys, p.Header.Get("X-Line-Retry-Key"))
	}
	if keys[0] == "" || keys[0] != keys[1] || keys[1] != keys[2] {
		t.Fatalf("retry keys %v: want one key on every retry", keys)
	}
	h.say("メニュー") // the next exchange replies normally, so nothing else was pushed before it
	if n := len(h.api.Requests("/v2/bot/message/push")); n != 3 {
		t.Fatalf("%d pushes, want 3 (two failures and one success)", n)
	}
}

// A push LINE already accepted (409 for a retry key) is not sent again.
func TestPushConflictIsSuccess(t *testing.T) {
	h := newHarness(t, nil)
	h.api.Script("/v2/bot/message/reply", bottest.Response{Status: 400, Body: `{"message":"Invalid reply token"}`})
	h.api.Script("/v2/bot/message/push", bottest.Response{Status: 409, Body: `{"message":"already accepted"}`})
	h.send(h.textEvent("メニュー"))
	h.next()
	h.say("メニュー")
	if n := len(h.api.Requests("/v2/bot/message/push")); n != 1 {
		t.Fatalf("%d pushes, want 1", n)
	}
}

// counter answers each text with how many texts its conversation has sent.
type counter struct{}

func (counter) Decide(_ context.Context, t *bot.Turn) (bot.Outcome, error) {
	n, _ := strconv.Atoi(t.Session.Answers["n"])
	t.Session.Flow = "count"
	t.Session.Set("n", strconv.Itoa(n+1))
	return bot.Outcome{Messages: []bot.Message{{Text: t.Event.Text + "=" + strconv.Itoa(n+1)}}}, nil
}

// Events of one user arriving in two concurrent requests are applied in order: each
// request's events in the order they were sent, every event once.
func TestConcurrentRequestsInOrder(t *testing.T) {
	h := newHarness(t, counter{})
	var bodies [][]byte
	for r := range 2 {
		var evs []map[string]any
		for i := range 10 {
			evs = append(evs, h.textEvent(fmt.Sprintf("r%d-%d", r, i)))
		}
		bodies = append(bodies, webhookBody(evs...))
	}
	var wg sync.WaitGroup
	for _, b := range bodies {
		wg.Go(func() {
			if code := h.post(b, bottest.SignLINE(secret, b)); code != http.StatusOK {
				t.Errorf("status %d", code)
			}
		})
	}
	wg.Wait()
	got := map[string]int{}
	for len(got) < 20 {
		r := h.next()
		for _, line := range strings.Split(strings.TrimSpace(texts(r)), "\n") {
			ev, n, _ := strings.Cut(line, "=")
			v, _ := strconv.Atoi(n)
			if _, dup := got[ev]; dup {
				t.Fatalf("event %s answered twice", ev)
			}
			got[ev] = v
		}
	}
	values := map[int]bool{}
	for r := range 2 {
		last := 0
		for i := range 10 {
			v := got[fmt.Sprintf("r%d-%d", r, i)]
			if v <= last {
				t.Fatalf("request %d: event %d applied as #%d after #%d: out of order (%v)", r, i, v, last, got)
			}
			last = v
			values[v] = true
		}
	}
	if len(values) != 20 {
		t.Fatalf("counter values %v, want 1..20 each once", values)
	}
}

// Unfollow drops the conversation's session.
func TestUnfollowDropsSession(t *testing.T) {
	h := newHarness(t, nil)
	h.say("メニュー")
	h.tap("見積チェック")
	if l, _ := h.store.Load(context.Background(), "line:"+h.user, ""); l.Session.Flow != "checklist" {
		t.Fatalf("flow %q, want checklist", l.Session.Flow)
	}
	body := webhookBody(h.event("unfollow", nil))
	if code := h.post(body, bottest.SignLINE(secret, body)); code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	if l, _ := h.store.Load(context.Background(), "line:"+h.user, ""); l.Session.Version != 0 {
		t.Fatalf("session kept after unfollow: %+v", l.Session)
	}
}

// Nothing a clinic wrote, no user id, token or secret reaches the log, even at debug
// level and through failures (a refused reply token, a failing push, a bad signature).
func TestLogsCarryNoPersonalData(t *testing.T) {
	var buf bottest.LogBuffer
	log := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h := newHarnessLog(t, nil, log)
	h.api.Script("/v2/bot/message/reply", bottest.Response{Status: 400, Body: `{"message":"Invalid reply token"}`})
	h.api.Script("/v2/bot/message/push", bottest.Response{Status: 500, Body: `{"message":"oops"}`})
	h.send(h.textEvent("メニュー"))
	h.next()
	h.next()
	h.tap("障害を報告")
	h.tap("その他")
	h.tap("選択を終える")
	h.say("受付の山田花子さんが困っています")
	h.say("さくら内科クリニック")
	h.say("東京都")
	h.say("1310110049")
	h.tap("診療所")
	h.say("03-1234-5678")
	h.tap("同意する")
	h.tap("送信する")
	body := webhookBody(h.textEvent("偽の署名の本文"))
	h.post(body, bottest.SignLINE("wrong", body))
	logged := buf.String()
	if !strings.Contains(logged, "LINE reply refused") {
		t.Fatalf("the test did not exercise the failure paths; log:\n%s", logged)
	}
	for _, secretThing := range []string{h.user, "山田花子", "さくら内科クリニック", "03-1234-5678", "0312345678", "1310110049",
		"偽の署名", "reply-1", secret, "Bearer", "token\""} {
		if strings.Contains(logged, secretThing) {
			t.Errorf("the log contains %q:\n%s", secretThing, logged)
		}
	}
}

// A push LINE keeps failing is given up after the sender's attempts, with no more calls.
func TestPushGivesUp(t *testing.T) {
	h := newHarness(t, nil)
	h.api.Script("/v2/bot/message/reply", bottest.Response{Status: 400, Body: `{"message":"Invalid reply token"}`})
	fail := bottest.Response{Status: 503, Body: `{"message":"unavailable"}`}
	h.api.Script("/v2/bot/message/push", fail, fail, fail, fail)
	h.send(h.textEvent("メニュー"))
	for range 4 {
		if p := h.next(); p.Path != "/v2/bot/message/push" {
			t.Fatalf("call %s, want a push", p.Path)
		}
	}
	wantContains(t, h.say("メニュー"), "ご用件")
	if n := len(h.api.Requests("/v2/bot/message/push")); n != 4 {
		t.Fatalf("%d pushes, want 4 (the sender's attempts) and then none", n)
	}
}

// blocking is a brain that holds its turn until released: a slow turn.
type blocking struct{ release chan struct{} }

func (b blocking) Decide(ctx context.Context, t *bot.Turn) (bot.Outcome, error) {
	select {
	case <-b.release:
	case <-ctx.Done():
		return bot.Outcome{}, ctx.Err()
	}
	return bot.Outcome{Messages: []bot.Message{{Text: "お待たせしました"}}}, nil
}

// A slow turn shows the loading animation to the user while it runs, then replies.
func TestLoadingAnimation(t *testing.T) {
	release := make(chan struct{})
	h := newHarness(t, blocking{release})
	h.handler.LoadingAfter = time.Millisecond
	body := webhookBody(h.textEvent("見積の件です"))
	done := make(chan int, 1)
	go func() { done <- h.post(body, bottest.SignLINE(secret, body)) }()
	select {
	case r := <-h.api.Received:
		if r.Path != "/v2/bot/chat/loading/start" || r.JSON()["chatId"] != h.user || r.JSON()["loadingSeconds"] != float64(20) {
			t.Fatalf("first call %s %s, want the loading animation for the user", r.Path, r.Body)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no loading animation while the turn was slow")
	}
	close(release)
	if code := <-done; code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	wantContains(t, texts(h.next()), "お待たせしました")
}

// An event older than the dedupe window (a captured body replayed after the store forgot
// its id) is refused: answered 200 so LINE stops, logged, and never applied.
func TestOldEventRefused(t *testing.T) {
	var buf bottest.LogBuffer
	h := newHarnessLog(t, nil, slog.New(slog.NewJSONHandler(&buf, nil)))
	ev := h.textEvent("メニュー")
	ev["timestamp"] = time.Date(2022, 11, 13, 9, 59, 0, 0, bot.JST).UnixMilli() // 48h01m before the harness's now
	body := webhookBody(ev)
	if code := h.post(body, bottest.SignLINE(secret, body)); code != http.StatusOK {
		t.Fatalf("old event answered %d, want 200", code)
	}
	if !strings.Contains(buf.String(), "older than the dedupe window") {
		t.Fatalf("no log line for the refused event:\n%s", buf.String())
	}
	wantContains(t, h.say("メニュー"), "ご用件") // the next, fresh event is answered, and it is the first
	if n := len(h.api.Requests("/v2/bot/message/reply")); n != 1 {
		t.Fatalf("%d replies, want 1: the old event must not be applied", n)
	}
}
