package web

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"deskbot/bot"
)

// Limits of what the API reads.
const (
	// MaxBody is the largest request body read.
	MaxBody = 16 << 10
	// maxText is the longest message, in characters; LINE's limit.
	maxText = 5000
	// maxValue is the longest choice value, in bytes; LINE's postback data limit.
	maxValue = 300
	maxLabel = 100
)

// Input is one request of the page: something the clinic or the desk does, or a date for
// the conversation's clock.
type Input struct {
	// Clinic names the tab's conversation: 16 to 64 letters, digits, '-' or '_'.
	Clinic string `json:"clinic"`
	// Kind is "text", "tap", "follow", "desk" or "desk-close" for /send; empty for /clock.
	Kind string `json:"kind,omitempty"`
	// Text is what was typed (text, desk).
	Text string `json:"text,omitempty"`
	// Value and Label are the tapped choice's.
	Value string `json:"value,omitempty"`
	Label string `json:"label,omitempty"`
	// Now is the date for /clock: RFC 3339, "2006-01-02T15:04" or "2006-01-02" in Japan
	// time (10:00), or "" for the server's clock.
	Now string `json:"now,omitempty"`
}

// Errors of DecodeInput; each is a 400 with its text.
var (
	errJSON   = errors.New("body is not one JSON object of the expected fields")
	errClinic = errors.New("clinic: want 16 to 64 letters, digits, '-' or '_'")
	errKind   = errors.New("kind: want text, tap, follow, desk or desk-close")
	errText   = errors.New("text: want 1 to 5000 characters of UTF-8")
	errChoice = errors.New("value and label: want a tapped choice (value up to 300 bytes, label up to 100 characters)")
	errNow    = errors.New("now: want RFC 3339, 2022-11-15T10:00 or 2022-11-15 (Japan time)")
)

// DecodeInput parses and checks one request body. forClock selects the /clock request
// (clinic and now) over the /send one. Anything else — unknown fields, trailing data,
// invalid UTF-8, values out of bounds — is an error to answer with 400.
func DecodeInput(body []byte, forClock bool) (Input, error) {
	if !utf8.Valid(body) {
		return Input{}, errJSON // encoding/json would quietly turn bad bytes into U+FFFD
	}
	var in Input
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil || dec.More() {
		return Input{}, errJSON
	}
	if _, err := dec.Token(); err == nil {
		return Input{}, errJSON // trailing data
	}
	if !validClinic(in.Clinic) {
		return Input{}, errClinic
	}
	if forClock {
		if in.Kind != "" || in.Text != "" || in.Value != "" || in.Label != "" {
			return Input{}, errJSON
		}
		if _, err := parseNow(in.Now); err != nil {
			return Input{}, err
		}
		return in, nil
	}
	if in.Now != "" {
		return Input{}, errJSON
	}
	okText := func(s string) bool {
		return strings.TrimSpace(s) != "" && utf8.ValidString(s) && utf8.RuneCountInString(s) <= maxText
	}
	switch in.Kind {
	case "text", "desk":
		if !okText(in.Text) || in.Value != "" || in.Label != "" {
			return Input{}, errText
		}
	case "tap":
		if in.Text != "" || in.Value == "" || len(in.Value) > maxValue || !utf8.ValidString(in.Value) ||
			!okText(in.Label) || utf8.RuneCountInString(in.Label) > maxLabel {
			return Input{}, errChoice
		}
	case "follow", "desk-close":
		if in.Text != "" || in.Value != "" || in.Label != "" {
			return Input{}, errJSON
		}
	default:
		return Input{}, errKind
	}
	return in, nil
}

func validClinic(s string) bool {
	if len(s) < 16 || len(s) > 64 {
		return false
	}
	for _, c := range []byte(s) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// parseNow reads a rehearsal date; zero for "" (the server's clock).
func parseNow(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("2006-01-02T15:04", s, bot.JST); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("2006-01-02", s, bot.JST); err == nil {
		return t.Add(10 * time.Hour), nil
	}
	return time.Time{}, errNow
}

// read reads and decodes a request body, answering 4xx itself when it cannot.
func (h *Handler) read(w http.ResponseWriter, r *http.Request, forClock bool) (Input, bool) {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		http.Error(w, "want Content-Type: application/json", http.StatusUnsupportedMediaType)
		return Input{}, false
	}
	body, ok := bot.ReadBody(w, r, MaxBody)
	if !ok {
		return Input{}, false
	}
	in, err := DecodeInput(body, forClock)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return Input{}, false
	}
	return in, true
}

