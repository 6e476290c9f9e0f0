package store_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"deskbot/bot"
	"deskbot/store"
	"deskbot/store/redistest"
)

// desk is a fake desk channel: notifiers post notices to it over HTTP, and it shows each
// notice once, however often it is posted — what the Slack notifier achieves by
// recording its posts, which bot.Notifier requires.
type desk struct {
	*httptest.Server
	mu    sync.Mutex
	posts []string // every post, by notice id
	shown []string // what the desk shows, each notice once
}

func newDesk(t *testing.T) *desk {
	d := &desk{}
	d.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var n bot.Notice
		if err := json.NewDecoder(r.Body).Decode(&n); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		d.mu.Lock()
		defer d.mu.Unlock()
		d.posts = append(d.posts, n.ID)
		if !contains(d.shown, n.ID) {
			d.shown = append(d.shown, n.ID)
		}
	}))
	t.Cleanup(d.Close)
	return d
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func (d *desk) seen() (posts, shown []string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.posts...), append([]string(nil), d.shown...)
}

// deskNotifier posts notices to a desk.
type deskNotifier struct{ url string }

func (n deskNotifier) Notify(ctx context.Context, d bot.Delivery) error {
	b, _ := json.Marshal(d.Notice)
	req, _ := http.NewRequestWithContext(ctx, "POST", n.url, strings.NewReader(string(b)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("desk: %s", resp.Status)
	}
	return nil
}

// Environment of the worker process TestRedisWorkerKilled starts.
const (
	envWorkerRedis  = "DESKBOT_TEST_WORKER_REDIS"
	envWorkerPrefix = "DESKBOT_TEST_WORKER_PREFIX"
	envWorkerDesk   = "DESKBOT_TEST_WORKER_DESK"
	envWorkerMode   = "DESKBOT_TEST_WORKER_MODE"
	workerLease     = 500 * time.Millisecond
)

// TestRedisWorkerProcess is not a test of its own: it is the doomed worker process of
// TestRedisWorkerKilled. It claims notices, posts them to the desk or not (by mode),
// says "holding <id>" on stdout and hangs there, before acknowledging, until killed.
func TestRedisWorkerProcess(t *testing.T) {
	url := os.Getenv(envWorkerRedis)
	if url == "" {
		t.Skip("the worker process of TestRedisWorkerKilled")
	}
	st, err := store.OpenRedis(url, store.RedisOptions{Prefix: os.Getenv(envWorkerPrefix)})
	if err != nil {
		t.Fatal(err)
	}
	notify := func(ctx context.Context, d bot.Delivery) error {
		if os.Getenv(envWorkerMode) == "after-notifying" {
			if err := (deskNotifier{os.Getenv(envWorkerDesk)}).Notify(ctx, d); err != nil {
				return err
			}
		}
		fmt.Printf("holding %s\n", d.ID)
		select {} // killed here, before Worker acknowledges
	}
	w := &bot.Worker{Outbox: st, Notifier: notifierFunc(notify), Name: "doomed", Lease: workerLease, Poll: 50 * time.Millisecond}
	w.Run(context.Background())
}

type notifierFunc func(context.Context, bot.Delivery) error

func (f notifierFunc) Notify(ctx context.Context, d bot.Delivery) error { return f(ctx, d) }

// claims records the attempt numbers of the deliveries claimed through it.
type claims struct {
	bot.Outbox
	mu       sync.Mutex
	attempts []int
}

func (c *claims) Claim(ctx context.Context, consumer string, max int, lease time.Duration) ([]bot.Delivery, error) {
	ds, err := c.Outbox.Claim(ctx, consumer, max, lease)
	c.mu.Lock()
	for _, d := range ds {
		c.attempts = append(c.attempts, d.Attempt)
	}
	c.mu.Unlock()
	return ds, err
}

// A worker process killed (SIGKILL) after claiming a report and before acknowledging
// it — before posting it, or after — leaves it to another worker once its lease runs
// out; that worker delivers it, and the desk shows it once.
func TestRedisWorkerKilled(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	for _, mode := range []string{"before-notifying", "after-notifying"} {
		t.Run(mode, func(t *testing.T) {
			prefix := testPrefix(t)
			st := openRedis(t, srv.URL, nil, prefix)
			d := newDesk(t)
			ctx := context.Background()
			e := bot.NewEngine(bot.Config{Store: st, Brain: counter{}})
			if _, err := e.Handle(ctx, testEvent("line:Ukilled", "report")); err != nil {
				t.Fatal(err)
			}

			id := runDoomedWorker(t, srv.URL, prefix, d.URL, mode)

			survivor := &claims{Outbox: st}
			w := &bot.Worker{Outbox: survivor, Notifier: deskNotifier{d.URL}, Name: "survivor", Lease: time.Minute}
			// The survivor polls, as Worker.Run does, until it has delivered something.
			for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
				n, err := w.Drain(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if n > 0 {
					break
				}
			}
			posts, shown := d.seen()
			if fmt.Sprint(shown) != "["+id+"]" {
				t.Fatalf("the desk shows %v, want %s once", shown, id)
			}
			wantPosts := 1
			if mode == "after-notifying" {
				wantPosts = 2 // the dead worker's post and the survivor's; the desk shows one
			}
			if len(posts) != wantPosts {
				t.Errorf("%d posts to the desk, want %d", len(posts), wantPosts)
			}
			if fmt.Sprint(survivor.attempts) != "[2]" {
				t.Errorf("the survivor's attempts %v, want [2]", survivor.attempts)
			}
			if n, err := st.Pending(ctx); err != nil || n != 0 {
				t.Errorf("Pending = %d, %v; want 0", n, err)
			}
		})
	}
}

// runDoomedWorker starts TestRedisWorkerProcess, waits until it holds a notice, kills it
// and returns the notice's id.
func runDoomedWorker(t *testing.T, url, prefix, deskURL, mode string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestRedisWorkerProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), envWorkerRedis+"="+url, envWorkerPrefix+"="+prefix,
		envWorkerDesk+"="+deskURL, envWorkerMode+"="+mode)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	held := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if id, ok := strings.CutPrefix(sc.Text(), "holding "); ok {
				held <- id
				return
			}
		}
		close(held)
	}()
	select {
	case id, ok := <-held:
		if !ok {
			t.Fatal("the worker process ended without claiming the notice")
		}
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		return id
	case <-time.After(15 * time.Second):
		t.Fatal("the worker process did not claim the notice")
	}
	return ""
}

