package web

import (
	"context"
	"strconv"
	"strings"
	"time"

	"deskbot/bot"
)

// Engine is what the emulator needs of bot.Engine.
type Engine interface {
	Handle(ctx context.Context, ev bot.Event) ([]bot.Message, error)
}

// Bounds of what one process keeps for the emulator.
const (
	maxRooms = 1000 // tabs; the least recently used is forgotten first
	maxItems = 2000 // feed items per tab; the oldest go first
	maxTurns = 1000 // transcript turns per tab; later ones are not recorded
)

// room is what the emulator keeps of one tab: its feed, its clock and its transcript.
type room struct {
	conv  string
	items []Item
	next  int64         // seq of the next item, from 1
	wake  chan struct{} // closed when an item is added
	// clock is the tester's date for the conversation; zero: the server's clock.
	clock time.Time
	// offered are the choices a transcript's [tap LABEL] picks from: those of the last
	// message that offered any, as the transcript runner keeps them.
	offered []bot.Choice
	turns   []*turn
	byEvent map[string]*turn
	// truncated: turns past maxTurns were not recorded.
	truncated bool
	// notices holds the ids shown in the desk pane, which is idempotent like a notifier.
	notices map[string]bool
	// thread is the last handoff opened; open says the desk may still answer in it.
	thread string
	open   bool
	used   time.Time
}

// turn is one event of the tab and what the bot answered, for the transcript.
type turn struct {
	now     time.Time
	action  string // the transcript line after "> "
	comment string
	reply   []bot.Message
}

// Item is one entry of a tab's feed: what the clinic sent, a bot message, a notice to
// the desk, what the desk wrote, or a line of the emulator's own (the clock changed, the
// account was added).
type Item struct {
	Seq     int64    `json:"seq"`
	Type    string   `json:"type"` // "clinic", "bot", "notice", "desk", "system"
	Text    string   `json:"text,omitempty"`
	Message *message `json:"message,omitempty"`
	Notice  *notice  `json:"notice,omitempty"`
	// Time is the conversation's clock when the item was added, RFC 3339.
	Time string `json:"time"`
}

type message struct {
	Text    string   `json:"text,omitempty"`
	Choices []choice `json:"choices,omitempty"`
	Card    *card    `json:"card,omitempty"`
}

type choice struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

type card struct {
	Title string      `json:"title"`
	Rows  []bot.Field `json:"rows,omitempty"`
	Notes []string    `json:"notes,omitempty"`
}

// notice is a notice as the desk pane shows it.
type notice struct {
	Kind   string      `json:"kind"`
	ID     string      `json:"id"`
	Thread string      `json:"thread,omitempty"`
	Title  string      `json:"title"`
	Text   string      `json:"text,omitempty"`
	Fields []bot.Field `json:"fields,omitempty"`
}

// roomLocked returns the room of clinic, made on first use; h.mu is held.
func (h *Handler) roomLocked(clinic string) *room {
	if rm, ok := h.rooms[clinic]; ok {
		rm.used = time.Now()
		return rm
	}
	if len(h.rooms) >= maxRooms {
		var oldest string
		for k, rm := range h.rooms {
			if oldest == "" || rm.used.Before(h.rooms[oldest].used) {
				oldest = k
			}
		}
		delete(h.rooms, oldest)
	}
	rm := &room{conv: ConversationPrefix + clinic, next: 1, wake: make(chan struct{}),
		byEvent: make(map[string]*turn), notices: make(map[string]bool), used: time.Now()}
	h.rooms[clinic] = rm
	return rm
}

// roomOfLocked returns the room of a conversation, if the emulator still has it.
func (h *Handler) roomOfLocked(conv string) (*room, bool) {
	clinic, ok := cutConversation(conv)
	if !ok {
		return nil, false
	}
	rm, ok := h.rooms[clinic]
	return rm, ok
}

func cutConversation(conv string) (string, bool) {
	clinic, ok := strings.CutPrefix(conv, ConversationPrefix)
	return clinic, ok && validClinic(clinic)
}

// nowLocked is the conversation's clock.
func (h *Handler) nowLocked(rm *room) time.Time {
	if !rm.clock.IsZero() {
		return rm.clock
	}
	return h.now()
}

// addLocked appends an item to the feed and wakes the waiting feed requests.
func (h *Handler) addLocked(rm *room, it Item) {
	it.Seq = rm.next
	it.Time = h.nowLocked(rm).Format(time.RFC3339)
	rm.next++
	rm.items = append(rm.items, it)
	if len(rm.items) > maxItems {
		rm.items = append(rm.items[:0:0], rm.items[len(rm.items)-maxItems:]...)
	}
	close(rm.wake)
	rm.wake = make(chan struct{})
}

// replyLocked shows the bot's answer to event id and records it in the transcript.
func (h *Handler) replyLocked(rm *room, id string, msgs []bot.Message) {
	if t, ok := rm.byEvent[id]; ok {
		t.reply = append(t.reply, msgs...)
		delete(rm.byEvent, id)
	}
	for _, m := range msgs {
		h.addLocked(rm, Item{Type: "bot", Message: viewMessage(m)})
		if len(m.Choices) > 0 {
			rm.offered = m.Choices
		}
	}
}

