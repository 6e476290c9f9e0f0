package line_test

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"deskbot/bot"
	"deskbot/bot/bottest"
	"deskbot/bot/line"
	"deskbot/store"
)

var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// durable is a sender with the store's outbox as its queue, and a worker that retries
// what the sender queued, on a test clock.
type durable struct {
	t      *testing.T
	api    *bottest.LINEAPI
	clock  *bottest.Clock
	store  *store.Memory
	sender *line.Sender
	worker *bot.Worker
}

func newDurable(t *testing.T) *durable {
	d := &durable{t: t, api: bottest.NewLINEAPI(t), clock: bottest.NewClock(time.Date(2022, 11, 15, 10, 0, 0, 0, bot.JST))}
	d.store = store.NewMemory(d.clock.Now)
	d.sender = newSender(t, d.api.URL, quiet)
	d.sender.Queue, d.sender.Now = d.store, d.clock.Now
	d.worker = &bot.Worker{Outbox: d.store, Name: "w", Now: d.clock.Now, Log: quiet,
		Notifier: bot.Notifiers{ByKind: map[bot.NoticeKind]bot.Notifier{bot.NoticeLINEPush: d.sender}, Default: desk{}}}
	return d
}

// desk refuses every notice for the desk: these tests look at what is left for it.
type desk struct{}

func (desk) Notify(context.Context, bot.Delivery) error { return bot.ErrPermanent }

// run closes the sender (its immediate sends are done) and drives the worker for at most
// limit of simulated time, a second a step, until the outbox is empty.
func (d *durable) run(limit time.Duration) time.Duration {
	d.t.Helper()
	d.sender.Close()
	start := d.clock.Now()
	for d.clock.Now().Sub(start) <= limit {
		if _, err := d.worker.Drain(context.Background()); err != nil {
			d.t.Fatal(err)
		}
		if n, _ := d.store.Pending(context.Background()); n == 0 {
			return d.clock.Now().Sub(start)
		}
		d.clock.Advance(time.Second)
	}
	d.t.Fatalf("outbox not empty after %v", limit)
	return 0
}

// LINE answers 500 for 20 seconds when the receipt is due (the reply token and the push
// fail): the push goes to the outbox, and the clinic gets the receipt exactly once, every
// try with one X-Line-Retry-Key.
func TestReceiptThroughLINEOutage(t *testing.T) {
	d := newDurable(t)
	back := d.clock.Now().Add(20 * time.Second)
	var (
		mu       sync.Mutex
		accepted int
	)
	d.api.SetFault(func(path string) *bottest.Response {
		if d.clock.Now().Before(back) {
			return &bottest.Response{Status: http.StatusInternalServerError, Body: `{"message":"oops"}`}
		}
		if path == "/v2/bot/message/push" {
			mu.Lock()
			accepted++
			mu.Unlock()
		}
		return nil
	})
	const receipt = "ご報告を受け付けました。受付番号は R-20221115-3601 です"
	d.sender.Send(bot.Event{ID: "ev1", Conversation: "line:U4af4980629", Reply: "reply-1"}, []bot.Message{{Text: receipt}}, time.Now())
	took := d.run(10 * time.Minute)

	pushes := d.api.Requests("/v2/bot/message/push")
	key := pushes[0].Header.Get("X-Line-Retry-Key")
	for _, p := range pushes {
		if got := p.Header.Get("X-Line-Retry-Key"); got == "" || got != key {
			t.Fatalf("retry keys %q and %q: want one key on every try", key, got)
		}
		if !strings.Contains(string(p.Body), "R-20221115-3601") || p.JSON()["to"] != "U4af4980629" {
			t.Fatalf("push %s, want the receipt to the clinic", p.Body)
		}
	}
	if !uuidV4.MatchString(key) {
		t.Errorf("retry key %q is not a UUID (version 4), which LINE requires", key)
	}
	if accepted != 1 {
		t.Fatalf("LINE accepted %d pushes of the receipt, want exactly 1", accepted)
	}
	if dead, _ := d.store.DeadLetters(context.Background()); len(dead) != 0 {
		t.Fatalf("parked: %+v", dead)
	}
	if took < 20*time.Second || took > 40*time.Second {
		t.Errorf("delivered %v after the outage began, want soon after its 20s", took)
	}
	t.Logf("LINE 500 for 20s: receipt accepted once after %v, %d pushes, one key %s", took, len(pushes), key)
}

