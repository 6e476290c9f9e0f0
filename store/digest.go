package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"deskbot/bot"
)

var (
	_ bot.DigestQueue = (*Redis)(nil)
	_ bot.DigestQueue = (*Memory)(nil)
)

// claimNoticeScript takes a claim and, only when it was free, queues the notice on the
// conversation's :out list for the relay, in one step.
//
// KEYS: claim, out. ARGV: TTL (ms), notice JSON. Returns 1 when queued, 0 when claimed.
var claimNoticeScript = redis.NewScript(`
if not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then return 0 end
redis.call('RPUSH', KEYS[2], ARGV[2])
return 1
`)

// ClaimNotice puts n in the outbox unless claim was taken within ttl, and reports whether
// it did. Of any number of callers with one claim, on any number of instances, one gets
// true; the claim and the notice are written in one step, so a crash leaves both or
// neither. The claim lives in n's conversation, so a cluster runs the step on one node.
func (r *Redis) ClaimNotice(ctx context.Context, claim string, ttl time.Duration, n bot.Notice) (bool, error) {
	b, err := json.Marshal(n)
	if err != nil {
		return false, fmt.Errorf("encode notice: %w", err)
	}
	// Announced first, as Commit does: a notice on :out is always found by the relay.
	if _, err := r.announce(ctx, r.k.outConvs(), n.Conversation); err != nil {
		return false, storeErr("announce notice", err)
	}
	ok, err := claimNoticeScript.Run(ctx, r.rdb, []string{r.k.claim(n.Conversation, claim), r.k.out(n.Conversation)},
		ms(ttl), b).Int()
	if err != nil {
		return false, storeErr("claim notice", err)
	}
	return ok == 1, nil
}

// ClaimNotice puts n in the outbox unless claim was taken within ttl, and reports whether
// it did; the first of concurrent callers gets true.
func (m *Memory) ClaimNotice(_ context.Context, claim string, ttl time.Duration, n bot.Notice) (bool, error) {
	b, err := json.Marshal(n)
	if err != nil {
		return false, fmt.Errorf("encode notice: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	key := "\x00claim:" + n.Conversation + "\x00" + claim
	if exp, ok := m.desk.seen[key]; ok && now.Before(exp) {
		return false, nil
	}
	m.desk.seen[key] = now.Add(ttl)
	m.nextID++
	m.outbox = append(m.outbox, &memEntry{handle: strconv.FormatInt(m.nextID, 10), notice: b, due: now})
	return true, nil
}
