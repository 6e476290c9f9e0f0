package line

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot"
	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"deskbot/bot"
)

// Sender sends the engine's messages to LINE users, in order per user. It replies with the
// event's reply token while that is good (within ReplyWindow of receipt) and pushes
// otherwise, or when the reply is refused.
//
// A push that fails for a reason that may pass (5xx, 429, a network error) is handed to
// Queue, the store's outbox, as a bot.NoticeLINEPush, and the outbox worker retries it
// with backoff until its horizon through Notify — a receipt or a desk reply survives a
// LINE outage of hours and a restart. Every push of a message batch carries one
// X-Line-Retry-Key, derived from the notice's id, on the first try and on every retry in
// any process, so LINE shows it once. A refusal no retry changes (4xx other than 409 and
// 429: the clinic blocked the account, …) is told to the desk as a bot.NoticeDeskNote in
// the Slack thread the message answered, when there is one. Without Queue, a failed push
// is retried a few times in place and then logged as lost.
type Sender struct {
	// api is the one Messaging API client, shared by every goroutine: nothing calls its
	// WithContext, which mutates it (apiFor gives a call with a context its own copy).
	api *messaging_api.MessagingApiAPI
	log *slog.Logger
	// client, replyURL and auth send the replies, the call of nearly every event,
	// without the SDK's client: see postReply.
	client   *http.Client
	replyURL string
	auth     string

	// ReplyWindow is how long after receipt a reply token is used; LINE honours them for
	// about a minute, so half that leaves room for slow turns.
	ReplyWindow time.Duration
	// Attempts and Backoff bound the in-place retries of one API call without Queue.
	Attempts int
	Backoff  time.Duration
	// Queue takes the pushes to retry and the notes for the desk; set it before the
	// first Send.
	Queue Queue
	// Horizon is how long after it was queued a push is retried before the desk is told
	// it did not arrive; 0 means bot.DefaultHorizon. Keep it equal to the worker's.
	Horizon time.Duration
	// Now is the clock of the horizon; nil means time.Now.
	Now func() time.Time
	// Marks records the batches of a push that reached the clinic, so that a push the
	// engine also queued (bot.Message.Queued) is not sent again by the outbox, and the
	// outbox's claims of batches (see Notify); nil records nothing. Set it before the
	// first Send.
	Marks Marks
	// ClaimTTL is how long Notify's claim of a batch lasts when its holder neither
	// pushes it nor lets it go (the process died); 0 means PushClaimTTL.
	ClaimTTL time.Duration

	seed    maphash.Seed
	queues  []chan job
	wg      sync.WaitGroup
	closing sync.Once
	// inline bounds the replies sent at once by webhook requests' goroutines; past it
	// they wait their turn. sending counts those runs, which Close waits for.
	inline  chan struct{}
	sending sync.WaitGroup

	idleMu sync.Mutex
	// idle are the channels of the goroutines that sent earlier requests' replies and
	// wait for more (Replies.Start), at most InlineSends; Close closes them, and then
	// stopped is set.
	idle    []chan *Replies
	stopped bool

	convMu sync.Mutex
	// active holds the conversations with a job being sent, and the jobs waiting behind
	// it, in order: whoever sends a conversation's job sends these next.
	active map[string][]job

	mu sync.Mutex
	// behind maps a conversation with a push waiting in the outbox to the last one
	// queued: what comes next for it is queued behind, not sent ahead.
	behind map[string]queued
}

type queued struct {
	id string
	at time.Time
}

// Marks is the store's record of keys seen (slack.Store has it too).
type Marks interface {
	// FirstSeen marks key seen for ttl and reports whether it was not seen already.
	FirstSeen(ctx context.Context, key string, ttl time.Duration) (bool, error)
	// Seen reports whether key is marked seen, without marking it.
	Seen(ctx context.Context, key string) (bool, error)
	// Forget unmarks key.
	Forget(ctx context.Context, key string) error
}

// sentTTL is how long a batch sent is remembered: longer than any grace or retry of it.
const sentTTL = 48 * time.Hour

