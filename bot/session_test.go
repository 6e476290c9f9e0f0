package bot_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"deskbot/bot"
)

// Sessions live a week: one written before the modes were typed must load into the
// typed fields, with no "_" key left among the answers, and go on where it was.
func TestSessionDecodesLegacy(t *testing.T) {
	day := time.Date(2022, 11, 15, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, json string
		want       bot.Session
	}{
		{"FAQ answer over a suspended flow with picks",
			`{"flow":"faq","step":"reader-deadline","stack":[{"flow":"report","step":"categories","answers":{"_picks":"over-cap,slow"},"trail":[]}],"updated":"2022-11-15T10:00:00Z"}`,
			bot.Session{Frame: bot.Frame{Mode: bot.ModeFAQ, Topic: "reader-deadline"}, Updated: day,
				Stack: []bot.Frame{{Flow: "report", Step: "categories", Picks: []string{"over-cap", "slow"}, Trail: []string{}}}}},
		{"handoff asking",
			`{"flow":"handoff","step":"ask","updated":"2022-11-15T10:00:00Z"}`,
			bot.Session{Frame: bot.Frame{Mode: bot.ModeHandoffAsk}, Updated: day}},
		{"handoff open",
			`{"flow":"handoff","step":"open","answers":{"thread":"H-ABC"},"updated":"2022-11-15T10:00:00Z"}`,
			bot.Session{Frame: bot.Frame{Mode: bot.ModeHandoffOpen, Thread: "H-ABC"}, Updated: day}},
		{"confirmation screen of a pre-filled report",
			`{"flow":"report","step":"_confirm","answers":{"_from":"2","details":"高い"},"trail":["details"],"updated":"2022-11-15T10:00:00Z"}`,
			bot.Session{Frame: bot.Frame{Mode: bot.ModeConfirm, Flow: "report", From: "2", Answers: map[string]string{"details": "高い"}, Trail: []string{"details"}}, Updated: day}},
		{"field list, second page",
			`{"flow":"report","step":"_edit","answers":{"_page":"1","details":"高い"},"updated":"2022-11-15T10:00:00Z"}`,
			bot.Session{Frame: bot.Frame{Mode: bot.ModeEdit, Flow: "report", Page: 1, Answers: map[string]string{"details": "高い"}}, Updated: day}},
		{"a field opened from the confirmation screen",
			`{"flow":"report","step":"contact","answers":{"details":"高い"},"trail":["details","consent","_confirm"],"updated":"2022-11-15T10:00:00Z"}`,
			bot.Session{Frame: bot.Frame{Flow: "report", Step: "contact", Editing: true, Answers: map[string]string{"details": "高い"}, Trail: []string{}}, Updated: day}},
		{"checklist summary and kept records",
			`{"flow":"checklist","step":"_summary","answers":{"_record":"2"},"records":[{"flow":"checklist","answers":{"_id":"2","vendor":"A社"},"time":"2022-11-15T10:00:00Z"}],"updated":"2022-11-15T10:00:00Z"}`,
			bot.Session{Frame: bot.Frame{Mode: bot.ModeSummary, Flow: "checklist", Record: "2"}, Updated: day,
				Records: []bot.Record{{ID: "2", Flow: "checklist", Answers: map[string]string{"vendor": "A社"}, Time: day}}}},
		{"a question today's code writes the same",
			`{"flow":"checklist","step":"vendor","answers":{"facility_type":"clinic"},"updated":"2022-11-15T10:00:00Z"}`,
			bot.Session{Frame: bot.Frame{Flow: "checklist", Step: "vendor", Answers: map[string]string{"facility_type": "clinic"}}, Updated: day}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got bot.Session
			if err := json.Unmarshal([]byte(tc.json), &got); err != nil {
				t.Fatal(err)
			}
			got.Migrate()
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("decoded (-want +got):\n%s", d)
			}
		})
	}
}

// A typed session survives its own encoding, mode by name, and Migrate leaves it as it is.
func TestSessionRoundTrip(t *testing.T) {
	s := bot.Session{Frame: bot.Frame{Mode: bot.ModeEdit, Flow: "report", Page: 2, Picks: []string{"slow"}, From: "1", Editing: true,
		Answers: map[string]string{"details": "x"}}, Stack: []bot.Frame{{Mode: bot.ModeSummary, Flow: "checklist", Record: "1"}},
		Records: []bot.Record{{ID: "1", Flow: "checklist", Answers: map[string]string{"vendor": "A"}}}}
	b, err := json.Marshal(&s)
	if err != nil {
		t.Fatal(err)
	}
	var got bot.Session
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	got.Migrate()
	if d := cmp.Diff(s, got); d != "" {
		t.Errorf("round trip (-want +got):\n%s\n%s", d, b)
	}
	var m bot.Mode
	if err := m.UnmarshalText([]byte("a-mode-of-a-newer-version")); err != nil || m != bot.ModeStep {
		t.Errorf("unknown mode read as %v, %v; want step, nil", m, err)
	}
	if _, err := bot.Mode(200).MarshalText(); err == nil {
		t.Error("an unknown mode encoded")
	}
}

// A handoff notice written before its context was typed may still wait in an outbox: it
// decodes into the typed context.
func TestHandoffContextDecodesLegacy(t *testing.T) {
	for _, tc := range []struct{ json, want string }{
		{`{"id":"H-1","kind":"handoff","conv":"line:U","time":"2022-11-15T10:00:00Z","context":[{"label":"flow","value":"見積チェック"},{"label":"step","value":"業者の名前は？"},{"label":"answers","value":"2"}]}`,
			"&{Flow:見積チェック Question:業者の名前は？ Answers:2}"},
		{`{"id":"H-1","kind":"handoff","conv":"line:U","time":"2022-11-15T10:00:00Z","context":{"flow":"障害の報告","answers":8}}`,
			"&{Flow:障害の報告 Question: Answers:8}"},
		{`{"id":"H-1","kind":"handoff","conv":"line:U","time":"2022-11-15T10:00:00Z"}`, "<nil>"},
	} {
		var n bot.Notice
		if err := json.Unmarshal([]byte(tc.json), &n); err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprintf("%+v", n.Context); got != tc.want {
			t.Errorf("context of %s = %s, want %s", tc.json, got, tc.want)
		}
	}
	var n bot.Notice
	if err := json.Unmarshal([]byte(`{"context":[{"label":1}]}`), &n); err == nil {
		t.Error("a malformed legacy context decoded")
	}
}
