package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"deskbot/bot/bottest"
)

// The secret settings with values a test can look for in any output.
var secretValues = map[string]string{
	"LINE_CHANNEL_SECRET":       "line-secret-4f1c9a",
	"LINE_CHANNEL_ACCESS_TOKEN": "line-token-8d2e7b",
	"SLACK_BOT_TOKEN":           "xoxb-slack-token-3a9f",
	"SLACK_SIGNING_SECRET":      "slack-signing-6b0d2c",
	"REDIS_URL":                 "redis://:redis-pass-7e5a1f@127.0.0.1:1/0",
	"DESKBOT_WEB_TOKEN":         "web-token-5c8e0d",
}

// Every setting marked secret is among the values the tests look for, so a secret added
// later cannot escape them.
func TestEverySecretSettingIsChecked(t *testing.T) {
	var c Config
	for _, s := range c.settings(&raw{}) {
		if _, ok := secretValues[s.env]; s.secret != ok {
			t.Errorf("%s: secret %v, but in secretValues %v", s.env, s.secret, ok)
		}
	}
}

// leaked returns the secret values (and the password in REDIS_URL) found in out.
func leaked(out string, extra ...string) []string {
	var found []string
	for _, v := range append([]string{"redis-pass-7e5a1f"}, extra...) {
		if strings.Contains(out, v) {
			found = append(found, v)
		}
	}
	for name, v := range secretValues {
		if strings.Contains(out, v) {
			found = append(found, name)
		}
	}
	return found
}

// No secret value appears in any output of the program: usage (-h), a bad flag, a
// configuration refused, a start that fails at Slack or at Redis — whether the secrets
// come from the environment or from flags.
func TestNoSecretInAnyOutput(t *testing.T) {
	slackAPI := bottest.NewSlackAPI(t, "C0DESK") // its token is not ours: auth.test refuses
	kv := []string{"SLACK_DESK_CHANNEL", "C0DESK", "SLACK_API_URL", slackAPI.URL + "/api/"}
	for name, v := range secretValues {
		kv = append(kv, name, v)
	}
	full := env(kv...)
	noRedis := func(name string) string {
		if name == "REDIS_URL" {
			return ""
		}
		return full(name)
	}
	noSlack := func(name string) string {
		if strings.HasPrefix(name, "SLACK_") {
			return ""
		}
		return full(name)
	}
	asFlags := []string{"--line-channel-secret", "flag-line-secret-11aa", "--slack-bot-token=xoxb-flag-token-22bb",
		"-slack-signing-secret", "flag-signing-33cc", "--redis-url=redis://user:flag-redis-pw-44dd@127.0.0.1:1/0"}
	flagSecrets := []string{"flag-line-secret-11aa", "xoxb-flag-token-22bb", "flag-signing-33cc", "flag-redis-pw-44dd"}
	for _, tc := range []struct {
		name   string
		args   []string
		getenv func(string) string
		code   int
	}{
		{"serve -h", []string{"serve", "-h"}, full, 0},
		{"serve -h with secret flags", append([]string{"serve"}, append(asFlags, "-h")...), full, 0},
		{"a bad flag", []string{"serve", "--slack-bot-tokn=xoxb-slack-token-3a9f"}, full, 2},
		{"a bad flag after secret flags", append([]string{"serve"}, append(asFlags, "--nonsense")...), full, 2},
		{"a configuration refused", []string{"serve", "--session-ttl", "forever"}, full, 1},
		{"Redis unreachable, persistence required", []string{"serve", "--require-persistence", "1"}, noSlack, 1},
		{"Redis URL malformed", []string{"serve", "--redis-url", "redis://:redis-pass-7e5a1f@127.0.0.1:port/0"}, full, 1},
		{"Slack refuses the token", []string{"serve", "--addr", "127.0.0.1:0"}, noRedis, 1},
		{"chat with LINE half set", []string{"chat", "--line-channel-access-token="}, noRedis, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(context.Background(), tc.args, tc.getenv, strings.NewReader(""), &out, &errOut)
			all := out.String() + errOut.String()
			if f := leaked(all, flagSecrets...); len(f) > 0 {
				t.Fatalf("output shows secrets %v:\n%s", f, all)
			}
			if code == 0 && tc.code != 0 || code != 0 && tc.code == 0 {
				t.Errorf("exit %d, want %d; output:\n%s", code, tc.code, all)
			}
			if tc.code != 0 && all == "" {
				t.Errorf("a failure with no word")
			}
			t.Logf("%s → exit %d:\n%s", tc.name, code, all)
		})
	}
}

// Usage text alone, before any redaction, shows "(set)" for a secret from the
// environment and nothing of its value.
func TestUsageShowsSecretsAsSet(t *testing.T) {
	var kv []string
	for name, v := range secretValues {
		kv = append(kv, name, v)
	}
	var out bytes.Buffer
	if _, _, err := LoadConfig("deskbot serve", []string{"-h"}, env(kv...), &out); err == nil {
		t.Fatal("-h gave no flag.ErrHelp")
	}
	if f := leaked(out.String()); len(f) > 0 {
		t.Fatalf("usage shows %v:\n%s", f, out.String())
	}
	if !strings.Contains(out.String(), `-slack-bot-token value`) || !strings.Contains(out.String(), `(default (set))`) {
		t.Errorf("usage does not say the secrets are set:\n%s", out.String())
	}
}
