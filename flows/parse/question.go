package parse

import "strings"

// IsQuestion reports whether s is phrased as a question: a question mark, or a question's
// ending or word (…ですか, …ますか, いつ, どう, 何, 教えて…). Used to keep an answer apart from
// a question typed in the middle of a flow; whether the FAQ can answer it is the matcher's call.
func IsQuestion(s string) bool {
	t, ok := prepare(s)
	if !ok {
		return false
	}
	low := strings.ToLower(t)
	if strings.ContainsAny(low, "?") {
		return true
	}
	// Endings are matched on a hiragana fold (…デスカ), words on the text as typed, so that
	// a name in katakana (ケンドウ) is not taken for どう.
	end := strings.TrimRight(toHiragana(low), "。.!、, ")
	for _, e := range questionEndings {
		if strings.HasSuffix(end, e) {
			return true
		}
	}
	if containsAny(low, questionWords) {
		return true
	}
	for _, w := range strings.FieldsFunc(low, func(r rune) bool { return !isASCIILetter(r) }) {
		switch w {
		case "what", "when", "how", "why", "where", "which", "who", "can", "do", "does", "is", "are":
			return true
		}
	}
	return false
}

var (
	questionEndings = []string{"ですか", "ますか", "でしょうか", "ませんか", "のか", "かな", "だっけ", "たっけ",
		"ですかね", "ますかね"}
	questionWords = []string{"いつ", "どう", "どこ", "どれ", "どの", "どんな", "何", "なに", "誰", "だれ", "なぜ",
		"なんで", "いくら", "教えて", "知りたい", "おしえて", "べき", "ばいい", "たらいい", "ばよい", "たらよい"}
)
