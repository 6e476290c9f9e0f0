package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"deskbot/bot"
)

// A conversation lives in one Redis hash, <p>:{c:<conv>}:session (keys.go), so that an
// event finding its conversation idle touches one key twice: Begin reads and writes it
// once, CommitNext once more. Its fields:
//
//	q  the last inbox sequence number given out
//	f  the inbox's head entry, "<seq>|<event JSON>"; the events queued behind it are in
//	   the :inbox list, which is empty whenever f is (f is popped from it)
//	l  the lease holder ("" when free), u until when it holds (Redis ms), t when it took
//	   or last renewed it (Redis ms)
//	v  the session version, d its JSON, x its deadline (Redis ms; "0" once it ran out and
//	   was erased, "" after a delete)
//	e  the ids of the events applied, " id1 id2 … ", the latest appliedBytes of them
//	z  when the hash expires (Redis ms)
//
// An empty field is an absent one. Leases and session deadlines are on Redis's clock,
// read once per script; a commit that follows its holder's Begin uses the time Begin read.

// appliedBytes bounds the ids of applied events a conversation remembers: about 150
// LINE webhookEventIds (26 characters and a space), far more than a clinic sends before
// LINE gives up redelivering the oldest of them.
const appliedBytes = 4096

// convLua is what the conversation scripts share.
const convLua = `
local function now()
  local t = redis.call('TIME')
  return t[1] * 1000 + math.floor(t[2] / 1000)
end
local function ms(n) return string.format('%d', n) end
local function present(s) return s and s ~= '' end
local function seqOf(entry)
  if not present(entry) then return nil end
  return tonumber(string.match(entry, '^(%d+)|'))
end
local function put(set, ...)
  for _, v in ipairs({...}) do set[#set + 1] = v end
end
-- keep stretches the hash's life to 2 × the inbox TTL when less than one is left (z is
-- when it expires; none yet for a new hash), so that an event it holds outlives the time
-- an event may wait. It never shortens it. Returns the TTL to set after the write, or nil.
local function keep(set, z, t, inboxTTL)
  if present(z) and tonumber(z) - t >= inboxTTL then return nil end
  put(set, 'z', ms(t + 2 * inboxTTL))
  return 2 * inboxTTL
end
local function write(key, set, ttl)
  if #set > 0 then redis.call('HSET', key, unpack(set)) end
  if ttl then redis.call('PEXPIRE', key, ttl) end
end
-- session reads a session's fields v, d, x at time t: its version and JSON (false for
-- none) and whether it ran out. One that has just run out is erased (its fields go to set)
-- and leaves x = '0', so that it still reads as run out until the next commit.
local function session(set, v, d, x, t)
  if present(d) then
    if present(x) and tonumber(x) < t then
      put(set, 'v', '0', 'd', '', 'x', '0')
      return false, false, 1
    end
    return v, d, 0
  end
  if x == '0' then return false, false, 1 end
  return false, false, 0
end
local function applied(e, id)
  if id == '' or not present(e) then return 0 end
  if string.find(e, ' ' .. id .. ' ', 1, true) then return 1 end
  return 0
end
`

