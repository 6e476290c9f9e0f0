package parse

import (
	"strings"
	"unicode/utf8"
)

// MaxNameRunes is the longest answer LooksLikeName takes for a name: long enough for
// 「医療法人社団 さくら会 さくら内科・小児科クリニック」, short of a sentence of trouble.
const MaxNameRunes = 40

// LooksLikeName reports whether an answer at a step asking for a facility or vendor name is
// a name — a short noun phrase (「DEF医療システム」「山田クリニック」「ABC医療システムさん」
// 「株式会社さくらメディカルです」) — rather than a question or a sentence, so that the caller
// records it instead of sending it to the FAQ. It is false for a question (IsQuestion), a
// yes/no or 「わからない」, an answer about when (LooksLikeDate), text over MaxNameRunes, and a
// clause that ends like a sentence (…ています, …ません, …したい, …けど).
func LooksLikeName(s string) bool {
	t, ok := prepare(s)
	if !ok || t == "" || utf8.RuneCountInString(t) > MaxNameRunes {
		return false
	}
	core := trimAny(t, nil, nameSuffixes)
	if core == "" || containsAny(core, sentenceWords) {
		return false
	}
	h := toHiragana(core)
	for _, e := range sentenceEndings {
		if strings.HasSuffix(h, e) {
			return false
		}
	}
	// The costlier checks last: most sentences are out by now.
	return !IsQuestion(t) && ParseYesNo(t) == Unknown && !LooksLikeDate(t)
}

var (
	// nameSuffixes may follow a name in an answer: 「山田クリニックです」「DEF医療システムさん」.
	nameSuffixes = []string{"でございます", "と申します", "といいます", "と言います", "になります", "です", "さん",
		"様", "さま", "御中", "。", ".", "!", "、", " "}
	// sentenceEndings end a clause, not a name (matched on a hiragana fold).
	sentenceEndings = []string{"ます", "ません", "ました", "ない", "たい", "ている", "てる", "ていた", "った", "だ",
		"よ", "ね", "けど", "ので", "から", "のに", "ください", "下さい", "ほしい", "欲しい", "なら", "とは"}
	// sentenceWords are found in sentences about something, not in names.
	sentenceWords = []string{"について", "に関して", "困って", "困った", "わから", "分から", "教えて", "したい",
		"してほしい", "お願い", "相談", "どうやって"}
)

// NameKey is the key under which two answers name the same company or facility: the
// Normalize form, lowercased, without spaces, with the legal-entity designation (株式会社,
// (株), 有限会社, 医療法人社団, (医)…) and an honorific or polite ending (さん, 様, 御中, です)
// set aside. 「株式会社ＡＢＣメディカル」「ABCメディカル（株）」「㈱abcメディカルさん」 share one key.
// A name that is nothing but a designation keeps it, so that no name has an empty key.
func NameKey(s string) string {
	t := strings.ToLower(strings.ReplaceAll(Normalize(s), " ", ""))
	core := trimAny(t, entityDesignations, append(entityDesignations, nameSuffixes...))
	if core == "" {
		return t
	}
	return core
}

// entityDesignations are the legal-entity forms written before or after a name, in full or
// abbreviated (NFKC has made ㈱ and （株） into (株)).
var entityDesignations = []string{"株式会社", "有限会社", "合同会社", "合資会社", "合名会社", "一般社団法人",
	"一般財団法人", "社会医療法人", "医療法人社団", "医療法人財団", "医療法人", "(株)", "(有)", "(同)", "(医)",
	"(医社)", "(医財)", "(社)", "(財)", "株)", "有)", "医)"}