// send applies one action of the clinic or the desk. The answer shows in the feed.
func (h *Handler) send(w http.ResponseWriter, r *http.Request) {
	in, ok := h.read(w, r, false)
	if !ok {
		return
	}
	ev := bot.Event{ID: "web:" + rand.Text(), Conversation: ConversationPrefix + in.Clinic}
	h.mu.Lock()
	rm := h.roomLocked(in.Clinic)
	t := &turn{now: h.nowLocked(rm)}
	switch in.Kind {
	case "text":
		ev.Kind, ev.Text = bot.TextEvent, in.Text
		t.action = oneLine(in.Text)
		h.addLocked(rm, Item{Type: "clinic", Text: in.Text})
	case "tap":
		ev.Kind, ev.Text = bot.ChoiceEvent, in.Value
		t.action = "[tap " + oneLine(in.Label) + "]"
		if !offers(rm.offered, in.Label, in.Value) {
			// Tapped on the menu bar, or an old message: the runner can only tap what the
			// last question offers, so the transcript types the label instead.
			t.action, t.comment = oneLine(in.Label), "tapped 「"+oneLine(in.Label)+"」 outside the choices offered"
		}
		h.addLocked(rm, Item{Type: "clinic", Text: in.Label})
	case "follow":
		ev.Kind, t.action = bot.FollowEvent, "[follow]"
		h.addLocked(rm, Item{Type: "system", Text: "友だち追加"})
	case "desk":
		ev.Kind, ev.Text = bot.DeskReplyEvent, in.Text
		t.action = "[desk " + oneLine(in.Text) + "]"
		h.addLocked(rm, Item{Type: "desk", Text: in.Text})
	case "desk-close":
		if rm.thread == "" {
			h.mu.Unlock()
			http.Error(w, "no handoff was opened in this conversation", http.StatusConflict)
			return
		}
		ev.Kind, ev.Text, t.action = bot.DeskCloseEvent, rm.thread, "[desk-close]"
		rm.open = false
		h.addLocked(rm, Item{Type: "desk", Text: "（担当者が相談を終了）"})
	}
	if len(rm.turns) < maxTurns {
		rm.turns = append(rm.turns, t)
		rm.byEvent[ev.ID] = t
	} else {
		rm.truncated = true
	}
	h.mu.Unlock()

	msgs, err := h.engine.Handle(r.Context(), ev)
	if err != nil {
		h.log.Error("emulator: event not applied", "conv", bot.LogID(ev.Conversation), "kind", ev.Kind.String(), "err", err)
		http.Error(w, "the bot could not take this message now; try again", http.StatusServiceUnavailable)
		return
	}
	h.mu.Lock()
	h.replyLocked(rm, ev.ID, msgs)
	next := rm.next
	h.mu.Unlock()
	writeJSON(w, map[string]int64{"next": next})
}

// offers reports whether the transcript runner would find the tapped choice among those
// offered: the first choice with that label must have that value.
func offers(offered []bot.Choice, label, value string) bool {
	for _, c := range offered {
		if c.Label == label {
			return c.Value == value
		}
	}
	return false
}

// oneLine folds line breaks, which a transcript line cannot hold, into spaces.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\r", "")), " ")
}

// setClock sets or clears the conversation's rehearsal date.
func (h *Handler) setClock(w http.ResponseWriter, r *http.Request) {
	in, ok := h.read(w, r, true)
	if !ok {
		return
	}
	t, _ := parseNow(in.Now) // checked by DecodeInput
	h.mu.Lock()
	rm := h.roomLocked(in.Clinic)
	rm.clock = t
	label := "日時：サーバーの時計"
	if !t.IsZero() {
		label = "日時：" + t.In(bot.JST).Format("2006年1月2日 15:04") + "（リハーサル）"
	}
	h.addLocked(rm, Item{Type: "system", Text: label})
	now := h.nowLocked(rm)
	h.mu.Unlock()
	writeJSON(w, map[string]string{"now": now.Format(time.RFC3339)})
}

// feedResponse is what the page polls.
type feedResponse struct {
	Items []Item `json:"items"`
	// Next is the seq the next request asks after; lower than the page's own after a
	// restart of the server, when the page starts over.
	Next      int64    `json:"next"`
	Now       string   `json:"now"`
	Rehearsal bool     `json:"rehearsal"`
	Thread    string   `json:"thread,omitempty"`
	Open      bool     `json:"open"`
	Menu      []choice `json:"menu"`
}

// feed returns the tab's items after ?after=, waiting up to PollWait for one to come.
func (h *Handler) feed(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	clinic := q.Get("clinic")
	after, err := strconv.ParseInt(q.Get("after"), 10, 64)
	if !validClinic(clinic) || err != nil || after < 0 {
		http.Error(w, "want ?clinic=ID&after=N", http.StatusBadRequest)
		return
	}
	timer := time.NewTimer(h.pollWait)
	defer timer.Stop()
	var resp feedResponse
	for {
		h.mu.Lock()
		rm := h.roomLocked(clinic)
		resp = feedResponse{Next: rm.next, Now: h.nowLocked(rm).Format(time.RFC3339), Rehearsal: !rm.clock.IsZero(),
			Thread: rm.thread, Open: rm.open, Items: []Item{}}
		for _, it := range rm.items {
			if it.Seq > after || after >= rm.next {
				resp.Items = append(resp.Items, it)
			}
		}
		wake := rm.wake
		h.mu.Unlock()
		if len(resp.Items) > 0 {
			break
		}
		select {
		case <-wake:
			continue
		case <-timer.C:
		case <-r.Context().Done():
			return
		}
		break
	}
	for _, c := range h.menu() {
		resp.Menu = append(resp.Menu, choice{Label: c.Label, Value: c.Value})
	}
	writeJSON(w, resp)
}

// transcript downloads the tab's conversation as a transcript file.
func (h *Handler) transcript(w http.ResponseWriter, r *http.Request) {
	clinic := r.URL.Query().Get("clinic")
	if !validClinic(clinic) {
		http.Error(w, "want ?clinic=ID", http.StatusBadRequest)
		return
	}
	h.mu.Lock()
	rm := h.roomLocked(clinic)
	turns := make([]turn, len(rm.turns))
	for i, t := range rm.turns {
		turns[i] = *t
	}
	truncated := rm.truncated
	h.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	name := fmt.Sprintf("emulator-%s.txt", time.Now().In(bot.JST).Format("20060102-150405"))
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	if err := writeTranscript(w, turns, truncated); err != nil {
		h.log.Warn("emulator: transcript not sent", "err", err)
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := json.NewEncoder(w).Encode(v); err != nil {
		http.Error(w, "encode", http.StatusInternalServerError)
	}
}
