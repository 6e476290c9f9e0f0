package bot

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"deskbot/japan"
)

// Store keeps the conversations: each one's inbox of events in arrival order, its lease,
// its session, the events applied, and the outbox of notices. Implementations are safe for
// concurrent use by several engines, in one process or in many against one shared store.
type Store interface {
	// Enqueue appends ev to its conversation's inbox and returns its sequence number, which
	// orders the conversation's events by arrival. Once Enqueue returns, the event is
	// durable: some engine will apply it.
	Enqueue(ctx context.Context, ev Event) (int64, error)
	// Head returns the oldest event in conv's inbox; ok is false when the inbox is empty.
	Head(ctx context.Context, conv string) (q Queued, ok bool, err error)
	// Waiting lists up to max conversations whose inboxes hold events, for the sweep that
	// takes over from engines that died while draining.
	Waiting(ctx context.Context, max int) ([]string, error)

	// Lease takes, or renews, the lease of conv for holder, for ttl. It returns false when
	// another holder has it. Only the holder of the lease applies the inbox's events.
	Lease(ctx context.Context, conv, holder string, ttl time.Duration) (bool, error)
	// Unlease gives the lease up, if holder still has it.
	Unlease(ctx context.Context, conv, holder string) error

	// Load returns the session of conv, or a new one (Version 0) when the store has none.
	// It also reports whether eventID ("" for none) was already applied to conv, and
	// whether conv had a flow in progress that ran out its lifetime since.
	Load(ctx context.Context, conv, eventID string) (Loaded, error)
	// Commit applies one turn in one atomic step, or not at all. It writes c.Session (or
	// deletes it when c.Delete) only if the stored version still equals
	// c.Session.Version; with c.Holder, only while that holder has the lease (and renews
	// it); with c.Seq, only if that event heads the inbox, and removes it. It records
	// c.EventID as applied and appends c.Notices to the outbox. When a condition fails it
	// returns ErrConflict and changes nothing.
	Commit(ctx context.Context, c Commit) error
	// Skip removes event seq from the head of conv's inbox without applying it, if holder
	// has the lease: for redelivered and unprocessable events.
	Skip(ctx context.Context, conv, holder string, seq int64) error

	// NextReceipt returns the next number, from 1, of the receipt sequence of day
	// ("20221115").
	NextReceipt(ctx context.Context, day string) (int64, error)
}

// HotPath is what a Store may also offer so that an event finding its conversation idle
// costs two calls instead of six: Begin instead of Enqueue, Lease and Load, and
// CommitNext instead of Commit, Unlease and Head. The engine uses it when the store has
// it; the guarantees are those of Store.
type HotPath interface {
	// Begin queues ev as Enqueue does (durable once it returns), then takes the lease of
	// ev's conversation for holder, a new holder id, if nobody has it. When holder got
	// the lease and ev is alone in the inbox, Loaded is what Load(ev.Conversation, ev.ID)
	// returns.
	Begin(ctx context.Context, ev Event, holder string, leaseTTL time.Duration) (Begun, error)
	// CommitNext is Commit for a lease holder (c.Holder set) followed in the same atomic
	// step by: the lease given up if the inbox is now empty (more false), or the event
	// now heading it (more true, the lease renewed). On ErrConflict nothing changed.
	CommitNext(ctx context.Context, c Commit) (next Queued, more bool, err error)
}

// Begun is what HotPath.Begin did.
type Begun struct {
	// Seq is the event's sequence number, as Enqueue returns it.
	Seq int64
	// Leased: the holder has the lease.
	Leased bool
	// Loaded is set when the holder has the lease and the event is alone in the inbox.
	Loaded *Loaded
}

