// Package bot is the conversation engine of deskbot and the channel-neutral types it speaks:
// an inbound Event of one conversation, the outbound Messages for the clinic, and the Notices
// for the desk. It knows no LINE, Slack or Redis type; adapters translate at the edges and
// the stores implement the interfaces declared here.
package bot

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"time"
)

// Kind says what an inbound event is.
type Kind uint8

const (
	// TextEvent is something the clinic typed.
	TextEvent Kind = iota + 1
	// ChoiceEvent is a tapped choice; Event.Text holds the choice's Value.
	ChoiceEvent
	// FollowEvent starts a conversation: the account was added as a friend.
	FollowEvent
	// UnfollowEvent ends a conversation: the account was blocked or removed.
	UnfollowEvent
	// UnsupportedEvent is content the bot cannot read where text is asked: a sticker, an
	// image, a location. Event.Text names its type, for the log only.
	UnsupportedEvent
	// DeskReplyEvent is a desk staff member's answer in a handoff thread, to be passed on
	// to the clinic; Event.Text holds it. It goes through the conversation's inbox like
	// the clinic's own events, so it is ordered with them.
	DeskReplyEvent
	// DeskCloseEvent is desk staff closing a handoff from Slack; Event.Text holds the
	// handoff's thread id, so a press on an old handoff's button closes nothing newer.
	DeskCloseEvent
)

func (k Kind) String() string {
	switch k {
	case TextEvent:
		return "text"
	case ChoiceEvent:
		return "choice"
	case FollowEvent:
		return "follow"
	case UnfollowEvent:
		return "unfollow"
	case UnsupportedEvent:
		return "unsupported"
	case DeskReplyEvent:
		return "desk-reply"
	case DeskCloseEvent:
		return "desk-close"
	}
	return "unknown"
}

// Event is one inbound event of one conversation.
type Event struct {
	// ID is the channel's id of the event (LINE's webhookEventId). A redelivered event with
	// the same ID is applied once. Empty means the channel gives no id: no dedupe.
	ID string `json:"id,omitempty"`
	// Conversation names the conversation across channels and instances, e.g. "line:U4af…".
	Conversation string `json:"conv"`
	Kind         Kind   `json:"kind"`
	Text         string `json:"text,omitempty"`
	// Reply is the channel's handle for answering this event (LINE's reply token). The
	// engine only passes it on to Deliver.
	Reply string `json:"reply,omitempty"`
	// DeskThread is, for a desk event, the notice id of the desk thread it came from
	// (a report or a handoff): where the desk is told if the answer cannot reach LINE.
	DeskThread string `json:"deskThread,omitempty"`
}

// Message is one outbound message to the clinic: a text, optionally with choices to tap
// (quick replies), or a card.
type Message struct {
	Text    string
	Choices []Choice
	Card    *Card
	// Queued is the id of the LINE push (a NoticeLINEPush in the outbox) that carries
	// this message too, when the engine made it durable (Config.PushGrace): the channel
	// marks it sent once the clinic has it, so the outbox does not send it again.
	Queued string `json:",omitempty"`
}

// Choice is one tappable answer. Label is what the clinic sees; Value comes back as the
// Text of a Choice event.
type Choice struct {
	Label string
	Value string
}

// Card is a structured summary (the checklist summary, the report confirmation). Text
// channels render it as lines; LINE renders it as a Flex message with Text as its altText.
type Card struct {
	Title string
	Rows  []Field
	// Notes are the points that need attention, shown highlighted.
	Notes []string
	// Text is the card in one plain paragraph, for notifications and alt text.
	Text string
}

// Field is a labelled value, in the order it is shown.
type Field struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// NoticeKind says what a notice to the desk is about.
type NoticeKind string

const (
	// NoticeReport carries a finished obstacle report.
	NoticeReport NoticeKind = "report"
	// NoticeHandoff opens a talk with a person: Text holds the clinic's question.
	NoticeHandoff NoticeKind = "handoff"
	// NoticeHandoffMessage is a further message of the clinic in an open handoff.
	NoticeHandoffMessage NoticeKind = "handoff-message"
	// NoticeHandoffClosed says the clinic closed the handoff.
	NoticeHandoffClosed NoticeKind = "handoff-closed"
	// NoticeDigest is the desk's scheduled digest: the charts of the reports of Period.
	NoticeDigest NoticeKind = "digest"
	// NoticeLINEPush is not for the desk: it carries Messages for the clinic on LINE that
	// could not be sent at once (a receipt, a desk reply), so the outbox retries them
	// through an outage. Its ID is the push's X-Line-Retry-Key, the same on every retry.
	NoticeLINEPush NoticeKind = "line-push"
	// NoticeDeskNote tells the desk, in the thread of DeskThread, what became of its
	// message for the clinic: not delivered on LINE, or delivered only in part. Text
	// says it.
	NoticeDeskNote NoticeKind = "desk-note"
)

