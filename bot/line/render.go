package line

import (
	"encoding/json"
	"fmt"
	"slices"
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
// the SDK's client sends (json.Encoder over messaging_api.ReplyMessageRequest, its
// newline included), written directly for text messages — the SDK encodes the request
// twice and scans it once more, and encoding/json's recursion grows the stack of the
// goroutine sending the reply — and by encoding/json for the others.
func appendReply(dst []byte, token string, batch []messaging_api.MessageInterface) ([]byte, error) {
	dst = slices.Grow(dst, replySize(token, batch))
	dst = append(dst, `{"replyToken":`...)
	dst = appendString(dst, token)
	dst = append(dst, `,"notificationDisabled":false,"messages":`...)
	dst = append(dst, '[')
	for i, m := range batch {
		if i > 0 {
			dst = append(dst, ',')
		}
		if tm, ok := m.(*textMessage); ok {
			dst = tm.appendJSON(dst)
			continue
		}
		b, err := json.Marshal(m)
		if err != nil {
			return nil, err
		}
		dst = append(dst, b...)
	}
	return append(dst, "]}\n"...), nil
}

// replySize is about the size of the reply body appendReply writes, so that most
// bodies take one allocation of their own size: when every message is text and no
// character needs an escape, the size or at most two bytes a message over.
func replySize(token string, batch []messaging_api.MessageInterface) int {
	n := len(`{"replyToken":"","notificationDisabled":false,"messages":[]}`+"\n") + len(token)
	for _, m := range batch {
		tm, ok := m.(*textMessage)
		if !ok {
			n += 1024 // a card, encoded apart: the body grows if it is larger
			continue
		}
		n += len(`,{"type":"","text":""}`) + len(tm.Type) + len(tm.Text)
		if tm.QuickReply == nil {
			continue
		}
		n += len(`,"quickReply":{}`)
		if len(tm.QuickReply.Items) > 0 {
			n += len(`"items":[]`)
		}
		for _, it := range tm.QuickReply.Items {
			a := it.Action
			n += len(`,{"type":"","action":{"type":""}}`) + len(it.Type) + len(a.Type)
			for _, f := range a.optional() {
				if f.value != "" {
					n += len(f.name) + len(`""`) + len(f.value)
				}
			}
		}
	}
	return n
}

// appendJSON appends m as encoding/json writes it.
func (m *textMessage) appendJSON(dst []byte) []byte {
	dst = append(dst, `{"type":`...)
	dst = appendString(dst, m.Type)
	dst = append(dst, `,"text":`...)
	dst = appendString(dst, m.Text)
	if m.QuickReply != nil {
		dst = append(dst, `,"quickReply":{`...)
		for i, it := range m.QuickReply.Items {
			if i == 0 {
				dst = append(dst, `"items":[`...)
			} else {
				dst = append(dst, ',')
			}
			dst = append(dst, `{"type":`...)
			dst = appendString(dst, it.Type)
			dst = append(dst, `,"action":{"type":`...)
			dst = appendString(dst, it.Action.Type)
			for _, f := range it.Action.optional() {
				if f.value != "" { // omitempty
					dst = appendString(append(dst, f.name...), f.value)
				}
			}
			dst = append(dst, "}}"...)
		}
		if len(m.QuickReply.Items) > 0 {
			dst = append(dst, ']')
		}
		dst = append(dst, '}')
	}
	return append(dst, '}')
}

// appendString appends s as a JSON string as encoding/json writes it: HTML's <, > and &
// escaped, as are U+2028 and U+2029; invalid UTF-8 as U+FFFD.
func appendString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '"', '\\':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case c == utf8.RuneError && size == 1:
			dst = append(append(dst, s[start:i]...), `\ufffd`...)
		case c == '\u2028' || c == '\u2029':
			dst = append(append(dst, s[start:i]...), '\\', 'u', '2', '0', '2', hex[c&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	return append(append(dst, s[start:]...), '"')
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
