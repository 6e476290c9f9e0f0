package line

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"

	"deskbot/bot"
)

// sdkEvents is the reference: the body parsed by the SDK's webhook.CallbackRequest and
// translated as the handler did before it decoded bodies itself.
func sdkEvents(body []byte) ([]bot.Event, error) {
	var cb webhook.CallbackRequest
	if err := json.Unmarshal(body, &cb); err != nil {
		return nil, err
	}
	var out []bot.Event
	for _, e := range cb.Events {
		var (
			ev     bot.Event
			source webhook.SourceInterface
		)
		switch e := e.(type) {
		case webhook.MessageEvent:
			source = e.Source
			ev = bot.Event{ID: e.WebhookEventId, Reply: e.ReplyToken}
			switch m := e.Message.(type) {
			case webhook.TextMessageContent:
				ev.Kind, ev.Text = bot.TextEvent, m.Text
			case nil:
				ev.Kind, ev.Text = bot.UnsupportedEvent, "unknown"
			default:
				ev.Kind, ev.Text = bot.UnsupportedEvent, m.GetType()
			}
		case webhook.PostbackEvent:
			source = e.Source
			ev = bot.Event{ID: e.WebhookEventId, Reply: e.ReplyToken, Kind: bot.ChoiceEvent}
			if e.Postback != nil {
				ev.Text = e.Postback.Data
			}
		case webhook.FollowEvent:
			source = e.Source
			ev = bot.Event{ID: e.WebhookEventId, Reply: e.ReplyToken, Kind: bot.FollowEvent}
		case webhook.UnfollowEvent:
			source = e.Source
			ev = bot.Event{ID: e.WebhookEventId, Kind: bot.UnfollowEvent}
		default:
			continue
		}
		user, ok := source.(webhook.UserSource)
		if !ok || user.UserId == "" {
			continue
		}
		ev.Conversation = ConversationPrefix + user.UserId
		out = append(out, ev)
	}
	return out, nil
}

var quietHandler = &Handler{log: slog.New(slog.NewTextHandler(io.Discard, nil))}

// leanEvents is what the handler makes of body.
func leanEvents(body []byte) ([]bot.Event, error) {
	events, err := decodeWebhook(body)
	if err != nil {
		return nil, err
	}
	var out []bot.Event
	for _, e := range events {
		if ev, ok := quietHandler.translate(e); ok {
			out = append(out, ev)
		}
	}
	return out, nil
}

