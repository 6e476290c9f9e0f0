// Command deskload measures a running deskbot the way LINE uses it: simulated clinics send
// signed webhooks to /webhooks/line and wait for each reply at a local stand-in of the
// Messaging API, and the tool reports events per second and latency percentiles.
//
// It only ever talks to loopback addresses. Either point it at a server you started with
// LINE_API_BASE_URL set to the sink address, or let it start one (-bin), which it
// configures itself (REDIS_URL is passed through):
//
//	go build -o /tmp/deskbot ./cmd/deskbot
//	go run ./cmd/deskload -bin /tmp/deskbot -users 200 -rounds 2
//
// With -mode both it also runs a minimal LINE bot built into deskload (verify, parse,
// dedupe, GET + SET session, reply; see serveBaseline) on the same Redis, alternating
// with deskbot -repeat times, and prints deskbot's events per second as a ratio of the
// minimal bot's, with the CPU each server and Redis spent per event:
//
//	go build -o /tmp/deskload ./cmd/deskload
//	REDIS_URL=redis://127.0.0.1:16379/0 /tmp/deskload -bin /tmp/deskbot -mode both -repeat 3 \
//	    -users 10000 -events 20000 -concurrency 64
package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// script is what each simulated clinic types: the whole quote checklist, then the menu.
var script = []string{"メニュー", "見積チェック", "診療所", "さくらシステム", "対応できる", "なし", "50万円",
	"月額1万5千円", "LAN配線", "端末設置", "3か月", "メニュー"}

func main() {
	if addr := os.Getenv(baselineEnv); addr != "" {
		if err := serveBaseline(addr); err != nil {
			fmt.Fprintln(os.Stderr, "deskload baseline:", err)
			os.Exit(1)
		}
		return
	}
	var o options
	flag.StringVar(&o.target, "target", "", "base URL of a running deskbot (loopback), e.g. http://127.0.0.1:8080")
	flag.StringVar(&o.bin, "bin", "", "deskbot binary to start instead of -target")
	flag.StringVar(&o.mode, "mode", "deskbot", "what to load: deskbot, baseline (the minimal bot built in), or both, alternating")
	flag.IntVar(&o.repeat, "repeat", 1, "runs of each mode; with -mode both they alternate, deskbot first")
	flag.StringVar(&o.sinkAddr, "sink", "127.0.0.1:0", "address of the stand-in LINE API (loopback)")
	flag.StringVar(&o.secret, "secret", "deskload-secret", "LINE channel secret the server uses")
	flag.IntVar(&o.users, "users", 100, "simulated clinics, each a conversation")
	flag.IntVar(&o.rounds, "rounds", 1, "times each clinic goes through the script")
	flag.IntVar(&o.events, "events", 0, "stop after this many events (0: users × rounds × script)")
	flag.IntVar(&o.workers, "concurrency", 32, "clinics talking at once")
	limit := flag.Duration("max", 2*time.Minute, "stop a run after this long whatever is left")
	flag.Parse()
	ctx, stop := signalContext()
	defer stop()
	o.limit = *limit
	if err := runAll(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "deskload:", err)
		os.Exit(1)
	}
}

func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt)
}

type options struct {
	target, bin, mode, sinkAddr, secret    string
	repeat, users, rounds, events, workers int
	limit                                  time.Duration
}

// result is what one run measured.
type result struct {
	mode                string
	events, failed      int
	took                time.Duration
	acks, replies       []time.Duration
	serverCPU, redisCPU time.Duration // -1 when unknown
}

func (r result) rate() float64 { return float64(r.events) / r.took.Seconds() }

