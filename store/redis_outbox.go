package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"deskbot/bot"
)

// The outbox of store.Redis, in two stages.
//
// Commit appends notices to the conversation's :out list, in the conversation's slot, so
// the turn stays one script on a cluster. The relay (run by Claim, Pending and the
// archive readers) moves them on: for each conversation in the outconvs index it reads
// :out, archives the reports, adds the notices to the global outbox stream in order —
// skipping ids already relayed, per the relayed set — and then pops from :out exactly the
// entries it read that still head it. The relay is not atomic across the two slots, and
// need not be: a relay that dies before popping is redone by the next, and the relayed set
// keeps the stream free of the copies. Several relays may run at once; they only repeat
// each other's work.
//
// The stream is read by one consumer group. Claim takes new entries with XREADGROUP and
// the entries whose lease ran out with XAUTOCLAIM; a pending entry's delivery count is the
// notice's attempt number. XAUTOCLAIM compares an entry's idle time with one threshold
// per call, while every Claim chooses its own lease, so leases are expressed in idle time:
// an entry claimed for lease L is given (XCLAIM … IDLE) the idle time claimHorizon−L, and
// reaches claimHorizon, the threshold, exactly when its lease ends. Retry uses the same
// clock: it hands the entry to the "retrying" consumer with the idle time claimHorizon
// minus the delay, so XAUTOCLAIM takes it when it is due. (So there is no separate retry
// queue: an entry waiting for its retry stays pending in the group, with its stream id
// and its delivery count, and is never between two places.) Ack deletes the entry; Park
// moves it to the dead-letter stream.
//
// Delivery is at least once: a worker that delivered a notice and died before Ack leaves
// it to be claimed again after its lease, so notifiers must be idempotent on Notice.ID
// (bot.Notifier says so).

// claimHorizon is the longest lease or retry delay the outbox keeps; longer ones are cut
// to it. It is the XAUTOCLAIM threshold, see above.
const claimHorizon = 24 * time.Hour

// Batch sizes of one relay.
const (
	relayConvs   = 100 // conversations per relay
	relayBatch   = 100 // notices moved per conversation and step
	relayRepeats = 10  // steps per conversation and relay, against a conversation that keeps writing
)

// relayScript adds notices to the outbox stream, each once: an id already in the relayed
// set is skipped. It creates the stream and its group on first use.
//
// KEYS: outbox, relayed. ARGV: group, relayed TTL (ms), queued (the store's time, ms),
// then id, JSON, id, JSON…. Returns how many were added.
var relayScript = redis.NewScript(`
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('XGROUP', 'CREATE', KEYS[1], ARGV[1], '0', 'MKSTREAM')
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', string.format('%d', now - tonumber(ARGV[2])))
local added = 0
for i = 4, #ARGV, 2 do
  local id = ARGV[i]
  if id == '' or redis.call('ZADD', KEYS[2], 'NX', string.format('%d', now), id) == 1 then
    redis.call('XADD', KEYS[1], '*', 'n', ARGV[i + 1], 't', ARGV[3])
    added = added + 1
  end
end
return added
`)

// popScript pops the given entries off a list while each still heads it, and returns the
// length left. Entries another relay popped already are not popped twice.
//
// KEYS: out. ARGV: entries, oldest first.
var popScript = redis.NewScript(`
for i = 1, #ARGV do
  if redis.call('LINDEX', KEYS[1], 0) ~= ARGV[i] then break end
  redis.call('LPOP', KEYS[1])
end
return redis.call('LLEN', KEYS[1])
`)

