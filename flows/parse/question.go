package parse

import (
	"strings"
	"unicode/utf8"
)

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
	for _, w := range questionKana {
		if hasKanaWord(low, w) {
			return true
		}
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
	questionWords = []string{"何", "誰", "教えて", "知りたい", "おしえて", "べき", "ばいい", "たらいい", "ばよい",
		"たらよい"}
	// questionKana are question words written in kana, which also occur inside words and
	// names (ぶどう, いつも, どうぞ): hasKanaWord finds them standing alone.
	questionKana = []string{"いつ", "どう", "どこ", "どれ", "どの", "どんな", "なに", "だれ", "なぜ", "なんで",
		"いくら"}
)

// hasKanaWord reports whether w occurs in s as a word: at the start or after a particle or
// a character that is not hiragana, and not followed by も or ぞ (いつも, どうも, どうぞ).
func hasKanaWord(s, w string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], w)
		if j < 0 {
			return false
		}
		at := i + j
		prev, _ := utf8.DecodeLastRuneInString(s[:at])
		next, _ := utf8.DecodeRuneInString(s[at+len(w):])
		if (at == 0 || !isHiragana(prev) || strings.ContainsRune("はがをにでのもと", prev)) && next != 'も' && next != 'ぞ' {
			return true
		}
		i = at + len(w)
	}
}

func isHiragana(r rune) bool { return r >= 'ぁ' && r <= 'ゖ' }
