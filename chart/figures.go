package chart

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"deskbot/bot"
	"deskbot/flows/parse"
	"deskbot/japan"
)

// Figure is the numbers behind one chart: labels along its axis, one or more series of
// values over them, and marks (deadlines, caps) between them. Figures are pure data, so
// tests check them against the totals; Render draws them.
type Figure struct {
	// Name is the chart's file name without extension, e.g. "1-category".
	Name  string
	Title string
	// Note says how to read the chart and what it leaves out (reports without the
	// figure it shows), under the title.
	Note   string
	Labels []string
	Series []Series
	Marks  []Mark
	// Rows names the rows of a heat map (Series are then one per row, in this order).
	Rows []string
	// Share hides counts of one or two (a prefecture's) behind 「3件未満」.
	Share bool
	draw  drawer
}

// Series is one named row of values over a figure's labels.
type Series struct {
	Name   string
	Values []float64
}

// Mark is a line drawn across a column chart at At, in label slots: 2 is the left edge
// of the third label's slot, 2.5 its middle.
type Mark struct {
	At    float64
	Label string
}

// Sum is the total of s's values.
func (s Series) Sum() float64 {
	var t float64
	for _, v := range s.Values {
		t += v
	}
	return t
}

// Total is the sum of every series of f.
func (f Figure) Total() float64 {
	var t float64
	for _, s := range f.Series {
		t += s.Sum()
	}
	return t
}

// Deadline is a date of the subsidy schedule (DOMAIN.md F11, F12) marked on the weekly
// chart, at the end of its day in Japan.
type Deadline struct {
	Day   time.Time
	Label string
}

// Deadlines are the dates the weekly chart marks.
var Deadlines = []Deadline{
	{day(2022, 11, 30), "11/30 リーダー申込（4機種）"},
	{day(2022, 12, 31), "12/31 リーダー申込（補助金）"},
	{day(2023, 2, 28), "2/28 業者との契約"},
	{day(2023, 3, 31), "3/31 運用開始"},
}

// OperationDeadline is the last day operation may start for the subsidy (F11).
var OperationDeadline = day(2023, 3, 31)

// Subsidy caps in yen (DOMAIN.md F19): a clinic's, and a hospital's by its number of
// readers (1, 2, 3).
const (
	ClinicCap = 429_000
)

// HospitalCaps are the hospital caps for 1, 2 and 3 readers.
var HospitalCaps = [3]int64{2_101_000, 2_002_000, 1_903_000}

func day(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, bot.JST) }

// Figures computes every chart's numbers from one set of reports. l names categories and
// facility types and tells where the quote and the expected start are; share hides the
// counts of one or two per prefecture.
func Figures(set bot.ReportSet, l bot.Labels, share bool) []Figure {
	in := newInput(set, l)
	fs := []Figure{
		byCategory(in),
		byWeek(in),
		prefectureTiles(in, share),
		prefectureHeat(in, share),
		quotes(in),
		starts(in),
		facilityTypes(in),
		statuses(in),
		resolveTimes(in),
	}
	for i := range fs {
		fs[i].Name = fmt.Sprintf("%d-%s", i+1, fs[i].Name)
		if fs[i].Title != "" {
			fs[i].Title += "｜" + set.Name
		}
	}
	return fs
}

// input is a report set with what the figures share computed once.
type input struct {
	set    bot.ReportSet
	l      bot.Labels
	cats   []string // category ids, the flow's order, then unknown ids
	catIdx map[string]int
}

func newInput(set bot.ReportSet, l bot.Labels) *input {
	in := &input{set: set, l: l, catIdx: map[string]int{}}
	for _, c := range l.Categories {
		in.catIdx[c.Value] = len(in.cats)
		in.cats = append(in.cats, c.Value)
	}
	var unknown []string
	for _, r := range set.Reports {
		for _, c := range r.Categories {
			if _, ok := in.catIdx[c]; !ok && !slices.Contains(unknown, c) {
				unknown = append(unknown, c)
			}
		}
	}
	slices.Sort(unknown)
	for _, c := range unknown {
		in.catIdx[c] = len(in.cats)
		in.cats = append(in.cats, c)
	}
	return in
}

func (in *input) catLabels() []string {
	out := make([]string, len(in.cats))
	for i, c := range in.cats {
		out[i] = in.l.Category(c)
	}
	return out
}

