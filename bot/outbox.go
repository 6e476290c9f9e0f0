package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"time"
)

// Outbox is the queue of notices for the desk. Store.Commit fills it; a Worker drains it.
// Delivery is at least once: a claimed notice that is neither acknowledged, retried nor
// parked within its lease goes back to the queue for any worker, so notifiers must be
// idempotent on Notice.ID. Notices are claimed in the order they were queued, a notice
// due for a retry before newer ones.
type Outbox interface {
	// Claim leases up to max notices that are due, to consumer, for lease.
	Claim(ctx context.Context, consumer string, max int, lease time.Duration) ([]Delivery, error)
	// Ack removes a delivered notice.
	Ack(ctx context.Context, d Delivery) error
	// Retry returns a notice whose delivery failed to the queue, due again at due. The
	// next claim hands it over with Attempt d.Attempt+1: a caller that does not count
	// this try as an attempt (a rate limit, a wait for another notice) passes d with
	// Attempt lowered by one.
	Retry(ctx context.Context, d Delivery, due time.Time) error
	// Park moves a notice that cannot be delivered to the dead letters, with the reason.
	Park(ctx context.Context, d Delivery, reason string) error
}

// Delivery is a claimed notice.
type Delivery struct {
	Notice
	// Attempt counts deliveries of this notice, from 1; tries that were not failures of
	// the notice (rate limits, waits) are not counted.
	Attempt int
	// Queued is when the outbox took the notice (or took it back, on a redrive): the
	// worker's horizon counts from it. Zero when the outbox does not know.
	Queued time.Time
	// Handle is the outbox's own reference to the claim.
	Handle string
}

// Notifier tells the desk: Slack, or the log, or the terminal.
type Notifier interface {
	// Notify delivers d.Notice. It must be idempotent on d.ID: the outbox may hand the same
	// notice over again after a crash or a failure that was in fact a success; d.Attempt
	// above 1 says so, for notifiers that check before posting again.
	//
	// Its error decides what happens next: nil, delivered; an error wrapping ErrPermanent,
	// parked at once; one with a RetryAfter() time.Duration method, tried again exactly
	// that much later, with every notice after it, and not counted as an attempt; one
	// wrapping ErrNotYet, tried again shortly, not counted; any other is transient and
	// retried with backoff until the worker's horizon.
	Notify(ctx context.Context, d Delivery) error
}

// Notifiers is a Notifier that hands each notice to the notifier of its kind, or to
// Default: the desk's notices to Slack, LINE pushes to LINE.
type Notifiers struct {
	Default Notifier
	ByKind  map[NoticeKind]Notifier
}

// Notify implements Notifier.
func (n Notifiers) Notify(ctx context.Context, d Delivery) error {
	if to, ok := n.ByKind[d.Kind]; ok {
		return to.Notify(ctx, d)
	}
	return n.Default.Notify(ctx, d)
}

// ErrPermanent marks a delivery error that retrying cannot fix (revoked token, unknown
// channel): the notice is parked at once.
var ErrPermanent = errors.New("permanent delivery failure")

// ErrNotYet marks a notice that waits for another one (a reply whose thread is not
// posted yet): not a failure, so it is neither counted nor backed off.
var ErrNotYet = errors.New("waiting for an earlier notice")

// DefaultHorizon is how long a notice is retried through transient failures before it is
// parked, unless the worker is told otherwise: a day, so a Slack or LINE outage of hours
// parks nothing.
const DefaultHorizon = 24 * time.Hour

