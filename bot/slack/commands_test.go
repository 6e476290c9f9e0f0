package slack_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"deskbot/bot"
	"deskbot/bot/bottest"
)

// fileReports files four reports, three of them in November 2022, and sets two statuses.
func (f *fixture) fileReports() {
	f.t.Helper()
	day := func(d, m int) time.Time { return time.Date(2022, time.Month(m), d, 9, 0, 0, 0, bot.JST) }
	f.file(report("R-20221101-0001", "line:U1", day(1, 11), "東京都", "over-cap", "slow"))
	f.file(report("R-20221102-0001", "line:U2", day(2, 11), "大阪府", "no-vendor"))
	f.file(report("R-20221115-0001", "line:U3", day(15, 11), "東京都", "over-cap"))
	f.file(report("R-20221020-0001", "line:U4", day(20, 10), "北海道", "network", "other"))
	for id, st := range map[string]bot.Status{"R-20221102-0001": bot.StatusResolved, "R-20221115-0001": bot.StatusInProgress} {
		if _, err := f.store.AddStatus(ctx, id, bot.StatusChange{Status: st, By: "U2SUZUKI", Name: "suzuki", At: f.clock.Now()}); err != nil {
			f.t.Fatal(err)
		}
	}
}

// answer is a command's answer: its visibility and everything it shows.
func (f *fixture) answer(text string) (string, string) {
	f.t.Helper()
	code, body := f.send("commands", command(f.slack.Team, channel, "U1SATO", text), secret, time.Now())
	if code != http.StatusOK {
		f.t.Fatalf("/deskbot %s: %d %q", text, code, body)
	}
	var m struct {
		ResponseType string          `json:"response_type"`
		Text         string          `json:"text"`
		Blocks       json.RawMessage `json:"blocks"`
	}
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		f.t.Fatalf("answer %q: %v", body, err)
	}
	return m.ResponseType, m.Text + "\n" + bottest.SlackMessage{Blocks: m.Blocks}.Strings()
}

// 集計 counts the period's reports by category, prefecture and status, for the channel.
func TestTotalsCommand(t *testing.T) {
	f := newFixture(t)
	f.fileReports()
	visibility, shown := f.answer("集計 2022-11")
	if visibility != "in_channel" {
		t.Errorf("totals shown %s, want in_channel", visibility)
	}
	for _, want := range []string{
		"集計 2022-11-01〜2022-11-30：3 件",
		"地域に業者が見つからない：1\n見積額が補助金上限より高い：2\n保守料が高い：0\n導入に時間がかかる：1\n適切な回線が見つからない：0\nその他：0",
		"東京都：2\n大阪府：1",
		"未対応：1\n対応中：1\n解決済み：1",
	} {
		if !strings.Contains(shown, want) {
			t.Errorf("totals lack %q:\n%s", want, shown)
		}
	}
	if _, all := f.answer("集計"); !strings.Contains(all, "全期間：4 件") || !strings.Contains(all, "北海道：1") {
		t.Errorf("totals of all time:\n%s", all)
	}
}

// 一覧 lists the reports not resolved.
func TestListCommand(t *testing.T) {
	f := newFixture(t)
	f.fileReports()
	visibility, shown := f.answer("一覧")
	if visibility != "ephemeral" || !strings.Contains(shown, "未解決の報告 全期間：3 件") {
		t.Fatalf("list (%s):\n%s", visibility, shown)
	}
	for _, id := range []string{"R-20221101-0001", "R-20221115-0001", "R-20221020-0001"} {
		if !strings.Contains(shown, id) {
			t.Errorf("open report %s not listed", id)
		}
	}
	if strings.Contains(shown, "R-20221102-0001") {
		t.Error("a resolved report is listed")
	}
}

