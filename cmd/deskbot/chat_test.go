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
		"（「診療所」を選択）", "業者の名前を教えてください",
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

// Both flows can be completed by typing alone — no number is typed, so no choice is tapped:
// the quote checklist to its summary, the obstacle report pre-filled from it, a change on
// the confirmation screen, the send; then a report from the menu. Each report reaches the
// desk, printed as such.
func TestChatCompletesFlowsByTyping(t *testing.T) {
	a := testApp(t, "chat", env("DESKBOT_NOW", "2022-11-15T10:00:00+09:00"))
	script := strings.Join([]string{
		"見積チェック",
		"診療所です",
		"さくらメディカル",
		"対応できるそうです",
		"推奨はない",
		"約50万円",
		"月額1万5千円",
		"LANの配線",
		"端末の設置と設定",
		"2023年6月",
		"障害を報告する", // the summary's offer, typed
		"見積が補助金の上限を超えています。",
		"締め切りはいつですか？", // a question in the middle…
		"続ける",         // …and back to the report
		"さくら内科",
		"東京",
		"1310110049",
		"03-1234-5678",
		"同意します",
		"修正する",
		"連絡先",
		"なし",
		"送信する",
		// A report from the menu.
		"障害を報告",
		"地域に業者が見つからない",
		"選択を終える",
		"北海道〇〇町",
		"なし",
		"近くに対応できる業者がいません。",
		"〇〇町診療所",
		"北海道",
		"なし",
		"診療所",
		"なし",
		"同意する",
		"送信する",
	}, "\n")
	var out bytes.Buffer
	if err := chat(context.Background(), a, strings.NewReader(script), &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	wantInOrder(t, got,
		"施設の種類をお選びください", "業者の名前を教えてください", "導入作業に対応できますか",
		"見積チェックのまとめ（さくらメディカル）", "⚠ 導入費用（約50万円）が、補助金の上限額（42万9,000円）を超えています",
		"[1] 障害を報告する",
		"あなた> 障害を報告する", "入力しておきました", "状況を詳しく教えてください",
		"施設名を教えてください", "あなた> 締め切りはいつですか？", "[1] 障害の報告を続ける",
		"あなた> 続ける", "施設名を教えてください",
		"ご報告の内容", "連絡先：0312345678", "あなた> 修正する", "どの項目を修正しますか",
		"あなた> 連絡先", "あなた> なし", "連絡先：（なし）",
		"あなた> 送信する", "受付番号は R-20221115-0001 です",
		"📣 [窓口への通知] 障害の報告 R-20221115-0001：さくら内科（東京都・診療所）見積額が補助金上限より高い、導入に時間がかかる コード=1310110049",
		"[見積チェック] 業者：さくらメディカル",
		"あなた> 障害を報告", "当てはまるものをすべてお選びください",
		"受付番号は R-20221115-0002 です",
		"📣 [窓口への通知] 障害の報告 R-20221115-0002：〇〇町診療所（北海道・診療所）地域に業者が見つからない",
	)
	if strings.Contains(got, "を選択）") {
		t.Errorf("a choice was tapped by number; the script should type only:\n%s", got)
	}
	for _, bad := range []string{"うまく読み取れませんでした", "前の質問のもの"} {
		if strings.Contains(got, bad) {
			t.Errorf("the chat did not understand a typed answer (%q):\n%s", bad, got)
		}
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
