// Package linetest drives conversations through the LINE channel as LINE would: signed
// webhook bodies to line.Handler, the real SDK client of line.Sender sending to the
// recording fake of the Messaging API (bottest.LINEAPI), every call checked against LINE's
// limits and read back into what the clinic sees. It is the LINE channel of the golden
// transcripts (bottest.RunTranscript).
package linetest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"deskbot/bot"
	"deskbot/bot/bottest"
	"deskbot/bot/line"
	"deskbot/bot/transcript"
)

const secret = "transcript-channel-secret"

// Store is what the channel needs of a store: the engine's, and the outbox's to learn the
// thread of a handoff opened.
type Store interface {
	bot.Store
	bot.Outbox
}

// Channel is the LINE channel of a transcript; it implements bottest.Channel.
type Channel struct {
	store  Store
	api    *bottest.LINEAPI
	engine *recordingEngine
	sender *line.Sender
	srv    *httptest.Server
	user   string
	n      int
	now    func() time.Time
	// quick maps the labels of the last quick replies to their postback data.
	quick map[string]string
	// thread is the thread of the last handoff opened, for [desk-close].
	thread string
}

// recordingEngine keeps the messages of the last event the webhook applied, so the
// channel knows how many messages to wait for at the fake.
type recordingEngine struct {
	*bot.Engine
	mu   sync.Mutex
	last []bot.Message
}

func (e *recordingEngine) Handle(ctx context.Context, ev bot.Event) ([]bot.Message, error) {
	msgs, err := e.Engine.Handle(ctx, ev)
	e.mu.Lock()
	e.last = msgs
	e.mu.Unlock()
	return msgs, err
}

func (e *recordingEngine) taken() []bot.Message {
	e.mu.Lock()
	defer e.mu.Unlock()
	m := e.last
	e.last = nil
	return m
}

// NewChannel serves a webhook for brain on st, with now the clock of the engine (st's
// should be the same), until the test ends. Desk replies and closes are applied as
// bot/slack applies them: the engine, then a push.
func NewChannel(t testing.TB, brain bot.Brain, st Store, now func() time.Time) *Channel {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	c := &Channel{store: st, api: bottest.NewLINEAPI(t), user: "Utranscript", now: now}
	sender, err := line.NewSender("token", c.api.URL, nil, log)
	if err != nil {
		t.Fatal(err)
	}
	c.sender = sender
	c.engine = &recordingEngine{Engine: bot.NewEngine(bot.Config{Store: st, Brain: brain, Now: now,
		TTL: 168 * time.Hour, Log: log, Deliver: c.sender.Deliver})}
	h := line.NewHandler(secret, c.engine, c.sender, log)
	h.LoadingAfter = 0
	h.Now = now // events carry the transcript's clock
	c.srv = httptest.NewServer(h)
	t.Cleanup(func() { c.srv.Close(); c.sender.Close() })
	return c
}

// Act implements bottest.Channel.
func (c *Channel) Act(t testing.TB, l transcript.Line) string {
	t.Helper()
	var msgs []bot.Message
	switch l.Kind {
	case transcript.Type:
		msgs = c.post(t, c.event("message", "", map[string]any{"message": map[string]any{"type": "text", "id": strconv.Itoa(c.n), "text": l.Text, "quoteToken": "q"}}))
	case transcript.Redelivery:
		msgs = c.post(t, c.event("message", l.ID, map[string]any{"message": map[string]any{"type": "text", "id": strconv.Itoa(c.n), "text": l.Text, "quoteToken": "q"}}))
	case transcript.Tap:
		data, ok := c.quick[l.Text]
		if !ok {
			t.Fatalf("line %d: no quick reply %q; have %v", l.N, l.Text, c.quick)
		}
		msgs = c.post(t, c.event("postback", "", map[string]any{"postback": map[string]any{"data": data}}))
	case transcript.Follow:
		msgs = c.post(t, c.event("follow", "", nil))
	case transcript.Unfollow:
		msgs = c.post(t, c.event("unfollow", "", nil))
	case transcript.Unsupported:
		content := map[string]any{"type": l.Text, "id": strconv.Itoa(c.n)}
		switch l.Text {
		case "sticker":
			content["packageId"], content["stickerId"], content["stickerResourceType"] = "446", "1988", "STATIC"
		case "image":
			content["contentProvider"] = map[string]any{"type": "line"}
		case "location":
			content["latitude"], content["longitude"] = 35.68, 139.76
		}
		msgs = c.post(t, c.event("message", "", map[string]any{"message": content}))
	case transcript.DeskReply, transcript.DeskClose:
		// What bot/slack does with a reply or a close in the thread: the engine, then a push.
		ev := bot.Event{Conversation: line.ConversationPrefix + c.user, Kind: bot.DeskReplyEvent, Text: l.Text}
		if l.Kind == transcript.DeskClose {
			ev.Kind, ev.Text = bot.DeskCloseEvent, c.thread
			if l.Text == "another" {
				ev.Text = "H-ANOTHER"
			}
		}
		m, err := c.engine.Engine.Handle(context.Background(), ev)
		if err != nil {
			t.Fatal(err)
		}
		if len(m) > 0 {
			c.sender.Push(ev.Conversation, c.thread, m)
		}
		msgs = m
	default:
		t.Fatalf("line %d: not an action", l.N)
	}
	c.notices(t)
	got := c.received(t, msgs)
	var b strings.Builder
	transcript.Render(&b, got)
	return b.String()
}