// relay moves the notices Commit left in the conversations' :out lists to the outbox
// stream. The lists are read in one pipeline, so that the conversations the index still
// holds within their grace cost a reader one round trip in all, not one each.
func (r *Redis) relay(ctx context.Context) error {
	page, err := r.listIndex(ctx, r.k.outConvs(), relayConvs)
	if err != nil || len(page.entries) == 0 {
		return storeErr("list notices", err)
	}
	heads, err := r.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, e := range page.entries {
			p.LRange(ctx, r.k.out(e.member), 0, relayBatch-1)
		}
		return nil
	})
	if err != nil {
		return storeErr("read notices", err)
	}
	var idle []indexEntry
	for i, e := range page.entries {
		empty := true
		if entries := heads[i].(*redis.StringSliceCmd).Val(); len(entries) > 0 {
			if empty, err = r.relayConv(ctx, e.member, entries); err != nil {
				return err
			}
		}
		if empty && page.stale(e) {
			idle = append(idle, e)
		}
	}
	return storeErr("prune notices", r.forget(ctx, r.k.outConvs(), idle))
}

// relayConv relays conv's :out, whose first entries are given, and reports whether it
// was left empty.
func (r *Redis) relayConv(ctx context.Context, conv string, entries []string) (bool, error) {
	for range relayRepeats {
		args := []any{outboxGroup, ms(relayedTTL), r.now().UnixMilli()}
		popArgs := make([]any, len(entries))
		for i, e := range entries {
			// An entry that does not decode is relayed all the same, without an id; Claim
			// parks it.
			var n bot.Notice
			if json.Unmarshal([]byte(e), &n) == nil && n.Report != nil {
				if err := r.archive(ctx, n.Report); err != nil {
					return false, err
				}
			}
			args = append(args, n.ID, e)
			popArgs[i] = e
		}
		if err := relayScript.Run(ctx, r.rdb, []string{r.k.outbox(), r.k.relayed()}, args...).Err(); err != nil {
			return false, storeErr("relay notices", err)
		}
		left, err := popScript.Run(ctx, r.rdb, []string{r.k.out(conv)}, popArgs...).Int64()
		if err != nil {
			return false, storeErr("trim notices", err)
		}
		if left == 0 {
			return true, nil
		}
		if entries, err = r.rdb.LRange(ctx, r.k.out(conv), 0, relayBatch-1).Result(); err != nil {
			return false, storeErr("read notices", err)
		}
	}
	return false, nil
}

// claimScript leases up to max outbox entries to a consumer: first those whose lease ran
// out or whose retry is due (XAUTOCLAIM, oldest first), then new ones (XREADGROUP), and
// sets each one's idle time so that it is claimable again when the lease ends.
//
// KEYS: outbox. ARGV: group, consumer, max, lease (ms), claimHorizon (ms).
// Returns {id, attempt, notice JSON, queued (ms, or ”), id, attempt, JSON, queued…}.
var claimScript = redis.NewScript(`
local stream, group, consumer = KEYS[1], ARGV[1], ARGV[2]
local max, lease, horizon = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
if redis.call('EXISTS', stream) == 0 then return {} end
local out, ids = {}, {}
local function add(id, attempt, fields)
  local body, queued = '', ''
  for i = 1, #fields, 2 do
    if fields[i] == 'n' then body = fields[i + 1] end
    if fields[i] == 't' then queued = fields[i + 1] end
  end
  ids[#ids + 1] = id
  out[#out + 1] = id
  out[#out + 1] = attempt
  out[#out + 1] = body
  out[#out + 1] = queued
end
local cursor = '0-0'
repeat
  local r = redis.call('XAUTOCLAIM', stream, group, consumer, horizon, cursor, 'COUNT', max - #ids)
  cursor = r[1]
  for _, e in ipairs(r[2]) do
    if e then -- Redis 6.2 lists entries deleted meanwhile as nil
      local p = redis.call('XPENDING', stream, group, e[1], e[1], 1)
      add(e[1], p[1][4], e[2])
    end
  end
until cursor == '0-0' or #ids >= max
if #ids < max then
  local r = redis.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', max - #ids, 'STREAMS', stream, '>')
  if r then
    for _, e in ipairs(r[1][2]) do add(e[1], 1, e[2]) end
  end
end
if #ids > 0 then
  local args = {'XCLAIM', stream, group, consumer, 0}
  for _, id in ipairs(ids) do args[#args + 1] = id end
  args[#args + 1] = 'IDLE'
  args[#args + 1] = horizon - lease
  args[#args + 1] = 'JUSTID'
  redis.call(unpack(args))
end
return out
`)

