package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"deskbot/bot"
	"deskbot/bot/line"
	"deskbot/bot/slack"
	"deskbot/bot/web"
)

// serve runs the HTTP server and the outbox worker until ctx is done, then shuts down
// gracefully: in-flight requests finish, the worker stops between deliveries. When
// listening is not nil it is told the bound address (tests listen on port 0).
func serve(ctx context.Context, a *app, listening func(net.Addr)) error {
	if err := a.checkPersistence(ctx); err != nil {
		return err
	}
	var notifier bot.Notifier = logNotifier{a.log}
	var desk *slack.Desk
	if a.cfg.SlackConfigured() {
		var err error
		if desk, err = a.slackDesk(ctx); err != nil {
			return err
		}
		defer desk.Close() // after the server and the worker stopped: CSV uploads finish
		notifier = desk
		// Slack accepts the token again: what was parked for the desk is posted now.
		a.redriveDesk(ctx)
	}
	if a.web != nil {
		notifier = a.web.Notifier(notifier) // rehearsals stay in the emulator's desk pane
	}
	outboxMetrics.Store(&a.store)
	ln, err := net.Listen("tcp", a.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{
		Handler:           a.routes(desk),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	}

	workCtx, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	host, _ := os.Hostname()
	if a.line != nil {
		notifier = bot.Notifiers{Default: notifier, ByKind: map[bot.NoticeKind]bot.Notifier{bot.NoticeLINEPush: a.line}}
	}
	worker := &bot.Worker{Outbox: a.store, Notifier: notifier, Name: fmt.Sprintf("%s-%d", host, os.Getpid()),
		Horizon: a.cfg.DeliveryHorizon, Log: a.log, Observe: observeDelivery}
	wg.Go(func() { worker.Run(workCtx) })
	wg.Go(func() { a.sweep(workCtx) })
	if sc := a.cfg.DigestSchedule; sc != nil {
		d := &bot.Digest{Queue: a.store, Schedule: *sc, Now: a.cfg.Clock(), Log: a.log}
		wg.Go(func() { d.Run(workCtx) })
	}
	// Listen for SIGHUP before the server is up, so a reload asked for once it answers is
	// never missed.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	wg.Go(func() { a.reloadOnHangup(workCtx, hup) })

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	a.log.Info("listening", "addr", ln.Addr().String(), "line", a.cfg.LineConfigured(), "slack", a.cfg.SlackConfigured())
	if a.web != nil {
		a.log.Info("browser emulator: open "+emulatorURL(ln.Addr(), a.cfg.WebToken != ""), "loopback_only", a.cfg.WebLoopbackOnly())
	}
	if listening != nil {
		listening(ln.Addr())
	}
	select {
	case err := <-errc:
		stopWork()
		wg.Wait()
		return err
	case <-ctx.Done():
	}
	a.log.Info("shutting down")
	shutCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	err = srv.Shutdown(shutCtx)
	stopWork()
	wg.Wait()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// checkPersistence warns, or refuses to start when DESKBOT_REQUIRE_PERSISTENCE is set,
// when the store would lose its data on a restart: Redis without AOF or RDB, or the
// embedded memory store.
func (a *app) checkPersistence(ctx context.Context) error {
	const risk = "a restart of Redis loses the notices waiting for the desk and the messages waiting for clinics, the sessions, the report archive and its status history"
	p, ok := a.store.(interface {
		Persistence(ctx context.Context) (bool, string, error)
	})
	if !ok {
		if a.cfg.RequirePersistence {
			return errors.New("DESKBOT_REQUIRE_PERSISTENCE is set, but REDIS_URL is not: the embedded store keeps nothing over a restart")
		}
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	persistent, detail, err := p.Persistence(ctx)
	switch {
	case err != nil && a.cfg.RequirePersistence:
		return fmt.Errorf("DESKBOT_REQUIRE_PERSISTENCE is set and Redis's persistence cannot be checked: %w", err)
	case err != nil:
		a.log.Warn("Redis persistence could not be checked", "err", err)
	case !persistent && a.cfg.RequirePersistence:
		return fmt.Errorf("DESKBOT_REQUIRE_PERSISTENCE is set and Redis has neither AOF nor RDB persistence (%s): %s; turn on appendonly yes", detail, risk)
	case !persistent:
		a.log.Warn("Redis has neither AOF nor RDB persistence: "+risk+"; turn on appendonly yes (receipt numbers stay unique regardless)", "redis", detail)
	default:
		a.log.Info("Redis persistence", "redis", detail)
	}
	return nil
}

// redriveDesk puts the notices parked for the desk back in the outbox, once Slack
// accepts the token: most were refused for a setting since fixed. Messages parked for
// clinics stay parked (LINE refused them for good; the desk was told).
func (a *app) redriveDesk(ctx context.Context) {
	dead, err := a.store.DeadLetters(ctx)
	if err != nil {
		a.log.Warn("parked notices could not be read for a redrive", "err", err)
		return
	}
	done := map[string]bool{}
	n := 0
	for _, d := range dead {
		if isLINEKind(d.Notice.Kind) || done[d.Notice.ID] {
			continue
		}
		done[d.Notice.ID] = true
		k, err := a.store.Redrive(ctx, d.Notice.ID)
		if err != nil {
			a.log.Warn("parked notice not redriven", "notice", d.Notice.ID, "err", err)
			continue
		}
		n += k
	}
	if n > 0 {
		a.log.Info("parked desk notices put back in the outbox", "notices", n)
	}
}

// routes is the HTTP contract of DESIGN.md; desk is nil when Slack is not configured.
func (a *app) routes(desk *slack.Desk) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := a.store.Ping(ctx); err != nil {
			a.log.Warn("not ready", "err", err)
			http.Error(w, "store unreachable", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(registry, promhttp.HandlerOpts{}))
	unconfigured := func(what string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			a.log.Warn("webhook refused: channel not configured", "path", r.URL.Path, "missing", what)
			http.Error(w, what+" is not configured", http.StatusServiceUnavailable)
		}
	}
	if a.line != nil {
		mux.Handle("POST /webhooks/line", line.NewHandler(a.cfg.LineChannelSecret, a.engine, a.line, a.log))
	} else {
		mux.Handle("POST /webhooks/line", unconfigured("LINE (LINE_CHANNEL_SECRET, LINE_CHANNEL_ACCESS_TOKEN)"))
	}
	if desk != nil {
		mux.Handle("POST /webhooks/slack/events", desk.Events())
		mux.Handle("POST /webhooks/slack/interactions", desk.Interactions())
		mux.Handle("POST /webhooks/slack/commands", desk.Commands())
	} else {
		for _, p := range []string{"events", "interactions", "commands"} {
			mux.Handle("POST /webhooks/slack/"+p, unconfigured("Slack (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_DESK_CHANNEL)"))
		}
	}
	if a.web != nil {
		for _, p := range web.Paths {
			mux.Handle(p, a.web)
		}
	}
	return mux
}

// emulatorURL is the address to open the emulator at, for the start-up line; the token
// itself is never printed.
func emulatorURL(addr net.Addr, token bool) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String() + "/"
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	u := "http://" + net.JoinHostPort(host, port) + "/"
	if token {
		u += "?token=$DESKBOT_WEB_TOKEN"
	}
	return u
}

// sweep applies, every second, the events that engines which died while draining left
// queued, once their leases run out.
func (a *app) sweep(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := a.engine.Sweep(ctx); err != nil && ctx.Err() == nil {
				a.log.Warn("sweep failed", "err", err)
			}
		}
	}
}

