package chart

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/go-analyze/charts"
)

// drawer draws a figure on a painter of the figure's size, below the header.
type drawer struct {
	// size is the canvas for f.
	size func(f *Figure) (w, h int)
	// draw draws the body of f in the painter's box, whose top is at top.
	draw func(p *charts.Painter, f *Figure, top int) error
}

var (
	drawBars    = drawer{size: fixed(1100, 620), draw: bars}
	drawGrouped = drawer{size: fixed(1400, 640), draw: grouped}
	drawColumns = drawer{size: fixed(1200, 680), draw: columns}
	drawHeat    = drawer{size: heatSize, draw: heat}
	drawTiles   = drawer{size: fixed(1000, 900), draw: tiles}
)

func fixed(w, h int) func(*Figure) (int, int) { return func(*Figure) (int, int) { return w, h } }

// Colours: one per series, in order, readable for most colour-blind readers (Okabe–Ito,
// then greys).
var palette = []charts.Color{
	charts.ColorFromHex("0072B2"), charts.ColorFromHex("E69F00"), charts.ColorFromHex("009E73"),
	charts.ColorFromHex("CC79A7"), charts.ColorFromHex("D55E00"), charts.ColorFromHex("56B4E9"),
	charts.ColorFromHex("F0E442"), charts.ColorFromHex("999999"), charts.ColorFromHex("555555"),
}

var (
	white     = charts.ColorFromHex("FFFFFF")
	ink       = charts.ColorFromHex("222222")
	soft      = charts.ColorFromHex("666666")
	gridColor = charts.ColorFromHex("E3E3E3")
	markColor = charts.ColorFromHex("C62828")
	emptyTile = charts.ColorFromHex("EEEEEE")
)

func colour(i int) charts.Color { return palette[i%len(palette)] }

// theme is the library's light theme with the palette.
func theme() charts.ColorPalette {
	return charts.MakeTheme(charts.ThemeOption{
		AxisStrokeColor: soft, AxisSplitLineColor: gridColor, BackgroundColor: white,
		TextColor: ink, SeriesColors: palette,
	})
}

func style(size float64, c charts.Color) charts.FontStyle {
	return charts.FontStyle{Font: font(), FontSize: size, FontColor: c}
}

const margin = 28

// header draws the title and the note, wrapped to the width, and returns the y below.
func header(p *charts.Painter, f *Figure) int {
	y := margin + 20
	p.Text(f.Title, margin, y, 0, style(20, ink))
	y += 12
	ns := style(13, soft)
	for _, line := range wrap(p, f.Note, p.Width()-2*margin, ns) {
		y += 20
		p.Text(line, margin, y, 0, ns)
	}
	return y + 16
}

// wrap breaks s into lines no wider than w: Japanese has no spaces to break at, so any
// rune may end a line.
func wrap(p *charts.Painter, s string, w int, st charts.FontStyle) []string {
	var lines []string
	rs := []rune(s)
	for len(rs) > 0 {
		n := len(rs)
		for n > 1 && p.MeasureText(string(rs[:n]), 0, st).Width() > w {
			n = n * 9 / 10
		}
		for n < len(rs) && p.MeasureText(string(rs[:n+1]), 0, st).Width() <= w {
			n++
		}
		// Rather after a comma or a full stop a little earlier than inside a number.
		for back := n; n < len(rs) && back > n-16 && back > 1; back-- {
			if strings.ContainsRune("、。，）・ ", rs[back-1]) {
				n = back
				break
			}
		}
		lines = append(lines, string(rs[:n]))
		rs = rs[n:]
	}
	return lines
}

// legend draws one swatch per series from the top and returns the y below.
func legend(p *charts.Painter, ss []Series, top int) int {
	x, y := margin, top+14
	st := style(13, ink)
	for i, s := range ss {
		w := p.MeasureText(s.Name, 0, st).Width() + 36
		if x+w > p.Width()-margin {
			x, y = margin, y+22
		}
		p.FilledRect(x, y-11, x+14, y+1, colour(i), colour(i), 0)
		p.Text(s.Name, x+20, y, 0, st)
		x += w
	}
	return y + 16
}