// corpus is webhook bodies as LINE sends them — every event type the desk handles and
// several it ignores, every kind of source and message — and the same with the members
// the SDK and a naive decoder might read differently: names in another case or
// escaped, duplicates, nulls, members of the wrong kind, odd strings.
func corpus() []string {
	sources := []string{
		`{"type":"user","userId":"U4af4980629"}`,
		`{"type":"user"}`,
		`{"type":"user","userId":null}`,
		`{"type":"user","userId":""}`,
		`{"type":"user","USERID":"Ucase"}`,
		`{"type":"user","userid":"Ulower","userId":"Uexact"}`,
		`{"type":"user","userId":"Ufirst","userId":null}`,
		`{"type":"user","userId":"Ufirst","userId":"Ulast"}`,
		`{"type":"user","user\u0049d":"Uescaped"}`,
		`{"type":"user","userıd":"Udotless"}`,
		`{"type":"user","user\u0130d":"Udotted"}`,
		`{"type":"user","u\u017FerId":"Ulong-s"}`,
		`{"TYPE":"user","userId":"Utype-case"}`,
		`{"type":"group","groupId":"Ca56f9","userId":"U4af4980629"}`,
		`{"type":"room","roomId":"Ra8dc1","userId":"U4af4980629"}`,
		`{"type":"somewhere","userId":"U4af4980629"}`,
		`{"type":null,"userId":"U4af4980629"}`,
		`{"type":"user","userId":"U\u00e9\ud83d\ude00"}`,
		`{"type":"user","type":"group","userId":"Udup-type"}`,
		`{"type":"group","type":"user","userId":"Udup-type2"}`,
		`{"type":"user","userId":5}`,
		`null`,
		`"user"`,
	}
	messages := []string{
		`{"id":"444573844083572737","type":"text","quoteToken":"q3Plxr4AgKd","text":"見積チェック"}`,
		`{"type":"text","text":"はい","emojis":[{"index":0,"length":6,"productId":"5ac1bfd5","emojiId":"001"}],"mention":{"mentionees":[{"index":0,"length":4,"type":"user","userId":"U1"}]}}`,
		`{"type":"text"}`,
		`{"type":"text","text":null}`,
		`{"type":"text","text":"a","text":null}`,
		`{"type":"text","text":"a","Text":"b"}`,
		`{"type":"text","TEXT":"upper"}`,
		`{"type":"text","te\u0078t":"escaped name"}`,
		`{"type":"text","text":"\u30e1\u30cb\u30e5\u30fc \ud83d\ude00 \n\t\"q\" \\ \/"}`,
		`{"type":"text","text":"lone \ud800 surrogate \udc00"}`,
		`{"type":"text","text":""}`,
		`{"Type":"text","type":"image","text":"x"}`,
		`{"type":"image","id":"354718705033693859","contentProvider":{"type":"line"},"imageSet":{"id":"E005D41A","index":1,"total":2}}`,
		`{"type":"sticker","id":"1","packageId":"446","stickerId":"1988","stickerResourceType":"ANIMATION","keywords":["cony"]}`,
		`{"type":"location","id":"1","title":"my location","address":"東京都","latitude":35.65910807942215,"longitude":139.70372892916203}`,
		`{"type":"audio","id":"1","duration":60000,"contentProvider":{"type":"line"}}`,
		`{"type":"video","id":"1","duration":60000,"contentProvider":{"type":"external","originalContentUrl":"https://example.com/v.mp4"}}`,
		`{"type":"file","id":"1","fileName":"見積.pdf","fileSize":2138}`,
		`{"type":"hologram","text":"future"}`,
		`{"type":"","text":"empty type"}`,
		`{"type":null,"text":"null type"}`,
	}
	postbacks := []string{
		`{"data":"menu:checklist"}`,
		`{"data":"action=buy&itemid=111","params":{"datetime":"2017-12-25T01:00"}}`,
		`{"DATA":"upper"}`,
		`{"data":"a","data":null}`,
		`{}`,
		`null`,
		`{"data":"x","params":{"newRichMenuAliasId":"richmenu-alias-b","status":"SUCCESS"}}`,
	}
	common := `"timestamp":1462629479859,"mode":"active","webhookEventId":"01FZ74A0TDDPYRVKNK77XKC3ZR","deliveryContext":{"isRedelivery":false}`
	var events []string
	for _, s := range sources {
		for _, m := range messages {
			events = append(events, fmt.Sprintf(`{"replyToken":"nHuyWiB7yP5Zw52FIkcQobQuGDXCTA","type":"message",%s,"source":%s,"message":%s}`, common, s, m))
		}
		for _, p := range postbacks {
			events = append(events, fmt.Sprintf(`{"type":"postback",%s,"replyToken":"b60d432864f44d079f6d8efe86cf404b","source":%s,"postback":%s}`, common, s, p))
		}
		for _, typ := range []string{"follow", "unfollow", "join", "leave", "unsend", "beacon", "memberJoined", "videoPlayComplete", "whatever"} {
			events = append(events, fmt.Sprintf(`{"type":%q,%s,"replyToken":"85cbe770fa8b4f45bbe077b1d4be4a36","source":%s,"follow":{"isUnblocked":false}}`, typ, common, s))
		}
	}
	u := `{"type":"user","userId":"U4af4980629"}`
	events = append(events,
		`{"type":"message","source":`+u+`}`,
		`{"type":"message","source":`+u+`,"message":null}`,
		`{"type":"message","message":{"type":"text","text":"no source"}}`,
		`{"type":"message","source":`+u+`,"message":{"type":"text","text":"first"},"message":{"type":"text"}}`,
		`{"type":"message","source":{"type":"group"},"source":`+u+`,"message":{"type":"text","text":"last source"}}`,
		`{"type":"message","source":`+u+`,"webhookEventId":"a","webhookEventId":null,"replyToken":"r","replyToken":"s","message":{"type":"text","text":"x"}}`,
		`{"type":"postback","source":`+u+`,"postback":{"data":"first"},"postback":{"params":{}}}`,
		`{"type":"postback","source":`+u+`}`,
		`{"type":"follow","source":`+u+`}`,
		`{"type":"unfollow","source":`+u+`,"replyToken":"never used"}`,
		`{"type":null,"source":`+u+`}`,
		`{"type":"Message","source":`+u+`,"message":{"type":"text","text":"case of the type"}}`,
		`{"\u0074ype":"message","source":`+u+`,"message":{"type":"text","text":"escaped type name"}}`,
		`{"type":"message","type":"follow","source":`+u+`}`,
		`{"type":"whatever","source":{"type":"user","userId":5},"webhookEventId":7}`,
		`{"type":"message","source":`+u+`,"message":{"type":"text","text":"x"},"webhookEventId":7}`,
		`{"type":"message","source":`+u+`,"message":{"type":"text","text":"x"},"timestamp":"soon"}`,
		`{"type":5,"source":`+u+`}`,
		`{"source":`+u+`}`,
		`null`,
		`5`,
		`[]`,
	)
	var bodies []string
	for _, e := range events {
		bodies = append(bodies, `{"destination":"xxxxxxxxxx","events":[`+e+`]}`)
	}
	for i := 0; i+3 <= len(events); i += 17 {
		bodies = append(bodies, `{"destination":"xxxxxxxxxx","events":[`+strings.Join(events[i:i+3], ",")+`]}`)
	}
	bodies = append(bodies,
		`{"destination":"xxxxxxxxxx","events":[]}`,
		`{"events":null}`,
		`{"destination":"xxxxxxxxxx"}`,
		`{}`,
		`null`,
		` {"events":[]} `,
		`{"events":[],"events":[`+events[0]+`]}`,
		`{"events":[`+events[0]+`],"events":[]}`,
		`{"events":[`+events[0]+`],"Events":[]}`,
		`{"destination":5,"events":[`+events[0]+`]}`,
		`{"events":{}}`,
		`{"events":"x"}`,
		`{"events":[null]}`,
		`{"events":[]}{}`,
		`{"events":[`,
		`[]`,
		`"body"`,
		``,
		"{\"events\":[{\"type\":\"message\",\"source\":"+u+",\"message\":{\"type\":\"text\",\"text\":\"bad \xff\xfe utf-8 \xe3\x81\"}}]}",
		"{\"events\":[{\"type\":\"message\",\"source\":{\"type\":\"user\",\"userId\":\"U\xc0\"},\"message\":{\"type\":\"text\",\"text\":\"x\"}}]}",
	)
	return bodies
}