// Queued is an event waiting in a conversation's inbox.
type Queued struct {
	Event Event
	Seq   int64
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
	// Holder, when set, must hold the conversation's lease; the lease is renewed for
	// LeaseTTL.
	Holder   string
	LeaseTTL time.Duration
	// Seq, when set, is the inbox event this turn applies; it must head the inbox and is
	// removed from it.
	Seq int64
	// EventID, when not empty, is remembered as applied: for at least a day, or for as
	// long as the conversation's latest hundred events are (a store may bound what it
	// keeps per conversation).
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

// NewTurn returns the turn of ev on session s at now, for a Brain driven apart from the
// engine (tests, tools); receipts draws the receipt numbers of Turn.Receipt.
func NewTurn(ev Event, s *Session, now time.Time, receipts func(ctx context.Context) (string, error)) *Turn {
	return &Turn{Event: ev, Session: s, Now: now, receipts: receipts}
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

// Deliver sends the messages of an applied event to the clinic. The engine calls it for
// the events it applies on behalf of other Handle calls — in this process or another one,
// alive or dead — so it must work from the event alone (Event.Reply, Conversation).
type Deliver func(ctx context.Context, ev Event, msgs []Message)

// Engine applies inbound events to their conversations, in arrival order and exactly once,
// with any number of engines on one store: each event is queued in its conversation's
// inbox, and the engine that holds the conversation's lease applies the queued events one
// by one. Engine is safe for concurrent use.
type Engine struct {
	store    Store
	brain    Brain
	now      func() time.Time
	clockOf  func(conv string) (time.Time, bool)
	ttl      time.Duration
	leaseTTL time.Duration
	deliver  Deliver
	log      *slog.Logger
	obs      func(string, time.Duration)
	// pushGrace: see Config.PushGrace.
	pushGrace time.Duration
}

// Config configures an Engine.
type Config struct {
	Store Store
	Brain Brain
	// Deliver sends replies of events applied for other Handle calls; nil drops them (a
	// single-process program whose Handle calls are sequential never needs it).
	Deliver Deliver
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// ClockOf, if set, may give one conversation a clock of its own: when it returns ok,
	// the conversation's turns happen at the time it returns instead of Now. The browser
	// emulator rehearses each conversation on a date the tester picks. It is called once
	// per applied event and must be safe for concurrent use.
	ClockOf func(conv string) (time.Time, bool)
	// TTL is the idle lifetime of a session; 0 means 168h.
	TTL time.Duration
	// LeaseTTL bounds how long a crashed engine blocks a conversation; 0 means 15s. Each
	// applied event renews the lease.
	LeaseTTL time.Duration
	// Log receives one line per turn; nil means slog.Default().
	Log *slog.Logger
	// Observe, if set, is told how each queued event's turn ended — "applied",
	// "duplicate", "dropped" (the decision panicked) or "error" (it stays queued) — and how
	// long it took. Metrics hang here.
	Observe func(outcome string, took time.Duration)
	// PushGrace, when above 0, makes receipts and desk replies durable: the messages of
	// a turn that files a report, or answers a desk event (with its DeskThread), also go,
	// in the same commit, to the outbox as a NoticeLINEPush due PushGrace later, and
	// carry its id in Message.Queued. The channel replies at once and
	// marks the push sent; if it cannot (LINE down, the process gone), the outbox pushes
	// it. Set it a little longer than the channel takes to reply.
	PushGrace time.Duration
}

// NewEngine returns an engine.
func NewEngine(c Config) *Engine {
	e := &Engine{store: c.Store, brain: c.Brain, now: c.Now, clockOf: c.ClockOf, ttl: c.TTL, leaseTTL: c.LeaseTTL,
		deliver: c.Deliver, log: c.Log, obs: c.Observe, pushGrace: c.PushGrace}
	if e.now == nil {
		e.now = time.Now
	}
	if e.ttl <= 0 {
		e.ttl = 168 * time.Hour
	}
	if e.leaseTTL <= 0 {
		e.leaseTTL = 15 * time.Second
	}
	if e.log == nil {
		e.log = slog.Default()
	}
	return e
}

// Handle queues ev in its conversation's inbox, then applies the queued events in order
// unless another engine is already doing so, and returns what to say to ev. It returns no
// message when ev was a redelivery, or when another engine applies it (that engine
// delivers the reply). An error means ev may not be queued or applied yet: the channel
// should redeliver it, and the redelivery is applied once.
func (e *Engine) Handle(ctx context.Context, ev Event) ([]Message, error) {
	if ev.Conversation == "" {
		return nil, errors.New("event without conversation")
	}
	if hp, ok := e.store.(HotPath); ok {
		return e.handleHot(ctx, hp, ev)
	}
	seq, err := e.store.Enqueue(ctx, ev)
	if err != nil {
		return nil, fmt.Errorf("queue event: %w", err)
	}
	return e.drain(ctx, ev.Conversation, rand.Text(), seq, nil)
}

// handleHot is Handle on a HotPath store: when ev finds its conversation idle, queueing,
// leasing and loading are one call and committing and releasing another. Anything else —
// events queued ahead, a redelivery, a failed turn, events queued behind — goes on as
// drain does, with the lease Begin took.
func (e *Engine) handleHot(ctx context.Context, hp HotPath, ev Event) ([]Message, error) {
	conv, holder := ev.Conversation, rand.Text()
	b, err := hp.Begin(ctx, ev, holder, e.leaseTTL)
	if err != nil {
		e.release(ctx, conv, holder) // in case Begin took the lease before failing
		return nil, fmt.Errorf("queue event: %w", err)
	}
	if !b.Leased {
		return nil, nil // the holder applies the queued events, ours included
	}
	if b.Loaded == nil || b.Loaded.Seen {
		return e.drain(ctx, conv, holder, b.Seq, nil)
	}
	q := Queued{Event: ev, Seq: b.Seq}
	start := time.Now()
	msgs, c, outcome, err := e.turn(ctx, holder, q, *b.Loaded)
	more := true
	if c != nil {
		if _, more, err = hp.CommitNext(ctx, *c); err != nil {
			outcome, err = "error", fmt.Errorf("commit session: %w", err)
		}
	}
	switch {
	case errors.Is(err, ErrConflict):
		e.record(ctx, q, outcome, start, err)
		return e.drain(ctx, conv, holder, b.Seq, nil) // gives up unless the lease is still ours
	case !e.record(ctx, q, outcome, start, err):
		e.release(ctx, conv, holder)
		return nil, err
	case !more:
		return msgs, nil
	}
	return e.drain(ctx, conv, holder, b.Seq, msgs)
}

// Sweep applies the events left queued by engines that died while draining, once their
// leases have run out, and delivers their replies. It returns how many conversations it
// drained.
func (e *Engine) Sweep(ctx context.Context) (int, error) {
	convs, err := e.store.Waiting(ctx, 100)
	if err != nil {
		return 0, fmt.Errorf("waiting conversations: %w", err)
	}
	var errs []error
	for _, conv := range convs {
		if _, err := e.drain(ctx, conv, rand.Text(), 0, nil); err != nil {
			errs = append(errs, err)
		}
	}
	return len(convs), errors.Join(errs...)
}

// drain applies conv's queued events while holder holds the lease, returning the messages
// of event mine (own, if they are already known) and delivering the others.
func (e *Engine) drain(ctx context.Context, conv, holder string, mine int64, own []Message) ([]Message, error) {
	for {
		ok, err := e.store.Lease(ctx, conv, holder, e.leaseTTL)
		if err != nil {
			return own, fmt.Errorf("lease: %w", err)
		}
		if !ok {
			return own, nil // the holder applies the queued events, ours included
		}
		err = e.applyAll(ctx, conv, holder, mine, &own)
		if uerr := e.release(ctx, conv, holder); uerr != nil && err == nil {
			err = fmt.Errorf("unlease: %w", uerr)
		}
		if err != nil {
			return own, err
		}
		// An event queued while we held the lease found it taken and left it to us.
		if _, more, err := e.store.Head(ctx, conv); err != nil || !more {
			return own, err
		}
	}
}

// release gives the lease up with a context of its own: a cancelled request must not
// leave the conversation blocked until the lease runs out.
func (e *Engine) release(ctx context.Context, conv, holder string) error {
	uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	return e.store.Unlease(uctx, conv, holder)
}

// applyAll applies queued events until the inbox is empty.
func (e *Engine) applyAll(ctx context.Context, conv, holder string, mine int64, own *[]Message) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		q, ok, err := e.store.Head(ctx, conv)
		if err != nil {
			return fmt.Errorf("inbox: %w", err)
		}
		if !ok {
			return nil
		}
		start := time.Now()
		msgs, outcome, err := e.apply(ctx, holder, q)
		if !e.record(ctx, q, outcome, start, err) {
			if errors.Is(err, ErrConflict) {
				return nil
			}
			return err
		}
		switch {
		case q.Seq == mine:
			*own = msgs
		case e.deliver != nil && len(msgs) > 0:
			e.deliver(ctx, q.Event, msgs)
		}
	}
}

