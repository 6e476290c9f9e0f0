package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"deskbot/bot"
)

// Config is the whole configuration. It is read here and nowhere else: every setting is an
// environment variable and a flag of the same meaning; a flag wins over the environment.
type Config struct {
	Addr              string
	RedisURL          string
	RedisClusterAddrs string

	LineChannelSecret string
	LineAccessToken   string
	LineAPIBaseURL    string

	SlackBotToken      string
	SlackSigningSecret string
	SlackDeskChannel   string
	SlackAPIURL        string

	KBDir      string
	Now        string
	SessionTTL time.Duration
	LogLevel   slog.Level
	// Digest is DESKBOT_DIGEST as given; Validate reads it into DigestSchedule.
	Digest string

	// DigestSchedule is when the weekly digest is posted; nil when Digest is unset.
	DigestSchedule *bot.Schedule

	// Web is DESKBOT_WEB: "1", "0", or "" for the default (on when no LINE secret is set).
	Web      string
	WebToken string

	// DeliveryHorizon is how long a notice for the desk or a message for a clinic is
	// retried through transient failures before it is parked.
	DeliveryHorizon time.Duration
	// RequirePersistence refuses to start on a Redis without AOF or RDB persistence.
	RequirePersistence bool

	// Set from Now by Validate: the fixed clock, zero for the real one.
	fixedNow time.Time
}

// setting ties one Config field to its environment variable and flag. A secret's value
// is never printed: usage and errors show "(set)" for it.
type setting struct {
	env, flag, def, usage string
	dst                   *string
	secret                bool
}

// raw holds the settings read as text before they are parsed.
type raw struct{ ttl, level, horizon, persistence string }

func (c *Config) settings(r *raw) []setting {
	return []setting{
		{"DESKBOT_ADDR", "addr", ":8080", "listen address", &c.Addr, false},
		{"REDIS_URL", "redis-url", "", "redis://… single node; unset: embedded in-memory store", &c.RedisURL, true},
		{"REDIS_CLUSTER_ADDRS", "redis-cluster-addrs", "", "host:port,host:port,… of a Redis Cluster", &c.RedisClusterAddrs, false},
		{"LINE_CHANNEL_SECRET", "line-channel-secret", "", "LINE channel secret", &c.LineChannelSecret, true},
		{"LINE_CHANNEL_ACCESS_TOKEN", "line-channel-access-token", "", "LINE channel access token", &c.LineAccessToken, true},
		{"LINE_API_BASE_URL", "line-api-base-url", "", "base URL of the LINE Messaging API (default: LINE's)", &c.LineAPIBaseURL, false},
		{"SLACK_BOT_TOKEN", "slack-bot-token", "", "Slack bot token", &c.SlackBotToken, true},
		{"SLACK_SIGNING_SECRET", "slack-signing-secret", "", "Slack signing secret", &c.SlackSigningSecret, true},
		{"SLACK_DESK_CHANNEL", "slack-desk-channel", "", "Slack channel ID of the desk", &c.SlackDeskChannel, false},
		{"SLACK_API_URL", "slack-api-url", "", "base URL of the Slack API, ending in /api/ (default: Slack's)", &c.SlackAPIURL, false},
		{"DESKBOT_KB", "kb", "", "directory laid over the embedded knowledge base and flow texts", &c.KBDir, false},
		{"DESKBOT_NOW", "now", "", "fixed now, RFC 3339, for rehearsals and tests", &c.Now, false},
		{"DESKBOT_WEB", "web", "", "the browser emulator at / and /emulator: 1 or 0 (default: on when no LINE secret is set)", &c.Web, false},
		{"DESKBOT_WEB_TOKEN", "web-token", "", "token the emulator requires; without one, beside real channels it answers loopback only", &c.WebToken, true},
		{"DESKBOT_DIGEST", "digest", "", "when the weekly chart digest is posted to the desk, e.g. mon 09:00 (Japan time)", &c.Digest, false},
		{"DESKBOT_SESSION_TTL", "session-ttl", "168h", "idle session lifetime", &r.ttl, false},
		{"DESKBOT_LOG_LEVEL", "log-level", "info", "debug, info, warn or error", &r.level, false},
		{"DESKBOT_DELIVERY_HORIZON", "delivery-horizon", "24h", "how long a desk notice or a message for a clinic is retried through outages before it is parked", &r.horizon, false},
		{"DESKBOT_REQUIRE_PERSISTENCE", "require-persistence", "", "1: refuse to start when Redis has no AOF or RDB persistence", &r.persistence, false},
	}
}

// secretNames are the environment variables whose values are secrets.
func secretNames() []string {
	var out []string
	for _, s := range new(Config).settings(&raw{}) {
		if s.secret {
			out = append(out, s.env)
		}
	}
	return out
}

// secretValue is a flag.Value that keeps a secret and shows only whether it is set, so
// usage text (-h, a bad flag) never prints it.
type secretValue struct{ dst *string }

func (v secretValue) String() string {
	if v.dst == nil || *v.dst == "" {
		return ""
	}
	return "(set)"
}

func (v secretValue) Set(s string) error { *v.dst = s; return nil }

