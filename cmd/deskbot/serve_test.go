package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
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
