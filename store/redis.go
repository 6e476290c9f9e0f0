package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"deskbot/bot"
)

var (
	_ bot.Store   = (*Redis)(nil)
	_ bot.HotPath = (*Redis)(nil)
	_ bot.Outbox  = (*Redis)(nil)
)

// Redis is the store for deployments: every instance of deskbot shares one Redis (a
// single node or a Redis Cluster) and holds no state of its own. It has the semantics of
// Memory, with these mechanisms (key names and TTLs are in keys.go):
//
//   - Each conversation's state is changed only by Lua scripts over that conversation's
//     keys, which share one hash tag: Commit checks the version, the lease and the inbox
//     head and writes the session, the dedupe mark and the notices in one step. Nothing
//     is read, decided in Go and written back without such a check.
//   - An event that finds its conversation idle costs two round trips (bot.HotPath):
//     Begin queues it, takes the lease and loads the session in one script; CommitNext
//     commits as Commit does and then releases the lease or hands on the next event.
//   - Leases, session lifetimes and dedupe marks are Redis TTLs, on Redis's clock.
//   - Notices go from Commit to the conversation's :out list (its own slot), and from
//     there through a relay to a global stream read by a consumer group (see Claim).
//
// Redis is safe for concurrent use. Errors that mean Redis cannot answer now (network,
// timeouts, LOADING, CLUSTERDOWN…) wrap bot.ErrUnavailable; redis.Nil never escapes.
// It needs Redis 6.2 or later (XAUTOCLAIM, ZADD GT, XADD MINID).
type Redis struct {
	rdb redis.UniversalClient
	k   keys
	now func() time.Time
	// grace is indexGrace; tests shorten it.
	grace time.Duration

	mu        sync.Mutex
	consumers map[string]bool  // outbox consumer names Claim was called with
	receipts  map[string]int64 // the last receipt number drawn, by day
	pruned    time.Time        // when pruneConsumers last ran
	// deadAfter is how long a consumer holding nothing stays silent before it is pruned.
	deadAfter time.Duration
}

// RedisOptions configures a Redis store.
type RedisOptions struct {
	// Prefix starts every key name; default "deskbot". Deployments (or tests) that share
	// one Redis keep apart by prefix. It must not contain '{' or '}'.
	Prefix string
	// Now is the clock of retry due times and of the archive's retention; nil means
	// time.Now. Leases and TTLs run on Redis's own clock.
	Now func() time.Time
}

// NewRedis returns a store on rdb, which it owns: Close closes it. It panics if
// opts.Prefix contains a brace, which would break the hash tags.
func NewRedis(rdb redis.UniversalClient, opts RedisOptions) *Redis {
	if opts.Prefix == "" {
		opts.Prefix = "deskbot"
	}
	if strings.ContainsAny(opts.Prefix, "{}") {
		panic(fmt.Sprintf("store: Redis prefix %q contains a brace", opts.Prefix))
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Redis{rdb: rdb, k: keys{opts.Prefix}, now: opts.Now, grace: indexGrace, consumers: map[string]bool{},
		receipts: map[string]int64{}, deadAfter: consumerIdle}
}

// OpenRedis returns a store on the single Redis node of url (redis://… or rediss://…).
// It does not connect yet: Ping tells whether Redis answers. Timeouts and retries are
// set so that a call fails within about a second when Redis is down (a webhook must
// answer LINE quickly, and LINE redelivers); options given in the URL's query win.
func OpenRedis(url string, opts RedisOptions) (*Redis, error) {
	o, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("redis url: %w", err)
	}
	o.ContextTimeoutEnabled = true
	failFast(&o.DialTimeout, &o.ReadTimeout, &o.WriteTimeout, &o.MaxRetries, &o.MaxRetryBackoff, &o.DialerRetries)
	return NewRedis(redis.NewClient(o), opts), nil
}

// OpenRedisCluster returns a store on the Redis Cluster that addrs (host:port) belong
// to, with the timeouts of OpenRedis. It does not connect yet.
func OpenRedisCluster(addrs []string, opts RedisOptions) (*Redis, error) {
	if len(addrs) == 0 {
		return nil, errors.New("redis cluster: no address")
	}
	o := &redis.ClusterOptions{Addrs: addrs, ContextTimeoutEnabled: true}
	failFast(&o.DialTimeout, &o.ReadTimeout, &o.WriteTimeout, &o.MaxRetries, &o.MaxRetryBackoff, &o.DialerRetries)
	return NewRedis(redis.NewClusterClient(o), opts), nil
}

