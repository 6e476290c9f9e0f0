package slack_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"image/png"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"deskbot/bot"
	"deskbot/bot/bottest"
	"deskbot/bot/slack"
	"deskbot/store"
	"deskbot/store/redistest"
)

// completed returns the files of each files.completeUploadExternal call so far: one
// call is one message in the channel.
func completed(t *testing.T, api *bottest.SlackAPI) [][]string {
	t.Helper()
	var out [][]string
	for _, r := range api.Calls("files.completeUploadExternal") {
		var sums []struct{ ID, Title string }
		if err := json.Unmarshal([]byte(r.Form().Get("files")), &sums); err != nil {
			t.Fatal(err)
		}
		var titles []string
		for _, s := range sums {
			titles = append(titles, s.Title)
		}
		out = append(out, titles)
	}
	return out
}

// shared returns the files shared to the desk channel.
func shared(api *bottest.SlackAPI) []bottest.SlackFile {
	var out []bottest.SlackFile
	for _, f := range api.Files() {
		if f.Shared && f.Channel == channel {
			out = append(out, f)
		}
	}
	return out
}

// グラフ uploads the nine charts of the period to the channel as one message, each a PNG
// titled with the period, and says who asked.
func TestChartsCommand(t *testing.T) {
	f := newFixture(t)
	f.fileReports()
	if visibility, shown := f.answer("グラフ 2022-11"); visibility != "ephemeral" || !strings.Contains(shown, "グラフ（2022-11-01〜2022-11-30、3 件）") {
		t.Fatalf("グラフ answer (%s): %s", visibility, shown)
	}
	f.desk.Close() // waits for the upload the answer left running
	if calls := completed(t, f.slack); len(calls) != 1 || len(calls[0]) != 9 {
		t.Fatalf("completeUploadExternal calls %v, want one sharing nine charts", calls)
	}
	files := shared(f.slack)
	if len(files) != 9 {
		t.Fatalf("%d files shared, want 9", len(files))
	}
	for _, file := range files {
		if !strings.HasSuffix(file.Name, ".png") || !strings.HasSuffix(file.Title, "｜2022-11-01〜2022-11-30") {
			t.Errorf("file %q titled %q, want a PNG titled with the period", file.Name, file.Title)
		}
		if _, err := png.Decode(bytes.NewReader(file.Content)); err != nil {
			t.Errorf("%s does not decode as PNG: %v", file.Name, err)
		}
		if !strings.Contains(file.Comment, "<@U1SATO>") || !strings.Contains(file.Comment, "3 件") {
			t.Errorf("comment %q does not say who asked and how many", file.Comment)
		}
	}
	if _, shown := f.answer("グラフ 2022-13"); !strings.Contains(shown, "期間がわかりませんでした") {
		t.Errorf("a bad period: %s", shown)
	}
}

// A failed chart upload, at its first step or its last, is told to the staff member who
// asked, and nothing is shared.
func TestChartsCommandUploadFails(t *testing.T) {
	for _, method := range []string{"files.getUploadURLExternal", "files.completeUploadExternal"} {
		t.Run(method, func(t *testing.T) {
			f := newFixture(t)
			f.fileReports()
			f.slack.Fail(method, bottest.SlackFailure{Status: 500})
			f.answer("グラフ")
			f.desk.Close() // waits for the upload the answer left running
			told := f.slack.Calls("chat.postEphemeral")
			if len(told) != 1 {
				t.Fatalf("%d ephemeral messages, want 1", len(told))
			}
			if q := told[0].Form(); q.Get("user") != "U1SATO" || !strings.Contains(q.Get("text"), "グラフのアップロードに失敗") {
				t.Fatalf("ephemeral %v", q)
			}
			if files := shared(f.slack); len(files) != 0 {
				t.Fatalf("%d files shared after a failed upload", len(files))
			}
		})
	}
}

// instance is one deskbot process of the digest test: its own Redis client, desk,
// digest and outbox worker, on the shared clock.
type instance struct {
	store  *store.Redis
	digest *bot.Digest
	worker *bot.Worker
}