// body is a child painter of the area below top.
func body(p *charts.Painter, top int) *charts.Painter {
	return p.Child(charts.PainterBoxOption(charts.NewBox(0, top, p.Width(), p.Height())))
}

// bars draws one series as horizontal bars, the first label on top, values at the ends.
func bars(p *charts.Painter, f *Figure, top int) error {
	n := len(f.Labels)
	vals := make([]float64, n)
	labels := make([]string, n)
	for i := range n { // the library draws the first category at the bottom
		vals[n-1-i], labels[n-1-i] = f.Series[0].Values[i], f.Labels[i]
	}
	opt := charts.NewBarChartOptionWithData([][]float64{vals})
	opt.Horizontal = true
	opt.Theme = theme()
	opt.Padding = charts.NewBox(margin, 8, margin+40, margin)
	opt.CategoryAxis = charts.CategoryAxisOption{Labels: labels, LabelFontStyle: style(14, ink), LabelCount: len(labels)}
	opt.ValueAxis = []charts.ValueAxisOption{{Min: charts.Ptr(0.0), LabelFontStyle: style(12, soft), ValueFormatter: integer}}
	opt.SeriesList[0].Label = charts.SeriesLabel{Show: charts.Ptr(true), FontStyle: style(13, ink), ValueFormatter: integer}
	opt.Legend = charts.LegendOption{Show: charts.Ptr(false)}
	return body(p, top).BarChart(opt)
}

// grouped draws the series side by side over the labels, with a legend.
func grouped(p *charts.Painter, f *Figure, top int) error {
	top = legend(p, f.Series, top)
	data := make([][]float64, len(f.Series))
	for i, s := range f.Series {
		data[i] = s.Values
	}
	opt := charts.NewBarChartOptionWithData(data)
	opt.Theme = theme()
	opt.Padding = charts.NewBox(margin, 8, margin, margin)
	opt.CategoryAxis = charts.CategoryAxisOption{Labels: f.Labels, LabelFontStyle: style(12, ink), LabelCount: len(f.Labels)}
	opt.ValueAxis = []charts.ValueAxisOption{{Min: charts.Ptr(0.0), LabelFontStyle: style(12, soft), ValueFormatter: integer}}
	for i := range opt.SeriesList {
		opt.SeriesList[i].Label = charts.SeriesLabel{Show: charts.Ptr(true), FontStyle: style(11, ink), ValueFormatter: integer}
	}
	opt.Legend = charts.LegendOption{Show: charts.Ptr(false)}
	return body(p, top).BarChart(opt)
}

func integer(v float64) string { return strconv.FormatFloat(math.Round(v), 'f', -1, 64) }

// heatSize grows with the rows, so every prefecture that reported has a readable row.
func heatSize(f *Figure) (int, int) { return 1400, 260 + 30*max(len(f.Rows), 3) }

// heat draws the rows × labels counts as a heat map, each cell with its count.
func heat(p *charts.Painter, f *Figure, top int) error {
	if len(f.Rows) == 0 {
		p.Text("報告がありません。", margin, top+30, 0, style(16, soft))
		return nil
	}
	vals := make([][]float64, len(f.Series))
	for i, s := range f.Series {
		vals[i] = s.Values
		if f.Share {
			vals[i] = make([]float64, len(s.Values))
			for j, v := range s.Values {
				vals[i][j] = hideSmall(v)
			}
		}
	}
	opt := charts.NewHeatMapOptionWithData(vals)
	opt.Theme = theme()
	opt.Padding = charts.NewBox(margin, 8, margin, margin)
	opt.ScaleMinValue = charts.Ptr(0.0)
	opt.XAxis = charts.HeatMapAxis{Labels: f.Labels, LabelFontStyle: style(12, ink), LabelCount: len(f.Labels)}
	opt.YAxis = charts.HeatMapAxis{Labels: f.Rows, LabelFontStyle: style(12, ink), LabelCount: len(f.Rows)}
	opt.ValuesLabel = charts.SeriesLabel{Show: charts.Ptr(true), FontStyle: style(12, ink),
		LabelFormatter: func(_ int, _ string, v float64) (string, *charts.LabelStyle) { return countText(v, f.Share), nil }}
	return body(p, top).HeatMapChart(opt)
}