// failFast sets the options left unset so that a command fails within about a second
// when Redis cannot be reached, instead of go-redis's defaults (5 s dial timeout, five
// dials per connection, three retries) that add up to many seconds.
func failFast(dial, read, write *time.Duration, retries *int, backoff *time.Duration, dials *int) {
	set := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	set(dial, time.Second)
	set(read, 2*time.Second) // every script is short; a slower answer is an outage
	set(write, 2*time.Second)
	set(backoff, 100*time.Millisecond)
	if *retries == 0 {
		*retries = 2 // a pooled connection Redis closed (a restart) is retried on a new one
	}
	if *dials == 0 {
		*dials = 1
	}
}

// Client returns the go-redis client of the store, for instrumentation (hooks) and for
// tools and tests that inspect the keys. Writing deskbot's keys with it voids every
// guarantee of Redis.
func (r *Redis) Client() redis.UniversalClient { return r.rdb }

// Close removes the outbox consumers this store claimed for that hold no notice (a worker
// name is unique per process, so they would pile up in the group), then closes the
// client.
func (r *Redis) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	r.mu.Lock()
	names := make([]string, 0, len(r.consumers))
	for c := range r.consumers {
		names = append(names, c)
	}
	r.mu.Unlock()
	var errs []error
	for _, c := range names {
		if err := dropConsumerScript.Run(ctx, r.rdb, []string{r.k.outbox()}, outboxGroup, c).Err(); err != nil {
			errs = append(errs, storeErr("drop outbox consumer", err))
		}
	}
	errs = append(errs, r.rdb.Close())
	return errors.Join(errs...)
}

