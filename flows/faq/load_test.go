package faq_test

import (
	"errors"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"deskbot/flows/faq"
	"deskbot/flows/kb"
)

func loadEmbedded(t testing.TB) *faq.KB {
	t.Helper()
	k, err := faq.Load(kb.Embedded())
	if err != nil {
		t.Fatalf("load embedded knowledge base:\n%v", err)
	}
	return k
}

// The topic ids are a contract with DOMAIN.md, the flows and the tests.
func TestEmbeddedTopics(t *testing.T) {
	k := loadEmbedded(t)
	var ids []string
	offers := map[string]string{}
	for _, tp := range k.Topics() {
		ids = append(ids, tp.ID)
		if tp.Offer != "" {
			offers[tp.ID] = tp.Offer
		}
		if n := utf8.RuneCountInString(tp.Title); n > 20 {
			t.Errorf("%s: title %q has %d characters", tp.ID, tp.Title, n)
		}
		if len(tp.Examples) < 5 {
			t.Errorf("%s: only %d examples", tp.ID, len(tp.Examples))
		}
		if got, ok := k.Topic(tp.ID); !ok || got.ID != tp.ID {
			t.Errorf("Topic(%q) = %q, %v", tp.ID, got.ID, ok)
		}
	}
	want := []string{
		"what-is-oqc", "mandate", "paper-exemption", "quote-whom", "quote-checklist",
		"vendor-cannot", "reader-free", "reader-models", "reader-choice", "reader-deadline",
		"after-deadline", "reader-apply", "portal-account", "subsidy-schedule", "subsidy-amount",
		"why-early", "obstacle-report", "report-use", "briefing-video", "consult-desk",
	}
	if diff := cmp.Diff(sorted(want), sorted(ids)); diff != "" {
		t.Errorf("topic ids (-DOMAIN.md +knowledge base):\n%s", diff)
	}
	wantOffers := map[string]string{
		"quote-checklist": faq.OfferChecklist,
		"vendor-cannot":   faq.OfferReport,
		"obstacle-report": faq.OfferReport,
		"consult-desk":    faq.OfferHandoff,
	}
	if diff := cmp.Diff(wantOffers, offers); diff != "" {
		t.Errorf("offers (-want +got):\n%s", diff)
	}
	for _, id := range []string{"reader-deadline", "subsidy-schedule", "after-deadline", "mandate"} {
		if tp, _ := k.Topic(id); len(tp.Deadlines) == 0 {
			t.Errorf("%s: no deadlines", id)
		}
	}
	if _, ok := k.Topic("no-such-topic"); ok {
		t.Error("Topic(no-such-topic) found")
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// Every URL an answer gives must be one of DOMAIN.md's, and every fact number one it lists:
// the bot states nothing the desk has not checked.
func TestAnswersRestOnDomain(t *testing.T) {
	domain, err := os.ReadFile("../../../shared/DOMAIN.md")
	if err != nil {
		t.Skipf("DOMAIN.md not found: %v", err)
	}
	urls := regexp.MustCompile(`https?://[^\s)）」、。,]+`)
	known := map[string]bool{}
	for _, u := range urls.FindAllString(string(domain), -1) {
		known[u] = true
	}
	facts := regexp.MustCompile(`^F([1-9][0-9]?)$`)
	for _, tp := range loadEmbedded(t).Topics() {
		for _, u := range urls.FindAllString(tp.Answer, -1) {
			if !known[u] {
				t.Errorf("%s: answer gives %s, which DOMAIN.md does not", tp.ID, u)
			}
		}
		for _, s := range tp.Sources {
			if !facts.MatchString(s) || !strings.Contains(string(domain), "| "+s+" |") {
				t.Errorf("%s: source %q is not a fact of DOMAIN.md", tp.ID, s)
			}
		}
		if strings.Contains(tp.Answer, "薬局") && !strings.Contains(tp.Answer, "要確認") && tp.ID == "subsidy-amount" {
			t.Errorf("%s: pharmacies' subsidy must be 「要確認」", tp.ID)
		}
	}
}

func TestTopicsIsACopy(t *testing.T) {
	k := loadEmbedded(t)
	ts := k.Topics()
	ts[0].ID = "changed"
	if k.Topics()[0].ID == "changed" {
		t.Error("Topics shares its slice with the knowledge base")
	}
}

const goodTopic = `
  - id: a
    title: タイトル
    answer: こたえです。
    sources: [F1]
    examples: [しつもん]
`

// Every problem is reported at once, each with its file and line.
func TestLoadProblems(t *testing.T) {
	fsys := fstest.MapFS{
		"faq/10-a.yaml": {Data: []byte(`topics:
  - id: a
    title: 顔認証付きカードリーダーの申込締切と在庫について
    answer: こたえです。
    sources: [F1]
    examples: []
    related: [a, nowhere]
    offer: phone
    colour: blue
    deadlines:
      - label: しめきり
        date: 2022-13-01
      - date: 2022-11-30
  - title: idがない
    answer: こたえです。
    sources: [F1]
    examples: [しつもん]
  - id: b
    examples: [ですか]
unknown: 1
`)},
		"faq/20-b.yaml": {Data: []byte(`topics:
  - id: a
    title: 二つ目
    answer: こたえです。
    sources: [F1]
    examples: [しつもん]
  - id: c
    replaces: true
    title: 前にない
    answer: こたえです。
    sources: [F1]
    examples: [しつもん]
synonyms:
  - [締切]
  - [期限, 締切]
  - [締切, 期限]
ignore: [ですか]
`)},
		"faq/30-broken.yaml": {Data: []byte("topics:\n  - id: x\n   title: bad indent\n")},
		"faq/README.md":      {Data: []byte("not read")},
	}
	got := loadProblems(t, fsys)
	want := []string{
		`faq/10-a.yaml:3: title: 24 characters, at most 20 fit a quick-reply label`,
		`faq/10-a.yaml:6: examples: empty; give a few questions this topic answers`,
		`faq/10-a.yaml:7: a: related lists the topic itself`,
		`faq/10-a.yaml:7: a: related topic "nowhere" is not defined`,
		`faq/10-a.yaml:8: offer: unknown flow "phone" (want checklist, report or handoff)`,
		`faq/10-a.yaml:9: topic: unknown field "colour"`,
		`faq/10-a.yaml:12: date: "2022-13-01" is not a date like 2022-11-30`,
		`faq/10-a.yaml:13: deadline: missing label`,
		`faq/10-a.yaml:14: topic: missing id`,
		`faq/10-a.yaml:18: b: missing title`,
		`faq/10-a.yaml:18: b: missing answer`,
		`faq/10-a.yaml:18: b: missing sources (the facts the answer rests on)`,
		`faq/10-a.yaml:19: "ですか" has no words left once polite endings and fillers are dropped`,
		`faq/10-a.yaml:20: file: unknown field "unknown"`,
		`faq/20-b.yaml:2: a: already defined at faq/10-a.yaml:2 (set replaces: true to replace it)`,
		`faq/20-b.yaml:7: c: replaces: true, but no earlier file defines this id (files are read in name order)`,
		`faq/20-b.yaml:14: synonyms group: needs at least two words, the canonical one first`,
		`faq/20-b.yaml:16: "締切" is already in the group of "期限" at faq/20-b.yaml:15`,
		`faq/20-b.yaml:16: "期限" is already in the group of "期限" at faq/20-b.yaml:15`,
		`faq/30-broken.yaml:1: did not find expected '-' indicator`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

// Anchors are groups of words; each example of the topic must hold a word of every group,
// or the topic could never answer it.
func TestLoadAnchors(t *testing.T) {
	fsys := fstest.MapFS{
		"faq/10-a.yaml": {Data: []byte(`topics:
  - id: a
    title: 申込の締切
    answer: こたえです。
    sources: [F1]
    examples:
      - カードリーダーの申込締切はいつ
      - 締切はいつですか
    anchors:
      - [締切, いつまで]
      - [カードリーダー, 機種]
  - id: b
    title: 補助金
    answer: こたえです。
    sources: [F1]
    examples: [補助金の額]
    anchors: [補助金, 金額]
  - id: c
    title: 補助金
    answer: こたえです。
    sources: [F1]
    examples: [補助金の額]
    anchors:
      - [ですか]
      - []
synonyms:
  - [締切, 期限]
ignore: [ですか]
`)},
	}
	got := loadProblems(t, fsys)
	want := []string{
		`faq/10-a.yaml:8: example "締切はいつですか" has no word of anchor group 2 [カードリーダー 機種]: the topic could not answer it`,
		`faq/10-a.yaml:17: anchors: each group is a list in brackets, like [締切, いつまで]: the question needs a word of every group`,
		`faq/10-a.yaml:24: anchor "ですか" has no words left once polite endings and fillers are dropped`,
		`faq/10-a.yaml:25: anchors: empty group`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}

	// A question must hold a word of each group.
	fsys["faq/10-a.yaml"].Data = []byte(`topics:
  - id: a
    title: 申込の締切
    answer: こたえです。
    sources: [F1]
    examples:
      - カードリーダーの申込締切はいつ
      - 機種によって締切は違う
    anchors:
      - [締切, いつまで]
      - [カードリーダー, 機種]
  - id: d
    title: 説明会
    answer: こたえです。
    sources: [F1]
    examples: [説明会の動画, 説明会の資料]
synonyms:
  - [締切, 期限]
`)
	k, err := faq.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if tp, _ := k.Topic("a"); len(tp.Anchors) != 2 || tp.Anchors[1][1] != "機種" {
		t.Errorf("a: anchors %q", tp.Anchors)
	}
	for q, want := range map[string]string{
		"カードリーダーの申込期限は": "a",
		"機種ごとの締切":       "a",
		"保険証の有効期限":      "", // no word of the second group
		"カードリーダーの値段":    "", // none of the first
	} {
		if m := k.Match(q); m.ID != want {
			t.Errorf("Match(%q) = %+v, want %q", q, m, want)
		}
	}
}

func TestLoadReplaces(t *testing.T) {
	fsys := fstest.MapFS{
		"faq/10-a.yaml": {Data: []byte("topics:" + goodTopic + strings.ReplaceAll(goodTopic, "id: a", "id: b"))},
		"faq/20-b.yaml": {Data: []byte("topics:" + strings.ReplaceAll(goodTopic, "id: a", "id: a\n    replaces: true\n    related: [b]"))},
	}
	k, err := faq.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	ts := k.Topics()
	if len(ts) != 2 || ts[0].ID != "a" || ts[0].File != "faq/20-b.yaml" || ts[1].ID != "b" {
		t.Errorf("topics = %+v, want a from faq/20-b.yaml in first place, then b", ts)
	}
}

func TestLoadNothing(t *testing.T) {
	_, err := faq.Load(fstest.MapFS{"faq/README.md": {Data: []byte("x")}})
	if err == nil || !strings.Contains(err.Error(), "no topics") {
		t.Errorf("Load of an empty faq dir: %v, want a no-topics error", err)
	}
}

// A topic that stops applying needs its past-tense answer and the date of its facts; its
// dates must be dates.
func TestLoadUntil(t *testing.T) {
	fsys := fstest.MapFS{"faq/10-a.yaml": {Data: []byte(`topics:
  - id: a
    title: いつまで
    answer: こたえです。
    sources: [F1]
    examples: [しつもん]
    until: 2023-03-31
  - id: b
    title: いつまで二
    answer: こたえです。
    sources: [F1]
    examples: [しつもんです]
    source_date: 2022-08-30
    until: 2023-02-30
    past: こたえでした。
`)}}
	got := loadProblems(t, fsys)
	want := []string{
		`faq/10-a.yaml:2: a: until needs past (the answer once it has passed) and source_date`,
		`faq/10-a.yaml:14: until: "2023-02-30" is not a date like 2022-08-30`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

// loadProblems loads fsys, which must fail with faq.Problems, and returns them as text.
func loadProblems(t *testing.T, fsys fstest.MapFS) []string {
	t.Helper()
	_, err := faq.Load(fsys)
	var ps faq.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("Load error = %v, want faq.Problems", err)
	}
	var got []string
	for _, p := range ps {
		got = append(got, p.Error())
	}
	return got
}
