package bot

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Session is the state of one conversation between events. It is small by design: where
// the conversation is, the answers given so far, the flows suspended under it and the
// records the clinic keeps — never a transcript.
//
// Where the conversation is, is its Mode; what a mode needs besides the answers of its
// flow is a typed field of its own (Picks, Page, From, Record, Topic, Thread), never a
// key among the answers. Sessions written before the modes were typed (flow "faq" or
// "handoff", steps "_confirm", "_edit", "_summary", answers "_picks", "_page", "_from",
// "_record", "_id", "thread") are read into the typed fields by Migrate.
type Session struct {
	// Conversation is the key of the session; set by the store.
	Conversation string `json:"-"`
	// Version is the store's version of the session, for optimistic concurrency: 0 for a
	// session the store does not have.
	Version int64 `json:"-"`

	// Frame is the place in progress; its fields read as the session's own (s.Mode, s.Flow)
	// and encode at the session's top level, as before.
	Frame
	// Stack holds suspended flows, innermost last: a question asked in the middle of a flow
	// suspends it, and it resumes at the same step.
	Stack []Frame `json:"stack,omitempty"`
	// Records are finished flows the clinic keeps, such as one quote checklist per vendor.
	Records []Record `json:"records,omitempty"`
	// Offer is what the last answer offered that a typed yes takes, for the next message
	// only: "handoff" after an answer the FAQ was not sure of (「おつなぎしましょうか？」).
	Offer string `json:"offer,omitempty"`

	// Updated is when the session was last changed, by the engine's clock.
	Updated time.Time `json:"updated"`
}

// Mode is the screen a conversation is at: what the clinic sees and what its next input
// answers. The flows decide what each mode shows and does; the session keeps which one.
type Mode uint8

const (
	// ModeStep, the zero Mode, is the main menu when Session.Flow is "", otherwise the
	// question Session.Step of that flow.
	ModeStep Mode = iota
	// ModeConfirm is a finished report's confirmation screen.
	ModeConfirm
	// ModeEdit is the confirmation screen's list of fields to change.
	ModeEdit
	// ModeSummary is a finished checklist's summary, waiting for what comes next.
	ModeSummary
	// ModeFAQ is the FAQ: its topic list, or after an answer.
	ModeFAQ
	// ModeHandoffAsk asks what the clinic wants to ask a person.
	ModeHandoffAsk
	// ModeHandoffOpen is an open talk with the desk.
	ModeHandoffOpen
)

var modeNames = [...]string{"step", "confirm", "edit", "summary", "faq", "handoff-ask", "handoff-open"}

func (m Mode) String() string {
	if int(m) < len(modeNames) {
		return modeNames[m]
	}
	return "mode(" + strconv.Itoa(int(m)) + ")"
}

// MarshalText writes the mode by name, so stored sessions do not depend on the order of
// the constants.
func (m Mode) MarshalText() ([]byte, error) {
	if int(m) >= len(modeNames) {
		return nil, fmt.Errorf("unknown mode %d", m)
	}
	return []byte(modeNames[m]), nil
}

// UnmarshalText reads a mode by name; a name this version does not know (written by a
// newer one) reads as ModeStep, where the flows start over from what the answers say.
func (m *Mode) UnmarshalText(b []byte) error {
	*m = ModeStep
	if i := slices.Index(modeNames[:], string(b)); i >= 0 {
		*m = Mode(i)
	}
	return nil
}

// Frame is a place in a conversation: the one in progress (Session.Frame) or a suspended
// one (Session.Stack), kept as it was.
type Frame struct {
	// Mode is the screen the conversation is at.
	Mode Mode `json:"mode,omitempty"`
	// Flow is the script flow in progress ("" for none) and Step its current step.
	Flow string `json:"flow,omitempty"`
	Step string `json:"step,omitempty"`
	// Answers are the current flow's answers by step id.
	Answers map[string]string `json:"answers,omitempty"`
	// Trail lists the steps answered in the current flow, most recent last, for 戻る.
	Trail []string `json:"trail,omitempty"`
	// Picks are the choices picked so far at a multiple-choice step, in order.
	Picks []string `json:"picks,omitempty"`
	// Pending is a text answer over the step's limit, kept while the clinic chooses to cut
	// it or type it again, so that nothing typed is lost.
	Pending string `json:"pending,omitempty"`
	// Editing: the current question was opened from the confirmation screen, to which 戻る
	// returns once Trail is empty.
	Editing bool `json:"editing,omitempty"`
	// Page is the page of the confirmation screen's field list (ModeEdit).
	Page int `json:"page,omitempty"`
	// From is the id of the kept record a report was pre-filled from.
	From string `json:"from,omitempty"`
	// Record is the id of the kept record the checklist summary shows (ModeSummary).
	Record string `json:"record,omitempty"`
	// Topic is the FAQ topic last answered (ModeFAQ; "" for the topic list).
	Topic string `json:"topic,omitempty"`
	// Thread is the desk thread of an open handoff (ModeHandoffOpen).
	Thread string `json:"thread,omitempty"`
}

// Record is a finished flow kept in the session.
type Record struct {
	// ID names the record among the session's, for choices that refer to it.
	ID      string            `json:"id,omitempty"`
	Flow    string            `json:"flow"`
	Answers map[string]string `json:"answers"`
	Time    time.Time         `json:"time"`
}

