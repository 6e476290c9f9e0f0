package faq

import (
	"fmt"
	"slices"
	"unicode"
	"unicode/utf8"

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
// It is read-only after construction.
type normalizer struct {
	rules map[rune][]rule // by the first rune of from, longest from first
}

type rule struct {
	from, to []rune
}

// foldRune maps one rune of NFKC text to its folded form; ok is false for a rune dropped.
func foldRune(r rune) (_ rune, ok bool) {
	switch {
	case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
		return r, true
	case r >= 'A' && r <= 'Z':
		return r + 'a' - 'A', true
	case r == 'ヵ' || r == 'ヶ': // 3ヶ月, 1ヵ所: read か
		return 'か', true
	case r >= 'ァ' && r <= 'ヴ', r == 'ヽ' || r == 'ヾ':
		return r - ('ァ' - 'ぁ'), true
	case r == 'ー' || r == '〜':
		return 0, false
	case unicode.IsLetter(r) || unicode.IsNumber(r):
		return unicode.ToLower(r), true
	}
	return 0, false
}

// fold appends the folded runes of s to dst; buf is scratch space for the NFKC form and is
// returned for reuse.
func fold(dst []rune, buf []byte, s string) ([]rune, []byte) {
	buf = norm.NFKC.AppendString(buf[:0], s)
	for i := 0; i < len(buf); {
		r, size := utf8.DecodeRune(buf[i:])
		i += size
		if r, ok := foldRune(r); ok {
			dst = append(dst, r)
		}
	}
	return dst, buf
}

// rewrite appends src to dst with the synonym and ignore rules applied.
func (n *normalizer) rewrite(dst, src []rune) []rune {
	for i := 0; i < len(src); {
		matched := false
		for _, r := range n.rules[src[i]] {
			if hasPrefix(src[i:], r.from) {
				dst = append(dst, r.to...)
				i += len(r.from)
				matched = true
				break
			}
		}
		if !matched {
			dst = append(dst, src[i])
			i++
		}
	}
	return dst
}

func hasPrefix(s, prefix []rune) bool {
	return len(s) >= len(prefix) && slices.Equal(s[:len(prefix)], prefix)
}

// normalize is the whole pipeline for one text; it allocates and serves Load and the tests.
func (n *normalizer) normalize(s string) []rune {
	folded, _ := fold(nil, nil, s)
	return n.rewrite(nil, folded)
}

// normalizer builds the rules from the synonym groups and ignored words of every file,
// reporting a word that two groups claim.
func (l *loader) normalizer() *normalizer {
	n := &normalizer{rules: make(map[rune][]rule)}
	type claim struct {
		to string
		at entry
	}
	claims := make(map[string]claim)
	add := func(e entry, to []rune) {
		from, _ := fold(nil, nil, e.text)
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
		canon, _ := fold(nil, nil, g[0].text)
		for _, e := range g {
			add(e, canon)
		}
	}
	for _, e := range l.ignore {
		add(e, nil)
	}
	for _, rs := range n.rules {
		slices.SortStableFunc(rs, func(a, b rule) int { return len(b.from) - len(a.from) })
	}
	return n
}