// record observes and logs how q's turn ended; false when it was not applied (err is set;
// ErrConflict means the lease was lost).
func (e *Engine) record(ctx context.Context, q Queued, outcome string, start time.Time, err error) bool {
	if e.obs != nil {
		e.obs(outcome, time.Since(start))
	}
	attrs := func() []slog.Attr {
		return []slog.Attr{slog.String("conv", LogID(q.Event.Conversation)), slog.String("kind", q.Event.Kind.String()), slog.String("outcome", outcome)}
	}
	switch {
	case errors.Is(err, ErrConflict):
		// The lease was lost (this engine stalled past it): the new holder goes on.
		e.log.LogAttrs(ctx, slog.LevelWarn, "lease lost while applying", attrs()...)
		return false
	case err != nil:
		e.log.LogAttrs(ctx, slog.LevelWarn, "turn failed", append(attrs(), slog.Any("err", err))...)
		return false
	}
	if e.log.Enabled(ctx, slog.LevelDebug) { // the pseudonym is a hash: not for lines nobody reads
		e.log.LogAttrs(ctx, slog.LevelDebug, "turn", attrs()...)
	}
	return true
}

// apply applies one queued event; the outcome names what happened, for metrics.
func (e *Engine) apply(ctx context.Context, holder string, q Queued) ([]Message, string, error) {
	l, err := e.store.Load(ctx, q.Event.Conversation, q.Event.ID)
	if err != nil {
		return nil, "error", fmt.Errorf("load session: %w", err)
	}
	msgs, c, outcome, err := e.turn(ctx, holder, q, l)
	if c == nil || err != nil {
		return msgs, outcome, err
	}
	if err := e.store.Commit(ctx, *c); err != nil {
		return nil, "error", fmt.Errorf("commit session: %w", err)
	}
	return msgs, outcome, nil
}