// eachCategory calls fn with the index of every distinct category of r.
func (in *input) eachCategory(r *bot.Report, fn func(int)) {
	for i, c := range r.Categories {
		if !slices.Contains(r.Categories[:i], c) {
			fn(in.catIdx[c])
		}
	}
}

// byCategory counts reports per category, as bot.Tally does (a report counts once in
// each of its categories).
func byCategory(in *input) Figure {
	vals := make([]float64, len(in.cats))
	for i := range in.set.Reports {
		in.eachCategory(&in.set.Reports[i], func(c int) { vals[c]++ })
	}
	return Figure{Name: "category", Title: "障害の種類別の報告件数",
		Note:   fmt.Sprintf("報告 %d 件。複数の種類を選んだ報告は、それぞれに数えます。", len(in.set.Reports)),
		Labels: in.catLabels(), Series: []Series{{Name: "件数", Values: vals}}, draw: drawBars}
}

// weekStart is the Monday, in Japan, of the week of t.
func weekStart(t time.Time) time.Time {
	d := japan.Day(t)
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

// byWeek counts reports per week (Monday to Sunday, Japan time) and category, over the
// weeks of the period (or of the reports, for an open period), with the deadlines that
// fall in them marked.
func byWeek(in *input) Figure {
	f := Figure{Name: "weekly", Title: "週ごとの報告件数（障害の種類別）", draw: drawColumns}
	rs := in.set.Reports
	from, to := in.set.Period.From, in.set.Period.To
	if from.IsZero() && len(rs) > 0 {
		from = slices.MinFunc(rs, func(a, b bot.Report) int { return a.Created.Compare(b.Created) }).Created
	}
	if to.IsZero() && len(rs) > 0 {
		to = slices.MaxFunc(rs, func(a, b bot.Report) int { return a.Created.Compare(b.Created) }).Created.Add(time.Nanosecond)
	}
	if from.IsZero() || to.IsZero() {
		f.Note = "報告がありません。"
		return f
	}
	first := weekStart(from)
	weeks := int(weekStart(to.Add(-time.Nanosecond)).Sub(first).Hours()/(24*7)) + 1
	for w := range weeks {
		f.Labels = append(f.Labels, first.AddDate(0, 0, 7*w).Format("1/2"))
	}
	f.Series = make([]Series, len(in.cats))
	for i, name := range in.catLabels() {
		f.Series[i] = Series{Name: name, Values: make([]float64, weeks)}
	}
	for i := range rs {
		w := int(weekStart(rs[i].Created).Sub(first).Hours() / (24 * 7))
		if w < 0 || w >= weeks { // a set whose reports lie outside its period
			continue
		}
		in.eachCategory(&rs[i], func(c int) { f.Series[c].Values[w]++ })
	}
	for _, d := range Deadlines {
		at := d.Day.AddDate(0, 0, 1).Sub(first).Hours() / (24 * 7)
		if at > 0 && at <= float64(weeks) {
			f.Marks = append(f.Marks, Mark{At: at, Label: d.Label})
		}
	}
	f.Note = "週は月曜から日曜（日本時間）、横軸は週の初日。縦の破線は期限の日の終わり。複数の種類を選んだ報告は、それぞれに数えます。"
	return f
}

// prefectureOf is the JIS code (1–47) of a report's prefecture, 0 when it has none or
// none that is known.
func prefectureOf(r *bot.Report) int {
	if r.Prefecture == "" {
		return 0
	}
	p, ok := parse.ParsePrefecture(r.Prefecture)
	if !ok {
		return 0
	}
	return p.Code
}

// prefectureNames are the 47 prefectures' full names in JIS order.
var prefectureNames = func() []string {
	out := make([]string, 47)
	for i := range out {
		p, _ := parse.PrefectureByCode(i + 1)
		out[i] = p.Name
	}
	return out
}()

// noPrefectureNote says how many reports have no known prefecture, or "".
func noPrefectureNote(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("都道府県が未回答・不明の報告 %d 件は含みません。", n)
}

// shareNote says how small counts are hidden.
const shareNote = "外部共有用：1〜2 件は「3件未満」と表示しています。"

// prefectureTiles counts reports per prefecture, one tile each on a map of Japan.
func prefectureTiles(in *input, share bool) Figure {
	vals := make([]float64, 47)
	none := 0
	for i := range in.set.Reports {
		if c := prefectureOf(&in.set.Reports[i]); c > 0 {
			vals[c-1]++
		} else {
			none++
		}
	}
	note := noPrefectureNote(none)
	if share {
		note += shareNote
	}
	return Figure{Name: "prefectures", Title: "都道府県別の報告件数", Note: note, Labels: prefectureNames,
		Series: []Series{{Name: "件数", Values: vals}}, Share: share, draw: drawTiles}
}

// prefectureHeat counts reports per prefecture and category, for the prefectures that
// reported, in JIS order.
func prefectureHeat(in *input, share bool) Figure {
	rows := make([][]float64, 47)
	none := 0
	for i := range in.set.Reports {
		r := &in.set.Reports[i]
		c := prefectureOf(r)
		if c == 0 {
			none++
			continue
		}
		if rows[c-1] == nil {
			rows[c-1] = make([]float64, len(in.cats))
		}
		in.eachCategory(r, func(k int) { rows[c-1][k]++ })
	}
	f := Figure{Name: "heatmap", Title: "都道府県 × 障害の種類", Labels: in.catLabels(), Share: share, draw: drawHeat}
	for i, row := range rows {
		if row != nil {
			f.Rows = append(f.Rows, prefectureNames[i])
			f.Series = append(f.Series, Series{Name: prefectureNames[i], Values: row})
		}
	}
	f.Note = noPrefectureNote(none) + "報告のあった都道府県だけを示します。"
	if share {
		f.Note += shareNote
	}
	return f
}

// answer returns the value of the first field of r's answers, then of its checklist,
// whose label is one of labels.
func answer(r *bot.Report, labels []string) (string, bool) {
	for _, fs := range [][]bot.Field{r.Answers, r.Checklist} {
		for _, f := range fs {
			if slices.Contains(labels, f.Label) {
				return f.Value, true
			}
		}
	}
	return "", false
}

// Where the flows put the quote and the expected start when Labels does not say.
var (
	defaultQuoteLabels = []string{"見積額（導入費用）", "導入費用"}
	defaultStartLabels = []string{"運用開始の見込み", "運用開始"}
)

// quoteOf is the introduction quote of r in yen, read back from the text the flow
// showed (65万円, 約50万円); false when r has none or it is not an amount.
func quoteOf(r *bot.Report, labels []string) (int64, bool) {
	v, ok := answer(r, labels)
	if !ok {
		return 0, false
	}
	a, err := parse.ParseYen(v)
	if err != nil || a.Period != parse.Once {
		return 0, false
	}
	return a.Yen, true
}

// startOf is the expected start of operation of r, read back from the date the flow
// showed (2023年6月30日（令和5年6月30日）); false when r has none or it is not a date.
func startOf(r *bot.Report, labels []string) (time.Time, bool) {
	v, ok := answer(r, labels)
	if !ok {
		return time.Time{}, false
	}
	v, _, _ = strings.Cut(v, "（")
	// The date was read relative to the report; a year before it, any date the flow
	// could have shown is neither past nor too far ahead.
	w, err := parse.ParseWhen(v, r.Created.AddDate(-1, 0, 0))
	if err != nil {
		return time.Time{}, false
	}
	return w.Date, true
}

// Quote bins, in yen: the upper bound of each bin but the last. The caps are bounds, so
// a bin is wholly within or above a cap.
var quoteBins = []int64{200_000, 300_000, ClinicCap, 600_000, 800_000, 1_000_000, 1_500_000,
	HospitalCaps[2], HospitalCaps[1], HospitalCaps[0], 2_500_000, 3_000_000, 4_000_000}

// Quote bands, the series of the quote chart.
const (
	bandClinicIn      = "診療所・上限以内"
	bandClinicOver    = "診療所・上限超"
	bandHospitalIn    = "病院・上限以内"
	bandHospitalMaybe = "病院・台数により上限超"
	bandHospitalOver  = "病院・上限超"
)

// man writes yen as 万円 with one decimal where needed: 42.9万.
func man(y int64) string {
	v := float64(y) / 10_000
	if v == math.Trunc(v) {
		return fmt.Sprintf("%.0f万", v)
	}
	return fmt.Sprintf("%.1f万", v)
}

// quotes bins the introduction quotes by amount, split by facility type and by the cap
// they are judged against: a clinic's 42.9万円; a hospital's 210.1万円, 200.2万円 or
// 190.3万円 for 1, 2 or 3 readers. Reports do not say how many readers a hospital takes,
// so a hospital quote between 190.3万円 and 210.1万円 is over the cap or not by that
// number, and is shown as such.
func quotes(in *input) Figure {
	labels := cmpOr(in.l.Quote, defaultQuoteLabels)
	f := Figure{Name: "quotes", Title: "見積額（導入費用）と補助金の上限", draw: drawColumns}
	for _, hi := range quoteBins {
		f.Labels = append(f.Labels, "〜"+man(hi))
	}
	f.Labels = append(f.Labels, man(quoteBins[len(quoteBins)-1])+"〜")
	bands := []string{bandClinicIn, bandClinicOver, bandHospitalIn, bandHospitalMaybe, bandHospitalOver}
	for _, b := range bands {
		f.Series = append(f.Series, Series{Name: b, Values: make([]float64, len(f.Labels))})
	}
	var none, untyped int
	for i := range in.set.Reports {
		r := &in.set.Reports[i]
		y, ok := quoteOf(r, labels)
		if !ok {
			none++
			continue
		}
		bin, _ := slices.BinarySearch(quoteBins, y) // a quote equal to a bound is in the bin below it
		var band int
		switch r.FacilityType {
		case "clinic":
			band = 0
			if y > ClinicCap {
				band = 1
			}
		case "hospital":
			switch {
			case y > HospitalCaps[0]:
				band = 4
			case y > HospitalCaps[2]:
				band = 3
			default:
				band = 2
			}
		default:
			untyped++
			continue
		}
		f.Series[band].Values[bin]++
	}
	capAt := func(y int64) float64 { return float64(slices.Index(quoteBins, y) + 1) }
	f.Marks = []Mark{
		{At: capAt(ClinicCap), Label: "診療所の上限 42.9万円"},
		{At: capAt(HospitalCaps[2]), Label: "病院（3台）190.3万円"},
		{At: capAt(HospitalCaps[1]), Label: "病院（2台）200.2万円"},
		{At: capAt(HospitalCaps[0]), Label: "病院（1台）210.1万円"},
	}
	f.Note = fmt.Sprintf("見積額のある報告 %d 件（ないもの %d 件、施設の種類が不明 %d 件は含みません）。病院はカードリーダーの台数を報告から読めないため、190.3万〜210.1万円は台数により上限を超えます。",
		len(in.set.Reports)-none-untyped, none, untyped)
	return f
}

// cmpOr is a unless it is empty, else b.
func cmpOr(a, b []string) []string {
	if len(a) > 0 {
		return a
	}
	return b
}

// starts counts the expected starts of operation per month, before and after the
// subsidy's deadline of 2023-03-31. Months run from the earliest start to the latest;
// starts from 2024 on share one column.
func starts(in *input) Figure {
	labels := cmpOr(in.l.Start, defaultStartLabels)
	f := Figure{Name: "start", Title: "運用開始の見込みと期限（2023年3月31日）", draw: drawColumns}
	var items []time.Time
	none := 0
	for i := range in.set.Reports {
		d, ok := startOf(&in.set.Reports[i], labels)
		if !ok {
			none++
			continue
		}
		items = append(items, time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, bot.JST))
	}
	last := day(2024, 1, 1) // the column of 2024 on
	first := day(2022, 10, 1)
	for _, m := range items {
		if m.Before(first) {
			first = m
		}
	}
	var months []time.Time
	for m := first; m.Before(last); m = m.AddDate(0, 1, 0) {
		months = append(months, m)
		f.Labels = append(f.Labels, m.Format("2006/1"))
	}
	f.Labels = append(f.Labels, "2024年以降")
	f.Series = []Series{{Name: "期限内", Values: make([]float64, len(f.Labels))}, {Name: "期限後", Values: make([]float64, len(f.Labels))}}
	for _, m := range items {
		col := len(months)
		if m.Before(last) {
			col = int((m.Year()-first.Year())*12 + int(m.Month()) - int(first.Month()))
		}
		s := 0
		if m.After(OperationDeadline) {
			s = 1
		}
		f.Series[s].Values[col]++
	}
	at := float64((OperationDeadline.Year()-first.Year())*12+int(OperationDeadline.Month())-int(first.Month())) + 1
	f.Marks = []Mark{{At: at, Label: "期限 2023/3/31"}}
	f.Note = fmt.Sprintf("運用開始の見込みのある報告 %d 件（ないもの %d 件は含みません）。月ごと、見込みの日で数えます。", len(items), none)
	return f
}

