// Package redistest runs real redis-server processes for tests: one node, optionally with
// an append-only file so that it can be killed and restarted with its data, or a local
// three-node Redis Cluster. The processes listen on 127.0.0.1 only and are stopped when
// the test ends.
//
// With REDIS_URL set, Start returns that server instead (unless the test asks for its
// own); with REDIS_CLUSTER_ADDRS set, Cluster returns those addresses. Tests that share a
// server keep apart by key prefix.
//
// A missing redis-server is a test failure, not a skip: CI installs it (see .ci/run).
package redistest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Server is a Redis node for a test.
type Server struct {
	// URL is the node's redis:// URL, Addr its host:port.
	URL  string
	Addr string

	t      testing.TB
	own    bool
	args   []string // redis-server arguments, port included
	dir    string
	logf   string
	mu     sync.Mutex
	proc   *exec.Cmd
	exited chan struct{}
}

// Option changes what Start starts.
type Option func(*config)

type config struct {
	own, aof bool
}

// Own starts a server of the test's own even when REDIS_URL is set: for tests that stop,
// kill or restart it.
func Own() Option { return func(c *config) { c.own = true } }

// AOF turns the append-only file on, fsynced at every write (appendfsync always), in a
// temporary directory, so that Restart loses nothing. It implies Own.
func AOF() Option { return func(c *config) { c.own, c.aof = true, true } }

// Start returns a running Redis node: REDIS_URL's, or a redis-server of its own started
// with persistence off ("--save ” --appendonly no") unless AOF is given.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	var c config
	for _, o := range opts {
		o(&c)
	}
	if u := os.Getenv("REDIS_URL"); u != "" && !c.own {
		pu, err := url.Parse(u)
		if err != nil {
			t.Fatalf("redistest: REDIS_URL: %v", err)
		}
		return &Server{URL: u, Addr: pu.Host, t: t}
	}
	requireBinaries(t)
	dir := t.TempDir()
	persist := []string{"--appendonly", "no"}
	if c.aof {
		persist = []string{"--appendonly", "yes", "--appendfsync", "always"}
	}
	var lastErr error
	for range 5 { // a free port may be taken between choosing and binding it
		port, err := freePort(false)
		if err != nil {
			t.Fatalf("redistest: %v", err)
		}
		s := &Server{t: t, own: true, dir: dir, logf: filepath.Join(dir, "redis.log")}
		s.setPort(port)
		s.args = append([]string{"--port", strconv.Itoa(port)}, baseArgs(dir)...)
		s.args = append(s.args, persist...)
		if lastErr = s.start(); lastErr == nil {
			t.Cleanup(s.kill)
			return s
		}
	}
	t.Fatalf("redistest: redis-server did not start: %v", lastErr)
	return nil
}

func baseArgs(dir string) []string {
	return []string{"--bind", "127.0.0.1", "--save", "", "--dir", dir, "--daemonize", "no",
		"--protected-mode", "no", "--logfile", ""}
}

func (s *Server) setPort(port int) {
	s.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	s.URL = "redis://" + s.Addr + "/0"
}