// turn decides q on the session l found and returns the commit that applies it, or nil
// when the event was skipped instead (a redelivery, or a decision that panicked).
func (e *Engine) turn(ctx context.Context, holder string, q Queued, l Loaded) ([]Message, *Commit, string, error) {
	ev := q.Event
	if l.Seen {
		if err := e.store.Skip(ctx, ev.Conversation, holder, q.Seq); err != nil {
			return nil, nil, "error", fmt.Errorf("skip duplicate: %w", err)
		}
		return nil, nil, "duplicate", nil
	}
	now := e.now()
	if e.clockOf != nil {
		if t, ok := e.clockOf(ev.Conversation); ok {
			now = t
		}
	}
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
	out, err := e.decide(ctx, t)
	if errors.Is(err, errPanic) {
		// A decision that panics is a bug and would panic again: drop the event rather
		// than block the conversation behind it.
		e.log.LogAttrs(ctx, slog.LevelError, "event dropped", slog.String("conv", LogID(ev.Conversation)), slog.Any("err", err))
		if err := e.store.Skip(ctx, ev.Conversation, holder, q.Seq); err != nil {
			return nil, nil, "error", fmt.Errorf("skip failed event: %w", err)
		}
		return nil, nil, "dropped", nil
	}
	if err != nil {
		return nil, nil, "error", fmt.Errorf("decide: %w", err)
	}
	s.Updated = now
	out = e.durable(ev, out, now)
	return out.Messages, &Commit{Session: s, Delete: s.Empty(), TTL: e.ttl, Holder: holder, LeaseTTL: e.leaseTTL,
		Seq: q.Seq, EventID: ev.ID, Notices: out.Notices}, "applied", nil
}

// durable adds to a turn that files a report, or answers a desk event, its messages as a
// LINE push due after the grace (see Config.PushGrace), and marks the messages with the
// push's id.
func (e *Engine) durable(ev Event, out Outcome, now time.Time) Outcome {
	if e.pushGrace <= 0 || ev.ID == "" || len(out.Messages) == 0 {
		return out
	}
	thread := ""
	switch ev.Kind {
	case DeskReplyEvent, DeskCloseEvent:
		thread = ev.DeskThread // what the desk writes the clinic must read too
	default:
		for _, n := range out.Notices {
			if n.Kind == NoticeReport {
				thread = n.ID // the receipt
			}
		}
	}
	if thread == "" {
		return out
	}
	id := PushID(ev.Conversation, ev.ID)
	msgs := slices.Clone(out.Messages)
	for i := range msgs {
		msgs[i].Queued = id
	}
	out.Messages = msgs
	out.Notices = append(slices.Clone(out.Notices), Notice{ID: id, Kind: NoticeLINEPush, Conversation: ev.Conversation,
		Time: now, Thread: ev.Conversation, DeskThread: thread, Messages: msgs, NotBefore: now.Add(e.pushGrace)})
	return out
}

// PushID is the id of the LINE push that carries the answer to event eventID of conv: a
// UUID (LINE's X-Line-Retry-Key is one), the same whoever computes it.
func PushID(conv, eventID string) string {
	sum := sha256.Sum256([]byte("deskbot-push:" + conv + "\x00" + eventID))
	b := sum[:16]
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

var errPanic = errors.New("decision panicked")

// decide runs the brain, turning a panic into errPanic.
func (e *Engine) decide(ctx context.Context, t *Turn) (out Outcome, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", errPanic, r)
		}
	}()
	return e.brain.Decide(ctx, t)
}

// JST is Japan time (japan.Zone), in which the desk counts days and receipt numbers.
var JST = japan.Zone

// LogID returns a short, stable pseudonym of a conversation for the log, so lines of one
// conversation can be followed without writing the user's id.
func LogID(conv string) string {
	sum := sha256.Sum256([]byte("deskbot-log:" + conv))
	return hex.EncodeToString(sum[:6])
}
