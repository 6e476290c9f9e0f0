package web_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"deskbot/bot"
	"deskbot/bot/bottest"
	"deskbot/bot/web"
	"deskbot/flows"
	"deskbot/flows/kb"
	"deskbot/store"
)

// A session in the emulator — a checklist walked by tapping, a report filed from the menu
// bar, an FAQ, a handoff answered and closed by the desk, the clock changed on the way —
// downloads as a transcript that replays green on a fresh engine, the way
// flows/testdata/transcripts are run.
func TestTranscriptReplays(t *testing.T) {
	e := newEmulator(t, web.Config{})
	session(t, e, clinicA)
	code, body := e.do("GET", "/emulator/api/transcript?clinic="+clinicA, "", nil)
	if code != 200 {
		t.Fatalf("transcript: %d %s", code, body)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "emulator.txt")
	if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	if keep := os.Getenv("DESKBOT_TRANSCRIPT"); keep != "" { // to run it through flows' own runner
		if err := os.WriteFile(keep, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range []string{
		"now 2026-12-02T09:00:00+09:00\n> [follow]\n< 友だち追加ありがとうございます。",
		"now 2022-11-15T10:00:00+09:00\n> [tap 見積チェック]\n",
		"<? 診療所\n<? 病院\n",
		"# tapped 「障害を報告」 outside the choices offered\n> 障害を報告\n",
		`<~ ご報告を受け付けました。受付番号は R-\d{8}-\d{4} です`,
		"> [desk 担当の山田です。 業者名を教えていただけますか。]\n< 窓口の担当者からの返信です。\n",
		"> [desk-close]\n< 窓口の担当者がご相談を終了しました",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the transcript lacks %q", want)
		}
	}
	// The transcript's inputs are the session's, in order.
	var inputs []string
	for _, l := range strings.Split(body, "\n") {
		if a, ok := strings.CutPrefix(l, "> "); ok {
			inputs = append(inputs, a)
		}
	}
	if want := sessionInputs(); !slices.Equal(inputs, want) {
		t.Errorf("inputs of the transcript:\n%q\nwant\n%q", inputs, want)
	}
	replay(t, file)
}

// sessionActions is what the session does; an empty Kind means a date for the clock.
var sessionActions = []web.Input{
	{Kind: "follow"},
	{Now: "2022-11-15"},
	{Kind: "tap", Label: "見積チェック"},
	{Kind: "tap", Label: "診療所"},
	{Kind: "text", Text: "さくらメディカル"},
	{Kind: "tap", Label: "対応できる"},
	{Kind: "tap", Label: "推奨はない"},
	{Kind: "text", Text: "50万円"},
	{Kind: "text", Text: "月額1万5千円"},
	{Kind: "text", Text: "LANの配線"},
	{Kind: "text", Text: "端末の設置"},
	{Kind: "text", Text: "2023年6月"},
	{Kind: "tap", Label: "障害を報告"}, // the menu bar: not among the choices offered
	{Kind: "tap", Label: "その他"},
	{Kind: "tap", Label: "選択を終える"},
	{Kind: "text", Text: "業者から連絡がありません"},
	{Kind: "text", Text: "さくら内科"},
	{Kind: "text", Text: "東京都"},
	{Kind: "tap", Label: "なし・スキップ"},
	{Kind: "tap", Label: "診療所"},
	{Kind: "tap", Label: "なし・スキップ"},
	{Kind: "tap", Label: "同意する"},
	{Kind: "tap", Label: "送信する"},
	{Kind: "text", Text: "カードリーダーの申込の締め切りはいつ？"},
	{Kind: "text", Text: "窓口"},
	{Kind: "text", Text: "業者から見積が届きません"},
	{Kind: "desk", Text: "担当の山田です。\n業者名を教えていただけますか。"},
	{Kind: "text", Text: "さくらメディカルです"},
	{Kind: "desk-close"},
}

func sessionInputs() []string {
	var out []string
	for _, a := range sessionActions {
		switch a.Kind {
		case "":
		case "follow":
			out = append(out, "[follow]")
		case "tap":
			if a.Label == "障害を報告" {
				out = append(out, a.Label)
			} else {
				out = append(out, "[tap "+a.Label+"]")
			}
		case "text":
			out = append(out, a.Text)
		case "desk":
			out = append(out, "[desk "+strings.ReplaceAll(a.Text, "\n", " ")+"]")
		case "desk-close":
			out = append(out, "[desk-close]")
		}
	}
	return out
}

// session plays sessionActions in clinic's tab as the page does: taps pick the value of
// the label among the choices last offered, or on the menu bar.
func session(t *testing.T, e *emulator, clinic string) {
	t.Helper()
	for _, a := range sessionActions {
		a.Clinic = clinic
		switch a.Kind {
		case "":
			e.post("clock", a)
			continue
		case "tap":
			f := e.feed(clinic, 0)
			v, ok := f.lastChoices()[a.Label]
			for _, m := range f.Menu {
				if !ok && m.Label == a.Label {
					v, ok = m.Value, true
				}
			}
			if !ok {
				t.Fatalf("no choice %q offered; the bot said:\n%s", a.Label, f.botText())
			}
			a.Value = v
		}
		e.post("send", a)
		e.drain()
	}
}

// replay runs a transcript the way flows' transcript runner does, for the lines an export
// holds: an engine with the embedded knowledge on a memory store whose clock the `now`
// lines set, each `>` line an event of one conversation, each expectation checked against
// the reply of the last event.
func replay(t *testing.T, file string) {
	t.Helper()
	k, err := flows.Load(kb.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	clock := bottest.NewClock(time.Date(2022, 11, 15, 10, 0, 0, 0, bot.JST))
	st := store.NewMemory(clock.Now)
	engine := bot.NewEngine(bot.Config{Store: st, Brain: flows.NewDesk(k), Now: clock.Now, TTL: 168 * time.Hour})
	var reply, offered []bot.Choice
	var msgs []bot.Message
	thread := ""
	send := func(ev bot.Event) {
		ev.Conversation = "line:Ureplay"
		out, err := engine.Handle(context.Background(), ev)
		if err != nil {
			t.Fatal(err)
		}
		msgs, reply = out, nil
		for _, m := range out {
			if len(m.Choices) > 0 {
				offered, reply = m.Choices, m.Choices
			}
		}
		ds, _ := st.Claim(context.Background(), "replay", 100, time.Hour)
		for _, d := range ds {
			if d.Kind == bot.NoticeHandoff {
				thread = d.Thread
			}
			st.Ack(context.Background(), d)
		}
	}
	said := func() string {
		var b strings.Builder
		for _, m := range msgs {
			if m.Card != nil {
				b.WriteString(m.Card.Text + "\n")
			}
			b.WriteString(m.Text + "\n")
		}
		return b.String()
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		op, arg, _ := strings.Cut(line, " ")
		arg = strings.TrimSpace(arg)
		fail := func(format string, args ...any) {
			t.Fatalf("replay line %d %q: %s\nthe bot said:\n%s", n, line, fmt.Sprintf(format, args...), said())
		}
		switch op {
		case "now":
			ts, err := time.Parse(time.RFC3339, arg)
			if err != nil {
				fail("%v", err)
			}
			clock.Set(ts)
		case ">":
			switch {
			case arg == "[follow]":
				send(bot.Event{Kind: bot.FollowEvent})
			case strings.HasPrefix(arg, "[tap ") && strings.HasSuffix(arg, "]"):
				label := strings.TrimSuffix(strings.TrimPrefix(arg, "[tap "), "]")
				i := slices.IndexFunc(offered, func(c bot.Choice) bool { return c.Label == label })
				if i < 0 {
					fail("no choice %q offered", label)
				}
				send(bot.Event{Kind: bot.ChoiceEvent, Text: offered[i].Value})
			case strings.HasPrefix(arg, "[desk ") && strings.HasSuffix(arg, "]"):
				send(bot.Event{Kind: bot.DeskReplyEvent, Text: strings.TrimSuffix(strings.TrimPrefix(arg, "[desk "), "]")})
			case arg == "[desk-close]":
				send(bot.Event{Kind: bot.DeskCloseEvent, Text: thread})
			default:
				send(bot.Event{Kind: bot.TextEvent, Text: arg})
			}
		case "<":
			if !strings.Contains(said(), arg) {
				fail("reply does not contain it")
			}
		case "<~":
			if !regexp.MustCompile(arg).MatchString(said()) {
				fail("reply does not match it")
			}
		case "<?":
			if !slices.ContainsFunc(reply, func(c bot.Choice) bool { return c.Label == arg }) {
				fail("reply does not offer it")
			}
		default:
			fail("not a line an export writes")
		}
	}
}
