package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"deskbot/bot"
	"deskbot/bot/bottest"
	"deskbot/store/redistest"
)

// With REDIS_URL, serve keeps its state in Redis: a webhook is answered through it,
// /readyz follows Redis (503 while it is down, 200 when it is back), a webhook that comes
// while Redis is down gets a 5xx so that LINE redelivers it, and the redelivery is
// applied.
func TestServeOnRedis(t *testing.T) {
	srv := redistest.Start(t, redistest.AOF())
	api := bottest.NewLINEAPI(t)
	base, stop := startServer(t, env("REDIS_URL", srv.URL,
		"LINE_CHANNEL_SECRET", "s3cret", "LINE_CHANNEL_ACCESS_TOKEN", "tok", "LINE_API_BASE_URL", api.URL))
	follow := func(id string) int {
		body := []byte(`{"destination":"Ubot","events":[{"type":"follow","mode":"active","timestamp":` + nowMillis() + `,` +
			`"source":{"type":"user","userId":"U1"},"webhookEventId":"` + id + `","deliveryContext":{"isRedelivery":false},` +
			`"replyToken":"r-` + id + `","follow":{"isUnblocked":false}}]}`)
		req, _ := http.NewRequest("POST", base+"/webhooks/line", bytes.NewReader(body))
		req.Header.Set("X-Line-Signature", bottest.SignLINE("s3cret", body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	replied := func(token string) {
		t.Helper()
		select {
		case r := <-api.Received:
			if r.Path != "/v2/bot/message/reply" || !strings.Contains(string(r.Body), token) {
				t.Fatalf("LINE got %s %s, want a reply with %s", r.Path, r.Body, token)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("no reply with %s sent to LINE", token)
		}
	}
	ready := func(want int) {
		t.Helper()
		if code, body := get(t, "GET", base+"/readyz"); code != want {
			t.Fatalf("/readyz = %d %q, want %d", code, body, want)
		}
	}

	ready(http.StatusOK)
	if _, body := get(t, "GET", base+"/metrics"); !strings.Contains(body, `deskbot_notice_deliveries_total{outcome="parked"} 0`) {
		t.Errorf("/metrics does not show the dead letters at 0 from the start")
	}
	if code := follow("01GH0001"); code != http.StatusOK {
		t.Fatalf("webhook: %d, want 200", code)
	}
	replied("r-01GH0001")

	srv.Stop()
	ready(http.StatusServiceUnavailable)
	if code := follow("01GH0002"); code < 500 {
		t.Fatalf("webhook with Redis down: %d, want a 5xx so that LINE redelivers", code)
	}

	srv.Restart()
	ready(http.StatusOK)
	if code := follow("01GH0002"); code != http.StatusOK {
		t.Fatalf("redelivered webhook: %d, want 200", code)
	}
	replied("r-01GH0002")
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

// REDIS_CLUSTER_ADDRS wires the store to a Redis Cluster; spaces around the commas are
// allowed.
func TestAppOnRedisCluster(t *testing.T) {
	addrs := redistest.Cluster(t)
	a := testApp(t, "serve", env("REDIS_CLUSTER_ADDRS", strings.Join(addrs, " , ")))
	defer a.close()
	ctx := context.Background()
	if err := a.store.Ping(ctx); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	for i := range 3 {
		conv := fmt.Sprintf("line:Ucluster%d", i)
		if _, err := a.engine.Handle(ctx, bot.Event{ID: "ev-" + conv, Conversation: conv, Kind: bot.FollowEvent}); err != nil {
			t.Fatalf("Handle on the cluster: %v", err)
		}
	}
}
