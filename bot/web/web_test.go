package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"deskbot/bot"
	"deskbot/bot/web"
)

const clinicA = "clinicA0123456789abcdef"
const clinicB = "clinicB0123456789abcdef"

func TestPageAndFiles(t *testing.T) {
	e := newEmulator(t, web.Config{})
	for _, tc := range []struct{ path, want, ctype string }{
		{"/", `<html lang="ja">`, "text/html"},
		{"/emulator", `<nav id="richmenu"`, "text/html"},
		{"/emulator/static/app.js", "sessionStorage", "text/javascript"},
		{"/emulator/static/style.css", ".quick button", "text/css"},
	} {
		req, _ := http.NewRequest("GET", e.srv.URL+tc.path, nil)
		resp, err := e.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), tc.ctype) {
			t.Errorf("GET %s: %d %s", tc.path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if code, body := e.do("GET", tc.path, "", nil); code != 200 || !strings.Contains(body, tc.want) {
			t.Errorf("GET %s: %d, body without %q", tc.path, code, tc.want)
		}
	}
	for _, p := range []string{"/elsewhere", "/emulator/static/nothing.js", "/webhooks/line"} {
		if code, _ := e.do("GET", p, "", nil); code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, code)
		}
	}
}

// With a token, nothing of the emulator answers without it; ?token= sets a cookie and
// takes the token out of the address.
func TestTokenRequired(t *testing.T) {
	e := newEmulator(t, web.Config{Token: "s3cret-token"})
	e.srv.Client().CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	body, _ := json.Marshal(web.Input{Clinic: clinicA, Kind: "follow"})
	for _, tc := range []struct {
		method, path string
		header       []string
		code         int
	}{
		{"GET", "/", nil, 401},
		{"GET", "/emulator/static/app.js", nil, 401},
		{"GET", "/emulator/api/feed?clinic=" + clinicA + "&after=0", nil, 401},
		{"POST", "/emulator/api/send", nil, 401},
		{"GET", "/?token=wrong", nil, 401},
		{"POST", "/emulator/api/send", []string{"Authorization", "Bearer wrong"}, 401},
		{"GET", "/emulator", []string{"Cookie", web.TokenCookie + "=wrong"}, 401},
		{"GET", "/emulator?token=s3cret-token", nil, 303},
		{"POST", "/emulator/api/send", []string{"Authorization", "Bearer s3cret-token"}, 200},
		{"GET", "/emulator", []string{"Cookie", web.TokenCookie + "=s3cret-token"}, 200},
	} {
		code, _ := e.do(tc.method, tc.path, "application/json", body, tc.header...)
		if code != tc.code {
			t.Errorf("%s %s %v: %d, want %d", tc.method, tc.path, tc.header, code, tc.code)
		}
	}
	req, _ := http.NewRequest("GET", e.srv.URL+"/emulator?token=s3cret-token", nil)
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	c := resp.Cookies()
	if loc := resp.Header.Get("Location"); loc != "/emulator" || len(c) != 1 || c[0].Value != "s3cret-token" || !c[0].HttpOnly || c[0].SameSite != http.SameSiteStrictMode {
		t.Errorf("?token= answered Location %q, cookies %+v", loc, c)
	}
	if strings.Contains(e.log.String(), "s3cret-token") {
		t.Error("the token reached the log")
	}
}

// Beside real channels without a token, only straight loopback requests get in; and no
// request signed for LINE or Slack ever does.
func TestOnlyWhoBelongs(t *testing.T) {
	e := newEmulator(t, web.Config{LoopbackOnly: true})
	for _, tc := range []struct {
		remote string
		header []string
		code   int
	}{
		{"127.0.0.1:5555", nil, 200},
		{"[::1]:5555", nil, 200},
		{"192.0.2.7:5555", nil, 403},
		{"127.0.0.1:5555", []string{"X-Forwarded-For", "192.0.2.7"}, 403},
		{"127.0.0.1:5555", []string{"Forwarded", "for=192.0.2.7"}, 403},
		{"127.0.0.1:5555", []string{"X-Line-Signature", "c2ln"}, 403},
		{"127.0.0.1:5555", []string{"X-Slack-Signature", "v0=abc"}, 403},
	} {
		req := httptest.NewRequest("GET", "/emulator", nil)
		req.RemoteAddr = tc.remote
		for i := 0; i+1 < len(tc.header); i += 2 {
			req.Header.Set(tc.header[i], tc.header[i+1])
		}
		w := httptest.NewRecorder()
		e.h.ServeHTTP(w, req)
		if w.Code != tc.code {
			t.Errorf("from %s %v: %d, want %d", tc.remote, tc.header, w.Code, tc.code)
		}
	}
}