// Worker delivers notices from an outbox to a notifier. The retry schedule of a transient
// failure is Backoff·2^(attempt−1), capped at MaxBackoff, with jitter in its upper half;
// a notice is parked only on a permanent refusal or when a transient failure comes more
// than Horizon after the notice was queued. The notices of one thread (Notice.Thread) are
// delivered in queue order: while one waits for its retry, the ones after it wait too.
// A Worker is used by one goroutine.
type Worker struct {
	Outbox   Outbox
	Notifier Notifier
	// Name identifies the worker as an outbox consumer; unique per process.
	Name string
	// Horizon is how long after it was queued a notice is still retried; 0 means
	// DefaultHorizon.
	Horizon time.Duration
	// Backoff is the first retry delay, doubled per attempt up to MaxBackoff; 0 means 1s
	// and 5m.
	Backoff, MaxBackoff time.Duration
	// Lease is how long a claim lasts before another worker may take the notice; 0 means 1m.
	Lease time.Duration
	// Poll is the pause when the outbox is empty; 0 means 500ms.
	Poll time.Duration
	Now  func() time.Time
	Log  *slog.Logger
	// Observe, if set, is told the outcome of every delivery attempt: "delivered",
	// "retried", "limited" (a rate limit waited out), "waiting" (behind another notice)
	// or "parked". Metrics hang here.
	Observe func(outcome string)

	// held maps a thread to the notice of it that waits for a retry, and when.
	held map[string]hold
	// pause is until when the notifier asked not to be called (Retry-After).
	pause time.Time
}

// hold is a thread waiting for one of its notices: handle, due again at due; next are
// the notices of the thread put back behind it, in their order, which take the hold in
// turn — so they go in that order even when the outbox's clock would hand a later one
// over first.
type hold struct {
	handle string
	due    time.Time
	next   []string
}

func (w *Worker) defaults() {
	if w.Horizon <= 0 {
		w.Horizon = DefaultHorizon
	}
	if w.Backoff <= 0 {
		w.Backoff = time.Second
	}
	if w.MaxBackoff <= 0 {
		w.MaxBackoff = 5 * time.Minute
	}
	if w.Lease <= 0 {
		w.Lease = time.Minute
	}
	if w.Poll <= 0 {
		w.Poll = 500 * time.Millisecond
	}
	if w.Now == nil {
		w.Now = time.Now
	}
	if w.Log == nil {
		w.Log = slog.Default()
	}
	if w.Name == "" {
		w.Name = "worker"
	}
	if w.held == nil {
		w.held = map[string]hold{}
	}
}

// Run delivers until ctx is done. Outbox errors (the store down) are logged and retried
// after Poll; they never end the loop.
func (w *Worker) Run(ctx context.Context) error {
	w.defaults()
	for {
		n, err := w.Drain(ctx)
		if err != nil && ctx.Err() == nil {
			w.Log.LogAttrs(ctx, slog.LevelWarn, "outbox unavailable", slog.Any("err", err))
		}
		if n > 0 && err == nil {
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(w.Poll):
		}
	}
}

// Drain delivers every notice that is due now and returns how many it handled. While the
// notifier's Retry-After runs it claims nothing.
func (w *Worker) Drain(ctx context.Context) (int, error) {
	w.defaults()
	total := 0
	for !w.Now().Before(w.pause) {
		ds, err := w.Outbox.Claim(ctx, w.Name, 16, w.Lease)
		if err != nil {
			return total, fmt.Errorf("claim: %w", err)
		}
		if len(ds) == 0 {
			return total, nil
		}
		for i, d := range ds {
			if w.Now().Before(w.pause) {
				// Rate limited by an earlier one of this batch: the rest wait with it, in
				// their order, and their lease is not spent.
				if err := w.later(ctx, ds[i:], w.pause, "limited"); err != nil {
					return total, err
				}
				return total, nil
			}
			if err := w.deliver(ctx, d); err != nil {
				return total, err
			}
			total++
		}
	}
	return total, nil
}

// later puts ds back, due at due, without counting the try.
func (w *Worker) later(ctx context.Context, ds []Delivery, due time.Time, outcome string) error {
	for _, d := range ds {
		d.Attempt--
		if err := w.Outbox.Retry(ctx, d, due); err != nil {
			return err
		}
		w.observe(outcome)
	}
	return nil
}

