package faq_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"go.yaml.in/yaml/v3"

	"deskbot/flows/faq"
	"deskbot/flows/kb"
)

// benchQuestions are the held-out questions: realistic lengths, in scope and out.
func benchQuestions(b *testing.B) []string {
	f, err := os.Open("testdata/holdout.jsonl")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var qs []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var l struct{ Q string }
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			b.Fatal(err)
		}
		qs = append(qs, l.Q)
	}
	return qs
}

func benchmarkMatch(b *testing.B, k *faq.KB) {
	qs := benchQuestions(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		k.Match(qs[i%len(qs)])
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "matches/s")
}

func BenchmarkMatch(b *testing.B) { benchmarkMatch(b, loadEmbedded(b)) }

// BenchmarkMatch500 matches against 500 topics: the real ones cloned with their examples
// and keywords perturbed, so that the index has 25 times the terms and postings.
func BenchmarkMatch500(b *testing.B) { benchmarkMatch(b, synthetic(b, 500)) }

func BenchmarkMatchParallel(b *testing.B) {
	k := loadEmbedded(b)
	qs := benchQuestions(b)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			k.Match(qs[i%len(qs)])
			i++
		}
	})
}

func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := faq.Load(kb.Embedded()); err != nil {
			b.Fatal(err)
		}
	}
}

// synthetic builds a knowledge base of n topics from the embedded one: each clone keeps its
// topic's title and answer and gets its examples and keywords with a few characters of
// other topics mixed in, plus the embedded synonyms and outside examples.
func synthetic(b *testing.B, n int) *faq.KB {
	real := loadEmbedded(b).Topics()
	noise := []rune("院内受付窓口費用工事期間患者医師看護説明手続請求保険証番号確認登録変更電話連絡回答対応")
	type topic struct {
		ID       string   `yaml:"id"`
		Title    string   `yaml:"title"`
		Answer   string   `yaml:"answer"`
		Sources  []string `yaml:"sources"`
		Examples []string `yaml:"examples"`
		Keywords []string `yaml:"keywords,omitempty"`
	}
	var topics []topic
	for i := range n {
		src := real[i%len(real)]
		perturb := func(s string, j int) string {
			rs := []rune(s)
			k := (i*7 + j*3) % len(noise)
			at := (i + j) % (len(rs) + 1)
			return string(rs[:at]) + string(noise[k:min(k+2, len(noise))]) + string(rs[at:])
		}
		t := topic{ID: fmt.Sprintf("%s-%03d", src.ID, i), Title: src.Title, Answer: src.Answer, Sources: src.Sources}
		for j, e := range src.Examples {
			t.Examples = append(t.Examples, perturb(e, j))
		}
		for j, kw := range src.Keywords {
			t.Keywords = append(t.Keywords, perturb(kw, j))
		}
		topics = append(topics, t)
	}
	data, err := yaml.Marshal(map[string]any{"topics": topics})
	if err != nil {
		b.Fatal(err)
	}
	fsys := fstest.MapFS{"faq/topics.yaml": {Data: data}}
	for _, name := range []string{"faq/synonyms.yaml", "faq/outside.yaml"} {
		d, err := fs.ReadFile(kb.Embedded(), name)
		if err != nil {
			b.Fatal(err)
		}
		fsys[name] = &fstest.MapFile{Data: d}
	}
	k, err := faq.Load(fsys)
	if err != nil {
		b.Fatalf("synthetic knowledge base: %v", err)
	}
	if got := len(k.Topics()); got != n || !strings.HasSuffix(k.Topics()[n-1].ID, fmt.Sprintf("-%03d", n-1)) {
		b.Fatalf("synthetic knowledge base has %d topics", got)
	}
	return k
}

// longQuestions are questions of 200 characters, the way a clinic writes when it explains
// its situation first: every one gets past the scores to the analyser (scope.foreign), the
// costliest path of Match.
var longQuestions = func() []string {
	lead := []string{
		"いつもお世話になっております。うちは内科の小さな診療所で、受付は事務員二人で回しているのですが、",
		"先日、レセコンの販売店と電子カルテの会社の両方に電話して相談してみたところ、話がまとまらず、",
		"院長から早めに調べておくようにと言われたので、こちらで質問させてください。忙しいところすみません、",
	}
	ask := []string{
		"顔認証付きカードリーダーの申し込みの締め切りはいつまでなんでしょうか、まだ間に合いますか。",
		"補助金の上限はいくらで、回線の工事や端末の費用も対象になるのか教えていただけますか。",
		"見積もりはどこに頼めばいいんですか、今使っている電子カルテの会社でいいのでしょうか。",
	}
	var qs []string
	for _, l := range lead {
		for _, a := range ask {
			q := []rune(l + a)
			for len(q) < 200 {
				q = append(q, []rune("よろしくお願いいたします。")...)
			}
			qs = append(qs, string(q[:200]))
		}
	}
	return qs
}()

// BenchmarkMatchLong matches questions of 200 characters and reports the median and the
// 99th percentile of the time of one Match, measured one call at a time.
func BenchmarkMatchLong(b *testing.B) {
	k := loadEmbedded(b)
	for _, q := range longQuestions {
		if k.Match(q).ID == "" {
			b.Fatalf("not answered, so the analyser is not measured: %q", q)
		}
	}
	b.ReportAllocs()
	times := make([]time.Duration, 0, 1<<16)
	i := 0
	for b.Loop() {
		start := time.Now()
		k.Match(longQuestions[i%len(longQuestions)])
		if len(times) < cap(times) {
			times = append(times, time.Since(start))
		}
		i++
	}
	slices.Sort(times)
	at := func(p float64) float64 { return float64(times[int(p*float64(len(times)-1))].Nanoseconds()) }
	b.ReportMetric(at(0.50), "p50-ns")
	b.ReportMetric(at(0.99), "p99-ns")
}
