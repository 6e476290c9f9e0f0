package parse

import (
	"slices"
	"strings"
)

// YesNo is the answer to a yes/no question.
type YesNo int

const (
	// Unknown means the text was not understood as an answer; the caller re-prompts.
	Unknown YesNo = iota
	// Yes: はい, できます, 可能, あります, OK, 大丈夫…
	Yes
	// No: いいえ, できない, 無理, 不可, ありません, だめ…
	No
	// DontKnow: わからない, 不明, 未定, まだ, 知らない… — an answer, not a failure.
	DontKnow
)

// String returns the constant's name.
func (y YesNo) String() string {
	switch y {
	case Yes:
		return "Yes"
	case No:
		return "No"
	case DontKnow:
		return "DontKnow"
	}
	return "Unknown"
}

// ParseYesNo reads a yes/no answer in the many ways people type one: はい, ええ, うん,
// できます, 可能, 対応可, OK, 大丈夫, あります / いいえ, いや, できない, 無理, 不可,
// ありません, だめ / わからない, 不明, 未定, まだ, 知らない, and in katakana or full-width.
//
// A sentence is split into clauses (「はい、できます」「いいえ、対応していないそうです」); polite
// endings (です, ね, と思います, と言われました, そうです…) are set aside and each clause is
// looked up. Clauses that say nothing known are ignored; any clause saying "don't know"
// (「わかりかねます」「見積もり待ち」「まだ聞いていません」) makes the answer DontKnow. A clause
// that says what is so wins over a bare はい or いいえ that contradicts it: 「いいえ、できるそうです」
// is Yes, 「はい、ありません」 (agreeing that there is none) is No. Clauses that still contradict
// each other — two that say what is so, or a はい or いいえ against 大丈夫 or 問題ない, which
// only say "fine" (「いいえ、大丈夫です」) — give Unknown, so the bot asks again rather than
// guess. いい and 結構 are deliberately not words here: they mean both "fine" and "no thanks";
// with よ (「いいですよ」「いいよ」「よろしいですよ」) or as 「どうぞ」 they only grant, and are Yes.
func ParseYesNo(s string) YesNo {
	t, ok := prepare(s)
	if !ok {
		return Unknown
	}
	t = toHiragana(strings.ToLower(t))
	if strings.Trim(t, "? ") == "" && strings.ContainsRune(t, '?') {
		return DontKnow // a bare "?" or "？？"
	}
	breaks := isClauseBreak
	if t = strings.ReplaceAll(t, "’", "'"); isASCII(t) {
		// English answers keep their words together: "not sure" is not "sure".
		breaks = func(r rune) bool { return r != ' ' && r != '\'' && isClauseBreak(r) }
	}
	t = conjunctions.Replace(t) // 「できないけど紹介してくれる」 is two clauses
	// said[k][v]: some clause of kind k answered v.
	var said [3][4]bool
	for _, clause := range strings.FieldsFunc(t, breaks) {
		clause = strings.TrimSpace(clause)
		said[clauseKind(clause)][classifyClause(clause)] = true
	}
	if said[content][DontKnow] || said[interjection][DontKnow] || said[relative][DontKnow] {
		return DontKnow
	}
	// What the answer says outright wins over はい or いいえ before it: 「いいえ、できるそうです」
	// corrects an assumption, and 「はい、ありません」 agrees that there is none.
	for _, k := range []int{content, interjection} {
		yes, no := said[k][Yes], said[k][No]
		if k == interjection {
			// 大丈夫 and 問題ない answer "is it all right?", whatever was asked: with a
			// はい or いいえ that contradicts them, what was meant is not clear.
			yes, no = yes || said[relative][Yes], no || said[relative][No]
		}
		switch {
		case yes && no:
			return Unknown
		case yes:
			return Yes
		case no:
			return No
		}
	}
	return Unknown
}

