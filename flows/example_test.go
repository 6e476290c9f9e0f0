package flows_test

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"deskbot/bot"
	"deskbot/flows"
	"deskbot/flows/kb"
	"deskbot/store"
)

// A clinic walks through the quote checklist by typing; the summary card notes what needs
// attention, computed from the answers and the clock, and offers a pre-filled report.
func ExampleDesk_checklist() {
	k, err := flows.Load(kb.Embedded())
	if err != nil {
		panic(err)
	}
	now := func() time.Time { return time.Date(2022, 11, 15, 10, 0, 0, 0, bot.JST) }
	e := bot.NewEngine(bot.Config{Store: store.NewMemory(now), Brain: flows.NewBrain(k), Now: now,
		Log: slog.New(slog.DiscardHandler)})
	var last []bot.Message
	for _, text := range []string{"見積チェック", "診療所", "さくらメディカル", "対応できる", "推奨はない",
		"約50万", "月額1万5千円", "わからない", "わからない", "2023年6月"} {
		last, err = e.Handle(context.Background(), bot.Event{Conversation: "example", Kind: bot.TextEvent, Text: text})
		if err != nil {
			panic(err)
		}
	}
	for _, m := range last {
		if m.Card != nil {
			fmt.Println(m.Card.Title)
			for _, n := range m.Card.Notes {
				fmt.Println("⚠", n)
			}
		}
		for _, c := range m.Choices {
			fmt.Printf("[%s] ", c.Label)
		}
	}
	fmt.Println()
	// Output:
	// 見積チェックのまとめ（さくらメディカル）
	// ⚠ 導入費用（約50万円）が、補助金の上限額（42万9,000円）を超えています。補助金は実費のうち上限額までのため、超える約7万1,000円は医療機関のご負担になります。
	// ⚠ 運用開始の見込みが2023年6月頃（令和5年6月頃）で、補助金の期限である2023年3月31日（令和5年3月31日）より後です。補助金を受けるには、その日までに運用を始める必要があります。
	// [障害を報告する] [修正する] [別の業者も確認] [メニュー]
}
