package faq

import (
	"fmt"
	"strings"
	"testing"

	"deskbot/flows/kb"
)

// TestSignals measures what each signal of the matcher adds: the knowledge base is built
// with each of them turned off in turn, with all off (character pairs, keywords and anchors
// alone), and with the dictionary forms of words as terms too (params.baseForms, not in
// use), and evaluated on every labelled set. The figures go to the log (go test -run
// TestSignals -v); the test fails when turning a signal in use off does better on the
// tuning set, which is the set the signals were tuned on.
func TestSignals(t *testing.T) {
	sets := []struct{ name, path string }{
		{"dev", devSet},
		{"held-out", "testdata/holdout.jsonl"},
		{"held-out office", "testdata/holdout-office.jsonl"},
		{"held-out 2026", "testdata/holdout-2026.jsonl"},
		{"tuning", "testdata/tuning.jsonl"},
	}
	configs := []struct {
		name string
		edit func(*params)
		off  bool // turns a signal in use off
	}{
		{"all signals", func(*params) {}, false},
		{"without readings", func(p *params) { p.readings = false }, true},
		{"without scope", func(p *params) { p.scope = false }, true},
		{"without sentences", func(p *params) { p.sentences = false }, true},
		{"character pairs only", func(p *params) { p.readings, p.scope, p.sentences = false, false, false }, true},
		{"with base forms", func(p *params) { p.baseForms = true }, false},
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%-23s", "top-1 in scope, refused")
	for _, s := range sets {
		fmt.Fprintf(&b, " | %-17s", s.name)
	}
	right := make([]int, len(configs)) // on the tuning set
	for ci, c := range configs {
		p := defaultParams
		c.edit(&p)
		k, err := load(kb.Embedded(), p)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "\n%-23s", c.name)
		for _, s := range sets {
			r := k.Evaluate(readSet(t, s.path))
			fmt.Fprintf(&b, " | %5.1f %%  %5.1f %%", 100*r.Top1(), 100*r.Refusal())
			if s.name == "tuning" {
				right[ci] = r.InRight + r.OutRight
			}
		}
	}
	t.Log("\n" + b.String())
	for ci, c := range configs {
		if c.off && right[ci] > right[0] {
			t.Errorf("%s: %d of the tuning set right, more than with all signals (%d)", c.name, right[ci], right[0])
		}
	}
}
