package store_test

import (
	"context"
	"testing"
	"time"

	"deskbot/bot"
	"deskbot/bot/bottest"
	"deskbot/store"
	"deskbot/store/redistest"
)

// Redis comes back empty between two reports (a restart without persistence, as a flush
// or a failover to a lagging replica would leave it): the next report does not get the
// number of the first again — not from this process, which remembers the last number it
// drew, nor from another that starts afresh later, whose floor is the time of day.
func TestReceiptsNeverRepeatAfterRedisLosesItsData(t *testing.T) {
	srv := redistest.Start(t, redistest.Own())
	clock := bottest.NewClock(time.Date(2022, 11, 15, 10, 0, 0, 0, bot.JST))
	open := func() *store.Redis {
		st, err := store.OpenRedis(srv.URL, store.RedisOptions{Now: clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	ctx := context.Background()
	st := open()
	e := bot.NewEngine(bot.Config{Store: st, Brain: counter{}, Now: clock.Now})
	report := func(e *bot.Engine, conv string) string {
		t.Helper()
		if _, err := e.Handle(ctx, testEvent(conv, "report")); err != nil {
			t.Fatal(err)
		}
		ds, err := st.Claim(ctx, "w", 10, time.Minute)
		if err != nil || len(ds) != 1 {
			t.Fatalf("Claim = %+v, %v; want the report", ds, err)
		}
		if err := st.Ack(ctx, ds[0]); err != nil {
			t.Fatal(err)
		}
		return ds[0].ID
	}
	first := report(e, "line:Ufirst")
	srv.Restart() // no AOF, no RDB: every key is gone
	if n, _ := st.Client().DBSize(ctx).Result(); n != 0 {
		t.Fatalf("Redis kept %d keys over the restart; the test needs it empty", n)
	}
	second := report(e, "line:Usecond")
	if first == second {
		t.Fatalf("the same receipt number %s after Redis lost its data", first)
	}

	// Another process, thirty seconds on, after another loss.
	srv.Restart()
	clock.Advance(30 * time.Second)
	st = open()
	third := report(bot.NewEngine(bot.Config{Store: st, Brain: counter{}, Now: clock.Now}), "line:Uthird")
	if third == first || third == second {
		t.Fatalf("receipt %s repeats one of %s, %s", third, first, second)
	}
	t.Logf("receipts across two losses of Redis's data: %s, %s, %s", first, second, third)
}

// A counter rolled back under the numbers still recorded (a failover to a replica that
// missed the last increments) steps past them.
func TestReceiptsStepPastRecordedNumbers(t *testing.T) {
	srv := redistest.Start(t)
	prefix := testPrefix(t)
	st := openRedis(t, srv.URL, nil, prefix)
	ctx := context.Background()
	var got []int64
	for range 3 {
		n, err := st.NextReceipt(ctx, "20221115")
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, n)
	}
	// The counter goes back to 1, the numbers drawn stay recorded; a fresh handle on the
	// store (another process) has no memory of its own.
	if err := st.Client().Set(ctx, prefix+":{g}:receipt:20221115", 1, 0).Err(); err != nil {
		t.Fatal(err)
	}
	other := openRedis(t, srv.URL, nil, prefix)
	n, err := other.NextReceipt(ctx, "20221115")
	if err != nil {
		t.Fatal(err)
	}
	if n != 4 {
		t.Fatalf("after a rollback of %v: %d, want 4", got, n)
	}
}
