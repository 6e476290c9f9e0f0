package faq

import (
	"fmt"
	"hash/fnv"
	"runtime/debug"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/ikawaha/kagome-dict/ipa"
	"github.com/ikawaha/kagome/v2/tokenizer"
	"golang.org/x/text/unicode/norm"
)

// analyser is the morphological analyser every knowledge base shares: kagome with the IPA
// dictionary, which the binary embeds (no file or network at run time). Building it
// unpacks the dictionary — about 0.8 s and 90 MB of heap that stay, with as much again
// while it unzips — so it is built once, on the first Load, and what the unzipping used is
// handed back to the system at once rather than when the runtime gets to it. A
// *tokenizer.Tokenizer is read-only after New and safe for concurrent use.
var analyser = sync.OnceValues(func() (*tokenizer.Tokenizer, error) {
	t, err := tokenizer.New(ipa.Dict(), tokenizer.OmitBosEos())
	if err != nil {
		return nil, fmt.Errorf("build the Japanese tokenizer: %w", err)
	}
	debug.FreeOSMemory()
	return t, nil
})

// token is what the matcher uses of one morpheme.
type token struct {
	surface string
	base    string // the dictionary form (申し込め → 申し込む); the surface when unknown
	reading string // in katakana, as the dictionary gives it; "" when it has none
	known   bool   // the dictionary has it (not a guess of the analyser)
	grammar bool   // a particle, an auxiliary, a 非自立 noun or a suffix: ん, です, よう
	noun    bool   // a content noun: not a pronoun, number, suffix or 非自立 noun (こと, ん)
	suffix  bool   // a noun suffix (屋, 用, 代) or a prefix (各, ご): part of the noun beside it
	content bool   // a content noun, or a verb or adjective that stands alone (申し込む, 高い)
}

