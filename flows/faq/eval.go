package faq

import (
	"bufio"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Labelled is a question with the topic it should get; ID "" for a question the knowledge
// base must not answer. A labelled set is JSON lines of {"q": …, "id": …}, like
// faq-dev.jsonl.
type Labelled struct {
	Q  string `json:"q"`
	ID string `json:"id"`
}

// ReadLabelled reads a labelled set, one JSON object a line; blank lines are skipped. An
// error names the line.
func ReadLabelled(r io.Reader) ([]Labelled, error) {
	var set []Labelled
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for line := 1; sc.Scan(); line++ {
		b := sc.Bytes()
		if len(strings.TrimSpace(string(b))) == 0 {
			continue
		}
		var l Labelled
		if err := json.Unmarshal(b, &l); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if strings.TrimSpace(l.Q) == "" {
			return nil, fmt.Errorf("line %d: no question (\"q\")", line)
		}
		set = append(set, l)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read labelled set: %w", err)
	}
	return set, nil
}

// Report is how a knowledge base does on a labelled set.
type Report struct {
	InScope, InRight    int    // questions with a topic; of which matched to it
	OutScope, OutRight  int    // questions without one; of which refused
	InRefused, OutTaken int    // in-scope questions refused; out-of-scope questions answered
	Misses              []Miss // in the order of the set
}

// Miss is a question that did not get its topic.
type Miss struct {
	Labelled
	Got   string  // the topic matched; "" when refused
	Score float64 // the confidence
	Why   string  // what the matcher saw, for whoever tunes the knowledge base
}

// Confusion is how often questions of one topic got another.
type Confusion struct {
	Want, Got string // "" for no topic
	N         int
}

// Top1 is the share of in-scope questions matched to their topic, 0–1.
func (r Report) Top1() float64 { return ratio(r.InRight, r.InScope) }

// Refusal is the share of out-of-scope questions refused, 0–1.
func (r Report) Refusal() float64 { return ratio(r.OutRight, r.OutScope) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Confusions are the (wanted, got) pairs of the misses, the most frequent first.
func (r Report) Confusions() []Confusion {
	counts := make(map[[2]string]int)
	for _, m := range r.Misses {
		counts[[2]string{m.ID, m.Got}]++
	}
	out := make([]Confusion, 0, len(counts))
	for k, n := range counts {
		out = append(out, Confusion{Want: k[0], Got: k[1], N: n})
	}
	slices.SortFunc(out, func(a, b Confusion) int {
		return cmp.Or(cmp.Compare(b.N, a.N), strings.Compare(a.Want, b.Want), strings.Compare(a.Got, b.Got))
	})
	return out
}

// Evaluate matches every question of set and counts the outcomes.
func (kb *KB) Evaluate(set []Labelled) Report {
	var r Report
	for _, l := range set {
		id, conf, d := kb.idx.match(kb.norm, l.Q)
		if l.ID == "" {
			r.OutScope++
		} else {
			r.InScope++
		}
		switch {
		case id == l.ID && l.ID == "":
			r.OutRight++
			continue
		case id == l.ID:
			r.InRight++
			continue
		case id == "":
			r.InRefused++
		case l.ID == "":
			r.OutTaken++
		}
		r.Misses = append(r.Misses, Miss{Labelled: l, Got: id, Score: conf, Why: kb.why(d, l.Q)})
	}
	return r
}

// why says what match saw: the topic it picked and why it did not answer with it.
func (kb *KB) why(d detail, q string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "best %s, runner-up %s, pick %s matching %d of %d words",
		topicName(kb.idx, d.best), topicName(kb.idx, d.second), topicName(kb.idx, d.pick), d.matched, d.words)
	switch {
	case d.outside:
		b.WriteString(", outside keyword")
	case d.foreign:
		b.WriteString(", about something else (scope)")
	}
	fmt.Fprintf(&b, ", normalised %q", string(kb.norm.normalize(q)))
	return b.String()
}

func topicName(idx *index, t int) string {
	switch {
	case t < 0:
		return "none"
	case t == idx.outside:
		return "(outside)"
	}
	return idx.ids[t]
}

// Write prints the report: top-1 in scope, the refusal rate out of scope, the confusion
// pairs and each miss.
func (r Report) Write(w io.Writer) error {
	name := func(id string) string { return cmp.Or(id, "(none)") }
	var b strings.Builder
	fmt.Fprintf(&b, "in scope:      top-1 %d/%d = %.1f %% (refused %d)\n", r.InRight, r.InScope, 100*r.Top1(), r.InRefused)
	fmt.Fprintf(&b, "out of scope:  refused %d/%d = %.1f %% (answered %d)\n", r.OutRight, r.OutScope, 100*r.Refusal(), r.OutTaken)
	if cs := r.Confusions(); len(cs) > 0 {
		b.WriteString("\nconfusions (want → got):\n")
		for _, c := range cs {
			fmt.Fprintf(&b, "  %3d  %s → %s\n", c.N, name(c.Want), name(c.Got))
		}
	}
	if len(r.Misses) > 0 {
		b.WriteString("\nmisses:\n")
		for _, m := range r.Misses {
			fmt.Fprintf(&b, "  %s\n    want %s, got %s (score %.3f): %s\n", m.Q, name(m.ID), name(m.Got), m.Score, m.Why)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
