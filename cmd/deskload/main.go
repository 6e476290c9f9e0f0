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
	"sync"
	"sync/atomic"
	"time"
)

// script is what each simulated clinic types: the whole quote checklist, then the menu.
var script = []string{"メニュー", "見積チェック", "診療所", "さくらシステム", "対応できる", "なし", "50万円",
	"月額1万5千円", "LAN配線", "端末設置", "3か月", "メニュー"}

func main() {
	var (
		target   = flag.String("target", "", "base URL of a running deskbot (loopback), e.g. http://127.0.0.1:8080")
		bin      = flag.String("bin", "", "deskbot binary to start instead of -target")
		sinkAddr = flag.String("sink", "127.0.0.1:0", "address of the stand-in LINE API (loopback)")
		secret   = flag.String("secret", "deskload-secret", "LINE channel secret the server uses")
		users    = flag.Int("users", 100, "simulated clinics, each a conversation")
		rounds   = flag.Int("rounds", 1, "times each clinic goes through the script")
		workers  = flag.Int("concurrency", 32, "clinics talking at once")
		limit    = flag.Duration("max", 2*time.Minute, "stop after this long whatever is left")
	)
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, *limit)
	defer cancel()
	if err := run(ctx, *target, *bin, *sinkAddr, *secret, *users, *rounds, *workers); err != nil {
		fmt.Fprintln(os.Stderr, "deskload:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, target, bin, sinkAddr, secret string, users, rounds, workers int) error {
	sink, err := newSink(sinkAddr)
	if err != nil {
		return err
	}
	defer sink.Close()
	if bin != "" {
		addr, err := freeLoopback()
		if err != nil {
			return err
		}
		srv, err := startServer(ctx, bin, addr, secret, sink.URL())
		if err != nil {
			return err
		}
		defer srv.stop()
		target = "http://" + addr
	}
	if err := loopbackOnly(target); err != nil {
		return err
	}
	fmt.Printf("target %s, LINE stand-in %s, %d clinics × %d rounds × %d messages, %d at once\n",
		target, sink.URL(), users, rounds, len(script), workers)

	var (
		acks, replies []time.Duration
		mu            sync.Mutex
		failures      atomic.Int64
		next          atomic.Int64
		wg            sync.WaitGroup
	)
	client := &http.Client{Timeout: 30 * time.Second}
	// Users and event ids are new each run: a store kept from an earlier run would take
	// the same ids for redeliveries and rightly not answer them.
	run := strconv.FormatInt(time.Now().UnixNano()%1e9, 36)
	start := time.Now()
	for range workers {
		wg.Go(func() {
			for {
				u := int(next.Add(1)) - 1
				if u >= users || ctx.Err() != nil {
					return
				}
				user := fmt.Sprintf("Uload%s%08d", run, u)
				for r := range rounds {
					for i, text := range script {
						token := fmt.Sprintf("%s-%d-%d", user, r, i)
						ack, reply, err := send(ctx, client, target, secret, sink, user, token, text)
						if err != nil {
							failures.Add(1)
							if ctx.Err() != nil {
								return
							}
							continue
						}
						mu.Lock()
						acks, replies = append(acks, ack), append(replies, reply)
						mu.Unlock()
					}
				}
			}
		})
	}
	wg.Wait()
	took := time.Since(start)
	fmt.Printf("events %d in %s: %.0f events/s, %d failed\n", len(acks), took.Round(time.Millisecond),
		float64(len(acks))/took.Seconds(), failures.Load())
	report("webhook acknowledged", acks)
	report("reply at LINE", replies)
	return nil
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
func startServer(ctx context.Context, bin, addr, secret, sinkURL string) (*server, error) {
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "DESKBOT_ADDR="+addr, "LINE_CHANNEL_SECRET="+secret,
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
