package chart

import (
	"bytes"
	"flag"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"deskbot/bot"
)

var update = flag.Bool("update", false, "rewrite the golden PNGs in testdata/")

// small is a set whose every figure can be counted by hand: the comments say where each
// report lands.
func small() bot.ReportSet {
	q := func(v string) []bot.Field { return []bot.Field{{Label: "見積額（導入費用）", Value: v}} }
	s := func(v string) []bot.Field { return []bot.Field{{Label: "運用開始の見込み", Value: v}} }
	return bot.ReportSet{
		Name:   "2022-11-07〜2022-12-04",
		Period: bot.Period{From: jst(2022, 11, 7, 0, 0, 0), To: jst(2022, 12, 5, 0, 0, 0)},
		At:     jst(2022, 12, 5, 9, 0, 0),
		Reports: []bot.Report{
			// Week of 11/7; the last second of Sunday 11/13 in Japan.
			{ID: "R-20221113-0001", Created: jst(2022, 11, 13, 23, 59, 59), Categories: []string{"over-cap"},
				Prefecture: "東京都", FacilityType: "clinic", Answers: q("42万9,000円")}, // at the cap: within
			// Week of 11/14: Monday's first second.
			{ID: "R-20221114-0001", Created: jst(2022, 11, 14, 0, 0, 0), Categories: []string{"over-cap", "slow"},
				Prefecture: "東京都", FacilityType: "clinic",
				Answers: append(q("42万9,001円"), s("2023年3月31日（令和5年3月31日）")...)}, // over; start on the day: in time
			{ID: "R-20221115-0001", Created: jst(2022, 11, 15, 10, 0, 0), Categories: []string{"over-cap"},
				Prefecture: "大阪府", FacilityType: "hospital", Answers: q("200万円")}, // between 190.3 and 210.1
			{ID: "R-20221116-0001", Created: jst(2022, 11, 16, 10, 0, 0), Categories: []string{"over-cap"},
				Prefecture: "大阪府", FacilityType: "hospital", Answers: q("約250万円")}, // above every hospital cap
			{ID: "R-20221117-0001", Created: jst(2022, 11, 17, 10, 0, 0), Categories: []string{"slow"},
				Prefecture: "大阪府", FacilityType: "hospital",
				Checklist: []bot.Field{{Label: "運用開始", Value: "2023年4月1日（令和5年4月1日）"}}}, // late, from the checklist
			// Week of 11/28, with the 11/30 deadline.
			{ID: "R-20221130-0001", Created: jst(2022, 11, 30, 12, 0, 0), Categories: []string{"no-vendor", "network"},
				Prefecture: "北海道", FacilityType: "clinic"},
			{ID: "R-20221201-0001", Created: jst(2022, 12, 1, 12, 0, 0), Categories: []string{"other"},
				Prefecture: "", FacilityType: ""}, // no prefecture, no type
			{ID: "R-20221204-0001", Created: jst(2022, 12, 4, 23, 0, 0), Categories: []string{"maintenance", "maintenance"},
				Prefecture: "沖縄", FacilityType: "hospital", Answers: q("未定")}, // short name; a quote that is no amount
		},
		Statuses: map[string][]bot.StatusChange{
			"R-20221113-0001": {{Status: bot.StatusInProgress, At: jst(2022, 11, 14, 9, 0, 0)},
				{Status: bot.StatusResolved, At: jst(2022, 11, 14, 23, 59, 59)}}, // resolved within a day
			"R-20221114-0001": {{Status: bot.StatusResolved, At: jst(2022, 11, 20, 0, 0, 0)}}, // 6 days
			"R-20221115-0001": {{Status: bot.StatusInProgress, At: jst(2022, 11, 16, 0, 0, 0)}},
			"R-20221116-0001": {{Status: bot.StatusResolved, At: jst(2022, 11, 17, 0, 0, 0)},
				{Status: bot.StatusInProgress, At: jst(2022, 11, 18, 0, 0, 0)}}, // reopened: not resolved
		},
	}
}

func figure(t *testing.T, fs []Figure, name string) Figure {
	t.Helper()
	for _, f := range fs {
		if strings.HasSuffix(f.Name, "-"+name) {
			return f
		}
	}
	t.Fatalf("no figure %q", name)
	return Figure{}
}

func values(f Figure) [][]float64 {
	out := make([][]float64, len(f.Series))
	for i, s := range f.Series {
		out[i] = s.Values
	}
	return out
}