// hideSmall puts a count of one or two between them, so a colour tells neither.
func hideSmall(v float64) float64 {
	if v > 0 && v < 3 {
		return 1.5
	}
	return v
}

// countText is a count as a cell shows it; shared, one or two is 「3件未満」.
func countText(v float64, share bool) string {
	if share && v > 0 && v < 3 {
		return "3件未満"
	}
	return integer(v)
}

// niceStep is a step of 1, 2 or 5 × 10ⁿ giving about five grid lines up to max.
func niceStep(max float64) float64 {
	if max <= 5 {
		return 1
	}
	raw := max / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			return m * mag
		}
	}
	return 10 * mag
}

// columns draws the series stacked over the labels, with the totals on top and the
// marks as dashed vertical lines across the plot.
func columns(p *charts.Painter, f *Figure, top int) error {
	top = legend(p, f.Series, top)
	n := len(f.Labels)
	if n == 0 {
		p.Text("報告がありません。", margin, top+30, 0, style(16, soft))
		return nil
	}
	totals := make([]float64, n)
	for _, s := range f.Series {
		for i, v := range s.Values {
			totals[i] += v
		}
	}
	peak := 0.0
	for _, t := range totals {
		peak = max(peak, t)
	}
	step := niceStep(peak)
	ymax := math.Max(step, math.Ceil(peak/step)*step)
	axis := style(12, soft)
	yw := p.MeasureText(integer(ymax), 0, axis).Width()
	left, right := margin+yw+10, p.Width()-margin
	plotTop, bottom := top+16+18*len(f.Marks), p.Height()-margin-24
	slot := float64(right-left) / float64(n)
	y := func(v float64) int { return bottom - int(math.Round(v/ymax*float64(bottom-plotTop))) }
	for v := 0.0; v <= ymax+step/2; v += step {
		p.LineStroke([]charts.Point{{X: left, Y: y(v)}, {X: right, Y: y(v)}}, gridColor, 1)
		t := integer(v)
		p.Text(t, left-8-p.MeasureText(t, 0, axis).Width(), y(v)+5, 0, axis)
	}
	bar := max(1, int(slot*0.7))
	lst := style(11, ink)
	every := 1
	if w := maxWidth(p, f.Labels, lst) + 6; float64(w) > slot {
		every = int(math.Ceil(float64(w) / slot))
	}
	for i := range n {
		x0 := left + int(float64(i)*slot+(slot-float64(bar))/2)
		acc := 0.0
		for si, s := range f.Series {
			if v := s.Values[i]; v > 0 {
				p.FilledRect(x0, y(acc+v), x0+bar, y(acc), colour(si), colour(si), 0)
				acc += v
			}
		}
		if totals[i] > 0 && slot >= 18 {
			t := integer(totals[i])
			p.Text(t, x0+(bar-p.MeasureText(t, 0, lst).Width())/2, y(totals[i])-4, 0, lst)
		}
		if i%every == 0 {
			w := p.MeasureText(f.Labels[i], 0, lst).Width()
			p.Text(f.Labels[i], left+int((float64(i)+0.5)*slot)-w/2, bottom+18, 0, lst)
		}
	}
	p.LineStroke([]charts.Point{{X: left, Y: bottom}, {X: right, Y: bottom}}, soft, 1)
	ms := style(12, markColor)
	for i, m := range f.Marks {
		x := left + int(math.Round(m.At*slot))
		p.DashedLineStroke([]charts.Point{{X: x, Y: top + 10 + 18*i}, {X: x, Y: bottom}}, markColor, 1.5, []float64{5, 4})
		w := p.MeasureText(m.Label, 0, ms).Width()
		tx := x + 4
		if tx+w > right {
			tx = x - 4 - w
		}
		p.Text(m.Label, tx, top+20+18*i, 0, ms)
	}
	return nil
}

