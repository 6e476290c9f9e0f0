package store

import (
	"context"
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
//   - A conversation is one hash (redis_conv.go): its session, the head of its inbox,
//     its lease and the ids of the events it applied. Leases and session lifetimes are
//     deadlines in it, on Redis's clock; the hash itself has a TTL.
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
		// An inbox's head is the hash's field f; entries the layout before left in the
		// :inbox list count too (Head moves them into place).
		lens, err := r.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for _, e := range entries {
				p.HStrLen(ctx, r.k.session(e.member), "f")
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
				switch n := lens[2*i].(*redis.IntCmd).Val() + lens[2*i+1].(*redis.IntCmd).Val(); {
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
return now
`)

// announce sets conv's entry in index to the current Redis time, which it returns (ms).
func (r *Redis) announce(ctx context.Context, index, conv string) (int64, error) {
	return announceScript.Run(ctx, r.rdb, []string{index}, conv).Int64()
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