// maxClaim bounds one Claim: the script's reply and its argument list stay small.
const maxClaim = 1000

// Claim implements bot.Outbox. It relays the notices Commit wrote first.
func (r *Redis) Claim(ctx context.Context, consumer string, limit int, lease time.Duration) ([]bot.Delivery, error) {
	if limit <= 0 {
		return nil, nil
	}
	if err := r.relay(ctx); err != nil {
		return nil, err
	}
	r.mu.Lock()
	r.consumers[consumer] = true
	r.mu.Unlock()
	lease = min(max(lease, time.Millisecond), claimHorizon)
	res, err := claimScript.Run(ctx, r.rdb, []string{r.k.outbox()},
		outboxGroup, consumer, min(limit, maxClaim), ms(lease), ms(claimHorizon)).Slice()
	if err != nil {
		return nil, storeErr("claim", err)
	}
	r.pruneConsumers(ctx)
	var out []bot.Delivery
	for i := 0; i+3 < len(res); i += 4 {
		id, _ := res[i].(string)
		attempt, _ := res[i+1].(int64)
		body, _ := res[i+2].(string)
		queued, _ := res[i+3].(string)
		d := bot.Delivery{Attempt: int(attempt), Handle: id, Queued: queuedAt(id, queued)}
		if err := json.Unmarshal([]byte(body), &d.Notice); err != nil {
			// Not a notice: retrying cannot help. Park it, for a person to look at.
			if err := r.Park(ctx, d, "undecodable notice: "+err.Error()); err != nil {
				return out, err
			}
			continue
		}
		out = append(out, d)
	}
	return out, nil
}

// queuedAt is when an outbox entry was queued: its t field, the store's clock, or else the
// time in its stream id, Redis's clock.
func queuedAt(id, t string) time.Time {
	if n, err := strconv.ParseInt(t, 10, 64); err == nil {
		return time.UnixMilli(n)
	}
	ms, _, _ := strings.Cut(id, "-")
	if n, err := strconv.ParseInt(ms, 10, 64); err == nil {
		return time.UnixMilli(n)
	}
	return time.Time{}
}

// consumerIdle is how long an outbox consumer that holds nothing may stay silent before
// it is taken for dead and removed from the group: a live worker claims every few
// hundred milliseconds.
const consumerIdle = 10 * time.Minute

// pruneScript removes the consumers of the outbox group that hold no pending entry and
// have been idle longer than the limit — dead workers, whose entries XAUTOCLAIM has
// handed to others — except the retrying consumer. Returns how many it removed.
//
// KEYS: outbox. ARGV: group, idle limit (ms), retrying consumer.
var pruneScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local n = 0
for _, c in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])) do
  local name, pending, idle
  for i = 1, #c, 2 do
    if c[i] == 'name' then name = c[i + 1] end
    if c[i] == 'pending' then pending = c[i + 1] end
    if c[i] == 'idle' then idle = c[i + 1] end
  end
  if name ~= ARGV[3] and pending == 0 and idle > tonumber(ARGV[2]) then
    redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], name)
    n = n + 1
  end
