package line

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"deskbot/bot"
)

// sdkText is the reference: a text message with quick replies built from the SDK's types,
// as Render built every message before.
func sdkText(m bot.Message) messaging_api.MessageInterface {
	var qr *messaging_api.QuickReply
	if len(m.Choices) > 0 {
		qr = &messaging_api.QuickReply{Items: []messaging_api.QuickReplyItem{}}
		for _, c := range m.Choices[:min(len(m.Choices), maxQuickReplies)] {
			if len(c.Value) > maxPostbackData {
				continue
			}
			qr.Items = append(qr.Items, messaging_api.QuickReplyItem{Type: "action",
				Action: &messaging_api.PostbackAction{Label: clip(c.Label, maxQuickLabel), Data: c.Value, DisplayText: c.Label}})
		}
	}
	return &messaging_api.TextMessage{Text: clip(m.Text, maxText), QuickReply: qr}
}

// decoded is what a JSON reader makes of the request the SDK's client sends for msgs.
func decoded(t *testing.T, msgs []messaging_api.MessageInterface) any {
	t.Helper()
	b, err := json.Marshal(&messaging_api.ReplyMessageRequest{ReplyToken: "nHuyWiB7yP5Zw52FIkcQobQuGDXCTA", Messages: msgs})
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return v
}

// The text messages Render writes from plain structs are, byte for byte once decoded,
// what the SDK's TextMessage sends: every text, every kind of choice list, a long text in
// parts.
func TestRenderTextMatchesSDK(t *testing.T) {
	many := func(n int, label, value string) []bot.Choice {
		var cs []bot.Choice
		for i := range n {
			cs = append(cs, bot.Choice{Label: label + strings.Repeat("あ", i%3), Value: value + string(rune('a'+i))})
		}
		return cs
	}
	texts := []string{"はい", "「見積チェック」を始めます。\n施設の種類を選んでください。", `<b>&"quotes"\ and \u0000</b>`,
		"😀 emoji \u2028 line separator", strings.Repeat("長", maxText+10), ""}
	choices := [][]bot.Choice{nil, {}, many(1, "診療所", "facility:clinic"), many(4, "メニュー", "menu:"),
		many(13, "x", "v"), many(20, "選択肢", "c"),
		{{Label: strings.Repeat("長いラベル", 10), Value: "long-label"}},
		{{Label: "", Value: "empty-label"}, {Label: "空の値", Value: ""}},
		{{Label: "大きすぎる値", Value: strings.Repeat("v", maxPostbackData+1)}, {Label: "ちょうど", Value: strings.Repeat("v", maxPostbackData)}},
		{{Label: `<&">`, Value: `{"json":"in a value"}`}},
		{{Label: "どれも大きすぎる", Value: strings.Repeat("v", maxPostbackData+1)}}}
	n := 0
	for _, text := range texts {
		for _, cs := range choices {
			if text == "" {
				continue
			}
			m := bot.Message{Text: text, Choices: cs}
			got, err := Render([]bot.Message{m})
			if err != nil {
				t.Fatal(err)
			}
			// A text over LINE's limit goes in parts, the choices on the last.
			var want []messaging_api.MessageInterface
			parts := split(text, maxText)
			for i, p := range parts {
				part := bot.Message{Text: p}
				if i == len(parts)-1 {
					part.Choices = cs
				}
				want = append(want, sdkText(part))
			}
			if diff := cmp.Diff(decoded(t, want), decoded(t, got)); diff != "" {
				t.Errorf("Render(%.40q, %d choices) differs from the SDK's message (-SDK +lean):\n%s", text, len(cs), diff)
			}
			checkReplyBody(t, got)
			n++
		}
	}
	// Several messages in one request, a card among them: the card is still the SDK's.
	card := &bot.Card{Title: "見積チェックの結果", Rows: []bot.Field{{Label: "業者", Value: "さくらシステム"}}}
	msgs := []bot.Message{{Text: "一つ目"}, {Card: card, Choices: many(2, "続ける", "go")}, {Text: "三つ目", Choices: many(3, "はい", "y")}}
	got, err := Render(msgs)
	if err != nil {
		t.Fatal(err)
	}
	fm, err := flex(card)
	if err != nil {
		t.Fatal(err)
	}
	fm.QuickReply = sdkText(bot.Message{Text: "-", Choices: msgs[1].Choices}).(*messaging_api.TextMessage).QuickReply
	want := []messaging_api.MessageInterface{sdkText(msgs[0]), fm, sdkText(msgs[2])}
	if diff := cmp.Diff(decoded(t, want), decoded(t, got)); diff != "" {
		t.Errorf("a request of three messages differs from the SDK's (-SDK +lean):\n%s", diff)
	}
	checkReplyBody(t, got)
	if n < 50 {
		t.Fatalf("only %d cases compared", n)
	}
}

// checkReplyBody checks that appendReply writes for msgs, byte for byte, the body the
// SDK's client sends.
func checkReplyBody(t *testing.T, msgs []messaging_api.MessageInterface) {
	t.Helper()
	const token = "nHuyWiB7yP5Zw52FIkcQobQuGDXCTA"
	var want bytes.Buffer
	if err := json.NewEncoder(&want).Encode(&messaging_api.ReplyMessageRequest{ReplyToken: token, Messages: msgs}); err != nil {
		t.Fatal(err)
	}
	got, err := appendReply(nil, token, msgs)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Errorf("reply body differs from the SDK's:\n got %s\nwant %s", got, want.Bytes())
	}
}

// The reply body appendReply writes is the SDK's for any text and choice, valid UTF-8
// or not.
func FuzzAppendReply(f *testing.F) {
	f.Add("はい", "診療所", "facility:clinic", "reply-1")
	f.Add(`<b>&"quotes"\ and \u0000</b>`, "\u2028\u2029\x7f", "\b\f\n\r\t\x01\x1f", "\xff\xfe")
	f.Add("😀 \xe2\x80", "", "", "")
	f.Fuzz(func(t *testing.T, text, label, value, token string) {
		msgs, err := Render([]bot.Message{{Text: text, Choices: []bot.Choice{{Label: label, Value: value}, {Label: value, Value: label}}}})
		if err != nil {
			t.Fatal(err)
		}
		checkReplyBody(t, msgs)
		checkReplyBody(t, append(msgs, &textMessage{Type: "text", Text: token, QuickReply: &quickReply{}}))
	})
}

// replySink keeps the bodies BenchmarkRenderReply writes on the heap, as a request's are.
var replySink []byte

func BenchmarkRenderReply(b *testing.B) {
	msgs := []bot.Message{{Text: "施設の種類を選んでください。", Choices: []bot.Choice{{Label: "診療所", Value: "clinic"},
		{Label: "病院", Value: "hospital"}, {Label: "メニュー", Value: "menu"}, {Label: "やめる", Value: "cancel"}}}}
	encode := func(b *testing.B, out []messaging_api.MessageInterface) {
		if _, err := json.Marshal(&messaging_api.ReplyMessageRequest{ReplyToken: "t", Messages: out}); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("sdk", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			encode(b, []messaging_api.MessageInterface{sdkText(msgs[0])})
		}
	})
	b.Run("lean", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			out, _ := Render(msgs)
			var err error
			if replySink, err = appendReply(nil, "t", out); err != nil {
				b.Fatal(err)
			}
		}
	})
}