// dropConsumerScript deletes an outbox consumer that holds no pending entry; a consumer
// with pending entries is kept, or they could never be claimed again.
//
// KEYS: outbox. ARGV: group, consumer.
var dropConsumerScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if #redis.call('XPENDING', KEYS[1], ARGV[1], '-', '+', 1, ARGV[2]) > 0 then return 0 end
return redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], ARGV[2])
`)

// Ping reports whether Redis answers: on a cluster, every master.
func (r *Redis) Ping(ctx context.Context) error {
	if c, ok := r.rdb.(*redis.ClusterClient); ok {
		err := c.ForEachMaster(ctx, func(ctx context.Context, n *redis.Client) error {
			return n.Ping(ctx).Err()
		})
		return storeErr("ping", err)
	}
	return storeErr("ping", r.rdb.Ping(ctx).Err())
}

// storeErr adds what op was to err and, when err means Redis cannot answer now, marks it
// bot.ErrUnavailable: the caller may try again later and nothing was applied. Other Redis
// replies (a wrong type, a script error) are bugs and are only wrapped.
func storeErr(op string, err error) error {
	if err == nil {
		return nil
	}
	var reply redis.Error
	if errors.As(err, &reply) && !transientReply(err) {
		return fmt.Errorf("%s: %w", op, err)
	}
	return fmt.Errorf("%s: %w: %w", op, bot.ErrUnavailable, err)
}

// transientReply reports Redis replies that pass by themselves: a server loading its data,
// a cluster reconfiguring, a replica promoted, memory full.
func transientReply(err error) bool {
	return redis.IsLoadingError(err) || redis.IsClusterDownError(err) || redis.IsTryAgainError(err) ||
		redis.IsMasterDownError(err) || redis.IsReadOnlyError(err) || redis.IsOOMError(err) ||
		redis.IsMaxClientsError(err)
}

// ms is d in milliseconds for PX and PEXPIRE, at least 1: Redis refuses a zero TTL.
func ms(d time.Duration) int64 { return max(d.Milliseconds(), 1) }

// enqueueScript appends an event to a conversation's inbox under the next sequence number.
//
// KEYS: seq, inbox. ARGV: event JSON, inbox TTL (ms). Returns the sequence number.
var enqueueScript = redis.NewScript(`
local n = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('RPUSH', KEYS[2], n .. '|' .. ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return n
`)

// Enqueue implements bot.Store. The conversation is announced in the waiting index first,
// then the event is queued: a crash in between leaves an announcement without an event,
// which the index forgets, never an event nobody will look for.
func (r *Redis) Enqueue(ctx context.Context, ev bot.Event) (int64, error) {
	b, err := json.Marshal(ev)
	if err != nil {
		return 0, fmt.Errorf("encode event: %w", err)
	}
	if err := r.announce(ctx, r.k.waiting(ev.Conversation), ev.Conversation); err != nil {
		return 0, storeErr("announce waiting", err)
	}
	seq, err := enqueueScript.Run(ctx, r.rdb, []string{r.k.seq(ev.Conversation), r.k.inbox(ev.Conversation)},
		b, ms(inboxTTL)).Int64()
	if err != nil {
		return 0, storeErr("enqueue", err)
	}
	return seq, nil
}

// beginScript queues an event as enqueueScript does, then takes the lease if it is free
// (a holder is new for each Begin) and, when the event is alone in the inbox, reads what
// loadScript reads for it.
//
// KEYS: seq, inbox, lease, session, seen[, event]. ARGV: event JSON, inbox TTL (ms),
// holder, lease TTL (ms). Returns {seq, 0} when another holder has the lease, {seq, 1}
// when holder has it and events are queued ahead, {seq, 2, version or nil, JSON or nil,
// seen 0|1, expired 0|1} when holder has it and the event is alone.
var beginScript = redis.NewScript(`
local n = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
local len = redis.call('RPUSH', KEYS[2], n .. '|' .. ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
if not redis.call('SET', KEYS[3], ARGV[3], 'NX', 'PX', ARGV[4]) then return {n, 0} end
if len > 1 then return {n, 1} end
local s = redis.call('HMGET', KEYS[4], 'v', 'd')
local seen = 0
if KEYS[6] then seen = redis.call('EXISTS', KEYS[6]) end
local expired = 0
if not s[1] then expired = redis.call('EXISTS', KEYS[5]) end
return {n, 2, s[1], s[2], seen, expired}
`)

// Begin implements bot.HotPath. The conversation is announced in the waiting index
// before the event is queued, as Enqueue does, so a crash between leaves an announcement
// without an event, never an event nobody will look for. On a single node the two go in
// one pipeline, which Redis runs in order: one round trip. On a cluster they are two, one
// after the other.
func (r *Redis) Begin(ctx context.Context, ev bot.Event, holder string, leaseTTL time.Duration) (bot.Begun, error) {
	b, err := json.Marshal(ev)
	if err != nil {
		return bot.Begun{}, fmt.Errorf("encode event: %w", err)
	}
	conv := ev.Conversation
	ks := []string{r.k.seq(conv), r.k.inbox(conv), r.k.lease(conv), r.k.session(conv), r.k.seen(conv)}
	if ev.ID != "" {
		ks = append(ks, r.k.event(conv, ev.ID))
	}
	announce := scriptCall{announceScript, []string{r.k.waiting(conv)}, []any{conv}}
	begin := scriptCall{beginScript, ks, []any{b, ms(inboxTTL), holder, ms(leaseTTL)}}
	var cmd *redis.Cmd
	if _, cluster := r.rdb.(*redis.ClusterClient); cluster {
		// The index shard and the conversation live on different nodes, which a pipeline
		// would run in parallel: announce first, then queue.
		if err := r.runScripts(ctx, []scriptCall{announce})[0].Err(); err != nil {
			return bot.Begun{}, storeErr("announce waiting", err)
		}
		cmd = r.runScripts(ctx, []scriptCall{begin})[0]
	} else {
		cmds := r.runScripts(ctx, []scriptCall{announce, begin})
		if err := cmds[0].Err(); err != nil {
			// Redis ran the script after the failed announcement (it is not MULTI): hand
			// back the lease it may have taken; the caller answers with an error, and the
			// event, queued or not, is applied once.
			r.Unlease(context.WithoutCancel(ctx), conv, holder)
			return bot.Begun{}, storeErr("announce waiting", err)
		}
		cmd = cmds[1]
	}
	res, err := cmd.Slice()
	if err != nil {
		return bot.Begun{}, storeErr("begin", err)
	}
	if len(res) < 2 {
		return bot.Begun{}, fmt.Errorf("begin: unexpected reply %v", res)
	}
	seq, _ := res[0].(int64)
	state, _ := res[1].(int64)
	out := bot.Begun{Seq: seq, Leased: state > 0}
	if state != 2 {
		return out, nil
	}
	if len(res) != 6 {
		return bot.Begun{}, fmt.Errorf("begin: unexpected reply %v", res)
	}
	l, err := loaded(conv, res[2:])
	if err != nil {
		return bot.Begun{}, err
	}
	out.Loaded = &l
	return out, nil
}

// queued decodes an inbox entry, "<seq>|<event JSON>".
func queued(entry string) (bot.Queued, error) {
	n, js, ok := strings.Cut(entry, "|")
	seq, err := strconv.ParseInt(n, 10, 64)
	if !ok || err != nil {
		return bot.Queued{}, fmt.Errorf("inbox entry without sequence number")
	}
	q := bot.Queued{Seq: seq}
	if err := json.Unmarshal([]byte(js), &q.Event); err != nil {
		return bot.Queued{}, fmt.Errorf("decode queued event: %w", err)
	}
	return q, nil
}

// Head implements bot.Store.
func (r *Redis) Head(ctx context.Context, conv string) (bot.Queued, bool, error) {
	entry, err := r.rdb.LIndex(ctx, r.k.inbox(conv), 0).Result()
	if errors.Is(err, redis.Nil) {
		return bot.Queued{}, false, nil
	}
	if err != nil {
		return bot.Queued{}, false, storeErr("inbox head", err)
	}
	q, err := queued(entry)
	if err != nil {
		return bot.Queued{}, false, err
	}
	return q, true, nil
}

// waitingScan is how many index entries Waiting examines per conversation it may return:
// the index also holds recently active conversations whose inboxes are empty.
const waitingScan = 4

// pruneRounds bounds the pages of stale entries Waiting prunes from one shard per call.
// A page is read again only when all of it was stale and idle, so a sweep each second
// keeps the index at about the new conversations of one indexGrace however long a
// burst lasts, up to pruneRounds × the page size per shard per second.
const pruneRounds = 16

// Waiting implements bot.Store. It examines the longest-waiting announcements of every
// shard of the index first, so the conversations an engine left behind are found before
// the busy ones, and prunes the index of conversations that are idle. The legacy
// unsharded index is read too, until it has been pruned empty.
func (r *Redis) Waiting(ctx context.Context, max int) ([]string, error) {
	if max <= 0 {
		return nil, nil
	}
	indexes := append(r.k.waitingShards(), r.k.legacyWaiting())
	per := (waitingScan*max + len(indexes) - 1) / len(indexes)
	var out []string
	listed := map[string]bool{}
	for range pruneRounds {
		pages, err := r.listIndexes(ctx, indexes, per)
		if err != nil {
			return nil, storeErr("list waiting", err)
		}
		var entries []indexEntry
		for _, p := range pages {
			entries = append(entries, p.entries...)
		}
		if len(entries) == 0 {
			break
		}
		lens, err := r.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for _, e := range entries {
				p.LLen(ctx, r.k.inbox(e.member))
			}
			return nil
		})
		if err != nil {
			return nil, storeErr("inbox lengths", err)
		}
		idle := make([][]indexEntry, len(pages))
		var again []string
		i := 0
		for j, p := range pages {
			for _, e := range p.entries {
				switch n := lens[i].(*redis.IntCmd).Val(); {
				case n > 0 && len(out) < max && !listed[e.member]:
					out = append(out, e.member)
					listed[e.member] = true
				case n == 0 && p.stale(e):
					idle[j] = append(idle[j], e)
				}
				i++
			}
			if len(p.entries) == per && len(idle[j]) == per {
				again = append(again, indexes[j]) // a full page of the forgotten: more may follow
			}
		}
		if err := r.forgetAll(ctx, indexes, idle); err != nil {
			return nil, storeErr("prune waiting", err)
		}
		indexes = again
		if len(indexes) == 0 {
			break
		}
	}
	slices.Sort(out)
	return out, nil
}

// leaseScript gives the lease to a holder when it is free or already theirs.
//
// KEYS: lease. ARGV: holder, TTL (ms). Returns 1 when holder has the lease.
var leaseScript = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
if cur and cur ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`)

// unleaseScript frees the lease if holder still has it.
//
// KEYS: lease. ARGV: holder.
var unleaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0
`)

// Lease implements bot.Store.
func (r *Redis) Lease(ctx context.Context, conv, holder string, ttl time.Duration) (bool, error) {
	n, err := leaseScript.Run(ctx, r.rdb, []string{r.k.lease(conv)}, holder, ms(ttl)).Int()
	if err != nil {
		return false, storeErr("lease", err)
	}
	return n == 1, nil
}

// Unlease implements bot.Store.
func (r *Redis) Unlease(ctx context.Context, conv, holder string) error {
	return storeErr("unlease", unleaseScript.Run(ctx, r.rdb, []string{r.k.lease(conv)}, holder).Err())
}

// loadScript reads a session, whether an event was applied and whether a session expired,
// as of one instant.
//
// KEYS: session, seen[, event]. Returns {version or nil, JSON or nil, seen 0|1,
// expired 0|1}.
var loadScript = redis.NewScript(`
local s = redis.call('HMGET', KEYS[1], 'v', 'd')
local seen = 0
if KEYS[3] then seen = redis.call('EXISTS', KEYS[3]) end
local expired = 0
if not s[1] then expired = redis.call('EXISTS', KEYS[2]) end
return {s[1], s[2], seen, expired}
`)

// Load implements bot.Store, in one round trip.
func (r *Redis) Load(ctx context.Context, conv, eventID string) (bot.Loaded, error) {
	ks := []string{r.k.session(conv), r.k.seen(conv)}
	if eventID != "" {
		ks = append(ks, r.k.event(conv, eventID))
	}
	res, err := loadScript.Run(ctx, r.rdb, ks).Slice()
	if err != nil {
		return bot.Loaded{}, storeErr("load", err)
	}
	if len(res) != 4 {
		return bot.Loaded{}, fmt.Errorf("load: unexpected reply %v", res)
	}
	return loaded(conv, res)
}

// loaded decodes what loadScript returns: {version or nil, JSON or nil, seen, expired}.
func loaded(conv string, res []any) (bot.Loaded, error) {
	l := bot.Loaded{Session: &bot.Session{Conversation: conv}, Seen: res[2] == int64(1), Expired: res[3] == int64(1)}
	if v, ok := res[0].(string); ok {
		data, _ := res[1].(string)
		if err := json.Unmarshal([]byte(data), l.Session); err != nil {
			return bot.Loaded{}, fmt.Errorf("decode session: %w", err)
		}
		var err error
		if l.Session.Version, err = strconv.ParseInt(v, 10, 64); err != nil {
			return bot.Loaded{}, fmt.Errorf("session version %q: %w", v, err)
		}
		l.Session.Conversation = conv
	}
	return l, nil
}

// commitBody is one turn, all or nothing: it checks the session version, the lease and
// the inbox head, and only when all hold pops the event, renews the lease, writes or
// deletes the session (with its expiry marker), marks the event applied and appends the
// notices to :out. A failed condition returns 0 and changes nothing.
//
// KEYS: session, seen, lease, inbox, out[, event].
// ARGV: version loaded, "w" (write) or "d" (delete), session JSON, session TTL (ms),
// expiry marker TTL (ms), holder ("" for none), lease TTL (ms), seq (0 for none), dedupe
// TTL (ms), notices….
const commitBody = `
local v = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if v ~= tonumber(ARGV[1]) then return 0 end
local holder = ARGV[6]
if holder ~= '' and redis.call('GET', KEYS[3]) ~= holder then return 0 end
local seq = tonumber(ARGV[8])
if seq ~= 0 then
  local head = redis.call('LINDEX', KEYS[4], 0)
  if not head or tonumber(string.match(head, '^(%d+)|')) ~= seq then return 0 end
  redis.call('LPOP', KEYS[4])
end
if ARGV[2] == 'd' then
  redis.call('DEL', KEYS[1], KEYS[2])
else
  redis.call('HSET', KEYS[1], 'v', string.format('%d', v + 1), 'd', ARGV[3])
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[5])
end
if KEYS[6] then redis.call('SET', KEYS[6], '1', 'NX', 'PX', ARGV[9]) end
for i = 10, #ARGV do redis.call('RPUSH', KEYS[5], ARGV[i]) end
`

// commitScript is commitBody that renews the lease. Returns 1, or 0 when a condition
// failed and nothing was changed.
var commitScript = redis.NewScript(commitBody + `
if holder ~= '' then redis.call('PEXPIRE', KEYS[3], ARGV[7]) end
return 1
`)

// commitNextScript is commitBody for the lease holder, followed in the same step by what
// the holder does next: with the inbox empty it gives the lease up and returns {1};
// otherwise it renews the lease and returns {2, the entry heading the inbox}. Returns 0
// when a condition failed and nothing was changed.
var commitNextScript = redis.NewScript(commitBody + `
local head = redis.call('LINDEX', KEYS[4], 0)
if not head then
  redis.call('DEL', KEYS[3])
  return {1}
