package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"deskbot/bot/bottest"
)

// startServer runs `deskbot serve` on a free port and returns its base URL and a stop
// function that shuts it down gracefully and returns serve's error.
func startServer(t *testing.T, getenv func(string) string) (string, func() error) {
	t.Helper()
	a := testApp(t, "serve", getenv)
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
	body := []byte(`{"destination":"Ubot","events":[{"type":"follow","mode":"active","timestamp":1668474000000,` +
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
