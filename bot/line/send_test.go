package line_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"deskbot/bot"
	"deskbot/bot/bottest"
	"deskbot/bot/line"
	"deskbot/store"
)

// sent is one message call the fake API below received.
type sent struct {
	path, text, retryKey string
}

// slowAPI is a fake Messaging API whose handler the test supplies, counting the TCP
// connections the sender opens to it.
type slowAPI struct {
	*httptest.Server
	conns atomic.Int32
}

func newSlowAPI(t *testing.T, serve func(sent)) *slowAPI {
	t.Helper()
	api := &slowAPI{}
	api.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Messages []struct {
				Text string `json:"text"`
			} `json:"messages"`
		}
		b, _ := io.ReadAll(r.Body)
		json.Unmarshal(b, &body)
		s := sent{path: r.URL.Path, retryKey: r.Header.Get("X-Line-Retry-Key")}
		if len(body.Messages) > 0 {
			s.text = body.Messages[0].Text
		}
		serve(s)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, "{}")
	}))
	api.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			api.conns.Add(1)
		}
	}
	api.Start()
	t.Cleanup(api.Close)
	return api
}

// webhook is the LINE webhook with the counter brain, sending to apiURL with the
// sender's own default client; done gets a value when a request's handler returned,
// its replies sent.
type webhook struct {
	t      *testing.T
	srv    *httptest.Server
	sender *line.Sender
	done   chan struct{}
	n      atomic.Int32
}

func newWebhook(t *testing.T, apiURL string) *webhook {
	t.Helper()
	return newWebhookWrapped(t, apiURL, func(e line.Engine) line.Engine { return e })
}

// newWebhookWrapped is newWebhook with the engine as wrap returns it.
func newWebhookWrapped(t *testing.T, apiURL string, wrap func(line.Engine) line.Engine) *webhook {
	t.Helper()
	wh := &webhook{t: t, sender: newSender(t, apiURL, quiet), done: make(chan struct{}, 1024)}
	engine := bot.NewEngine(bot.Config{Store: store.NewMemory(nil), Brain: counter{}, Log: quiet, Deliver: wh.sender.Deliver})
	h := line.NewHandler(secret, wrap(engine), wh.sender, quiet)
	h.LoadingAfter, h.MaxAge = 0, 0
	wh.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r)
		wh.done <- struct{}{}
	}))
	t.Cleanup(func() { wh.srv.Close(); wh.sender.Close() })
	return wh
}

// say posts one text event of user and checks the webhook answers 200.
func (wh *webhook) say(user, text string) {
	if code := wh.post(user, text); code != http.StatusOK {
		wh.t.Errorf("webhook answered %d", code)
	}
}

