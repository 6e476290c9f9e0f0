package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"testing"

	"deskbot/bot"
	"deskbot/bot/bottest"
	"deskbot/store"
)

// BenchmarkHandle measures the engine's own cost per event over the in-memory store:
// queue, lease, load, decide (a trivial brain), commit, release.
func BenchmarkHandle(b *testing.B) {
	for _, convs := range []int{1, 10_000} {
		b.Run(fmt.Sprintf("conversations=%d", convs), func(b *testing.B) {
			st := store.NewMemory(nil)
			e := bot.NewEngine(bot.Config{Store: st, Brain: bottest.Checklist{}, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
			ctx := context.Background()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				ev := bot.Event{Conversation: fmt.Sprintf("line:U%d", i%convs), Kind: bot.TextEvent, Text: "x"}
				if _, err := e.Handle(ctx, ev); err != nil {
					b.Fatal(err)
				}
				i++
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// BenchmarkSessionSize reports the stored size of a session in the middle of a report
// with a finished checklist kept: the bytes a conversation costs the store.
func BenchmarkSessionSize(b *testing.B) {
	s := &bot.Session{
		Frame: bot.Frame{Flow: "report", Step: "facility",
			Answers: map[string]string{"categories": "over-cap,slow", "quote_amount": "650000", "quote_vendor": "さくらシステム",
				"expected_start": "2023-06-30", "details": "見積額が補助金の上限を超えており、導入時期も4月以降になると言われました。"},
			Trail: []string{"categories", "quote_amount", "quote_vendor", "expected_start", "details"}},
		Records: []bot.Record{{Flow: "checklist", Answers: map[string]string{"facility_type": "clinic", "vendor": "さくらシステム",
			"can_do": "yes", "model": "none", "cost_intro": "650000", "cost_maint": "15000/m", "work_clinic": "LAN配線",
			"work_vendor": "端末設置", "start": "2023-06-30"}}},
	}
	var n int
	for b.Loop() {
		out, err := json.Marshal(s)
		if err != nil {
			b.Fatal(err)
		}
		n = len(out)
	}
	b.ReportMetric(float64(n), "bytes/session")
}
