package store_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"deskbot/bot"
	"deskbot/bot/bottest"
	"deskbot/flows"
	"deskbot/flows/kb"
	"deskbot/store"
	"deskbot/store/redistest"
)

// meter is a go-redis hook that counts what a client costs Redis: commands, round trips
// (a pipeline or a transaction is one) and bytes on the wire, both ways.
type meter struct {
	cmds, trips, sent, received atomic.Int64
	// rdb and served: the commands Redis executed, as it counts them (INFO stats
	// total_commands_processed), those that scripts call included, since reset.
	rdb    redis.UniversalClient
	served int64
	// cpu is Redis's CPU time (user + system) at reset.
	cpu time.Duration
}

func (m *meter) DialHook(next redis.DialHook) redis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := next(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &countingConn{Conn: c, m: m}, nil
	}
}

func (m *meter) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		m.trips.Add(1)
		m.cmds.Add(1)
		return next(ctx, cmd)
	}
}

func (m *meter) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		m.trips.Add(1)
		m.cmds.Add(int64(len(cmds)))
		return next(ctx, cmds)
	}
}

// info is a number field of Redis's INFO section; the INFO that asks is not in it yet.
func (m *meter) info(section, field string) float64 {
	info, err := m.rdb.Info(context.Background(), section).Result()
	if err != nil {
		return 0
	}
	for line := range strings.Lines(info) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), field+":"); ok {
			n, _ := strconv.ParseFloat(v, 64)
			return n
		}
	}
	return 0
}

// processed is Redis's count of the commands it executed.
func (m *meter) processed() int64 { return int64(m.info("stats", "total_commands_processed")) }

// redisCPU is the CPU time Redis spent so far, user and system.
func (m *meter) redisCPU() time.Duration {
	s := m.info("cpu", "used_cpu_user") + m.info("cpu", "used_cpu_sys")
	return time.Duration(s * float64(time.Second))
}

func (m *meter) reset() {
	m.cpu = m.redisCPU()
	m.served = m.processed()
	m.cmds.Store(0)
	m.trips.Store(0)
	m.sent.Store(0)
	m.received.Store(0)
}

// report adds the counts per unit (an event, a session) to the benchmark's output.
func (m *meter) report(b *testing.B, units int, unit string) {
	n := float64(units)
	trips, cmds := m.trips.Load(), m.cmds.Load() // before the INFO below adds one of each
	served := m.processed() - m.served - 1       // the INFO of reset
	cpu := m.redisCPU() - m.cpu
	b.ReportMetric(float64(trips)/n, "roundtrips/"+unit)
	b.ReportMetric(float64(cmds)/n, "commands/"+unit)
	b.ReportMetric(float64(served)/n, "rediscmds/"+unit)
	b.ReportMetric(float64(m.sent.Load()+m.received.Load())/n, "wireB/"+unit)
	b.ReportMetric(float64(cpu.Microseconds())/n, "redisCPUµs/"+unit)
}

type countingConn struct {
	net.Conn
	m *meter
}

func (c *countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.m.received.Add(int64(n))
	return n, err
}

func (c *countingConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.m.sent.Add(int64(n))
	return n, err
}

// metered returns a store on a fresh server whose client is measured.
func metered(b *testing.B) (*store.Redis, *meter, string) {
	srv := redistest.Start(b)
	prefix := testPrefix(b)
	st := openRedis(b, srv.URL, nil, prefix)
	m := &meter{rdb: st.Client()}
	st.Client().AddHook(m) // before the first dial, so that every connection is counted
	return st, m, prefix
}

func quietEngine(st bot.Store, brain bot.Brain) *bot.Engine {
	return bot.NewEngine(bot.Config{Store: st, Brain: brain, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
}

// BenchmarkRedisEvent is the engine's cost per event over Redis: queue, lease, load,
// decide, commit, release, with dedupe ids — in round trips, commands and bytes on the
// wire per event, allocations, and events per second, one at a time and from parallel
// conversations.
func BenchmarkRedisEvent(b *testing.B) {
	b.Run("sequential", func(b *testing.B) {
		st, m, _ := metered(b)
		e := quietEngine(st, bottest.Checklist{})
		ctx := context.Background()
		event := func(i int) bot.Event {
			return bot.Event{ID: fmt.Sprintf("W%08d", i), Conversation: fmt.Sprintf("line:U%05d", i%100), Kind: bot.TextEvent,
				Text: "株式会社メディカルシステムズ", Reply: "nHuyWiB7yP5Zw52FIkcQobQuGDXCTA"}
		}
		for i := range 200 { // scripts loaded, connections dialed, sessions of typical size
			if _, err := e.Handle(ctx, event(-1-i)); err != nil {
				b.Fatal(err)
			}
		}
		m.reset()
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, err := e.Handle(ctx, event(i)); err != nil {
				b.Fatal(err)
			}
			i++
		}
		m.report(b, b.N, "event")
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	})
	b.Run("parallel", func(b *testing.B) {
		st, _, _ := metered(b)
		e := quietEngine(st, bottest.Checklist{})
		var conv atomic.Int64
		b.ReportAllocs()
		b.ResetTimer()
		start := time.Now()
		b.RunParallel(func(pb *testing.PB) {
			c := fmt.Sprintf("line:P%d", conv.Add(1))
			i := 0
			for pb.Next() {
				ev := bot.Event{ID: fmt.Sprintf("%s-%d", c, i), Conversation: c, Kind: bot.TextEvent, Text: "はい"}
				if _, err := e.Handle(context.Background(), ev); err != nil {
					b.Error(err)
					return
				}
				i++
			}
		})
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "events/s")
	})
}