// reloadOnHangup reloads the knowledge base on SIGHUP. A broken edit is refused and the
// knowledge in use is kept.
func (a *app) reloadOnHangup(ctx context.Context, hup chan os.Signal) {
	defer signal.Stop(hup)
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			err := a.reload()
			if a.reloaded != nil {
				a.reloaded <- err
			}
		}
	}
}

// reload reads the knowledge base again and swaps it in; a broken one is refused and the
// one in use is kept.
func (a *app) reload() error {
	k, err := loadKnowledge(a.cfg.KBDir)
	if err != nil {
		a.log.Error("knowledge base reload refused; keeping the one in use", "err", err)
		return err
	}
	a.brain.Swap(k)
	a.log.Info("knowledge base reloaded", "flows", len(k.Script.Flows), "topics", len(k.FAQ.Topics()))
	return nil
}

// logNotifier is the desk when Slack is not configured: each notice is logged by id and
// kind only, never with what the clinic wrote.
type logNotifier struct{ log *slog.Logger }

func (n logNotifier) Notify(ctx context.Context, d bot.Delivery) error {
	no := d.Notice
	if no.Kind == bot.NoticeLINEPush {
		// Queued while LINE was configured: kept for `deskbot outbox`, not dropped.
		return fmt.Errorf("%w: LINE is not configured", bot.ErrPermanent)
	}
	attrs := []slog.Attr{slog.String("id", no.ID), slog.String("kind", string(no.Kind))}
	if no.Report != nil {
		attrs = append(attrs, slog.String("categories", strings.Join(no.Report.Categories, ",")))
	}
	n.log.LogAttrs(ctx, slog.LevelInfo, "desk notice (Slack not configured)", attrs...)
	return nil
}
