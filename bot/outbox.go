package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"
)

// Outbox is the queue of notices for the desk. Store.Commit fills it; a Worker drains it.
// Delivery is at least once: a claimed notice that is neither acknowledged, retried nor
// parked within its lease goes back to the queue for any worker, so notifiers must be
// idempotent on Notice.ID.
type Outbox interface {
	// Claim leases up to max notices that are due, to consumer, for lease.
	Claim(ctx context.Context, consumer string, max int, lease time.Duration) ([]Delivery, error)
	// Ack removes a delivered notice.
	Ack(ctx context.Context, d Delivery) error
	// Retry returns a notice whose delivery failed to the queue, due again at due.
	Retry(ctx context.Context, d Delivery, due time.Time) error
	// Park moves a notice that cannot be delivered to the dead letters, with the reason.
	Park(ctx context.Context, d Delivery, reason string) error
}

// Delivery is a claimed notice.
type Delivery struct {
	Notice
	// Attempt counts deliveries of this notice, from 1.
	Attempt int
	// Handle is the outbox's own reference to the claim.
	Handle string
}

// Notifier tells the desk: Slack, or the log, or the terminal.
type Notifier interface {
	// Notify delivers d.Notice. It must be idempotent on d.ID: the outbox may hand the same
	// notice over again after a crash or a failure that was in fact a success; d.Attempt
	// above 1 says so, for notifiers that check before posting again. An error wrapping
	// ErrPermanent is not retried.
	Notify(ctx context.Context, d Delivery) error
}

// ErrPermanent marks a delivery error that retrying cannot fix (revoked token, unknown
// channel): the notice is parked at once.
var ErrPermanent = errors.New("permanent delivery failure")

// Worker delivers notices from an outbox to a notifier, with exponential backoff and jitter
// between attempts, and parks a notice after MaxAttempts failures.
type Worker struct {
	Outbox   Outbox
	Notifier Notifier
	// Name identifies the worker as an outbox consumer; unique per process.
	Name string
	// MaxAttempts before a notice is parked; 0 means 10.
	MaxAttempts int
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
	// "retried" or "parked". Metrics hang here.
	Observe func(outcome string)
}

func (w *Worker) defaults() {
	if w.MaxAttempts <= 0 {
		w.MaxAttempts = 10
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

// Drain delivers every notice that is due now and returns how many it handled.
func (w *Worker) Drain(ctx context.Context) (int, error) {
	w.defaults()
	total := 0
	for {
		ds, err := w.Outbox.Claim(ctx, w.Name, 16, w.Lease)
		if err != nil {
			return total, fmt.Errorf("claim: %w", err)
		}
		if len(ds) == 0 {
			return total, nil
		}
		for _, d := range ds {
			if err := w.deliver(ctx, d); err != nil {
				return total, err
			}
			total++
		}
	}
}

func (w *Worker) deliver(ctx context.Context, d Delivery) error {
	attrs := []slog.Attr{slog.String("notice", d.ID), slog.String("kind", string(d.Kind)), slog.Int("attempt", d.Attempt)}
	err := w.Notifier.Notify(ctx, d)
	switch {
	case err == nil:
		w.observe("delivered")
		return w.Outbox.Ack(ctx, d)
	case errors.Is(err, ErrPermanent) || d.Attempt >= w.MaxAttempts:
		w.observe("parked")
		w.Log.LogAttrs(ctx, slog.LevelError, "notice parked in dead letters", append(attrs, slog.Any("err", err))...)
		return w.Outbox.Park(ctx, d, err.Error())
	default:
		delay := w.backoff(d.Attempt)
		w.observe("retried")
		w.Log.LogAttrs(ctx, slog.LevelWarn, "notice delivery failed, will retry",
			append(attrs, slog.Duration("in", delay), slog.Any("err", err))...)
		var ra interface{ RetryAfter() time.Duration }
		if errors.As(err, &ra) && ra.RetryAfter() > delay {
			delay = ra.RetryAfter()
		}
		return w.Outbox.Retry(ctx, d, w.Now().Add(delay))
	}
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
