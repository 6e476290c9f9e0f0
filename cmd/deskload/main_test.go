package main

import (
	"context"
	"os"
	"testing"
	"time"

	"deskbot/store/redistest"
)

// TestMain lets the test binary be the minimal bot when run starts it as such, as the
// deskload binary is.
func TestMain(m *testing.M) {
	if addr := os.Getenv(baselineEnv); addr != "" {
		if err := serveBaseline(addr); err != nil {
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// The built-in minimal bot answers every event once, through a real Redis and the
// stand-in LINE API, and the run measures its CPU and Redis's.
func TestBaselineRun(t *testing.T) {
	srv := redistest.Start(t)
	t.Setenv("REDIS_URL", srv.URL)
	o := options{mode: "baseline", sinkAddr: "127.0.0.1:0", secret: "s", users: 30, rounds: 1, events: 50, workers: 4, repeat: 1,
		limit: time.Minute}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	r, err := run(ctx, o, "baseline")
	if err != nil {
		t.Fatal(err)
	}
	if r.events != 50 || r.failed != 0 || len(r.replies) != 50 {
		t.Fatalf("%d events answered, %d failed; want all 50 answered", r.events, r.failed)
	}
	if r.serverCPU < 0 || r.redisCPU < 0 {
		t.Errorf("CPU not measured: server %v, Redis %v", r.serverCPU, r.redisCPU)
	}
}

// Misused flags are refused before anything starts.
func TestRunAllRefusesMisuse(t *testing.T) {
	t.Setenv("REDIS_URL", "redis://127.0.0.1:1/0")
	for _, o := range []options{{mode: "both", repeat: 1}, {mode: "fast", repeat: 1}, {mode: "baseline", target: "http://127.0.0.1:1", repeat: 1}} {
		if err := runAll(context.Background(), o); err == nil {
			t.Errorf("runAll(%+v) accepted", o)
		}
	}
	t.Setenv("REDIS_URL", "redis://redis.example.com:6379/0")
	if err := runAll(context.Background(), options{mode: "baseline", repeat: 1}); err == nil {
		t.Error("a Redis that is not on this machine was accepted")
	}
}