// typicalSession is a session in the middle of a report, with a finished quote
// checklist kept (the same as bot's BenchmarkSessionSize).
func typicalSession(conv string) *bot.Session {
	return &bot.Session{
		Conversation: conv,
		Frame: bot.Frame{Flow: "report", Step: "facility",
			Answers: map[string]string{"categories": "over-cap,slow", "quote_amount": "650000", "quote_vendor": "さくらシステム",
				"expected_start": "2023-06-30", "details": "見積額が補助金の上限を超えており、導入時期も4月以降になると言われました。"},
			Trail: []string{"categories", "quote_amount", "quote_vendor", "expected_start", "details"}},
		Records: []bot.Record{{Flow: "checklist", Answers: map[string]string{"facility_type": "clinic", "vendor": "さくらシステム",
			"can_do": "yes", "model": "none", "cost_intro": "650000", "cost_maint": "15000/m", "work_clinic": "LAN配線",
			"work_vendor": "端末設置", "start": "2023-06-30"}, Time: time.Date(2022, 11, 15, 10, 0, 0, 0, bot.JST)}},
		Updated: time.Date(2022, 11, 15, 10, 30, 0, 0, bot.JST),
	}
}

// BenchmarkRedisSession is what a conversation costs: each iteration is a typical
// conversation of ten events (every question of a flow answered) — round trips and bytes
// on the wire per session — and, after the loop, the memory Redis holds for one
// (MEMORY USAGE of all its keys: session, expiry marker, dedupe marks; inbox, lease and
// :out are gone once drained) and for the typical session alone.
func BenchmarkRedisSession(b *testing.B) {
	st, m, prefix := metered(b)
	rdb := st.Client()
	e := quietEngine(st, bottest.Checklist{})
	ctx := context.Background()
	flow := func(conv string) {
		for q := range 10 {
			ev := bot.Event{ID: fmt.Sprintf("%s-%d", conv, q), Conversation: conv, Kind: bot.TextEvent,
				Text: "株式会社メディカルシステムズ", Reply: "nHuyWiB7yP5Zw52FIkcQobQuGDXCTA"}
			if _, err := e.Handle(ctx, ev); err != nil {
				b.Fatal(err)
			}
		}
	}
	flow("line:Uwarm")
	m.reset()
	n := 0
	for b.Loop() {
		flow(fmt.Sprintf("line:U%08d", n))
		n++
	}
	m.report(b, n, "session")

	usage := func(pattern string) (int64, int) {
		keys, err := rdb.Keys(ctx, pattern).Result()
		if err != nil {
			b.Fatal(err)
		}
		var total int64
		for _, k := range keys {
			u, err := rdb.MemoryUsage(ctx, k, 0).Result()
			if err != nil {
				b.Fatal(err)
			}
			total += u
		}
		return total, len(keys)
	}
	all, nkeys := usage(prefix + ":{c:line:U00000000}:*")
	b.ReportMetric(float64(all), "redisB/conversation")
	b.ReportMetric(float64(nkeys), "keys/conversation")

	s := typicalSession("line:Utypical")
	if err := st.Commit(ctx, bot.Commit{Session: s, TTL: 168 * time.Hour}); err != nil {
		b.Fatal(err)
	}
	one, _ := usage(prefix + ":{c:line:Utypical}:session")
	b.ReportMetric(float64(one), "redisB/typical-session")
}

// checklistWalk is a clinic's quote checklist typed from the menu to the summary.
var checklistWalk = []string{"メニュー", "見積チェック", "診療所", "地元システム", "対応できる", "推奨はない", "42万円",
	"月額2万円", "回線工事の手配", "特になし", "3か月後"}

// BenchmarkRedisChecklist is a finished quote checklist with the real conversation
// (flows, the embedded knowledge) on Redis: per event, round trips, commands and
// allocations; per checklist, what Redis keeps for the conversation once it is done.
func BenchmarkRedisChecklist(b *testing.B) {
	st, m, prefix := metered(b)
	k, err := flows.Load(kb.Embedded())
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, bot.JST)
	e := bot.NewEngine(bot.Config{Store: st, Brain: flows.NewBrain(k), Now: func() time.Time { return now },
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ctx := context.Background()
	walk := func(conv string) {
		for i, text := range checklistWalk {
			ev := bot.Event{ID: fmt.Sprintf("%s-%d", conv, i), Conversation: conv, Kind: bot.TextEvent, Text: text,
				Reply: "nHuyWiB7yP5Zw52FIkcQobQuGDXCTA"}
			if _, err := e.Handle(ctx, ev); err != nil {
				b.Fatal(err)
			}
		}
	}
	walk("line:Uwarm")
	m.reset()
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		walk(fmt.Sprintf("line:U%08d", n))
		n++
	}
	m.report(b, n*len(checklistWalk), "event")
	l, err := st.Load(ctx, "line:U00000000", "")
	if err != nil || len(l.Session.Records) != 1 || l.Session.Records[0].Flow != "checklist" {
		b.Fatalf("the walk did not finish a checklist: %+v, %v", l.Session, err)
	}
	rdb := st.Client()
	keys, err := rdb.Keys(ctx, prefix+":{c:line:U00000000}:*").Result()
	if err != nil {
		b.Fatal(err)
	}
	var total int64
	for _, key := range keys {
		total += rdb.MemoryUsage(ctx, key, 0).Val()
	}
	b.ReportMetric(float64(total), "redisB/checklist")
	b.ReportMetric(float64(len(keys)), "keys/checklist")
}
