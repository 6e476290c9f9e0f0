package line_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"deskbot/bot"
	"deskbot/bot/bottest"
	"deskbot/bot/line"
	"deskbot/store"
	"deskbot/store/redistest"
)

const pushPath = "/v2/bot/message/push"

// childEnv, set, makes the test binary a process that pushes one notice and is killed
// while at it (see TestMain).
const childEnv = "DESKBOT_LINE_NOTIFY_CHILD"

// child is what the pushing process is given: where its store and LINE are, and what to
// push.
type child struct {
	RedisURL, Prefix, API string
	ClaimTTL              time.Duration
	Notice                bot.Notice
}

func TestMain(m *testing.M) {
	if env := os.Getenv(childEnv); env != "" {
		os.Exit(notifyAsChild(env))
	}
	os.Exit(m.Run())
}

// notifyAsChild pushes the child's notice with a sender of its own on the shared store;
// it returns only if it is not killed first.
func notifyAsChild(env string) int {
	var c child
	if err := json.Unmarshal([]byte(env), &c); err != nil {
		return 2
	}
	st, err := store.OpenRedis(c.RedisURL, store.RedisOptions{Prefix: c.Prefix})
	if err != nil {
		return 2
	}
	s, err := line.NewSender("token", c.API, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return 2
	}
	s.Marks, s.ClaimTTL = st, c.ClaimTTL
	s.Notify(context.Background(), bot.Delivery{Notice: c.Notice, Attempt: 1})
	return 3
}

// openRedisMarks returns a store with a key prefix of its own on the Redis at url,
// whose keys are deleted when the test ends.
func openRedisMarks(t *testing.T, url, prefix string) *store.Redis {
	t.Helper()
	st, err := store.OpenRedis(url, store.RedisOptions{Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx := context.Background()
		for _, k := range st.Client().Keys(ctx, prefix+":*").Val() {
			st.Client().Del(ctx, k)
		}
		st.Close()
	})
	return st
}

// receiptNotice is an engine-queued push of a receipt to one clinic.
func receiptNotice() bot.Notice {
	conv := "line:U4af4980629"
	return bot.Notice{ID: bot.PushID(conv, "01GHEVENT"), Kind: bot.NoticeLINEPush, Conversation: conv, Thread: conv,
		Messages: []bot.Message{{Text: "受付番号は R-20221115-0042 です"}}}
}

// A process killed while it pushes a notice — before LINE took the push, or after LINE
// took it but before the process heard so — loses nothing and sends nothing twice: once
// its claim expires, the outbox's retry in another process pushes with the same retry
// key, the clinic has the receipt exactly once, and the notice counts as delivered.
func TestNotifyKilledMidPush(t *testing.T) {
	srv := redistest.Start(t)
	for _, tc := range []struct {
		name string
		hold func(*bottest.LINEAPI) *bottest.Gate
	}{
		{"before LINE took it", func(api *bottest.LINEAPI) *bottest.Gate { return api.Hold(pushPath) }},
		// The retry is answered 409: LINE took the retry key already.
		{"after LINE took it", func(api *bottest.LINEAPI) *bottest.Gate { return api.HoldAnswer(pushPath) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := bottest.NewLINEAPI(t)
			gate := tc.hold(api)
			n := receiptNotice()
			c := child{RedisURL: srv.URL, Prefix: "test:line:" + rand.Text()[:8], API: api.URL, ClaimTTL: 2 * time.Second, Notice: n}
			st := openRedisMarks(t, srv.URL, c.Prefix)
			killWhileHeld(t, c, gate)

			s := newSender(t, api.URL, quiet)
			t.Cleanup(s.Close)
			s.Marks, s.ClaimTTL = st, c.ClaimTTL
			// The outbox retries while the dead process's claim lasts; each try waits.
			err := s.Notify(context.Background(), bot.Delivery{Notice: n, Attempt: 2})
			for deadline := time.Now().Add(10 * time.Second); errors.Is(err, line.ErrClaimed) && time.Now().Before(deadline); {
				time.Sleep(c.ClaimTTL / 4)
				err = s.Notify(context.Background(), bot.Delivery{Notice: n, Attempt: 2})
			}
			if err != nil {
				t.Fatalf("the retry after the crash: %v, want the notice delivered", err)
			}
			pushes, accepted := api.Requests(pushPath), api.Accepted(pushPath)
			if len(pushes) != 2 || len(accepted) != 1 {
				t.Fatalf("LINE received %d pushes and took %d; want 2 (the killed one and the retry) and 1: the clinic has the receipt once",
					len(pushes), len(accepted))
			}
			for _, p := range pushes {
				if k := p.Header.Get("X-Line-Retry-Key"); k != n.ID || !strings.Contains(string(p.Body), "R-20221115-0042") {
					t.Fatalf("push with retry key %q: %s; want the receipt with the notice's key", k, p.Body)
				}
			}
		})
	}
}

// killWhileHeld starts a process that pushes c.Notice and kills it once its push is held
// at gate.
func killWhileHeld(t *testing.T, c child, gate *bottest.Gate) {
	t.Helper()
	env, _ := json.Marshal(c)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+string(env))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case <-gate.Arrived:
	case err := <-exited:
		t.Fatalf("the pushing process ended before its push arrived: %v", err)
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the pushing process's push never arrived")
	}
	cmd.Process.Kill()
	<-exited
}

