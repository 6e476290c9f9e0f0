package flows_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"deskbot/bot"
	"deskbot/flows"
	"deskbot/flows/kb"
	"deskbot/store"
)

// BenchmarkDeskTurn measures a whole turn of the real conversation logic over the engine
// and the in-memory store: a clinic typing through the quote checklist to its summary,
// then back to the menu, again and again.
func BenchmarkDeskTurn(b *testing.B) {
	k, err := flows.Load(kb.Embedded())
	if err != nil {
		b.Fatal(err)
	}
	now := func() time.Time { return time.Date(2022, 11, 15, 10, 0, 0, 0, bot.JST) }
	e := bot.NewEngine(bot.Config{Store: store.NewMemory(nil), Brain: flows.NewBrain(k), Now: now,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	script := []string{"メニュー", "見積チェック", "診療所", "さくらシステム", "対応できる", "なし", "50万円",
		"月額1万5千円", "LAN配線", "端末設置", "3か月", "メニュー"}
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		conv := fmt.Sprintf("line:U%d", i/len(script)%1000)
		if _, err := e.Handle(ctx, bot.Event{Conversation: conv, Kind: bot.TextEvent, Text: script[i%len(script)]}); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