// PushClaimTTL is Sender.ClaimTTL unless set: a little longer than one claimed push can
// take — NewClient's 10-second timeout, plus the store calls around it, which fail within
// seconds (see store.OpenRedis) — so a slow push that is still alive is not sent again
// beside it, while a push whose process died goes out at the first retry after this.
const PushClaimTTL = 30 * time.Second

// ErrClaimed is Notify's error when another worker is pushing the same batch: the notice
// waits and is tried again shortly (it wraps bot.ErrNotYet); it was not delivered.
var ErrClaimed = fmt.Errorf("LINE push being sent by another worker: %w", bot.ErrNotYet)

// Queue is where the sender leaves what must still be delivered: the store's outbox.
type Queue interface {
	AddNotices(ctx context.Context, ns ...bot.Notice) error
}

type job struct {
	ev         bot.Event
	msgs       []bot.Message
	received   time.Time
	deskThread string
}

// Workers is the number of the sender's workers, and InlineSends the most replies sent
// at once by webhook requests' own goroutines; the default client keeps an idle
// connection for each of them.
const (
	Workers     = 8
	InlineSends = 64
)

// NewClient returns the HTTP client a sender uses when given none: a 10-second timeout
// and a transport that keeps an idle connection to LINE for every sender that may be
// sending at once (Workers + InlineSends), so a reply under load does not open a new
// TCP connection.
func NewClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = Workers + InlineSends
	t.MaxIdleConns = max(t.MaxIdleConns, t.MaxIdleConnsPerHost)
	return &http.Client{Timeout: 10 * time.Second, Transport: t}
}

// NewSender returns a sender with its workers running; Close stops them after the queued
// messages are sent. endpoint "" means LINE's public API; client nil means NewClient. It
// fails when token is empty or endpoint is not an absolute URL.
func NewSender(token, endpoint string, client *http.Client, log *slog.Logger) (*Sender, error) {
	if client == nil {
		client = NewClient()
	}
	if endpoint == "" {
		endpoint = "https://api.line.me"
	}
	api, err := messaging_api.NewMessagingApiAPI(token, messaging_api.WithEndpoint(endpoint), messaging_api.WithHTTPClient(client))
	if err != nil {
		return nil, fmt.Errorf("LINE client: %w", err)
	}
	s := &Sender{api: api, log: log, client: client, replyURL: api.Url(replyPath), auth: "Bearer " + token,
		ReplyWindow: 25 * time.Second, Attempts: 4, Backoff: 300 * time.Millisecond, seed: maphash.MakeSeed(),
		behind: map[string]queued{}, active: map[string][]job{}, inline: make(chan struct{}, InlineSends)}
	// The workers send what a webhook does not send itself: Deliver's and Push's
	// messages. One queue per shard of users.
	s.queues = make([]chan job, Workers)
	for i := range s.queues {
		s.queues[i] = make(chan job, 256)
		s.wg.Go(func() {
			for j := range s.queues[i] {
				s.run(j)
			}
		})
	}
	return s, nil
}

// Wait returns when the replies of the webhook requests answered so far are sent, or
// handed to a worker.
func (s *Sender) Wait() { s.sending.Wait() }

// Close waits for the replies being sent at once, sends what is queued and stops the
// workers. Closing again does nothing.
func (s *Sender) Close() {
	s.Wait()
	s.closing.Do(func() {
		s.idleMu.Lock()
		for _, c := range s.idle {
			close(c)
		}
		s.idle, s.stopped = nil, true
		s.idleMu.Unlock()
		for _, q := range s.queues {
			close(q)
		}
	})
	s.wg.Wait()
}

// Send queues msgs in answer to ev, received at received, for a worker.
func (s *Sender) Send(ev bot.Event, msgs []bot.Message, received time.Time) {
	s.enqueue(job{ev: ev, msgs: msgs, received: received})
}

// enqueue hands j to a worker, or leaves it behind the job of its conversation being
// sent, which sends it next.
func (s *Sender) enqueue(j job) {
	if s.claim(j) {
		s.queues[s.shard(j)] <- j
	}
}