// Bad input gets a 4xx with a reason, and nothing reaches the engine.
func TestBadInputRefused(t *testing.T) {
	e := newEmulator(t, web.Config{})
	big := `{"clinic":"` + clinicA + `","kind":"text","text":"` + strings.Repeat("あ", web.MaxBody) + `"}`
	for _, tc := range []struct {
		name, path, ctype, body string
		code                    int
	}{
		{"oversized", "send", "application/json", big, 413},
		{"not JSON", "send", "application/json", `kind=text`, 400},
		{"form post", "send", "application/x-www-form-urlencoded", `{"clinic":"` + clinicA + `","kind":"follow"}`, 415},
		{"unknown field", "send", "application/json", `{"clinic":"` + clinicA + `","kind":"follow","admin":true}`, 400},
		{"two objects", "send", "application/json", `{"clinic":"` + clinicA + `","kind":"follow"}{}`, 400},
		{"short clinic", "send", "application/json", `{"clinic":"abc","kind":"follow"}`, 400},
		{"clinic with a slash", "send", "application/json", `{"clinic":"../../0123456789abcdef","kind":"follow"}`, 400},
		{"unknown kind", "send", "application/json", `{"clinic":"` + clinicA + `","kind":"admin"}`, 400},
		{"empty text", "send", "application/json", `{"clinic":"` + clinicA + `","kind":"text","text":"  "}`, 400},
		{"too long text", "send", "application/json", `{"clinic":"` + clinicA + `","kind":"text","text":"` + strings.Repeat("a", 5001) + `"}`, 400},
		{"invalid UTF-8", "send", "application/json", "{\"clinic\":\"" + clinicA + "\",\"kind\":\"text\",\"text\":\"\xff\"}", 400},
		{"tap without value", "send", "application/json", `{"clinic":"` + clinicA + `","kind":"tap","label":"はい"}`, 400},
		{"tap with a huge value", "send", "application/json", `{"clinic":"` + clinicA + `","kind":"tap","label":"はい","value":"` + strings.Repeat("v", 301) + `"}`, 400},
		{"desk close without a handoff", "send", "application/json", `{"clinic":"` + clinicA + `","kind":"desk-close"}`, 409},
		{"clock in words", "clock", "application/json", `{"clinic":"` + clinicA + `","now":"tomorrow"}`, 400},
		{"clock with a kind", "clock", "application/json", `{"clinic":"` + clinicA + `","kind":"text","now":""}`, 400},
	} {
		code, body := e.do("POST", "/emulator/api/"+tc.path, tc.ctype, []byte(tc.body))
		if code != tc.code || strings.TrimSpace(body) == "" {
			t.Errorf("%s: %d %q, want %d with a reason", tc.name, code, body, tc.code)
		}
	}
	for _, q := range []string{"", "?clinic=" + clinicA, "?clinic=" + clinicA + "&after=-1", "?clinic=x&after=0", "?clinic=" + clinicA + "&after=zz"} {
		if code, _ := e.do("GET", "/emulator/api/feed"+q, "", nil); code != 400 {
			t.Errorf("feed%s: %d, want 400", q, code)
		}
	}
	if code, _ := e.do("GET", "/emulator/api/transcript?clinic=../x", "", nil); code != 400 {
		t.Errorf("transcript of a bad clinic: %d, want 400", code)
	}
	if code, _ := e.do("GET", "/emulator/api/send", "", nil); code != 405 {
		t.Errorf("GET send: %d, want 405", code)
	}
	// Nothing of it reached the engine: no conversation was started.
	if l, err := e.store.Load(t.Context(), web.ConversationPrefix+clinicA, ""); err != nil || l.Session.Version != 0 {
		t.Errorf("a refused request reached the store: %+v %v", l.Session, err)
	}
}