end
return n
`)

// pruneConsumers runs pruneScript at most once a minute per store; a failure is left
// for the next time, as the claim it rides on succeeded.
func (r *Redis) pruneConsumers(ctx context.Context) {
	now := time.Now()
	r.mu.Lock()
	due := now.Sub(r.pruned) >= time.Minute
	if due {
		r.pruned = now
	}
	r.mu.Unlock()
	if !due {
		return
	}
	if n, err := pruneScript.Run(ctx, r.rdb, []string{r.k.outbox()}, outboxGroup, ms(r.deadAfter), retryConsumer).Int(); err == nil && n > 0 {
		slog.Default().LogAttrs(ctx, slog.LevelInfo, "outbox: removed dead consumers", slog.Int("consumers", n))
	}
}

// Ack implements bot.Outbox: the entry leaves the group's pending list and the stream.
func (r *Redis) Ack(ctx context.Context, d bot.Delivery) error {
	_, err := r.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.XAck(ctx, r.k.outbox(), outboxGroup, d.Handle)
		p.XDel(ctx, r.k.outbox(), d.Handle)
		return nil
	})
	return storeErr("ack notice", err)
}

// retryScript hands a pending entry to the retrying consumer with the idle time that makes
// XAUTOCLAIM take it when due, and sets its delivery count to the attempts so far
// (XAUTOCLAIM adds one when it takes it).
//
// KEYS: outbox. ARGV: group, consumer, id, idle (ms), attempts.
var retryScript = redis.NewScript(`
return #redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3], 'IDLE', ARGV[4], 'RETRYCOUNT', ARGV[5], 'JUSTID')
`)

// Retry implements bot.Outbox. A delay longer than claimHorizon is cut to it.
func (r *Redis) Retry(ctx context.Context, d bot.Delivery, due time.Time) error {
	delay := min(max(due.Sub(r.now()), -claimHorizon), claimHorizon)
	idle := claimHorizon - delay
	err := retryScript.Run(ctx, r.rdb, []string{r.k.outbox()}, outboxGroup, retryConsumer, d.Handle, idle.Milliseconds(), max(d.Attempt, 0)).Err()
	return storeErr("retry notice", err)
}

// entryBody is a Lua function for the scripts below: the notice JSON (field n) of the
// entry id of a stream, ” when it has none, nil when there is no such entry.
const entryBody = `
local function entryBody(stream, id)
  local e = redis.call('XRANGE', stream, id, id)
  if #e == 0 then return nil end
  for i = 1, #e[1][2], 2 do
    if e[1][2][i] == 'n' then return e[1][2][i + 1] end
  end
  return ''
end
`

// parkScript moves an outbox entry to the dead-letter stream, if it is still in the
// outbox, trimming dead letters older than the archive's retention.
//
// KEYS: outbox, dead. ARGV: group, id, reason, time (ms), oldest id kept, dead TTL (ms).
// Returns 1 when it moved the entry.
var parkScript = redis.NewScript(entryBody + `
local body = entryBody(KEYS[1], ARGV[2])
if not body then return 0 end
redis.call('XADD', KEYS[2], 'MINID', '~', ARGV[5], '*', 'n', body, 'reason', ARGV[3], 'time', ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[6])
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
return 1
`)

// Park implements bot.Outbox.
func (r *Redis) Park(ctx context.Context, d bot.Delivery, reason string) error {
	now := r.now()
	oldest := fmt.Sprintf("%d-0", now.Add(-archiveTTL).UnixMilli())
	err := parkScript.Run(ctx, r.rdb, []string{r.k.outbox(), r.k.dead()},
		outboxGroup, d.Handle, reason, now.UnixMilli(), oldest, ms(archiveTTL)).Err()
	return storeErr("park notice", err)
}

// AddNotices puts notices in the outbox outside a Commit (what the channels must still
// deliver: a LINE push, a note for the desk). A notice whose id was added in the last
// relayedTTL is left out, so adding again after an error doubles nothing.
func (r *Redis) AddNotices(ctx context.Context, ns ...bot.Notice) error {
	if len(ns) == 0 {
		return nil
	}
	args := []any{outboxGroup, ms(relayedTTL), r.now().UnixMilli()}
	for _, n := range ns {
		b, err := json.Marshal(n)
		if err != nil {
			return fmt.Errorf("encode notice: %w", err)
		}
		args = append(args, n.ID, b)
	}
	err := relayScript.Run(ctx, r.rdb, []string{r.k.outbox(), r.k.relayed()}, args...).Err()
	return storeErr("add notices", err)
}

// redriveScript moves a dead letter back to the outbox as a new entry (first attempt,
// queued now), if it is still a dead letter. Returns 1 when it moved it.
//
// KEYS: dead, outbox. ARGV: group, dead entry id, queued (ms).
var redriveScript = redis.NewScript(entryBody + `
local body = entryBody(KEYS[1], ARGV[2])
if not body then return 0 end
if redis.call('EXISTS', KEYS[2]) == 0 then
  redis.call('XGROUP', 'CREATE', KEYS[2], ARGV[1], '0', 'MKSTREAM')
