package faq

import (
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/ikawaha/kagome/v2/tokenizer"
	"golang.org/x/text/unicode/norm"
)

// Match is the topic a question was matched to.
type Match struct {
	ID    string  // the topic id; "" when the knowledge base is not confident
	Score float64 // the confidence of the best topic, reported even when ID is ""
}

// params are the matcher's knobs. They were chosen by leave-one-out over the knowledge
// base's own examples (each example matched against the topics built without it, see
// TestLeaveOneOut) and checked on faq-dev.jsonl and testdata/tuning.jsonl; the held-out
// sets testdata/holdout*.jsonl are only reported.
// Measured on the first draft of the knowledge base: scoring each topic as one document beat
// taking the best of its examples as separate documents (89.9 % against 85.1 % at best);
// single Han characters as terms helped (+1–2 points) and trigrams did not; k1 and b hardly
// mattered; keyword hits worth about five matching bigrams did best. With minWords (added
// against short answers typed in flows): weighting terms of hiragana alone down (0.05–0.5)
// changed nothing on faq-dev.jsonl and cost 1–2 examples of leave-one-out, so every term
// weighs the same; minScore 0.3–0.5 moved leave-one-out by a point at most; when the best
// topic may not answer, the next that may does (requiring it to score at least 30–70 % of
// the best changed nothing measured).
type params struct {
	k1, b    float64 // BM25
	keyword  float64 // weight of a keyword found in the question, times its rarity
	minScore float64 // the confidence below which no topic is returned

	// minWords is how many distinct words of the question (see words) a topic must match,
	// by a term made of word runes or by a keyword, to be answered: one word alone (診療所,
	// 42万円, 無理です) is an answer to a flow's question, not a question to the FAQ.
	// A question of a single word that asks about it (相談窓口はどこ, see asking) is answered
	// by the topic that matches its word.
	minWords int

	// The signals of issue 13, each measured by TestSignals: the readings of the knowledge
	// base's kanji words (ほじょきん → 補助金, see loader.readings), the check that a
	// question is not about another thing (scope.foreign), and matching a rambling
	// question sentence by sentence.
	readings, scope, sentences bool
	// baseForms adds a term for the dictionary form of each content word, in the topics and
	// in the question (see appendBaseTerms). Off: measured by TestSignals, it gets one more
	// question of the tuning set right and none of faq-dev.jsonl, and it would analyse
	// every text, the flows' answers included, which the other signals never do.
	baseForms bool
}

var defaultParams = params{k1: 1.2, b: 0.75, keyword: 5, minScore: 0.4, minWords: 2,
	readings: true, scope: true, sentences: true}

// asking are the words that make a text ask something, folded: interrogatives and requests.
// They are grammar, not subject, so no topic matches them; they only let a question of a
// single word (相談窓口はどこ, 問い合わせ先を知りたい) be answered. The answers typed in a
// flow (診療所, 42万円, 機種はわからない) have none of them: わからない answers a step as
// often as it asks. A question mark is not enough: it says that something is asked, not
// what (補助金？ could be the amount or the deadlines), and the one word is then a guess.
var asking = foldAll("どこ", "いつ", "どう", "どれ", "どの", "どんな", "どちら", "なぜ", "なんで",
	"何", "なに", "いくら", "誰", "だれ", "教え", "おしえ", "知りた", "ですか", "ますか", "でしょうか", "とは")

func foldAll(words ...string) [][]rune {
	out := make([][]rune, len(words))
	for i, w := range words {
		out[i], _ = fold(nil, nil, nil, w)
	}
	return out
}

// asks says whether the folded text rs has one of the asking words.
func asks(rs []rune) bool {
	for i, r := range rs {
		if !slices.Contains(askingFirst, r) {
			continue
		}
		for _, w := range asking {
			if hasPrefix(rs[i:], w) {
				return true
			}
		}
	}
	return false
}

// askingFirst are the first runes of the asking words.
var askingFirst = func() []rune {
	var rs []rune
	for _, w := range asking {
		if !slices.Contains(rs, w[0]) {
			rs = append(rs, w[0])
		}
	}
	return rs
}()

