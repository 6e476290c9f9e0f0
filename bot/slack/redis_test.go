package slack_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"deskbot/bot"
	"deskbot/bot/bottest"
	"deskbot/bot/slack"
	"deskbot/store"
	"deskbot/store/redistest"
)

// The desk on a real Redis: Slack answers 500 for a while — far more tries than the old
// limit of ten — and fails one post in the middle of a thread; every notice is posted
// exactly once, nothing is parked, and the thread keeps the clinic's order. (The retry
// schedule is shortened: Redis's own clock runs the delays.)
func TestSlackOutageOnRedis(t *testing.T) {
	srv := redistest.Start(t)
	st, err := store.OpenRedis(srv.URL, store.RedisOptions{Prefix: fmt.Sprintf("slack-redis-%d", time.Now().UnixNano())})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	api := bottest.NewSlackAPI(t, channel)
	log := slog.New(slog.DiscardHandler)
	desk, err := slack.New(context.Background(), slack.Config{Token: api.Token, SigningSecret: secret, Channel: channel,
		APIURL: api.URL + "/api/", Store: st, Engine: nil, Pusher: nil, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	calls := 0
	api.SetFault(func(m string) *bottest.SlackFailure {
		if m != "chat.postMessage" {
			return nil
		}
		mu.Lock()
		defer mu.Unlock()
		calls++
		if calls <= 25 || calls == 28 { // an outage, then one failure mid-thread
			return &bottest.SlackFailure{Status: 500}
		}
		return nil
	})
	ctx := context.Background()
	rep := report("R-20221115-0001", "line:Ur", time.Now(), "東京都", "over-cap")
	var thread []bot.Notice
	for i := range 6 {
		n := bot.Notice{ID: fmt.Sprintf("H-R-%03d", i), Kind: bot.NoticeHandoffMessage, Conversation: "line:Uh", Time: time.Now(),
			Thread: "H-R", Text: fmt.Sprintf("メッセージ %03d", i)}
		if i == 0 {
			n.ID, n.Kind = "H-R", bot.NoticeHandoff
		}
		thread = append(thread, n)
	}
	if err := st.Commit(ctx, bot.Commit{Session: &bot.Session{Conversation: "line:Ur"}, Delete: true, Notices: []bot.Notice{rep}}); err != nil {
		t.Fatal(err)
	}
	if err := st.Commit(ctx, bot.Commit{Session: &bot.Session{Conversation: "line:Uh"}, Delete: true, Notices: thread}); err != nil {
		t.Fatal(err)
	}
	w := &bot.Worker{Outbox: st, Notifier: desk, Name: "w", Backoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond, Log: log}
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := w.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		if n, _ := st.Pending(ctx); n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("outbox not empty after 30s")
		}
		time.Sleep(2 * time.Millisecond)
	}
	if dead, _ := st.DeadLetters(ctx); len(dead) != 0 {
		t.Fatalf("parked: %+v", dead)
	}
	msgs := api.Messages(channel)
	if len(msgs) != 7 {
		t.Fatalf("%d messages, want the report and the 6 of the thread, each once", len(msgs))
	}
	var root string
	for _, m := range msgs {
		if noticeOf(m) == "H-R" {
			root = m.TS
		}
	}
	var got []string
	for _, m := range msgs {
		if m.ThreadTS == root && root != "" {
			got = append(got, noticeOf(m))
		}
	}
	if want := []string{"H-R-001", "H-R-002", "H-R-003", "H-R-004", "H-R-005"}; !slices.Equal(got, want) {
		t.Fatalf("thread order %v, want %v", got, want)
	}
	t.Logf("on Redis: %d chat.postMessage calls for 7 notices, 26 of them 500s", len(api.Calls("chat.postMessage")))
}