// Kinds of clause, for weighing clauses that contradict each other.
const (
	content      = iota // says what is so: できます, 対応していない, ありません
	interjection        // はい, いいえ, いや alone
	relative            // 大丈夫, 問題ない: "fine", which a はい or いいえ before it may turn over
)

// clauseKind tells an interjection (はい, いいえ…) and a "fine" (大丈夫, 問題ありません) from a
// clause that says what is so.
func clauseKind(c string) int {
	c = strings.TrimRight(c, "ー〜~っ")
	switch {
	case interjections[c]:
		return interjection
	case strings.Contains(c, "大丈夫") || strings.Contains(c, "だいじょうぶ") || strings.Contains(c, "問題"):
		return relative
	}
	return content
}

// interjections are the yes and no words that say nothing of their own (hiragana, as the
// text is folded).
var interjections = map[string]bool{
	"はい": true, "はーい": true, "はいはい": true, "ええ": true, "うん": true, "うんうん": true,
	"いいえ": true, "いーえ": true, "いえ": true, "いえいえ": true, "いや": true, "いやいや": true,
	"ううん": true, "うーうん": true,
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func isClauseBreak(r rune) bool {
	switch r {
	case ' ', '、', ',', '。', '.', '!', '?', '・', '…', '‥', '/', '(', ')', '「', '」', '『', '』',
		'"', '\'', '[', ']', '【', '】', ':', ';', '♪', '☆', '★':
		return true
	}
	return false
}

// politeEndings are stripped one at a time from the end of a clause, the clause being looked
// up again after each; longest first so that です is not taken from ですね's middle.
var politeEndings = []string{
	// reported speech: what the vendor answered
	"との回答でした", "との回答です", "との回答", "と回答がありました", "と回答されました", "と回答",
	"との返事でした", "との返事です", "との返事", "と返事がありました", "との返答", "との連絡がありました",
	"との連絡", "と言われています", "と言っていました", "と言ってました", "って言われました", "って言われた",
	"と言われちゃいました", "と聞きました", "と伺いました", "と伺っています", "とおっしゃっていました",
	"とのお返事でした", "とのお返事です", "とのお返事", "とお聞きしました", "とお聞きしています", "と聞いております",
	"とのお話でした", "とのお話", "っぽいです", "っぽい",
	"かかると言われました", "と言われました", "と言っています", "と聞いています", "とのことです",
	"と思われます", "と言われた", "と言ってます", "と思います", "みたいです", "らしいです", "ようです",
	"とのこと", "との事", "ですよね", "でしたね", "みたい", "らしい", "でした", "ですね", "ですよ", "ですが",
	"と思う", "けれど", "けども", "けど", "です", "そう", "って", "よう", "だよ", "だね",
	"だ", "よ", "ね", "な", "わ", "が", "さ", "ー", "〜", "~", "っ", "ッ",
}

// conjunctions that join two clauses that may answer differently become clause breaks.
var conjunctions = strings.NewReplacer("けれども", "、", "けれど", "、", "けど", "、", "ものの", "、",
	"ですが", "です、", "ますが", "ます、", "ないが", "ない、", "ませんが", "ません、", "でしたが", "でした、",
	"るが", "る、", "たが", "た、", "だが", "だ、")

// copulaNegations deny what comes before them: 「無理ではない」 is not a no, 「大丈夫じゃない」 is one.
var copulaNegations = []string{"ではありません", "じゃありません", "ではない", "じゃない", "でもない", "でもありません",
	"ではなさそう", "じゃなさそう"}

// classifyClause looks one clause up: exactly, then with polite endings stripped, then by
// a few telling endings (…わからない, …できません, …可能です). A clause ending in a negated
// copula is its stem's answer turned over: yes becomes no, and a no denied (「無理ではない」,
// 「不可能ではない」) hedges, so it is Unknown.
func classifyClause(c string) YesNo {
	for {
		if v, ok := yesNoWords[c]; ok {
			return v
		}
		if notYet(c) {
			return DontKnow
		}
		for _, n := range copulaNegations {
			if stem, ok := strings.CutSuffix(c, n); ok && stem != "" {
				switch classifyClause(stem) {
				case Yes:
					return No
				case DontKnow:
					return DontKnow
				}
				return Unknown
			}
		}
		stripped := false
		for _, e := range politeEndings {
			if len(c) > len(e) && strings.HasSuffix(c, e) {
				c = strings.TrimSuffix(c, e)
				stripped = true
				break
			}
		}
		if !stripped {
			break
		}
	}
	for _, g := range yesNoEndings {
		for _, e := range g.endings {
			if strings.HasSuffix(c, e) {
				return g.answer
			}
		}
	}
	return Unknown
}

// notYet reports whether a clause says the answer is not there yet: 「まだ」 with a negative
// (「まだ聞けていません」「まだ来ていない」), 「…がまだ」 (「見積もりがまだです」), or 「…次第」
// (「わかり次第連絡します」「業者次第」).
func notYet(c string) bool {
	if strings.Contains(c, "次第") || strings.HasSuffix(c, "がまだ") || strings.HasSuffix(c, "はまだ") {
		return true
	}
	if !strings.Contains(c, "まだ") {
		return false
	}
	for _, e := range []string{"ない", "ません", "なかった", "ず", "無い"} {
		if strings.HasSuffix(c, e) {
			return true
		}
	}
	return false
}

// yesNoEndings decide a clause not found whole by how it ends, tried in this order: "don't
// know" first (…できるかわからない), then double negatives, which stay Unknown, then the few
// positive phrases that end like negatives (特に問題ありません), then negatives before
// positives so that 不可能 is not read as 可能.
var yesNoEndings = []struct {
	answer  YesNo
	endings []string
}{
	{DontKnow, []string{"わからない", "分からない", "判らない", "わかりません", "分かりません", "わかんない",
		"不明", "未定", "知らない", "知りません", "しらない", "未確認", "確認中", "検討中", "問い合わせ中",
		"問合せ中", "決まっていない", "決まってない", "決まっていません", "どちらとも言えない", "どちらともいえない",
		// cannot know or say, which かねます and できない would otherwise make a no
		"わかりかねます", "分かりかねます", "判りかねます", "わかりかねる", "分かりかねる",
		"判断しかねます", "判断しかねる", "判断できない", "判断できません", "お答えしかねます", "回答しかねます",
		"お答えできない", "お答えできません", "回答できない", "回答できません", "確認しかねます", "確約できない",
		"確約できません", "なんとも言えない", "何とも言えない", "なんともいえない", "なんとも言えません",
		"何とも言えません",
		// not asked, or no answer yet
		"確認していない", "確認してない", "確認していません", "確認してません", "確認できていない",
		"確認できていません", "聞いていない", "聞いてない", "聞いていません", "聞いてません", "決めていない",
		"決めてない", "決めていません", "来ていない", "来てない", "来ていません", "届いていない", "届いていません",
		"出ていない", "出ていません", "もらっていない", "もらってない", "もらっていません", "回答がない",
		"回答がありません", "返事がない", "返事がありません", "連絡がない", "連絡がありません",
		// waiting, or to be decided
		"回答待ち", "返事待ち", "返答待ち", "連絡待ち", "見積待ち", "見積もり待ち", "見積り待ち", "結果待ち",
		"確認待ち", "保留", "保留中", "相談中", "要相談", "要確認", "検討", "検討する", "検討している",
		"調整中", "依頼中", "交渉中", "見積中", "打ち合わせ中", "打合せ中", "未確定", "未決", "決めます",
		"検討しています", "検討してもらっている", "検討してもらっています", "検討してくれている", "確認します",
		"確認してみます", "確認する", "聞いてみます", "聞いてみる", "聞きます", "問い合わせます",
		"問い合わせてみます"}},
	{Unknown, []string{"ことはない", "こともない", "なくはない", "なくもない", "しかねない"}}, // double negatives hedge
	{Yes, []string{"問題ありません", "問題はありません", "問題ない", "問題はない", "問題なし", "問題なさ", "問題はなさ",
		"大丈夫",
		// no objection: 「構いません」「差し支えありません」 agree, though they end as negatives
		"構いません", "かまいません", "構わない", "かまわない", "差し支えありません", "差し支えない",
		"差し支えございません", "問題ございません"}},
	{No, []string{"できない", "できません", "出来ない", "出来ません", "できなかった", "不可能", "不可", "無理",
		"対応していない", "対応してない", "対応しておりません", "対応していません", "非対応", "未対応",
		"てくれない", "てくれません", "てくれなかった", "もらえない", "もらえません", "もらえなかった",
		"難しい", "むずかしい", "厳しい", "きびしい", "そうにない", "そうもない", "かねます", "かねる",
		"断られた", "断られました", "断られちゃった", "断られちゃいました", "断られてしまった",
		"断られてしまいました", "お断りされた", "お断りされました", "お断り", "はありません",
		"がありません", "はない", "がない", "はなし", "特にない", "特に無い", "特にありません", "特になし", "特に無し", "指定なし", "推奨なし",
		"おすすめなし",
		// not doing or handling the work
		"しない", "しません", "していない", "してない", "していません", "してません", "やらない", "やりません", "やっていない", "やってない", "やっていません",
		"やってません", "扱っていない", "扱ってない", "扱っていません", "扱ってません", "扱いなし", "扱いがない",
		"取扱なし", "対応外", "対象外", "範囲外", "いただけない", "いただけません", "いただけなかった",
		// not needed
		"不要", "いらない", "いりません", "要らない", "要りません"}},
	{Yes, []string{"できる", "できます", "出来る", "出来ます", "可能", "対応可", "もらえる", "もらえます",
		"もらえた", "もらえました", "があります", "はあります", "がある", "はある",
		// doing the work for the clinic, or taking it on
		"てくれる", "てくれます", "てくれた", "てくれました", "でくれる", "でくれます", "対応します",
		"対応いたします", "対応致します", "やります", "引き受けます", "引き受けました", "請け負います",
		"請け負いました", "いただける", "いただけます", "いただけました", "いただけた",
		// supporting it, or doing it in-house
		"対応しています", "対応してます", "対応している", "対応してる", "社で対応", "社対応", "うちで対応",
		// agreeing, as to the report's consent
		"了承します", "了承いたします", "承諾します", "承諾いたします", "承諾しました", "承諾", "同意します",
		"同意いたします"}},
}

var yesNoWords = map[string]YesNo{}

func init() {
	add := func(v YesNo, words ...string) {
		for _, w := range words {
			yesNoWords[w] = v
		}
	}
	add(Yes, "はい", "はーい", "はいはい", "ええ", "うん", "うんうん", "そう", "そうそう", "その通り", "そのとおり",
		"もちろん", "勿論", "ぜひ", "是非", "正解", "了解", "りょうかい", "了承", "承知",
		"了解しました", "承知しました", "承知いたしました", "承知致しました", "かしこまりました", "了承しました",
		"yes", "y", "yeah", "yep", "yup", "sure", "ok", "okay", "okey", "おk", "おけ", "おっけ", "おっけー",
		"おーけ", "おーけー", "おけまる", "true",
		"大丈夫", "だいじょうぶ", "問題ない", "問題なし", "問題ありません", "問題なさそう", "問題はなさそう",
		"できる", "できます", "出来る", "出来ます", "できた", "できそう", "出来そう", "可能", "かのう", "可",
		"対応可", "対応可能", "対応できる", "対応できます", "対応してくれる", "対応してくれます",
		"やってくれる", "やってくれます", "してくれる", "してくれます",
		"ある", "あります", "あり", "有り", "有る", "有", "いる", "います",
		"○", "〇", "◯", "⭕", "👍", "🙆")
	// Granting: looked up whole, before よ is stripped to leave the ambiguous いい.
	add(Yes, "いいですよ", "いいよ", "良いですよ", "良いよ", "よいですよ", "よろしいですよ", "いいですとも",
		"どうぞ", "どうぞどうぞ")
	add(No, "いいえ", "いえ", "いーえ", "いや", "いやいや", "ううん", "うーうん",
		"no", "n", "nope", "nah", "ng", "false",
		"だめ", "駄目", "むり", "無理", "不可", "不可能", "対応不可", "対応不可能",
		"できない", "できません", "出来ない", "出来ません", "できなかった", "できなさそう", "できなそう", "なさそう",
		"対応できない", "対応できません", "対応していない", "対応してない", "対応しておりません",
		"非対応", "未対応", "否", "ない", "無い", "なし", "無し", "無", "ありません", "ありませんでした", "なかった",
		"いない", "いません", "しない", "しません", "やらない", "ちがう", "違う", "違います",
		"断られた", "断られました", "特にない", "特に無い", "特になし", "特に無し", "特にありません",
		"×", "✕", "✖", "❌", "✗", "👎", "🙅")
	add(DontKnow, "わからない", "分からない", "判らない", "解らない", "わかりません", "分かりません",
		"わかんない", "分かんない", "わからん", "分からん", "知らない", "しらない", "知りません", "しりません",
		"知らん", "不明", "未定", "まだ", "未だ", "未確認", "確認中", "確認していない", "確認してない",
		"聞いていない", "聞いてない", "聞いてません", "検討中", "未決定", "決まっていない", "決まってない",
		"決まっていません", "未回答", "回答待ち", "返事待ち", "問い合わせ中", "問合せ中", "調整中",
		"さあ", "さぁ", "微妙", "どちらとも", "どちらともいえない", "どちらとも言えない", "どっちとも",
		"unknown", "idk", "dunno", "tbd", "don't know", "dont know", "not sure", "🤔")
}

// AcceptsOffer reports whether s takes up something the bot has just offered
// (「おつなぎしましょうか？」): a bare yes (はい, ええ, うん, OK), a request alone
// (「お願いします」「ぜひお願いします」「お願いできますか」「頼みます」), or the two together.
// Not ParseYesNo's Yes: to an offer, 「大丈夫です」 and 「結構です」 decline, and a sentence
// that says more (「見積についてお願いがあります」) is a new message, not an answer.
func AcceptsOffer(s string) bool {
	t, ok := prepare(s)
	if !ok {
		return false
	}
	t = strings.Trim(toHiragana(strings.ToLower(t)), "。.!?、, ")
	yes := false
	for _, words := range [][]string{offerYeses, offerOpeners, {"ぜひ", "是非"}} {
		for _, w := range words {
			if rest, cut := strings.CutPrefix(t, w); cut {
				t = strings.TrimLeft(rest, "。.!、, ")
				yes = yes || slices.Contains(offerYeses, w)
				break
			}
		}
	}
	if t == "" {
		return yes
	}
	return slices.Contains(offerTakers, t)
}

var (
	// offerYeses are the yeses that take an offer alone, or open an answer that does.
	offerYeses = []string{"はい", "ええ", "うん", "ok", "おっけー", "yes"}
	// offerOpeners may open an answer that takes an offer, but do not take it alone.
	offerOpeners = []string{"じゃあ", "では", "それでは"}
	// offerTakers are the requests that take an offer.
	offerTakers = []string{"お願いします", "お願いいたします", "お願い致します", "おねがいします", "お願い",
		"お願いできますか", "お願いできますでしょうか", "頼みます", "たのみます", "よろしくお願いします",
		"よろしくお願いいたします", "つないでください", "つなげてください", "お願いしたいです"}
)
