package transcript

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"deskbot/bot"
)

func TestParse(t *testing.T) {
	script := `# a comment

now 2022-11-15T10:00:00+09:00
> [follow]
> 見積チェック
> [tap 診療所]
> [至急] 見てください
> [sticker]
> [event E1] 締め切りは？
> [desk 確認します]
> [desk-close]
> [desk-close another]
> [unfollow]
wait 2h
< words
= flow - -
`
	got, err := Parse(strings.NewReader(script))
	if err != nil {
		t.Fatal(err)
	}
	jst := time.FixedZone("", 9*3600)
	want := []Line{
		{N: 3, Kind: Now, Time: time.Date(2022, 11, 15, 10, 0, 0, 0, jst)},
		{N: 4, Kind: Follow},
		{N: 5, Kind: Type, Text: "見積チェック"},
		{N: 6, Kind: Tap, Text: "診療所"},
		{N: 7, Kind: Type, Text: "[至急] 見てください"},
		{N: 8, Kind: Unsupported, Text: "sticker"},
		{N: 9, Kind: Redelivery, ID: "E1", Text: "締め切りは？"},
		{N: 10, Kind: DeskReply, Text: "確認します"},
		{N: 11, Kind: DeskClose},
		{N: 12, Kind: DeskClose, Text: "another"},
		{N: 13, Kind: Unfollow},
		{N: 14, Kind: Wait, Wait: 2 * time.Hour},
		{N: 15, Kind: Check, Text: "< words"},
		{N: 16, Kind: Check, Text: "= flow - -"},
	}
	opts := []cmp.Option{cmpopts.IgnoreFields(Line{}, "Raw"), cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })}
	if d := cmp.Diff(want, got, opts...); d != "" {
		t.Errorf("Parse (-want +got):\n%s", d)
	}
	for _, l := range got {
		if l.Acts() != (l.Kind != Now && l.Kind != Wait && l.Kind != Check) {
			t.Errorf("line %d: Acts() = %v", l.N, l.Acts())
		}
	}
}

// A malformed line is refused with its number, so a broken script never runs half.
func TestParseRefuses(t *testing.T) {
	for _, line := range []string{"now tomorrow", "wait forever", "> [tap]", "> [follow] hello", "> [event E1]", "> [desk]", "> [desk-close someone]", "> [sticker please]"} {
		_, err := Parse(strings.NewReader("> hello\n" + line + "\n"))
		if err == nil || !strings.Contains(err.Error(), "line 2") {
			t.Errorf("Parse(%q) = %v, want an error naming line 2", line, err)
		}
	}
}

func TestRender(t *testing.T) {
	var b strings.Builder
	Render(&b, []bot.Message{
		{Text: "一行目\n二行目"},
		{Card: &bot.Card{Title: "まとめ", Rows: []bot.Field{{Label: "業者", Value: "A\nB"}}, Notes: []string{"注意"}}},
		{Text: "次は？", Choices: []bot.Choice{{Label: "はい", Value: "y"}, {Label: "いいえ", Value: "n"}}},
	})
	want := `deskbot: 一行目
         二行目
deskbot: ┌ まとめ
         │ 業者：A
         │   B
         │ ⚠ 注意
         └
deskbot: 次は？
         [1] はい
         [2] いいえ
`
	if d := cmp.Diff(want, b.String()); d != "" {
		t.Errorf("Render (-want +got):\n%s", d)
	}
}

// Whatever an exported conversation holds, Parse answers lines or an error, never a
// panic, and a typed line reads back as what was typed.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"> [tap 診療所]\n", "now 2022-11-15T10:00:00+09:00\n> hi\n", "> [event x] y\n", "> [\n", "> [desk-close another]\n", "wait 1h\n< x\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		lines, err := Parse(strings.NewReader(s))
		if err != nil {
			return
		}
		for _, l := range lines {
			if l.Kind == Type && !strings.HasPrefix(l.Raw, "> ") && l.Raw != ">" {
				t.Errorf("typed line %q does not start with \"> \"", l.Raw)
			}
			if l.Kind == Type {
				again, err := Parse(strings.NewReader("> " + l.Text + "\n"))
				if err != nil || len(again) != 1 || again[0].Kind != Type || again[0].Text != l.Text {
					t.Errorf("typed text %q does not read back: %+v %v", l.Text, again, err)
				}
			}
		}
	})
}
