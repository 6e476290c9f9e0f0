package flows_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"deskbot/bot"
	"deskbot/flows"
)

// A session written by the code before the modes were typed goes on where it was: a
// multiple choice with picks, an open handoff, the confirmation screen of a report
// pre-filled from a kept checklist.
func TestLegacySessionsGoOn(t *testing.T) {
	d := flows.NewBrain(embedded(t))
	now := time.Date(2022, 11, 15, 10, 0, 0, 0, bot.JST)
	for _, tc := range []struct {
		name, session string
		ev            bot.Event
		want          string
		check         func(*testing.T, bot.Outcome, *bot.Session)
	}{
		{"picks of a multiple choice", `{"flow":"report","step":"categories","answers":{"_picks":"over-cap"},"trail":[]}`,
			bot.Event{Kind: bot.TextEvent, Text: "選択を終える"}, "見積の導入費用",
			func(t *testing.T, _ bot.Outcome, s *bot.Session) {
				if s.Answers["categories"] != "over-cap" || len(s.Picks) != 0 {
					t.Errorf("categories %q, picks %v", s.Answers["categories"], s.Picks)
				}
			}},
		{"an open handoff", `{"flow":"handoff","step":"open","answers":{"thread":"H-OLD"}}`,
			bot.Event{Kind: bot.TextEvent, Text: "追加の質問です"}, "担当者に送りました",
			func(t *testing.T, o bot.Outcome, _ *bot.Session) {
				if len(o.Notices) != 1 || o.Notices[0].Thread != "H-OLD" || o.Notices[0].Kind != bot.NoticeHandoffMessage {
					t.Errorf("notices %+v, want one message in thread H-OLD", o.Notices)
				}
			}},
		{"a pre-filled report at its confirmation screen",
			`{"flow":"report","step":"_confirm","answers":{"_from":"1","categories":"over-cap","quote_amount":"500000","details":"高い","facility":"さくら内科","prefecture":"東京都","code":"","facility_type":"clinic","contact":"","consent":"yes"},
			  "records":[{"flow":"checklist","answers":{"_id":"1","vendor":"さくらメディカル","facility_type":"clinic"},"time":"2022-11-15T10:00:00+09:00"}]}`,
			bot.Event{Kind: bot.TextEvent, Text: "送信する"}, "R-20221115-0001",
			func(t *testing.T, o bot.Outcome, _ *bot.Session) {
				if len(o.Notices) != 1 || o.Notices[0].Report == nil || !strings.Contains(fieldsText(o.Notices[0].Report.Checklist), "さくらメディカル") {
					t.Errorf("notices %+v, want the report with the checklist it was pre-filled from", o.Notices)
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var s bot.Session
			if err := json.Unmarshal([]byte(tc.session), &s); err != nil {
				t.Fatal(err)
			}
			s.Conversation = "line:Ulegacy"
			turn := bot.NewTurn(tc.ev, &s, now, func(context.Context) (string, error) { return "R-20221115-0001", nil })
			o, err := d.Decide(context.Background(), turn)
			if err != nil {
				t.Fatal(err)
			}
			var said strings.Builder
			for _, m := range o.Messages {
				said.WriteString(m.Text + "\n")
			}
			if !strings.Contains(said.String(), tc.want) {
				t.Errorf("reply lacks %q:\n%s", tc.want, said.String())
			}
			for k := range s.Answers {
				if strings.HasPrefix(k, "_") {
					t.Errorf("answer key %q left in the session", k)
				}
			}
			tc.check(t, o, &s)
		})
	}
}

func fieldsText(fs []bot.Field) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(f.Label + " " + f.Value + "\n")
	}
	return b.String()
}
