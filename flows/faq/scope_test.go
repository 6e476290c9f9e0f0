package faq

import (
	"math/bits"
	"testing"
)

// Kana typed for kanji reads as the knowledge base's word, through the readings Load
// derives; a short reading that is grammar as typed (いいん of いいんですか, 医院) does not.
func TestReadings(t *testing.T) {
	k := loadEmbedded(t)
	for _, tt := range []struct{ in, want string }{
		{"ほじょきんのきげんはいつまで", "補助金の締切はいつまで"},
		{"おんらいんしかくかくにん", "おんらいん資格確認"}, // the canonical form, folded
		{"きしゅはどれ", "機種はどれ"},
		{"かおにんしょうのりーだー", "かどりだのかどりだ"},
		{"どこにたのめばいいんだろう", "どこに頼めばいいんだろう"}, // たのめ is 頼め, いいん stays
		{"もれがないように", "もれがないように"},
	} {
		if got := string(k.norm.normalize(tt.in)); got != tt.want {
			t.Errorf("normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	// The reading of a keyword of several words (カードリーダーの締切) keeps them apart: a
	// question typed with it asks about two words, as the one typed in kanji does.
	for _, q := range []string{"カードリーダーの締切は", "カードリーダーのしめきりは"} {
		f, c := fold(nil, nil, nil, q)
		_, cls := k.norm.rewrite(nil, nil, f, c)
		var all uint64
		for _, w := range words(nil, cls) {
			all |= w
		}
		if n := bits.OnesCount64(all); n != 2 {
			t.Errorf("%q has %d words, want 2", q, n)
		}
	}
	expectMatches(t, []labelledCase{{"カードリーダーのしめきりは", "reader-deadline"}})
}

// Spoken and 関西弁 forms of what the topics ask read as their standard forms: obligation
// (せなあかん), refusal (でけへん, 対応していません), how much (なんぼ), whom (だれ, お願い),
// whether a rule applies (関係ある), pressing the vendor (言ってくれる), trouble (こまって).
func TestSpokenForms(t *testing.T) {
	expectMatches(t, []labelledCase{
		{"うちもオン資せなあかんの？", "mandate"},
		{"補助金なんぼ", "subsidy-amount"},
		{"業者がでけへんって", "vendor-cannot"},
		{"システム会社に対応していませんと言われた", "vendor-cannot"},
		{"紙レセプトの病院も関係ありますか", "paper-exemption"},
		{"報告したら業者に言ってくれるの", "report-use"},
		{"オン資の導入でこまっています", "obstacle-report"},
		{"改修費も補助金でカバーされる？", "subsidy-amount"},
		{"今からでも補助金はもらえる？", "subsidy-schedule"},
		{"見積もりってどっちの業者にお願いすればいい", "quote-whom"},
	})
}

// A question about another scheme or thing is refused even when it shares 補助金, 申請,
// 期限 or 保守料 with a topic; a question qualified by an everyday word, or one the
// knowledge base writes, is still answered.
func TestOtherThingsRefused(t *testing.T) {
	expectMatches(t, []labelledCase{
		{"発熱外来の補助金の申請方法は", ""},
		{"雇用調整助成金はいくら", ""},
		{"インボイス対応の締切はいつ", ""},
		{"医療機器の保守料が高い", ""},
		{"ｶﾞｲﾗｲｼｬﾘｮｳの補助金はいくら", ""},    // half-width katakana: one name all the same
		{"発熱外来の補助金について。締切はいつまで？", ""}, // the whole, not only the sentence answered
		{"補助金の申請はいつまでですか", "subsidy-schedule"},
		{"補助金はいくらもらえますか", "subsidy-amount"},
		{"近所の業者が見つからない", "obstacle-report"},
		{"病院の補助金の上限はいくら", "subsidy-amount"},
		{"ｶｰﾄﾞﾘｰﾀﾞｰの〆切", "reader-deadline"},
		{"契約と運用開始の期限を両方教えて", "subsidy-schedule"},    // 両方 before 教えて, not before the noun 教
		{"補助金の期限を利用しますのでいつまでか", "subsidy-schedule"}, // 利用します, not 利用 + しま
	})
}

// 〜なんですか and 〜なんですが are not なんで (why).
func TestNandesuNotWhy(t *testing.T) {
	expectMatches(t, []labelledCase{
		{"カードリーダーの締切はいつなんですか", "reader-deadline"},
		{"病院なんですがカードリーダーは何台無料ですか", "reader-free"},
		{"オン資ってなんですか", "what-is-oqc"},
		{"なんでカードリーダーの締切は早いの", "why-early"},
	})
}

// A rambling question is answered by the sentence that holds its topic.
func TestRamblingQuestion(t *testing.T) {
	expectMatches(t, []labelledCase{
		{"お忙しいところすみません。うちは内科の小さな診療所で、受付は事務員が二人だけなのですが、院長に早めに調べておくよう言われました。カードリーダーの申込の締切はいつでしょうか。", "reader-deadline"},
		{"事務の者で院長に頼まれて色々調べているんですけど内科の小さい医院で受付も二人しかいなくて…補助金はいくら", "subsidy-amount"}, // … ends a sentence
	})
}

type labelledCase struct{ q, id string }

// expectMatches checks that each question gets its topic ("" for none) from the embedded
// knowledge base, and says what the matcher saw when it does not.
func expectMatches(t *testing.T, cases []labelledCase) {
	t.Helper()
	k := loadEmbedded(t)
	for _, tt := range cases {
		if id, conf, d := k.idx.match(k.norm, tt.q); id != tt.id {
			t.Errorf("%q matched %q (score %.3f): %s; want %q", tt.q, id, conf, k.why(d, tt.q), tt.id)
		}
	}
}
