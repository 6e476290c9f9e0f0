package faq

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ikawaha/kagome/v2/tokenizer"
	"golang.org/x/text/unicode/norm"
)

// normalizer turns a question, an example or a keyword into the runes the index is built
// from, so that both sides of a match are written alike:
//
//  1. fold: NFKC (full-width letters and digits, half-width kana), lower case, katakana as
//     hiragana, long-vowel marks, punctuation, symbols and spaces dropped;
//  2. rewrite: every synonym becomes its group's canonical form and ignored words (polite
//     endings, fillers) disappear, taking the longest match from the left in one pass.
//
// Along the way each rune keeps its class (see classFunc…): what it was as typed, before
// katakana became hiragana, and whether a synonym wrote it. The matcher reads words from the
// classes: hiragana as typed is grammar (particles, endings, はい, できます), while kanji,
// katakana, Latin letters and the words of synonym groups carry the subject.
//
// It is read-only after construction.
type normalizer struct {
	rules map[rune][]rule // by the first rune of from, longest from first
}

type rule struct {
	from, to []rune
	// cls are the classes of to, for a reading of a text of several words (かどりだのしめきり
	// → カードリーダーの締切): each word stays a word. nil: to is one word (synonymClass).
	cls []uint8
}

// The class of a folded rune, low bits: what the rune was as typed.
const (
	classFunc  uint8 = iota // hiragana (and ヵ ヶ, read か): particles, endings, answers like はい
	classDigit              // 0–9
	classHan                // kanji, 々, 〇
	classKana               // katakana, folded to hiragana like the rest
	classLatin              // a–z and other letters and numbers
	classMask  uint8 = 0x0f
	// flags
	classSynonym uint8 = 0x10 // written by a synonym rule: part of a known word
	classStart   uint8 = 0x20 // a word starts here: a synonym's first rune, or right after dropped text
	// classBreak: a sentence ended right before this rune (。、？ dropped by fold). No rule
	// reads across it: the ですか of 診療所です。カルテ is not the polite ending ですか.
	classBreak uint8 = 0x40
)

// foldRune maps one rune of NFKC text to its folded form and class; ok is false for a rune
// dropped.
func foldRune(r rune) (_ rune, class uint8, ok bool) {
	switch {
	case r >= 'a' && r <= 'z':
		return r, classLatin, true
	case r >= '0' && r <= '9':
		return r, classDigit, true
	case r >= 'A' && r <= 'Z':
		return r + 'a' - 'A', classLatin, true
	case r == 'ヵ' || r == 'ヶ': // 3ヶ月, 1ヵ所: read か
		return 'か', classFunc, true
	case r >= 'ァ' && r <= 'ヴ', r == 'ヽ' || r == 'ヾ':
		return r - ('ァ' - 'ぁ'), classKana, true
	case r == 'ー' || r == '〜':
		return 0, 0, false
	case r >= 'ぁ' && r <= 'ゖ', r == 'ゝ' || r == 'ゞ':
		return r, classFunc, true
	case isHan(r):
		return r, classHan, true
	case unicode.IsLetter(r) || unicode.IsNumber(r):
		return unicode.ToLower(r), classLatin, true
	}
	return 0, 0, false
}

// fold appends the folded runes of s to dst and their classes to cls; the rune after the
// end of a sentence (see isSentenceEnd) is classBreak. it is the NFKC
// iterator to use (nil for a new one): Match keeps one in its scratch, for Form.Append
// allocates when a text is not NFKC already (a full-width ？ is enough).
func fold(dst []rune, cls []uint8, it *norm.Iter, s string) ([]rune, []uint8) {
	brk := false
	add := func(r rune) {
		if f, c, ok := foldRune(r); ok {
			if brk {
				c |= classBreak | classStart
				brk = false
			}
			dst = append(dst, f)
			cls = append(cls, c)
		} else if isSentenceEnd(r) {
			brk = true
		}
	}
	if norm.NFKC.QuickSpanString(s) == len(s) { // NFKC already: most questions
		for _, r := range s {
			add(r)
		}
		return dst, cls
	}
	if it == nil {
		it = new(norm.Iter)
	}
	it.InitString(norm.NFKC, s)
	for !it.Done() {
		seg := it.Next()
		for i := 0; i < len(seg); {
			r, size := utf8.DecodeRune(seg[i:])
			i += size
			add(r)
		}
	}
	return dst, cls
}