// Each figure of the small set holds the numbers counted by hand, and they add up to the
// totals of bot.Tally, the numbers /deskbot 集計 shows.
func TestFiguresSmall(t *testing.T) {
	set := small()
	fs := Figures(set, labels, false)
	if len(fs) != 9 {
		t.Fatalf("%d figures, want 9", len(fs))
	}
	tally := bot.Tally(set.Reports, set.Statuses, labels)
	var tallied []float64
	for _, c := range tally.ByCategory {
		tallied = append(tallied, float64(c.N))
	}
	for _, tc := range []struct {
		name   string
		labels []string
		want   [][]float64
	}{
		{"category", []string{"地域に業者が見つからない", "見積額が補助金上限より高い", "保守料が高い", "導入に時間がかかる", "適切な回線が見つからない", "その他"},
			[][]float64{{1, 4, 1, 2, 1, 1}}},
		// Weeks 11/7, 11/14, 11/21, 11/28; one series per category.
		{"weekly", []string{"11/7", "11/14", "11/21", "11/28"}, [][]float64{
			{0, 0, 0, 1}, {1, 3, 0, 0}, {0, 0, 0, 1}, {0, 2, 0, 0}, {0, 0, 0, 1}, {0, 0, 0, 1}}},
		{"quotes", nil, [][]float64{
			{0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, // clinic within: 42.9万 exactly
			{0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, // clinic over: 42.9万+1円
			{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, // hospital within
			{0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0}, // hospital by readers: 200万 in 〜200.2万
			{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0}, // hospital over: 約250万 in 〜250万
		}},
		{"status", []string{"未対応", "対応中", "解決済み"}, [][]float64{{4, 2, 2}}},
		// 1日以内, 1〜3日, 3〜7日, 1〜2週間, 2〜4週間, 4週間超; open ones against At (12/5 9:00).
		{"resolve", nil, [][]float64{{1, 0, 1, 0, 0, 0}, {1, 0, 2, 0, 3, 0}}},
		{"facility", []string{"地域に業者が見つからない", "見積額が補助金上限より高い", "保守料が高い", "導入に時間がかかる", "適切な回線が見つからない", "その他"},
			[][]float64{{1, 2, 0, 1, 1, 0}, {0, 2, 1, 1, 0, 0}}},
	} {
		f := figure(t, fs, tc.name)
		if tc.labels != nil {
			if diff := cmp.Diff(tc.labels, f.Labels); diff != "" {
				t.Errorf("%s labels (-want +got):\n%s", tc.name, diff)
			}
		}
		if diff := cmp.Diff(tc.want, values(f)); diff != "" {
			t.Errorf("%s values (-want +got):\n%s", tc.name, diff)
		}
	}
	if diff := cmp.Diff(tallied, figure(t, fs, "category").Series[0].Values); diff != "" {
		t.Errorf("category chart differs from bot.Tally (-tally +chart):\n%s", diff)
	}

	weekly := figure(t, fs, "weekly")
	// 11/30 is a Wednesday: its end is 3/7 into the fourth week. 12/31 is past the period.
	if len(weekly.Marks) != 1 || weekly.Marks[0].Label != Deadlines[0].Label || math.Abs(weekly.Marks[0].At-(3+3.0/7)) > 1e-9 {
		t.Errorf("weekly marks = %+v, want only 11/30 at the end of its Wednesday, 3+3/7 weeks in", weekly.Marks)
	}

	start := figure(t, fs, "start")
	in, late := start.Series[0].Values, start.Series[1].Values
	mar := indexOf(start.Labels, "2023/3")
	apr := indexOf(start.Labels, "2023/4")
	if in[mar] != 1 || late[apr] != 1 || start.Series[0].Sum()+start.Series[1].Sum() != 2 {
		t.Errorf("start: in time %v, late %v over %v; want 3/31 in time and 4/1 late", in, late, start.Labels)
	}
	if start.Marks[0].At != float64(mar+1) {
		t.Errorf("start: deadline mark at %v, want the end of March's column, %d", start.Marks[0].At, mar+1)
	}

	tiles := figure(t, fs, "prefectures")
	want := map[string]float64{"東京都": 2, "大阪府": 3, "北海道": 1, "沖縄県": 1}
	for i, name := range tiles.Labels {
		if got := tiles.Series[0].Values[i]; got != want[name] {
			t.Errorf("tiles: %s = %v, want %v", name, got, want[name])
		}
	}
	if !strings.Contains(tiles.Note, "未回答・不明の報告 1 件") {
		t.Errorf("tiles note %q does not count the report without a prefecture", tiles.Note)
	}

	heat := figure(t, fs, "heatmap")
	if diff := cmp.Diff([]string{"北海道", "東京都", "大阪府", "沖縄県"}, heat.Rows); diff != "" {
		t.Errorf("heat map rows (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([][]float64{{1, 0, 0, 0, 1, 0}, {0, 2, 0, 1, 0, 0}, {0, 2, 0, 1, 0, 0}, {0, 0, 1, 0, 0, 0}}, values(heat)); diff != "" {
		t.Errorf("heat map values (-want +got):\n%s", diff)
	}
}

func indexOf(ss []string, s string) int {
	for i, v := range ss {
		if v == s {
			return i
		}
	}
	return -1
}

// Over a generated set, every figure adds up to what it says it counts: the series
// equal the totals.
func TestFiguresAddUp(t *testing.T) {
	set := generated(2000)
	fs := Figures(set, labels, false)
	tally := bot.Tally(set.Reports, set.Statuses, labels)
	catTotal := 0.0
	for _, c := range tally.ByCategory {
		catTotal += float64(c.N)
	}
	withPref, quoted, started := 0.0, 0.0, 0.0
	typed := map[string]float64{}
	for i := range set.Reports {
		r := &set.Reports[i]
		if prefectureOf(r) > 0 {
			withPref++
		}
		if _, ok := quoteOf(r, labels.Quote); ok && (r.FacilityType == "clinic" || r.FacilityType == "hospital") {
			quoted++
		}
		if _, ok := startOf(r, labels.Start); ok {
			started++
		}
		if r.FacilityType != "" {
			for j, c := range r.Categories {
				if !containsBefore(r.Categories, j, c) {
					typed[r.FacilityType]++
				}
			}
		}
	}
	n := float64(len(set.Reports))
	for _, tc := range []struct {
		name string
		want float64
	}{
		{"category", catTotal}, {"weekly", catTotal}, {"prefectures", withPref},
		{"quotes", quoted}, {"start", started}, {"facility", typed["clinic"] + typed["hospital"]},
		{"status", n}, {"resolve", n},
	} {
		if got := figure(t, fs, tc.name).Total(); got != tc.want {
			t.Errorf("%s adds up to %v, want %v", tc.name, got, tc.want)
		}
	}
	heat := figure(t, fs, "heatmap")
	var heatTotal float64
	for i, row := range heat.Series {
		heatTotal += row.Sum()
		if row.Name != heat.Rows[i] {
			t.Errorf("heat map row %d is %q, labelled %q", i, row.Name, heat.Rows[i])
		}
	}
	var catWithPref float64
	for i := range set.Reports {
		if r := &set.Reports[i]; prefectureOf(r) > 0 {
			for j, c := range r.Categories {
				if !containsBefore(r.Categories, j, c) {
					catWithPref++
				}
			}
		}
	}
	if heatTotal != catWithPref {
		t.Errorf("heat map adds up to %v, want %v", heatTotal, catWithPref)
	}
	if quoted == 0 || started == 0 || withPref == n {
		t.Fatalf("the generated set should have quotes (%v), starts (%v) and reports without a prefecture", quoted, started)
	}
}

func containsBefore(ss []string, i int, s string) bool {
	for _, v := range ss[:i] {
		if v == s {
			return true
		}
	}
	return false
}

// Shared, a prefecture with one or two reports shows 「3件未満」, never its count; the
// colour of one and two is the same.
func TestShare(t *testing.T) {
	set := small()
	for _, share := range []bool{false, true} {
		for _, f := range Figures(set, labels, share) {
			if f.draw.size == nil {
				t.Fatalf("%s has no drawer", f.Name)
			}
			if !strings.HasSuffix(f.Name, "prefectures") && !strings.HasSuffix(f.Name, "heatmap") {
				continue
			}
			b, err := f.Render(SVG)
			if err != nil {
				t.Fatal(err)
			}
			svg := string(b)
			hidden := strings.Contains(svg, "3件未満")
			if hidden != share {
				t.Errorf("%s share=%v: 「3件未満」 shown: %v", f.Name, share, hidden)
			}
			// 東京's 2 (in the tiles, and for 見積額 in the heat map) only when not shared.
			if shown := strings.Contains(svg, ">2<"); shown == share {
				t.Errorf("%s share=%v: a count of two shown: %v", f.Name, share, shown)
			}
			if share && strings.Contains(svg, ">1<") {
				t.Errorf("%s shared shows a count of one", f.Name)
			}
			// 大阪 has 3 reports: shown as 3 either way.
			if strings.HasSuffix(f.Name, "prefectures") && !strings.Contains(svg, ">3<") {
				t.Errorf("%s (share=%v) does not show 大阪's 3", f.Name, share)
			}
		}
	}
	if hideSmall(1) != hideSmall(2) || hideSmall(3) != 3 || hideSmall(0) != 0 {
		t.Error("hideSmall tells one from two, or hides three or zero")
	}
}

// Every chart renders as PNG and as SVG, with its Japanese title drawn as text in the
// SVG; the PNGs match the golden files within a tolerance (go test -update rewrites them;
// look at them before committing).
func TestGolden(t *testing.T) {
	set := generated(400)
	files, err := Render(set, labels, PNG, false)
	if err != nil {
		t.Fatal(err)
	}
	svgs, err := Render(set, labels, SVG, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 9 || len(svgs) != 9 {
		t.Fatalf("%d PNGs and %d SVGs, want 9 each", len(files), len(svgs))
	}
	for i, f := range files {
		if !strings.Contains(string(svgs[i].Data), strings.Split(f.Title, "｜")[0]) {
			t.Errorf("%s: the SVG does not hold the title %q", svgs[i].Name, f.Title)
		}
		path := filepath.Join("testdata", f.Name)
		if *update {
			if err := os.WriteFile(path, f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -update to write it)", err)
		}
		if d := differ(t, want, f.Data); d > 0.002 {
			t.Errorf("%s: %.2f%% of pixels differ from the golden file; if the change is meant, rewrite with -update and look at it", f.Name, 100*d)
		}
	}
}

// differ is the share of pixels that differ noticeably between two PNGs; 1 when the
// sizes differ.
func differ(t *testing.T, a, b []byte) float64 {
	t.Helper()
	ia, err := png.Decode(bytes.NewReader(a))
	if err != nil {
		t.Fatalf("golden: %v", err)
	}
	ib, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("rendered: %v", err)
	}
	if ia.Bounds() != ib.Bounds() {
		return 1
	}
	bad := 0
	r := ia.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if far(ia, ib, x, y) {
				bad++
			}
		}
	}
	return float64(bad) / float64(r.Dx()*r.Dy())
}

func far(a, b image.Image, x, y int) bool {
	r1, g1, b1, _ := a.At(x, y).RGBA()
	r2, g2, b2, _ := b.At(x, y).RGBA()
	d := func(p, q uint32) uint32 {
		if p > q {
			return p - q
		}
		return q - p
	}
	const tol = 0x2000 // an eighth of the range: anti-aliasing, not a moved bar
	return d(r1, r2) > tol || d(g1, g2) > tol || d(b1, b2) > tol
}

// An empty set draws every chart, saying there is nothing to show, without a panic.
func TestEmpty(t *testing.T) {
	for _, format := range []Format{PNG, SVG} {
		files, err := Render(bot.ReportSet{Name: bot.AllTime, At: time.Now()}, bot.Labels{}, format, true)
		if err != nil || len(files) != 9 {
			t.Fatalf("%s: %d files, %v", format, len(files), err)
		}
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"png": PNG, "SVG": SVG} {
		if got, err := ParseFormat(in); got != want || err != nil {
			t.Errorf("ParseFormat(%q) = %q, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "csv", "jpg"} {
		if _, err := ParseFormat(bad); err == nil {
			t.Errorf("ParseFormat(%q) took it", bad)
		}
	}
}

// The tile map has one square per prefecture, no two on one place.
func TestTilePositions(t *testing.T) {
	seen := map[tilePos]string{}
	for i, p := range tilePositions {
		name := prefectureNames[i]
		if p.col < 0 || p.col >= 13 || p.row < 0 || p.row >= 11 {
			t.Errorf("%s at %v, off the grid", name, p)
		}
		if other, ok := seen[p]; ok {
			t.Errorf("%s and %s share %v", name, other, p)
		}
		seen[p] = name
	}
}

// Rendering every chart of 10,000 reports, as the desk would ask for a year.
func BenchmarkRender10000(b *testing.B) {
	set := generated(10_000)
	b.ResetTimer()
	for b.Loop() {
		if _, err := Render(set, labels, PNG, false); err != nil {
			b.Fatal(err)
		}
	}
}

// A set whose reports lie outside its period (a caller's mistake) draws without a panic;
// those reports are not in the weekly bars.
func TestReportsOutsideThePeriod(t *testing.T) {
	set := small()
	set.Period = bot.Period{From: jst(2022, 11, 14, 0, 0, 0), To: jst(2022, 11, 21, 0, 0, 0)}
	if got := figure(t, Figures(set, labels, false), "weekly").Total(); got != 5 {
		t.Errorf("weekly total %v, want the 5 category counts of the week of 11/14", got)
	}
}