end
redis.call('PEXPIRE', KEYS[3], ARGV[7])
return {2, head}
`)

// Commit implements bot.Store in one script over the conversation's keys. A commit with
// notices first announces the conversation in the outconvs index, for the relay.
func (r *Redis) Commit(ctx context.Context, c bot.Commit) error {
	ks, args, err := r.commitArgs(ctx, c)
	if err != nil {
		return err
	}
	n, err := commitScript.Run(ctx, r.rdb, ks, args...).Int()
	if err != nil {
		return storeErr("commit", err)
	}
	if n == 0 {
		return bot.ErrConflict
	}
	return nil
}

// CommitNext implements bot.HotPath: Commit, then the lease given up or the next event,
// in one script (and one round trip when c has no notices).
func (r *Redis) CommitNext(ctx context.Context, c bot.Commit) (bot.Queued, bool, error) {
	if c.Holder == "" {
		return bot.Queued{}, false, errors.New("commit next: no lease holder")
	}
	ks, args, err := r.commitArgs(ctx, c)
	if err != nil {
		return bot.Queued{}, false, err
	}
	res, err := commitNextScript.Run(ctx, r.rdb, ks, args...).Result()
	if err != nil {
		return bot.Queued{}, false, storeErr("commit", err)
	}
	switch res := res.(type) {
	case int64:
		return bot.Queued{}, false, bot.ErrConflict
	case []any:
		if len(res) == 1 {
			return bot.Queued{}, false, nil
		}
		if head, ok := res[1].(string); ok && len(res) == 2 {
			q, err := queued(head)
			return q, err == nil, err
		}
	}
	return bot.Queued{}, false, fmt.Errorf("commit: unexpected reply %v", res)
}

// commitArgs encodes c for commitScript and commitNextScript, and announces the
// conversation in the outconvs index when c has notices.
func (r *Redis) commitArgs(ctx context.Context, c bot.Commit) ([]string, []any, error) {
	s := c.Session
	conv := s.Conversation
	mode, data := "d", []byte(nil)
	if !c.Delete {
		var err error
		if data, err = json.Marshal(s); err != nil {
			return nil, nil, fmt.Errorf("encode session: %w", err)
		}
		mode = "w"
	}
	args := []any{s.Version, mode, data, ms(c.TTL), ms(expiryNotice * c.TTL), c.Holder, ms(c.LeaseTTL), c.Seq, ms(DedupeTTL)}
	for _, n := range c.Notices {
		b, err := json.Marshal(n)
		if err != nil {
			return nil, nil, fmt.Errorf("encode notice: %w", err)
		}
		args = append(args, b)
	}
	ks := []string{r.k.session(conv), r.k.seen(conv), r.k.lease(conv), r.k.inbox(conv), r.k.out(conv)}
	if c.EventID != "" {
		ks = append(ks, r.k.event(conv, c.EventID))
	}
	if len(c.Notices) > 0 {
		if err := r.announce(ctx, r.k.outConvs(), conv); err != nil {
			return nil, nil, storeErr("announce notices", err)
		}
	}
	return ks, args, nil
}

// skipScript pops an event off the inbox head without applying it, for the lease holder.
//
// KEYS: lease, inbox. ARGV: holder, seq. Returns 0 when holder has no lease.
var skipScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local head = redis.call('LINDEX', KEYS[2], 0)
if head and tonumber(string.match(head, '^(%d+)|')) == tonumber(ARGV[2]) then
  redis.call('LPOP', KEYS[2])
end
return 1
`)

