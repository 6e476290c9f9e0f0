package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"deskbot/bot"
	"deskbot/bot/bottest"
	"deskbot/store"
	"deskbot/store/redistest"
)

// park files notices through the store at url and parks them, as the worker does when
// Slack refuses them.
func park(t *testing.T, url string, ns ...bot.Notice) {
	t.Helper()
	st, err := store.OpenRedis(url, store.RedisOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	if err := st.AddNotices(ctx, ns...); err != nil {
		t.Fatal(err)
	}
	ds, err := st.Claim(ctx, "test", 100, time.Minute)
	if err != nil || len(ds) != len(ns) {
		t.Fatalf("Claim = %d, %v", len(ds), err)
	}
	for _, d := range ds {
		if err := st.Park(ctx, d, "chat.postMessage: channel_not_found (check SLACK_DESK_CHANNEL)"); err != nil {
			t.Fatal(err)
		}
	}
}

func runCmd(t *testing.T, getenv func(string) string, args ...string) (int, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, getenv, strings.NewReader(""), &out, &errOut)
	return code, out.String() + errOut.String()
}

// deskbot outbox list shows what is parked and why; show gives one; redrive puts it back
// once — a second redrive of it finds nothing — and /metrics counts the same.
func TestOutboxCommand(t *testing.T) {
	srv := redistest.Start(t, redistest.Own())
	rep := bot.Report{ID: "R-20221115-3601", Conversation: "line:U1", Facility: "さくら内科", Prefecture: "東京都"}
	park(t, srv.URL,
		bot.Notice{ID: rep.ID, Kind: bot.NoticeReport, Conversation: "line:U1", Time: time.Now(), Report: &rep},
		bot.Notice{ID: "H-1", Kind: bot.NoticeHandoff, Conversation: "line:U2", Time: time.Now(), Thread: "H-1", Text: "相談"})
	getenv := env("REDIS_URL", srv.URL)

	code, out := runCmd(t, getenv, "outbox", "list")
	if code != 0 || !strings.Contains(out, "parked: 2") || !strings.Contains(out, "R-20221115-3601") || !strings.Contains(out, "channel_not_found") {
		t.Fatalf("outbox list = %d:\n%s", code, out)
	}
	code, out = runCmd(t, getenv, "outbox", "show", "H-1")
	if code != 0 || !strings.Contains(out, "kind:         handoff") || !strings.Contains(out, "SLACK_DESK_CHANNEL") {
		t.Fatalf("outbox show = %d:\n%s", code, out)
	}
	if code, out = runCmd(t, getenv, "outbox", "show", "nothing"); code != 1 || !strings.Contains(out, "no parked notice") {
		t.Fatalf("outbox show of an unknown id = %d:\n%s", code, out)
	}
	if code, out = runCmd(t, getenv, "outbox", "redrive", rep.ID); code != 0 || !strings.Contains(out, "redriven: 1") {
		t.Fatalf("outbox redrive = %d:\n%s", code, out)
	}
	if code, out = runCmd(t, getenv, "outbox", "redrive", rep.ID); code != 1 || !strings.Contains(out, "no parked notice") {
		t.Fatalf("second redrive = %d:\n%s", code, out)
	}
	if code, out = runCmd(t, getenv, "outbox", "list"); code != 0 || !strings.Contains(out, "waiting: 1  parked: 1") {
		t.Fatalf("outbox list after the redrive = %d:\n%s", code, out)
	}
	if code, out = runCmd(t, env(), "outbox", "list"); code != 1 || !strings.Contains(out, "REDIS_URL") {
		t.Fatalf("outbox list without Redis = %d:\n%s", code, out)
	}
	if code, out = runCmd(t, getenv, "outbox", "redrive"); code != 2 {
		t.Fatalf("redrive with no id = %d:\n%s", code, out)
	}
	if code, out = runCmd(t, getenv, "outbox", "redrive", "--all"); code != 0 || !strings.Contains(out, "redriven: 1") {
		t.Fatalf("redrive --all = %d:\n%s", code, out)
	}

	// The same figures on /metrics.
	other := redistest.Start(t, redistest.Own())
	park(t, other.URL, bot.Notice{ID: "H-2", Kind: bot.NoticeHandoff, Conversation: "line:U3", Time: time.Now(), Thread: "H-2"})
	base, _ := startServer(t, env("REDIS_URL", other.URL))
	_, metrics := get(t, "GET", base+"/metrics")
	if !strings.Contains(metrics, "deskbot_outbox_parked 1") || !strings.Contains(metrics, "deskbot_outbox_waiting") {
		t.Fatalf("metrics lack the outbox figures:\n%s", metrics)
	}
}