// Two tabs are two clinics: what one says never shows in the other, and the notices of
// each go to its own desk pane and never to the real desk.
func TestTabsAreClinics(t *testing.T) {
	e := newEmulator(t, web.Config{})
	e.post("send", web.Input{Clinic: clinicA, Kind: "follow"})
	e.post("send", web.Input{Clinic: clinicB, Kind: "follow"})
	e.post("send", web.Input{Clinic: clinicA, Kind: "text", Text: "窓口"})
	e.post("send", web.Input{Clinic: clinicA, Kind: "text", Text: "見積の内訳の見方を教えてください"})
	e.drain()
	a, b := e.feed(clinicA, 0), e.feed(clinicB, 0)
	if !strings.Contains(a.botText(), "担当者に伝えました") || strings.Contains(b.botText(), "担当者に伝えました") {
		t.Errorf("tab A said:\n%s\ntab B said:\n%s", a.botText(), b.botText())
	}
	notices := func(f feed) (n []string) {
		for _, it := range f.Items {
			if it.Notice != nil {
				n = append(n, it.Notice.Kind+" "+it.Notice.Text)
			}
		}
		return n
	}
	if got := notices(a); len(got) != 1 || got[0] != "handoff 見積の内訳の見方を教えてください" {
		t.Errorf("desk pane A: %q", got)
	}
	if got := notices(b); len(got) != 0 {
		t.Errorf("desk pane B: %q", got)
	}
	if !a.Open || a.Thread == "" || b.Thread != "" {
		t.Errorf("handoff open: A %v %q, B %q", a.Open, a.Thread, b.Thread)
	}
	if got := e.desk.got(); len(got) != 0 {
		t.Errorf("the real desk was told of a rehearsal: %+v", got)
	}
	if strings.Contains(e.log.String(), "見積の内訳") {
		t.Error("a message body reached the log")
	}
}

// The emulator's notifier is idempotent, as notifiers must be, and passes the notices of
// other channels to the real desk untouched.
func TestNotifierRouting(t *testing.T) {
	e := newEmulator(t, web.Config{})
	e.post("send", web.Input{Clinic: clinicA, Kind: "follow"})
	n := e.h.Notifier(e.desk)
	mine := bot.Delivery{Notice: bot.Notice{ID: "H-1", Kind: bot.NoticeHandoff, Thread: "H-1", Conversation: web.ConversationPrefix + clinicA, Text: "質問"}}
	for range 3 {
		if err := n.Notify(t.Context(), mine); err != nil {
			t.Fatal(err)
		}
	}
	gone := bot.Delivery{Notice: bot.Notice{ID: "H-2", Kind: bot.NoticeHandoff, Conversation: web.ConversationPrefix + clinicB}}
	if err := n.Notify(t.Context(), gone); err != nil {
		t.Fatalf("a notice of a tab never opened: %v", err)
	}
	line := bot.Delivery{Notice: bot.Notice{ID: "R-1", Kind: bot.NoticeReport, Conversation: "line:U1"}}
	if err := n.Notify(t.Context(), line); err != nil {
		t.Fatal(err)
	}
	count := 0
	for _, it := range e.feed(clinicA, 0).Items {
		if it.Notice != nil {
			count++
		}
	}
	if count != 1 {
		t.Errorf("a notice delivered 3 times shows %d times", count)
	}
	if got := e.desk.got(); len(got) != 1 || got[0].ID != "R-1" {
		t.Errorf("the real desk got %+v, want the LINE report only", got)
	}
}

// A reply the engine delivers later — the event was applied for another call — reaches
// the tab of its conversation; replies of other channels go to the next deliverer.
func TestDeliverRoutes(t *testing.T) {
	e := newEmulator(t, web.Config{})
	e.post("send", web.Input{Clinic: clinicA, Kind: "follow"})
	var passed []bot.Event
	deliver := e.h.Deliver(func(_ context.Context, ev bot.Event, _ []bot.Message) { passed = append(passed, ev) })
	later := []bot.Message{{Text: "あとから届いた返事", Choices: []bot.Choice{{Label: "はい", Value: "ans:x:yes"}}}}
	deliver(t.Context(), bot.Event{ID: "web:late", Conversation: web.ConversationPrefix + clinicA}, later)
	deliver(t.Context(), bot.Event{ID: "web:gone", Conversation: web.ConversationPrefix + clinicB}, later)
	deliver(t.Context(), bot.Event{ID: "e1", Conversation: "line:U1"}, later)
	f := e.feed(clinicA, 0)
	if !strings.Contains(f.botText(), "あとから届いた返事") || f.lastChoices()["はい"] != "ans:x:yes" {
		t.Errorf("tab A shows:\n%s", f.botText())
	}
	if strings.Contains(e.feed(clinicB, 0).botText(), "あとから") {
		t.Error("a reply of a tab the emulator did not have was shown to a new one")
	}
	if len(passed) != 1 || passed[0].ID != "e1" {
		t.Errorf("passed on: %+v, want the LINE event only", passed)
	}
}
