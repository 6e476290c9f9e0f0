package flows

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"deskbot/bot"
)

// A turn of more messages than LINE takes in one call is fitted by joining plain texts,
// earliest first, never a card or a message with choices; only cards and choices alone
// beyond the limit leave the earliest out.
func TestFit(t *testing.T) {
	card := &bot.Card{Title: "まとめ"}
	ch := []bot.Choice{{Label: "メニュー", Value: "cmd:menu"}}
	for _, tc := range []struct {
		name    string
		in, out []bot.Message
	}{
		{"five stay as they are",
			[]bot.Message{{Text: "1"}, {Text: "2"}, {Card: card}, {Text: "4"}, {Text: "5", Choices: ch}},
			[]bot.Message{{Text: "1"}, {Text: "2"}, {Card: card}, {Text: "4"}, {Text: "5", Choices: ch}}},
		{"seven: the earliest texts joined",
			[]bot.Message{{Text: "1"}, {Text: "2"}, {Text: "3"}, {Card: card}, {Text: "5"}, {Card: card}, {Text: "7", Choices: ch}},
			[]bot.Message{{Text: "1\n\n2\n\n3"}, {Card: card}, {Text: "5"}, {Card: card}, {Text: "7", Choices: ch}}},
		{"a text with choices is not joined to the next",
			[]bot.Message{{Text: "1", Choices: ch}, {Text: "2"}, {Card: card}, {Text: "4"}, {Text: "5"}, {Text: "6", Choices: ch}},
			[]bot.Message{{Text: "1", Choices: ch}, {Text: "2"}, {Card: card}, {Text: "4\n\n5"}, {Text: "6", Choices: ch}}},
		{"cards alone beyond the limit: the latest five",
			[]bot.Message{{Card: card}, {Card: card}, {Card: card}, {Card: card}, {Card: card}, {Text: "6", Choices: ch}},
			[]bot.Message{{Card: card}, {Card: card}, {Card: card}, {Card: card}, {Text: "6", Choices: ch}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if d := cmp.Diff(tc.out, fit(tc.in)); d != "" {
				t.Errorf("fit (-want +got):\n%s", d)
			}
		})
	}
}