// event builds one webhook event of the channel's user; id "" gives a fresh one.
func (c *Channel) event(typ, id string, fields map[string]any) map[string]any {
	c.n++
	if id == "" {
		id = fmt.Sprintf("01GHTRANSCRIPT%05d", c.n)
	}
	e := map[string]any{
		"type": typ, "mode": "active", "timestamp": c.now().UnixMilli(),
		"source":          map[string]any{"type": "user", "userId": c.user},
		"webhookEventId":  id,
		"deliveryContext": map[string]any{"isRedelivery": false},
	}
	if typ != "unfollow" {
		e["replyToken"] = fmt.Sprintf("reply-%d", c.n)
	}
	for k, v := range fields {
		e[k] = v
	}
	return e
}

// post signs and posts one event and returns the messages the engine answered with.
func (c *Channel) post(t testing.TB, ev map[string]any) []bot.Message {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"destination": "Ubot", "events": []any{ev}})
	req, _ := http.NewRequest("POST", c.srv.URL, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Line-Signature", bottest.SignLINE(secret, body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("webhook answered %d", resp.StatusCode)
	}
	return c.engine.taken()
}

// notices takes the notices of the turn from the outbox, keeping the last handoff's thread.
func (c *Channel) notices(t testing.TB) {
	ds, err := c.store.Claim(context.Background(), "test", 100, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if d.Kind == bot.NoticeHandoff {
			c.thread = d.Thread
		}
		c.store.Ack(context.Background(), d)
	}
}