func viewMessage(m bot.Message) *message {
	v := &message{Text: m.Text}
	for _, c := range m.Choices {
		v.Choices = append(v.Choices, choice{Label: c.Label, Value: c.Value})
	}
	if c := m.Card; c != nil {
		v.Card = &card{Title: c.Title, Rows: c.Rows, Notes: c.Notes}
	}
	return v
}

// ClockOf is the engine's clock of a conversation (bot.Config.ClockOf): the date its
// tester set, if any.
func (h *Handler) ClockOf(conv string) (time.Time, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	rm, ok := h.roomOfLocked(conv)
	if !ok || rm.clock.IsZero() {
		return time.Time{}, false
	}
	return rm.clock, true
}

// Deliver returns the engine's Deliver with the emulator in front: the replies of the
// emulator's conversations applied for another call go to their tab, the others to next
// (nil drops them).
func (h *Handler) Deliver(next bot.Deliver) bot.Deliver {
	return func(ctx context.Context, ev bot.Event, msgs []bot.Message) {
		if _, ok := strings.CutPrefix(ev.Conversation, ConversationPrefix); !ok {
			if next != nil {
				next(ctx, ev, msgs)
			}
			return
		}
		h.mu.Lock()
		defer h.mu.Unlock()
		if rm, ok := h.roomOfLocked(ev.Conversation); ok {
			h.replyLocked(rm, ev.ID, msgs)
		}
	}
}

// Notifier returns the desk's notifier with the emulator in front: the notices of the
// emulator's conversations go to their tab's desk pane, and only there — a rehearsal
// never reaches the real desk — and the others go to next.
func (h *Handler) Notifier(next bot.Notifier) bot.Notifier {
	return notifier{h: h, next: next}
}

type notifier struct {
	h    *Handler
	next bot.Notifier
}

// Notify shows d in its tab's desk pane, once however often it is delivered. A notice of
// a tab the emulator forgot is dropped: there is no one to show it to.
func (n notifier) Notify(ctx context.Context, d bot.Delivery) error {
	if _, ok := strings.CutPrefix(d.Conversation, ConversationPrefix); !ok {
		return n.next.Notify(ctx, d)
	}
	labels := n.h.labels()
	h := n.h
	h.mu.Lock()
	defer h.mu.Unlock()
	rm, ok := h.roomOfLocked(d.Conversation)
	if !ok || rm.notices[d.ID] {
		return nil
	}
	rm.notices[d.ID] = true
	switch d.Kind {
	case bot.NoticeHandoff:
		rm.thread, rm.open = d.Thread, true
	case bot.NoticeHandoffClosed:
		if d.Thread == rm.thread {
			rm.open = false
		}
	}
	h.addLocked(rm, Item{Type: "notice", Notice: viewNotice(d.Notice, labels)})
	return nil
}

// viewNotice is a notice as the desk would read it in Slack.
func viewNotice(n bot.Notice, l bot.Labels) *notice {
	v := &notice{Kind: string(n.Kind), ID: n.ID, Thread: n.Thread, Text: n.Text}
	switch n.Kind {
	case bot.NoticeReport:
		r := n.Report
		if r == nil {
			v.Title = "障害の報告"
			break
		}
		v.Title = "障害の報告 " + r.ID
		cats := make([]string, len(r.Categories))
		for i, c := range r.Categories {
			cats[i] = l.Category(c)
		}
		v.Fields = append(v.Fields,
			bot.Field{Label: "医療機関", Value: r.Facility},
			bot.Field{Label: "都道府県", Value: r.Prefecture},
			bot.Field{Label: "種別", Value: l.FacilityType(r.FacilityType)},
			bot.Field{Label: "障害の種類", Value: strings.Join(cats, "、")})
		if r.Code != "" {
			v.Fields = append(v.Fields, bot.Field{Label: "医療機関コード", Value: r.Code})
		}
		if r.Contact != "" {
			v.Fields = append(v.Fields, bot.Field{Label: "連絡先", Value: r.Contact})
		}
		v.Fields = append(v.Fields, r.Answers...)
		v.Fields = append(v.Fields, bot.Field{Label: "詳しい内容", Value: r.Details})
		for _, f := range r.Checklist {
			v.Fields = append(v.Fields, bot.Field{Label: "見積チェック：" + f.Label, Value: f.Value})
		}
	case bot.NoticeHandoff:
		v.Title = "担当者への相談"
		if c := n.Context; c != nil {
			v.Fields = append(v.Fields, bot.Field{Label: "相談時の手続き", Value: c.Flow})
			if c.Question != "" {
				v.Fields = append(v.Fields, bot.Field{Label: "そのときの質問", Value: c.Question})
			}
			v.Fields = append(v.Fields, bot.Field{Label: "回答済みの項目数", Value: strconv.Itoa(c.Answers)})
		}
	case bot.NoticeHandoffMessage:
		v.Title = "相談への追加"
	case bot.NoticeHandoffClosed:
		v.Title = "相談は終了しました"
	default:
		v.Title = string(n.Kind)
	}
	return v
}