func runAll(ctx context.Context, o options) error {
	var modes []string
	switch o.mode {
	case "deskbot", "baseline":
		modes = []string{o.mode}
	case "both":
		modes = []string{"deskbot", "baseline"}
	default:
		return fmt.Errorf("-mode %q: want deskbot, baseline or both", o.mode)
	}
	if o.mode != "deskbot" {
		if o.target != "" {
			return errors.New("-mode baseline and both start their servers: give -bin, not -target")
		}
		if url := os.Getenv("REDIS_URL"); url == "" || !isLoopbackRedis(url) {
			return errors.New("the baseline needs REDIS_URL on a loopback address (both bots use it)")
		}
	}
	if o.mode == "both" && o.bin == "" {
		return errors.New("-mode both needs -bin")
	}
	var results []result
	for i := range o.repeat {
		for _, m := range modes {
			rctx, cancel := context.WithTimeout(ctx, o.limit)
			r, err := run(rctx, o, m)
			cancel()
			if err != nil {
				return fmt.Errorf("%s run %d: %w", m, i+1, err)
			}
			results = append(results, r)
		}
	}
	if o.mode == "both" {
		summarize(results)
	}
	return nil
}

func run(ctx context.Context, o options, mode string) (result, error) {
	res := result{mode: mode, serverCPU: -1, redisCPU: -1}
	sink, err := newSink(o.sinkAddr)
	if err != nil {
		return res, err
	}
	defer sink.Close()
	target := o.target
	var srv *server
	if mode == "baseline" || o.bin != "" {
		addr, err := freeLoopback()
		if err != nil {
			return res, err
		}
		bin, env := o.bin, []string{}
		if mode == "baseline" {
			if bin, err = os.Executable(); err != nil {
				return res, err
			}
			env = append(env, baselineEnv+"="+addr)
		}
		srv, err = startServer(ctx, bin, addr, o.secret, sink.URL(), env)
		if err != nil {
			return res, err
		}
		defer srv.stop()
		target = "http://" + addr
	}
	if err := loopbackOnly(target); err != nil {
		return res, err
	}
	total := o.users * o.rounds * len(script)
	if o.events > 0 {
		total = min(total, o.events)
	}
	fmt.Printf("%s: target %s, LINE stand-in %s, %d clinics × %d rounds × %d messages, %d events, %d at once\n",
		mode, target, sink.URL(), o.users, o.rounds, len(script), total, o.workers)

	var (
		mu       sync.Mutex
		failures atomic.Int64
		sent     atomic.Int64
		wg       sync.WaitGroup
	)
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: o.workers}}
	// Users and event ids are new each run: a store kept from an earlier run would take
	// the same ids for redeliveries and rightly not answer them.
	runID := strconv.FormatInt(time.Now().UnixNano()%1e9, 36)
	cpu0, rcpu0 := srv.cpu(), redisCPU(ctx)
	start := time.Now()
	// Worker w owns users w, w+W, w+2W…: each user's messages go one after the other, and
	// every user takes a step before any takes the next, so -events below the full script
	// still spreads over all the users.
	for w := range o.workers {
		wg.Go(func() {
			for step := range o.rounds * len(script) {
				for u := w; u < o.users; u += o.workers {
					if sent.Add(1) > int64(total) || ctx.Err() != nil {
						return
					}
					user := fmt.Sprintf("Uload%s%08d", runID, u)
					token := fmt.Sprintf("%s-%d", user, step)
					ack, reply, err := send(ctx, client, target, o.secret, sink, user, token, script[step%len(script)])
					if err != nil {
						failures.Add(1)
						continue
					}
					mu.Lock()
					res.acks, res.replies = append(res.acks, ack), append(res.replies, reply)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	res.took = time.Since(start)
	if c := srv.cpu(); c >= 0 && cpu0 >= 0 {
		res.serverCPU = c - cpu0
	}
	if c := redisCPU(ctx); c >= 0 && rcpu0 >= 0 {
		res.redisCPU = c - rcpu0
	}
	res.events, res.failed = len(res.acks), int(failures.Load())
	fmt.Printf("events %d in %s: %.0f events/s, %d failed%s\n", res.events, res.took.Round(time.Millisecond),
		res.rate(), res.failed, cpuLine(res))
	report("webhook acknowledged", res.acks)
	report("reply at LINE", res.replies)
	return res, nil
}

// cpuLine is the CPU per event of the server and of Redis, when known.
func cpuLine(r result) string {
	if r.events == 0 {
		return ""
	}
	s := ""
	if r.serverCPU >= 0 {
		s += fmt.Sprintf(", server CPU %.3f ms/event", perEvent(r.serverCPU, r.events))
	}
	if r.redisCPU >= 0 {
		s += fmt.Sprintf(", Redis CPU %.3f ms/event", perEvent(r.redisCPU, r.events))
	}
	return s
}

func perEvent(d time.Duration, n int) float64 { return float64(d.Microseconds()) / 1000 / float64(n) }

// summarize prints each deskbot run against the baseline run after it, and the range.
func summarize(rs []result) {
	fmt.Println()
	fmt.Println("| run | deskbot ev/s | baseline ev/s | ratio | deskbot p50 / p99 reply | baseline p50 / p99 reply | deskbot CPU ms/ev (server + Redis) | baseline CPU ms/ev (server + Redis) |")
	fmt.Println("|---|---|---|---|---|---|---|---|")
	var ratios []float64
	for i := 0; i+1 < len(rs); i += 2 {
		d, b := rs[i], rs[i+1]
		ratio := d.rate() / b.rate()
		ratios = append(ratios, ratio)
		fmt.Printf("| %d | %.0f | %.0f | %.2f× | %s / %s | %s / %s | %.3f + %.3f | %.3f + %.3f |\n", i/2+1,
			d.rate(), b.rate(), ratio, pct(d.replies, .5), pct(d.replies, .99), pct(b.replies, .5), pct(b.replies, .99),
			perEvent(d.serverCPU, max(d.events, 1)), perEvent(d.redisCPU, max(d.events, 1)),
			perEvent(b.serverCPU, max(b.events, 1)), perEvent(b.redisCPU, max(b.events, 1)))
	}
	if len(ratios) > 0 {
		fmt.Printf("\nratio deskbot / baseline: %.2f× – %.2f× over %d alternating pairs\n", slices.Min(ratios), slices.Max(ratios), len(ratios))
	}
}

func pct(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, int(q*float64(len(s))))].Round(100 * time.Microsecond)
}

// send posts one signed text event and waits for its reply at the sink.
func send(ctx context.Context, c *http.Client, target, secret string, s *sink, user, token, text string) (ack, reply time.Duration, err error) {
	body, _ := json.Marshal(map[string]any{"destination": "Ubot", "events": []any{map[string]any{
		"type": "message", "mode": "active", "timestamp": time.Now().UnixMilli(),
		"source":          map[string]any{"type": "user", "userId": user},
		"webhookEventId":  "load-" + token,
		"deliveryContext": map[string]any{"isRedelivery": false},
		"replyToken":      token,
		"message":         map[string]any{"type": "text", "id": token, "text": text, "quoteToken": "q"},
	}}})
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	got := s.expect(token)
	defer s.forget(token)
	req, _ := http.NewRequestWithContext(ctx, "POST", target+"/webhooks/line", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Line-Signature", base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	start := time.Now()
	resp, err := c.Do(req)
	if err != nil {
		return 0, 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	ack = time.Since(start)
	if resp.StatusCode != http.StatusOK {
		return 0, 0, fmt.Errorf("status %d", resp.StatusCode)
	}
	select {
	case <-got:
		return ack, time.Since(start), nil
	case <-time.After(20 * time.Second):
		return 0, 0, errors.New("no reply")
	case <-ctx.Done():
		return 0, 0, ctx.Err()
	}
}

func report(what string, ds []time.Duration) {
	if len(ds) == 0 {
		fmt.Printf("%-22s no samples\n", what)
		return
	}
	slices.Sort(ds)
	p := func(q float64) time.Duration { return ds[min(len(ds)-1, int(q*float64(len(ds))))] }
	fmt.Printf("%-22s p50 %-9s p90 %-9s p99 %-9s max %s\n", what,
		p(.50).Round(time.Microsecond*10), p(.90).Round(time.Microsecond*10), p(.99).Round(time.Microsecond*10), ds[len(ds)-1].Round(time.Microsecond*10))
}

// sink stands in for the Messaging API: it accepts replies and pushes and signals the
// reply token each one answers.
type sink struct {
	ln  net.Listener
	srv *http.Server

	mu      sync.Mutex
	waiting map[string]chan struct{}
}

func newSink(addr string) (*sink, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &sink{ln: ln, waiting: map[string]chan struct{}{}}
	s.srv = &http.Server{Handler: http.HandlerFunc(s.serve), ReadHeaderTimeout: 5 * time.Second}
	go s.srv.Serve(ln)
	return s, nil
}

func (s *sink) URL() string { return "http://" + s.ln.Addr().String() }
func (s *sink) Close()      { s.srv.Close() }

func (s *sink) expect(token string) <-chan struct{} {
	c := make(chan struct{}, 1)
	s.mu.Lock()
	s.waiting[token] = c
	s.mu.Unlock()
	return c
}

func (s *sink) forget(token string) {
	s.mu.Lock()
	delete(s.waiting, token)
	s.mu.Unlock()
}

func (s *sink) serve(w http.ResponseWriter, r *http.Request) {
	var body struct {
		ReplyToken string `json:"replyToken"`
	}
	json.NewDecoder(r.Body).Decode(&body)
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, "{}")
	s.mu.Lock()
	c := s.waiting[body.ReplyToken]
	s.mu.Unlock()
	if c != nil {
		select {
		case c <- struct{}{}:
		default:
		}
	}
}

type server struct {
	cmd  *exec.Cmd
	done chan error
}

// startServer runs deskbot serve on addr, configured for the sink, and waits until it is
// ready.
func startServer(ctx context.Context, bin, addr, secret, sinkURL string, env []string) (*server, error) {
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(append(os.Environ(), env...), "DESKBOT_ADDR="+addr, "LINE_CHANNEL_SECRET="+secret,
		"LINE_CHANNEL_ACCESS_TOKEN=load", "LINE_API_BASE_URL="+sinkURL, "DESKBOT_LOG_LEVEL=warn")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, done: make(chan error, 1)}
	go func() { s.done <- cmd.Wait() }()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get("http://" + addr + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		select {
		case err := <-s.done:
			return nil, fmt.Errorf("deskbot exited: %v", err)
		case <-ctx.Done():
			s.stop()
			return nil, ctx.Err()
		default:
		}
	}
	s.stop()
	return nil, errors.New("deskbot did not become ready")
}

// cpu is the user and system CPU the server used so far (Linux), or -1.
func (s *server) cpu() time.Duration {
	if s == nil {
		return -1
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		return -1
	}
	// The fields after the command name (which may hold spaces) start at state, the 3rd;
	// utime and stime are the 14th and 15th, in clock ticks of 1/100 s.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return -1
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return -1
	}
	return time.Duration(ut+st) * 10 * time.Millisecond
}

// redisCPU is the CPU Redis at REDIS_URL used so far (INFO cpu), or -1.
func redisCPU(ctx context.Context) time.Duration {
	url := os.Getenv("REDIS_URL")
	if url == "" || !isLoopbackRedis(url) {
		return -1
	}
	o, err := redis.ParseURL(url)
	if err != nil {
		return -1
	}
	rdb := redis.NewClient(o)
	defer rdb.Close()
	info, err := rdb.Info(ctx, "cpu").Result()
	if err != nil {
		return -1
	}
	var total float64
	for _, line := range strings.Split(info, "\n") {
		k, v, _ := strings.Cut(strings.TrimSpace(line), ":")
		if k == "used_cpu_sys" || k == "used_cpu_user" {
			f, _ := strconv.ParseFloat(v, 64)
			total += f
		}
	}
	return time.Duration(total * float64(time.Second))
}

func (s *server) stop() {
	s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
	}
}

func freeLoopback() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// loopbackOnly refuses targets that are not on this machine.
func loopbackOnly(target string) error {
	u, err := url.Parse(target)
	if err != nil || u.Host == "" {
		return fmt.Errorf("target %q: want http://127.0.0.1:PORT", target)
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("target %q is not a loopback address; deskload only loads this machine", target)
}