// Notice is something the desk must hear about. Notices leave the engine through the outbox
// of the store, written in the same atomic step as the session, and a worker hands them to
// a Notifier; so a notice the clinic was told about is never lost.
type Notice struct {
	// ID is unique across notices: the receipt number for a report.
	ID           string     `json:"id"`
	Kind         NoticeKind `json:"kind"`
	Conversation string     `json:"conv"`
	Time         time.Time  `json:"time"`
	// Thread ties the notices of one handoff together: the id of the handoff notice. The
	// outbox worker delivers the notices of one thread in order; LINE pushes use the
	// conversation as their thread.
	Thread string `json:"thread,omitempty"`
	// DeskThread is, for a LINE push or a desk note, the notice id of the desk thread
	// (a report or a handoff) the message answers, where a failure is told.
	DeskThread string `json:"deskThread,omitempty"`
	// Messages are a LINE push's messages for the clinic, and Batch the first of their
	// API calls still to make (the ones before went through at once).
	Messages []Message `json:"messages,omitempty"`
	Batch    int       `json:"batch,omitempty"`
	// NotBefore, when set, is the earliest a worker delivers the notice.
	NotBefore time.Time `json:"notBefore,omitzero"`
	// Text is the clinic's message, for handoff notices.
	Text string `json:"text,omitempty"`
	// Context says where the clinic was when it asked for a person (NoticeHandoff); nil
	// when it was at no flow.
	Context *HandoffContext `json:"context,omitempty"`
	Report  *Report         `json:"report,omitempty"`
	// Period is the span a digest notice covers.
	Period *Period `json:"period,omitempty"`
}

// HandoffContext is where the clinic was when it asked for a person. The answers
// themselves stay in the session.
type HandoffContext struct {
	// Flow is the title of the flow the clinic left.
	Flow string `json:"flow"`
	// Question is the question it was at; "" at a screen that asks none (the confirmation).
	Question string `json:"question,omitempty"`
	// Answers is how many answers it had given in that flow.
	Answers int `json:"answers"`
}

// UnmarshalJSON reads a context, also in the labelled fields ("flow", "step", "answers")
// that notices carried before it was typed, which may still wait in an outbox.
func (h *HandoffContext) UnmarshalJSON(b []byte) error {
	if t := bytes.TrimSpace(b); len(t) > 0 && t[0] == '[' {
		var fields []Field
		if err := json.Unmarshal(t, &fields); err != nil {
			return err
		}
		*h = HandoffContext{}
		for _, f := range fields {
			switch f.Label {
			case "flow":
				h.Flow = f.Value
			case "step":
				h.Question = f.Value
			case "answers":
				h.Answers, _ = strconv.Atoi(f.Value)
			}
		}
		return nil
	}
	type plain HandoffContext
	return json.Unmarshal(b, (*plain)(h))
}

// Report is a finished obstacle report.
type Report struct {
	// ID is the receipt number the clinic was given, e.g. R-20221115-0042.
	ID           string    `json:"id"`
	Conversation string    `json:"conv"`
	Created      time.Time `json:"created"`
	// Categories are the obstacle category ids, e.g. "over-cap", in the order chosen.
	Categories   []string `json:"categories"`
	Facility     string   `json:"facility"`
	Prefecture   string   `json:"prefecture"`
	Code         string   `json:"code,omitempty"`
	FacilityType string   `json:"facilityType"`
	Contact      string   `json:"contact,omitempty"`
	Details      string   `json:"details"`
	// Answers are the follow-up answers of the categories, labelled, in asking order.
	Answers []Field `json:"answers,omitempty"`
	// Checklist holds the quote checklist's figures when the report was pre-filled from it.
	Checklist []Field `json:"checklist,omitempty"`
}

// Errors callers branch on.
var (
	// ErrConflict: the session changed since it was loaded; load again and retry.
	ErrConflict = errors.New("session changed concurrently")
	// ErrUnavailable: the store cannot be reached; the event was not applied.
	ErrUnavailable = errors.New("store unavailable")
)
