package faq

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReadLabelled(t *testing.T) {
	set, err := ReadLabelled(strings.NewReader("{\"q\": \"補助金はいくら\", \"id\": \"subsidy-amount\"}\n\n  \n{\"q\": \"今日の天気\", \"id\": \"\"}\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Labelled{{"補助金はいくら", "subsidy-amount"}, {"今日の天気", ""}}
	if d := cmp.Diff(want, set); d != "" {
		t.Errorf("ReadLabelled (-want +got):\n%s", d)
	}
	for _, tt := range []struct{ in, want string }{
		{"{\"q\": \"a\", \"id\": \"x\"}\n{\"q\": ", "line 2"},
		{"\n{\"id\": \"x\"}", "line 2: no question"},
		{"[1]", "line 1"},
		{"{\"q\": \"a\"}\n" + strings.Repeat("x", 2<<20), "read labelled set"},
	} {
		if _, err := ReadLabelled(strings.NewReader(tt.in)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ReadLabelled(%.40q): error %v, want one with %q", tt.in, err, tt.want)
		}
	}
}

// Evaluate counts each outcome once, and the confusions sort the most frequent first.
func TestEvaluate(t *testing.T) {
	k := loadEmbedded(t)
	r := k.Evaluate([]Labelled{
		{"補助金はいくら出ますか", "subsidy-amount"},   // right
		{"補助金はいくら出ますか", "subsidy-schedule"}, // confused with subsidy-amount
		{"補助金の上限は", "subsidy-schedule"},     // again
		{"はい", "mandate"},                   // refused
		{"今日の天気は", ""},                      // refused, right
		{"補助金の期限は", ""},                     // answered, wrong
	})
	want := Report{InScope: 4, InRight: 1, OutScope: 2, OutRight: 1, InRefused: 1, OutTaken: 1}
	if d := cmp.Diff(want, r, cmp.FilterPath(func(p cmp.Path) bool { return p.String() == "Misses" }, cmp.Ignore())); d != "" {
		t.Errorf("Evaluate (-want +got):\n%s", d)
	}
	wantConf := []Confusion{{"subsidy-schedule", "subsidy-amount", 2}, {"", "subsidy-schedule", 1}, {"mandate", "", 1}}
	if d := cmp.Diff(wantConf, r.Confusions()); d != "" {
		t.Errorf("Confusions (-want +got):\n%s", d)
	}
	if len(r.Misses) != 4 || r.Misses[2].Q != "はい" || r.Misses[2].Got != "" || !strings.Contains(r.Misses[2].Why, "normalised") {
		t.Errorf("misses: %+v", r.Misses)
	}
	if r.Top1() != 0.25 || r.Refusal() != 0.5 || (Report{}).Top1() != 0 {
		t.Errorf("Top1 %v, Refusal %v", r.Top1(), r.Refusal())
	}
}

// FuzzReadLabelled: any input gives a set of questions that are not blank, or an error.
func FuzzReadLabelled(f *testing.F) {
	for _, s := range []string{"", "{\"q\": \"a\", \"id\": \"b\"}\n", "{\"q\": \"\"}", "\n\n{\"q\": \"x\"}\n{", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		set, err := ReadLabelled(strings.NewReader(in))
		if err != nil {
			return
		}
		for _, l := range set {
			if strings.TrimSpace(l.Q) == "" {
				t.Fatalf("blank question read from %q", in)
			}
		}
	})
}
