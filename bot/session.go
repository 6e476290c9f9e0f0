package bot

import (
	"maps"
	"slices"
	"time"
)

// Session is the state of one conversation between events. It is small by design: where
// the conversation is, the answers given so far, the flows suspended under it and the
// records the clinic keeps — never a transcript.
type Session struct {
	// Conversation is the key of the session; set by the store.
	Conversation string `json:"-"`
	// Version is the store's version of the session, for optimistic concurrency: 0 for a
	// session the store does not have.
	Version int64 `json:"-"`

	// Flow is the flow in progress ("" at the menu) and Step its current step.
	Flow string `json:"flow,omitempty"`
	Step string `json:"step,omitempty"`
	// Answers are the current flow's answers by step id.
	Answers map[string]string `json:"answers,omitempty"`
	// Trail lists the steps answered in the current flow, most recent last, for 戻る.
	Trail []string `json:"trail,omitempty"`
	// Stack holds suspended flows, innermost last: a question asked in the middle of a flow
	// suspends it, and it resumes at the same step.
	Stack []Frame `json:"stack,omitempty"`
	// Records are finished flows the clinic keeps, such as one quote checklist per vendor.
	Records []Record `json:"records,omitempty"`

	// Updated is when the session was last changed, by the engine's clock.
	Updated time.Time `json:"updated"`
}

// Frame is a suspended flow.
type Frame struct {
	Flow    string            `json:"flow"`
	Step    string            `json:"step,omitempty"`
	Answers map[string]string `json:"answers,omitempty"`
	Trail   []string          `json:"trail,omitempty"`
}

// Record is a finished flow kept in the session.
type Record struct {
	Flow    string            `json:"flow"`
	Answers map[string]string `json:"answers"`
	Time    time.Time         `json:"time"`
}

// Empty reports whether the session holds nothing worth keeping: no flow in progress, none
// suspended, no records. The engine deletes an empty session instead of saving it.
func (s *Session) Empty() bool {
	return s.Flow == "" && len(s.Stack) == 0 && len(s.Records) == 0
}

// Start begins flow at step with the given answers (nil for none), dropping the flow in
// progress without saving it.
func (s *Session) Start(flow, step string, answers map[string]string) {
	s.Flow, s.Step, s.Trail = flow, step, nil
	s.Answers = answers
}

// End leaves the flow in progress, without saving it, and returns to the menu. Suspended
// flows are dropped too: leaving means leaving.
func (s *Session) End() {
	s.Flow, s.Step, s.Answers, s.Trail, s.Stack = "", "", nil, nil, nil
}

// Suspend pushes the flow in progress onto the stack, to be resumed by Resume.
func (s *Session) Suspend() {
	if s.Flow == "" {
		return
	}
	s.Stack = append(s.Stack, Frame{Flow: s.Flow, Step: s.Step, Answers: s.Answers, Trail: s.Trail})
	s.Flow, s.Step, s.Answers, s.Trail = "", "", nil, nil
}

// Resume pops the innermost suspended flow back into progress, replacing the current one.
// It reports false when nothing was suspended.
func (s *Session) Resume() bool {
	if len(s.Stack) == 0 {
		return false
	}
	f := s.Stack[len(s.Stack)-1]
	s.Stack = s.Stack[:len(s.Stack)-1]
	s.Flow, s.Step, s.Answers, s.Trail = f.Flow, f.Step, f.Answers, f.Trail
	return true
}

// Suspended returns the innermost suspended flow, if any.
func (s *Session) Suspended() (Frame, bool) {
	if len(s.Stack) == 0 {
		return Frame{}, false
	}
	return s.Stack[len(s.Stack)-1], true
}

// Set records an answer of the current flow.
func (s *Session) Set(step, value string) {
	if s.Answers == nil {
		s.Answers = make(map[string]string)
	}
	s.Answers[step] = value
}

// Clone returns a deep copy, so a decision that fails leaves the loaded session untouched.
func (s *Session) Clone() *Session {
	c := *s
	c.Answers = maps.Clone(s.Answers)
	c.Trail = slices.Clone(s.Trail)
	c.Stack = make([]Frame, len(s.Stack))
	for i, f := range s.Stack {
		f.Answers = maps.Clone(f.Answers)
		f.Trail = slices.Clone(f.Trail)
		c.Stack[i] = f
	}
	c.Records = make([]Record, len(s.Records))
	for i, r := range s.Records {
		r.Answers = maps.Clone(r.Answers)
		c.Records[i] = r
	}
	if len(c.Stack) == 0 {
		c.Stack = nil
	}
	if len(c.Records) == 0 {
		c.Records = nil
	}
	return &c
}