// Empty reports whether the session holds nothing worth keeping: no flow in progress, none
// suspended, no records. The engine deletes an empty session instead of saving it.
func (s *Session) Empty() bool {
	return s.Mode == ModeStep && s.Flow == "" && len(s.Stack) == 0 && len(s.Records) == 0 && s.Offer == ""
}

// Start begins flow at its question step with the given answers (nil for none),
// dropping the place in progress without saving it.
func (s *Session) Start(flow, step string, answers map[string]string) {
	s.Frame = Frame{Flow: flow, Step: step, Answers: answers}
}

// Enter puts the conversation at mode outside any script flow (the FAQ, a handoff),
// dropping the place in progress without saving it.
func (s *Session) Enter(mode Mode) {
	s.Frame = Frame{Mode: mode}
}

// End leaves the place in progress, without saving it, and returns to the menu. Suspended
// flows are dropped too: leaving means leaving.
func (s *Session) End() {
	s.Frame = Frame{}
	s.Stack = nil
}

// Leave drops the place in progress without saving it, keeping the suspended flows: the
// session is at the menu until one is resumed.
func (s *Session) Leave() { s.Frame = Frame{} }

// Suspend pushes the place in progress onto the stack, to be resumed by Resume, and
// leaves the session at the menu. At the menu it does nothing.
func (s *Session) Suspend() {
	if s.Mode == ModeStep && s.Flow == "" {
		return
	}
	s.Stack = append(s.Stack, s.Frame)
	s.Frame = Frame{}
}

// Resume pops the innermost suspended flow back into progress, replacing the current one.
// It reports false when nothing was suspended.
func (s *Session) Resume() bool {
	if len(s.Stack) == 0 {
		return false
	}
	f := s.Stack[len(s.Stack)-1]
	s.Stack = s.Stack[:len(s.Stack)-1]
	s.Frame = f
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

// Migrate reads a session written before the modes were typed (see Session) into the
// typed fields, leaving no "_" key among the answers; a session of today it leaves as it
// is, at the cost of a look at its answers' keys. The brain calls it at the start of every
// turn: sessions live for days, so one written by the previous version may come back.
// (It is not a custom UnmarshalJSON, which would make every load scan the JSON twice.)
func (s *Session) Migrate() {
	f := s.Frame
	if upgrade(&f) {
		s.Frame = f
	}
	for i := range s.Stack {
		upgrade(&s.Stack[i])
	}
	for i := range s.Records {
		r := &s.Records[i]
		if id, ok := r.Answers[legacyID]; ok {
			r.ID = id
			delete(r.Answers, legacyID)
		}
	}
}

// Keys and names of sessions written before the modes were typed.
const (
	legacyFAQ     = "faq"
	legacyHandoff = "handoff"
	legacyOpen    = "open"
	legacyConfirm = "_confirm"
	legacyEdit    = "_edit"
	legacySummary = "_summary"
	legacyPicks   = "_picks"
	legacyPage    = "_page"
	legacyFrom    = "_from"
	legacyRecord  = "_record"
	legacyID      = "_id"
	legacyThread  = "thread"
)

// upgrade reads a place written before the modes were typed into the typed fields, and
// reports whether it was one.
func upgrade(f *Frame) bool {
	if f.Mode != ModeStep {
		return false
	}
	legacy := f.Flow == legacyFAQ || f.Flow == legacyHandoff || strings.HasPrefix(f.Step, "_") ||
		slices.Contains(f.Trail, legacyConfirm)
	for k := range f.Answers {
		legacy = legacy || strings.HasPrefix(k, "_")
	}
	if !legacy {
		return false
	}
	a := f.Answers
	switch {
	case f.Flow == legacyFAQ:
		*f = Frame{Mode: ModeFAQ, Topic: f.Step}
		return true
	case f.Flow == legacyHandoff && f.Step == legacyOpen:
		*f = Frame{Mode: ModeHandoffOpen, Thread: a[legacyThread]}
		return true
	case f.Flow == legacyHandoff:
		*f = Frame{Mode: ModeHandoffAsk}
		return true
	case f.Step == legacyConfirm:
		f.Mode, f.Step = ModeConfirm, ""
	case f.Step == legacyEdit:
		f.Mode, f.Step = ModeEdit, ""
		f.Page, _ = strconv.Atoi(a[legacyPage])
	case f.Step == legacySummary:
		f.Mode, f.Step, f.Record = ModeSummary, "", a[legacyRecord]
	}
	if v := a[legacyPicks]; v != "" {
		f.Picks = strings.Split(v, ",")
	}
	f.From = a[legacyFrom]
	// The confirmation screen was a step of the trail; 戻る from a question opened there
	// returned to it.
	if i := slices.Index(f.Trail, legacyConfirm); i >= 0 {
		f.Editing = true
		f.Trail = slices.DeleteFunc(slices.Clone(f.Trail[i:]), func(s string) bool { return s == legacyConfirm })
	}
	for k := range a {
		if strings.HasPrefix(k, "_") {
			delete(a, k)
		}
	}
	if len(a) == 0 {
		f.Answers = nil
	}
	return true
}

// Clone returns a deep copy, so a decision that fails leaves the loaded session untouched.
func (s *Session) Clone() *Session {
	c := *s
	c.Answers = maps.Clone(s.Answers)
	c.Trail = slices.Clone(s.Trail)
	c.Picks = slices.Clone(s.Picks)
	c.Stack = make([]Frame, len(s.Stack))
	for i, f := range s.Stack {
		f.Answers = maps.Clone(f.Answers)
		f.Trail = slices.Clone(f.Trail)
		f.Picks = slices.Clone(f.Picks)
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