// The lean decoder yields exactly the SDK's events on every body the SDK parses, and
// refuses what the SDK refuses whatever the event.
func TestDecodeWebhookMatchesSDK(t *testing.T) {
	parsed, refused := 0, 0
	for _, body := range corpus() {
		want, werr := sdkEvents([]byte(body))
		got, gerr := leanEvents([]byte(body))
		if werr != nil {
			refused++
			continue
		}
		parsed++
		if gerr != nil {
			t.Errorf("body %s\nthe SDK parses it, the lean decoder refuses it: %v", body, gerr)
			continue
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("body %s\nevents differ (-SDK +lean):\n%s", body, diff)
		}
	}
	if parsed < 700 || refused < 100 {
		t.Fatalf("the corpus has %d bodies the SDK parses and %d it refuses; want a wide corpus", parsed, refused)
	}
	t.Logf("%d bodies parsed alike, %d refused by the SDK", parsed, refused)
}

// What the SDK refuses in any event, the lean decoder refuses too: the handler answers
// 400.
func TestDecodeWebhookRefusesMalformed(t *testing.T) {
	for _, body := range []string{``, `[]`, `5`, `"x"`, `{"events":{}}`, `{"events":[null]}`, `{"events":[5]}`,
		`{"events":[{}]}`, `{"events":[{"type":5}]}`, `{"events":[]}{}`, `{"events":[`, `{"events":[{"type":"message","source":{]}`} {
		if _, werr := sdkEvents([]byte(body)); werr == nil {
			t.Errorf("the SDK parses %s; the case is wrong", body)
		}
		if evs, err := decodeWebhook([]byte(body)); err == nil {
			t.Errorf("decodeWebhook(%s) = %+v, want an error", body, evs)
		}
	}
}

// FuzzDecodeWebhook: on any body the SDK parses, the lean decoder yields the same events;
// on any body it never panics.
func FuzzDecodeWebhook(f *testing.F) {
	for _, body := range corpus() {
		f.Add([]byte(body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		got, gerr := leanEvents(body)
		want, werr := sdkEvents(body)
		if werr != nil {
			return
		}
		if gerr != nil {
			t.Fatalf("the SDK parses the body, the lean decoder refuses it: %v", gerr)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("events differ (-SDK +lean):\n%s", diff)
		}
	})
}

func BenchmarkDecodeWebhook(b *testing.B) {
	body := []byte(corpus()[0])
	b.Run("sdk", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := sdkEvents(body); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("lean", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := leanEvents(body); err != nil {
				b.Fatal(err)
			}
		}
	})
}