// A push LINE refuses for good (403: the clinic blocked the account) is not retried; the
// desk gets a note for the thread the reply answered.
func TestDeskReplyRefusedTellsTheDesk(t *testing.T) {
	d := newDurable(t)
	d.api.Script("/v2/bot/message/push", bottest.Response{Status: http.StatusForbidden, Body: `{"message":"blocked"}`})
	d.sender.Push("line:U4af4980629", "H-THREAD", []bot.Message{{Text: "窓口の担当者より：ご確認ください"}})
	d.sender.Close()
	ds, err := d.store.Claim(context.Background(), "t", 10, time.Minute)
	if err != nil || len(ds) != 1 {
		t.Fatalf("outbox holds %+v, %v; want one note for the desk", ds, err)
	}
	if n := ds[0].Notice; n.Kind != bot.NoticeDeskNote || n.Thread != "H-THREAD" || n.Text != line.NoteBlocked {
		t.Fatalf("note %+v, want %s in thread H-THREAD", n, line.NoteBlocked)
	}
	if n := len(d.api.Requests("/v2/bot/message/push")); n != 1 {
		t.Fatalf("%d pushes, want 1: a 403 is not retried", n)
	}
}

// A push that keeps failing is parked at the horizon and the desk is told.
func TestDeskReplyPastHorizonTellsTheDesk(t *testing.T) {
	d := newDurable(t)
	d.worker.Horizon, d.sender.Horizon = time.Hour, time.Hour
	d.api.SetFault(func(string) *bottest.Response { return &bottest.Response{Status: http.StatusBadGateway, Body: `{}`} })
	d.sender.Push("line:U4af4980629", "H-THREAD", []bot.Message{{Text: "窓口の担当者より：ご確認ください"}})
	d.sender.Close()
	for range 2 * 3600 {
		d.worker.Drain(context.Background())
		if dead, _ := d.store.DeadLetters(context.Background()); len(dead) > 1 {
			break
		}
		d.clock.Advance(time.Second)
	}
	dead, _ := d.store.DeadLetters(context.Background())
	if len(dead) != 2 || dead[0].Notice.Kind != bot.NoticeLINEPush || dead[1].Notice.Kind != bot.NoticeDeskNote || dead[1].Notice.Text != line.NoteExpired {
		t.Fatalf("dead letters %+v; want the push parked, then the note for the desk", dead)
	}
	if at := dead[0].Time.Sub(time.Date(2022, 11, 15, 10, 0, 0, 0, bot.JST)); at < time.Hour || at > time.Hour+6*time.Minute {
		t.Errorf("parked %v after it was queued, want at the horizon of 1h", at)
	}
}

// A desk reply over LINE's 5,000 characters arrives whole, in parts.
func TestLongDeskReplyInParts(t *testing.T) {
	d := newDurable(t)
	text := strings.Repeat("あ", 4000) + "\n" + strings.Repeat("い", 4000)
	d.sender.Push("line:U4af4980629", "H-THREAD", []bot.Message{{Text: text}})
	d.sender.Close()
	var got strings.Builder
	for _, p := range d.api.Requests("/v2/bot/message/push") {
		for _, m := range p.JSON()["messages"].([]any) {
			s := m.(map[string]any)["text"].(string)
			if n := len([]rune(s)); n > 5000 {
				t.Errorf("a part of %d characters, over LINE's 5,000", n)
			}
			got.WriteString(s)
		}
	}
	if got.String() != text {
		t.Fatalf("the parts make %d characters, want the %d of the reply", len([]rune(got.String())), len([]rune(text)))
	}
}