// Skip implements bot.Store.
func (r *Redis) Skip(ctx context.Context, conv, holder string, seq int64) error {
	n, err := skipScript.Run(ctx, r.rdb, []string{r.k.lease(conv), r.k.inbox(conv)}, holder, seq).Int()
	if err != nil {
		return storeErr("skip", err)
	}
	if n == 0 {
		return bot.ErrConflict
	}
	return nil
}

// receiptScript draws the next receipt number of a day: one more than the counter, at
// least the floor, and not one the day's used set holds (a counter rolled back by a
// failover is stepped past the numbers still recorded).
//
// KEYS: counter, used. ARGV: floor, counter TTL (ms), used TTL (ms).
var receiptScript = redis.NewScript(`
local floor = tonumber(ARGV[1])
for i = 1, 1000 do
  local n = redis.call('INCR', KEYS[1])
  if n <= floor then
    n = floor + 1
    redis.call('SET', KEYS[1], n)
  end
  if redis.call('SADD', KEYS[2], n) == 1 then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
    redis.call('PEXPIRE', KEYS[2], ARGV[3])
    return n
  end
end
return redis.error_reply('no free receipt number')
`)

// NextReceipt implements bot.Store. The number is at least ReceiptFloor of the store's
// clock and above the last one this store drew for day, so it does not repeat one given
// before Redis lost its data (see receipts.go).
func (r *Redis) NextReceipt(ctx context.Context, day string) (int64, error) {
	floor := ReceiptFloor(day, r.now())
	r.mu.Lock()
	floor = max(floor, r.receipts[day])
	r.mu.Unlock()
	n, err := receiptScript.Run(ctx, r.rdb, []string{r.k.receipt(day), r.k.receiptsUsed(day)}, floor, ms(receiptTTL), ms(receiptTTL)).Int64()
	if err != nil {
		return 0, storeErr("next receipt", err)
	}
	r.mu.Lock()
	if n > r.receipts[day] {
		if len(r.receipts) > 3 {
			clear(r.receipts) // days past; only today's matters
		}
		r.receipts[day] = n
	}
	r.mu.Unlock()
	return n, nil
}

