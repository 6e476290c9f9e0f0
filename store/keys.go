package store

import (
	"hash/crc32"
	"strconv"
	"strings"
	"time"
)

// The Redis key layout: every key store.Redis reads or writes is named here, and nowhere
// else. <p> is RedisOptions.Prefix ("deskbot" by default).
//
// Per conversation — hash tag {c:<conv>}, so every key of one conversation lives in one
// Redis Cluster slot and the scripts that touch several of them (Commit above all) run on
// a cluster. <conv> is the conversation id with '%', '{' and '}' percent-escaped, so an
// id cannot end the hash tag early.
//
//	key                     type    TTL                          personal  holds
//	<p>:{c:<conv>}:session  HASH    convTTL after the last       yes       the conversation: its session, inbox
//	                                commit (≥ 96 h), stretched             head, lease, applied event ids and
//	                                while an event waits                   sequence number (fields: see
//	                                                                       redis_conv.go)
//	<p>:{c:<conv>}:inbox    LIST    inboxTTL (48 h), refreshed   yes       "<seq>|<event JSON>" queued behind the
//	                                                                       head, oldest first
//	<p>:{c:<conv>}:out      LIST    none (drained by the relay)  yes       notice JSON written by Commit, not
//	                                                                       yet relayed to the outbox stream
//	<p>:{c:<conv>}:claim:<k> STRING the caller's TTL             no        "1": the notice of claim <k> was
//	                                                                       queued (ClaimNotice; the digest)
//
// Earlier versions kept the session alone in :session (fields v and d, which this layout
// reads as they are) and the rest in keys of their own (:seen, :seq, :lease, :evt:<id>),
// which this version neither reads nor writes; they run out by their TTLs. Events they
// left in :inbox are found by the sweep and applied (README, "Upgrading").
//
// The waiting index — hash tags {w:0} … {w:15}: a conversation is listed in shard
// crc32(<conv>) mod 16, so the one write per event the index takes is spread over a
// cluster's nodes.
//
//	key                     type    TTL            personal  holds
//	<p>:{w:<n>}:waiting     ZSET    none (pruned)  conv ids  conversations that may have queued events →
//	                                                         Redis time (ms) of the last announcement
//
// Global — hash tag {g}: one slot, so the outbox scripts can touch the stream, the
// dedupe set and the archive together. The traffic here is the desk's (a few notices and
// reports a day per clinic), not the conversations'.
//
//	key                           type    TTL                    personal  holds
//	<p>:{g}:waiting               ZSET    none (pruned)          conv ids  the unsharded waiting index of earlier
//	                                                                       versions: read and pruned, not written
//	<p>:{g}:outconvs              ZSET    none (pruned)          conv ids  conversations whose :out may hold
//	                                                                       notices → time of the last announcement
//	<p>:{g}:outbox                STREAM  none (acked = deleted) yes       n = notice JSON; consumer group
//	                                                                       "deskbot"; pending entries are leased
//	<p>:{g}:relayed               ZSET    members relayedTTL     no        notice ids already in the stream → time
//	<p>:{g}:dead                  STREAM  entries archiveTTL     yes       parked notices: n, reason, time (ms)
//	<p>:{g}:receipt:<day>         STRING  receiptTTL (3 days)    no        last receipt number of <day>
//	<p>:{g}:receipts:<day>        SET     receiptTTL (3 days)    no        receipt numbers of <day> given out
//	<p>:{g}:report:<id>           STRING  archiveTTL (400 days)  yes       report JSON
//	<p>:{g}:reports               ZSET    archiveTTL, refreshed  no        every report id → archived (ms)
//	<p>:{g}:reports:day:<day>     ZSET    archiveTTL, refreshed  no        report ids of a Japan day → archived
//	<p>:{g}:reports:cat:<cat>     ZSET    archiveTTL, refreshed  no        report ids of a category → archived
//	<p>:{g}:reports:pref:<pref>   ZSET    archiveTTL, refreshed  no        report ids of a prefecture → archived
//	<p>:{g}:post:<notice id>      STRING  archiveTTL             conv id   where the desk posted a notice
//	                                                                       (bot.DeskPost JSON); the first wins
//	<p>:{g}:postat:<ref>          STRING  archiveTTL             no        notice id of the desk message ref
//	<p>:{g}:status:<report id>    LIST    archiveTTL, refreshed  staff     the report's bot.StatusChange JSONs
//	<p>:{g}:once:<key>            STRING  the caller's TTL       no        "1": a desk request already seen,
//	                                                                       a LINE batch sent or being pushed
//
// Personal data leaves with its TTL. A session's answers are erased by the first event
// or load after the session's own TTL ran out, and at the latest with the conversation's
// hash, expiryNotice × the session TTL after its last turn. The exception is the outbox
// path (:out, outbox), where a
// notice stays until it is delivered or parked: a report the clinic was told was sent is
// never dropped by a timer. Dead letters and the archive are kept 400 days. The index
// sets hold conversation ids only while their conversations are active; see indexGrace.
const (
	// inboxTTL bounds how long an event may wait unapplied; a LINE reply token is long
	// gone by then, and an inbox that old means no engine is running at all.
	inboxTTL = 48 * time.Hour
	// receiptTTL outlives the day a receipt counter counts.
	receiptTTL = 3 * 24 * time.Hour
	// archiveTTL keeps reports and dead letters for the desk's yearly figures.
	archiveTTL = 400 * 24 * time.Hour
	// relayedTTL is how long the relay remembers a notice id it put in the stream, so a
	// relay that crashed before trimming :out does not put it there twice.
	relayedTTL = 48 * time.Hour
	// outboxGroup is the outbox stream's consumer group.
	outboxGroup = "deskbot"
	// retryConsumer owns the outbox entries waiting for a retry, so XPENDING shows them
	// apart from the entries workers are delivering.
	retryConsumer = "retrying"
)

