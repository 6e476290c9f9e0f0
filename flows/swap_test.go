package flows_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"deskbot/bot"
	"deskbot/flows"
)

// A knowledge base edited between two turns may drop the question a clinic is at: the
// conversation goes on at the next question not answered, with the answers kept, and
// nothing of the old question is offered.
func TestSwapDropsCurrentQuestion(t *testing.T) {
	k := embedded(t)
	k2, err := flows.Load(withFile(t, "flows/checklist.yaml", func(s string) string {
		return regexp.MustCompile(`(?s)\n    - id: work_clinic\n.*?\n\n`).ReplaceAllString(s, "\n")
	}))
	if err != nil {
		t.Fatal(err)
	}

	d := flows.NewBrain(k)
	now := time.Date(2022, 11, 15, 10, 0, 0, 0, bot.JST)
	s := &bot.Session{Conversation: "line:Uswap", Frame: bot.Frame{Flow: "checklist", Step: "work_clinic",
		Answers: map[string]string{"facility_type": "clinic", "vendor": "A", "can_do": "yes", "model": "none", "cost_intro": "unknown", "cost_maint": "unknown"},
		Trail:   []string{"facility_type", "vendor", "can_do", "model", "cost_intro", "cost_maint"}}}
	d.Swap(k2)
	o, err := d.Decide(context.Background(), bot.NewTurn(bot.Event{Kind: bot.TextEvent, Text: "まだわからない"}, s, now, nil))
	if err != nil {
		t.Fatal(err)
	}
	var said strings.Builder
	for _, m := range o.Messages {
		said.WriteString(m.Text + "\n")
	}
	if s.Step != "start" || s.Answers["work_vendor"] != "unknown" || s.Answers["vendor"] != "A" {
		t.Errorf("after the edit the session is at %q with %v; want work_vendor answered, at start", s.Step, s.Answers)
	}
	if !strings.Contains(said.String(), "運用開始はいつごろ") || strings.Contains(said.String(), "医療機関側で必要な作業") {
		t.Errorf("reply:\n%s", said.String())
	}
}
