package parse

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Intent is what a message that answers no question of the bot's is about: a first message,
// or one typed where the bot asked nothing. What the bot says to each stays with the caller.
type Intent int

const (
	// IntentNone: none of these; the caller goes on as before (the FAQ, the menu).
	IntentNone Intent = iota
	// IntentTrouble: the clinic says it has trouble with the introduction
	// (「オンライン資格確認の導入で困っています」「業者が見つからず悩んでいます」): offer the
	// obstacle report or the desk, not an FAQ answer.
	IntentTrouble
	// IntentThanks: thanks (「ありがとう」「助かりました」), to be answered with a word.
	IntentThanks
	// IntentEnglish: written mostly in Latin letters, as an English speaker would; the bot
	// answers in Japanese, so it says so.
	IntentEnglish
	// IntentPerson: a short message asking for a person, in any of the ways staff ask
	// (「担当の方お願いします」「電話したい」「人間に代わって」「有人対応」): the handoff.
	IntentPerson
)

// String returns the constant's name.
func (i Intent) String() string {
	switch i {
	case IntentTrouble:
		return "IntentTrouble"
	case IntentThanks:
		return "IntentThanks"
	case IntentEnglish:
		return "IntentEnglish"
	case IntentPerson:
		return "IntentPerson"
	}
	return "IntentNone"
}

// ClassifyIntent classifies a message by its words alone, in this order: English (at least
// four Latin letters, and at least 70 % of the letters Latin, that is not a yes/no such as
// "OK" or "not sure"), a person asked for (a person named and asked for — 人と話, 担当の方…
// お願い, 電話したい, オペレーター, 有人 — in a message of at most 30 characters: a longer
// one tells a story, and is trouble or a question), trouble (困って, 悩んで, うまくいかない, トラブル, 助けて, 報告したい…,
// or, in a message that is not a question, 進まない, 間に合わない, 間に合いそうにありません,
// 見つからない, 断られた),
// thanks (ありがとう, 助かりました, お礼…, or 解決しました, in a short message that asks
// nothing). A question
// that only mentions a topic is IntentNone: the FAQ answers it.
func ClassifyIntent(s string) Intent {
	t, ok := prepare(s)
	if !ok || t == "" {
		return IntentNone
	}
	if isEnglish(t) && ParseYesNo(t) == Unknown {
		return IntentEnglish
	}
	h := toHiragana(strings.ToLower(t))
	if utf8.RuneCountInString(t) <= 30 && asksPerson(h) {
		return IntentPerson
	}
	if containsAny(h, troubleWords) || containsAny(h, troubleStates) && !IsQuestion(t) {
		return IntentTrouble
	}
	if containsAny(h, thanksWords) && !IsQuestion(t) && utf8.RuneCountInString(t) <= 40 {
		return IntentThanks
	}
	return IntentNone
}

// isEnglish reports whether t is written mostly in Latin letters.
func isEnglish(t string) bool {
	latin, letters := 0, 0
	for _, r := range t {
		if !unicode.IsLetter(r) {
			continue
		}
		letters++
		if isASCIILetter(r) {
			latin++
		}
	}
	return latin >= 4 && latin*10 >= letters*7
}

// asksPerson reports whether h, folded to hiragana, asks for a person: a word alone
// (personWords), or a person named (people) with what is asked of them (personAsks). A
// message that names a vendor is about the vendor's staff (「業者の担当者にお願いしました」),
// not the desk's; one with a digit or 「まで」 gives a contact (「担当 山田 03-1234-5678
// お願いします」「担当の山田までお願いします」), and names the clinic's own person.
func asksPerson(h string) bool {
	if containsAny(h, vendorWords) || strings.ContainsAny(h, "0123456789@") || strings.Contains(h, "まで") {
		return false
	}
	return containsAny(h, personWords) || containsAny(h, people) && containsAny(h, personAsks)
}

var (
	// personWords ask for a person by themselves; people are who may be asked for, and
	// personAsks what is asked of them (「担当の方お願いします」「人間に代わってください」
	// 「窓口の方と話せますか」). All on a hiragana fold.
	personWords = []string{"おぺれーたー", "有人", "電話したい", "電話で話", "電話で相談", "電話をしたい",
		"電話をかけたい", "直接話", "直接相談"}
	people     = []string{"人と", "人に", "人間", "担当", "窓口の方", "窓口の人", "すたっふ", "職員"}
	personAsks = []string{"話したい", "話がしたい", "話せ", "お願いします", "お願いいたします", "お願いできま",
		"お願いしたい", "代わって", "代われ", "代わり", "かわって",
		"替わって", "つないで", "繋いで", "つなげて", "つなぎ", "相談したい", "相談でき"}
	vendorWords = []string{"業者", "べんだー", "めーかー", "販売店", "れせこん"}
	// troubleWords and thanksWords are matched on a hiragana fold.
	troubleWords = []string{"困って", "困った", "困り", "こまって", "こまった", "悩んで", "悩み", "なやんで",
		"とらぶる", "うまくいかない", "うまく行かない", "上手くいかない", "行き詰", "助けて", "たすけて",
		"相談したい", "相談させて", "相談に乗って", "報告したい", "報告させて", "報告をしたい", "報告をさせて"}
	// troubleStates say trouble unless asked as a question (「間に合わない場合は？」 is the FAQ's).
	troubleStates = []string{"進まない", "進みません", "進んでいない", "進んでない", "進んでいません", "間に合わない",
		"間に合いそうにない", "間に合いそうにありません", "間に合いそうもない", "間に合わなそう", "間に合わなさそう",
		"間に合いません", "見つからない", "見つかりません", "見つからなくて", "断られ"}
	thanksWords = []string{"ありがとう", "ありがと", "有難う", "有り難う", "ありがたい", "助かりました",
		"助かります", "たすかりました", "感謝", "お礼", "おおきに", "thanks", "thank you", "thx", "さんきゅ",
		// word that it is solved, which closes a matter as thanks do
		"解決しました", "解決できました", "解決いたしました", "解決です", "解決済み"}
)
