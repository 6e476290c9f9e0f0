package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"deskbot/bot"
	"deskbot/bot/line"
	"deskbot/bot/slack"
	"deskbot/bot/web"
	"deskbot/flows"
	"deskbot/flows/kb"
	"deskbot/store"
)

const usage = `deskbot — the chatbot of the online eligibility confirmation desk

usage:
  deskbot [serve] [flags]        the HTTP server
  deskbot chat [flags]           talk to the bot in the terminal as a clinic would
  deskbot faq [--json] [flags]   best FAQ topic for each question read from stdin
  deskbot faq eval FILE.jsonl…   top-1, refusal rate, confusions and misses on labelled questions
  deskbot kb check [flags]       validate the knowledge base and flow texts
  deskbot export --format csv [--period P]
                                 the archived reports as CSV (UTF-8 with BOM) on stdout
  deskbot export --format png|svg --out DIR [--period P] [--share]
                                 the desk's charts, one file per chart; --share shows
                                 a prefecture's counts below 3 as 「3件未満」
  deskbot outbox list|show ID|redrive ID|--all
                                 what is parked for the desk or a clinic, and why;
                                 put a parked notice back in the outbox, once
  deskbot line richmenu --image FILE [--chat-bar TEXT]
                                 make the main menu the LINE channel's rich menu

Every flag is also an environment variable; "deskbot serve -h" lists them.
`

// run is the whole program, from arguments to exit code; main only adds the process.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	stdout, stderr = newRedactor(stdout, getenv, args), newRedactor(stderr, getenv, args)
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "serve":
		err = withApp(ctx, "serve", args, getenv, stderr, func(a *app, _ []string) error { return serve(ctx, a, nil) })
	case "chat":
		err = withApp(ctx, "chat", args, getenv, stderr, func(a *app, _ []string) error { return chat(ctx, a, stdin, stdout) })
	case "faq":
		if len(args) > 0 && args[0] == "eval" {
			err = withApp(ctx, "faq eval", args[1:], getenv, stderr, func(a *app, files []string) error { return faqEval(a, files, stdout) })
			break
		}
		jsonOut := false
		rest := args[:0:0]
		for _, a := range args {
			if a == "--json" || a == "-json" {
				jsonOut = true
				continue
			}
			rest = append(rest, a)
		}
		err = withApp(ctx, "faq", rest, getenv, stderr, func(a *app, _ []string) error { return faqCmd(a, stdin, stdout, jsonOut) })
	case "kb":
		if len(args) == 0 || args[0] != "check" {
			fmt.Fprint(stderr, usage)
			return 2
		}
		err = kbCheck(args[1:], getenv, stdout, stderr)
	case "export":
		var opts exportOptions
		if opts, args, err = exportArgs(args); err != nil {
			fmt.Fprintf(stderr, "deskbot export: %v\n\n%s", err, usage)
			return 2
		}
		err = withApp(ctx, "export", args, getenv, stderr, func(a *app, _ []string) error { return export(ctx, a, opts, stdout) })
	case "outbox":
		verb, id, rest, aerr := outboxArgs(args)
		if aerr != nil {
			fmt.Fprintf(stderr, "deskbot outbox: %v\n\n%s", aerr, usage)
			return 2
		}
		err = withApp(ctx, "outbox", rest, getenv, stderr, func(a *app, _ []string) error { return outboxCmd(ctx, a, verb, id, stdout) })
	case "line":
		if len(args) == 0 || args[0] != "richmenu" {
			fmt.Fprint(stderr, usage)
			return 2
		}
		err = richMenu(ctx, args[1:], getenv, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "deskbot: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "deskbot %s: %v\n", cmd, err)
		return 1
	}
	return 0
}

// app is the wired program: configuration, log, store, knowledge and engine.
type app struct {
	cfg    *Config
	log    *slog.Logger
	store  Store
	brain  *flows.Brain
	engine *bot.Engine
	// line sends to LINE users; nil when LINE is not configured.
	line *line.Sender
	// web is the browser emulator of deskbot serve; nil when it is off.
	web *web.Handler
	// reloaded, when set, hears the outcome of each SIGHUP reload (tests wait on it).
	reloaded chan error
}

// Store is everything the program needs of a store: the engine's, the outbox worker's,
// the Slack desk's and the LINE sender's marks.
type Store interface {
	bot.Store
	bot.Outbox
	bot.DigestQueue
	slack.Store
	line.Marks
	Ping(ctx context.Context) error
	AddNotices(ctx context.Context, ns ...bot.Notice) error
	DeadLetters(ctx context.Context) ([]store.DeadLetter, error)
	Pending(ctx context.Context) (int, error)
	Redrive(ctx context.Context, id string) (int, error)
}

// withApp loads and validates the configuration, wires the app, runs fn and closes what
// it opened.
func withApp(ctx context.Context, name string, args []string, getenv func(string) string, stderr io.Writer, fn func(*app, []string) error) error {
	cfg, rest, err := LoadConfig("deskbot "+name, args, getenv, stderr)
	if err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	a, err := newApp(cfg, name, stderr)
	if err != nil {
		return err
	}
	defer a.close()
	return fn(a, rest)
}