// The two indexes, waiting and outconvs, list conversations that may have something for a
// sweeper: queued events, or notices to relay. A writer announces a conversation before
// it writes (Enqueue, Commit with notices); the index and the data live in different
// slots, so the two steps cannot be one. Removing an entry is the delicate part: a reader
// that finds the list empty cannot tell a writer that announced and has not written yet.
// So each entry carries the Redis time of its latest announcement, and a reader removes
// it only when the list is empty and the announcement is older than indexGrace — far
// longer than a write trails its announcement (a Commit with a holder is fenced by its
// lease, 15 s by default; Enqueue follows at once) — and only if no announcement came in
// between (the score is unchanged). Until then an idle entry costs a reader one LLEN.
const indexGrace = time.Minute

// announceScript sets a conversation's index entry to the current Redis time.
//
// KEYS: index. ARGV: conversation.
var announceScript = redis.NewScript(`
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
redis.call('ZADD', KEYS[1], 'GT', string.format('%d', now), ARGV[1])
return 0
`)

func (r *Redis) announce(ctx context.Context, index, conv string) error {
	return announceScript.Run(ctx, r.rdb, []string{index}, conv).Err()
}

// listIndexScript returns the Redis time (ms) and the oldest entries of an index.
//
// KEYS: index. ARGV: how many. Returns {now, member, score, member, score…}.
var listIndexScript = redis.NewScript(`
local t = redis.call('TIME')
local r = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1, 'WITHSCORES')
table.insert(r, 1, string.format('%d', t[1] * 1000 + math.floor(t[2] / 1000)))
return r
`)

