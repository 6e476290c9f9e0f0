package web_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"deskbot/bot/web"
)

// The rehearsal clock is the tab's own: the same question gets the answer of the day each
// tab is set to, and a tab without a date has the server's clock.
func TestRehearsalClock(t *testing.T) {
	e := newEmulator(t, web.Config{})
	ask := func(clinic string) string {
		t.Helper()
		before := e.feed(clinic, 0).Next - 1
		e.post("send", web.Input{Clinic: clinic, Kind: "text", Text: "補助金を受けるには、いつまでに何をすればいいですか"})
		return e.feed(clinic, before).botText()
	}
	e.post("clock", web.Input{Clinic: clinicA, Now: "2022-11-15"})
	f := e.feed(clinicA, 0)
	if f.Now != "2022-11-15T10:00:00+09:00" || !f.Rehearsal {
		t.Errorf("tab A's clock: %s rehearsal=%v", f.Now, f.Rehearsal)
	}
	inTime := ask(clinicA)
	if f := e.feed(clinicB, 0); f.Now != "2026-12-02T09:00:00+09:00" || f.Rehearsal {
		t.Errorf("tab B's clock: %s rehearsal=%v", f.Now, f.Rehearsal)
	}
	late := ask(clinicB)
	e.post("clock", web.Input{Clinic: clinicA, Now: "2023-04-01T09:30"})
	afterDeadline := ask(clinicA)
	t.Logf("on 2022-11-15:\n%s\non 2023-04-01:\n%s\ntoday:\n%s", inTime, afterDeadline, late)
	if !strings.Contains(inTime, "あと46日") || strings.Contains(inTime, "締切済み") {
		t.Errorf("on 2022-11-15 the answer counts no days left:\n%s", inTime)
	}
	if !strings.Contains(afterDeadline, "2023年4月1日（令和5年4月1日）時点") || !strings.Contains(afterDeadline, "締切済み") || strings.Contains(afterDeadline, "あと") {
		t.Errorf("on 2023-04-01 the answer is not of that day:\n%s", afterDeadline)
	}
	if !strings.Contains(late, "2026年12月2日（令和8年12月2日）時点") {
		t.Errorf("tab B's answer is not of the server's day:\n%s", late)
	}
	e.post("clock", web.Input{Clinic: clinicA, Now: ""})
	if f := e.feed(clinicA, 0); f.Now != "2026-12-02T09:00:00+09:00" || f.Rehearsal {
		t.Errorf("tab A back on the server's clock: %s rehearsal=%v", f.Now, f.Rehearsal)
	}
}

// The desk pane's box answers in the handoff thread through the engine, as a reply in
// the Slack thread does: the clinic reads it in the chat, and closing ends the handoff.
func TestDeskAnswersInThread(t *testing.T) {
	e := newEmulator(t, web.Config{})
	e.post("send", web.Input{Clinic: clinicA, Kind: "follow"})
	menu := e.feed(clinicA, 0).lastChoices()
	e.post("send", web.Input{Clinic: clinicA, Kind: "tap", Label: "窓口に相談", Value: menu["窓口に相談"]})
	e.post("send", web.Input{Clinic: clinicA, Kind: "text", Text: "業者から見積が届きません"})
	e.drain()
	f := e.feed(clinicA, 0)
	if !f.Open || f.Thread == "" {
		t.Fatalf("no handoff open after the clinic asked: %+v", f)
	}
	before := f.Next - 1
	e.post("send", web.Input{Clinic: clinicA, Kind: "desk", Text: "担当の山田です。\n業者名を教えていただけますか。"})
	f = e.feed(clinicA, before)
	if got := f.botText(); !strings.Contains(got, "窓口の担当者からの返信です。") || !strings.Contains(got, "業者名を教えていただけますか。") {
		t.Errorf("the clinic read:\n%s", got)
	}
	e.post("send", web.Input{Clinic: clinicA, Kind: "desk-close"})
	f = e.feed(clinicA, 0)
	if f.Open || !strings.Contains(f.botText(), "窓口の担当者がご相談を終了しました") {
		t.Errorf("after closing: open=%v\n%s", f.Open, f.botText())
	}
}

// BenchmarkSend measures one clinic message through the emulator's API: decode, the
// engine's turn on the memory store, the feed updated, the answer.
func BenchmarkSend(b *testing.B) {
	e := newEmulator(b, web.Config{})
	body := []byte(`{"clinic":"` + clinicA + `","kind":"text","text":"締め切りはいつ？"}`)
	b.ReportAllocs()
	for b.Loop() {
		req, _ := http.NewRequest("POST", e.srv.URL+"/emulator/api/send", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := e.srv.Client().Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
}
