package store

import (
	"context"
	"slices"
	"time"

	"deskbot/bot"
)

// memDesk is what the desk keeps beside the conversations: where each notice was posted,
// the status history of each report, and the keys of requests already seen. Guarded by
// Memory.mu.
type memDesk struct {
	posts    map[string]bot.DeskPost // notice id → post
	postsAt  map[string]string       // post ref → notice id
	statuses map[string][]bot.StatusChange
	seen     map[string]time.Time // key → expiry
	seenOps  int
}

func newMemDesk() *memDesk {
	return &memDesk{
		posts:    make(map[string]bot.DeskPost),
		postsAt:  make(map[string]string),
		statuses: make(map[string][]bot.StatusChange),
		seen:     make(map[string]time.Time),
	}
}

// Posted returns where notice id was posted; ok is false when it was not recorded.
func (m *Memory) Posted(_ context.Context, noticeID string) (bot.DeskPost, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	p, ok := m.desk.posts[noticeID]
	return p, ok, nil
}

// PostedAt returns the notice posted as the message ref; ok is false when none was.
func (m *Memory) PostedAt(_ context.Context, ref string) (bot.DeskPost, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	id, ok := m.desk.postsAt[ref]
	if !ok {
		return bot.DeskPost{}, false, nil
	}
	return m.desk.posts[id], true, nil
}

// SetPosted records p unless a post of p.Notice is recorded already, and returns the
// post recorded: p, or the earlier one. Of two notifiers that posted the same notice,
// the first to record wins and the other learns it has a duplicate to remove.
func (m *Memory) SetPosted(_ context.Context, p bot.DeskPost) (bot.DeskPost, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if old, ok := m.desk.posts[p.Notice]; ok {
		return old, nil
	}
	m.desk.posts[p.Notice] = p
	m.desk.postsAt[p.Ref] = p.Notice
	return p, nil
}

// AddStatus appends c to the status history of report id and returns the whole history,
// oldest first, as it stands with c.
func (m *Memory) AddStatus(_ context.Context, reportID string, c bot.StatusChange) ([]bot.StatusChange, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	h := append(m.desk.statuses[reportID], c)
	m.desk.statuses[reportID] = h
	return slices.Clone(h), nil
}

// Statuses returns the status histories of the reports with those ids; reports without
// changes are absent.
func (m *Memory) Statuses(_ context.Context, reportIDs ...string) (map[string][]bot.StatusChange, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make(map[string][]bot.StatusChange)
	for _, id := range reportIDs {
		if h := m.desk.statuses[id]; len(h) > 0 {
			out[id] = slices.Clone(h)
		}
	}
	return out, nil
}

// FirstSeen marks key as seen for ttl and reports whether it was not seen already: the
// first of several concurrent callers gets true, the others false.
func (m *Memory) FirstSeen(_ context.Context, key string, ttl time.Duration) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	if m.desk.seenOps++; m.desk.seenOps%1024 == 0 {
		for k, exp := range m.desk.seen {
			if !now.Before(exp) {
				delete(m.desk.seen, k)
			}
		}
	}
	if exp, ok := m.desk.seen[key]; ok && now.Before(exp) {
		return false, nil
	}
	m.desk.seen[key] = now.Add(ttl)
	return true, nil
}

// Seen reports whether key is marked seen (by FirstSeen, within its TTL, and not
// forgotten since), without marking it.
func (m *Memory) Seen(_ context.Context, key string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	exp, ok := m.desk.seen[key]
	return ok && m.now().Before(exp), nil
}

// Forget unmarks key, so that a request whose handling failed is handled when it comes
// again.
func (m *Memory) Forget(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.desk.seen, key)
	return nil
}
