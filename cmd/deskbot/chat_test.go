package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"deskbot/bot"
)

// env is an environment for run: the given variables and nothing else.
func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

// testApp wires the program as `deskbot name` would, on the embedded store.
func testApp(t *testing.T, name string, getenv func(string) string) *app {
	t.Helper()
	cfg, _, err := LoadConfig("deskbot "+name, nil, getenv, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	a, err := newApp(cfg, name, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// wantInOrder fails unless each of wants appears in out, in that order.
func wantInOrder(t *testing.T, out string, wants ...string) {
	t.Helper()
	rest := out
	for _, w := range wants {
		i := strings.Index(rest, w)
		if i < 0 {
			t.Fatalf("output lacks %q (in order); output:\n%s", w, out)
		}
		rest = rest[i+len(w):]
	}
}

// A scripted terminal session: the menu, a flow, a question in the middle of it, resuming at
// the same step, cancelling — and nothing is left in the store or the outbox.
func TestChatScript(t *testing.T) {
	a := testApp(t, "chat", env("DESKBOT_NOW", "2022-11-15T10:00:00+09:00"))
	script := strings.Join([]string{
		"1",        // 見積チェック
		"１",        // 診療所, typed full-width
		"さくらメディカル", // vendor
		"カードリーダーの申込締切はいつですか？", // a question mid-flow
		"1",    // 見積チェックを続ける
		"できます", // can_do: yes
		"やめる",  // cancel
	}, "\n")
	var out bytes.Buffer
	if err := chat(context.Background(), a, strings.NewReader(script), &out); err != nil {
		t.Fatal(err)
	}
	wantInOrder(t, out.String(),
		"ご用件をお選びください", "[1] 見積チェック", "[4] 窓口に相談",
		"（「見積チェック」を選択）", "施設の種類をお選びください",
		"（「診療所」を選択）", "業者名を教えてください",
		"あなた> さくらメディカル", "導入作業に対応できますか",
		"あなた> カードリーダーの申込締切はいつですか？", "2022年11月30日", "あと15日", "[1] 見積チェックを続ける",
		"「見積チェック」の続きです", "導入作業に対応できますか",
		"あなた> できます", "推奨するカードリーダーの機種",
		"あなた> やめる", "中止しました",
	)
	if strings.Contains(out.String(), "窓口への通知") {
		t.Errorf("a cancelled flow notified the desk:\n%s", out.String())
	}
	l, err := a.store.Load(context.Background(), chatConversation, "")
	if err != nil {
		t.Fatal(err)
	}
	if l.Session.Version != 0 || !l.Session.Empty() {
		t.Errorf("the store keeps the conversation after cancel: version %d, %+v", l.Session.Version, l.Session)
	}
	if ds, _ := a.store.Claim(context.Background(), "t", 10, time.Minute); len(ds) != 0 {
		t.Errorf("outbox holds %d notices after cancel", len(ds))
	}
}

// Desk notifications print in the terminal as such.
func TestChatPrintsDeskNotices(t *testing.T) {
	a := testApp(t, "chat", env())
	script := "窓口\n見積の見方を教えてほしいです\n相談を終える\n"
	var out bytes.Buffer
	if err := chat(context.Background(), a, strings.NewReader(script), &out); err != nil {
		t.Fatal(err)
	}
	wantInOrder(t, out.String(), "ご相談の内容を入力してください", "📣 [窓口への通知] 担当者への相談", "見積の見方を教えてほしいです",
		"担当者とのご相談を終了しました", "📣 [窓口への通知] 相談")
}

// The whole program path, from arguments to exit code, for the terminal chat.
func TestRunChat(t *testing.T) {
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"chat", "--now", "2022-11-15T10:00:00+09:00"}, env(), strings.NewReader("メニュー\n"), &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, errb.String())
	}
	wantInOrder(t, out.String(), "友だち追加ありがとうございます", "あなた> メニュー", "[1] 見積チェック")
}

func TestNoticeSummaryReport(t *testing.T) {
	n := bot.Notice{ID: "R-20221115-0001", Kind: bot.NoticeReport, Report: &bot.Report{ID: "R-20221115-0001",
		Facility: "さくら内科", Prefecture: "東京都", Categories: []string{"over-cap"}, Details: "高い"}}
	got := noticeSummary(n, bot.Labels{Categories: []bot.Choice{{Value: "over-cap", Label: "見積額が補助金上限より高い"}}})
	for _, w := range []string{"R-20221115-0001", "さくら内科", "東京都", "見積額が補助金上限より高い"} {
		if !strings.Contains(got, w) {
			t.Errorf("summary %q lacks %q", got, w)
		}
	}
}