func (w *Worker) deliver(ctx context.Context, d Delivery) error {
	attrs := []slog.Attr{slog.String("notice", d.ID), slog.String("kind", string(d.Kind)), slog.Int("attempt", d.Attempt)}
	if now := w.Now(); now.Before(d.NotBefore) {
		// Not due yet; what comes after it in its thread waits for it.
		w.hold(d, d.NotBefore)
		return w.later(ctx, []Delivery{d}, d.NotBefore, "waiting")
	}
	if h, ok := w.held[d.Thread]; ok && d.Thread != "" && h.handle != d.Handle {
		if now := w.Now(); now.Before(h.due.Add(w.Lease)) {
			// An earlier notice of the thread waits for its retry: this one goes after it.
			due := h.due.Add(time.Millisecond)
			if !due.After(now) {
				due = now.Add(w.Backoff) // the earlier one is due, or out with another worker
			}
			if !slices.Contains(h.next, d.Handle) {
				h.next = append(h.next, d.Handle)
				w.held[d.Thread] = h
			}
			return w.later(ctx, []Delivery{d}, due, "waiting")
		}
		delete(w.held, d.Thread) // another worker took the earlier one over long ago
	}
	err := w.Notifier.Notify(ctx, d)
	now := w.Now()
	var ra interface{ RetryAfter() time.Duration }
	switch {
	case err == nil:
		w.release(d)
		w.observe("delivered")
		return w.Outbox.Ack(ctx, d)
	case errors.Is(err, ErrPermanent):
		w.release(d)
		return w.park(ctx, d, err, attrs)
	case !d.Queued.IsZero() && now.Sub(d.Queued) >= w.Horizon:
		// Whatever kept it back — failures, rate limits, a thread root that never came.
		w.release(d)
		return w.park(ctx, d, fmt.Errorf("still failing %v after it was queued: %w", w.Horizon, err), attrs)
	case errors.As(err, &ra):
		// Honour Retry-After exactly; the notifier is asked nothing until then. (A
		// Retry-After of 0 would spin: the first backoff stands in for it.)
		wait := ra.RetryAfter()
		if wait <= 0 {
			wait = w.Backoff
		}
		w.pause = now.Add(wait)
		w.hold(d, w.pause)
		w.Log.LogAttrs(ctx, slog.LevelInfo, "notice delivery rate limited, will retry",
			append(attrs, slog.Duration("in", wait))...)
		return w.later(ctx, []Delivery{d}, w.pause, "limited")
	case errors.Is(err, ErrNotYet):
		due := now.Add(w.Backoff)
		w.hold(d, due)
		return w.later(ctx, []Delivery{d}, due, "waiting")
	default:
		delay := w.backoff(d.Attempt)
		w.hold(d, now.Add(delay))
		w.observe("retried")
		w.Log.LogAttrs(ctx, slog.LevelWarn, "notice delivery failed, will retry",
			append(attrs, slog.Duration("in", delay), slog.Any("err", err))...)
		return w.Outbox.Retry(ctx, d, now.Add(delay))
	}
}

func (w *Worker) park(ctx context.Context, d Delivery, err error, attrs []slog.Attr) error {
	w.observe("parked")
	w.Log.LogAttrs(ctx, slog.LevelError, "notice parked in dead letters", append(attrs, slog.Any("err", err))...)
	return w.Outbox.Park(ctx, d, err.Error())
}

// hold makes d's thread wait for d, due at due.
func (w *Worker) hold(d Delivery, due time.Time) {
	if d.Thread == "" {
		return
	}
	h := w.held[d.Thread]
	h.handle, h.due = d.Handle, due
	h.next = slices.DeleteFunc(h.next, func(n string) bool { return n == d.Handle })
	w.held[d.Thread] = h
}

// release lets d's thread go on when d held it: the first notice put back behind d takes
// the hold, or the thread is free.
func (w *Worker) release(d Delivery) {
	h, ok := w.held[d.Thread]
	if !ok || h.handle != d.Handle {
		return
	}
	if len(h.next) == 0 {
		delete(w.held, d.Thread)
		return
	}
	w.held[d.Thread] = hold{handle: h.next[0], due: w.Now(), next: h.next[1:]}
}

// backoff is the delay after the attempt-th failure: Backoff·2^(attempt-1), capped, with
// full jitter in its upper half so workers that failed together do not retry together.
func (w *Worker) backoff(attempt int) time.Duration {
	d := w.Backoff
	for i := 1; i < attempt && d < w.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, w.MaxBackoff)
	return d/2 + rand.N(d/2+1)
}

func (w *Worker) observe(outcome string) {
	if w.Observe != nil {
		w.Observe(outcome)
	}
}