func (s *Sender) shard(j job) uint64 {
	return maphash.String(s.seed, j.ev.Conversation) % uint64(len(s.queues))
}

// claim reports whether j's conversation had no job being sent, and makes j that job;
// otherwise j waits behind the last one queued for its conversation.
func (s *Sender) claim(j job) bool {
	s.convMu.Lock()
	defer s.convMu.Unlock()
	if q, busy := s.active[j.ev.Conversation]; busy {
		s.active[j.ev.Conversation] = append(q, j)
		return false
	}
	s.active[j.ev.Conversation] = nil
	return true
}

// run sends j, a claimed job, then the jobs queued behind it for its conversation, and
// releases the conversation when none is left.
func (s *Sender) run(j job) {
	for {
		s.deliver(j)
		s.convMu.Lock()
		q := s.active[j.ev.Conversation]
		if len(q) == 0 {
			delete(s.active, j.ev.Conversation)
			s.convMu.Unlock()
			return
		}
		j, q[0] = q[0], job{}
		s.active[j.ev.Conversation] = q[1:]
		s.convMu.Unlock()
	}
}

// Replies are the replies of one webhook request: each claimed as its event is applied,
// before the 200 is written, and sent right after it, not queued behind other clinics.
type Replies struct {
	s    *Sender
	mine []job
}

// Replies starts the replies of one webhook request; its Start must be called.
func (s *Sender) Replies() *Replies {
	s.sending.Add(1)
	return &Replies{s: s}
}

// Add takes msgs in answer to ev, received at received. A clinic with a message being
// sent gets this one after it, from whoever sends it; otherwise Start sends it.
func (r *Replies) Add(ev bot.Event, msgs []bot.Message, received time.Time) {
	if j := (job{ev: ev, msgs: msgs, received: received}); r.s.claim(j) {
		r.mine = append(r.mine, j)
	}
}

// Start sends the replies added, in order, from another goroutine, and returns at
// once. They go at once, not behind other clinics' messages, as one of at most
// InlineSends goroutines sending (the others wait their turn, in order of arrival).
//
// The goroutine is one that sent an earlier request's replies and waits for more, when
// there is one: a new goroutine's stack grows, by copying, on its way into net/http,
// which under load cost several percent of the process's CPU.
func (r *Replies) Start() {
	s := r.s
	s.idleMu.Lock()
	if n := len(s.idle); n > 0 {
		c := s.idle[n-1]
		s.idle = s.idle[:n-1]
		s.idleMu.Unlock()
		c <- r // buffered: its goroutine takes it as soon as it runs
		return
	}
	s.idleMu.Unlock()
	s.wg.Go(func() { s.sendReplies(r) })
}

// sendReplies sends r's replies, then those Start hands it, while the sender runs and
// fewer than InlineSends goroutines wait. It joins the idle list before it counts its
// replies sent, so a request answered after Wait returns finds it there.
func (s *Sender) sendReplies(r *Replies) {
	c := make(chan *Replies, 1)
	for {
		for _, j := range r.mine {
			s.inline <- struct{}{} // past InlineSends, wait for a turn, first come first served
			s.run(j)
			<-s.inline
		}
		s.idleMu.Lock()
		wait := !s.stopped && len(s.idle) < InlineSends
		if wait {
			s.idle = append(s.idle, c)
		}
		s.idleMu.Unlock()
		s.sending.Done()
		if !wait {
			return
		}
		var ok bool
		if r, ok = <-c; !ok {
			return
		}
	}
}

// Push queues msgs to the user of conv without a reply token: what the desk writes in
// the thread of notice deskThread, where a failure to deliver it is told.
func (s *Sender) Push(conv, deskThread string, msgs []bot.Message) {
	s.enqueue(job{ev: bot.Event{Conversation: conv}, msgs: msgs, deskThread: deskThread})
}

// Deliver is a bot.Deliver: the replies of events this process applied for another one.
// When the event was received is unknown, so its reply token is tried and push follows
// if LINE refuses it.
func (s *Sender) Deliver(_ context.Context, ev bot.Event, msgs []bot.Message) {
	s.Send(ev, msgs, time.Time{})
}

