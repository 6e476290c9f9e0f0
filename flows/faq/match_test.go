package faq

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"testing"

	"deskbot/flows/kb"
)

// devSet is the shared development set; the product is judged on questions it has not seen,
// so none of its lines is copied into the knowledge base.
const devSet = "../../../shared/faq-dev.jsonl"

type labelled struct {
	Q  string `json:"q"`
	ID string `json:"id"`
}

func readSet(t testing.TB, path string) []labelled {
	t.Helper()
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("%s not found: run inside the project next to ../shared", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var set []labelled
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var l labelled
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("%s:%d: %v", path, line, err)
		}
		set = append(set, l)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return set
}

func loadEmbedded(t testing.TB) *KB {
	t.Helper()
	k, err := Load(kb.Embedded())
	if err != nil {
		t.Fatalf("load embedded knowledge base:\n%v", err)
	}
	return k
}

// score is how a knowledge base does on a labelled set.
type score struct {
	inScope, inRight   int
	outScope, outRight int
	misses             []string
}

func (s score) accuracy() float64 { return 100 * float64(s.inRight) / float64(max(s.inScope, 1)) }
func (s score) refusal() float64  { return 100 * float64(s.outRight) / float64(max(s.outScope, 1)) }

func evaluate(k *KB, set []labelled) score {
	var s score
	for _, l := range set {
		id, conf, d := k.idx.match(k.norm, l.Q)
		if l.ID == "" {
			s.outScope++
		} else {
			s.inScope++
		}
		if id == l.ID {
			if l.ID == "" {
				s.outRight++
			} else {
				s.inRight++
			}
			continue
		}
		s.misses = append(s.misses, fmt.Sprintf("%q: want %q, got %q (score %.3f, best %s, runner-up %s, normalised %q)",
			l.Q, l.ID, id, conf, k.topicName(d.best), k.topicName(d.second), string(k.norm.normalize(l.Q))))
	}
	return s
}

func (k *KB) topicName(t int) string {
	switch {
	case t < 0:
		return "none"
	case t == k.idx.outside:
		return "(outside)"
	}
	return k.idx.ids[t]
}

func checkSet(t *testing.T, path string, minAccuracy, minRefusal float64) {
	k := loadEmbedded(t)
	s := evaluate(k, readSet(t, path))
	t.Logf("%s: in scope %d/%d = %.1f %%, out of scope refused %d/%d = %.1f %%",
		path, s.inRight, s.inScope, s.accuracy(), s.outRight, s.outScope, s.refusal())
	for _, m := range s.misses {
		t.Log("miss:", m)
	}
	if s.accuracy() < minAccuracy {
		t.Errorf("in-scope accuracy %.1f %% < %.0f %%", s.accuracy(), minAccuracy)
	}
	if s.refusal() < minRefusal {
		t.Errorf("out-of-scope refusal %.1f %% < %.0f %%", s.refusal(), minRefusal)
	}
}

// TestDevSet measures the matcher on the shared development set.
func TestDevSet(t *testing.T) { checkSet(t, devSet, 95, 90) }

// TestHoldout measures it on questions written apart from the knowledge base's examples,
// phrased unlike the development set, and never tuned on one by one.
func TestHoldout(t *testing.T) { checkSet(t, "testdata/holdout.jsonl", 85, 85) }
