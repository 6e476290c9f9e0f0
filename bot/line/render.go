package line

import (
	"bytes"
	"encoding/json"
	"fmt"
	"unicode/utf8"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"deskbot/bot"
)

// Limits of the Messaging API that rendering keeps to.
const (
	maxMessagesPerCall = 5
	maxQuickReplies    = 13
	maxQuickLabel      = 20
	maxPostbackData    = 300
	maxText            = 5000
	maxAltText         = 400
)

// Render turns the engine's messages into Messaging API messages: text with quick replies
// (postback actions whose displayText shows what was tapped), cards as Flex bubbles with
// a plain altText. Text messages, nearly every reply, are plain structs that encode in
// one pass (the SDK's types re-encode each nested level); they encode to the JSON the
// SDK's TextMessage would, which the tests check.
func Render(msgs []bot.Message) ([]messaging_api.MessageInterface, error) {
	var out []messaging_api.MessageInterface
	for _, m := range msgs {
		if m.Card != nil {
			fm, err := flex(m.Card)
			if err != nil {
				return nil, err
			}
			if m.Text == "" {
				fm.QuickReply = sdkQuickReply(quickReplies(m.Choices))
			}
			out = append(out, fm)
		}
		// A text over LINE's limit (a long desk reply) goes in parts, none cut; the
		// choices ride on the last.
		parts := split(m.Text, maxText)
		for i, p := range parts {
			tm := &textMessage{Type: "text", Text: p}
			if i == len(parts)-1 {
				tm.QuickReply = quickReplies(m.Choices)
			}
			out = append(out, tm)
		}
	}
	return out, nil
}

// textMessage is a Messaging API text message with quick replies.
type textMessage struct {
	Type       string      `json:"type"`
	Text       string      `json:"text"`
	QuickReply *quickReply `json:"quickReply,omitempty"`
}

func (*textMessage) GetType() string { return "text" }

// appendReply appends the body of a reply call with token and batch: byte for byte what
// the SDK's client sends (a json.Encoder over messaging_api.ReplyMessageRequest, its
// newline included), encoded once — the SDK encodes the request twice and scans it once
// more. Text messages are plain structs (textMessage); cards keep the SDK's types.
func appendReply(dst []byte, token string, batch []messaging_api.MessageInterface) ([]byte, error) {
	if batch == nil {
		batch = []messaging_api.MessageInterface{} // the SDK writes [], not null
	}
	buf := bytes.NewBuffer(dst)
	err := json.NewEncoder(buf).Encode(replyRequest{ReplyToken: token, Messages: batch})
	return buf.Bytes(), err
}

// replyRequest is messaging_api.ReplyMessageRequest as the SDK encodes it, in its order.
type replyRequest struct {
	ReplyToken           string                           `json:"replyToken"`
	NotificationDisabled bool                             `json:"notificationDisabled"`
	Messages             []messaging_api.MessageInterface `json:"messages"`
}

type quickReply struct {
	Items []quickReplyItem `json:"items,omitempty"`
}

type quickReplyItem struct {
	Type   string         `json:"type"`
	Action postbackAction `json:"action"`
}

type postbackAction struct {
	Type        string `json:"type"`
	Label       string `json:"label,omitempty"`
	Data        string `json:"data,omitempty"`
	DisplayText string `json:"displayText,omitempty"`
}

// optional are a's members that are left out when empty, in their order, each name
// with a comma before it.
func (a postbackAction) optional() [3]struct{ name, value string } {
	return [...]struct{ name, value string }{{`,"label":`, a.Label}, {`,"data":`, a.Data}, {`,"displayText":`, a.DisplayText}}
}

// quickReplies makes the choices quick-reply buttons: at most 13, labels clipped, and
// a choice whose value does not fit a postback left out rather than cut.
func quickReplies(choices []bot.Choice) *quickReply {
	if len(choices) == 0 {
		return nil
	}
	items := make([]quickReplyItem, 0, min(len(choices), maxQuickReplies))
	for _, c := range choices[:min(len(choices), maxQuickReplies)] {
		if len(c.Value) > maxPostbackData {
			continue // never cut a value: a truncated value would answer something else
		}
		items = append(items, quickReplyItem{Type: "action",
			Action: postbackAction{Type: "postback", Label: clip(c.Label, maxQuickLabel), Data: c.Value, DisplayText: c.Label}})
	}
	return &quickReply{Items: items}
}

// sdkQuickReply is q as the SDK's type, for the Flex messages the SDK encodes.
func sdkQuickReply(q *quickReply) *messaging_api.QuickReply {
	if q == nil {
		return nil
	}
	items := make([]messaging_api.QuickReplyItem, len(q.Items))
	for i, it := range q.Items {
		a := it.Action
		items[i] = messaging_api.QuickReplyItem{Type: it.Type,
			Action: &messaging_api.PostbackAction{Label: a.Label, Data: a.Data, DisplayText: a.DisplayText}}
	}
	return &messaging_api.QuickReply{Items: items}
}

// flex builds a card as a Flex bubble. The container is sent as the JSON written here,
// not through the SDK's structs, which serialise "flex":0 on every component and so
// squeeze the boxes of horizontal layouts.
func flex(c *bot.Card) (*messaging_api.FlexMessage, error) {
	text := func(s string, extra map[string]any) map[string]any {
		t := map[string]any{"type": "text", "text": s, "wrap": true, "size": "sm"}
		for k, v := range extra {
			t[k] = v
		}
		return t
	}
	var body []any
	for _, r := range c.Rows {
		body = append(body, map[string]any{
			"type": "box", "layout": "vertical", "margin": "md", "contents": []any{
				text(r.Label, map[string]any{"color": "#888888", "size": "xs"}),
				text(nonEmpty(r.Value), nil),
			},
		})
	}
	for _, n := range c.Notes {
		body = append(body, text("⚠ "+n, map[string]any{"color": "#C0392B", "margin": "md"}))
	}
	if len(body) == 0 {
		body = append(body, text("—", nil))
	}
	bubble := map[string]any{
		"type": "bubble",
		"header": map[string]any{"type": "box", "layout": "vertical", "contents": []any{
			text(c.Title, map[string]any{"weight": "bold", "size": "md"}),
		}},
		"body": map[string]any{"type": "box", "layout": "vertical", "contents": body},
	}
	b, err := json.Marshal(bubble)
	if err != nil {
		return nil, fmt.Errorf("flex: %w", err)
	}
	alt := c.Text
	if alt == "" {
		alt = c.Title
	}
	return &messaging_api.FlexMessage{AltText: clip(alt, maxAltText), Contents: rawBubble(b)}, nil
}

// rawBubble is a Flex bubble already written as JSON.
type rawBubble json.RawMessage

func (rawBubble) GetType() string { return "bubble" }

func (b rawBubble) MarshalJSON() ([]byte, error) { return b, nil }

func nonEmpty(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// clip shortens s to n characters, marking the cut.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// split cuts s into parts of at most n characters, at a line break in the second half of
// a part where there is one; "" gives no part.
func split(s string, n int) []string {
	if s != "" && utf8.RuneCountInString(s) <= n {
		return []string{s} // nearly every text: no copy as runes
	}
	var parts []string
	for s != "" {
		r := []rune(s)
		if len(r) <= n {
			parts = append(parts, s)
			break
		}
		cut := n
		for i := n - 1; i > n/2; i-- {
			if r[i] == '\n' {
				cut = i + 1
				break
			}
		}
		parts = append(parts, string(r[:cut]))
		s = string(r[cut:])
	}
	return parts
}
