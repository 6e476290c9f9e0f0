package faq

import (
	"fmt"
	"strings"
	"sync"

	"github.com/ikawaha/kagome-dict/ipa"
	"github.com/ikawaha/kagome/v2/tokenizer"
	"golang.org/x/text/unicode/norm"
)

// analyser is the morphological analyser every knowledge base shares: kagome with the IPA
// dictionary, which the binary embeds (no file or network at run time). Building it
// unpacks the dictionary (tens of MB), so it is built once, on the first Load; a
// *tokenizer.Tokenizer is read-only after New and safe for concurrent use.
var analyser = sync.OnceValues(func() (*tokenizer.Tokenizer, error) {
	t, err := tokenizer.New(ipa.Dict(), tokenizer.OmitBosEos())
	if err != nil {
		return nil, fmt.Errorf("build the Japanese tokenizer: %w", err)
	}
	return t, nil
})

// token is what the matcher uses of one morpheme.
type token struct {
	known   bool // the dictionary has it (not a guess of the analyser)
	grammar bool // a particle, an auxiliary, a 非自立 noun or a suffix: ん, です, よう
	surface string
	base    string // the dictionary form (申し込め → 申し込む); the surface when unknown
	reading string // folded to hiragana; "" when the dictionary has none
	noun    bool   // a content noun: not a pronoun, number, suffix or 非自立 noun (こと, ん)
	suffix  bool   // a noun suffix (屋, 用, 代) or a prefix (各, ご): part of the noun beside it
}

// tokens analyses s.
func tokens(tk *tokenizer.Tokenizer, s string) []token {
	var out []token
	for _, t := range tk.Tokenize(s) {
		pos := t.POS()
		tok := token{surface: t.Surface, base: t.Surface, known: t.Class == tokenizer.KNOWN}
		if b, ok := t.BaseForm(); ok && b != "" && b != "*" {
			tok.base = b
		}
		if r, ok := t.Reading(); ok && r != "*" {
			tok.reading = foldString(r)
		}
		if len(pos) > 0 {
			sub := ""
			if len(pos) > 1 {
				sub = pos[1]
			}
			tok.grammar = pos[0] == "助詞" || pos[0] == "助動詞" || sub == "非自立" || sub == "接尾"
			switch pos[0] {
			case "名詞":
				switch sub {
				case "接尾":
					tok.suffix = true
				case "代名詞", "数", "非自立", "副詞可能", "特殊", "形容動詞語幹": // これ, 3, こと, 今回, 普通
				default:
					tok.noun = true
				}
			case "接頭詞":
				tok.suffix = true
			}
		}
		out = append(out, tok)
	}
	return out
}

// foldString is fold for one whole text, as a string.
func foldString(s string) string {
	rs, _ := fold(nil, nil, nil, s)
	return string(rs)
}

// readingOf is the reading of s, folded to hiragana, when s is written with kanji and the
// dictionary reads every one of its morphemes: 補助金 → ほじょきん, 締め切り → しめきり.
// ok is false for a text without kanji (its folded form is its reading already) and for
// one with a morpheme the dictionary does not know.
func readingOf(tk *tokenizer.Tokenizer, s string) (string, bool) {
	han := false
	for _, r := range s {
		if isHan(r) {
			han = true
			break
		}
	}
	if !han {
		return "", false
	}
	var b strings.Builder
	for _, t := range tokens(tk, s) {
		if t.reading == "" {
			if strings.ContainsFunc(t.surface, isHan) {
				return "", false
			}
			b.WriteString(foldString(t.surface))
			continue
		}
		b.WriteString(t.reading)
	}
	r := b.String()
	for _, c := range r {
		if c < 'ぁ' || c > 'ゖ' {
			return "", false // digits, letters: 0円, pc
		}
	}
	return r, true
}

// maxGrammarLike is the longest reading that grammarLike checks; longer ones
// (ほじょきん, おんらいんしかくかくにん) are not typed by chance.
const maxGrammarLike = 4

