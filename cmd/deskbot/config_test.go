package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestConfigDefaults(t *testing.T) {
	cfg, _, err := LoadConfig("deskbot", nil, env(), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != ":8080" || cfg.SessionTTL != 168*time.Hour || cfg.LineConfigured() || cfg.SlackConfigured() {
		t.Errorf("defaults: %+v", cfg)
	}
	if now := cfg.Clock()(); time.Since(now) > time.Minute {
		t.Errorf("default clock is not the real one: %v", now)
	}
}

func TestConfigFlagWinsOverEnv(t *testing.T) {
	cfg, _, err := LoadConfig("deskbot", []string{"--addr", "127.0.0.1:9999", "--session-ttl", "2h"},
		env("DESKBOT_ADDR", ":7000", "DESKBOT_SESSION_TTL", "1h", "DESKBOT_NOW", "2022-11-15T10:00:00+09:00"), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != "127.0.0.1:9999" || cfg.SessionTTL != 2*time.Hour {
		t.Errorf("flags did not win: addr %s ttl %s", cfg.Addr, cfg.SessionTTL)
	}
	if got := cfg.Clock()().Format(time.RFC3339); got != "2022-11-15T10:00:00+09:00" {
		t.Errorf("DESKBOT_NOW clock = %s", got)
	}
}

// Every problem is listed at once, each naming its variable.
func TestConfigListsEveryProblem(t *testing.T) {
	getenv := env(
		"DESKBOT_ADDR", "nonsense",
		"REDIS_URL", "http://x",
		"REDIS_CLUSTER_ADDRS", "a:1,b",
		"LINE_CHANNEL_SECRET", "s",
		"SLACK_BOT_TOKEN", "xoxb",
		"SLACK_API_URL", "http://127.0.0.1:1/api",
		"DESKBOT_KB", "/no/such/dir",
		"DESKBOT_NOW", "yesterday",
		"DESKBOT_DIGEST", "every monday",
	)
	cfg, _, err := LoadConfig("deskbot", nil, getenv, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	err = cfg.Validate()
	if err == nil {
		t.Fatal("Validate accepted a broken configuration")
	}
	for _, want := range []string{"DESKBOT_ADDR", "both set", "REDIS_URL", "REDIS_CLUSTER_ADDRS", "LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN",
		"SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET and SLACK_DESK_CHANNEL", "must end in /", "DESKBOT_KB", "DESKBOT_NOW", "DESKBOT_DIGEST"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("errors lack %q:\n%v", want, err)
		}
	}
	_, _, err = LoadConfig("deskbot", nil, env("DESKBOT_SESSION_TTL", "forever", "DESKBOT_LOG_LEVEL", "loud"), &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "DESKBOT_SESSION_TTL") || !strings.Contains(err.Error(), "DESKBOT_LOG_LEVEL") {
		t.Errorf("bad TTL and level: %v", err)
	}
}

func TestRunRefusesBadConfig(t *testing.T) {
	var out, errb bytes.Buffer
	code := run(t.Context(), []string{"serve"}, env("DESKBOT_NOW", "soon", "DESKBOT_ADDR", "x"), strings.NewReader(""), &out, &errb)
	if code == 0 || !strings.Contains(errb.String(), "DESKBOT_NOW") || !strings.Contains(errb.String(), "DESKBOT_ADDR") {
		t.Fatalf("exit %d, stderr %q", code, errb.String())
	}
	if code := run(t.Context(), []string{"bogus"}, env(), strings.NewReader(""), &out, &errb); code != 2 {
		t.Errorf("unknown command: exit %d, want 2", code)
	}
}

func TestConfigWeb(t *testing.T) {
	line := []string{"LINE_CHANNEL_SECRET", "s", "LINE_CHANNEL_ACCESS_TOKEN", "t"}
	for _, tc := range []struct {
		name              string
		env               []string
		enabled, loopback bool
	}{
		{"no channels", nil, true, false},
		{"off", []string{"DESKBOT_WEB", "0"}, false, false},
		{"beside LINE", line, false, true},
		{"on beside LINE", append([]string{"DESKBOT_WEB", "1"}, line...), true, true},
		{"on beside LINE with a token", append([]string{"DESKBOT_WEB", "1", "DESKBOT_WEB_TOKEN", "x"}, line...), true, false},
		{"beside Slack", []string{"SLACK_BOT_TOKEN", "x", "SLACK_SIGNING_SECRET", "y", "SLACK_DESK_CHANNEL", "C1"}, true, true},
	} {
		cfg, _, err := LoadConfig("deskbot", nil, env(tc.env...), &bytes.Buffer{})
		if err == nil {
			err = cfg.Validate()
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if cfg.WebEnabled() != tc.enabled || cfg.WebLoopbackOnly() != tc.loopback {
			t.Errorf("%s: enabled %v loopback-only %v, want %v %v", tc.name, cfg.WebEnabled(), cfg.WebLoopbackOnly(), tc.enabled, tc.loopback)
		}
	}
	cfg, _, _ := LoadConfig("deskbot", nil, env("DESKBOT_WEB", "yes"), &bytes.Buffer{})
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "DESKBOT_WEB") {
		t.Errorf("DESKBOT_WEB=yes: %v", err)
	}
}