// newApp wires the program for command name from a validated configuration.
func newApp(cfg *Config, name string, stderr io.Writer) (*app, error) {
	level := cfg.LogLevel
	if name != "serve" && level < slog.LevelWarn {
		level = slog.LevelWarn // the terminal is for the conversation
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level}))
	a := &app{cfg: cfg, log: log}
	k, err := loadKnowledge(cfg.KBDir)
	if err != nil {
		return nil, err
	}
	a.brain = flows.NewBrain(k)
	store.SetRedisLog(log)
	switch {
	case cfg.RedisURL != "":
		rs, err := store.OpenRedis(cfg.RedisURL, store.RedisOptions{})
		if err != nil {
			return nil, fmt.Errorf("REDIS_URL: %w", err)
		}
		a.store = rs
		log.Debug("store: Redis, single node")
	case cfg.RedisClusterAddrs != "":
		var addrs []string
		for a := range strings.SplitSeq(cfg.RedisClusterAddrs, ",") {
			addrs = append(addrs, strings.TrimSpace(a))
		}
		rs, err := store.OpenRedisCluster(addrs, store.RedisOptions{})
		if err != nil {
			return nil, fmt.Errorf("REDIS_CLUSTER_ADDRS: %w", err)
		}
		a.store = rs
		log.Debug("store: Redis Cluster", "seeds", len(addrs))
	default:
		if name == "serve" {
			log.Warn("REDIS_URL is not set: using the embedded in-memory store; state is lost on restart and instances do not share it")
		}
		m := store.NewMemory(nil)
		if name == "serve" {
			m.FloorReceipts() // a restart must not give the numbers of the last run again
		}
		a.store = m
	}
	var deliver bot.Deliver
	if cfg.LineConfigured() {
		s, err := line.NewSender(cfg.LineAccessToken, cfg.LineAPIBaseURL, nil, log)
		if err != nil {
			a.close() // the store opened above
			return nil, err
		}
		a.line = s
		// What LINE does not take at once is retried from the outbox, as long as notices.
		a.line.Queue, a.line.Marks, a.line.Horizon = a.store, a.store, cfg.DeliveryHorizon
		deliver = a.line.Deliver
	}
	var grace time.Duration
	if a.line != nil {
		// A receipt is committed with its push, which the outbox sends unless the sender
		// has marked it sent by then: a process lost after the commit loses no receipt.
		grace = pushGrace
	}
	var clockOf func(string) (time.Time, bool)
	if name == "serve" && cfg.WebEnabled() {
		a.web = web.New(web.Config{Engine: appEngine{a}, Now: cfg.Clock(), Menu: func() []bot.Choice { return a.brain.Knowledge().MainMenu() },
			Labels: a.reportLabels, Token: cfg.WebToken, LoopbackOnly: cfg.WebLoopbackOnly(), Log: log})
		deliver, clockOf = a.web.Deliver(deliver), a.web.ClockOf
	}
	a.engine = bot.NewEngine(bot.Config{Store: a.store, Brain: a.brain, Deliver: deliver, Now: cfg.Clock(), ClockOf: clockOf,
		TTL: cfg.SessionTTL, Log: log, Observe: observeTurn, PushGrace: grace})
	return a, nil
}

// appEngine hands the emulator the app's engine, which is made after it.
type appEngine struct{ a *app }

func (e appEngine) Handle(ctx context.Context, ev bot.Event) ([]bot.Message, error) {
	return e.a.engine.Handle(ctx, ev)
}

// pushGrace is how long the outbox leaves a receipt to the sender's reply before it
// pushes it itself: the sender's reply window (25 s) and a push, with room.
const pushGrace = time.Minute

// close releases what newApp opened, after the server and workers stopped.
func (a *app) close() {
	if a.line != nil {
		a.line.Close() // sends what is still queued
	}
	if c, ok := a.store.(interface{ Close() error }); ok { // Redis; the memory store has nothing to close
		if err := c.Close(); err != nil {
			a.log.Warn("closing the store", "err", err)
		}
	}
}

// loadKnowledge reads the embedded knowledge base with dir laid over it.
func loadKnowledge(dir string) (*flows.Knowledge, error) {
	fsys, err := kb.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("knowledge base: %w", err)
	}
	k, err := flows.Load(fsys)
	if err != nil {
		return nil, fmt.Errorf("knowledge base:\n%w", err)
	}
	return k, nil
}

// kbCheck validates a knowledge base and prints every problem with its file and line.
func kbCheck(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, _, err := LoadConfig("deskbot kb check", args, getenv, stderr)
	if err != nil {
		return err
	}
	k, err := loadKnowledge(cfg.KBDir)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "ok: %d flows, %d FAQ topics\n", len(k.Script.Flows), len(k.FAQ.Topics()))
	return nil
}