// beginScript queues an event: as the inbox's head when it is empty, else at its tail.
// With a holder it then takes the lease if it is free (or has run out), and when the
// event heads the inbox it also reads what loadScript reads. On a single node it first
// announces the conversation in its waiting index shard, in the same step.
//
// KEYS: conversation, inbox[, waiting shard]. ARGV: event JSON, holder ("" to queue
// only), lease TTL (ms), dedupe id, conversation id, Redis time (ms; without the index
// key), inbox TTL (ms). Returns {seq, 0} when the holder has no lease, {seq, 1} when it
// has it and events are queued ahead, {seq, 2, version or nil, JSON or nil, seen 0|1,
// expired 0|1} when it has it and the event heads the inbox.
var beginScript = redis.NewScript(convLua + `
local t
if KEYS[3] then
  t = now()
  redis.call('ZADD', KEYS[3], 'GT', ms(t), ARGV[5])
else
  t = tonumber(ARGV[6])
end
local inboxTTL = tonumber(ARGV[7])
local h = redis.call('HMGET', KEYS[1], 'q', 'f', 'l', 'u', 'v', 'd', 'x', 'e', 'z')
local set = {}
local q = (tonumber(h[1]) or 0) + 1
local entry = ms(q) .. '|' .. ARGV[1]
put(set, 'q', ms(q))
local head = not present(h[2])
if head then
  put(set, 'f', entry)
else
  redis.call('RPUSH', KEYS[2], entry)
  redis.call('PEXPIRE', KEYS[2], inboxTTL)
end
local out = {q, 0}
if ARGV[2] ~= '' and (not present(h[3]) or (tonumber(h[4]) or 0) < t) then
  put(set, 'l', ARGV[2], 'u', ms(t + tonumber(ARGV[3])), 't', ms(t))
  out = {q, 1}
  if head then
    local v, d, expired = session(set, h[5], h[6], h[7], t)
    out = {q, 2, v, d, applied(h[8], ARGV[4]), expired}
  end
end
write(KEYS[1], set, keep(set, h[9], t, inboxTTL))
return out
`)

// headScript returns the entry heading a conversation's inbox, or nil. An entry queued by
// the key layout before this one (f empty, the :inbox list not) is moved into place.
//
// KEYS: conversation, inbox. ARGV: inbox TTL (ms).
var headScript = redis.NewScript(convLua + `
local h = redis.call('HMGET', KEYS[1], 'f', 'z')
if present(h[1]) then return h[1] end
local f = redis.call('LPOP', KEYS[2])
if not f then return false end
local set = {'f', f}
write(KEYS[1], set, keep(set, h[2], now(), tonumber(ARGV[1])))
return f
`)

// leaseScript gives the lease to a holder when it is free, has run out, or is already
// theirs.
//
// KEYS: conversation. ARGV: holder, lease TTL (ms), inbox TTL (ms). Returns 1 when the
// holder has the lease.
var leaseScript = redis.NewScript(convLua + `
local t = now()
local h = redis.call('HMGET', KEYS[1], 'l', 'u', 'z')
if present(h[1]) and h[1] ~= ARGV[1] and (tonumber(h[2]) or 0) >= t then return 0 end
local set = {'l', ARGV[1], 'u', ms(t + tonumber(ARGV[2])), 't', ms(t)}
write(KEYS[1], set, keep(set, h[3], t, tonumber(ARGV[3])))
return 1
`)

// unleaseScript frees the lease if the holder still has it.
//
// KEYS: conversation. ARGV: holder.
var unleaseScript = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'l') == ARGV[1] then redis.call('HSET', KEYS[1], 'l', '', 'u', '') end
return 0
`)

// loadScript reads a session, whether an event was applied and whether a session ran
// out, as of one instant; a session that has just run out is erased.
//
// KEYS: conversation. ARGV: dedupe id. Returns {version or nil, JSON or nil, seen 0|1,
// expired 0|1}.
var loadScript = redis.NewScript(convLua + `
local h = redis.call('HMGET', KEYS[1], 'v', 'd', 'x', 'e')
local set = {}
local v, d, expired = session(set, h[1], h[2], h[3], now())
write(KEYS[1], set, nil)
return {v, d, applied(h[4], ARGV[1]), expired}
`)

// commitBody is one turn, all or nothing: it checks the session version, the lease and
// the inbox head, and only when all hold pops the event (the next entry moves up from
// the :inbox list), writes the session with its deadline (or erases it), records the
// event applied, sets the lease (by the script that includes it: renew for commitScript,
// release or renew for commitNextScript), the hash's TTL, and appends the notices to
// :out. A failed condition returns 0 and changes nothing. The including script defines
// renew, whether the lease is renewed whatever follows.
//
// KEYS: conversation, inbox, out. ARGV: version loaded, "w" (write) or "d" (delete),
// session JSON, session TTL (ms), hash TTL (ms, at least 2 × the inbox TTL), holder (""
// for none), lease TTL (ms), seq (0 for none), dedupe id ("" for none), notices….
var commitBody = convLua + `
local h = redis.call('HMGET', KEYS[1], 'v', 'l', 'f', 'e', 't')
if (tonumber(h[1]) or 0) ~= tonumber(ARGV[1]) then return 0 end
local holder = ARGV[6]
if holder ~= '' and h[2] ~= holder then return 0 end
local set = {}
local f = h[3]
local seq = tonumber(ARGV[8])
if seq ~= 0 then
  if seqOf(f) ~= seq then return 0 end
  f = redis.call('LPOP', KEYS[2]) or ''
  put(set, 'f', f)