// grammarLike says whether the hiragana text r reads as ordinary words with grammar in
// them, which a question typed in kanji has all over: いいん (医院) is in すればいいんですか,
// ないよう (内容) in 漏れがないように. Such a reading must not be read as the kanji word.
func grammarLike(tk *tokenizer.Tokenizer, r string) bool {
	if len([]rune(r)) > maxGrammarLike {
		return false
	}
	grammar := false
	for _, t := range tokens(tk, r) {
		if !t.known {
			return false
		}
		grammar = grammar || t.grammar
	}
	return grammar
}

// scope knows the words of the knowledge base, to tell a question about one of its
// subjects from one about another thing that shares a word with a topic: 発熱外来の補助金
// and 医療機器の保守料 hold 補助金 and 保守料, but are about 発熱外来 and 医療機器.
type scope struct {
	tk    *tokenizer.Tokenizer
	known map[string]bool // surfaces, base forms and readings of the topics' morphemes
}

// newScope learns the words of texts: the topics' titles, answers, examples, keywords and
// anchors, and the synonyms. Words of the outside keywords are not learnt, even when a
// topic mentions them.
func newScope(tk *tokenizer.Tokenizer, texts, outside []string) *scope {
	s := &scope{tk: tk, known: make(map[string]bool)}
	for _, text := range texts {
		for _, t := range tokens(tk, text) {
			s.known[foldString(t.surface)] = true
			s.known[foldString(t.base)] = true
			if t.noun && len([]rune(t.reading)) >= 2 {
				s.known[t.reading] = true // of nouns only: 聞き reads as 機器 does
			}
		}
	}
	for _, text := range outside {
		delete(s.known, foldString(text))
	}
	return s
}

// knows says whether the question's morpheme t is a word of the knowledge base: by its
// surface, its dictionary form, or its reading (a typo like 期現 reads as 期限 does).
// Hiragana alone is always known: it is grammar, or a word the analyser could not cut; so
// is a single character (確 of the typo 確人): too little to tell a subject by.
func (s *scope) knows(t token) bool {
	if !strings.ContainsFunc(t.surface, func(r rune) bool { return r > 'ゖ' || r < 'ぁ' }) || len([]rune(t.surface)) < 2 {
		return true
	}
	if s.known[foldString(t.surface)] || s.known[foldString(t.base)] {
		return true
	}
	return len([]rune(t.reading)) >= 2 && s.known[t.reading]
}

// foreign says whether q is about something the knowledge base does not know that
// qualifies a word it knows: a noun it does not know inside a compound whose head it
// knows (雇用調整助成金, インボイス対応), or a compound with a noun it does not know joined
// by の to a compound whose head it knows (発熱外来の補助金, 医療機器の保守料). The
// question is then about another scheme or thing, whatever words it shares with a topic.
// A known noun qualified by an unknown one the other way (補助金の使い道) is not foreign.
func (s *scope) foreign(q string) bool {
	ts := tokens(s.tk, norm.NFKC.String(q)) // ｶｰﾄﾞﾘｰﾀﾞｰ is one unknown token, カードリーダー two known
	// A compound is a run of nouns with their prefixes and suffixes; its head is its last noun.
	type compound struct {
		start, end int  // tokens [start, end)
		qualified  bool // a noun before the head is unknown
		unknown    bool // some noun is unknown
		headKnown  bool
	}
	var cs []compound
	for i := 0; i < len(ts); {
		if !ts[i].noun && !ts[i].suffix {
			i++
			continue
		}
		c := compound{start: i}
		seen := false
		for ; i < len(ts) && (ts[i].noun || ts[i].suffix); i++ {
			if !ts[i].noun {
				continue
			}
			if seen && !c.headKnown {
				c.qualified = true
			}
			seen = true
			c.headKnown = s.knows(ts[i])
			c.unknown = c.unknown || !c.headKnown
		}
		c.end = i
		if seen {
			cs = append(cs, c)
		}
	}
	for j, c := range cs {
		if c.qualified && c.headKnown {
			return true
		}
		if c.unknown && j+1 < len(cs) && c.end+1 == cs[j+1].start && ts[c.end].surface == "の" && cs[j+1].headKnown {
			return true
		}
	}
	return false
}
