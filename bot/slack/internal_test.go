package slack

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	slackgo "github.com/slack-go/slack"

	"deskbot/bot"
	"deskbot/bot/bottest"
)

func TestPlainText(t *testing.T) {
	for in, want := range map[string]string{
		"こんにちは":                                       "こんにちは",
		"  前後の空白  ":                                   "前後の空白",
		"a &lt;b&gt; &amp; c":                         "a <b> & c",
		"<https://example.jp/a|手引き>を参照":               "手引き（https://example.jp/a）を参照",
		"<https://example.jp/a>":                      "https://example.jp/a",
		"<mailto:desk@example.jp|desk@example.jp> まで": "desk@example.jp まで",
		"<@U123|sato> が担当します":                         "@sato が担当します",
		"<@U123> が担当します":                              "が担当します",
		"<!here> 至急":                                  "至急",
		"<#C123|desk> で共有":                            "#desk で共有",
		"&lt;script&gt; はそのまま文字":                      "<script> はそのまま文字",
	} {
		if got := plainText(in); got != want {
			t.Errorf("plainText(%q) = %q, want %q", in, got, want)
		}
	}
}

// Every message the desk renders is within Block Kit's limits, whatever the clinic typed,
// and nothing the clinic typed becomes a mention, link or broadcast.
func TestRenderWithinLimits(t *testing.T) {
	long := strings.Repeat("長い文章です。", 800)
	r := bot.Report{ID: "R-20221115-0042", Created: time.Now(), Categories: []string{"over-cap", "slow", "no-vendor", "maintenance", "network", "other"},
		Facility: long, Prefecture: "東京都", FacilityType: "clinic", Contact: "<!channel>", Details: "<!channel> <https://evil.example|ここ> & " + long}
	for i := range 30 {
		r.Answers = append(r.Answers, bot.Field{Label: "補足", Value: long[:i*10]})
	}
	var h []bot.StatusChange
	for range 25 {
		h = append(h, bot.StatusChange{Status: bot.StatusInProgress, By: "U1", Name: "sato", At: time.Now()})
	}
	labels := bot.Labels{Categories: []bot.Choice{{Value: "over-cap", Label: strings.Repeat("見積", 40)}}}
	notices := map[string]message{
		"report":   reportMessage(r, h, labels),
		"handoff":  handoffMessage(bot.Notice{Text: long + "<@U0ADMIN>", Context: &bot.HandoffContext{Flow: long, Question: long}}),
		"clinic":   clinicMessage(bot.Notice{Text: long}),
		"closed":   closedMessage(bot.Notice{Time: time.Now()}),
		"no input": reportMessage(bot.Report{ID: "R-1"}, nil, bot.Labels{}),
	}
	for name, m := range notices {
		if utf8.RuneCountInString(m.text) > maxText {
			t.Errorf("%s: text of %d characters", name, utf8.RuneCountInString(m.text))
		}
		for _, b := range m.blocks {
			checkBlock(t, name, b)
		}
		j, _ := json.Marshal(m.blocks)
		all := m.text + "\n" + bottest.SlackMessage{Blocks: j}.Strings()
		for _, bad := range []string{"<!channel>", "<https://evil", "<@U0ADMIN>"} {
			if strings.Contains(all, bad) {
				t.Errorf("%s: %q passed through unescaped", name, bad)
			}
		}
	}
}

func checkBlock(t *testing.T, name string, b slackgo.Block) {
	t.Helper()
	text := func(o *slackgo.TextBlockObject, max int) {
		if o == nil {
			return
		}
		if err := o.Validate(); err != nil || utf8.RuneCountInString(o.Text) > max {
			t.Errorf("%s: %s block text of %d characters: %v", name, b.BlockType(), utf8.RuneCountInString(o.Text), err)
		}
	}
	switch b := b.(type) {
	case *slackgo.HeaderBlock:
		text(b.Text, maxHeader)
	case *slackgo.SectionBlock:
		text(b.Text, maxSection)
		if len(b.Fields) > 10 {
			t.Errorf("%s: %d fields", name, len(b.Fields))
		}
		for _, f := range b.Fields {
			text(f, maxField)
		}
	case *slackgo.ContextBlock:
		for _, e := range b.ContextElements.Elements {
			if o, ok := e.(*slackgo.TextBlockObject); ok {
				text(o, maxSection)
			}
		}
	}
}
