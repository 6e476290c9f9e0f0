package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"deskbot/bot"
)

// What the desk keeps beside the archive (bot/slack.Store): where each notice was posted,
// the status history of each report, and the keys of requests already seen. The keys are
// listed in keys.go.

// setPostedScript records a post unless its notice has one, and returns the post
// recorded. The ref index is written only with the post that wins.
//
// KEYS: post, post-at-ref. ARGV: post JSON, notice id, TTL (ms).
var setPostedScript = redis.NewScript(`
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[3]) then
  redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
  return ARGV[1]
end
return redis.call('GET', KEYS[1])
`)

// SetPosted records p unless a post of p.Notice is recorded already, and returns the post
// recorded: p, or the earlier one.
func (r *Redis) SetPosted(ctx context.Context, p bot.DeskPost) (bot.DeskPost, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return bot.DeskPost{}, fmt.Errorf("encode post: %w", err)
	}
	got, err := setPostedScript.Run(ctx, r.rdb, []string{r.k.post(p.Notice), r.k.postAt(p.Ref)}, b, p.Notice, ms(archiveTTL)).Text()
	if err != nil {
		return bot.DeskPost{}, storeErr("set post", err)
	}
	var won bot.DeskPost
	if err := json.Unmarshal([]byte(got), &won); err != nil {
		return bot.DeskPost{}, fmt.Errorf("decode post: %w", err)
	}
	return won, nil
}

// Posted returns where notice id was posted; ok is false when it was not recorded.
func (r *Redis) Posted(ctx context.Context, noticeID string) (bot.DeskPost, bool, error) {
	return r.post(ctx, r.k.post(noticeID))
}

// PostedAt returns the notice posted as the message ref; ok is false when none was.
func (r *Redis) PostedAt(ctx context.Context, ref string) (bot.DeskPost, bool, error) {
	id, err := r.rdb.Get(ctx, r.k.postAt(ref)).Result()
	if errors.Is(err, redis.Nil) {
		return bot.DeskPost{}, false, nil
	}
	if err != nil {
		return bot.DeskPost{}, false, storeErr("post at", err)
	}
	return r.post(ctx, r.k.post(id))
}

func (r *Redis) post(ctx context.Context, key string) (bot.DeskPost, bool, error) {
	b, err := r.rdb.Get(ctx, key).Bytes()
	if errors.Is(err, redis.Nil) {
		return bot.DeskPost{}, false, nil
	}
	if err != nil {
		return bot.DeskPost{}, false, storeErr("post", err)
	}
	var p bot.DeskPost
	if err := json.Unmarshal(b, &p); err != nil {
		return bot.DeskPost{}, false, fmt.Errorf("decode post: %w", err)
	}
	return p, true, nil
}

// addStatusScript appends a change to a report's history and returns the history as it
// stands with it.
//
// KEYS: status. ARGV: change JSON, TTL (ms).
var addStatusScript = redis.NewScript(`
redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return redis.call('LRANGE', KEYS[1], 0, -1)
`)

// AddStatus appends c to the status history of report id and returns the whole history,
// oldest first, as it stands with c.
func (r *Redis) AddStatus(ctx context.Context, reportID string, c bot.StatusChange) ([]bot.StatusChange, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("encode status: %w", err)
	}
	h, err := addStatusScript.Run(ctx, r.rdb, []string{r.k.status(reportID)}, b, ms(archiveTTL)).StringSlice()
	if err != nil {
		return nil, storeErr("add status", err)
	}
	return decodeStatuses(h)
}

// Statuses returns the status histories of the reports with those ids; reports without
// changes are absent.
func (r *Redis) Statuses(ctx context.Context, reportIDs ...string) (map[string][]bot.StatusChange, error) {
	out := make(map[string][]bot.StatusChange)
	if len(reportIDs) == 0 {
		return out, nil
	}
	cmds, err := r.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, id := range reportIDs {
			p.LRange(ctx, r.k.status(id), 0, -1)
		}
		return nil
	})
	if err != nil {
		return nil, storeErr("statuses", err)
	}
	for i, id := range reportIDs {
		h := cmds[i].(*redis.StringSliceCmd).Val()
		if len(h) == 0 {
			continue
		}
		if out[id], err = decodeStatuses(h); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func decodeStatuses(h []string) ([]bot.StatusChange, error) {
	out := make([]bot.StatusChange, len(h))
	for i, s := range h {
		if err := json.Unmarshal([]byte(s), &out[i]); err != nil {
			return nil, fmt.Errorf("decode status: %w", err)
		}
	}
	return out, nil
}

// FirstSeen marks key as seen for ttl and reports whether it was not seen already: the
// first of several concurrent callers gets true, the others false.
func (r *Redis) FirstSeen(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	ok, err := r.rdb.SetNX(ctx, r.k.once(key), 1, time.Duration(ms(ttl))*time.Millisecond).Result()
	return ok, storeErr("first seen", err)
}

// Seen reports whether key is marked seen (by FirstSeen, within its TTL, and not
// forgotten since), without marking it.
func (r *Redis) Seen(ctx context.Context, key string) (bool, error) {
	n, err := r.rdb.Exists(ctx, r.k.once(key)).Result()
	return n == 1, storeErr("seen", err)
}

// Forget unmarks key, so that a request whose handling failed is handled when it comes
// again.
func (r *Redis) Forget(ctx context.Context, key string) error {
	return storeErr("forget", r.rdb.Del(ctx, r.k.once(key)).Err())
}
