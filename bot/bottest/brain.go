package bottest

import (
	"context"
	"fmt"

	"deskbot/bot"
)

// Checklist is a brain for benchmarks: it walks a conversation through a ten-question
// flow, keeping the answers and the trail, and starts again, so sessions stay the size
// of a real checklist's.
type Checklist struct{}

// Decide implements bot.Brain.
func (Checklist) Decide(_ context.Context, t *bot.Turn) (bot.Outcome, error) {
	s := t.Session
	s.Flow = "checklist"
	n := len(s.Answers)
	if n == 10 {
		s.End()
		n = 0
	}
	s.Set(fmt.Sprint("q", n), t.Event.Text)
	s.Trail = append(s.Trail, fmt.Sprint("q", n))
	s.Step = fmt.Sprint("q", n+1)
	return bot.Outcome{Messages: []bot.Message{{Text: "次の質問です。", Choices: []bot.Choice{{Label: "はい", Value: "ans:x:yes"}}}}}, nil
}
