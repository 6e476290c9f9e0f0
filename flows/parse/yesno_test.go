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
			"いいですよ", "いいですよ！", "いいよ", "はい、いいですよ", "良いですよ", "よろしいですよ", "どうぞ",
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
			"いいえ、大丈夫です", "できるかも", "できないことはない", "できますか",
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

// TestParseYesNoOffice pins how answers typed the way a clinic's office relays a vendor's
// reply are read: what the answer says outright wins over a はい or いいえ before it; a
// reply that cannot say yet (「わかりかねます」「見積もり待ち」「まだ聞いていません」) is
// DontKnow, never the no its かねます or ません would make it; reported speech (「との回答」)
// and benefactive or volitional verbs (「引き受けてくれました」「当社で対応します」) are read
// through; a caveat after が is a clause of its own.
func TestParseYesNoOffice(t *testing.T) {
	tests := []struct {
		in   string
		want YesNo
	}{
		// はい or いいえ, then what is so
		{"いいえ、できるそうです", Yes},
		{"いいえ、対応できるそうです", Yes},
		{"いや、できます", Yes},
		{"はい、ありません", No},
		{"はい、できません", No},
		{"いいえ、大丈夫です", Unknown}, // 大丈夫 is "fine", which いいえ may turn over
		{"いいえ、問題ありません", Unknown},
		{"はい、問題ありません", Yes},
		{"はい、でも高いです", Yes},
		{"はい、ただし高額です", Yes},
		{"はい、できますが時間がかかります", Yes},
		{"できるけど高い", Yes},
		{"対応できるが半年待ち", Yes},
		{"できたが高かった", Yes},
		// cannot say yet
		{"わかりかねます", DontKnow},
		{"分かりかねますとのこと", DontKnow},
		{"判断しかねます", DontKnow},
		{"お答えできませんと言われました", DontKnow},
		{"なんとも言えない", DontKnow},
		{"まだ聞いていません", DontKnow},
		{"まだ確認していません", DontKnow},
		{"見積もりがまだ来ていません", DontKnow},
		{"回答待ちです", DontKnow},
		{"見積もり待ち", DontKnow},
		{"見積待ちです", DontKnow},
		{"保留中", DontKnow},
		{"要相談", DontKnow},
		{"前向きに検討", DontKnow},
		{"検討してもらっている", DontKnow},
		{"確認してみます", DontKnow},
		{"これから聞きます", DontKnow},
		{"検討中と言われました", DontKnow},
		{"できると思いますが未確認", DontKnow},
		// yes, however relayed
		{"引き受けてくれました", Yes},
		{"受けてもらえました", Yes},
		{"請け負ってもらえる", Yes},
		{"対応してくれるとのことです", Yes},
		{"うちでやります", Yes},
		{"当社で対応しますとの回答でした", Yes},
		{"対応可能とのこと", Yes},
		{"対応可とのこと", Yes},
		{"OKとのこと", Yes},
		{"問題なさそうです", Yes},
		{"特に問題なし", Yes},
		{"大丈夫だと思います", Yes},
		{"たぶん大丈夫", Yes}, // ParseCanDo is the one that hedges
		// no, however relayed
		{"対応不可との回答", No},
		{"不可とのこと", No},
		{"無理そうです", No},
		{"厳しいとのこと", No},
		{"難しいと言われました", No},
		{"お断りされました", No},
		{"断られちゃいました", No},
		{"ダメでした", No},
		{"NGとのこと", No},
		{"対応外とのこと", No},
		{"対象外です", No},
		{"やっていないそうです", No},
		{"扱ってないそうです", No},
		{"取り扱いなし", No},
		{"取扱いしていない", No},
		{"できないって", No},
		// honorific and hearsay forms, hedges of "seems"
		{"対応していただけるそうです", Yes},
		{"対応いただけるとのこと", Yes},
		{"対応していただけません", No},
		{"対応いただけない", No},
		{"できるとのお返事でした", Yes},
		{"できるとお聞きしました", Yes},
		{"可能と伺っています", Yes},
		{"対応しています", Yes},
		{"対応してます", Yes},
		{"自社で対応", Yes},
		{"自社対応", Yes},
		{"無理っぽい", No},
		{"できないっぽい", No},
		{"できなそう", No},
		{"大丈夫じゃなさそう", No},
		{"引き受けてもらえませんでした", No},
		{"えーと、できます", Yes},
		{"うーん、わからない", DontKnow},
		{"難しいかも", Unknown},
		{"対応済みです", Unknown}, // done, or able? not said
		// not there yet, or waiting on something
		{"わかり次第連絡します", DontKnow},
		{"決まり次第", DontKnow},
		{"業者次第です", DontKnow},
		{"日程調整中", DontKnow},
		{"見積依頼中です", DontKnow},
		{"これから決めます", DontKnow},
		{"未確定です", DontKnow},
		{"見積もりがまだです", DontKnow},
		{"まだ聞けていません", DontKnow},
		{"まだ連絡がありません", DontKnow},
		{"まだ対応できないそうです", DontKnow}, // not yet: may later
		{"業者からの回答待ち", DontKnow},
		// none, however said
		{"推奨機種は特にないそうです", No},
		{"おすすめは特にない", No},
		{"メーカーの指定なし", No},
		{"推奨はないとのこと", No},
		// not needed
		{"不要です", No},
		{"連絡は不要です", No},
		{"いりません", No},
		// no objection, acknowledged: the consent step's yes
		{"構いません", Yes},
		{"かまいません", Yes},
		{"差し支えありません", Yes},
		{"問題ございません", Yes},
		{"承知しました", Yes},
		{"承知いたしました", Yes},
		{"了解しました", Yes},
		{"かしこまりました", Yes},
		{"はい、構いません", Yes},
		{"了承します", Yes},
		{"承諾します", Yes},
		{"共有して構いません", Yes},
		{"共有しても問題ありません", Yes},
		{"同意しません", No},
		// hedges stay hedges
		{"できなくはないが高い", Unknown},
		{"できるはず", Unknown},
		{"一部のみ対応", Unknown},
	}
	for _, tt := range tests {
		if got := ParseYesNo(tt.in); got != tt.want {
			t.Errorf("ParseYesNo(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestAcceptsOffer(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want bool
	}{
		{"はい", true},
		{"うん", true},
		{"お願いします", true},
		{"ぜひお願いします", true},
		{"はい、お願いします。", true},
		{"お願いできますか？", true},
		{"じゃあ頼みます", true},
		{"OK", true},
		{"大丈夫です", false},
		{"結構です", false},
		{"じゃあ", false},
		{"よろしくお願いいたします", true},
		{"いいえ", false},
		{"大丈夫です、自分で調べます", false},
		{"見積についてお願いがあります", false},
		{"お願いしますと言われた", false},
		{"", false},
	} {
		if got := AcceptsOffer(tt.in); got != tt.want {
			t.Errorf("AcceptsOffer(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
