package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"deskbot/bot"
)

// `deskbot export --format csv` writes the archived reports as CSV with a BOM, the ids
// named by the knowledge base's labels; any other format is a usage error.
func TestExport(t *testing.T) {
	ctx := context.Background()
	for _, args := range [][]string{{"export", "--format", "xlsx"}, {"export", "--format=json"}, {"export", "--format"}} {
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
	if err := export(ctx, a, &out); err != nil {
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