// Redis without persistence: serve warns, naming the risk; with
// DESKBOT_REQUIRE_PERSISTENCE=1 it refuses to start. With the AOF it starts quietly.
func TestServeChecksRedisPersistence(t *testing.T) {
	bare := redistest.Start(t, redistest.Own())
	var log bottest.LogBuffer
	cfg, _, err := LoadConfig("deskbot serve", nil, env("REDIS_URL", bare.URL), &log)
	if err != nil || cfg.Validate() != nil {
		t.Fatal(err)
	}
	a, err := newApp(cfg, "serve", &log)
	if err != nil {
		t.Fatal(err)
	}
	_, stop := serveApp(t, a)
	stop()
	if !strings.Contains(log.String(), "neither AOF nor RDB") || !strings.Contains(log.String(), "loses the notices waiting for the desk") {
		t.Fatalf("no warning about Redis without persistence:\n%s", log.String())
	}

	code, out := runCmd(t, env("REDIS_URL", bare.URL, "DESKBOT_REQUIRE_PERSISTENCE", "1"), "serve", "--addr", "127.0.0.1:0")
	if code != 1 || !strings.Contains(out, "DESKBOT_REQUIRE_PERSISTENCE") || !strings.Contains(out, "appendonly yes") {
		t.Fatalf("serve with persistence required on a bare Redis = %d:\n%s", code, out)
	}
	if code, out := runCmd(t, env("DESKBOT_REQUIRE_PERSISTENCE", "1"), "serve", "--addr", "127.0.0.1:0"); code != 1 {
		t.Fatalf("serve with persistence required and no Redis = %d:\n%s", code, out)
	}

	aof := redistest.Start(t, redistest.AOF())
	log = bottest.LogBuffer{}
	cfg, _, _ = LoadConfig("deskbot serve", nil, env("REDIS_URL", aof.URL, "DESKBOT_REQUIRE_PERSISTENCE", "1"), &log)
	cfg.Validate()
	if a, err = newApp(cfg, "serve", &log); err != nil {
		t.Fatal(err)
	}
	_, stop = serveApp(t, a)
	if err := stop(); err != nil {
		t.Fatalf("serve on a Redis with the AOF: %v", err)
	}
	if strings.Contains(log.String(), "neither AOF nor RDB") {
		t.Fatalf("a warning on a Redis with the AOF:\n%s", log.String())
	}
}

// A notice parked because Slack refused it is posted once Slack accepts the token again
// (the configuration fixed, the server restarted).
func TestServeRedrivesParkedDeskNoticesAtStart(t *testing.T) {
	srv := redistest.Start(t, redistest.Own())
	park(t, srv.URL, bot.Notice{ID: "H-PARKED", Kind: bot.NoticeHandoff, Conversation: "line:U9", Time: time.Now(), Thread: "H-PARKED", Text: "相談です"})
	api := bottest.NewSlackAPI(t, "C0DESK")
	_, stop := startServer(t, env("REDIS_URL", srv.URL, "SLACK_BOT_TOKEN", api.Token, "SLACK_SIGNING_SECRET", "signing-secret-x",
		"SLACK_DESK_CHANNEL", "C0DESK", "SLACK_API_URL", api.URL+"/api/"))
	deadline := time.After(10 * time.Second)
	for len(api.Messages("C0DESK")) == 0 {
		select {
		case <-api.Received:
		case <-deadline:
			t.Fatal("the parked notice was not posted after the start")
		}
	}
	stop()
	if ms := api.Messages("C0DESK"); len(ms) != 1 || !strings.Contains(ms[0].Text, "相談です") {
		t.Fatalf("channel holds %+v, want the handoff once", ms)
	}
}
