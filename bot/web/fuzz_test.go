package web_test

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"deskbot/bot/web"
)

// FuzzDecodeInput: whatever the body, the decoder answers without panicking, and what it
// accepts is within bounds and means the same once written again.
func FuzzDecodeInput(f *testing.F) {
	for _, s := range []string{
		`{"clinic":"clinicA0123456789abcdef","kind":"text","text":"締め切りはいつ？"}`,
		`{"clinic":"clinicA0123456789abcdef","kind":"tap","value":"cmd:checklist","label":"見積チェック"}`,
		`{"clinic":"clinicA0123456789abcdef","kind":"follow"}`,
		`{"clinic":"clinicA0123456789abcdef","kind":"desk","text":"担当の山田です。\n業者名を教えてください。"}`,
		`{"clinic":"clinicA0123456789abcdef","kind":"desk-close"}`,
		`{"clinic":"clinicA0123456789abcdef","now":"2022-11-15"}`,
		`{"clinic":"clinicA0123456789abcdef","now":"2022-11-15T10:00:00+09:00"}`,
		`{"clinic":"clinicA0123456789abcdef","kind":"text","text":"\ud800"}`,
		`{"clinic":"x","kind":"text"}`,
		`{"clinic":"clinicA0123456789abcdef","kind":"follow"} []`,
		`[]`, `null`, ``, `{`,
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, body []byte, forClock bool) {
		in, err := web.DecodeInput(body, forClock)
		if err != nil {
			if in != (web.Input{}) {
				t.Fatalf("error %v with input %+v", err, in)
			}
			return
		}
		if l := len(in.Clinic); l < 16 || l > 64 || strings.Trim(in.Clinic, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != "" {
			t.Fatalf("clinic %q accepted", in.Clinic)
		}
		for _, s := range []string{in.Text, in.Value, in.Label} {
			if !utf8.ValidString(s) || utf8.RuneCountInString(s) > 5000 {
				t.Fatalf("field out of bounds accepted: %+v", in)
			}
		}
		if forClock == (in.Kind != "") {
			t.Fatalf("kind %q accepted for clock=%v", in.Kind, forClock)
		}
		again, _ := json.Marshal(in)
		in2, err := web.DecodeInput(again, forClock)
		if err != nil || in2 != in {
			t.Fatalf("accepted %+v, but written again it reads %+v, %v", in, in2, err)
		}
	})
}
