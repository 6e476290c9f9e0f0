package faq_test

import (
	"math"
	"testing"
)

// FuzzMatch: any text, valid UTF-8 or not, gets a known topic or none, a finite score, and
// the same again.
func FuzzMatch(f *testing.F) {
	k := loadEmbedded(f)
	for _, s := range []string{"", "？", "カードリーダーの締切はいつ", "ｶｰﾄﾞﾘｰﾀﾞｰ", "\xff\xfe", "ーーー", "ですか",
		"発熱外来の補助金の申請方法", "ほじょきんのきげんはいつまで", "医療機器の\xff入れ替え", "インボイス対応の",
		"いつもお世話になっております。補助金はいくら？、。！", "の", "申し込み期限の"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		m := k.Match(q)
		if m.ID != "" {
			if _, ok := k.Topic(m.ID); !ok {
				t.Fatalf("Match(%q) = unknown id %q", q, m.ID)
			}
		}
		if math.IsNaN(m.Score) || math.IsInf(m.Score, 0) || m.Score < 0 {
			t.Fatalf("Match(%q) score %v", q, m.Score)
		}
		if again := k.Match(q); again != m {
			t.Fatalf("Match(%q) = %+v, then %+v", q, m, again)
		}
	})
}