// keys builds the key names of one prefix.
type keys struct{ prefix string }

var convEscaper = strings.NewReplacer("%", "%25", "{", "%7B", "}", "%7D")

// conv names a key of conversation conv.
func (k keys) conv(conv, name string) string {
	return k.prefix + ":{c:" + convEscaper.Replace(conv) + "}:" + name
}

func (k keys) session(conv string) string      { return k.conv(conv, "session") }
func (k keys) inbox(conv string) string        { return k.conv(conv, "inbox") }
func (k keys) out(conv string) string          { return k.conv(conv, "out") }
func (k keys) claim(conv, claim string) string { return k.conv(conv, "claim:"+claim) }

// global names a key of the {g} slot.
func (k keys) global(name string) string { return k.prefix + ":{g}:" + name }

// waitingShards is how many shards the waiting index has. Each is a key of its own hash
// tag, so a Redis Cluster spreads the index's writes — one per event — over its nodes.
const waitingShards = 16

// waiting names the shard of the waiting index that lists conv.
func (k keys) waiting(conv string) string {
	return k.waitingShard(int(crc32.ChecksumIEEE([]byte(conv)) % waitingShards))
}

func (k keys) waitingShard(n int) string { return k.prefix + ":{w:" + strconv.Itoa(n) + "}:waiting" }

// waitingShards names every shard of the waiting index.
func (k keys) waitingShards() []string {
	out := make([]string, waitingShards)
	for i := range out {
		out[i] = k.waitingShard(i)
	}
	return out
}

// legacyWaiting is the unsharded waiting index of earlier versions: read and pruned, never
// written.
func (k keys) legacyWaiting() string { return k.global("waiting") }

func (k keys) outConvs() string                    { return k.global("outconvs") }
func (k keys) outbox() string                      { return k.global("outbox") }
func (k keys) relayed() string                     { return k.global("relayed") }
func (k keys) dead() string                        { return k.global("dead") }
func (k keys) receipt(day string) string           { return k.global("receipt:" + day) }
func (k keys) receiptsUsed(day string) string      { return k.global("receipts:" + day) }
func (k keys) report(id string) string             { return k.global("report:" + id) }
func (k keys) reports() string                     { return k.global("reports") }
func (k keys) reportsOnDay(d string) string        { return k.global("reports:day:" + d) }
func (k keys) reportsInCategory(c string) string   { return k.global("reports:cat:" + c) }
func (k keys) reportsInPrefecture(p string) string { return k.global("reports:pref:" + p) }
func (k keys) post(noticeID string) string         { return k.global("post:" + noticeID) }
func (k keys) postAt(ref string) string            { return k.global("postat:" + ref) }
func (k keys) status(reportID string) string       { return k.global("status:" + reportID) }
func (k keys) once(key string) string              { return k.global("once:" + key) }
