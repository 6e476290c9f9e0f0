package parse

import (
	"strings"
	"testing"
)

func TestParseYesNo(t *testing.T) {
	tests := []struct {
		want YesNo
		in   []string
	}{
		{Yes, []string{
			"はい", "ハイ", "ﾊｲ", "はい。", "はい！", "はーい", "ええ", "うん", "できます", "できる", "出来ます",
			"可能", "可能です", "対応可", "対応可能です", "OK", "ok", "ｏｋ", "ＯＫ", "Ok!", "OKです", "オッケー",
			"大丈夫", "大丈夫です", "あります", "ある", "あり", "有り", "Yes", "YES", "y", "そうです", "はい、できます",
			"はい　できます", "できますよ", "できると思います", "できるそうです", "対応できると言われました",
			"はい、業者さんがやってくれるそうです", "導入作業はできるとのことです", "○", "〇", "もちろん",
			"問題ありません", "特に問題ありません", "「はい」", " はい ", "はいっ", "対応してくれます",
			"推奨機種があります", "はい、お願いします", "問題はありません",
		}},
		{No, []string{
			"いいえ", "イイエ", "いや", "いえ", "いいえ、できません", "できない", "できません", "出来ない", "無理",
			"ムリ", "無理です", "無理そう", "不可", "対応不可", "不可能", "ない", "ないです", "ありません", "なし",
			"無し", "だめ", "ダメ", "駄目", "NO", "No", "no", "n", "NG", "×", "いいえ、対応していないそうです",
			"対応していないと言われました", "うちではできないと言われました", "断られました", "ううん", "違います",
			"いいえー", "否", "できないです。", "やってくれない", "推奨機種はありません", "特にない",
		}},
		{DontKnow, []string{
			"わからない", "分からない", "わかりません", "分かりません", "わかんない", "不明", "未定", "まだ",
			"まだです", "知らない", "知りません", "まだわからない", "業者に聞かないとわからない", "できるかわからない",
			"対応できるか不明です", "検討中です", "確認中", "?", "？", "？？", "don't know", "Not sure",
			"いいえ、わかりません", "うーん、わからない", "未確認です", "決まっていません",
		}},
		{Unknown, []string{
			"", " ", "　", "こんにちは", "メニュー", "見積もりについて", "いい", "いいです", "結構です",
			"はい、ありません", "いいえ、大丈夫です", "できるかも", "できないことはない", "できますか",
			"50万円", "I'm not sure", strings.Repeat("はい", 2000), "\xff\xfe", "\x00\x01",
		}},
	}
	for _, tt := range tests {
		for _, in := range tt.in {
			if got := ParseYesNo(in); got != tt.want {
				t.Errorf("ParseYesNo(%q) = %v, want %v", in, got, tt.want)
			}
		}
	}
}

func TestYesNoString(t *testing.T) {
	for v, want := range map[YesNo]string{Unknown: "Unknown", Yes: "Yes", No: "No", DontKnow: "DontKnow", 42: "Unknown"} {
		if got := v.String(); got != want {
			t.Errorf("YesNo(%d).String() = %q, want %q", int(v), got, want)
		}
	}
}

// TestParseYesNoNegations pins the readings that negation and conjunctions used to turn
// over: a denied no hedges, a denied yes is a no, and two clauses joined by けど are two.
func TestParseYesNoNegations(t *testing.T) {
	tests := []struct {
		in   string
		want YesNo
	}{
		{"できなくはない", Unknown},
		{"できないことはないです", Unknown},
		{"無理ではない", Unknown},
		{"不可能ではないです", Unknown},
		{"だめではない", Unknown},
		{"大丈夫じゃない", No},
		{"可能ではありません", No},
		{"問題ないです", Yes},
		{"特に問題ありません", Yes},
		{"いいえ、大丈夫です", Unknown},
		{"できないけど他を紹介してくれる", Unknown},
		{"できますけど", Yes},
		{"できないですが、紹介はしてくれます", Unknown},
		{"やってもらえない", No},
		{"やってもらえます", Yes},
		{"対応は難しいそうです", No},
		{"厳しいです", No},
		{"できそうにない", No},
		{"対応しかねます", No},
		{"わからないではない", DontKnow},
	}
	for _, tt := range tests {
		if got := ParseYesNo(tt.in); got != tt.want {
			t.Errorf("ParseYesNo(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