// apiFor returns the client for a call under ctx: the shared one when ctx cannot end,
// else a copy of it with ctx set, the call's alone (WithContext mutates its client).
func (s *Sender) apiFor(ctx context.Context) *messaging_api.MessagingApiAPI {
	if ctx.Done() == nil {
		return s.api
	}
	api := *s.api
	return api.WithContext(ctx)
}

// batches groups msgs into the batches of one API call each (at most five rendered
// messages), keeping a message's parts together where they fit.
func batches(msgs []bot.Message) ([][]messaging_api.MessageInterface, error) {
	var out [][]messaging_api.MessageInterface
	var cur []messaging_api.MessageInterface
	for _, m := range msgs {
		r, err := Render([]bot.Message{m})
		if err != nil {
			return nil, err
		}
		if len(cur)+len(r) > maxMessagesPerCall && len(cur) > 0 {
			out, cur = append(out, cur), nil
		}
		for len(r) > maxMessagesPerCall {
			out, r = append(out, r[:maxMessagesPerCall]), r[maxMessagesPerCall:]
		}
		cur = append(cur, r...)
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out, nil
}

func (s *Sender) deliver(j job) {
	user := UserID(j.ev.Conversation)
	bs, err := batches(j.msgs)
	if err != nil || user == "" {
		s.log.Error("LINE: cannot render or address messages", "conv", bot.LogID(j.ev.Conversation), "err", err)
		return
	}
	if len(bs) == 0 {
		return
	}
	// The pushes of this job are one notice: its id keys every batch, now and on every
	// retry the outbox makes. The engine may have queued the notice already; otherwise
	// the id is drawn when the job first pushes or is queued (a reply needs none).
	id, queuedByEngine := j.msgs[0].Queued, j.msgs[0].Queued != ""
	ctx := context.Background()
	if queuedByEngine && s.isBehind(j.ev.Conversation) {
		return // the outbox sends it, after what waits there for this clinic
	}
	if s.isBehind(j.ev.Conversation) {
		// An earlier message for this clinic waits in the outbox: this one goes after it.
		s.queue(ctx, j, retryKey(), 0, 0, nil)
		return
	}
	// Only the outbox's copy of a push the engine queued reads the marks of the batches
	// sent (Notify, from its first batch); a notice this job queues itself starts at
	// the batch that failed, so its earlier batches are not marked.
	first := 0 // the batch index of bs[0]
	if j.ev.Reply != "" && (j.received.IsZero() || time.Since(j.received) < s.ReplyWindow) {
		if s.reply(j.ev.Reply, bs[0]) {
			if queuedByEngine {
				s.sent(ctx, id, 0)
			}
			bs, first = bs[1:], 1
		}
	}
	if len(bs) > 0 && !queuedByEngine {
		id = retryKey()
	}
	for i, b := range bs {
		k := first + i
		code, err := s.pushBatch(ctx, user, b, batchKey(id, k))
		switch outcome(code, err) {
		case sent:
			if queuedByEngine {
				s.sent(ctx, id, k)
			}
			continue
		case refused:
			s.refused(ctx, j.ev.Conversation, j.deskThread, id, code, err)
			for rest := k; queuedByEngine && rest < first+len(bs); rest++ {
				s.sent(ctx, id, rest) // no retry by the outbox either: the desk is told once
			}
			return
		}
		if queuedByEngine {
			// The outbox holds it already and sends it after its grace.
			s.mu.Lock()
			s.behind[j.ev.Conversation] = queued{id: id, at: s.now()}
			s.mu.Unlock()
			s.log.Warn("LINE push failed; the outbox sends it", "conv", bot.LogID(j.ev.Conversation), "status", code, "err", err, "notice", id)
			return
		}
		if s.Queue == nil {
			s.pushInPlace(ctx, user, b, batchKey(id, k))
			continue
		}
		// Transient: the outbox retries from this batch on, with the same keys.
		s.queue(ctx, j, id, k, code, err)
		return
	}
}

// queue hands the job's messages from batch k on to the outbox as push id, after a
// failure (code, err) or behind an earlier push.
func (s *Sender) queue(ctx context.Context, j job, id string, k, code int, err error) {
	conv := j.ev.Conversation
	n := bot.Notice{ID: id, Kind: bot.NoticeLINEPush, Conversation: conv, Thread: conv,
		DeskThread: j.deskThread, Time: s.now(), Messages: j.msgs, Batch: k}
	if qerr := s.Queue.AddNotices(ctx, n); qerr != nil {
		s.log.Error("LINE push could not be queued for a retry; message not delivered",
			"conv", bot.LogID(conv), "status", code, "err", err, "queue_err", qerr)
		return
	}
	s.mu.Lock()
	s.behind[conv] = queued{id: id, at: s.now()}
	s.mu.Unlock()
	s.log.Warn("LINE push queued for retries", "conv", bot.LogID(conv), "status", code, "err", err, "notice", id)
}

// isBehind reports whether a push for conv this sender queued may still wait in the
// outbox. It forgets one after the horizon: the outbox has delivered or parked it.
func (s *Sender) isBehind(conv string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	q, ok := s.behind[conv]
	if ok && s.now().Sub(q.at) > cmp.Or(s.Horizon, bot.DefaultHorizon) {
		delete(s.behind, conv)
		return false
	}
	return ok
}

// delivered forgets conv's queued push id once the outbox delivered it: as the
// outbox keeps a clinic's pushes in order, the ones before it went too.
func (s *Sender) delivered(conv, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.behind[conv].id == id {
		delete(s.behind, conv)
	}
}

// pushInPlace retries a push a few times with backoff, for a sender without Queue.
func (s *Sender) pushInPlace(ctx context.Context, user string, b []messaging_api.MessageInterface, key string) {
	delay := s.Backoff
	for attempt := 2; attempt <= s.Attempts; attempt++ {
		time.Sleep(delay)
		delay *= 2
		code, err := s.pushBatch(ctx, user, b, key)
		switch outcome(code, err) {
		case sent:
			return
		case refused:
			s.log.Error("LINE push refused; message not delivered", "status", code, "err", err)
			return
		}
		s.log.Warn("LINE push failed, will retry", "status", code, "attempt", attempt, "err", err)
	}
	s.log.Error("LINE push failed; message not delivered", "attempts", s.Attempts)
}

var _ bot.Notifier = (*Sender)(nil)

// Notify implements bot.Notifier for bot.NoticeLINEPush notices: it pushes the notice's
// batches from the one that failed first, each with its own retry key derived from the
// notice id, so LINE drops the ones it already took (409). A refusal no retry changes,
// or a failure past Horizon, is told to the desk and parks the notice.
//
// Each batch goes claim → push → mark sent → release the claim. The claim, a mark of
// ClaimTTL, keeps two workers from pushing one batch at once: while another holds it,
// Notify returns ErrClaimed and the outbox tries again. A batch marked sent already, by
// the reply path or an earlier push, is skipped. The sent mark is written only once LINE
// took the batch (2xx, or 409: it took this retry key before), so a process that dies
// between the claim and the mark loses nothing: its claim expires and a retry pushes
// with the same key, which LINE shows once.
func (s *Sender) Notify(ctx context.Context, d bot.Delivery) error {
	n := d.Notice
	user := UserID(n.Conversation)
	bs, err := batches(n.Messages)
	if err != nil || user == "" {
		return fmt.Errorf("%w: LINE push %s cannot be rendered or addressed: %v", bot.ErrPermanent, n.ID, err)
	}
	for k := n.Batch; k < len(bs); k++ {
		if unsent, err := s.claimBatch(ctx, n.ID, k); err != nil {
			return fmt.Errorf("LINE push: %w", err)
		} else if !unsent {
			continue // the clinic has this batch already: a reply or an earlier push
		}
		code, err := s.pushBatch(ctx, user, bs[k], batchKey(n.ID, k))
		if outcome(code, err) == sent {
			s.sent(context.WithoutCancel(ctx), n.ID, k)
		}
		s.releaseBatch(context.WithoutCancel(ctx), n.ID, k)
		switch outcome(code, err) {
		case sent:
			continue
		case refused:
			s.refused(ctx, n.Conversation, n.DeskThread, n.ID, code, err)
			s.delivered(n.Conversation, n.ID) // parked: nothing waits behind it any more
			return fmt.Errorf("%w: LINE refused the push: %d %v", bot.ErrPermanent, code, err)
		}
		horizon := cmp.Or(s.Horizon, bot.DefaultHorizon)
		if !d.Queued.IsZero() && s.now().Sub(d.Queued) >= horizon {
			s.note(ctx, n.Conversation, n.DeskThread, n.ID, NoteExpired)
			return fmt.Errorf("%w: LINE push still failing %v after it was queued: %d %v", bot.ErrPermanent, horizon, code, err)
		}
		return fmt.Errorf("LINE push: status %d: %w", code, cmp.Or(err, errors.New("failed")))
	}
	s.delivered(n.Conversation, n.ID)
	return nil
}

func sentKey(id string, k int) string { return "line:sent:" + batchKey(id, k) }

// sent records that batch k of push id reached the clinic.
func (s *Sender) sent(ctx context.Context, id string, k int) {
	if s.Marks == nil {
		return
	}
	if _, err := s.Marks.FirstSeen(ctx, sentKey(id, k), sentTTL); err != nil {
		// The outbox will push it again, with the same retry key: LINE drops it (409)
		// unless the first went by reply.
		s.log.Warn("LINE: a sent message could not be recorded", "err", err)
	}
}

func claimKey(id string, k int) string { return "line:claim:" + batchKey(id, k) }

// claimBatch claims batch k of push id for this caller to push, for ClaimTTL, and
// reports whether it is unsent; when it is sent already the claim is let go. It fails
// with ErrClaimed while another holds the claim. Without Marks every batch is unsent.
func (s *Sender) claimBatch(ctx context.Context, id string, k int) (bool, error) {
	if s.Marks == nil {
		return true, nil
	}
	if mine, err := s.Marks.FirstSeen(ctx, claimKey(id, k), cmp.Or(s.ClaimTTL, PushClaimTTL)); err != nil {
		return false, err
	} else if !mine {
		return false, ErrClaimed
	}
	done, err := s.Marks.Seen(ctx, sentKey(id, k))
	if err != nil || done {
		s.releaseBatch(context.WithoutCancel(ctx), id, k)
	}
	return !done, err
}

// releaseBatch lets the claim of batch k of push id go.
func (s *Sender) releaseBatch(ctx context.Context, id string, k int) {
	if s.Marks == nil {
		return
	}
	if err := s.Marks.Forget(ctx, claimKey(id, k)); err != nil {
		// Nothing is lost: a retry waits for the claim to expire.
		s.log.Warn("LINE: a push's claim could not be let go; its retry waits ClaimTTL",
			"notice", id, "batch", k, "err", err)
	}
}

// The notes for the desk, in bot.Notice.Text of a bot.NoticeDeskNote.
const (
	// NoteBlocked: LINE answered 403, the clinic blocked or removed the account.
	NoteBlocked = "line-blocked"
	// NoteRefused: LINE refused the message for another reason (Text adds ":<status>").
	NoteRefused = "line-refused"
	// NoteExpired: LINE failed for the whole horizon.
	NoteExpired = "line-expired"
)

// refused logs a refusal no retry changes and tells the desk.
func (s *Sender) refused(ctx context.Context, conv, deskThread, id string, code int, err error) {
	s.log.Error("LINE refused the push; message not delivered", "conv", bot.LogID(conv), "status", code, "err", err)
	note := fmt.Sprintf("%s:%d", NoteRefused, code)
	if code == http.StatusForbidden {
		note = NoteBlocked
	}
	s.note(ctx, conv, deskThread, id, note)
}

// note queues a desk note on the thread deskThread, once per push id.
func (s *Sender) note(ctx context.Context, conv, deskThread, id, text string) {
	if deskThread == "" || s.Queue == nil {
		return
	}
	n := bot.Notice{ID: "note-" + id, Kind: bot.NoticeDeskNote, Conversation: conv, Thread: deskThread,
		DeskThread: deskThread, Time: s.now(), Text: text}
	if err := s.Queue.AddNotices(ctx, n); err != nil {
		s.log.Error("the desk could not be told a message did not reach the clinic", "conv", bot.LogID(conv), "err", err)
	}
}

func (s *Sender) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

type result int

const (
	sent result = iota
	transient
	refused
)

// outcome classifies a push's answer: sent (2xx, or 409: LINE took this key already),
// transient (no answer, 429, 5xx) or refused (any other 4xx).
func outcome(code int, err error) result {
	switch {
	case err == nil, code == http.StatusConflict:
		return sent
	case code == 0, code == http.StatusTooManyRequests, code >= 500:
		return transient
	}
	return refused
}

// reply answers with the reply token; false when LINE refused it (expired or used) or
// failed, and the batch must be pushed instead.
func (s *Sender) reply(token string, batch []messaging_api.MessageInterface) bool {
	code, err := s.postReply(token, batch)
	if err == nil {
		return true
	}
	s.log.Warn("LINE reply refused; pushing instead", "status", code, "err", err)
	return false
}

const replyPath = "/v2/bot/message/reply"

// userAgent is what the SDK's client sends as User-Agent.
var userAgent = "LINE-BotSDK-Go/" + linebot.GetVersion()

// postReply sends the request the SDK's ReplyMessageWithHttpInfo sends — the same URL,
// headers and body, byte for byte (a test compares them) — and returns the HTTP status:
// the reply is the call of nearly every event, and the SDK's encoding of it cost as much
// CPU as the HTTP exchange. An answer other than 2xx is an error carrying LINE's message.
func (s *Sender) postReply(token string, batch []messaging_api.MessageInterface) (int, error) {
	body, err := appendReply(nil, token, batch)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequest(http.MethodPost, s.replyURL, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header = http.Header{"Content-Type": {"application/json; charset=UTF-8"}, "Authorization": {s.auth},
		"User-Agent": {userAgent}}
	res, err := s.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	if res.StatusCode/100 != 2 {
		msg, _ := io.ReadAll(io.LimitReader(res.Body, 4<<10))
		return res.StatusCode, fmt.Errorf("unexpected status code: %d, %s", res.StatusCode, msg)
	}
	io.Copy(io.Discard, res.Body) // read to the end, so the connection is used again
	return res.StatusCode, nil
}

// pushBatch pushes one batch with retry key key and returns the HTTP status.
func (s *Sender) pushBatch(ctx context.Context, user string, batch []messaging_api.MessageInterface, key string) (int, error) {
	res, _, err := s.apiFor(ctx).PushMessageWithHttpInfo(&messaging_api.PushMessageRequest{To: user, Messages: batch}, key)
	return status(res), err
}

// ShowLoading shows the loading animation to the user of conv while a slow turn runs.
func (s *Sender) ShowLoading(conv string) {
	user := UserID(conv)
	if user == "" {
		return
	}
	res, _, err := s.api.ShowLoadingAnimationWithHttpInfo(&messaging_api.ShowLoadingAnimationRequest{ChatId: user, LoadingSeconds: 20})
	if err != nil {
		s.log.Warn("LINE loading animation failed", "status", status(res), "err", err)
	}
}

func status(res *http.Response) int {
	if res == nil {
		return 0
	}
	return res.StatusCode
}

// retryKey is a random UUID (version 4), as X-Line-Retry-Key requires.
func retryKey() string {
	var b [16]byte
	rand.Read(b[:])
	return uuid(b)
}

// batchKey is the retry key of batch k of the push id: id itself for the first, a UUID
// derived from both for the others — the same in every process.
func batchKey(id string, k int) string {
	if k == 0 {
		return id
	}
	sum := sha256.Sum256([]byte(id + "/" + strconv.Itoa(k)))
	return uuid([16]byte(sum[:16]))
}

func uuid(b [16]byte) string {
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
