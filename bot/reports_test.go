package bot_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"deskbot/bot"
)

var testLabels = bot.Labels{
	Categories:    []bot.Choice{{Value: "no-vendor", Label: "地域に業者が見つからない"}, {Value: "over-cap", Label: "見積額が補助金上限より高い"}, {Value: "slow", Label: "導入に時間がかかる"}},
	FacilityTypes: []bot.Choice{{Value: "clinic", Label: "診療所"}, {Value: "hospital", Label: "病院"}},
}

func jst(m, d, h int) time.Time { return time.Date(2022, time.Month(m), d, h, 0, 0, 0, bot.JST) }

func TestTally(t *testing.T) {
	changed := func(s ...bot.Status) []bot.StatusChange {
		var h []bot.StatusChange
		for _, st := range s {
			h = append(h, bot.StatusChange{Status: st, By: "U1"})
		}
		return h
	}
	for _, tc := range []struct {
		name     string
		reports  []bot.Report
		statuses map[string][]bot.StatusChange
		want     bot.Totals
	}{
		{
			name: "none",
			want: bot.Totals{
				ByCategory: []bot.Count{{"地域に業者が見つからない", 0}, {"見積額が補助金上限より高い", 0}, {"導入に時間がかかる", 0}},
				ByStatus:   []bot.Count{{"未対応", 0}, {"対応中", 0}, {"解決済み", 0}},
			},
		},
		{
			name: "several categories, prefectures and statuses",
			reports: []bot.Report{
				{ID: "R1", Categories: []string{"over-cap", "slow"}, Prefecture: "東京都"},
				{ID: "R2", Categories: []string{"over-cap"}, Prefecture: "大阪府"},
				{ID: "R3", Categories: []string{"no-vendor", "over-cap", "over-cap"}, Prefecture: "東京都"}, // a repeat counts once
				{ID: "R4", Categories: []string{"unknown-id"}, Prefecture: ""},
				{ID: "R5", Categories: []string{"slow"}, Prefecture: "北海道"},
			},
			statuses: map[string][]bot.StatusChange{
				"R1": changed(bot.StatusInProgress),
				"R2": changed(bot.StatusInProgress, bot.StatusResolved),
				"R3": changed(bot.StatusResolved, bot.StatusInProgress), // reopened
			},
			want: bot.Totals{
				Reports: 5,
				ByCategory: []bot.Count{{"地域に業者が見つからない", 1}, {"見積額が補助金上限より高い", 3}, {"導入に時間がかかる", 2},
					{"unknown-id", 1}},
				ByPrefecture: []bot.Count{{"東京都", 2}, {"北海道", 1}, {"大阪府", 1}, {bot.NoPrefecture, 1}},
				ByStatus:     []bot.Count{{"未対応", 2}, {"対応中", 2}, {"解決済み", 1}},
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if d := cmp.Diff(tc.want, bot.Tally(tc.reports, tc.statuses, testLabels)); d != "" {
				t.Errorf("Tally (-want +got):\n%s", d)
			}
		})
	}
}