// rewrite appends src to dst, and the classes srcCls to dstCls, with the synonym and ignore
// rules applied. The runes a synonym writes are classSynonym, the first also classStart; the
// rune after an ignored word is classStart.
func (n *normalizer) rewrite(dst []rune, dstCls []uint8, src []rune, srcCls []uint8) ([]rune, []uint8) {
	start := false
	for i := 0; i < len(src); {
		matched := false
		for _, r := range n.rules[src[i]] {
			if hasPrefix(src[i:], r.from) && !breaks(srcCls[i+1:i+len(r.from)]) {
				for j, c := range r.to {
					dst = append(dst, c)
					cl := synonymClass(c)
					if r.cls != nil {
						cl = r.cls[j]
					}
					if j == 0 {
						cl |= classStart
					}
					dstCls = append(dstCls, cl)
				}
				i += len(r.from)
				matched = true
				start = len(r.to) == 0
				break
			}
		}
		if !matched {
			cl := srcCls[i]
			if start {
				cl |= classStart
			}
			dst = append(dst, src[i])
			dstCls = append(dstCls, cl)
			i++
			start = false
		}
	}
	return dst, dstCls
}

// breaks says whether a sentence ends before one of the runes of classes cls.
func breaks(cls []uint8) bool {
	for _, c := range cls {
		if c&classBreak != 0 {
			return true
		}
	}
	return false
}

// synonymClass is the class of rune c of a synonym's canonical form: a word whatever the
// script it was typed in (いつまで is hiragana, but a synonym makes it a word).
func synonymClass(c rune) uint8 {
	if isHan(c) {
		return classSynonym | classHan
	}
	return classSynonym | classKana
}

// isHan says whether r is a kanji (or 々, 〇), trying the common ones first.
func isHan(r rune) bool {
	return r >= 0x4e00 && r <= 0x9fff || unicode.Is(unicode.Han, r)
}

func hasPrefix(s, prefix []rune) bool {
	return len(s) >= len(prefix) && slices.Equal(s[:len(prefix)], prefix)
}

// normalize is the whole pipeline for one text; it allocates and serves Load and the tests.
func (n *normalizer) normalize(s string) []rune {
	folded, cls := fold(nil, nil, nil, s)
	rs, _ := n.rewrite(nil, nil, folded, cls)
	return rs
}

// normalizer builds the rules from the synonym groups and ignored words of every file,
// reporting a word that two groups claim, and, with a tokenizer, the rules that read the
// knowledge base's kanji words from their readings.
func (l *loader) normalizer(tk *tokenizer.Tokenizer) *normalizer {
	n := &normalizer{rules: make(map[rune][]rule)}
	type claim struct {
		to string
		at entry
	}
	claims := make(map[string]claim)
	add := func(e entry, to []rune) {
		from, _ := fold(nil, nil, nil, e.text)
		if len(from) == 0 {
			l.problems = append(l.problems, Problem{File: e.file, Line: e.line, Msg: fmt.Sprintf("%q has no letters left once punctuation is dropped", e.text)})
			return
		}
		if c, ok := claims[string(from)]; ok {
			if c.to != string(to) {
				l.problems = append(l.problems, Problem{File: e.file, Line: e.line,
					Msg: fmt.Sprintf("%q is already in the group of %q at %s:%d", e.text, c.to, c.at.file, c.at.line)})
			}
			return
		}
		claims[string(from)] = claim{to: string(to), at: e}
		n.rules[from[0]] = append(n.rules[from[0]], rule{from: from, to: to})
	}
	for _, g := range l.synonyms {
		// The canonical form rewrites to itself, so that a shorter synonym inside it
		// (リーダー in カードリーダー) cannot match there.
		canon, _ := fold(nil, nil, nil, g[0].text)
		for _, e := range g {
			add(e, canon)
		}
	}
	for _, e := range l.ignore {
		add(e, nil)
	}
	if tk != nil {
		// Kana for kanji: the reading of each word the knowledge base writes in kanji is
		// read as that word (ほじょきん → 補助金, きげん → 期限 → 締切), so that a question
		// typed in hiragana meets the examples. A reading is generated, not written by the
		// desk: it never overrides a word of the files, and one claimed by two words (a
		// homophone) or shorter than minReading (き, かい) is left alone.
		for from, to := range l.readings(n, tk) {
			rs := []rune(from)
			n.rules[rs[0]] = append(n.rules[rs[0]], rule{from: rs, to: to.runes, cls: to.cls})
		}
	}
	for _, rs := range n.rules {
		slices.SortStableFunc(rs, func(a, b rule) int { return len(b.from) - len(a.from) })
	}
	return n
}

