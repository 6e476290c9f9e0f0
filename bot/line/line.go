// Package line is the LINE channel: the webhook that verifies, parses and hands events to
// the engine, and the sender that renders the engine's messages as Messaging API messages
// and sends them, replying while the reply token is good and pushing after.
package line

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"

	"deskbot/bot"
)

// MaxBody is the largest webhook body read; LINE's are a few kilobytes.
const MaxBody = 1 << 20

// Engine is what the webhook needs of bot.Engine.
type Engine interface {
	Handle(ctx context.Context, ev bot.Event) ([]bot.Message, error)
}

// Handler is the LINE webhook, POST /webhooks/line.
type Handler struct {
	secret string
	engine Engine
	sender *Sender
	log    *slog.Logger
	// LoadingAfter is how long a turn may take before the loading animation is shown.
	LoadingAfter time.Duration
	// MaxAge is the oldest event applied, by its timestamp: an older one (a captured body
	// replayed after the store forgot its event id) is refused — logged, and answered 200
	// so LINE stops. It matches the store's dedupe window, store.DedupeTTL.
	MaxAge time.Duration
	// Now is the clock MaxAge is measured on; nil means time.Now.
	Now func() time.Time
}

// DefaultMaxAge is Handler.MaxAge unless set: the 48 hours the store remembers event ids.
const DefaultMaxAge = 48 * time.Hour

// NewHandler returns the webhook for the channel with that secret.
func NewHandler(secret string, engine Engine, sender *Sender, log *slog.Logger) *Handler {
	return &Handler{secret: secret, engine: engine, sender: sender, log: log, LoadingAfter: time.Second, MaxAge: DefaultMaxAge, Now: time.Now}
}

// ServeHTTP verifies the signature over the raw body before anything is parsed or stored,
// hands the events to the engine one by one in the order LINE sent them, and answers 200
// only when every event is applied or durably queued; the replies are sent afterwards, in
// order, at once after the answer is flushed (see Replies). A failure answers 500 so LINE
// redelivers; events already applied are recognised by their webhookEventId and applied
// once.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, ok := bot.ReadBody(w, r, MaxBody)
	if !ok {
		return
	}
	if !webhook.ValidateSignature(h.secret, r.Header.Get("X-Line-Signature"), body) {
		h.log.Warn("LINE webhook: bad signature", "remote", r.RemoteAddr)
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	events, err := decodeWebhook(body)
	if err != nil {
		h.log.Warn("LINE webhook: malformed body", "bytes", len(body))
		http.Error(w, "malformed webhook body", http.StatusBadRequest)
		return
	}
	received := time.Now()
	replies := h.sender.Replies()
	// The replies go after the answer, 200 or 500 (their events are applied), from a
	// goroutine of their own: on a kept-alive connection the next webhook is read only
	// once this handler returns, so it must not wait for LINE to take the replies.
	defer replies.Start()
	for _, e := range events {
		ev, ok := h.translate(e)
		if !ok {
			continue
		}
		if at := time.UnixMilli(e.Timestamp); h.MaxAge > 0 && h.Now != nil && h.Now().Sub(at) > h.MaxAge {
			h.log.Warn("LINE event refused: older than the dedupe window", "conv", bot.LogID(ev.Conversation),
				"age", h.Now().Sub(at).Round(time.Second).String(), "max", h.MaxAge.String())
			continue
		}
		msgs, err := h.handle(r.Context(), ev)
		if err != nil {
			h.log.Error("LINE webhook: event not applied; LINE will redeliver", "conv", bot.LogID(ev.Conversation), "err", err)
			http.Error(w, "temporarily unavailable", http.StatusInternalServerError)
			return
		}
		if len(msgs) > 0 {
			replies.Add(ev, msgs, received)
		}
	}
	// A zero length and a flush complete the answer now, before the replies are sent.
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusOK)
	http.NewResponseController(w).Flush()
}

// handle runs one turn, showing the loading animation if it takes long.
func (h *Handler) handle(ctx context.Context, ev bot.Event) ([]bot.Message, error) {
	if ev.Kind == bot.UnfollowEvent || h.LoadingAfter <= 0 {
		return h.engine.Handle(ctx, ev)
	}
	t := time.AfterFunc(h.LoadingAfter, func() { h.sender.ShowLoading(ev.Conversation) })
	defer t.Stop()
	return h.engine.Handle(ctx, ev)
}

// translate turns a LINE event into an engine event; false for events the desk ignores
// (groups and rooms, joins, beacons, unsends, unknown types), which are logged.
func (h *Handler) translate(e event) (bot.Event, bool) {
	var ev bot.Event
	switch e.Type {
	case "message":
		ev = bot.Event{ID: e.WebhookEventID, Reply: e.ReplyToken}
		switch {
		case e.HasMessage && e.MessageType == "text":
			ev.Kind, ev.Text = bot.TextEvent, e.Text
		case e.HasMessage:
			ev.Kind, ev.Text = bot.UnsupportedEvent, e.MessageType
		default:
			ev.Kind, ev.Text = bot.UnsupportedEvent, "unknown"
		}
	case "postback":
		ev = bot.Event{ID: e.WebhookEventID, Reply: e.ReplyToken, Kind: bot.ChoiceEvent}
		if e.HasPostback {
			ev.Text = e.Data
		}
	case "follow":
		ev = bot.Event{ID: e.WebhookEventID, Reply: e.ReplyToken, Kind: bot.FollowEvent}
	case "unfollow":
		ev = bot.Event{ID: e.WebhookEventID, Kind: bot.UnfollowEvent}
	default:
		h.log.Info("LINE event ignored", "type", eventType(e))
		return bot.Event{}, false
	}
	if e.SourceType != "user" || e.UserID == "" {
		h.log.Info("LINE event from a group or room ignored", "type", e.Type)
		return bot.Event{}, false
	}
	ev.Conversation = ConversationPrefix + e.UserID
	return ev, true
}

// ConversationPrefix starts the conversation id of a LINE user.
const ConversationPrefix = "line:"

// UserID returns the LINE user id of a conversation, "" for other channels.
func UserID(conv string) string {
	id, ok := strings.CutPrefix(conv, ConversationPrefix)
	if !ok {
		return ""
	}
	return id
}

// eventType names an ignored event's type for the log; only LINE's own names are
// logged as they are.
func eventType(e event) string {
	switch e.Type {
	case "accountLink", "activated", "beacon", "botResumed", "botSuspended", "deactivated", "delivery",
		"join", "leave", "memberJoined", "memberLeft", "membership", "module", "things", "unsend",
		"videoPlayComplete", "messageEdited":
		return e.Type
	}
	return "unknown"
}