// csv uploads the reports of the period to the channel as UTF-8 CSV with a BOM, and the
// Japanese text reads back intact.
func TestCSVCommand(t *testing.T) {
	f := newFixture(t)
	f.fileReports()
	if visibility, shown := f.answer("csv 2022-11"); visibility != "ephemeral" || !strings.Contains(shown, "3 件") {
		t.Fatalf("csv answer (%s): %s", visibility, shown)
	}
	waitFor(t, f.slack, "files.completeUploadExternal")
	files := f.slack.Files()
	if len(files) != 1 || !files[0].Shared || files[0].Channel != channel || !strings.HasSuffix(files[0].Name, ".csv") {
		t.Fatalf("files %+v, want one CSV shared to %s", files, channel)
	}
	if !strings.Contains(files[0].Comment, "<@U1SATO>") {
		t.Errorf("comment %q does not say who asked", files[0].Comment)
	}
	b := files[0].Content
	if !bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}) {
		t.Fatalf("CSV starts % x, want the UTF-8 BOM", b[:min(len(b), 3)])
	}
	rows, err := csv.NewReader(bytes.NewReader(b[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	row := func(id, created, cats, pref, state, by, at string) []string {
		return []string{id, created, cats, "さくら内科クリニック", pref, "1310110049", "診療所", "見積が補助金の上限を超えています。",
			"見積額: 65万円", "", "03-1234-5678", state, by, at}
	}
	want := [][]string{
		bot.CSVHeader,
		row("R-20221101-0001", "2022-11-01 09:00", "見積額が補助金上限より高い、導入に時間がかかる", "東京都", "未対応", "", ""),
		row("R-20221102-0001", "2022-11-02 09:00", "地域に業者が見つからない", "大阪府", "解決済み", "suzuki", "2022-11-15 10:00"),
		row("R-20221115-0001", "2022-11-15 09:00", "見積額が補助金上限より高い", "東京都", "対応中", "suzuki", "2022-11-15 10:00"),
	}
	if d := cmp.Diff(want, rows); d != "" {
		t.Fatalf("uploaded CSV (-want +got):\n%s", d)
	}
}

// A failed upload is told to the staff member who asked.
func TestCSVCommandUploadFails(t *testing.T) {
	f := newFixture(t)
	f.slack.Fail("files.getUploadURLExternal", bottest.SlackFailure{Status: 500})
	f.answer("csv")
	r := waitFor(t, f.slack, "chat.postEphemeral")
	if q := r.Form(); q.Get("user") != "U1SATO" || !strings.Contains(q.Get("text"), "失敗") {
		t.Fatalf("ephemeral %v", q)
	}
}

// The command answers only in the desk channel of the desk's workspace; anything it does
// not know gets the usage.
func TestCommandRefusalsAndUsage(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct{ name, team, channel, reason string }{
		{"another channel", f.slack.Team, "C0OTHER", "窓口チャンネル"},
		{"another workspace", "T0OTHER", channel, "ワークスペース"},
	} {
		code, body := f.send("commands", command(tc.team, tc.channel, "U1SATO", "csv"), secret, time.Now())
		if code != http.StatusForbidden || !strings.Contains(body, tc.reason) {
			t.Errorf("%s: %d %q, want 403 saying %q", tc.name, code, body, tc.reason)
		}
	}
	for text, want := range map[string]string{
		"":              "使い方",
		"ヘルプ":           "使い方",
		"削除":            "「削除」はわかりませんでした",
		"集計 2022-13":    "期間がわかりませんでした",
		"集計　先月":         "集計 2022-10-01〜2022-10-31", // a 全角 space
		"一覧 2023-01-01": "未解決の報告はありません",
	} {
		if _, shown := f.answer(text); !strings.Contains(shown, want) {
			t.Errorf("/deskbot %q:\n%s\nwant %q", text, shown, want)
		}
	}
	if n := len(f.slack.Files()); n != 0 {
		t.Errorf("refused commands uploaded %d files", n)
	}
}

// waitFor waits for a call of method to reach the fake and returns it.
func waitFor(t *testing.T, api *bottest.SlackAPI, method string) bottest.Request {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case r := <-api.Received:
			if r.Path == "/api/"+method {
				return r
			}
		case <-timeout:
			t.Fatalf("no %s call", method)
		}
	}
}