// minReading is the shortest generated reading, in kana: two-kana readings (かい, きき,
// とき) are everywhere inside words and endings typed in hiragana.
const minReading = 3

// reading is what a generated reading is read as: the runes of the text read, with their
// classes as that text normalises (nil: one word, the canonical form of a synonym group).
type reading struct {
	runes []rune
	cls   []uint8
}

// readings returns the generated reading rules: from a reading, folded, to the runes of
// the text read, which keep its words: the reading of カードリーダーの締切 is two words,
// as the text is. The words are, first to last claim: every word of a synonym group (read as
// its canonical form), every keyword and anchor of a topic and of the outside questions,
// then the nouns and noun compounds of titles and examples. A reading that is already a
// rule's text, or that two words claim, gives no rule.
func (l *loader) readings(n *normalizer, tk *tokenizer.Tokenizer) map[string]reading {
	out := make(map[string]reading)
	ambiguous := make(map[string]bool)
	claim := func(text string, to reading) {
		r, ok := readingOf(tk, text)
		if !ok || len([]rune(r)) < minReading || len(to.runes) == 0 || ambiguous[r] || grammarLike(tk, r) {
			return
		}
		rs := []rune(r)
		for _, existing := range n.rules[rs[0]] {
			if slices.Equal(existing.from, rs) {
				return
			}
		}
		if prev, ok := out[r]; ok {
			if !slices.Equal(prev.runes, to.runes) {
				delete(out, r)
				ambiguous[r] = true
			}
			return
		}
		out[r] = to
	}
	for _, g := range l.synonyms {
		canon, _ := fold(nil, nil, nil, g[0].text)
		for _, e := range g {
			claim(e.text, reading{runes: canon})
		}
	}
	word := func(e entry) {
		folded, cls := fold(nil, nil, nil, e.text)
		rs, rcls := n.rewrite(nil, nil, folded, cls)
		claim(e.text, reading{runes: rs, cls: rcls})
	}
	for i := range l.topics {
		for _, e := range l.texts[i].keywords {
			word(e)
		}
		for _, g := range l.texts[i].anchors {
			for _, e := range g {
				word(e)
			}
		}
	}
	for _, e := range l.outside.keywords {
		word(e)
	}
	nouns := func(text string) {
		var compound strings.Builder
		parts := 0
		flush := func() {
			if parts > 1 {
				word(entry{text: compound.String()})
			}
			compound.Reset()
			parts = 0
		}
		for _, t := range tokens(nil, tk, text) {
			if !t.noun && !t.suffix {
				flush()
				continue
			}
			if t.noun {
				word(entry{text: t.surface})
			}
			compound.WriteString(t.surface)
			parts++
		}
		flush()
	}
	for i, t := range l.topics {
		nouns(t.Title)
		for _, e := range l.texts[i].examples {
			nouns(e.text)
		}
	}
	for _, e := range l.outside.examples {
		nouns(e.text)
	}
	return out
}
