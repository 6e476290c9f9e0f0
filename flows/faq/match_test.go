package faq

import (
	"errors"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"

	"deskbot/flows/kb"
)

// devSet is the shared development set; the product is judged on questions it has not seen,
// so none of its lines is copied into the knowledge base.
const devSet = "../../../shared/faq-dev.jsonl"

func readSet(t testing.TB, path string) []Labelled {
	t.Helper()
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("%s not found: run inside the project next to ../shared", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	set, err := ReadLabelled(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
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

// checkSet evaluates the embedded knowledge base on the union of the labelled sets and
// fails below the given top-1 in scope or refusal out of scope (both 0–1).
func checkSet(t *testing.T, minTop1, minRefusal float64, paths ...string) {
	k := loadEmbedded(t)
	var set []Labelled
	for _, p := range paths {
		set = append(set, readSet(t, p)...)
	}
	r := k.Evaluate(set)
	var b strings.Builder
	r.Write(&b)
	t.Logf("%s:\n%s", strings.Join(paths, " + "), b.String())
	if r.Top1() < minTop1 {
		t.Errorf("in-scope top-1 %.1f %% < %.0f %%", 100*r.Top1(), 100*minTop1)
	}
	if r.Refusal() < minRefusal {
		t.Errorf("out-of-scope refusal %.1f %% < %.0f %%", 100*r.Refusal(), 100*minRefusal)
	}
}

// TestDevSet measures the matcher on the shared development set: every question right.
func TestDevSet(t *testing.T) { checkSet(t, 1, 1, devSet) }

// TestHoldout measures it on the held-out sets: questions written apart from the
// knowledge base's examples, phrased unlike the development set, and never tuned on one
// by one. holdout-office.jsonl (issue 13) holds office Japanese — hiragana for kanji,
// 〜なんですか, rambling and curt questions, typos — and near-misses about other schemes.
func TestHoldout(t *testing.T) {
	checkSet(t, 0.95, 0.90, "testdata/holdout.jsonl", "testdata/holdout-office.jsonl")
}

// TestHoldout2026 measures it on questions as clinic staff type them on LINE in December
// 2026 (testdata/holdout-2026.jsonl): polite and curt, hiragana only, typos, 関西弁, one
// word, rambling, two questions in one, and other subsidies, 電子処方箋, the patients'
// マイナ保険証, makers' prices, legal questions and the weather to refuse. They were
// labelled before the matcher saw them; its misses were then fixed by class (synonym
// families, keywords, readings, the scope window), never string by string. The floors are
// the level reached: 77 of 87 in scope (the misses left are single words and a bare 何台？,
// which the matcher does not guess at, and two questions in one), 22 of 22 refused.
func TestHoldout2026(t *testing.T) { checkSet(t, 0.88, 1, "testdata/holdout-2026.jsonl") }

// TestTuning reports the set the reading and scope rules were tuned on (testdata/tuning.jsonl,
// with the questions issue 13 quotes); it guards them against later edits.
func TestTuning(t *testing.T) { checkSet(t, 0.9, 0.9, "testdata/tuning.jsonl") }

// TestLeaveOneOut matches each example of the knowledge base against the topics built
// without it: a measure of how the examples generalise that needs no labelled set, and a
// guard for the desk's edits (an example that only its own line can match shows up here).
func TestLeaveOneOut(t *testing.T) {
	base := parseKB(t, kb.Embedded())
	tk, err := analyser()
	if err != nil {
		t.Fatal(err)
	}
	n := base.normalizer(tk)
	total, right, answered := 0, 0, 0
	for ti := range base.topics {
		for ei, e := range base.texts[ti].examples {
			l := *base
			l.texts = slices.Clone(base.texts)
			l.texts[ti].examples = slices.Delete(slices.Clone(base.texts[ti].examples), ei, ei+1)
			idx := l.index(n, defaultParams, nil)
			id, _, d := idx.match(n, e.text)
			total++
			if id == base.topics[ti].ID {
				answered++
			}
			if d.best >= 0 && idx.ids[d.best] == base.topics[ti].ID {
				right++
				continue
			}
			t.Logf("miss: %q (%s) ranked %s first", e.text, base.topics[ti].ID, topicName(idx, d.best))
		}
	}
	acc := 100 * float64(right) / float64(total)
	t.Logf("leave-one-out: %d/%d = %.1f %% ranked first, %d = %.1f %% answered with it (past the threshold, the words and the anchors)",
		right, total, acc, answered, 100*float64(answered)/float64(total))
	if acc < 85 {
		t.Errorf("leave-one-out accuracy %.1f %% < 85 %%", acc)
	}
}

// parseKB reads the files of fsys without building the index.
func parseKB(t testing.TB, fsys fs.FS) *loader {
	t.Helper()
	l, err := read(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.problems) > 0 {
		t.Fatal(l.problems)
	}
	return l
}

func TestNormalize(t *testing.T) {
	k := loadEmbedded(t)
	tests := []struct{ in, want string }{
		{"カードリーダーの締め切りはいつですか？", "かどりだの締切はいつ"},
		{"ｶｰﾄﾞﾘｰﾀﾞｰの〆切", "かどりだの締切"},
		{"顔認証付きカードリーダーの申し込み期限を教えてください", "かどりだの申込締切を"},
		{"顔認証リーダー", "かどりだ"},
		{"見積もり　見積り　見積", "見積見積見積"},
		{"オン資ってなに", "おんらいん資格確認って何"},
		{"ベンダーとシステム会社とレセコン会社", "業者と業者と業者"},
		{"資格確認端末", "資格確認端末"},
		{"ＹｏｕＴｕｂｅの動画", "動画の動画"},
		{"２０２３年４月", "2023年4月"},
		{"！？。、・「」（）ー〜", ""},
		// no rule reads across the end of a sentence: not ですか in です。カルテ
		{"うちは診療所です。カルテの会社に断られた", "うちは診療所電子かるての業者に断られた"},
	}
	for _, tt := range tests {
		if got := string(k.norm.normalize(tt.in)); got != tt.want {
			t.Errorf("normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Match allocates nothing but what the analyser of a question it answers does (scope.foreign),
// whatever the text is written in: the NFKC pass used to allocate for any text not in NFKC
// already (a full-width ？, half-width kana). Text that is no question — what a clinic types
// at a flow's step, which the flows hand to the FAQ — allocates nothing at all.
func TestMatchAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops its items under the race detector")
	}
	k := loadEmbedded(t)
	k.Match("warm up the pool")
	for _, q := range []string{"はい", "42万円", "", "診療所", "3ヶ月くらい", "ありがとうございます"} {
		if n := testing.AllocsPerRun(50, func() { k.Match(q) }); n != 0 {
			t.Errorf("Match(%q): %.1f allocations", q, n)
		}
	}
	for _, q := range []string{"カードリーダーの締切はいつ", "カードリーダーの締切はいつですか？",
		"ｶｰﾄﾞﾘｰﾀﾞｰの〆切", "２０２３年４月から義務化？"} {
		if k.Match(q).ID == "" {
			t.Fatalf("Match(%q) answers nothing", q)
		}
		analyser := testing.AllocsPerRun(50, func() { k.idx.scope.foreign(q) })
		if n := testing.AllocsPerRun(50, func() { k.Match(q) }); n > analyser {
			t.Errorf("Match(%q): %.1f allocations, of which the analyser's %.1f", q, n, analyser)
		}
	}
}