end
local more = present(f)
local t
if renew or more or holder == '' or not present(h[5]) then t = now() else t = tonumber(h[5]) end
if ARGV[2] == 'd' then
  put(set, 'v', '0', 'd', '', 'x', '')
else
  put(set, 'v', ms((tonumber(h[1]) or 0) + 1), 'd', ARGV[3], 'x', ms(t + tonumber(ARGV[4])))
end
if ARGV[9] ~= '' then
  local e = h[4]
  if not present(e) then e = ' ' end
  e = e .. ARGV[9] .. ' '
  if #e > ` + appliedBytesLua + ` then e = string.sub(e, (string.find(e, ' ', #e - ` + appliedBytesLua + ` + 1, true))) end
  put(set, 'e', e)
end
if holder ~= '' then
  if renew or more then
    put(set, 'u', ms(t + tonumber(ARGV[7])), 't', ms(t))
  else
    put(set, 'l', '', 'u', '')
  end
end
put(set, 'z', ms(t + tonumber(ARGV[5])))
write(KEYS[1], set, ARGV[5])
for i = 10, #ARGV do redis.call('RPUSH', KEYS[3], ARGV[i]) end
`

var appliedBytesLua = strconv.Itoa(appliedBytes)

// commitScript is commitBody that renews the lease. Returns 1, or 0 when a condition
// failed and nothing was changed.
var commitScript = redis.NewScript("local renew = true\n" + commitBody + `
return 1
`)

// commitNextScript is commitBody for the lease holder, followed in the same step by what
// the holder does next: with the inbox empty it gives the lease up and returns {1};
// otherwise it renews the lease and returns {2, the entry heading the inbox}. Returns 0
// when a condition failed and nothing was changed.
var commitNextScript = redis.NewScript("local renew = false\n" + commitBody + `
if more then return {2, f} end
return {1}
`)

// skipScript pops an event off the inbox head without applying it, for the lease holder.
//
// KEYS: conversation, inbox. ARGV: holder, seq. Returns 0 when holder has no lease.
var skipScript = redis.NewScript(convLua + `
local h = redis.call('HMGET', KEYS[1], 'l', 'f')
if h[1] ~= ARGV[1] then return 0 end
if seqOf(h[2]) == tonumber(ARGV[2]) then
  redis.call('HSET', KEYS[1], 'f', redis.call('LPOP', KEYS[2]) or '')