// tokens appends the morphemes of s to dst. It allocates only what the analyser does.
func tokens(dst []token, tk *tokenizer.Tokenizer, s string) []token {
	for _, t := range tk.Tokenize(s) {
		tok := token{surface: t.Surface, base: t.Surface, known: t.Class == tokenizer.KNOWN}
		if b, ok := t.BaseForm(); ok && b != "" && b != "*" {
			tok.base = b
		}
		if r, ok := t.Reading(); ok && r != "*" {
			tok.reading = r
		}
		pos, _ := t.FeatureAt(0) // not t.POS(), which allocates
		sub, _ := t.FeatureAt(1)
		tok.grammar = pos == "助詞" || pos == "助動詞" || sub == "非自立" || sub == "接尾"
		switch pos {
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
		tok.content = tok.noun || (pos == "動詞" || pos == "形容詞") && sub == "自立"
		dst = append(dst, tok)
	}
	return dst
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
	for _, t := range tokens(nil, tk, s) {
		if t.reading == "" {
			if strings.ContainsFunc(t.surface, isHan) {
				return "", false
			}
			b.WriteString(foldString(t.surface))
			continue
		}
		b.WriteString(foldString(t.reading))
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
	for _, t := range tokens(nil, tk, r) {
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
	known map[string]bool // surfaces, base forms and readings of the topics' morphemes, as given and folded
	runs  map[string]bool // the runs of name runes of the texts (see nextRun): names known whole
	pool  sync.Pool       // *[]token
}

// newScope learns the words of texts: the topics' titles, answers, examples, keywords and
// anchors, and the synonyms. Words of the outside keywords are not learnt, even when a
// topic mentions them.
func newScope(tk *tokenizer.Tokenizer, texts, outside []string) *scope {
	s := &scope{tk: tk, known: make(map[string]bool), runs: make(map[string]bool)}
	s.pool.New = func() any { return new([]token) }
	learn := func(w string) {
		s.known[w] = true
		s.known[foldString(w)] = true
	}
	for _, text := range texts {
		text = norm.NFKC.String(text)
		for start, end := nextRun(text, 0); start < len(text); start, end = nextRun(text, end) {
			s.runs[text[start:end]] = true
		}
		for _, t := range tokens(nil, tk, text) {
			learn(t.surface)
			learn(t.base)
			if t.noun && utf8.RuneCountInString(t.reading) >= 2 {
				learn(t.reading) // of nouns only: 聞き reads as 機器 does
			}
		}
	}
	for _, text := range outside {
		text = norm.NFKC.String(text)
		delete(s.known, text)
		delete(s.known, foldString(text))
		delete(s.runs, text)
	}
	return s
}

// knows says whether the question's morpheme t is a word of the knowledge base: by its
// surface, its dictionary form, or its reading (a typo like 期現 reads as 期限 does), as
// written or folded (ぽーたる, ポータル). Hiragana alone is always known: it is grammar, or
// a word the analyser could not cut; so is a single character (確 of the typo 確人): too
// little to tell a subject by.
func (s *scope) knows(t token) bool {
	if !strings.ContainsFunc(t.surface, func(r rune) bool { return r > 'ゖ' || r < 'ぁ' }) || utf8.RuneCountInString(t.surface) < 2 {
		return true
	}
	if s.known[t.surface] || s.known[t.base] || utf8.RuneCountInString(t.reading) >= 2 && s.known[t.reading] {
		return true
	}
	return s.known[foldString(t.surface)] // allocates, for the few words unknown as written
}

// foreign says whether q is about a thing the knowledge base does not know that qualifies
// a word it knows or another thing: an unknown name inside a compound whose head it knows
// (雇用調整助成金, インボイス対応), or a compound with an unknown name joined by の to
// another compound (発熱外来の補助金, 医療機器の保守料, 医療機器の入れ替え). The question
// is then about another scheme or thing, whatever words it shares with a topic. A name is
// what a scheme or a product is called: a noun compound, a word in katakana or Latin
// letters, or one of three kanji or more; a short everyday noun (近所, 眼科, 出入り) is
// not, for the knowledge base cannot list them all and they rarely change the subject.
// A known noun qualifying an unknown one the other way (補助金の使い道) is not foreign.
//
// Only the names the knowledge base does not write (see runs) are analysed, each with what
// follows it up to the next name after の: the rest of a long question costs nothing.
func (s *scope) foreign(q string) bool {
	q = norm.NFKC.String(q) // ｶｰﾄﾞﾘｰﾀﾞｰ is one unknown token, カードリーダー two known
	for start, end := nextRun(q, 0); start < len(q); start, end = nextRun(q, end) {
		if s.runs[q[start:end]] {
			continue
		}
		// The analyser needs what follows in kana: 入れ替え; and 教え of 両方教えて or
		// します of 利用します, which cut short read as the nouns 教 and しま.
		window := withKana(q, end, len(q))
		if rest := q[end:]; strings.HasPrefix(rest, "の") {
			if ns, ne := nextRun(q, end); ns == end+len("の") {
				window = withKana(q, ne, 2)
			}
		}
		if s.foreignIn(q[start:window]) {
			return true
		}
	}
	return false
}

// nextRun returns the byte range of the first run of name runes of s at or after from (see
// isNameRune), with the okurigana between two kanji in it (申し込み期限, not the particle of
// 業者に見積), or start = len(s).
func nextRun(s string, from int) (start, end int) {
	start = len(s)
	prevHan := false
	for i := from; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case isNameRune(r):
			if start == len(s) {
				start = i
			}
			prevHan = isHan(r)
		case start < len(s) && prevHan && r >= 'ぁ' && r <= 'ゖ' && !strings.ContainsRune("のはがをにでともへやか", r):
			next, _ := utf8.DecodeRuneInString(s[i+size:])
			if !isHan(next) {
				return start, i
			}
			prevHan = false
		case start < len(s):
			return start, i
		}
		i += size
	}
	return start, len(s)
}

// withKana returns end moved past at most n hiragana of s.
func withKana(s string, end, n int) int {
	for ; n > 0 && end < len(s); n-- {
		r, size := utf8.DecodeRuneInString(s[end:])
		if r < 'ぁ' || r > 'ゖ' {
			break
		}
		end += size
	}
	return end
}

// isNameRune says whether r can be part of a name: a kanji, katakana, a Latin letter or a
// digit.
func isNameRune(r rune) bool {
	return isHan(r) || r >= 'ァ' && r <= 'ヺ' || r == 'ー' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

// foreignIn is foreign for one stretch of the question.
func (s *scope) foreignIn(text string) bool {
	buf := s.pool.Get().(*[]token)
	defer s.pool.Put(buf)
	*buf = tokens((*buf)[:0], s.tk, text)
	ts := *buf
	// A compound is a run of nouns with their prefixes and suffixes; its head is its last noun.
	type compound struct {
		start, end int  // tokens [start, end)
		qualified  bool // an unknown name comes before the head
		unknown    bool // an unknown name is in it
		headKnown  bool
	}
	var cs []compound
	for i := 0; i < len(ts); {
		if !ts[i].noun && !ts[i].suffix {
			i++
			continue
		}
		c := compound{start: i, end: i}
		for c.end < len(ts) && (ts[c.end].noun || ts[c.end].suffix) {
			c.end++
		}
		seen := false
		for ; i < c.end; i++ {
			if !ts[i].noun {
				continue
			}
			known := s.knows(ts[i])
			c.qualified = c.qualified || seen && c.unknown
			c.unknown = c.unknown || !known && isName(ts[i].surface, c.end-c.start)
			c.headKnown = known
			seen = true
		}
		if seen {
			cs = append(cs, c)
		}
	}
	for j, c := range cs {
		if c.qualified && c.headKnown {
			return true
		}
		if c.unknown && j+1 < len(cs) && c.end+1 == cs[j+1].start && ts[c.end].surface == "の" {
			return true
		}
	}
	return false
}

// isName says whether an unknown noun, in a compound of n morphemes, names a thing (see
// foreign).
func isName(surface string, n int) bool {
	if strings.ContainsFunc(surface, func(r rune) bool { return r >= 'ぁ' && r <= 'ゖ' }) {
		return false
	}
	if n >= 2 || len([]rune(surface)) >= 3 {
		return true
	}
	return strings.ContainsFunc(surface, func(r rune) bool { return !isHan(r) })
}

// baseTermBit marks a term made of a word's dictionary form (see appendBaseTerms): no
// character term has it.
const baseTermBit = 1 << 63

// appendBaseTerms appends a term for the dictionary form of each content word of s
// (申し込めば → 申し込む), folded: the words signal of TestSignals.
func appendBaseTerms(dst []uint64, tk *tokenizer.Tokenizer, s string) []uint64 {
	for _, t := range tokens(nil, tk, norm.NFKC.String(s)) {
		if !t.content {
			continue
		}
		h := fnv.New64a()
		h.Write([]byte(foldString(t.base)))
		dst = append(dst, h.Sum64()|baseTermBit)
	}
	return dst
}
