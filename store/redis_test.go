package store_test

import (
	"context"
	"crypto/rand"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"deskbot/store"
	"deskbot/store/redistest"
	"deskbot/store/storetest"
)

// redisTTL is the session lifetime of the suite on Redis: the harness waits it out in
// real time, so it is short, yet long enough for a loaded test machine to do a few round
// trips within half of it.
const redisTTL = 800 * time.Millisecond

var unsafePrefix = regexp.MustCompile(`[^A-Za-z0-9_/-]+`)

// testPrefix is a key prefix no other test uses, so tests may share one Redis.
func testPrefix(t testing.TB) string {
	return "test:" + unsafePrefix.ReplaceAllString(t.Name(), "_") + ":" + rand.Text()[:8]
}

// openRedis returns a store on the single node at url, or on the cluster of addrs when
// addrs is not nil, with a client of its own configured as deskbot's, and prefix. At
// cleanup it deletes its keys (a shared REDIS_URL stays clean) and closes.
func openRedis(t testing.TB, url string, addrs []string, prefix string) *store.Redis {
	t.Helper()
	var st *store.Redis
	var err error
	if addrs != nil {
		st, err = store.OpenRedisCluster(addrs, store.RedisOptions{Prefix: prefix})
	} else {
		st, err = store.OpenRedis(url, store.RedisOptions{Prefix: prefix})
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		dropPrefix(st.Client(), prefix)
		st.Close()
	})
	return st
}

// dropPrefix deletes every key of prefix, on every master of a cluster.
func dropPrefix(rdb redis.UniversalClient, prefix string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	drop := func(ctx context.Context, c redis.Cmdable) error {
		iter := c.Scan(ctx, 0, prefix+":*", 1000).Iterator()
		for iter.Next(ctx) {
			c.Del(ctx, iter.Val())
		}
		return iter.Err()
	}
	if cc, ok := rdb.(*redis.ClusterClient); ok {
		cc.ForEachMaster(ctx, func(ctx context.Context, n *redis.Client) error { return drop(ctx, n) })
		return
	}
	drop(ctx, rdb)
}

func redisHarness(st *store.Redis) storetest.Harness {
	return storetest.Harness{Store: st, Advance: time.Sleep, Now: time.Now, TTL: redisTTL}
}

// The conformance suites — the store's, the desk's and the engine's (two engines on two
// clients) — on a single Redis node.
func TestRedis(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	harness := func(t *testing.T) storetest.Harness {
		prefix := testPrefix(t)
		h := redisHarness(openRedis(t, srv.URL, nil, prefix))
		h.Twin = openRedis(t, srv.URL, nil, prefix)
		return h
	}
	storetest.Run(t, harness)
	t.Run("Desk", func(t *testing.T) { storetest.RunDesk(t, harness) })
	t.Run("Engine", func(t *testing.T) { storetest.RunEngine(t, harness) })
}

// The conformance suites, the engine's included, on a three-node Redis Cluster: every
// script's keys share a slot, or Redis would refuse them (CROSSSLOT).
func TestRedisCluster(t *testing.T) {
	t.Parallel()
	addrs := redistest.Cluster(t)
	harness := func(t *testing.T) storetest.Harness {
		prefix := testPrefix(t)
		h := redisHarness(openRedis(t, "", addrs, prefix))
		h.Twin = openRedis(t, "", addrs, prefix)
		return h
	}
	t.Run("Suite", func(t *testing.T) { storetest.Run(t, harness) })
	t.Run("Desk", func(t *testing.T) { storetest.RunDesk(t, harness) })
	t.Run("Engine", func(t *testing.T) { storetest.RunEngine(t, harness) })
	t.Run("SpreadOverNodes", func(t *testing.T) {
		// The conversations of the suite must not all have landed on one node, or the
		// cluster proved nothing.
		prefix := testPrefix(t)
		st := openRedis(t, "", addrs, prefix)
		rdb := st.Client().(*redis.ClusterClient)
		ctx := context.Background()
		for _, c := range []string{"line:U1", "line:U2", "line:U3", "line:U4", "line:U5", "line:U6", "line:U7", "line:U8"} {
			if _, err := st.Enqueue(ctx, testEvent(c, "x")); err != nil {
				t.Fatal(err)
			}
		}
		var used atomic.Int32 // ForEachMaster calls in parallel
		rdb.ForEachMaster(ctx, func(ctx context.Context, n *redis.Client) error {
			keys, _ := n.Keys(ctx, prefix+":{c:*").Result()
			if len(keys) > 0 {
				used.Add(1)
			}
			return nil
		})
		if used := used.Load(); used < 2 {
			t.Fatalf("the conversations' keys are on %d node(s), want at least 2", used)
		}
	})
}

// Every key the store writes for a conversation, with the conversation id escaped so it
// cannot end the hash tag early.
func TestRedisKeysOfOneConversationShareTheirHashTag(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	prefix := testPrefix(t)
	st := openRedis(t, srv.URL, nil, prefix)
	rdb := st.Client()
	ctx := context.Background()
	conv := "line:U{odd}%id*"
	runFlow(t, st, conv, 3)
	keys, err := rdb.Keys(ctx, prefix+":*").Result()
	if err != nil {
		t.Fatal(err)
	}
	tag := "{c:line:U%7Bodd%7D%25id*}"
	found := 0
	for _, k := range keys {
		if strings.Contains(k, ":{c:") {
			found++
			if !strings.HasPrefix(k, prefix+":"+tag+":") {
				t.Errorf("key %q does not carry the hash tag %s", k, tag)
			}
		}
	}
	if found == 0 {
		t.Fatalf("no conversation key among %v", keys)
	}
}