// facilityTypes counts reports per category and facility type: what clinics and
// hospitals each run into.
func facilityTypes(in *input) Figure {
	types := slices.Clone(in.l.FacilityTypes)
	if len(types) == 0 {
		types = []bot.Choice{{Label: "診療所", Value: "clinic"}, {Label: "病院", Value: "hospital"}}
	}
	f := Figure{Name: "facility", Labels: in.catLabels(), draw: drawGrouped}
	counts := make([]int, len(types))
	for _, t := range types {
		f.Series = append(f.Series, Series{Name: t.Label, Values: make([]float64, len(in.cats))})
	}
	untyped := 0
	for i := range in.set.Reports {
		r := &in.set.Reports[i]
		t := slices.IndexFunc(types, func(c bot.Choice) bool { return c.Value == r.FacilityType })
		if t < 0 {
			untyped++
			continue
		}
		counts[t]++
		in.eachCategory(r, func(c int) { f.Series[t].Values[c]++ })
	}
	parts := make([]string, len(types))
	for i, t := range types {
		parts[i] = fmt.Sprintf("%s %d 件", t.Label, counts[i])
	}
	f.Title = "診療所と病院（障害の種類別）"
	f.Note = strings.Join(parts, "・") + "。"
	if untyped > 0 {
		f.Note += fmt.Sprintf("施設の種類が不明な %d 件は含みません。", untyped)
	}
	return f
}