func TestWriteCSV(t *testing.T) {
	rs := []bot.Report{
		{ID: "R-20221115-0001", Created: time.Date(2022, 11, 15, 1, 30, 0, 0, time.UTC), Categories: []string{"over-cap", "slow"},
			Facility: "さくら内科クリニック", Prefecture: "東京都", Code: "1310110049", FacilityType: "clinic",
			Contact: "03-1234-5678", Details: "見積は「65万円」、\n保守は月1万円です。",
			Answers: []bot.Field{{Label: "見積額", Value: "65万円"}, {Label: "業者", Value: "A社"}}, Checklist: []bot.Field{{Label: "導入費用", Value: "65万円"}}},
		{ID: "R-20221115-0002", Created: jst(11, 15, 23), Categories: []string{"mystery"}, Facility: "=HYPERLINK(\"http://x\")",
			Prefecture: "大阪府", FacilityType: "hospital", Contact: "+81-6-1234-5678", Details: "@SUM(A1)"},
	}
	statuses := map[string][]bot.StatusChange{"R-20221115-0002": {
		{Status: bot.StatusInProgress, By: "U1", Name: "佐藤", At: jst(11, 16, 9)},
		{Status: bot.StatusResolved, By: "U2", At: jst(11, 16, 17)},
	}}
	var buf bytes.Buffer
	if err := bot.WriteCSV(&buf, rs, statuses, testLabels); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if !bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}) {
		t.Fatalf("CSV starts % x, want the UTF-8 BOM EF BB BF", b[:3])
	}
	if bytes.Contains(bytes.ReplaceAll(b, []byte("\r\n"), nil), []byte("\n")) || !bytes.HasSuffix(b, []byte("\r\n")) {
		t.Errorf("want CRLF line ends only, as Excel writes them:\n%q", b)
	}
	if !bytes.Contains(b, []byte("受付番号,受付日時,障害の種類")) {
		t.Errorf("the header is not plain UTF-8 Japanese: % x", b[3:40])
	}
	rows, err := csv.NewReader(bytes.NewReader(b[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		bot.CSVHeader,
		{"R-20221115-0001", "2022-11-15 10:30", "見積額が補助金上限より高い、導入に時間がかかる", "さくら内科クリニック", "東京都", "1310110049", "診療所",
			"見積は「65万円」、\n保守は月1万円です。", "見積額: 65万円\n業者: A社", "導入費用: 65万円", "03-1234-5678", "未対応", "", ""},
		{"R-20221115-0002", "2022-11-15 23:00", "mystery", "'=HYPERLINK(\"http://x\")", "大阪府", "", "病院",
			"'@SUM(A1)", "", "", "'+81-6-1234-5678", "解決済み", "U2", "2022-11-16 17:00"},
	}
	if d := cmp.Diff(want, rows); d != "" {
		t.Fatalf("CSV read back (-want +got):\n%s", d)
	}
	var empty bytes.Buffer
	if err := bot.WriteCSV(&empty, nil, nil, bot.Labels{}); err != nil || empty.String() != "\uFEFF"+strings.Join(bot.CSVHeader, ",")+"\r\n" {
		t.Errorf("CSV of no reports = %q, %v; want the BOM and the header", empty.String(), err)
	}
}

func TestPeriod(t *testing.T) {
	p := bot.Period{From: jst(11, 1, 0), To: jst(12, 1, 0)}
	for _, tc := range []struct {
		p    bot.Period
		t    time.Time
		want bool
	}{
		{p, jst(11, 1, 0), true},
		{p, jst(11, 30, 23), true},
		{p, jst(12, 1, 0), false},
		{p, jst(10, 31, 23), false},
		{p, time.Date(2022, 10, 31, 15, 0, 0, 0, time.UTC), true}, // 11/1 0:00 in Japan
		{bot.Period{}, time.Time{}, true},
		{bot.Period{From: jst(11, 1, 0)}, jst(12, 31, 0), true},
		{bot.Period{To: jst(11, 1, 0)}, jst(10, 1, 0), true},
	} {
		if got := tc.p.Contains(tc.t); got != tc.want {
			t.Errorf("%v.Contains(%v) = %v, want %v", tc.p, tc.t, got, tc.want)
		}
	}
	rs := []bot.Report{{ID: "a", Created: jst(10, 31, 12)}, {ID: "b", Created: jst(11, 2, 12)}, {ID: "c", Created: jst(12, 1, 0)}}
	if got := p.Filter(rs); len(got) != 1 || got[0].ID != "b" {
		t.Errorf("Filter = %+v, want b", got)
	}
}

func TestLabelsAndStatus(t *testing.T) {
	if got := testLabels.Category("over-cap"); got != "見積額が補助金上限より高い" {
		t.Errorf("Category(over-cap) = %q", got)
	}
	if got := testLabels.Category("new-id"); got != "new-id" {
		t.Errorf("an unlabelled id shows as %q, want itself", got)
	}
	if got := (bot.Labels{}).FacilityType("clinic"); got != "clinic" {
		t.Errorf("FacilityType without labels = %q", got)
	}
	if got := bot.CurrentStatus(nil); got != bot.StatusOpen {
		t.Errorf("status of no changes = %q, want open", got)
	}
	h := []bot.StatusChange{{Status: bot.StatusResolved}, {Status: bot.StatusInProgress}}
	if got := bot.CurrentStatus(h); got != bot.StatusInProgress || got.Label() != "対応中" {
		t.Errorf("status after reopening = %q %q", got, got.Label())
	}
}
