// Package chart draws the desk's evidence for 「やむを得ない場合」 from a set of archived
// reports: reports by category and by week (with the subsidy's deadlines), a tile map
// and a heat map by prefecture, quotes against the subsidy cap, expected starts against
// 2023-03-31, clinics against hospitals, statuses and time to resolve. Each chart is a
// Figure (its numbers, which tests check against the totals) drawn as PNG or SVG with
// Japanese labels in IPAex Gothic, which is embedded: nothing needs to be installed.
//
// The package is pure: it reads a bot.ReportSet and writes bytes. Callers (the slash
// command, the digest, `deskbot export`) read the set with bot.LoadReports, so the
// charts, the CSV and the totals agree.
package chart

import (
	_ "embed"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"

	"github.com/go-analyze/charts"
	"github.com/golang/freetype/truetype"

	"deskbot/bot"
)

// ipaexg.ttf is IPAex Gothic (IPA Font License v1.0; font/IPA_Font_License_Agreement_v1.0.txt).
//
//go:embed font/ipaexg.ttf
var ipaexg []byte

var font = sync.OnceValue(func() *truetype.Font {
	f, err := truetype.Parse(ipaexg)
	if err != nil {
		panic("chart: the embedded font does not parse: " + err.Error()) // a broken build, not input
	}
	return f
})

// Format is an output format.
type Format string

const (
	PNG Format = "png"
	SVG Format = "svg"
)

// ParseFormat reads "png" or "svg".
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(s)); f {
	case PNG, SVG:
		return f, nil
	}
	return "", fmt.Errorf("format %q: want png or svg", s)
}

// File is one drawn chart.
type File struct {
	// Name is the file name, e.g. "1-category.png".
	Name  string
	Title string
	Data  []byte
}

// Render draws every figure of set in format, in Figures' order. share hides counts of
// one or two per prefecture, for charts that leave the desk. The figures are drawn
// side by side on the available cores: encoding a PNG is most of the cost.
func Render(set bot.ReportSet, l bot.Labels, format Format, share bool) ([]File, error) {
	fs := Figures(set, l, share)
	out := make([]File, len(fs))
	errs := make([]error, len(fs))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, f := range fs {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			b, err := f.Render(format)
			if err != nil {
				errs[i] = fmt.Errorf("chart %s: %w", f.Name, err)
				return
			}
			out[i] = File{Name: f.Name + "." + string(format), Title: f.Title, Data: b}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// Render draws f in format.
func (f Figure) Render(format Format) ([]byte, error) {
	if f.draw.draw == nil {
		return nil, errors.New("figure without a drawer")
	}
	w, h := f.draw.size(&f)
	p := charts.NewPainter(charts.PainterOptions{OutputFormat: string(format), Width: w, Height: h, Font: font(),
		Theme: theme()})
	p.FilledRect(0, 0, w, h, white, white, 0)
	top := header(p, &f)
	if err := f.draw.draw(p, &f, top); err != nil {
		return nil, err
	}
	return p.Bytes()
}

// tilePos is a prefecture's square on the tile map, west to east, north to south.
type tilePos struct{ col, row int }

// tilePositions are the prefectures' squares in JIS order (北海道 first): each where
// people expect it, neighbours beside each other as far as a grid allows.
var tilePositions = [47]tilePos{
	{12, 0},                                              // 北海道
	{12, 1}, {12, 2}, {12, 3}, {11, 2}, {11, 3}, {11, 4}, // 青森 岩手 宮城 秋田 山形 福島
	{12, 5}, {11, 5}, {10, 5}, {10, 6}, {12, 6}, {11, 6}, {10, 7}, // 茨城 栃木 群馬 埼玉 千葉 東京 神奈川
	{10, 4}, {9, 4}, {8, 4}, {7, 5}, {9, 6}, {9, 5}, {8, 5}, {9, 7}, {8, 6}, // 新潟 富山 石川 福井 山梨 長野 岐阜 静岡 愛知
	{7, 7}, {7, 6}, {6, 5}, {5, 6}, {5, 5}, {6, 6}, {5, 7}, // 三重 滋賀 京都 大阪 兵庫 奈良 和歌山
	{4, 5}, {3, 5}, {4, 6}, {3, 6}, {2, 6}, // 鳥取 島根 岡山 広島 山口
	{4, 9}, {4, 8}, {3, 8}, {3, 9}, // 徳島 香川 愛媛 高知
	{1, 7}, {0, 7}, {0, 8}, {1, 8}, {2, 8}, {2, 9}, {1, 9}, {0, 10}, // 福岡 佐賀 長崎 熊本 大分 宮崎 鹿児島 沖縄
}

// shortName is a prefecture's name without 都, 府 or 県; 北海道 stays whole.
func shortName(full string) string {
	if full == "北海道" {
		return full
	}
	for _, suffix := range []string{"都", "府", "県"} {
		if s, ok := strings.CutSuffix(full, suffix); ok {
			return s
		}
	}
	return full
}