// maxQuestion is the length of a question that is matched, in bytes; the rest is ignored
// (a LINE message may hold 5,000 characters; no question needs more than a few dozen).
const maxQuestion = 4096

// index is what Load precomputes for Match: each topic is one document made of its title,
// examples and keywords, scored with BM25 over character n-grams, plus a bonus for each of
// its keywords found whole in the question. The "outside" examples form one more topic,
// with no id, that makes Match answer "" when it wins; an outside keyword found in the
// question makes it answer "" whatever wins. A topic's anchor words say what a question
// must hold for the topic to answer it.
type index struct {
	p        params
	terms    map[uint64]postings
	ids      []string // by topic number; "" for the outside examples
	outside  int      // the topic number of the outside examples, or -1
	idfMax   float64  // the idf of a term no topic has
	keywords map[rune][]keyword
	anchors  map[rune][]anchor
	need     []uint64             // by topic number: the anchor groups it has, one bit each
	scope    *scope               // nil: no question is refused for being about another thing
	base     *tokenizer.Tokenizer // for the terms of dictionary forms; nil when params.baseForms is off
	pool     sync.Pool            // *scratch
}

// anchor is a word of one of a topic's anchor groups.
type anchor struct {
	runes []rune
	topic int32
	group uint8
}

// postings are the topics that have a term.
type postings struct {
	idf    float64
	topics []posting // with the term's BM25 weight in the topic
}

type posting struct {
	topic int32
	w     float32
}

type keyword struct {
	runes []rune
	topic int32
	w     float32
}

// scratch is one Match call's working memory, pooled so that Match hardly allocates.
type scratch struct {
	nfkc      norm.Iter
	folded    []rune
	foldedCls []uint8
	norm      []rune
	normCls   []uint8
	words     []uint64 // per rune of norm: the bit of its word, 0 for grammar and digits
	terms     []qterm
	keys      []uint64  // appendQueryTerms' scratch
	scores    []float64 // per topic
	matched   []uint64  // per topic: the words of the question it matched
	anchored  []uint64  // per topic: the anchor groups the question has a word of
}

// qterm is a term of the question.
type qterm struct {
	t     uint64
	words uint64 // the words the term stands for; 0 unless it is made of word runes
}

// keywordWord is the bit a keyword found in grammar alone (どれ, どうやって) counts as.
const keywordWord = 1 << 62

// maxWordBit is the last bit words are numbered to; further words share it.
const maxWordBit = 61

// appendTerms appends the terms of rs: character bigrams, and single characters where they
// are Han (紙, 台) or the whole text. A term is its runes packed 21 bits each; a single
// character has a zero leading rune, so it never equals a bigram.
func appendTerms(dst []uint64, rs []rune) []uint64 {
	for i, r := range rs {
		if len(rs) == 1 || isHan(r) {
			dst = append(dst, uint64(r))
		}
		if i+1 < len(rs) {
			dst = append(dst, uint64(r)<<21|uint64(rs[i+1]))
		}
	}
	return dst
}

// isWord says whether a rune of class c belongs to a word: a kanji, katakana or Latin
// letter as typed, or any rune a synonym wrote. Hiragana as typed and digits do not.
func isWord(c uint8) bool {
	switch c & classMask {
	case classHan, classKana, classLatin:
		return true
	}
	return c&classSynonym != 0
}

// words appends, for each rune of a normalised question, the bit of the word it belongs to.
// A word is a synonym's canonical form, or else a run of runes of one script (kanji, or
// katakana, or Latin letters; digits join any of them); hiragana as typed separates words.
// Digits have no bit: 42万円 is the word 万円, and 1310110049 no word at all.
func words(dst []uint64, cls []uint8) []uint64 {
	n := 0
	var bit uint64
	for i, c := range cls {
		base, syn := c&classMask, c&classSynonym != 0
		if base == classFunc && !syn {
			bit = 0
			dst = append(dst, 0)
			continue
		}
		join := i > 0 && c&classStart == 0
		if join {
			prev := cls[i-1]
			pb, psyn := prev&classMask, prev&classSynonym != 0
			switch {
			case pb == classFunc && !psyn, psyn != syn:
				join = false
			case !syn:
				join = pb == base || pb == classDigit || base == classDigit
			}
		}
		if !join {
			bit = 0
		}
		if !isWord(c) {
			dst = append(dst, 0)
			continue
		}
		if bit == 0 {
			bit = 1 << min(n, maxWordBit)
			n++
		}
		dst = append(dst, bit)
	}
	return dst
}

