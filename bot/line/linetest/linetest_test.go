package linetest

import (
	"fmt"
	"strings"
	"testing"

	"deskbot/bot/bottest"
)

// failures records what Decode reports, as a test would fail.
type failures struct {
	testing.TB
	msgs []string
}

func (f *failures) Helper() {}
func (f *failures) Errorf(format string, args ...any) {
	f.msgs = append(f.msgs, fmt.Sprintf(format, args...))
}
func (f *failures) Fatalf(format string, args ...any) {
	f.Errorf(format, args...)
	panic(f)
}

func decode(body string) (quick map[string]string, msgs []string) {
	f := &failures{}
	func() {
		defer func() {
			if r := recover(); r != nil && r != any(f) {
				panic(r)
			}
		}()
		_, quick = Decode(f, bottest.Request{Path: "/v2/bot/message/reply", Body: []byte(body)})
	}()
	return quick, f.msgs
}

// Every call is held to LINE's limits: a body LINE would refuse fails the transcript.
func TestDecodeRefuses(t *testing.T) {
	text := func(s string) string { return `{"type":"text","text":"` + s + `"}` }
	six := strings.Repeat(text("x")+",", 5) + text("x")
	item := func(label string) string {
		return `{"type":"action","action":{"type":"postback","label":"` + label + `","data":"d","displayText":"` + label + `"}}`
	}
	for name, body := range map[string]string{
		"six messages":     `{"replyToken":"r","messages":[` + six + `]}`,
		"no address":       `{"messages":[` + text("x") + `]}`,
		"empty text":       `{"replyToken":"r","messages":[` + text("") + `]}`,
		"long label":       `{"replyToken":"r","messages":[{"type":"text","text":"q","quickReply":{"items":[` + item(strings.Repeat("長", 21)) + `]}}]}`,
		"fourteen replies": `{"replyToken":"r","messages":[{"type":"text","text":"q","quickReply":{"items":[` + strings.TrimSuffix(strings.Repeat(item("a")+",", 14), ",") + `]}}]}`,
		"flex zero":        `{"replyToken":"r","messages":[{"type":"flex","altText":"a","contents":{"type":"bubble","header":{"type":"box","layout":"vertical","contents":[{"type":"text","text":"t","flex":0}]},"body":{"type":"box","layout":"vertical","contents":[]}}}]}`,
	} {
		if _, msgs := decode(body); len(msgs) == 0 {
			t.Errorf("%s: accepted", name)
		}
	}
	quick, msgs := decode(`{"replyToken":"r","messages":[{"type":"text","text":"q","quickReply":{"items":[` + item("はい") + `]}}]}`)
	if len(msgs) != 0 || quick["はい"] != "d" {
		t.Errorf("a valid reply: failures %v, quick replies %v", msgs, quick)
	}
}