func maxWidth(p *charts.Painter, ss []string, st charts.FontStyle) int {
	w := 0
	for _, s := range ss {
		w = max(w, p.MeasureText(s, 0, st).Width())
	}
	return w
}

// tiles draws one square per prefecture at its place on a map of Japan, coloured by its
// count, with a legend of the colour steps.
func tiles(p *charts.Painter, f *Figure, top int) error {
	vals := f.Series[0].Values
	peak := 0.0
	for _, v := range vals {
		peak = max(peak, v)
	}
	steps := tileSteps(peak, f.Share)
	cols, rows := 13, 11
	size := min((p.Width()-2*margin)/cols, (p.Height()-top-margin-40)/rows)
	gap := max(2, size/14)
	x0 := (p.Width() - cols*size) / 2
	name, num := style(float64(size)/5.2, ink), style(float64(size)/4.6, ink)
	for i, v := range vals {
		pos := tilePositions[i]
		x, y := x0+pos.col*size, top+8+pos.row*size
		fill := emptyTile
		if v > 0 {
			fill = steps[stepOf(steps, v)].colour
		}
		p.FilledRect(x+gap/2, y+gap/2, x+size-gap/2, y+size-gap/2, fill, fill, 0)
		st, nst := name, num
		if fill == blues[len(blues)-1] || fill == blues[len(blues)-2] { // dark tiles get white text
			st.FontColor, nst.FontColor = white, white
		}
		short := shortName(f.Labels[i])
		p.Text(short, x+(size-p.MeasureText(short, 0, st).Width())/2, y+size*2/5, 0, st)
		t := countText(v, f.Share)
		if f.Share && v > 0 && v < 3 {
			nst.FontSize = name.FontSize
		}
		p.Text(t, x+(size-p.MeasureText(t, 0, nst).Width())/2, y+size*4/5, 0, nst)
	}
	// The legend, bottom right, in the Pacific.
	ly := top + 8 + (rows-3)*size
	lx := x0 + 8*size
	ls := style(13, ink)
	p.Text("件数", lx, ly-8, 0, ls)
	for i, s := range append([]tileStep{{label: "0", colour: emptyTile}}, steps...) {
		y := ly + i*22
		p.FilledRect(lx, y, lx+18, y+16, s.colour, s.colour, 0)
		p.Text(s.label, lx+26, y+13, 0, ls)
	}
	return nil
}

// tileStep is one colour of the tile map, for counts up to upTo.
type tileStep struct {
	upTo   float64
	label  string
	colour charts.Color
}

var blues = []charts.Color{charts.ColorFromHex("C6DBEF"), charts.ColorFromHex("9ECAE1"),
	charts.ColorFromHex("6BAED6"), charts.ColorFromHex("3182BD"), charts.ColorFromHex("08519C")}

// tileSteps divides 1…peak into up to five colour steps; shared, 1–2 is a step of its own.
func tileSteps(peak float64, share bool) []tileStep {
	var out []tileStep
	lo := 1.0
	if share {
		out = append(out, tileStep{upTo: 2, label: "3件未満"})
		lo = 3
	}
	n := len(blues) - len(out)
	width := math.Max(1, math.Ceil((peak-lo+1)/float64(n)))
	for hi := lo + width - 1; ; hi += width {
		label := fmt.Sprintf("%s〜%s", integer(lo), integer(hi))
		if lo == hi {
			label = integer(lo)
		}
		out = append(out, tileStep{upTo: hi, label: label})
		lo = hi + 1
		if hi >= peak || len(out) == len(blues) {
			last := &out[len(out)-1]
			last.upTo = math.Inf(1)
			if lo-width < peak {
				last.label = fmt.Sprintf("%s〜%s", integer(lo-width), integer(peak))
			}
			break
		}
	}
	for i := range out {
		out[i].colour = blues[i*(len(blues)-1)/max(1, len(out)-1)]
	}
	if len(out) == 1 {
		out[0].colour = blues[2]
	}
	return out
}

func stepOf(steps []tileStep, v float64) int {
	for i, s := range steps {
		if v <= s.upTo {
			return i
		}
	}
	return len(steps) - 1
}