// The digest of a time is posted once with two instances running against one Redis:
// both tick at the time, one queues it, and when Slack fails the upload the worker
// retries it like any notice; the desk gets one message with the nine charts and the
// week's totals, and the next week brings the next digest.
func TestDigestTwoInstancesOnRedis(t *testing.T) {
	srv := redistest.Start(t)
	api := bottest.NewSlackAPI(t, channel)
	clock := bottest.NewClock(time.Date(2022, 11, 14, 9, 0, 0, 0, bot.JST))
	log := slog.New(slog.NewJSONHandler(&bottest.LogBuffer{}, nil))
	prefix := "test:digest:" + rand.Text()[:8]
	schedule, err := bot.ParseSchedule("mon 09:00")
	if err != nil {
		t.Fatal(err)
	}
	var insts []instance
	for i := range 2 {
		st, err := store.OpenRedis(srv.URL, store.RedisOptions{Prefix: prefix, Now: clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		desk, err := slack.New(ctx, slack.Config{Token: api.Token, SigningSecret: secret, Channel: channel,
			APIURL: api.URL + "/api/", Store: st, Labels: func() bot.Labels { return labels }, Now: clock.Now, Log: log})
		if err != nil {
			t.Fatal(err)
		}
		insts = append(insts, instance{store: st,
			digest: &bot.Digest{Queue: st, Schedule: schedule, Now: clock.Now, Log: log},
			// Redis times a retry by its own clock: the backoff is kept short.
			worker: &bot.Worker{Outbox: st, Notifier: desk, Name: "w" + string(rune('a'+i)), Backoff: 10 * time.Millisecond,
				MaxBackoff: 20 * time.Millisecond, Now: clock.Now, Log: log}})
	}
	// Last week's reports, and one of this week that the digest leaves out.
	for _, n := range []bot.Notice{
		report("R-20221107-0001", "line:U1", time.Date(2022, 11, 7, 0, 0, 0, 0, bot.JST), "東京都", "over-cap"),
		report("R-20221113-0001", "line:U2", time.Date(2022, 11, 13, 23, 59, 0, 0, bot.JST), "大阪府", "slow"),
		report("R-20221114-0001", "line:U3", time.Date(2022, 11, 14, 0, 0, 0, 0, bot.JST), "北海道", "network"),
	} {
		if err := insts[0].store.Commit(ctx, bot.Commit{Session: &bot.Session{Conversation: n.Conversation}, Delete: true,
			Notices: []bot.Notice{n}}); err != nil {
			t.Fatal(err)
		}
	}
	// The reports' own notices go to a desk that is up.
	drain(t, insts, clock, 5)
	api.Fail("files.completeUploadExternal", bottest.SlackFailure{Status: 503})

	tickAll := func() int {
		var wg sync.WaitGroup
		var mu sync.Mutex
		queued := 0
		for _, in := range insts {
			wg.Go(func() {
				ok, err := in.digest.Tick(context.Background())
				if err != nil {
					t.Error(err)
				}
				if ok {
					mu.Lock()
					queued++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		return queued
	}
	if n := tickAll(); n != 1 {
		t.Fatalf("%d instances queued the digest, want 1", n)
	}
	drain(t, insts, clock, 10)
	if n := tickAll(); n != 0 {
		t.Fatalf("%d instances queued the digest again", n)
	}
	drain(t, insts, clock, 5)

	calls := completed(t, api)
	if len(calls) != 2 || len(calls[1]) != 9 {
		t.Fatalf("completeUploadExternal calls %v, want one failed and one retried, of nine charts", calls)
	}
	digests := shared(api)
	if len(digests) != 9 {
		t.Fatalf("%d files shared, want the nine charts once", len(digests))
	}
	if c := digests[0].Comment; !strings.Contains(c, "週次ダイジェスト（2022-11-07〜2022-11-13）：報告 2 件") {
		t.Errorf("digest comment %q, want the week before the time and its two reports", c)
	}
	if p, ok, err := insts[1].store.Posted(ctx, "D-20221114-0900"); err != nil || !ok || p.Ref == "" {
		t.Errorf("digest post recorded: %+v, %v, %v", p, ok, err)
	}

	clock.Set(time.Date(2022, 11, 21, 9, 0, 0, 0, bot.JST))
	if n := tickAll(); n != 1 {
		t.Fatalf("%d instances queued the next week's digest, want 1", n)
	}
	drain(t, insts, clock, 5)
	if n := len(completed(t, api)); n != 3 {
		t.Fatalf("%d completeUploadExternal calls after the next week, want 3", n)
	}
}

// drain runs the instances' workers until the outbox is empty, letting backoffs pass:
// the clock's for due times, Redis's own (a short real wait) for the retry's idle time.
func drain(t *testing.T, insts []instance, clock *bottest.Clock, rounds int) {
	t.Helper()
	for range rounds {
		var wg sync.WaitGroup
		for _, in := range insts {
			wg.Go(func() {
				if _, err := in.worker.Drain(context.Background()); err != nil {
					t.Errorf("Drain: %v", err)
				}
			})
		}
		wg.Wait()
		if n, err := insts[0].store.Pending(context.Background()); err == nil && n == 0 {
			return
		}
		clock.Advance(10 * time.Second)
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("outbox not empty after %d rounds", rounds)
}

// A digest Slack refuses for good (the app left the channel) is parked, not retried.
func TestDigestRefusedIsParked(t *testing.T) {
	f := newFixture(t)
	f.slack.Fail("files.completeUploadExternal", bottest.SlackFailure{Error: "not_in_channel"})
	d := &bot.Digest{Queue: f.store, Schedule: bot.Schedule{Day: time.Tuesday, Hour: 10}, Now: f.clock.Now,
		Log: slog.New(slog.NewJSONHandler(f.log, nil))}
	if ok, err := d.Tick(ctx); !ok || err != nil {
		t.Fatalf("Tick = %v, %v", ok, err)
	}
	f.drainAll(3, f.worker("w1"))
	dead, err := f.store.DeadLetters(ctx)
	if err != nil || len(dead) != 1 || dead[0].Notice.Kind != bot.NoticeDigest || !strings.Contains(dead[0].Reason, "not_in_channel") {
		t.Fatalf("dead letters %+v, %v; want the digest, refused", dead, err)
	}
	if n := len(f.slack.Calls("files.completeUploadExternal")); n != 1 {
		t.Fatalf("%d completeUploadExternal calls, want 1: a refusal is not retried", n)
	}
}

// A digest notice that lost its period cannot be drawn: it is parked, and Slack is not
// asked.
func TestDigestWithoutPeriodIsParked(t *testing.T) {
	f := newFixture(t)
	f.file(bot.Notice{ID: "D-20221115-1000", Kind: bot.NoticeDigest, Conversation: "digest", Time: f.clock.Now()})
	before := len(f.slack.Calls(""))
	f.drainAll(3, f.worker("w1"))
	dead, err := f.store.DeadLetters(ctx)
	if err != nil || len(dead) != 1 || dead[0].Notice.ID != "D-20221115-1000" || !strings.Contains(dead[0].Reason, "without its period") {
		t.Fatalf("dead letters %+v, %v; want the digest, parked for its missing period", dead, err)
	}
	if n := len(f.slack.Calls("")) - before; n != 0 {
		t.Fatalf("%d Slack calls for a digest without a period, want none", n)
	}
}
