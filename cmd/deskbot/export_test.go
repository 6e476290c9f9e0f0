package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"deskbot/bot"
)

// `deskbot export --format csv` writes the archived reports as CSV with a BOM, the ids
// named by the knowledge base's labels; any other format is a usage error.
func TestExport(t *testing.T) {
	ctx := context.Background()
	for _, args := range [][]string{{"export", "--format", "xlsx"}, {"export", "--format=json"}, {"export", "--format"},
		{"export", "--format", "png"}, {"export", "--format", "csv", "--share"}, {"export", "--format", "svg", "--out", "x", "--period", "きのう"}} {
		var stdout, stderr bytes.Buffer
		if code := run(ctx, args, env(), nil, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), "csv") || stdout.Len() != 0 {
			t.Errorf("%v: exit %d, stderr %q; want 2 and a usage error naming csv", args, code, stderr.String())
		}
	}
	var stdout, stderr bytes.Buffer
	if code := run(ctx, []string{"export", "--format", "csv"}, env(), nil, &stdout, &stderr); code != 0 {
		t.Fatalf("export: exit %d: %s", code, stderr.String())
	}
	if want := "\uFEFF" + strings.Join(bot.CSVHeader, ",") + "\r\n"; stdout.String() != want {
		t.Errorf("export of an empty store = %q, want %q", stdout.String(), want)
	}

	a := testApp(t, "export", env())
	r := bot.Report{ID: "R-20221115-0001", Conversation: "line:U1", Created: time.Date(2022, 11, 15, 10, 0, 0, 0, bot.JST),
		Categories: []string{"over-cap", "slow"}, Facility: "さくら内科クリニック", Prefecture: "東京都", FacilityType: "clinic", Details: "見積が高い"}
	if err := a.store.Commit(ctx, bot.Commit{Session: &bot.Session{Conversation: r.Conversation}, Delete: true,
		Notices: []bot.Notice{{ID: r.ID, Kind: bot.NoticeReport, Conversation: r.Conversation, Time: r.Created, Report: &r}}}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := export(ctx, a, exportOptions{format: "csv"}, &out); err != nil {
		t.Fatal(err)
	}
	b := out.Bytes()
	if !bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}) {
		t.Fatalf("export starts % x, want the UTF-8 BOM", b[:3])
	}
	rows, err := csv.NewReader(bytes.NewReader(b[3:])).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("export read back: %d rows, %v", len(rows), err)
	}
	got := strings.Join(rows[1], "|")
	if want := "R-20221115-0001|2022-11-15 10:00|見積額が補助金上限より高い、導入に時間がかかる|さくら内科クリニック|東京都||診療所|見積が高い"; !strings.HasPrefix(got, want) {
		t.Errorf("exported row %q, want it to start %q", got, want)
	}
}

// file commits r as the engine does when a clinic sends a report.
func file(t *testing.T, a *app, r bot.Report) {
	t.Helper()
	if err := a.store.Commit(context.Background(), bot.Commit{Session: &bot.Session{Conversation: r.Conversation}, Delete: true,
		Notices: []bot.Notice{{ID: r.ID, Kind: bot.NoticeReport, Conversation: r.Conversation, Time: r.Created, Report: &r}}}); err != nil {
		t.Fatal(err)
	}
}

// The CSV, the totals and every chart count one set of reports for a period, cut at
// midnight in Japan: a report of 23:59:59 the day before and one of midnight the day
// after are out, whatever the machine's time zone.
func TestExportPeriodIsOneQuery(t *testing.T) {
	ctx := context.Background()
	a := testApp(t, "export", env("DESKBOT_NOW", "2022-11-20T10:00:00+09:00"))
	for i, at := range []time.Time{
		time.Date(2022, 11, 14, 23, 59, 59, 0, bot.JST),
		time.Date(2022, 11, 15, 0, 0, 0, 0, bot.JST),
		time.Date(2022, 11, 15, 23, 59, 59, 0, bot.JST),
		time.Date(2022, 11, 16, 0, 0, 0, 0, bot.JST),
	} {
		file(t, a, bot.Report{ID: fmt.Sprintf("R-%s-%04d", at.Format("20060102"), i), Conversation: fmt.Sprintf("line:U%d", i),
			Created: at.UTC(), Categories: []string{"over-cap"}, Facility: "クリニック", Prefecture: "東京都", FacilityType: "clinic"})
	}
	var csvOut bytes.Buffer
	if err := export(ctx, a, exportOptions{format: "csv", period: "2022-11-15"}, &csvOut); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(csvOut.Bytes()[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[1][0] != "R-20221115-0001" || rows[2][0] != "R-20221115-0002" {
		t.Fatalf("CSV of 2022-11-15: %v, want the two reports of that day", rows)
	}
	set, err := bot.LoadReports(ctx, a.store, bot.Period{From: time.Date(2022, 11, 15, 0, 0, 0, 0, bot.JST), To: time.Date(2022, 11, 16, 0, 0, 0, 0, bot.JST)}, "", time.Now())
	if err != nil || bot.Tally(set.Reports, set.Statuses, a.reportLabels()).Reports != 2 {
		t.Fatalf("the totals' query: %d reports, %v; want 2", len(set.Reports), err)
	}
	dir := t.TempDir()
	var listed bytes.Buffer
	if err := export(ctx, a, exportOptions{format: "svg", out: dir, period: "2022-11-15"}, &listed); err != nil {
		t.Fatal(err)
	}
	paths := strings.Fields(listed.String())
	if len(paths) != 9 {
		t.Fatalf("export listed %d files, want 9: %q", len(paths), listed.String())
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil || !strings.HasSuffix(p, ".svg") {
			t.Fatalf("%s: %v", p, err)
		}
		svg := string(b)
		if !strings.Contains(svg, "2022-11-15") {
			t.Errorf("%s is not titled with the period", p)
		}
		switch {
		case strings.HasSuffix(p, "-category.svg") && !strings.Contains(svg, "報告 2 件"),
			strings.HasSuffix(p, "-status.svg") && !strings.Contains(svg, "報告 2 件の、いまの状態"):
			t.Errorf("%s does not count the day's two reports", p)
		}
	}
}

// --share shows a prefecture's count below 3 as 「3件未満」 in the chart files, and
// --format png writes PNGs.
func TestExportShare(t *testing.T) {
	ctx := context.Background()
	a := testApp(t, "export", env())
	file(t, a, bot.Report{ID: "R-20221115-0001", Conversation: "line:U1", Created: time.Date(2022, 11, 15, 10, 0, 0, 0, bot.JST),
		Categories: []string{"no-vendor"}, Facility: "医院", Prefecture: "高知県", FacilityType: "clinic"})
	for _, share := range []bool{false, true} {
		dir := t.TempDir()
		if err := export(ctx, a, exportOptions{format: "svg", out: dir, share: share}, io.Discard); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(dir, "3-prefectures.svg"))
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(string(b), "3件未満"); got != share {
			t.Errorf("share=%v: 「3件未満」 shown: %v", share, got)
		}
	}
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	if code := run(ctx, []string{"export", "--format", "png", "--out", dir, "--period", "今月"}, env(), nil, &stdout, &stderr); code != 0 {
		t.Fatalf("export png: exit %d: %s", code, stderr.String())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 9 {
		t.Fatalf("%d files in --out, want 9", len(entries))
	}
	for _, e := range entries {
		f, _ := os.Open(filepath.Join(dir, e.Name()))
		_, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Errorf("%s: %v", e.Name(), err)
		}
	}
}