// Rendering a text of any length gives parts within LINE's limit that make the text
// again, nothing lost or added.
func FuzzRenderLongText(f *testing.F) {
	f.Add(strings.Repeat("あ", 5001))
	f.Add(strings.Repeat("a\n", 3000))
	f.Add("短い")
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		ms, err := line.Render([]bot.Message{{Text: s}})
		if err != nil {
			t.Fatal(err)
		}
		var got strings.Builder
		for _, m := range ms {
			b, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			var tm messaging_api.TextMessage // what LINE reads
			if err := json.Unmarshal(b, &tm); err != nil {
				t.Fatal(err)
			}
			if n := utf8.RuneCountInString(tm.Text); n > 5000 || n == 0 {
				t.Fatalf("a part of %d characters", n)
			}
			got.WriteString(tm.Text)
		}
		if got.String() != s {
			t.Fatalf("parts make %q, want %q", got.String(), s)
		}
	})
}

// A message for a clinic whose earlier one waits in the outbox goes after it, even when
// LINE is back: it is queued behind, never sent ahead.
func TestLaterMessageWaitsBehindQueuedOne(t *testing.T) {
	d := newDurable(t)
	down := true
	var mu sync.Mutex
	d.api.SetFault(func(string) *bottest.Response {
		mu.Lock()
		defer mu.Unlock()
		if down {
			return &bottest.Response{Status: http.StatusServiceUnavailable, Body: `{}`}
		}
		return nil
	})
	d.sender.Push("line:U4af4980629", "H-1", []bot.Message{{Text: "一通目"}})
	// The first push is answered 503; the second job, of the same clinic, runs on the
	// same sender goroutine after the first one queued its push.
	waitFor(t, d.api, "/v2/bot/message/push")
	mu.Lock()
	down = false
	mu.Unlock()
	d.sender.Push("line:U4af4980629", "H-1", []bot.Message{{Text: "二通目"}})
	d.run(10 * time.Minute)
	var got []string
	for _, p := range d.api.Requests("/v2/bot/message/push") {
		got = append(got, p.JSON()["messages"].([]any)[0].(map[string]any)["text"].(string))
	}
	if strings.Join(got, ",") != "一通目,一通目,二通目" {
		t.Fatalf("pushes %v, want the first (refused), the first again, then the second", got)
	}
}

