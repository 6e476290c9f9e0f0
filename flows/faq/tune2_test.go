package faq

import (
	"fmt"
	"io/fs"
	"os"
	"slices"
	"testing"

	"deskbot/flows/kb"
)

func parseOnly(t testing.TB, fsys fs.FS) *loader {
	names, _ := fs.Glob(fsys, Dir+"/*.yaml")
	var l loader
	for _, name := range names {
		b, _ := fs.ReadFile(fsys, name)
		l.file(name, b)
	}
	if len(l.problems) > 0 {
		t.Fatal(l.problems)
	}
	return &l
}

type evalRow struct {
	want, got string
	d         detail
	q         string
}

func looRows(t testing.TB, p params) []evalRow {
	base := parseOnly(t, kb.Embedded())
	n := base.normalizer()
	var rows []evalRow
	for ti := range base.topics {
		for ei := range base.topics[ti].Examples {
			l := *base
			l.topics = slices.Clone(base.topics)
			tp := l.topics[ti]
			q := tp.Examples[ei]
			tp.Examples = slices.Delete(slices.Clone(tp.Examples), ei, ei+1)
			l.topics[ti] = tp
			idx := l.index(n, p)
			_, _, d := idx.match(n, q)
			got := "none"
			if d.best >= 0 {
				got = idx.ids[d.best]
			}
			if got == "" {
				got = "(outside)"
			}
			rows = append(rows, evalRow{tp.ID, got, d, q})
		}
	}
	return rows
}

func setRows(t testing.TB, p params, path string) []evalRow {
	base := parseOnly(t, kb.Embedded())
	n := base.normalizer()
	idx := base.index(n, p)
	var rows []evalRow
	for _, l := range readSet(t, path) {
		_, _, d := idx.match(n, l.Q)
		got := "none"
		if d.best >= 0 {
			got = idx.ids[d.best]
		}
		rows = append(rows, evalRow{l.ID, got, d, l.Q})
	}
	return rows
}

func TestTuneDump(t *testing.T) {
	if os.Getenv("TUNE") == "" {
		t.Skip()
	}
	p := defaultParams
	show := func(name string, rows []evalRow) {
		ok := 0
		for _, r := range rows {
			if r.got == r.want {
				ok++
			}
		}
		fmt.Printf("== %s rank-ok %d/%d\n", name, ok, len(rows))
		slices.SortFunc(rows, func(a, b evalRow) int { return cmpF(a.d.bestScore/a.d.query, b.d.bestScore/b.d.query) })
		for _, r := range rows {
			mark := " "
			if r.want == "" {
				mark = "O"
			} else if r.got != r.want {
				mark = "X"
			}
			conf := r.d.bestScore / r.d.query
			marg := (r.d.bestScore - r.d.secScore) / r.d.bestScore
			fmt.Printf("%s conf=%.3f marg=%.3f %-16s %-16s %s\n", mark, conf, marg, r.want, r.got, r.q)
		}
	}
	if os.Getenv("TUNE") == "loo" {
		show("loo", looRows(t, p))
	}
	show("dev", setRows(t, p, devSet))
	if os.Getenv("TUNE") == "all" {
		show("holdout", setRows(t, p, "testdata/holdout.jsonl"))
	}
}

func cmpF(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
