package parse

import (
	"testing"
	"time"
)

// The parsers run once or twice per clinic message; these give their cost per call on
// answers typed the way clinic staff type them (compare BenchmarkDeskTurn in flows).

func BenchmarkParseAmount(b *testing.B) {
	in := []string{"42万円+税", "429,000円（税別）", "月額1.5万円くらい", "50万〜60万", "無料"}
	for i := 0; b.Loop(); i++ {
		_, _ = ParseAmount(in[i%len(in)])
	}
}

func BenchmarkParseWhen(b *testing.B) {
	now := time.Date(2022, 11, 15, 10, 0, 0, 0, JST)
	in := []string{"来年の春", "GW明け", "令和5年3月末", "半年くらい", "来年度からの予定です"}
	for i := 0; b.Loop(); i++ {
		_, _ = ParseWhen(in[i%len(in)], now)
	}
}

func BenchmarkParseCanDo(b *testing.B) {
	in := []string{"できます", "できないけど他を紹介してくれる", "対応できないと言われた", "たぶん大丈夫"}
	for i := 0; b.Loop(); i++ {
		_ = ParseCanDo(in[i%len(in)])
	}
}

func BenchmarkParseContact(b *testing.B) {
	in := []string{"03-1234-5678（事務 山田）", "平日午前中に0312345678へ", "山田 090-1234-5678 午前中"}
	for i := 0; b.Loop(); i++ {
		_, _ = ParseContact(in[i%len(in)])
	}
}

func BenchmarkFormatPhone(b *testing.B) {
	in := []string{"0312345678", "0499212345", "09012345678", "0120123456"}
	for i := 0; b.Loop(); i++ {
		_ = FormatPhone(in[i%len(in)])
	}
}

func BenchmarkClassify(b *testing.B) {
	in := []string{"オンライン資格確認の導入で困っています", "ありがとう", "DEF医療システム", "締め切りはいつ？"}
	for i := 0; b.Loop(); i++ {
		s := in[i%len(in)]
		_, _, _ = ClassifyIntent(s), LooksLikeName(s), LooksLikeDate(s)
	}
}