end
return 1
`)

// Enqueue implements bot.Store: Begin without a lease.
func (r *Redis) Enqueue(ctx context.Context, ev bot.Event) (int64, error) {
	b, err := r.begin(ctx, ev, "", 0)
	return b.Seq, err
}

// Begin implements bot.HotPath. The conversation is announced in the waiting index
// before the event is queued, so that a sweep finds it: on a single node in the same
// script, one round trip; on a cluster, where the index shard and the conversation live
// on different nodes, the announcement goes first and a crash between leaves an
// announcement without an event, which the index forgets, never an event nobody will
// look for.
func (r *Redis) Begin(ctx context.Context, ev bot.Event, holder string, leaseTTL time.Duration) (bot.Begun, error) {
	return r.begin(ctx, ev, holder, leaseTTL)
}

func (r *Redis) begin(ctx context.Context, ev bot.Event, holder string, leaseTTL time.Duration) (bot.Begun, error) {
	b, err := json.Marshal(ev)
	if err != nil {
		return bot.Begun{}, fmt.Errorf("encode event: %w", err)
	}
	conv := ev.Conversation
	ks := []string{r.k.session(conv), r.k.inbox(conv)}
	args := []any{b, holder, ms(leaseTTL), dedupeID(ev.ID), conv, "", ms(inboxTTL)}
	if _, cluster := r.rdb.(*redis.ClusterClient); cluster {
		t, err := r.announce(ctx, r.k.waiting(conv), conv)
		if err != nil {
			return bot.Begun{}, storeErr("announce waiting", err)
		}
		args[5] = t
	} else {
		ks = append(ks, r.k.waiting(conv))
	}
	res, err := beginScript.Run(ctx, r.rdb, ks, args...).Slice()
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

// dedupeID is how an event id is kept among a conversation's applied ids: as it is when
// it is a short token of printable ASCII, else as a hash, so that no id holds the list's
// separator or makes it grow by more than a token.
func dedupeID(id string) string {
	if id == "" {
		return ""
	}
	plain := len(id) <= 64
	for i := 0; plain && i < len(id); i++ {
		plain = id[i] > ' ' && id[i] < 0x7f && id[i] != '#'
	}
	if plain {
		return id
	}
	sum := sha256.Sum256([]byte(id))
	return "#" + hex.EncodeToString(sum[:16])
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
	entry, err := headScript.Run(ctx, r.rdb, []string{r.k.session(conv), r.k.inbox(conv)}, ms(inboxTTL)).Text()
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

// Lease implements bot.Store.
func (r *Redis) Lease(ctx context.Context, conv, holder string, ttl time.Duration) (bool, error) {
	n, err := leaseScript.Run(ctx, r.rdb, []string{r.k.session(conv)}, holder, ms(ttl), ms(inboxTTL)).Int()
	if err != nil {
		return false, storeErr("lease", err)
	}
	return n == 1, nil
}

// Unlease implements bot.Store.
func (r *Redis) Unlease(ctx context.Context, conv, holder string) error {
	return storeErr("unlease", unleaseScript.Run(ctx, r.rdb, []string{r.k.session(conv)}, holder).Err())
}

// Load implements bot.Store, in one round trip.
func (r *Redis) Load(ctx context.Context, conv, eventID string) (bot.Loaded, error) {
	res, err := loadScript.Run(ctx, r.rdb, []string{r.k.session(conv)}, dedupeID(eventID)).Slice()
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

// convTTL is how long a conversation's hash outlives its last commit: long enough to
// tell a session that ran out (expiryNotice × its TTL) and for any event it may hold to
// wait its inboxTTL, twice over so that Begin seldom needs to stretch it.
func convTTL(sessionTTL time.Duration) time.Duration {
	return max(expiryNotice*sessionTTL, 2*inboxTTL)
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
	args := make([]any, 0, 9+len(c.Notices))
	args = append(args, s.Version, mode, data, ms(c.TTL), ms(convTTL(c.TTL)), c.Holder, ms(c.LeaseTTL), c.Seq, dedupeID(c.EventID))
	for _, n := range c.Notices {
		b, err := json.Marshal(n)
		if err != nil {
			return nil, nil, fmt.Errorf("encode notice: %w", err)
		}
		args = append(args, b)
	}
	if len(c.Notices) > 0 {
		if _, err := r.announce(ctx, r.k.outConvs(), conv); err != nil {
			return nil, nil, storeErr("announce notices", err)
		}
	}
	return []string{r.k.session(conv), r.k.inbox(conv), r.k.out(conv)}, args, nil
}

// Skip implements bot.Store.
func (r *Redis) Skip(ctx context.Context, conv, holder string, seq int64) error {
	n, err := skipScript.Run(ctx, r.rdb, []string{r.k.session(conv), r.k.inbox(conv)}, holder, seq).Int()
	if err != nil {
		return storeErr("skip", err)
	}
	if n == 0 {
		return bot.ErrConflict
	}
	return nil
}