// indexEntry is a conversation in an index and the time of its latest announcement, as
// Redis wrote it.
type indexEntry struct{ member, score string }

// indexPage is what listIndex read, and when.
type indexPage struct {
	now     int64 // Redis time, ms
	grace   time.Duration
	entries []indexEntry
}

// stale reports whether e was announced more than the grace before the page was read.
func (p indexPage) stale(e indexEntry) bool {
	at, err := strconv.ParseInt(e.score, 10, 64)
	return err == nil && at <= p.now-p.grace.Milliseconds()
}

func (r *Redis) listIndex(ctx context.Context, index string, n int) (indexPage, error) {
	pages, err := r.listIndexes(ctx, []string{index}, n)
	if err != nil {
		return indexPage{}, err
	}
	return pages[0], nil
}

// listIndexes reads the oldest n entries of each index, in one round trip on a single
// node (a cluster spreads the indexes over its nodes).
func (r *Redis) listIndexes(ctx context.Context, indexes []string, n int) ([]indexPage, error) {
	calls := make([]scriptCall, len(indexes))
	for i, index := range indexes {
		calls[i] = scriptCall{listIndexScript, []string{index}, []any{n}}
	}
	pages := make([]indexPage, len(indexes))
	for i, c := range r.runScripts(ctx, calls) {
		res, err := c.StringSlice()
		if err != nil {
			return nil, err
		}
		if len(res) == 0 || len(res)%2 != 1 {
			return nil, fmt.Errorf("list index: unexpected reply %v", res)
		}
		p := indexPage{grace: r.grace}
		if p.now, err = strconv.ParseInt(res[0], 10, 64); err != nil {
			return nil, fmt.Errorf("list index: time %q", res[0])
		}
		for i := 1; i+1 < len(res); i += 2 {
			p.entries = append(p.entries, indexEntry{member: res[i], score: res[i+1]})
		}
		pages[i] = p
	}
	return pages, nil
}

// scriptCall is one run of a script, for runScripts.
type scriptCall struct {
	script *redis.Script
	keys   []string
	args   []any
}

// runScripts runs the calls in one pipeline (one round trip on a single node; a cluster
// client sends each node its part) and returns their results in order; each carries its
// own error. Calls that failed because Redis did not know the script yet (a fresh or
// restarted server) were not run, and are run again with the script's text.
func (r *Redis) runScripts(ctx context.Context, calls []scriptCall) []*redis.Cmd {
	cmds := make([]*redis.Cmd, len(calls))
	r.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, c := range calls {
			cmds[i] = c.script.EvalSha(ctx, p, c.keys, c.args...)
		}
		return nil
	})
	var missing []int
	for i, c := range cmds {
		if c.Err() != nil && redis.HasErrorPrefix(c.Err(), "NOSCRIPT") {
			missing = append(missing, i)
		}
	}
	if len(missing) > 0 {
		r.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for _, i := range missing {
				cmds[i] = calls[i].script.Eval(ctx, p, calls[i].keys, calls[i].args...)
			}
			return nil
		})
	}
	return cmds
}