end
redis.call('XADD', KEYS[2], '*', 'n', body, 't', ARGV[3])
redis.call('XDEL', KEYS[1], ARGV[2])
return 1
`)

// Redrive puts the parked notices with notice id id (every one for "") back in the
// outbox, as new: first attempt, queued now. It returns how many it moved; a second call
// finds them gone and moves nothing, and two at once move each one once.
func (r *Redis) Redrive(ctx context.Context, id string) (int, error) {
	msgs, err := r.rdb.XRange(ctx, r.k.dead(), "-", "+").Result()
	if err != nil {
		return 0, storeErr("dead letters", err)
	}
	moved := 0
	for _, m := range msgs {
		if id != "" {
			var n struct{ ID string }
			body, _ := m.Values["n"].(string)
			if json.Unmarshal([]byte(body), &n) != nil || n.ID != id {
				continue
			}
		}
		k, err := redriveScript.Run(ctx, r.rdb, []string{r.k.dead(), r.k.outbox()}, outboxGroup, m.ID, r.now().UnixMilli()).Int()
		if err != nil {
			return moved, storeErr("redrive", err)
		}
		moved += k
	}
	return moved, nil
}

// DeadLetters returns the parked notices, oldest first.
func (r *Redis) DeadLetters(ctx context.Context) ([]DeadLetter, error) {
	msgs, err := r.rdb.XRange(ctx, r.k.dead(), "-", "+").Result()
	if err != nil {
		return nil, storeErr("dead letters", err)
	}
	out := make([]DeadLetter, 0, len(msgs))
	for _, m := range msgs {
		var dl DeadLetter
		body, _ := m.Values["n"].(string)
		// A notice that was parked because it did not decode is listed with what decoded.
		_ = json.Unmarshal([]byte(body), &dl.Notice)
		dl.Reason, _ = m.Values["reason"].(string)
		at, _ := m.Values["time"].(string)
		if n, err := strconv.ParseInt(at, 10, 64); err == nil {
			dl.Time = time.UnixMilli(n)
		}
		out = append(out, dl)
	}
	return out, nil
}

// Pending counts the notices waiting in the outbox, claimed or not. It relays first, so
// notices still in the conversations' :out lists count too.
func (r *Redis) Pending(ctx context.Context) (int, error) {
	if err := r.relay(ctx); err != nil {
		return 0, err
	}
	n, err := r.rdb.XLen(ctx, r.k.outbox()).Result()
	return int(n), storeErr("count pending", err)
}

// archiveScript stores a report and adds it to the indexes given as further keys, scored
// by the time it was archived, trimming from them the reports archived before the
// retention. (The score is not the creation time: a report's retention starts when the
// desk gets it, and the store's clock, not the clinic's, decides.)
//
// KEYS: report, index…. ARGV: report JSON, id, now (ms), TTL (ms), oldest kept (ms).
var archiveScript = redis.NewScript(`
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[4])
for i = 2, #KEYS do
  redis.call('ZADD', KEYS[i], ARGV[3], ARGV[2])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', '(' .. ARGV[5])
  redis.call('PEXPIRE', KEYS[i], ARGV[4])
end
return 0
`)

// archive stores rep in the report archive; storing it again changes nothing.
func (r *Redis) archive(ctx context.Context, rep *bot.Report) error {
	b, err := json.Marshal(rep)
	if err != nil {
		return fmt.Errorf("encode report: %w", err)
	}
	ks := []string{r.k.report(rep.ID), r.k.reports(), r.k.reportsOnDay(reportDay(rep))}
	if rep.Prefecture != "" {
		ks = append(ks, r.k.reportsInPrefecture(rep.Prefecture))
	}
	for _, c := range rep.Categories {
		ks = append(ks, r.k.reportsInCategory(c))
	}
	now := r.now()
	err = archiveScript.Run(ctx, r.rdb, ks, b, rep.ID, now.UnixMilli(), ms(archiveTTL), now.Add(-archiveTTL).UnixMilli()).Err()
	return storeErr("archive report", err)
}

// Reports returns the archived reports ordered by receipt number. It relays first, so a
// report committed is a report listed.
func (r *Redis) Reports(ctx context.Context) ([]bot.Report, error) {
	return r.ReportsFor(ctx, ReportQuery{})
}

// Report returns the archived report with receipt number id; ok is false when there is
// none (never sent, or past its retention).
func (r *Redis) Report(ctx context.Context, id string) (rep bot.Report, ok bool, err error) {
	if err := r.relay(ctx); err != nil {
		return bot.Report{}, false, err
	}
	b, err := r.rdb.Get(ctx, r.k.report(id)).Bytes()
	if errors.Is(err, redis.Nil) {
		return bot.Report{}, false, nil
	}
	if err != nil {
		return bot.Report{}, false, storeErr("report", err)
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		return bot.Report{}, false, fmt.Errorf("decode report: %w", err)
	}
	return rep, true, nil
}

// ReportsFor returns the archived reports that match q, ordered by receipt number. It
// relays first.
func (r *Redis) ReportsFor(ctx context.Context, q ReportQuery) ([]bot.Report, error) {
	if err := r.relay(ctx); err != nil {
		return nil, err
	}
	var idx []string
	if q.Day != "" {
		idx = append(idx, r.k.reportsOnDay(q.Day))
	}
	if q.Category != "" {
		idx = append(idx, r.k.reportsInCategory(q.Category))
	}
	if q.Prefecture != "" {
		idx = append(idx, r.k.reportsInPrefecture(q.Prefecture))
	}
	var ids []string
	var err error
	switch len(idx) {
	case 0:
		ids, err = r.rdb.ZRange(ctx, r.k.reports(), 0, -1).Result()
	case 1:
		ids, err = r.rdb.ZRange(ctx, idx[0], 0, -1).Result()
	default:
		ids, err = r.rdb.ZInter(ctx, &redis.ZStore{Keys: idx}).Result()
	}
	if err != nil {
		return nil, storeErr("report index", err)
	}
	return r.reportsByID(ctx, ids)
}

// reportsByID reads the reports ids, skipping those past their retention, sorted by id.
func (r *Redis) reportsByID(ctx context.Context, ids []string) ([]bot.Report, error) {
	out := make([]bot.Report, 0, len(ids))
	const chunk = 500 // one MGET per chunk keeps replies small
	for len(ids) > 0 {
		n := min(len(ids), chunk)
		ks := make([]string, n)
		for i, id := range ids[:n] {
			ks[i] = r.k.report(id)
		}
		vals, err := r.rdb.MGet(ctx, ks...).Result()
		if err != nil {
			return nil, storeErr("read reports", err)
		}
		for _, v := range vals {
			s, ok := v.(string)
			if !ok {
				continue // expired since it was indexed
			}
			var rep bot.Report
			if err := json.Unmarshal([]byte(s), &rep); err != nil {
				return nil, fmt.Errorf("decode report: %w", err)
			}
			out = append(out, rep)
		}
		ids = ids[n:]
	}
	sortReports(out)
	return out, nil
}