// statuses counts reports per current status.
func statuses(in *input) Figure {
	t := bot.Tally(in.set.Reports, in.set.Statuses, bot.Labels{})
	f := Figure{Name: "status", Title: "対応の状況", draw: drawBars}
	vals := make([]float64, len(t.ByStatus))
	for i, c := range t.ByStatus {
		f.Labels = append(f.Labels, c.Name)
		vals[i] = float64(c.N)
	}
	f.Series = []Series{{Name: "件数", Values: vals}}
	f.Note = fmt.Sprintf("報告 %d 件の、いまの状態。", t.Reports)
	return f
}

// Time-to-resolve bins: the upper bound of each but the last.
var resolveBins = []time.Duration{24 * time.Hour, 3 * 24 * time.Hour, 7 * 24 * time.Hour, 14 * 24 * time.Hour, 28 * 24 * time.Hour}

// resolveTimes bins the resolved reports by the time from the report to its resolution
// (the last change to 解決済み), and the others by how long they have been waiting.
func resolveTimes(in *input) Figure {
	f := Figure{Name: "resolve", Title: "解決までの日数", draw: drawGrouped,
		Labels: []string{"1日以内", "1〜3日", "3〜7日", "1〜2週間", "2〜4週間", "4週間超"}}
	f.Series = []Series{{Name: "解決済み（解決までの日数）", Values: make([]float64, len(f.Labels))},
		{Name: "未解決（受付からの経過日数）", Values: make([]float64, len(f.Labels))}}
	bin := func(d time.Duration) int {
		i, _ := slices.BinarySearch(resolveBins, d)
		return i
	}
	for i := range in.set.Reports {
		r := &in.set.Reports[i]
		h := in.set.Statuses[r.ID]
		if bot.CurrentStatus(h) == bot.StatusResolved {
			f.Series[0].Values[bin(h[len(h)-1].At.Sub(r.Created))]++
			continue
		}
		f.Series[1].Values[bin(in.set.At.Sub(r.Created))]++
	}
	f.Note = fmt.Sprintf("解決済み %.0f 件、未解決 %.0f 件（%s 時点）。", f.Series[0].Sum(), f.Series[1].Sum(), in.set.At.In(bot.JST).Format("2006-01-02 15:04"))
	return f
}
