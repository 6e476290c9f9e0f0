package parse

import (
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"   ", ""},
		{"\u3000はい\u3000", "はい"},
		{"ＯＫ", "OK"},
		{"４２９，０００円", "429,000円"},
		{"ｶﾞｲﾄﾞ", "ガイド"},
		{"ﾄｳｷｮｳ", "トウキョウ"},
		{"か゛", "が"},
		{"ハ゜", "パ"},
		{"a  \t\n b", "a b"},
		{"a\u3000\u3000b", "a b"},
		{"zero\u200bwidth", "zerowidth"},
		{"\ufeffbom", "bom"},
		{"ctl\x00\x07x", "ctlx"},
		{"bad\xffutf8", "bad\uFFFDutf8"},
		{"㍻", "平成"},
		{"㋿5年", "令和5年"},
		{"①", "1"},
		{"￥４２９", "¥429"},
		{"（０３）", "(03)"},
		{"－", "-"},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := Normalize(Normalize(tt.in)); got != Normalize(tt.in) {
			t.Errorf("Normalize is not idempotent on %q: %q", tt.in, got)
		}
	}
}

func TestNormalizeLarge(t *testing.T) {
	s := strings.Repeat("ａ\u3000 ｶﾞ", 1<<17) // ~1.3 MB
	got := Normalize(s)
	if !strings.HasPrefix(got, "a ガa ガ") {
		t.Errorf("Normalize(large) starts %q", got[:20])
	}
}

func TestToHiragana(t *testing.T) {
	if got, want := toHiragana("トウキョウ・ヴァイオリン・ヶ月ー"), "とうきょう・ゔぁいおりん・ヶ月ー"; got != want {
		t.Errorf("toHiragana = %q, want %q", got, want)
	}
}