// waitFor waits for the fake's next request to path.
func waitFor(t *testing.T, api *bottest.LINEAPI, path string) {
	t.Helper()
	for {
		select {
		case r := <-api.Received:
			if r.Path == path {
				return
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("no request to %s", path)
		}
	}
}

// filer files a report on every event: a receipt for the clinic, a report for the desk.
type filer struct{}

func (filer) Decide(ctx context.Context, t *bot.Turn) (bot.Outcome, error) {
	id, err := t.Receipt(ctx)
	if err != nil {
		return bot.Outcome{}, err
	}
	r := &bot.Report{ID: id, Conversation: t.Event.Conversation, Created: t.Now}
	return bot.Outcome{Messages: []bot.Message{{Text: "受付番号は " + id + " です"}},
		Notices: []bot.Notice{{ID: id, Kind: bot.NoticeReport, Conversation: t.Event.Conversation, Time: t.Now, Report: r}}}, nil
}

// A receipt is committed with its push (Config.PushGrace): whether the process is lost
// right after the commit, the reply goes through, or LINE is down when it is due, the
// clinic gets the receipt exactly once, and every push carries the one retry key.
func TestReceiptCommittedWithItsPush(t *testing.T) {
	for _, tc := range []struct {
		name                  string
		send                  bool // the sender gets the turn's messages (false: the process was lost)
		lineDown              time.Duration
		wantReplies, wantPush int
	}{
		{name: "process lost after the commit", send: false, wantPush: 1},
		{name: "reply went through", send: true, wantReplies: 1, wantPush: 0},
		{name: "LINE down for 20s", send: true, lineDown: 20 * time.Second, wantPush: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newDurable(t)
			d.sender.Marks = d.store
			back := d.clock.Now().Add(tc.lineDown)
			var mu sync.Mutex
			accepted := map[string]int{}
			d.api.SetFault(func(path string) *bottest.Response {
				if d.clock.Now().Before(back) {
					return &bottest.Response{Status: http.StatusInternalServerError, Body: `{}`}
				}
				mu.Lock()
				accepted[path]++
				mu.Unlock()
				return nil
			})
			e := bot.NewEngine(bot.Config{Store: d.store, Brain: filer{}, Now: d.clock.Now, PushGrace: time.Minute, Log: quiet})
			ev := bot.Event{ID: "01GHEVENT", Conversation: "line:U4af4980629", Kind: bot.TextEvent, Text: "送信", Reply: "reply-1"}
			msgs, err := e.Handle(context.Background(), ev)
			if err != nil || len(msgs) != 1 || msgs[0].Queued != bot.PushID(ev.Conversation, ev.ID) {
				t.Fatalf("Handle = %+v, %v; want the receipt, marked as queued", msgs, err)
			}
			if tc.send {
				d.sender.Send(ev, msgs, time.Now())
			}
			d.run(10 * time.Minute)

			if accepted["/v2/bot/message/reply"] != tc.wantReplies || accepted["/v2/bot/message/push"] != tc.wantPush {
				t.Fatalf("LINE accepted %v, want %d reply and %d push", accepted, tc.wantReplies, tc.wantPush)
			}
			for _, p := range d.api.Requests("/v2/bot/message/push") {
				if k := p.Header.Get("X-Line-Retry-Key"); k != bot.PushID(ev.Conversation, ev.ID) {
					t.Fatalf("push with retry key %q, want the push's id", k)
				}
				if !strings.Contains(string(p.Body), "受付番号は R-") {
					t.Fatalf("push %s, want the receipt", p.Body)
				}
			}
			if dead, _ := d.store.DeadLetters(context.Background()); len(dead) != 1 || dead[0].Notice.Kind != bot.NoticeReport {
				t.Fatalf("dead letters %+v, want only the report (this test has no desk)", dead)
			}
		})
	}
}

// relay passes a desk reply on to the clinic, as flows.Desk does.
type relay struct{}

func (relay) Decide(_ context.Context, t *bot.Turn) (bot.Outcome, error) {
	return bot.Outcome{Messages: []bot.Message{{Text: "窓口の担当者より：" + t.Event.Text}}}, nil
}

// A desk reply is committed with its push too: when the process is lost before sending
// it, the outbox sends it after the grace; when LINE then refuses it (403), the desk's
// thread is told.
func TestDeskReplyCommittedWithItsPush(t *testing.T) {
	d := newDurable(t)
	d.sender.Marks = d.store
	d.api.Script("/v2/bot/message/push", bottest.Response{Status: http.StatusForbidden, Body: `{"message":"blocked"}`})
	e := bot.NewEngine(bot.Config{Store: d.store, Brain: relay{}, Now: d.clock.Now, PushGrace: time.Minute, Log: quiet})
	ev := bot.Event{ID: "slack:Ev1", Conversation: "line:U4af4980629", Kind: bot.DeskReplyEvent, Text: "ご確認ください", DeskThread: "H-7"}
	if _, err := e.Handle(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	// The process is lost here: nothing is sent. The outbox waits out the grace.
	d.worker.Drain(context.Background())
	if n := len(d.api.Requests("/v2/bot/message/push")); n != 0 {
		t.Fatalf("%d pushes before the grace, want none", n)
	}
	d.run(10 * time.Minute)
	if n := len(d.api.Requests("/v2/bot/message/push")); n != 1 {
		t.Fatalf("%d pushes, want 1: a 403 is not retried", n)
	}
	dead, _ := d.store.DeadLetters(context.Background())
	var kinds []string
	for _, dl := range dead {
		kinds = append(kinds, string(dl.Notice.Kind)+":"+dl.Notice.Thread+":"+dl.Notice.Text)
	}
	// This test's desk refuses everything, so the note ends parked: it was made.
	if strings.Join(kinds, ",") != "line-push:line:U4af4980629:,desk-note:H-7:line-blocked" {
		t.Fatalf("parked %v; want the push refused and the note for thread H-7", kinds)
	}
}
