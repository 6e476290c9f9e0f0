package faq_test

import (
	"strings"
	"sync"
	"testing"
)

// One KB serves every conversation at once; run with -race.
func TestMatchConcurrent(t *testing.T) {
	k := loadEmbedded(t)
	qs := []string{
		"カードリーダーの締切はいつ", "補助金はいくら", "今日の天気は？", "見積で確認すること",
		"担当者と話したい", strings.Repeat("補助金", 3000), "",
	}
	want := make([]string, len(qs))
	for i, q := range qs {
		want[i] = k.Match(q).ID
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				j := (g + i) % len(qs)
				if got := k.Match(qs[j]).ID; got != want[j] {
					t.Errorf("Match(%.20q) = %q concurrently, %q alone", qs[j], got, want[j])
					return
				}
			}
		})
	}
	wg.Wait()
}