// LoadConfig reads the environment (through getenv) and then the flags in args. It
// returns the flags' remaining arguments. Problems of value are left to Validate, so all
// of them are reported at once.
func LoadConfig(name string, args []string, getenv func(string) string, out io.Writer) (*Config, []string, error) {
	c := &Config{}
	var r raw
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(out)
	for _, s := range c.settings(&r) {
		v := s.def
		if e := getenv(s.env); e != "" {
			v = e
		}
		if s.secret {
			*s.dst = v
			fs.Var(secretValue{s.dst}, s.flag, s.usage+" ($"+s.env+")")
			continue
		}
		fs.StringVar(s.dst, s.flag, v, s.usage+" ($"+s.env+")")
	}
	if err := fs.Parse(args); err != nil {
		return nil, nil, err
	}
	var errs []error
	var err error
	c.SessionTTL, err = duration("DESKBOT_SESSION_TTL", r.ttl, time.Minute, 90*24*time.Hour)
	errs = append(errs, err)
	if err := c.LogLevel.UnmarshalText([]byte(r.level)); err != nil {
		errs = append(errs, fmt.Errorf("DESKBOT_LOG_LEVEL %q: want debug, info, warn or error", r.level))
	}
	c.DeliveryHorizon, err = duration("DESKBOT_DELIVERY_HORIZON", r.horizon, time.Minute, 30*24*time.Hour)
	errs = append(errs, err)
	switch r.persistence {
	case "", "0", "false":
	case "1", "true":
		c.RequirePersistence = true
	default:
		errs = append(errs, fmt.Errorf("DESKBOT_REQUIRE_PERSISTENCE %q: want 1 or 0", r.persistence))
	}
	return c, fs.Args(), errors.Join(errs...)
}

// duration parses the setting name's value v, a duration between lo and hi.
func duration(name, v string, lo, hi time.Duration) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	switch {
	case err != nil:
		return d, fmt.Errorf("%s %q: not a duration like 24h", name, v)
	case d < lo || d > hi:
		return d, fmt.Errorf("%s %s: must be between %v and %v", name, d, lo, hi)
	}
	return d, nil
}

// Validate checks the settings against each other and the world, and lists every problem.
func (c *Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		bad("DESKBOT_ADDR %q: want host:port or :port", c.Addr)
	}
	if c.RedisURL != "" && c.RedisClusterAddrs != "" {
		bad("REDIS_URL and REDIS_CLUSTER_ADDRS are both set: choose one")
	}
	if c.RedisURL != "" {
		if u, err := url.Parse(c.RedisURL); err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") || u.Host == "" {
			bad("REDIS_URL: want redis://host:port/db or rediss://…")
		}
	}
	if c.RedisClusterAddrs != "" {
		for a := range strings.SplitSeq(c.RedisClusterAddrs, ",") {
			if _, _, err := net.SplitHostPort(strings.TrimSpace(a)); err != nil {
				bad("REDIS_CLUSTER_ADDRS: %q is not host:port", a)
			}
		}
	}
	if (c.LineChannelSecret == "") != (c.LineAccessToken == "") {
		bad("LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN go together: set both or neither")
	}
	checkURL := func(name, v string) {
		if v == "" {
			return
		}
		if u, err := url.Parse(v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("%s %q: want an http(s) URL", name, v)
		}
	}
	checkURL("LINE_API_BASE_URL", c.LineAPIBaseURL)
	checkURL("SLACK_API_URL", c.SlackAPIURL)
	if c.SlackAPIURL != "" && !strings.HasSuffix(c.SlackAPIURL, "/") {
		bad("SLACK_API_URL %q: must end in / (e.g. …/api/)", c.SlackAPIURL)
	}
	slackSet := 0
	for _, v := range []string{c.SlackBotToken, c.SlackSigningSecret, c.SlackDeskChannel} {
		if v != "" {
			slackSet++
		}
	}
	if slackSet != 0 && slackSet != 3 {
		bad("SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET and SLACK_DESK_CHANNEL go together: set all three or none")
	}
	if c.KBDir != "" {
		if st, err := os.Stat(c.KBDir); err != nil || !st.IsDir() {
			bad("DESKBOT_KB %q: not a readable directory", c.KBDir)
		}
	}
	if c.Digest != "" {
		s, err := bot.ParseSchedule(c.Digest)
		if err != nil {
			bad("DESKBOT_DIGEST %q: want a day of the week and a time in Japan, e.g. mon 09:00", c.Digest)
		} else {
			c.DigestSchedule = &s
		}
	}
	if c.Web != "" && c.Web != "1" && c.Web != "0" {
		bad("DESKBOT_WEB %q: want 1 (on) or 0 (off)", c.Web)
	}
	if c.Now != "" {
		t, err := time.Parse(time.RFC3339, c.Now)
		if err != nil {
			bad("DESKBOT_NOW %q: want RFC 3339, e.g. 2022-11-15T10:00:00+09:00", c.Now)
		}
		c.fixedNow = t
	}
	return errors.Join(errs...)
}

// Clock returns the clock: fixed by DESKBOT_NOW, or the real one.
func (c *Config) Clock() func() time.Time {
	if t := c.fixedNow; !t.IsZero() {
		return func() time.Time { return t }
	}
	return time.Now
}

// LineConfigured reports whether the LINE channel is set up.
func (c *Config) LineConfigured() bool { return c.LineChannelSecret != "" && c.LineAccessToken != "" }

// SlackConfigured reports whether the Slack desk is set up.
func (c *Config) SlackConfigured() bool { return c.SlackBotToken != "" }

// WebEnabled reports whether the browser emulator is served: as DESKBOT_WEB says, or by
// default when no LINE secret is set (the bot is being tried, not run for clinics).
func (c *Config) WebEnabled() bool {
	switch c.Web {
	case "1":
		return true
	case "0":
		return false
	}
	return c.LineChannelSecret == ""
}

// WebLoopbackOnly reports whether the emulator must answer loopback requests only: it runs
// beside a real channel and no DESKBOT_WEB_TOKEN protects it.
func (c *Config) WebLoopbackOnly() bool {
	return c.WebToken == "" && (c.LineConfigured() || c.SlackConfigured())
}
