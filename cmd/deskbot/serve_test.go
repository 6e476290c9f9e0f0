package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"deskbot/bot"
	"deskbot/bot/bottest"
)

// startServer runs `deskbot serve` on a free port and returns its base URL and a stop
// function that shuts it down gracefully and returns serve's error.
func startServer(t *testing.T, getenv func(string) string) (string, func() error) {
	t.Helper()
	return serveApp(t, testApp(t, "serve", getenv))
}

// serveApp runs serve for a wired app, as startServer does.
func serveApp(t *testing.T, a *app) (string, func() error) {
	t.Helper()
	a.cfg.Addr = "127.0.0.1:0"
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan net.Addr, 1)
	errc := make(chan error, 1)
	go func() { errc <- serve(ctx, a, func(addr net.Addr) { addrc <- addr }) }()
	var addr net.Addr
	select {
	case addr = <-addrc:
	case err := <-errc:
		t.Fatalf("serve: %v", err)
	}
	stopped := false
	stop := func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		return <-errc
	}
	t.Cleanup(func() { stop() })
	return "http://" + addr.String(), stop
}

func get(t *testing.T, method, url string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader("{}"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestServeEndpoints(t *testing.T) {
	base, stop := startServer(t, env())
	for _, tc := range []struct {
		method, path string
		code         int
		body         string
	}{
		{"GET", "/healthz", 200, "ok"},
		{"GET", "/readyz", 200, "ready"},
		{"GET", "/metrics", 200, "deskbot_turns_total"},
		{"POST", "/webhooks/line", 503, "LINE"},
		{"POST", "/webhooks/slack/events", 503, "Slack"},
		{"POST", "/webhooks/slack/interactions", 503, "Slack"},
		{"POST", "/webhooks/slack/commands", 503, "Slack"},
		{"GET", "/webhooks/line", 405, ""},
		{"GET", "/nothing-here", 404, ""},
	} {
		code, body := get(t, tc.method, base+tc.path)
		if code != tc.code || !strings.Contains(body, tc.body) {
			t.Errorf("%s %s = %d %q, want %d containing %q", tc.method, tc.path, code, body, tc.code, tc.body)
		}
	}
	if err := stop(); err != nil {
		t.Fatalf("graceful shutdown: %v", err)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("server still answers after shutdown")
	}
}

// With LINE configured, the server verifies and answers LINE webhooks through the API
// base URL it was given.
func TestServeLINE(t *testing.T) {
	api := bottest.NewLINEAPI(t)
	base, stop := startServer(t, env("LINE_CHANNEL_SECRET", "s3cret", "LINE_CHANNEL_ACCESS_TOKEN", "tok", "LINE_API_BASE_URL", api.URL))
	body := []byte(`{"destination":"Ubot","events":[{"type":"follow","mode":"active","timestamp":` + nowMillis() + `,` +
		`"source":{"type":"user","userId":"U1"},"webhookEventId":"01GH0001","deliveryContext":{"isRedelivery":false},` +
		`"replyToken":"r1","follow":{"isUnblocked":false}}]}`)
	post := func(sig string) int {
		req, _ := http.NewRequest("POST", base+"/webhooks/line", bytes.NewReader(body))
		req.Header.Set("X-Line-Signature", sig)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post(bottest.SignLINE("wrong", body)); code != http.StatusUnauthorized {
		t.Fatalf("forged webhook: %d, want 401", code)
	}
	if code := post(bottest.SignLINE("s3cret", body)); code != http.StatusOK {
		t.Fatalf("signed webhook: %d, want 200", code)
	}
	select {
	case r := <-api.Received:
		if r.Path != "/v2/bot/message/reply" || r.Header.Get("Authorization") != "Bearer tok" || !strings.Contains(string(r.Body), "友だち追加") {
			t.Fatalf("LINE got %s %s %s", r.Path, r.Header.Get("Authorization"), r.Body)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no reply sent to LINE")
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

// With Slack configured, the Slack endpoints verify requests with the signing secret and
// answer them, and the outbox worker posts notices to the desk channel.
func TestServeSlack(t *testing.T) {
	api := bottest.NewSlackAPI(t, "C0DESK")
	a := testApp(t, "serve", env("SLACK_BOT_TOKEN", api.Token, "SLACK_SIGNING_SECRET", "slack-s3cret",
		"SLACK_DESK_CHANNEL", "C0DESK", "SLACK_API_URL", api.URL+"/api/"))
	base, stop := serveApp(t, a)
	body := []byte(`{"token":"legacy","challenge":"c-123","type":"url_verification"}`)
	post := func(secret string, at time.Time) (int, string) {
		req, _ := http.NewRequest("POST", base+"/webhooks/slack/events", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		bottest.SignSlackRequest(req, secret, body, at)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := post("forged", time.Now()); code != http.StatusUnauthorized {
		t.Fatalf("forged Slack request: %d, want 401", code)
	}
	if code, _ := post("slack-s3cret", time.Now().Add(-10*time.Minute)); code != http.StatusUnauthorized {
		t.Fatalf("stale Slack request: %d, want 401", code)
	}
	if code, answer := post("slack-s3cret", time.Now()); code != http.StatusOK || answer != "c-123" {
		t.Fatalf("signed Slack request: %d %q, want 200 c-123", code, answer)
	}

	r := bot.Report{ID: "R-20221115-0001", Conversation: "line:U1", Created: time.Now(), Categories: []string{"over-cap"},
		Facility: "さくら内科クリニック", Prefecture: "東京都", FacilityType: "clinic", Details: "見積が高い"}
	if err := a.store.Commit(context.Background(), bot.Commit{Session: &bot.Session{Conversation: r.Conversation}, Delete: true,
		Notices: []bot.Notice{{ID: r.ID, Kind: bot.NoticeReport, Conversation: r.Conversation, Time: r.Created, Report: &r}}}); err != nil {
		t.Fatal(err)
	}
	timeout := time.After(10 * time.Second)
	for posted := false; !posted; {
		select {
		case req := <-api.Received:
			posted = req.Path == "/api/chat.postMessage"
		case <-timeout:
			t.Fatal("the report was not posted to Slack")
		}
	}
	if ms := api.Messages("C0DESK"); len(ms) != 1 || !strings.Contains(ms[0].Strings(), "見積額が補助金上限より高い") {
		t.Fatalf("desk channel holds %+v", ms)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

// With DESKBOT_DIGEST, serve posts the week's charts to the desk at the time: here the
// clock stands at that Monday's 9:00 in Japan, so the digest goes out as the server
// starts, through the outbox like any notice.
func TestServeDigest(t *testing.T) {
	api := bottest.NewSlackAPI(t, "C0DESK")
	a := testApp(t, "serve", env("SLACK_BOT_TOKEN", api.Token, "SLACK_SIGNING_SECRET", "slack-s3cret",
		"SLACK_DESK_CHANNEL", "C0DESK", "SLACK_API_URL", api.URL+"/api/", "DESKBOT_DIGEST", "月曜 9:00",
		"DESKBOT_NOW", "2022-11-14T09:00:30+09:00"))
	_, stop := serveApp(t, a)
	timeout := time.After(60 * time.Second)
	for done := false; !done; {
		select {
		case req := <-api.Received:
			done = req.Path == "/api/files.completeUploadExternal"
		case <-timeout:
			t.Fatal("the digest was not uploaded to Slack")
		}
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	files := api.Files()
	if len(files) != 9 || !files[0].Shared || !strings.Contains(files[0].Comment, "週次ダイジェスト（2022-11-07〜2022-11-13）") {
		t.Fatalf("files %+v; want the nine charts of the week before", files)
	}
}

// The browser emulator: on by default when no LINE secret is set, at / and /emulator,
// with the URL to open in the log; off (404) with DESKBOT_WEB=0 and by default beside
// LINE; beside real channels, loopback only or behind DESKBOT_WEB_TOKEN.
func TestServeEmulator(t *testing.T) {
	var logs bottest.LogBuffer
	a := testApp(t, "serve", env())
	a.log = slog.New(slog.NewJSONHandler(&logs, nil))
	base, stop := serveApp(t, a)
	for _, p := range []string{"/", "/emulator"} {
		if code, body := get(t, "GET", base+p); code != 200 || !strings.Contains(body, "deskbot") {
			t.Errorf("emulator on by default: GET %s = %d", p, code)
		}
	}
	stop()
	if !strings.Contains(logs.String(), "browser emulator: open http://127.0.0.1:") {
		t.Errorf("serve did not print the emulator's URL:\n%s", logs.String())
	}

	api := bottest.NewLINEAPI(t)
	lineEnv := []string{"LINE_CHANNEL_SECRET", "s3cret", "LINE_CHANNEL_ACCESS_TOKEN", "tok", "LINE_API_BASE_URL", api.URL}
	for name, getenv := range map[string]func(string) string{
		"DESKBOT_WEB=0":      env("DESKBOT_WEB", "0"),
		"beside LINE":        env(lineEnv...),
		"beside LINE, WEB=0": env(append(lineEnv, "DESKBOT_WEB", "0", "DESKBOT_WEB_TOKEN", "t0k3n")...),
	} {
		base, _ := startServer(t, getenv)
		for _, p := range []string{"/", "/emulator", "/emulator/static/app.js", "/emulator/api/feed?clinic=clinicA0123456789abcdef&after=0"} {
			if code, _ := get(t, "GET", base+p); code != http.StatusNotFound {
				t.Errorf("%s: GET %s = %d, want 404", name, p, code)
			}
		}
		if code, _ := get(t, "POST", base+"/emulator/api/send"); code != http.StatusNotFound {
			t.Errorf("%s: POST send = %d, want 404", name, code)
		}
	}

	base, _ = startServer(t, env(append(lineEnv, "DESKBOT_WEB", "1", "DESKBOT_WEB_TOKEN", "t0k3n")...))
	if code, _ := get(t, "GET", base+"/emulator"); code != http.StatusUnauthorized {
		t.Errorf("beside LINE with a token: GET /emulator without it = %d, want 401", code)
	}
	req, _ := http.NewRequest("GET", base+"/emulator", nil)
	req.Header.Set("Authorization", "Bearer t0k3n")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Errorf("beside LINE with the token: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}

	base, _ = startServer(t, env(append(lineEnv, "DESKBOT_WEB", "1")...))
	if code, _ := get(t, "GET", base+"/emulator"); code != 200 {
		t.Errorf("beside LINE without a token, from loopback: %d, want 200", code)
	}
	req, _ = http.NewRequest("GET", base+"/emulator", nil)
	req.Header.Set("X-Forwarded-For", "192.0.2.1")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("beside LINE without a token, through a proxy: %v %v, want 403", resp, err)
	} else {
		resp.Body.Close()
	}
}

// nowMillis is the current time as a LINE event timestamp: the webhook refuses events
// older than its dedupe window.
func nowMillis() string { return strconv.FormatInt(time.Now().UnixMilli(), 10) }