// start runs redis-server with s.args and waits until it answers PING.
func (s *Server) start() error {
	logf, err := os.OpenFile(s.logf, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.Command("redis-server", s.args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start redis-server: %w", err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	s.mu.Lock()
	s.proc, s.exited = cmd, exited
	s.mu.Unlock()
	if err := waitPong(s.Addr, exited, 15*time.Second); err != nil {
		s.kill()
		return fmt.Errorf("%w\n%s", err, s.logTail())
	}
	return nil
}

// Stop shuts the server down as an operator would (SIGTERM: Redis flushes the
// append-only file) and waits until it is gone. Redis stays down until Restart.
func (s *Server) Stop() { s.signal(false) }

// Kill kills the server (SIGKILL), as a crash would, and waits until it is gone.
func (s *Server) Kill() { s.signal(true) }

func (s *Server) signal(hard bool) {
	s.t.Helper()
	if !s.own {
		s.t.Fatal("redistest: this test stops Redis: start it with redistest.Own() or AOF()")
	}
	s.mu.Lock()
	proc, exited := s.proc, s.exited
	s.mu.Unlock()
	if proc == nil {
		return
	}
	if hard {
		proc.Process.Kill()
	} else {
		proc.Process.Signal(sigterm)
	}
	select {
	case <-exited:
	case <-time.After(15 * time.Second):
		proc.Process.Kill()
		<-exited
	}
	s.mu.Lock()
	s.proc = nil
	s.mu.Unlock()
}

// Restart kills the server, if it runs, and starts it again on the same port and with
// the same directory: with AOF, with the data it had.
func (s *Server) Restart() {
	s.t.Helper()
	s.Kill()
	if err := s.start(); err != nil {
		s.t.Fatalf("redistest: restart: %v", err)
	}
}

// kill is the cleanup: the process goes, whatever the test did.
func (s *Server) kill() {
	s.mu.Lock()
	proc, exited := s.proc, s.exited
	s.proc = nil
	s.mu.Unlock()
	if proc != nil {
		proc.Process.Kill()
		<-exited
	}
}

func (s *Server) logTail() string {
	b, _ := os.ReadFile(s.logf)
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return "redis-server log:\n" + string(b)
}

// Cluster returns the addresses of a running Redis Cluster of three masters:
// REDIS_CLUSTER_ADDRS's, or three redis-servers of its own, joined with
// "redis-cli --cluster create" and waited for until every node reports cluster_state:ok
// and the nodes agree about the slots.
func Cluster(t testing.TB) []string {
	t.Helper()
	if a := os.Getenv("REDIS_CLUSTER_ADDRS"); a != "" {
		return strings.Split(a, ",")
	}
	requireBinaries(t)
	var nodes []*Server
	for i := range 3 {
		dir := t.TempDir()
		var s *Server
		var err error
		for range 5 {
			// The cluster bus listens on port+10000: both must be free, so below 55536.
			port, perr := freePort(true)
			if perr != nil {
				t.Fatalf("redistest: %v", perr)
			}
			s = &Server{t: t, own: true, dir: dir, logf: filepath.Join(dir, "redis.log")}
			s.setPort(port)
			s.args = append([]string{"--port", strconv.Itoa(port)}, baseArgs(dir)...)
			s.args = append(s.args, "--appendonly", "no", "--cluster-enabled", "yes",
				"--cluster-config-file", filepath.Join(dir, "nodes.conf"), "--cluster-node-timeout", "5000")
			if err = s.start(); err == nil {
				break
			}
		}
		if err != nil {
			t.Fatalf("redistest: cluster node %d did not start: %v", i, err)
		}
		t.Cleanup(s.kill)
		nodes = append(nodes, s)
	}
	addrs := make([]string, len(nodes))
	for i, n := range nodes {
		addrs[i] = n.Addr
	}
	args := append([]string{"--cluster", "create"}, addrs...)
	args = append(args, "--cluster-replicas", "0", "--cluster-yes")
	if out, err := exec.Command("redis-cli", args...).CombinedOutput(); err != nil {
		t.Fatalf("redistest: redis-cli --cluster create: %v\n%s", err, out)
	}
	if err := waitCluster(addrs, 30*time.Second); err != nil {
		t.Fatalf("redistest: %v", err)
	}
	return addrs
}

// waitCluster waits until every node says the cluster is ok with all slots covered by
// three known nodes, and redis-cli's check finds them in agreement.
func waitCluster(addrs []string, within time.Duration) error {
	deadline := time.Now().Add(within)
	var last string
	for time.Now().Before(deadline) {
		if last = clusterProblem(addrs); last == "" {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("cluster not ready after %v: %s", within, last)
}

func clusterProblem(addrs []string) string {
	for _, a := range addrs {
		host, port, _ := net.SplitHostPort(a)
		out, err := exec.Command("redis-cli", "-h", host, "-p", port, "cluster", "info").Output()
		if err != nil {
			return fmt.Sprintf("%s: cluster info: %v", a, err)
		}
		info := string(out)
		for _, want := range []string{"cluster_state:ok", "cluster_slots_ok:16384", "cluster_known_nodes:3"} {
			if !strings.Contains(info, want) {
				return fmt.Sprintf("%s: no %s", a, want)
			}
		}
	}
	out, _ := exec.Command("redis-cli", "--cluster", "check", addrs[0]).CombinedOutput()
	if !bytes.Contains(out, []byte("All nodes agree about slots configuration")) ||
		!bytes.Contains(out, []byte("All 16384 slots covered")) {
		return "redis-cli --cluster check: " + string(out)
	}
	return ""
}

func requireBinaries(t testing.TB) {
	t.Helper()
	for _, b := range []string{"redis-server", "redis-cli"} {
		if _, err := exec.LookPath(b); err != nil {
			t.Fatalf("redistest: %s is not on the PATH. The Redis tests run a real server: install it "+
				"(Debian: apt-get install redis-server; `bash .ci/run` does) or set REDIS_URL and "+
				"REDIS_CLUSTER_ADDRS to servers of your own.", b)
		}
	}
}

// freePort finds a port on 127.0.0.1 that is free now; for a cluster node, one below
// 55536 whose bus port (+10000) is free too.
func freePort(cluster bool) (int, error) {
	if !cluster {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, err
		}
		defer ln.Close()
		return ln.Addr().(*net.TCPAddr).Port, nil
	}
	for range 100 {
		port := 20000 + rand.N(35000)
		if free(port) && free(port+10000) {
			return port, nil
		}
	}
	return 0, errors.New("no free port pair for a cluster node")
}

func free(port int) bool {
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return false
	}
	ln.Close()
	return true
}

// waitPong waits until the server at addr answers PING with PONG (not LOADING), or its
// process exits.
func waitPong(addr string, exited <-chan struct{}, within time.Duration) error {
	deadline := time.Now().Add(within)
	for {
		select {
		case <-exited:
			return errors.New("redis-server exited")
		default:
		}
		if ping(addr) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("redis-server on %s did not answer PING within %v", addr, within)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func ping(addr string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return false
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return false
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	return err == nil && strings.HasPrefix(line, "+PONG")
}
