package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/maphash"
	"log/slog"
	"sync"
	"time"
)

// Store keeps the sessions, remembers which events were applied and takes notices into its
// outbox. Implementations are safe for concurrent use by several engines, in one process or
// in many against one shared store.
type Store interface {
	// Load returns the session of conv, or a new one (Version 0) when the store has none.
	// It also reports whether eventID ("" for none) was already applied to conv, and
	// whether conv had a flow in progress that ran out its lifetime since.
	Load(ctx context.Context, conv, eventID string) (Loaded, error)
	// Commit applies one turn in one atomic step, or not at all: it writes c.Session (or
	// deletes it when c.Delete) only if the stored version still equals c.Session.Version,
	// records c.EventID as applied, and appends c.Notices to the outbox. A moved version
	// gives ErrConflict and changes nothing.
	Commit(ctx context.Context, c Commit) error
	// NextReceipt returns the next number, from 1, of the receipt sequence of day
	// ("20221115").
	NextReceipt(ctx context.Context, day string) (int64, error)
}

// Loaded is what Store.Load found.
type Loaded struct {
	Session *Session
	// Seen: the event was applied before; this is a redelivery.
	Seen bool
	// Expired: a flow was in progress and its session ran out its lifetime.
	Expired bool
}

// Commit is one turn's change to the store.
type Commit struct {
	// Session is the new state; its Version is the version it was loaded at.
	Session *Session
	// Delete drops the session instead of writing it: nothing of the conversation is kept.
	Delete bool
	// TTL is the idle lifetime of the written session.
	TTL time.Duration
	// EventID, when not empty, is remembered as applied (for at least a day).
	EventID string
	// Notices go to the outbox, for the desk.
	Notices []Notice
}

// Brain decides what a turn does. It is pure: it changes the session and returns what to
// say and what to tell the desk; the engine loads, saves and delivers.
type Brain interface {
	Decide(ctx context.Context, t *Turn) (Outcome, error)
}

// Turn is one event applied to one session.
type Turn struct {
	Event   Event
	Session *Session
	Now     time.Time
	// Expired: the conversation had a flow in progress that ran out its lifetime; the
	// session is new.
	Expired bool

	receipts func(ctx context.Context) (string, error)
}

// Receipt draws a new receipt number for a report, R-YYYYMMDD-NNNN by the day of t.Now in
// Japan. A turn that fails after drawing leaves a gap in the day's numbers, never a repeat.
func (t *Turn) Receipt(ctx context.Context) (string, error) {
	return t.receipts(ctx)
}

// Outcome is what a turn decided.
type Outcome struct {
	Messages []Message
	Notices  []Notice
}

// Engine applies inbound events to their conversations. Handle is safe for concurrent use;
// events of one conversation handled by one engine are applied one at a time, in the order
// Handle was called, and several engines on one store never lose an update.
type Engine struct {
	store Store
	brain Brain
	now   func() time.Time
	ttl   time.Duration
	log   *slog.Logger
	obs   func(string, time.Duration)

	stripes [64]sync.Mutex
	seed    maphash.Seed
}

// Config configures an Engine.
type Config struct {
	Store Store
	Brain Brain
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// TTL is the idle lifetime of a session; 0 means 168h.
	TTL time.Duration
	// Log receives one line per turn; nil means slog.Default().
	Log *slog.Logger
	// Observe, if set, is told how each Handle ended — "applied", "duplicate" or "error" —
	// and how long it took. Metrics hang here.
	Observe func(outcome string, took time.Duration)
}

// NewEngine returns an engine.
func NewEngine(c Config) *Engine {
	e := &Engine{store: c.Store, brain: c.Brain, now: c.Now, ttl: c.TTL, log: c.Log, obs: c.Observe, seed: maphash.MakeSeed()}
	if e.now == nil {
		e.now = time.Now
	}
	if e.ttl <= 0 {
		e.ttl = 168 * time.Hour
	}
	if e.log == nil {
		e.log = slog.Default()
	}
	return e
}

// maxAttempts bounds the retries of a turn whose commit lost a race with another engine.
const maxAttempts = 8

// Handle applies ev to its conversation and returns what to say. A redelivered event
// returns no message and no error. An error means the event was not applied: the caller
// should let the channel redeliver it.
func (e *Engine) Handle(ctx context.Context, ev Event) ([]Message, error) {
	if ev.Conversation == "" {
		return nil, errors.New("event without conversation")
	}
	start := time.Now()
	mu := &e.stripes[maphash.String(e.seed, ev.Conversation)%uint64(len(e.stripes))]
	mu.Lock()
	defer mu.Unlock()
	for attempt := 1; ; attempt++ {
		msgs, dup, err := e.apply(ctx, ev)
		if errors.Is(err, ErrConflict) && attempt < maxAttempts {
			continue
		}
		outcome := "applied"
		switch {
		case err != nil:
			outcome = "error"
			e.log.LogAttrs(ctx, slog.LevelWarn, "turn failed", slog.String("conv", LogID(ev.Conversation)),
				slog.String("kind", ev.Kind.String()), slog.Int("attempt", attempt), slog.Any("err", err))
		case dup:
			outcome = "duplicate"
			e.log.LogAttrs(ctx, slog.LevelInfo, "duplicate event ignored", slog.String("conv", LogID(ev.Conversation)))
		}
		if e.obs != nil {
			e.obs(outcome, time.Since(start))
		}
		return msgs, err
	}
}

// apply runs one attempt of a turn; dup reports a redelivered event.
func (e *Engine) apply(ctx context.Context, ev Event) (msgs []Message, dup bool, err error) {
	l, err := e.store.Load(ctx, ev.Conversation, ev.ID)
	if err != nil {
		return nil, false, fmt.Errorf("load session: %w", err)
	}
	if l.Seen {
		return nil, true, nil
	}
	now := e.now()
	s := l.Session
	s.Conversation = ev.Conversation
	t := &Turn{Event: ev, Session: s, Now: now, Expired: l.Expired, receipts: func(ctx context.Context) (string, error) {
		day := now.In(JST).Format("20060102")
		n, err := e.store.NextReceipt(ctx, day)
		if err != nil {
			return "", fmt.Errorf("next receipt: %w", err)
		}
		return fmt.Sprintf("R-%s-%04d", day, n), nil
	}}
	from := s.Flow
	out, err := e.brain.Decide(ctx, t)
	if err != nil {
		return nil, false, fmt.Errorf("decide: %w", err)
	}
	s.Updated = now
	c := Commit{Session: s, Delete: s.Empty(), TTL: e.ttl, EventID: ev.ID, Notices: out.Notices}
	if err := e.store.Commit(ctx, c); err != nil {
		return nil, false, fmt.Errorf("commit session: %w", err)
	}
	e.log.LogAttrs(ctx, slog.LevelDebug, "turn", slog.String("conv", LogID(ev.Conversation)),
		slog.String("kind", ev.Kind.String()), slog.String("from", from), slog.String("flow", s.Flow),
		slog.String("step", s.Step), slog.Int("notices", len(out.Notices)))
	return out.Messages, false, nil
}

// JST is Japan time, in which the desk counts days and receipt numbers.
var JST = time.FixedZone("JST", 9*60*60)

// LogID returns a short, stable pseudonym of a conversation for the log, so lines of one
// conversation can be followed without writing the user's id.
func LogID(conv string) string {
	sum := sha256.Sum256([]byte("deskbot-log:" + conv))
	return hex.EncodeToString(sum[:6])
}