// forgetScript removes index entries whose score is still the one the caller read.
//
// KEYS: index. ARGV: member, score, member, score….
var forgetScript = redis.NewScript(`
local n = 0
for i = 1, #ARGV, 2 do
  local s = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if s and tonumber(s) == tonumber(ARGV[i + 1]) then
    redis.call('ZREM', KEYS[1], ARGV[i])
    n = n + 1
  end
end
return n
`)

// forgetAll removes idle[i] from indexes[i], in one round trip on a single node.
func (r *Redis) forgetAll(ctx context.Context, indexes []string, idle [][]indexEntry) error {
	var calls []scriptCall
	for i, es := range idle {
		if len(es) == 0 {
			continue
		}
		args := make([]any, 0, 2*len(es))
		for _, e := range es {
			args = append(args, e.member, e.score)
		}
		calls = append(calls, scriptCall{forgetScript, []string{indexes[i]}, args})
	}
	for _, c := range r.runScripts(ctx, calls) {
		if err := c.Err(); err != nil {
			return err
		}
	}
	return nil
}

// forget removes idle entries from index; see indexGrace.
func (r *Redis) forget(ctx context.Context, index string, idle []indexEntry) error {
	if len(idle) == 0 {
		return nil
	}
	args := make([]any, 0, 2*len(idle))
	for _, e := range idle {
		args = append(args, e.member, e.score)
	}
	return forgetScript.Run(ctx, r.rdb, []string{index}, args...).Err()
}

// SetRedisLog sends the Redis client's own messages (failed dials while Redis is down,
// pool events) to log at debug level instead of to stderr: the store already reports
// what matters as errors, wrapped with bot.ErrUnavailable. The client's logger is
// process-wide: it is installed once, and each call only changes where it writes.
func SetRedisLog(log *slog.Logger) {
	redisLogger.Store(log)
	installRedisLog.Do(func() { redis.SetLogger(redisLog{}) })
}

var (
	redisLogger     atomic.Pointer[slog.Logger]
	installRedisLog sync.Once
)

type redisLog struct{}

func (redisLog) Printf(ctx context.Context, format string, v ...any) {
	if l := redisLogger.Load(); l != nil {
		l.Log(ctx, slog.LevelDebug, "redis client", "msg", fmt.Sprintf(format, v...))
	}
}

// Persistence tells whether Redis keeps its data over a restart: on every master, the
// append-only file (appendonly yes) or RDB snapshots (a save schedule). Without either, a
// restart loses the outbox (reports the clinics were told were sent), the sessions and
// the report archive. detail names what each master has, for the log. Where CONFIG is
// refused (managed Redis), INFO persistence's aof_enabled decides, and a master without
// the AOF counts as without persistence.
func (r *Redis) Persistence(ctx context.Context) (ok bool, detail string, err error) {
	ok = true
	var (
		mu      sync.Mutex // ForEachMaster runs check concurrently
		details []string
	)
	check := func(ctx context.Context, c *redis.Client) error {
		aof, rdb := false, false
		if v, err := c.ConfigGet(ctx, "appendonly").Result(); err == nil {
			aof = v["appendonly"] == "yes"
			s, err := c.ConfigGet(ctx, "save").Result()
			if err != nil {
				return err
			}
			rdb = strings.TrimSpace(s["save"]) != ""
		} else {
			info, err := c.Info(ctx, "persistence").Result()
			if err != nil {
				return err
			}
			aof = strings.Contains(info, "aof_enabled:1")
		}
		mu.Lock()
		defer mu.Unlock()
		details = append(details, fmt.Sprintf("%s: aof=%v rdb=%v", c.Options().Addr, aof, rdb))
		ok = ok && (aof || rdb)
		return nil
	}
	switch c := r.rdb.(type) {
	case *redis.ClusterClient:
		err = c.ForEachMaster(ctx, check)
	case *redis.Client:
		err = check(ctx, c)
	default:
		return false, "", errors.New("persistence: unknown client")
	}
	if err != nil {
		return false, "", storeErr("persistence", err)
	}
	slices.Sort(details)
	return ok, strings.Join(details, "; "), nil
}