// marksStores are the stores a sender keeps its marks in: in memory, and in a real Redis.
func marksStores(t *testing.T) []struct {
	name string
	open func(t *testing.T) line.Marks
} {
	srv := redistest.Start(t)
	return []struct {
		name string
		open func(t *testing.T) line.Marks
	}{
		{"memory", func(*testing.T) line.Marks { return store.NewMemory(nil) }},
		{"redis", func(t *testing.T) line.Marks { return openRedisMarks(t, srv.URL, "test:line:"+rand.Text()[:8]) }},
	}
}

// Two workers with the same notice at once: the second finds the first's push under
// way, says so (the outbox retries it; it is neither delivered nor parked), and LINE gets
// one push. Once the first is through, the notice is delivered for everyone.
func TestConcurrentNotifyPushesOnce(t *testing.T) {
	for _, ms := range marksStores(t) {
		t.Run(ms.name, func(t *testing.T) {
			api := bottest.NewLINEAPI(t)
			gate := api.Hold(pushPath)
			marks := ms.open(t)
			first, second := newSender(t, api.URL, quiet), newSender(t, api.URL, quiet)
			t.Cleanup(first.Close)
			t.Cleanup(second.Close)
			first.Marks, second.Marks = marks, marks
			n := receiptNotice()
			done := make(chan error, 1)
			go func() { done <- first.Notify(context.Background(), bot.Delivery{Notice: n, Attempt: 1}) }()
			receive(t, gate.Arrived, "the first worker's push")

			err := second.Notify(context.Background(), bot.Delivery{Notice: n, Attempt: 1})
			if !errors.Is(err, line.ErrClaimed) || !errors.Is(err, bot.ErrNotYet) || errors.Is(err, bot.ErrPermanent) {
				t.Fatalf("the second worker's Notify while the first pushes: %v; want line.ErrClaimed, to be retried", err)
			}
			gate.Release()
			if err := receive(t, done, "the first worker"); err != nil {
				t.Fatalf("the first worker's Notify: %v", err)
			}
			if err := second.Notify(context.Background(), bot.Delivery{Notice: n, Attempt: 2}); err != nil {
				t.Fatalf("the second worker's retry: %v, want the notice delivered", err)
			}
			if pushes := api.Requests(pushPath); len(pushes) != 1 {
				t.Fatalf("LINE received %d pushes of the notice, want 1", len(pushes))
			}
		})
	}
}

// A receipt the reply token delivered is not pushed by the outbox when its push comes
// due.
func TestNotifyAfterReplyPushesNothing(t *testing.T) {
	for _, ms := range marksStores(t) {
		t.Run(ms.name, func(t *testing.T) {
			api := bottest.NewLINEAPI(t)
			s := newSender(t, api.URL, quiet)
			s.Marks = ms.open(t)
			n := receiptNotice()
			msgs := []bot.Message{{Text: n.Messages[0].Text, Queued: n.ID}}
			s.Send(bot.Event{ID: "01GHEVENT", Conversation: n.Conversation, Reply: "reply-1"}, msgs, time.Now())
			s.Close()
			if err := s.Notify(context.Background(), bot.Delivery{Notice: n, Attempt: 1}); err != nil {
				t.Fatalf("Notify: %v", err)
			}
			if r, p := api.Accepted("/v2/bot/message/reply"), api.Requests(pushPath); len(r) != 1 || len(p) != 0 {
				t.Fatalf("LINE took %d replies and received %d pushes; want the reply and no push", len(r), len(p))
			}
		})
	}
}

// forgetFails is the store, except that unmarking a key fails.
type forgetFails struct{ *store.Memory }

func (forgetFails) Forget(context.Context, string) error { return errors.New("store unavailable") }

// A failed push whose claim cannot be let go (the store failed at that moment) is not
// lost: its retries wait for the claim to expire, and then push it.
func TestPushClaimNotReleasedIsRetriedLater(t *testing.T) {
	d := newDurable(t)
	d.sender.Marks = forgetFails{d.store}
	d.api.Script(pushPath, bottest.Response{Status: 500, Body: `{"message":"oops"}`})
	n := receiptNotice()
	notify := func() error { return d.sender.Notify(context.Background(), bot.Delivery{Notice: n, Attempt: 1}) }
	if err := notify(); err == nil || errors.Is(err, bot.ErrPermanent) {
		t.Fatalf("Notify with LINE answering 500: %v, want an error to retry", err)
	}
	if err := notify(); !errors.Is(err, line.ErrClaimed) {
		t.Fatalf("a retry while the claim lasts: %v, want line.ErrClaimed", err)
	}
	d.clock.Advance(line.PushClaimTTL)
	if err := notify(); err != nil {
		t.Fatalf("a retry after the claim expired: %v, want the notice delivered", err)
	}
	if got := len(d.api.Accepted(pushPath)); got != 1 {
		t.Fatalf("LINE took %d pushes, want 1", got)
	}
}