// limited is a rate limit answer: wait after, not counted as an attempt.
type limited time.Duration

func (l limited) Error() string             { return "429" }
func (l limited) RetryAfter() time.Duration { return time.Duration(l) }

// On Redis, a notice that fails many more times than the old limit of ten attempts is
// still retried, not parked, and delivered once; rate limits between the failures do
// not count as attempts.
func TestRedisWorkerRetriesPastTenFailures(t *testing.T) {
	srv := redistest.Start(t)
	st := openRedis(t, srv.URL, nil, testPrefix(t))
	ctx := context.Background()
	if err := st.AddNotices(ctx, bot.Notice{ID: "N-stubborn", Kind: bot.NoticeHandoff, Conversation: "line:U1"}); err != nil {
		t.Fatal(err)
	}
	var attempts []int
	calls := 0
	notify := func(_ context.Context, d bot.Delivery) error {
		calls++
		attempts = append(attempts, d.Attempt)
		switch {
		case calls%3 == 0 && calls < 45:
			return limited(time.Millisecond)
		case calls < 45:
			return fmt.Errorf("slack: 503")
		}
		return nil
	}
	w := &bot.Worker{Outbox: st, Notifier: notifierFunc(notify), Name: "w", Backoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond,
		Log: slog.New(slog.DiscardHandler)}
	deadline := time.Now().Add(30 * time.Second)
	for calls < 45 && time.Now().Before(deadline) {
		if _, err := w.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Millisecond) // Redis's clock runs the retry delays
	}
	if calls != 45 {
		t.Fatalf("%d calls in 30s, want 45", calls)
	}
	if dead, _ := st.DeadLetters(ctx); len(dead) != 0 {
		t.Fatalf("parked after %d failures: %+v", calls-1, dead)
	}
	if n, _ := st.Pending(ctx); n != 0 {
		t.Fatalf("%d notices left", n)
	}
	// 44 failures, a third of them rate limits: the attempt counts only the others.
	if last := attempts[len(attempts)-1]; last != 31 {
		t.Errorf("attempt %d at the delivery, want 31 (30 failures counted, 14 rate limits not): %v", last, attempts)
	}
}
