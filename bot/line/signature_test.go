package line

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"
)

// The handler's signature check, which reuses its keyed HMAC states, accepts exactly the
// signatures the SDK's webhook.ValidateSignature accepts, whatever was checked before
// with the same states.
func FuzzValidSignature(f *testing.F) {
	const secret = "test-channel-secret"
	sign := func(body string) string {
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write([]byte(body))
		return base64.StdEncoding.EncodeToString(mac.Sum(nil))
	}
	body := `{"destination":"Ubot","events":[]}`
	good := sign(body)
	for _, sig := range []string{good, sign(body + " "), good[:len(good)-1], strings.TrimRight(good, "="), good + "=",
		good + "AAAA", good[:40] + "AAA=", strings.ToLower(good), "", "not base64!", strings.Repeat("A", 44),
		good[:42] + "B=", // the same bytes, unused bits set: the SDK's decoder accepts it
		base64.StdEncoding.EncodeToString(make([]byte, 33)), base64.URLEncoding.EncodeToString([]byte(good))} {
		f.Add(body, sig)
	}
	h := &Handler{secret: secret}
	f.Fuzz(func(t *testing.T, body, sig string) {
		for _, s := range []string{sig, sign(body)} {
			want := webhook.ValidateSignature(secret, s, []byte(body))
			if got := h.validSignature(s, []byte(body)); got != want {
				t.Fatalf("validSignature(%q) of %q = %v, the SDK says %v", s, body, got, want)
			}
		}
	})
}