// received waits for the calls to the Messaging API that carry msgs, checks each against
// LINE's limits and returns what they say, read back from the JSON LINE received.
func (c *Channel) received(t testing.TB, msgs []bot.Message) []bot.Message {
	t.Helper()
	rendered, err := line.Render(msgs)
	if err != nil {
		t.Fatal(err)
	}
	var got []bot.Message
	for len(got) < len(rendered) {
		select {
		case r := <-c.api.Received:
			if strings.HasPrefix(r.Path, "/v2/bot/message/") {
				got = append(got, c.decode(t, r)...)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("LINE received %d of %d messages", len(got), len(rendered))
		}
	}
	return got
}

// decode checks one reply or push against the Messaging API's rules and returns its
// messages as the clinic sees them, keeping the quick replies of the last.
func (c *Channel) decode(t testing.TB, r bottest.Request) []bot.Message {
	t.Helper()
	msgs, quick := Decode(t, r)
	if raw := r.JSON(); raw["replyToken"] == nil && raw["to"] != c.user {
		t.Fatalf("%s: neither a reply token nor the user", r.Path)
	}
	if quick != nil {
		c.quick = quick
	}
	return msgs
}

// Decode checks a reply or push body against the Messaging API's rules by decoding it with
// the SDK's own types — 1 to 5 messages, texts of at most 5,000 characters, flex altText of
// at most 400 and no "flex":0, 1 to 13 quick replies, each a postback action with a label of
// at most 20 characters and data of at most 300 bytes — and returns its messages as the
// clinic sees them, with the quick replies of the last message that has any (label to
// data; nil for none).
func Decode(t testing.TB, r bottest.Request) ([]bot.Message, map[string]string) {
	t.Helper()
	var raw struct {
		ReplyToken string            `json:"replyToken"`
		To         string            `json:"to"`
		Messages   []json.RawMessage `json:"messages"`
	}
	if err := json.Unmarshal(r.Body, &raw); err != nil {
		t.Fatalf("%s: body is not JSON: %v", r.Path, err)
	}
	if n := len(raw.Messages); n == 0 || n > 5 {
		t.Fatalf("%s: %d messages in one call; LINE takes 1 to 5", r.Path, n)
	}
	if raw.ReplyToken == "" && raw.To == "" {
		t.Fatalf("%s: neither replyToken nor to", r.Path)
	}
	var out []bot.Message
	var quick map[string]string
	for i, m := range raw.Messages {
		msg, err := messaging_api.UnmarshalMessage(m)
		if err != nil {
			t.Fatalf("%s: message %d is not a Messaging API message: %v\n%s", r.Path, i, err, m)
		}
		var qr *messaging_api.QuickReply
		var bm bot.Message
		switch msg := msg.(type) {
		case messaging_api.TextMessage:
			if msg.Text == "" || utf8.RuneCountInString(msg.Text) > 5000 {
				t.Errorf("text message of %d characters", utf8.RuneCountInString(msg.Text))
			}
			bm.Text, qr = msg.Text, msg.QuickReply
		case messaging_api.FlexMessage:
			if msg.AltText == "" || utf8.RuneCountInString(msg.AltText) > 400 {
				t.Errorf("flex altText of %d characters", utf8.RuneCountInString(msg.AltText))
			}
			if strings.Contains(string(m), `"flex":0`) {
				t.Errorf(`flex message carries "flex":0, which squeezes boxes`)
			}
			bm.Card, qr = bubbleCard(t, m), msg.QuickReply
		default:
			t.Fatalf("unexpected message type %T", msg)
		}
		if qr != nil {
			if len(qr.Items) == 0 || len(qr.Items) > 13 {
				t.Errorf("%d quick reply items; LINE takes 1 to 13", len(qr.Items))
			}
			quick = map[string]string{}
			for _, it := range qr.Items {
				pb, ok := it.Action.(messaging_api.PostbackAction)
				if it.Type != "action" || !ok {
					t.Fatalf("quick reply item %+v is not a postback action", it)
				}
				if pb.Label == "" || utf8.RuneCountInString(pb.Label) > 20 || pb.Data == "" || len(pb.Data) > 300 || pb.DisplayText == "" {
					t.Errorf("quick reply action %+v breaks LINE's limits", pb)
				}
				quick[pb.Label] = pb.Data
				bm.Choices = append(bm.Choices, bot.Choice{Label: pb.Label, Value: pb.Data})
			}
		}
		out = append(out, bm)
	}
	return out, quick
}

// bubbleCard reads a card back from the Flex bubble line.Render builds: the header's
// title, one box per row (label, value), the notes as "⚠ " texts.
func bubbleCard(t testing.TB, m json.RawMessage) *bot.Card {
	t.Helper()
	type text struct {
		Type     string `json:"type"`
		Text     string `json:"text"`
		Contents []text `json:"contents"`
	}
	var fm struct {
		Contents struct {
			Type   string `json:"type"`
			Header text   `json:"header"`
			Body   text   `json:"body"`
		} `json:"contents"`
	}
	if err := json.Unmarshal(m, &fm); err != nil || fm.Contents.Type != "bubble" || len(fm.Contents.Header.Contents) != 1 {
		t.Fatalf("flex contents are not the card's bubble: %v\n%s", err, m)
	}
	card := &bot.Card{Title: fm.Contents.Header.Contents[0].Text}
	for _, x := range fm.Contents.Body.Contents {
		switch {
		case x.Type == "box" && len(x.Contents) == 2:
			card.Rows = append(card.Rows, bot.Field{Label: x.Contents[0].Text, Value: x.Contents[1].Text})
		case x.Type == "text" && strings.HasPrefix(x.Text, "⚠ "):
			card.Notes = append(card.Notes, strings.TrimPrefix(x.Text, "⚠ "))
		default:
			t.Fatalf("unexpected bubble component %+v", x)
		}
	}
	return card
}
