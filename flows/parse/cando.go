package parse

import (
	"strings"
)

// CanDo is the answer to "can the vendor do the introduction work?" (the checklist's
// 導入作業 step), where a bare yes/no loses what matters: the vendor may refuse but refer
// another one.
type CanDo int

const (
	// CanUnsure: not clear enough to record (「できるかわからない」「たぶん大丈夫」, or not an
	// answer at all); the caller offers the choices rather than guess.
	CanUnsure CanDo = iota
	// Can: the vendor does the work (「できます」「対応可能とのこと」「やってくれるそうです」).
	Can
	// Cannot: the vendor does not, and refers no one (「無理でした」「対応できないと言われた」
	// 「紹介もしてもらえない」).
	Cannot
	// CannotRefers: the vendor does not do it itself but refers, or brings in, another
	// (「できないけど他を紹介してくれる」「紹介してくれるそうです」「他社を紹介された」).
	CannotRefers
)

// String returns the constant's name.
func (c CanDo) String() string {
	switch c {
	case Can:
		return "Can"
	case Cannot:
		return "Cannot"
	case CannotRefers:
		return "CannotRefers"
	}
	return "CanUnsure"
}

// ParseCanDo classifies an answer to "can the vendor do the work?". Referral and negation
// win over a bare できる: an answer that mentions a referral (紹介, 他社, 別の業者…) that is
// not itself refused is CannotRefers, even when it also says できる or 大丈夫 («紹介してくれる»
// answers "will someone do it", not "will you"); a refused referral (「紹介もしてくれない」) is
// Cannot. Uncertainty (わからない, たぶん, かもしれない, 確認中…) gives CanUnsure, and so does
// anything ParseYesNo does not read as a plain yes or no, contradictions included
// (「いいえ、大丈夫です」). Otherwise yes is Can and no is Cannot.
func ParseCanDo(s string) CanDo {
	t, ok := prepare(s)
	if !ok {
		return CanUnsure
	}
	t = toHiragana(strings.ToLower(t))
	compact := strings.ReplaceAll(t, " ", "")
	if containsAny(compact, unsureWords) || strings.HasSuffix(strings.TrimRight(compact, "。.!、,"), "かも") {
		return CanUnsure
	}
	if r, ok := referral(compact); ok {
		return r
	}
	switch ParseYesNo(s) {
	case Yes:
		return Can
	case No:
		return Cannot
	}
	return CanUnsure
}

// AboutCanDo reports whether s speaks of whether the vendor does the work — 対応, できる,
// 可能, 無理, やってくれる, 引き受ける, 紹介 — without asking anything, so that an answer
// ParseCanDo finds unclear (「補助金の対象になるなら対応するとのこと」「一部のみ対応」) is
// asked again with the choices rather than sent to the FAQ. A question
// (「対応できない場合はどうすれば？」) is not such an answer.
func AboutCanDo(s string) bool {
	t, ok := prepare(s)
	if !ok || IsQuestion(t) {
		return false
	}
	return containsAny(toHiragana(t), canDoWords)
}

// canDoWords speak of doing the work (hiragana, as the text is folded).
var canDoWords = []string{"対応", "でき", "出来", "可能", "無理", "むり", "やって", "やる", "やれ", "引き受", "請け負",
	"紹介", "断ら"}

// referral finds a referral in t and whether it was refused.
func referral(t string) (CanDo, bool) {
	for _, w := range referralWords {
		i := strings.Index(t, w)
		if i < 0 {
			continue
		}
		after := t[i+len(w):]
		if j := strings.IndexFunc(after, isClauseBreak); j >= 0 {
			after = after[:j]
		}
		if containsAny(after, refusals) {
			return Cannot, true // 「紹介もしてもらえない」「紹介先はないそうです」
		}
		if w != "紹介" && isDirective(after) {
			return Cannot, true // 「他社でお願いしますと言われた」: go elsewhere, no one named
		}
		return CannotRefers, true
	}
	return CanUnsure, false
}

// isDirective reports whether the rest of a clause after another vendor is named tells the
// clinic to go there itself (「でお願いしますと言われた」「に頼んでください」「を当たって」
// 「を探すように言われた」), rather
// than say that the vendor brings that one in (「に頼んでくれる」).
func isDirective(after string) bool {
	after = trimAny(after, nil, []string{"と言われました", "と言われた", "と言われ", "とのことです", "とのこと",
		"って", "と", "。", "!"})
	if containsAny(after, []string{"ください", "下さい", "お願いします", "お願いしたい", "ほしい", "欲しい", "ように"}) {
		return true
	}
	// A verb's て form ends the clause (「に頼んで」「を当たって」); a bare particle does not
	// (「外注で」).
	return len(after) > len("で") && (strings.HasSuffix(after, "て") || strings.HasSuffix(after, "で"))
}

var (
	// referralWords name another vendor doing the work; each is looked for with what
	// follows it in its clause, to see whether it is refused.
	referralWords = []string{"紹介", "他社", "他の業者", "ほかの業者", "別の業者", "他業者", "別業者", "他の会社",
		"ほかの会社", "別の会社", "別会社", "提携先", "協力会社", "協力業者", "下請", "外注", "委託先",
		"他を", "ほかを", "よそ", "他所"}
	// refusals deny the referral they follow (「紹介もしてもらえない」「他社紹介なし」).
	refusals = []string{"ない", "ません", "なかった", "無い", "なし", "無し", "無理", "不可", "難しい", "むずかしい", "断られ",
		"しかねる", "かねます"}
	// unsureWords make an answer too uncertain to record (hiragana, as the text is folded).
	unsureWords = []string{"わからない", "分からない", "わかりません", "分かりません", "わかんない", "分かんない",
		"不明", "未定", "確認中", "問い合わせ中", "問合せ中", "検討中", "調整中", "回答待ち", "返事待ち", "まだ",
		"たぶん", "多分", "おそらく", "恐らく", "かもしれ", "かもです", "と思うけど", "微妙", "どうか", "か否か",
		"どちらとも", "聞いていない", "聞いてない", "知らない", "知りません", "?"}
)
