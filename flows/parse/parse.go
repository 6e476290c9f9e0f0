// Package parse understands the Japanese free-text answers clinic staff type: yes or no,
// whether a vendor can do the work ([ParseCanDo]), yen amounts with their tax basis, range
// and period ([ParseAmount], stored with [Amount.String] and [DecodeAmount], shown with
// [Amount.Japanese]), dates, seasons and durations ([ParseWhen], [LooksLikeDate]),
// prefectures, 医療機関コード ([FindMedicalCode]), contacts ([ParseContact], [FormatPhone]),
// and what a message that answers nothing is about ([ClassifyIntent], [LooksLikeName],
// [IsQuestion]).
//
// Every parser is a pure function: no I/O, no global state, safe for concurrent use. Each
// first runs [Normalize], so full-width digits and letters, half-width kana and odd spaces
// never matter. None panics, whatever the input (invalid UTF-8, control characters,
// megabytes of text); the work is linear in the input, and inputs longer than [MaxInput]
// bytes are refused outright, as no answer to a question of the bot is that long.
//
// Failures are sentinel errors (ErrNotAmount, ErrPast, ErrCheckDigit…) so the caller can
// re-prompt saying what is expected; none of them carries the user's text.
package parse

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// MaxInput is the longest input, in bytes, that the parsers look at. Longer input is not an
// answer to a question (ParseYesNo says Unknown, the others return their "not a …" error).
const MaxInput = 2048

// Normalize puts s in the form every parser reads: invalid UTF-8 becomes U+FFFD, control and
// invisible format characters (zero-width space, BOM…) are dropped, the text is NFKC
// normalised (full-width digits, letters and signs become ASCII, half-width kana become
// full-width, ㍻ becomes 平成), a detached voiced-sound mark (か゛) joins its kana, and
// white space (including U+3000) is trimmed and each inner run collapsed to one ASCII space.
// Case is kept. Normalize is idempotent.
func Normalize(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\u309B': // ゛ spacing voiced sound mark: NFKC would make it a space + mark
			return '\u3099'
		case r == '\u309C': // ゜
			return '\u309A'
		case unicode.IsSpace(r):
			return ' '
		case unicode.Is(unicode.Cc, r), unicode.Is(unicode.Cf, r):
			return -1
		}
		return r
	}, s)
	s = norm.NFKC.String(s)

	var b strings.Builder
	b.Grow(len(s))
	pending := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			pending = true
			continue
		}
		if pending && b.Len() > 0 {
			b.WriteByte(' ')
		}
		pending = false
		b.WriteRune(r)
	}
	return b.String()
}

// prepare is Normalize for a parser: false when s is too long to be an answer.
func prepare(s string) (string, bool) {
	if len(s) > MaxInput {
		return "", false
	}
	return Normalize(s), true
}

// toHiragana folds katakana to hiragana (ア→あ, ヴ→ゔ); the long-vowel mark ー and
// everything else are kept. Used for matching word lists written in hiragana.
func toHiragana(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'ァ' && r <= 'ヶ' && r != 'ヵ' && r != 'ヶ' {
			return r - 0x60
		}
		return r
	}, s)
}

// isDash reports whether r is one of the many dashes people type between digits: ASCII
// hyphen-minus, the Unicode hyphens and dashes, the minus sign and the katakana long-vowel
// mark ー that IMEs produce for "-" in kana mode (NFKC has already turned － and ｰ into - and ー).
func isDash(r rune) bool {
	switch r {
	case '-', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212', 'ー', '\u2500', '\uFE63':
		return true
	}
	return false
}

// digitValue returns the value of an ASCII digit or a kanji digit (〇一二…九, 零, and the
// formal 壱弐参), or -1.
func digitValue(r rune) int {
	if r >= '0' && r <= '9' {
		return int(r - '0')
	}
	switch r {
	case '〇', '零':
		return 0
	case '一', '壱':
		return 1
	case '二', '弐':
		return 2
	case '三', '参':
		return 3
	case '四':
		return 4
	case '五':
		return 5
	case '六':
		return 6
	case '七':
		return 7
	case '八':
		return 8
	case '九':
		return 9
	}
	return -1
}

// isKanjiDigit reports whether r is a kanji digit (not an ASCII one).
func isKanjiDigit(r rune) bool { return (r < '0' || r > '9') && digitValue(r) >= 0 }

// trimAny strips, repeatedly, any of the given prefixes and suffixes from s: each time the
// first of each list that s begins or ends with, so that a list written longest first
// strips 「までに」 whole rather than its に and then its で.
func trimAny(s string, prefixes, suffixes []string) string {
	cut := func(s string, words []string, f func(string, string) (string, bool)) (string, bool) {
		for _, w := range words {
			if t, ok := f(s, w); ok && w != "" {
				return t, true
			}
		}
		return s, false
	}
	for {
		var p, x bool
		s, p = cut(s, prefixes, strings.CutPrefix)
		s, x = cut(s, suffixes, strings.CutSuffix)
		if !p && !x {
			return s
		}
	}
}