// appendQueryTerms appends the terms of a normalised question as appendTerms makes them,
// sorted and without repeats, each with the words it stands for: a bigram of two word runes
// stands for their words, a single kanji for its word when it is the whole word (紙, 何; the
// 書 of 請求書 is not the 書 of 手書き), anything with grammar in it for none. keys is
// scratch space, returned for reuse: each term with where it was found, sorted as integers.
func appendQueryTerms(dst []qterm, keys []uint64, rs []rune, cls []uint8, ws []uint64) ([]qterm, []uint64) {
	// A key is the term (42 bits), the rune it starts at (21 bits: NFKC may make a rune of
	// maxQuestion many) and whether it is a bigram.
	const posBits = 22
	keys = keys[:0]
	for i, r := range rs {
		if len(rs) == 1 || cls[i]&classMask == classHan { // as appendTerms: Han
			keys = append(keys, uint64(r)<<posBits|uint64(i)<<1)
		}
		if i+1 < len(rs) {
			keys = append(keys, (uint64(r)<<21|uint64(rs[i+1]))<<posBits|uint64(i)<<1|1)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		t, i, bigram := k>>posBits, int(k>>1)&(1<<(posBits-1)-1), k&1 == 1
		var words uint64
		switch {
		case bigram:
			if isWord(cls[i]) && isWord(cls[i+1]) {
				words = ws[i] | ws[i+1]
			}
		case isWord(cls[i]) && (i == 0 || ws[i-1] != ws[i]) && (i+1 == len(rs) || ws[i+1] != ws[i]):
			words = ws[i]
		}
		if n := len(dst); n > 0 && dst[n-1].t == t {
			dst[n-1].words |= words
			continue
		}
		dst = append(dst, qterm{t: t, words: words})
	}
	return dst, keys
}

// bm25 calls add with the BM25 weight of each term of each document.
func bm25(docs [][]uint64, p params, add func(term uint64, doc int, w float64)) {
	tfs := make([]map[uint64]int, len(docs))
	df := make(map[uint64]int)
	total := 0
	for i, terms := range docs {
		total += len(terms)
		tf := make(map[uint64]int, len(terms))
		for _, t := range terms {
			if tf[t] == 0 {
				df[t]++
			}
			tf[t]++
		}
		tfs[i] = tf
	}
	n := float64(len(docs))
	avg := max(float64(total)/max(n, 1), 1)
	for i, tf := range tfs {
		norm := p.k1 * (1 - p.b + p.b*float64(len(docs[i]))/avg)
		for t, c := range tf {
			f := float64(c)
			add(t, i, idf(n, df[t])*f*(p.k1+1)/(f+norm))
		}
	}
}

func idf(n float64, df int) float64 {
	return math.Log(1 + (n-float64(df)+0.5)/(float64(df)+0.5))
}

// index builds the index of the loaded topics and outside examples, reporting an example or
// keyword that normalisation leaves empty.
func (l *loader) index(n *normalizer, p params, base *tokenizer.Tokenizer) *index {
	idx := &index{p: p, base: base, terms: make(map[uint64]postings), outside: -1,
		keywords: make(map[rune][]keyword), anchors: make(map[rune][]anchor)}
	var docs [][]uint64
	type kwAt struct {
		runes []rune
		topic int32
	}
	var kws []kwAt
	kwTopics := make(map[string]map[int32]bool) // keyword → the topics that list it
	addTopic := func(id string, texts, keywords []entry) {
		topic := int32(len(docs))
		var terms []uint64
		for _, e := range texts {
			rs := n.normalize(e.text)
			if len(rs) == 0 {
				l.problems = append(l.problems, Problem{File: e.file, Line: e.line, Msg: fmt.Sprintf("%q has no words left once polite endings and fillers are dropped", e.text)})
			}
			terms = appendTerms(terms, rs)
			if idx.base != nil {
				terms = appendBaseTerms(terms, idx.base, e.text)
			}
		}
		for _, e := range keywords {
			rs := n.normalize(e.text)
			if len(rs) == 0 {
				l.problems = append(l.problems, Problem{File: e.file, Line: e.line, Msg: fmt.Sprintf("keyword %q has no words left once polite endings and fillers are dropped", e.text)})
				continue
			}
			terms = appendTerms(terms, rs)
			if kwTopics[string(rs)] == nil {
				kwTopics[string(rs)] = make(map[int32]bool)
			}
			kwTopics[string(rs)][topic] = true
			kws = append(kws, kwAt{rs, topic})
		}
		docs = append(docs, terms)
		idx.ids = append(idx.ids, id)
	}
	for i, t := range l.topics {
		texts := l.texts[i].examples
		if t.Title != "" {
			texts = append([]entry{{text: t.Title, file: t.File, line: t.Line}}, texts...)
		}
		idx.need = append(idx.need, l.anchors(n, idx, int32(i), l.texts[i]))
		addTopic(t.ID, texts, l.texts[i].keywords)
	}
	if len(l.outside.examples)+len(l.outside.keywords) > 0 {
		idx.outside = len(docs)
		idx.need = append(idx.need, 0)
		addTopic("", l.outside.examples, l.outside.keywords)
	}

	bm25(docs, p, func(t uint64, d int, w float64) {
		ps := idx.terms[t]
		ps.topics = append(ps.topics, posting{topic: int32(d), w: float32(w)})
		idx.terms[t] = ps
	})
	nt := float64(len(docs))
	for t, ps := range idx.terms {
		ps.idf = idf(nt, len(ps.topics))
		idx.terms[t] = ps
	}
	idx.idfMax = idf(nt, 0)
	// A keyword weighs by how few topics share it.
	for _, k := range kws {
		w := p.keyword * idf(nt, len(kwTopics[string(k.runes)]))
		idx.keywords[k.runes[0]] = append(idx.keywords[k.runes[0]], keyword{runes: k.runes, topic: k.topic, w: float32(w)})
	}
	nTopics := len(docs)
	idx.pool.New = func() any {
		return &scratch{scores: make([]float64, nTopics), matched: make([]uint64, nTopics), anchored: make([]uint64, nTopics)}
	}
	return idx
}

// anchors indexes the anchor groups of topic number t and returns the bits of its groups,
// reporting a word that normalisation leaves empty and an example that has no word of a
// group: the topic could never answer the question its own example asks.
func (l *loader) anchors(n *normalizer, idx *index, t int32, texts topicTexts) uint64 {
	var need uint64
	groups := make([][][]rune, len(texts.anchors))
	for g, group := range texts.anchors {
		for _, e := range group {
			rs := n.normalize(e.text)
			if len(rs) == 0 {
				l.problems = append(l.problems, Problem{File: e.file, Line: e.line, Msg: fmt.Sprintf("anchor %q has no words left once polite endings and fillers are dropped", e.text)})
				continue
			}
			groups[g] = append(groups[g], rs)
			idx.anchors[rs[0]] = append(idx.anchors[rs[0]], anchor{runes: rs, topic: t, group: uint8(g)})
		}
		if len(groups[g]) > 0 {
			need |= 1 << g
		}
	}
	for _, e := range texts.examples {
		q := n.normalize(e.text)
		for g, words := range groups {
			if len(words) > 0 && !slices.ContainsFunc(words, func(w []rune) bool { return containsRunes(q, w) }) {
				l.problems = append(l.problems, Problem{File: e.file, Line: e.line,
					Msg: fmt.Sprintf("example %q has no word of anchor group %d %v: the topic could not answer it", e.text, g+1, entryTexts(texts.anchors[g]))})
			}
		}
	}
	return need
}

func containsRunes(s, sub []rune) bool {
	for i := range s {
		if hasPrefix(s[i:], sub) {
			return true
		}
	}
	return false
}

// Match returns the topic that best answers q, or an empty ID when no topic is a confident
// match: when the best topic explains too little of the question, when the question reads
// more like the outside examples, or when it names an outside subject (outside keywords).
// Text that is no question — an answer typed inside a flow (はい, 42万円, 診療所, 3か月),
// a greeting — gets no topic either: a topic must find two words of the text, or the one
// word a question asks about; and a word of each of its anchor groups, unless the text asks
// about nothing but words of the topic. A question about a thing the knowledge base does
// not know, attached to a word it does (発熱外来の補助金), gets no topic (see scope.foreign).
// A question no topic answers whole is answered by the best sentence a topic answers alone.
// It does no I/O, allocates only to analyse a name the knowledge base does not write, and is
// safe for concurrent use.
func (kb *KB) Match(q string) Match {
	id, score, _ := kb.idx.match(kb.norm, q)
	return Match{ID: id, Score: score}
}

// detail is what match found, for tuning and the tests.
type detail struct {
	best, second        int // topic numbers, -1 for none: the two best scores
	bestScore, secScore float64
	pick                int     // the topic answered or refused on: the best one that may answer
	query               float64 // the idf mass of the question
	words               int     // the words of the question (see words)
	matched             int     // of which the pick matched
	outside             bool    // an outside keyword is in the question
	foreign             bool    // the question is about something the topics do not know (see scope.foreign)
}

// match scores every topic for q. The confidence is the best score over the question's idf
// mass: about the share of the question the topic explains, more with keyword hits. Words
// no topic knows count fully against it, which is what turns away questions about other
// things. Only a topic that may answer is picked: one that matches at least minWords words
// of the question (grammar and a single word — はい, 診療所, 3か月 — make no question, unless
// that word is asked about) and a word of each of its anchor groups (unless the question
// asks about its words alone). The outside examples compete like a topic.
func (idx *index) match(n *normalizer, q string) (string, float64, detail) {
	if len(q) > maxQuestion {
		q = q[:maxQuestion]
	}
	id, conf, det := idx.matchText(n, q, true)
	if id != "" || det.outside || det.foreign || det.pick == idx.outside || !idx.p.sentences {
		return id, conf, det
	}
	// A rambling question (いつもお世話になっております。うちは…ですが、締切はいつですか)
	// has its topic in one sentence, and the rest dilutes it: a sentence that a topic
	// answers on its own answers the whole, unless the whole names an outside subject
	// (checked above) or is about something else (checked below, on the whole).
	whole := conf
	rest := q
	for rest != "" {
		i := strings.IndexFunc(rest, isSentenceEnd)
		if i < 0 {
			if rest == q {
				break // one sentence: matched already
			}
			i = len(rest)
		}
		sentence := rest[:i]
		rest = rest[i:]
		if _, size := utf8.DecodeRuneInString(rest); size > 0 {
			rest = rest[size:]
		}
		if sid, sconf, sdet := idx.matchText(n, sentence, false); sid != "" && (id == "" || sconf > conf) {
			id, conf, det = sid, sconf, sdet
		}
	}
	if id != "" && idx.scope != nil && idx.scope.foreign(q) {
		det.foreign = true
		return "", whole, det
	}
	return id, conf, det
}

// wordRunes returns the runes of norm from its first rune of a word (ws, see words) to its
// last: the word, for a text of one word.
func wordRunes(norm []rune, ws []uint64) []rune {
	first, last := -1, -1
	for i, w := range ws {
		if w != 0 {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return nil
	}
	return norm[first : last+1]
}

// isSentenceEnd says whether r ends a sentence of a question.
func isSentenceEnd(r rune) bool {
	switch r {
	case '。', '．', '？', '?', '！', '!', '\n', '、', '，', '…', '‥':
		return true
	}
	return false
}

// matchText is match for one text: the whole question or, with whole false, one of its
// sentences (which the analyser does not look at again: the whole passed it).
func (idx *index) matchText(n *normalizer, q string, whole bool) (string, float64, detail) {
	s := idx.pool.Get().(*scratch)
	defer idx.pool.Put(s)

	s.folded, s.foldedCls = fold(s.folded[:0], s.foldedCls[:0], &s.nfkc, q)
	s.norm, s.normCls = n.rewrite(s.norm[:0], s.normCls[:0], s.folded, s.foldedCls)
	s.words = words(s.words[:0], s.normCls)
	s.terms, s.keys = appendQueryTerms(s.terms[:0], s.keys, s.norm, s.normCls, s.words)
	if idx.base != nil {
		n := len(s.terms)
		for _, t := range appendBaseTerms(nil, idx.base, q) {
			if !slices.ContainsFunc(s.terms[n:], func(qt qterm) bool { return qt.t == t }) {
				s.terms = append(s.terms, qterm{t: t})
			}
		}
	}

	scores, matched, anchored := s.scores, s.matched, s.anchored
	clear(scores)
	clear(matched)
	clear(anchored)
	det := detail{best: -1, second: -1, pick: -1}
	var all uint64
	for _, w := range s.words {
		all |= w
	}
	det.words = bits.OnesCount64(all)
	for _, t := range s.terms {
		ps, ok := idx.terms[t.t]
		if !ok {
			det.query += idx.idfMax
			continue
		}
		det.query += ps.idf
		for _, p := range ps.topics {
			scores[p.topic] += float64(p.w)
		}
		if t.words != 0 {
			for _, p := range ps.topics {
				matched[p.topic] |= t.words
			}
		}
	}
	for i := range s.norm {
		for _, k := range idx.keywords[s.norm[i]] {
			if hasPrefix(s.norm[i:], k.runes) {
				scores[k.topic] += float64(k.w)
				var ws uint64
				for _, w := range s.words[i : i+len(k.runes)] {
					ws |= w
				}
				if ws == 0 {
					ws = keywordWord
				}
				matched[k.topic] |= ws
				det.outside = det.outside || int(k.topic) == idx.outside
			}
		}
		for _, a := range idx.anchors[s.norm[i]] {
			if hasPrefix(s.norm[i:], a.runes) {
				anchored[a.topic] |= 1 << a.group
			}
		}
	}
	// A single word may be asked about (相談窓口はどこ); then the topic must match that word.
	// Whether the question asks (see asking) is looked up when a topic needs it. A single
	// word that is itself the asking (誰？, いくら？, なぜ？) asks about nothing.
	askedState := 0 // 0 not yet known, 1 asks, 2 does not
	asked := func() bool {
		if askedState == 0 {
			askedState = 2
			if all != 0 && asks(s.folded) && !(det.words == 1 && asks(wordRunes(s.norm, s.words))) {
				askedState = 1
			}
		}
		return askedState == 1
	}
	for t, sc := range scores {
		switch {
		case det.best < 0 || sc > det.bestScore:
			det.second, det.secScore = det.best, det.bestScore
			det.best, det.bestScore = t, sc
		case det.second < 0 || sc > det.secScore:
			det.second, det.secScore = t, sc
		}
		if det.pick >= 0 && sc <= scores[det.pick] {
			continue
		}
		enough := bits.OnesCount64(matched[t]) >= idx.p.minWords ||
			det.words == 1 && matched[t]&all != 0 && asked()
		// Anchors keep a topic's words from answering a question about something else
		// (保険証の有効期限); a question that asks about nothing but words of the topic
		// (締め切りはいつですか) needs no such guard.
		anchors := anchored[t] == idx.need[t] || matched[t]&all == all && asked()
		if t == idx.outside || enough && anchors {
			det.pick = t
		}
	}
	if det.pick < 0 || det.query == 0 || scores[det.pick] == 0 {
		return "", 0, det
	}
	det.matched = bits.OnesCount64(matched[det.pick])
	conf := scores[det.pick] / det.query
	if det.pick == idx.outside || det.outside || conf < idx.p.minScore {
		return "", conf, det
	}
	// Only a question that would be answered is analysed: the analyser allocates, and text
	// that is no question (はい, 42万円, 診療所) stops above.
	if whole && idx.scope != nil && idx.scope.foreign(q) {
		det.foreign = true
		return "", conf, det
	}
	return idx.ids[det.pick], conf, det
}