// post posts one body of text events, a user and a text each, and returns the status.
func (wh *webhook) post(userText ...string) int {
	var events []any
	for i := 0; i+1 < len(userText); i += 2 {
		n := wh.n.Add(1)
		events = append(events, map[string]any{
			"type": "message", "mode": "active", "timestamp": 1668474000000 + int(n),
			"source":         map[string]any{"type": "user", "userId": userText[i]},
			"webhookEventId": fmt.Sprintf("01GHSEND%06d", n), "replyToken": fmt.Sprintf("reply-%d", n),
			"message": map[string]any{"type": "text", "id": fmt.Sprint(n), "text": userText[i+1]},
		})
	}
	body, _ := json.Marshal(map[string]any{"destination": "Ubot", "events": events})
	req, _ := http.NewRequest("POST", wh.srv.URL, strings.NewReader(string(body)))
	req.Header.Set("X-Line-Signature", bottest.SignLINE(secret, body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		wh.t.Error(err)
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// failing fails the events whose text is fail.
type failing struct {
	line.Engine
	fail string
}

func (f failing) Handle(ctx context.Context, ev bot.Event) ([]bot.Message, error) {
	if ev.Text == f.fail {
		return nil, errors.New("store down")
	}
	return f.Engine.Handle(ctx, ev)
}

// A webhook whose second event fails answers 500, and the reply to its first event,
// applied, is still sent, once.
// newSender returns a sender to the fake Messaging API at apiURL.
func newSender(t *testing.T, apiURL string, log *slog.Logger) *line.Sender {
	t.Helper()
	s, err := line.NewSender("token", apiURL, nil, log)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// A sender that cannot build its client says why instead of panicking.
func TestNewSenderRefusesBadConfig(t *testing.T) {
	for _, tc := range []struct{ name, token, endpoint string }{
		{"no token", "", "http://127.0.0.1:1"},
		{"relative endpoint", "token", "api.line.me"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := line.NewSender(tc.token, tc.endpoint, nil, quiet)
			if err == nil || s != nil {
				t.Fatalf("NewSender(%q, %q) = %v, %v; want an error", tc.token, tc.endpoint, s, err)
			}
		})
	}
}

func TestReplySentWhenLaterEventFails(t *testing.T) {
	arrived := make(chan string, 8)
	api := newSlowAPI(t, func(s sent) { arrived <- s.text })
	wh := newWebhookWrapped(t, api.URL, func(e line.Engine) line.Engine { return failing{e, "boom"} })
	if code := wh.post("Uapplied", "a", "Ufailed", "boom"); code != http.StatusInternalServerError {
		t.Fatalf("webhook answered %d, want 500", code)
	}
	receive(t, wh.done, "the webhook")
	wh.sender.Close()
	if got := receive(t, arrived, "the reply to the applied event"); got != "a=1" {
		t.Fatalf("reply %q, want a=1", got)
	}
	if len(arrived) != 0 {
		t.Fatalf("more sent than the one reply: %q", <-arrived)
	}
}

func receive[T any](t *testing.T, c <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-c:
		return v
	case <-time.After(10 * time.Second):
		t.Fatalf("waited in vain for %s", what)
		panic("unreachable")
	}
}

// A reply is sent as soon as the webhook is answered, not behind other clinics' messages:
// while LINE is slow to take one clinic's reply, 32 other clinics get theirs (a queue
// shared by shards of clinics would hold most behind it), and that clinic's next reply
// waits behind its first, so it gets them in order.
func TestReplySentAtOnceInOrder(t *testing.T) {
	held, release := make(chan struct{}, 1), make(chan struct{})
	arrived := make(chan string, 64)
	api := newSlowAPI(t, func(s sent) {
		if s.text == "a1=1" {
			held <- struct{}{}
			<-release
		}
		arrived <- s.text
	})
	wh := newWebhook(t, api.URL)
	var once sync.Once
	unhold := func() { once.Do(func() { close(release) }) }
	t.Cleanup(unhold)

	wh.say("Uslow", "a1")
	receive(t, held, "the first reply of the slow clinic") // and the webhook answered already
	wh.say("Uslow", "a2")
	const others = 32
	for i := range others {
		wh.say(fmt.Sprintf("Uother%02d", i), "b")
	}
	for range others {
		if got := receive(t, arrived, "the other clinics' replies"); got != "b=1" {
			t.Fatalf("while the slow clinic's first reply is held, %q arrived; want only the other clinics' b=1", got)
		}
	}
	unhold()
	for _, want := range []string{"a1=1", "a2=2"} {
		if got := receive(t, arrived, "the slow clinic's replies"); got != want {
			t.Fatalf("the slow clinic got %q, want %q: out of order", got, want)
		}
	}
}

// Replies sent at once under load reuse the sender's idle connections: eight clinics
// whose replies are in flight together, three times over, open eight connections, not
// eight and then six more each round (the default transport keeps two idle).
func TestRepliesReuseConnections(t *testing.T) {
	const clinics, rounds = line.Workers, 3
	var (
		mu      sync.Mutex
		waiting int
		gate    = make(chan struct{})
	)
	api := newSlowAPI(t, func(sent) {
		// A barrier: every reply of a round waits until all are in flight at once.
		mu.Lock()
		waiting++
		g := gate
		if waiting == clinics {
			waiting, gate = 0, make(chan struct{})
			close(g)
		}
		mu.Unlock()
		<-g
	})
	wh := newWebhook(t, api.URL)
	for r := range rounds {
		var wg sync.WaitGroup
		for c := range clinics {
			wg.Go(func() { wh.say(fmt.Sprintf("Uclinic%02d", c), fmt.Sprint(r)) })
		}
		wg.Wait()
		for range clinics {
			receive(t, wh.done, "the webhooks of a round")
		}
		wh.sender.Wait() // and their replies: the connections are idle again
	}
	if n := api.conns.Load(); n != clinics {
		t.Fatalf("%d connections opened for %d rounds of %d replies at once, want %d", n, rounds, clinics, clinics)
	}
}

// The replies of one request after another are sent by one goroutine, which waits for
// the next request's replies instead of ending (a new one would grow its stack again),
// and Close ends it.
func TestRepliesSentByOneWaitingGoroutine(t *testing.T) {
	api := newSlowAPI(t, func(sent) {})
	wh := newWebhook(t, api.URL)
	for i := range 5 {
		wh.say("Uclinic", fmt.Sprint(i))
		receive(t, wh.done, "the webhook")
		wh.sender.Wait()
		if n := replySenders(); n != 1 {
			t.Fatalf("after request %d: %d goroutines sending replies, want the one", i+1, n)
		}
	}
	wh.sender.Close()
	if n := replySenders(); n != 0 {
		t.Fatalf("after Close: %d goroutines sending replies, want none", n)
	}
}

// replySenders counts the goroutines that send webhook requests' replies.
func replySenders() int {
	buf := make([]byte, 1<<22)
	buf = buf[:runtime.Stack(buf, true)]
	return strings.Count(string(buf), "line.(*Sender).sendReplies(")
}

// The one shared client serves calls with contexts of their own at once: a push from the
// outbox whose context is cancelled fails and sends nothing, while the others, and the
// replies sent meanwhile, go through, each push with its notice's retry key.
func TestSharedClientKeepsContextsApart(t *testing.T) {
	var (
		mu     sync.Mutex
		pushes = map[string]string{} // retry key → text
	)
	api := newSlowAPI(t, func(s sent) {
		if s.path == "/v2/bot/message/push" {
			mu.Lock()
			pushes[s.retryKey] = s.text
			mu.Unlock()
		}
	})
	wh := newWebhook(t, api.URL)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	live, stop := context.WithCancel(context.Background())
	defer stop()
	const n = 16
	var wg sync.WaitGroup
	for i := range n {
		notice := func(text string) bot.Delivery {
			return bot.Delivery{Notice: bot.Notice{ID: fmt.Sprintf("6f9619ff-8b86-4011-b42d-00c04fc964%02d", i*2+len(text)%2),
				Kind: bot.NoticeLINEPush, Conversation: fmt.Sprintf("line:Upush%02d", i), Messages: []bot.Message{{Text: text}}}}
		}
		wg.Go(func() {
			if err := wh.sender.Notify(cancelled, notice("dropped")); err == nil {
				t.Errorf("a push under a cancelled context succeeded")
			}
		})
		wg.Go(func() {
			if err := wh.sender.Notify(live, notice("kept")); err != nil {
				t.Errorf("push: %v", err)
			}
		})
		wg.Go(func() { wh.say(fmt.Sprintf("Ureply%02d", i), "r") })
	}
	wg.Wait()
	for range n {
		receive(t, wh.done, "the replies")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(pushes) != n {
		t.Fatalf("%d pushes arrived, want %d: %v", len(pushes), n, pushes)
	}
	for i := range n {
		key := fmt.Sprintf("6f9619ff-8b86-4011-b42d-00c04fc964%02d", i*2)
		if pushes[key] != "kept" {
			t.Fatalf("push with retry key %s: %q, want the notice's own text", key, pushes[key])
		}
	}
}

// A reply, which the sender posts itself, is the request the SDK's client sends for the
// same messages: the same path, headers and body, byte for byte — texts with characters
// JSON escapes, quick replies, a card, a text in parts — and LINE's refusal still turns
// it into a push.
func TestReplyIsTheSDKRequest(t *testing.T) {
	api := bottest.NewLINEAPI(t)
	s := newSender(t, api.URL+"/base/", quiet)
	defer s.Close()
	sdk, err := messaging_api.NewMessagingApiAPI("token", messaging_api.WithEndpoint(api.URL+"/base/"))
	if err != nil {
		t.Fatal(err)
	}
	card := &bot.Card{Title: "見積チェックの結果", Rows: []bot.Field{{Label: "業者", Value: `<さくら&"システム">`}},
		Notes: []string{"補助金上限額より高い"}}
	choices := []bot.Choice{{Label: "診療所", Value: "facility:clinic"}, {Label: `<&">`, Value: `{"json":"in a value"}`},
		{Label: strings.Repeat("長いラベル", 10), Value: "long"}}
	for i, msgs := range [][]bot.Message{
		{{Text: "はい"}},
		{{Text: "「見積チェック」を始めます。\n施設の種類を選んでください。", Choices: choices}},
		{{Text: "😀 \u2028 <b>&\"quotes\"\\</b> \x00"}, {Card: card, Choices: choices}, {Card: card, Text: "要約"}},
		{{Text: strings.Repeat("長", 12_000), Choices: choices}},
	} {
		token := fmt.Sprintf("reply-%d", i)
		s.Send(bot.Event{Conversation: "line:U1", Reply: token}, msgs, time.Now())
		got := <-api.Received
		rendered, err := line.Render(msgs)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := sdk.ReplyMessageWithHttpInfo(&messaging_api.ReplyMessageRequest{ReplyToken: token, Messages: rendered[:min(len(rendered), 5)]}); err != nil {
			t.Fatal(err)
		}
		want := <-api.Received
		if got.Method != want.Method || got.Path != want.Path || !bytes.Equal(got.Body, want.Body) {
			t.Errorf("messages %d: sender sent %s %s\n%s\nthe SDK %s %s\n%s", i, got.Method, got.Path, got.Body, want.Method, want.Path, want.Body)
		}
		for _, h := range []string{"Content-Type", "Authorization", "User-Agent", "Content-Length"} {
			if got.Header.Get(h) != want.Header.Get(h) {
				t.Errorf("messages %d: %s is %q, the SDK sends %q", i, h, got.Header.Get(h), want.Header.Get(h))
			}
		}
	}
	api.Script("/base/v2/bot/message/reply", bottest.Response{Status: 400, Body: `{"message":"Invalid reply token"}`})
	s.Send(bot.Event{Conversation: "line:U1", Reply: "spent"}, []bot.Message{{Text: "はい"}}, time.Now())
	if r := <-api.Received; r.Path != "/base/v2/bot/message/reply" {
		t.Fatalf("first call to %s, want the reply", r.Path)
	}
	if r := <-api.Received; r.Path != "/base/v2/bot/message/push" || texts(r) != "はい\n" {
		t.Fatalf("after a refused reply: %s %q, want the push of はい", r.Path, texts(r))
	}
}
