package faq

import (
	"fmt"
	"math"
	"slices"
	"sync"
	"unicode"
)

// Match is the topic a question was matched to.
type Match struct {
	ID    string  // the topic id; "" when the knowledge base is not confident
	Score float64 // the confidence of the best topic, reported even when ID is ""
}

// params are the matcher's knobs. They were chosen by leave-one-out over the knowledge
// base's own examples (each example matched against the topics built without it, see
// TestLeaveOneOut) and checked on faq-dev.jsonl; testdata/holdout.jsonl is only reported.
// Measured on the first draft of the knowledge base: scoring each topic as one document beat
// taking the best of its examples as separate documents (89.9 % against 85.1 % at best);
// single Han characters as terms helped (+1–2 points) and trigrams did not; k1 and b hardly
// mattered; keyword hits worth about five matching bigrams did best.
type params struct {
	k1, b    float64 // BM25
	keyword  float64 // weight of a keyword found in the question, times its rarity
	minScore float64 // the confidence below which no topic is returned
}

var defaultParams = params{k1: 1.2, b: 0.75, keyword: 5, minScore: 0.4}

// maxQuestion is the length of a question that is matched, in bytes; the rest is ignored
// (a LINE message may hold 5,000 characters; no question needs more than a few dozen).
const maxQuestion = 4096

// index is what Load precomputes for Match: each topic is one document made of its title,
// examples and keywords, scored with BM25 over character n-grams, plus a bonus for each of
// its keywords found whole in the question. The "outside" examples form one more topic,
// with no id, that makes Match answer "" when it wins; an outside keyword found in the
// question makes it answer "" whatever wins.
type index struct {
	p        params
	terms    map[uint64]postings
	ids      []string // by topic number; "" for the outside examples
	outside  int      // the topic number of the outside examples, or -1
	idfMax   float64  // the idf of a term no topic has
	keywords map[rune][]keyword
	pool     sync.Pool // *scratch
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
	bytes  []byte
	folded []rune
	norm   []rune
	terms  []uint64
	scores []float64 // per topic
}

// appendTerms appends the terms of rs: character bigrams, and single characters where they
// are Han (紙, 台) or the whole text. A term is its runes packed 21 bits each; a single
// character has a zero leading rune, so it never equals a bigram.
func appendTerms(dst []uint64, rs []rune) []uint64 {
	for i, r := range rs {
		if len(rs) == 1 || unicode.Is(unicode.Han, r) {
			dst = append(dst, uint64(r))
		}
		if i+1 < len(rs) {
			dst = append(dst, uint64(r)<<21|uint64(rs[i+1]))
		}
	}
	return dst
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
func (l *loader) index(n *normalizer, p params) *index {
	idx := &index{p: p, terms: make(map[uint64]postings), outside: -1, keywords: make(map[rune][]keyword)}
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
		addTopic(t.ID, texts, l.texts[i].keywords)
	}
	if len(l.outside.examples)+len(l.outside.keywords) > 0 {
		idx.outside = len(docs)
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
	idx.pool.New = func() any { return &scratch{scores: make([]float64, nTopics)} }
	return idx
}

// Match returns the topic that best answers q, or an empty ID when no topic is a confident
// match: when the best topic explains too little of the question, when the question reads
// more like the outside examples, or when it names an outside subject (outside keywords).
// It does no I/O, hardly allocates and is safe for concurrent use.
func (kb *KB) Match(q string) Match {
	id, score, _ := kb.idx.match(kb.norm, q)
	return Match{ID: id, Score: score}
}

// detail is what match found, for tuning and the tests.
type detail struct {
	best, second        int // topic numbers, -1 for none
	bestScore, secScore float64
	query               float64 // the idf mass of the question
	outside             bool    // an outside keyword is in the question
}

// match scores every topic for q. The confidence is the best score over the question's idf
// mass: about the share of the question the topic explains, more with keyword hits. Words
// no topic knows count fully against it, which is what turns away questions about other things.
func (idx *index) match(n *normalizer, q string) (string, float64, detail) {
	s := idx.pool.Get().(*scratch)
	defer idx.pool.Put(s)

	if len(q) > maxQuestion {
		q = q[:maxQuestion]
	}
	s.folded, s.bytes = fold(s.folded[:0], s.bytes, q)
	s.norm = n.rewrite(s.norm[:0], s.folded)
	s.terms = appendTerms(s.terms[:0], s.norm)
	slices.Sort(s.terms)
	s.terms = slices.Compact(s.terms)

	scores := s.scores
	clear(scores)
	det := detail{best: -1, second: -1}
	for _, t := range s.terms {
		ps, ok := idx.terms[t]
		if !ok {
			det.query += idx.idfMax
			continue
		}
		det.query += ps.idf
		for _, p := range ps.topics {
			scores[p.topic] += float64(p.w)
		}
	}
	for i := range s.norm {
		for _, k := range idx.keywords[s.norm[i]] {
			if hasPrefix(s.norm[i:], k.runes) {
				scores[k.topic] += float64(k.w)
				det.outside = det.outside || int(k.topic) == idx.outside
			}
		}
	}
	for t, sc := range scores {
		switch {
		case det.best < 0 || sc > det.bestScore:
			det.second, det.secScore = det.best, det.bestScore
			det.best, det.bestScore = t, sc
		case det.second < 0 || sc > det.secScore:
			det.second, det.secScore = t, sc
		}
	}
	if det.best < 0 || det.query == 0 || det.bestScore == 0 {
		return "", 0, det
	}
	conf := det.bestScore / det.query
	if det.best == idx.outside || det.outside || conf < idx.p.minScore {
		return "", conf, det
	}
	return idx.ids[det.best], conf, det
}
