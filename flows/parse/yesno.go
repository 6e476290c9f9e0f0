package parse

import (
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
// makes the answer DontKnow; clauses that contradict each other (「はい、ありません」, which in
// Japanese may agree with a negative question) give Unknown, so the bot asks again rather
// than guess. いい and 結構 are deliberately not words here: they mean both "fine" and
// "no thanks".
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
	var yes, no, dk bool
	for _, clause := range strings.FieldsFunc(t, breaks) {
		clause = strings.TrimSpace(clause)
		switch classifyClause(clause) {
		case Yes:
			yes = true
		case No:
			no = true
		case DontKnow:
			dk = true
		}
	}
	switch {
	case dk:
		return DontKnow
	case yes && no:
		return Unknown
	case yes:
		return Yes
	case no:
		return No
	}
	return Unknown
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
	"かかると言われました", "と言われました", "と言っています", "と聞いています", "とのことです",
	"と思われます", "と言われた", "と言ってます", "と思います", "みたいです", "らしいです", "ようです",
	"とのこと", "との事", "ですよね", "でしたね", "みたい", "らしい", "でした", "ですね", "ですよ", "ですが",
	"と思う", "けれど", "けども", "けど", "です", "そう", "って", "よう", "だよ", "だね",
	"だ", "よ", "ね", "な", "わ", "が", "さ", "ー", "〜", "~", "っ", "ッ",
}

// conjunctions that join two clauses that may answer differently become clause breaks.
var conjunctions = strings.NewReplacer("けれども", "、", "けれど", "、", "けど", "、", "ものの", "、",
	"ですが", "です、", "ますが", "ます、", "ないが", "ない、", "ませんが", "ません、", "でしたが", "でした、")

// copulaNegations deny what comes before them: 「無理ではない」 is not a no, 「大丈夫じゃない」 is one.
var copulaNegations = []string{"ではありません", "じゃありません", "ではない", "じゃない", "でもない", "でもありません"}

// classifyClause looks one clause up: exactly, then with polite endings stripped, then by
// a few telling endings (…わからない, …できません, …可能です). A clause ending in a negated
// copula is its stem's answer turned over: yes becomes no, and a no denied (「無理ではない」,
// 「不可能ではない」) hedges, so it is Unknown.
func classifyClause(c string) YesNo {
	for {
		if v, ok := yesNoWords[c]; ok {
			return v
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
		"問合せ中", "決まっていない", "決まってない", "決まっていません", "どちらとも言えない", "どちらともいえない"}},
	{Unknown, []string{"ことはない", "こともない", "なくはない", "なくもない", "しかねない"}}, // double negatives hedge
	{Yes, []string{"問題ありません", "問題はありません", "問題ない", "問題はない", "問題なし", "大丈夫"}},
	{No, []string{"できない", "できません", "出来ない", "出来ません", "できなかった", "不可能", "不可", "無理",
		"対応していない", "対応してない", "対応しておりません", "対応していません", "非対応", "未対応",
		"してくれない", "してくれません", "やってくれない", "もらえない", "もらえません", "もらえなかった",
		"難しい", "むずかしい", "厳しい", "きびしい", "そうにない", "そうもない", "かねます", "かねる",
		"断られた", "断られました", "はありません",
		"がありません", "はない", "がない", "はなし"}},
	{Yes, []string{"できる", "できます", "出来る", "出来ます", "可能", "対応可", "してくれる", "してくれます",
		"やってくれる", "やってくれます", "もらえる", "もらえます", "があります", "はあります", "がある",
		"はある"}},
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
		"yes", "y", "yeah", "yep", "yup", "sure", "ok", "okay", "okey", "おk", "おけ", "おっけ", "おっけー",
		"おーけ", "おーけー", "おけまる", "true",
		"大丈夫", "だいじょうぶ", "問題ない", "問題なし", "問題ありません",
		"できる", "できます", "出来る", "出来ます", "できた", "できそう", "出来そう", "可能", "かのう", "可",
		"対応可", "対応可能", "対応できる", "対応できます", "対応してくれる", "対応してくれます",
		"やってくれる", "やってくれます", "してくれる", "してくれます",
		"ある", "あります", "あり", "有り", "有る", "有", "いる", "います",
		"○", "〇", "◯", "⭕", "👍", "🙆")
	add(No, "いいえ", "いえ", "いーえ", "いや", "いやいや", "ううん", "うーうん",
		"no", "n", "nope", "nah", "ng", "false",
		"だめ", "駄目", "むり", "無理", "不可", "不可能", "対応不可", "対応不可能",
		"できない", "できません", "出来ない", "出来ません", "できなかった", "できなさそう", "なさそう",
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
