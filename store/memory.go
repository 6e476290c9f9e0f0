// Package store keeps deskbot's shared state: sessions, applied event ids, the outbox of
// notices for the desk and the archive of reports. Memory keeps it in the process, for
// `deskbot chat` and a single instance without Redis; Redis keeps it for instances that
// scale out. Both pass the same suite, store/storetest.
package store

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"deskbot/bot"
)

// DedupeTTL is how long an applied event id is remembered. LINE and Slack redeliver within
// minutes; a day is the floor the desk asked for.
const DedupeTTL = 48 * time.Hour

// expiryNotice is how long, as a multiple of the session's TTL, the store remembers that an
// expired session had a flow in progress, so the clinic can be told why it starts afresh.
// Only that fact is kept, never the answers.
const expiryNotice = 2

// DeadLetter is a notice that could not be delivered.
type DeadLetter struct {
	Notice bot.Notice
	Reason string
	Time   time.Time
}

var (
	_ bot.Store   = (*Memory)(nil)
	_ bot.HotPath = (*Memory)(nil)
	_ bot.Outbox  = (*Memory)(nil)
)

// Memory is a store in the process's memory. It is a real store, safe for concurrent use,
// with the same semantics as Redis: versions, TTLs, dedupe, an outbox with leases. It is
// lost when the process ends.
type Memory struct {
	now func() time.Time

	mu       sync.Mutex
	inboxes  map[string]*memInbox
	sessions map[string]memSession
	events   map[string]time.Time // conv + "\x00" + event id → expiry
	seq      map[string]int64
	// floorReceipts: see FloorReceipts.
	floorReceipts bool
	outbox        []*memEntry
	nextID        int64
	dead          []DeadLetter
	reports       map[string][]byte
	writes        int
	desk          *memDesk
}

// memInbox is one conversation's queue of events and its lease.
type memInbox struct {
	seq    int64
	queue  []bot.Queued
	holder string
	until  time.Time
}

type memSession struct {
	data    []byte
	version int64
	expires time.Time
	// notice is until when an expired session is reported as Expired.
	notice time.Time
}

type memEntry struct {
	handle  string
	notice  []byte
	attempt int
	queued  time.Time
	due     time.Time
	leased  time.Time // zero or until when a consumer holds it
}

// NewMemory returns an empty store; now is its clock (nil means time.Now), which tests set
// to make sessions expire without waiting.
func NewMemory(now func() time.Time) *Memory {
	if now == nil {
		now = time.Now
	}
	return &Memory{
		now:      now,
		inboxes:  make(map[string]*memInbox),
		sessions: make(map[string]memSession),
		events:   make(map[string]time.Time),
		seq:      make(map[string]int64),
		reports:  make(map[string][]byte),
		desk:     newMemDesk(),
	}
}

// Ping reports whether the store is reachable; memory always is.
func (m *Memory) Ping(context.Context) error { return nil }

func (m *Memory) inbox(conv string) *memInbox {
	in := m.inboxes[conv]
	if in == nil {
		in = &memInbox{}
		m.inboxes[conv] = in
	}
	return in
}

// Enqueue implements bot.Store.
func (m *Memory) Enqueue(_ context.Context, ev bot.Event) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.enqueue(ev).seq, nil
}

// enqueue appends ev to its conversation's inbox, whose state it returns; the caller
// holds m.mu.
func (m *Memory) enqueue(ev bot.Event) *memInbox {
	in := m.inbox(ev.Conversation)
	in.seq++
	in.queue = append(in.queue, bot.Queued{Event: ev, Seq: in.seq})
	return in
}

// take gives in's lease to holder if it is free, has run out or is theirs; the caller
// holds m.mu.
func (in *memInbox) take(holder string, ttl time.Duration, now time.Time) bool {
	if in.holder != "" && in.holder != holder && now.Before(in.until) {
		return false
	}
	in.holder, in.until = holder, now.Add(ttl)
	return true
}

// Begin implements bot.HotPath: Enqueue, Lease and, when ev is alone in the inbox, Load,
// in one step.
func (m *Memory) Begin(_ context.Context, ev bot.Event, holder string, leaseTTL time.Duration) (bot.Begun, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	in := m.enqueue(ev)
	b := bot.Begun{Seq: in.seq, Leased: in.take(holder, leaseTTL, now)}
	if b.Leased && len(in.queue) == 1 {
		l, err := m.load(ev.Conversation, ev.ID, now)
		if err != nil {
			return bot.Begun{}, err
		}
		b.Loaded = &l
	}
	return b, nil
}

// CommitNext implements bot.HotPath: Commit, then the lease given up when the inbox is
// empty or the event now heading it, in one step.
func (m *Memory) CommitNext(_ context.Context, c bot.Commit) (bot.Queued, bool, error) {
	if c.Holder == "" {
		return bot.Queued{}, false, errors.New("commit next: no lease holder")
	}
	data, notices, err := encodeCommit(c)
	if err != nil {
		return bot.Queued{}, false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.commit(c, data, notices, m.now()); err != nil {
		return bot.Queued{}, false, err
	}
	in := m.inboxes[c.Session.Conversation]
	if len(in.queue) == 0 {
		in.holder, in.until = "", time.Time{}
		return bot.Queued{}, false, nil
	}
	return in.queue[0], true, nil
}

// Head implements bot.Store.
func (m *Memory) Head(_ context.Context, conv string) (bot.Queued, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if in := m.inboxes[conv]; in != nil && len(in.queue) > 0 {
		return in.queue[0], true, nil
	}
	return bot.Queued{}, false, nil
}

// Waiting implements bot.Store.
func (m *Memory) Waiting(_ context.Context, max int) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for conv, in := range m.inboxes {
		if len(out) == max {
			break
		}
		if len(in.queue) > 0 {
			out = append(out, conv)
		}
	}
	slices.Sort(out)
	return out, nil
}

// Lease implements bot.Store.
func (m *Memory) Lease(_ context.Context, conv, holder string, ttl time.Duration) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.inbox(conv).take(holder, ttl, m.now()), nil
}

// Unlease implements bot.Store.
func (m *Memory) Unlease(_ context.Context, conv, holder string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if in := m.inboxes[conv]; in != nil && in.holder == holder {
		in.holder, in.until = "", time.Time{}
	}
	return nil
}

// holds reports whether holder has conv's lease now; the caller holds m.mu.
func (m *Memory) holds(conv, holder string, now time.Time) bool {
	in := m.inboxes[conv]
	return in != nil && in.holder == holder && now.Before(in.until)
}

// Skip implements bot.Store.
func (m *Memory) Skip(_ context.Context, conv, holder string, seq int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.holds(conv, holder, m.now()) {
		return bot.ErrConflict
	}
	in := m.inboxes[conv]
	if len(in.queue) > 0 && in.queue[0].Seq == seq {
		in.queue = in.queue[1:]
	}
	return nil
}

// Load implements bot.Store.
func (m *Memory) Load(_ context.Context, conv, eventID string) (bot.Loaded, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.load(conv, eventID, m.now())
}

// load is Load at now; the caller holds m.mu.
func (m *Memory) load(conv, eventID string, now time.Time) (bot.Loaded, error) {
	l := bot.Loaded{Session: &bot.Session{Conversation: conv}}
	if eventID != "" {
		if exp, ok := m.events[conv+"\x00"+eventID]; ok && now.Before(exp) {
			l.Seen = true
		}
	}
	ms, ok := m.sessions[conv]
	switch {
	case !ok:
	case now.Before(ms.expires):
		if err := json.Unmarshal(ms.data, l.Session); err != nil {
			return bot.Loaded{}, fmt.Errorf("decode session: %w", err)
		}
		l.Session.Conversation, l.Session.Version = conv, ms.version
	case now.Before(ms.notice):
		l.Expired = true
	default:
		delete(m.sessions, conv)
	}
	return l, nil
}

// Commit implements bot.Store.
func (m *Memory) Commit(_ context.Context, c bot.Commit) error {
	data, notices, err := encodeCommit(c)
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.commit(c, data, notices, m.now())
}

// encodeCommit encodes c's session (nil when c deletes it) and notices.
func encodeCommit(c bot.Commit) (data []byte, notices [][]byte, err error) {
	if !c.Delete {
		if data, err = json.Marshal(c.Session); err != nil {
			return nil, nil, fmt.Errorf("encode session: %w", err)
		}
	}
	notices = make([][]byte, len(c.Notices))
	for i, n := range c.Notices {
		if notices[i], err = json.Marshal(n); err != nil {
			return nil, nil, fmt.Errorf("encode notice: %w", err)
		}
	}
	return data, notices, nil
}

// commit is Commit at now, with c encoded; the caller holds m.mu.
func (m *Memory) commit(c bot.Commit, data []byte, notices [][]byte, now time.Time) error {
	s := c.Session
	var version int64
	if ms, ok := m.sessions[s.Conversation]; ok && now.Before(ms.expires) {
		version = ms.version
	}
	if version != s.Version {
		return bot.ErrConflict
	}
	if c.Holder != "" && !m.holds(s.Conversation, c.Holder, now) {
		return bot.ErrConflict
	}
	if c.Seq != 0 {
		in := m.inboxes[s.Conversation]
		if in == nil || len(in.queue) == 0 || in.queue[0].Seq != c.Seq {
			return bot.ErrConflict
		}
		in.queue = in.queue[1:]
	}
	if c.Holder != "" {
		m.inboxes[s.Conversation].until = now.Add(c.LeaseTTL)
	}
	if c.Delete {
		delete(m.sessions, s.Conversation)
	} else {
		m.sessions[s.Conversation] = memSession{
			data:    data,
			version: version + 1,
			expires: now.Add(c.TTL),
			notice:  now.Add(expiryNotice * c.TTL),
		}
	}
	if c.EventID != "" {
		m.events[s.Conversation+"\x00"+c.EventID] = now.Add(DedupeTTL)
	}
	for i, n := range c.Notices {
		m.nextID++
		m.push(notices[i], now)
		if n.Report != nil {
			b, _ := json.Marshal(n.Report) // a Report always encodes: it encoded above
			m.reports[n.Report.ID] = b
		}
	}
	if m.writes++; m.writes%1024 == 0 {
		m.sweep(now)
	}
	return nil
}

// sweep drops expired entries, so a long-running process does not grow without bound.
func (m *Memory) sweep(now time.Time) {
	for k, exp := range m.events {
		if !now.Before(exp) {
			delete(m.events, k)
		}
	}
	for k, ms := range m.sessions {
		if !now.Before(ms.notice) {
			delete(m.sessions, k)
		}
	}
	// An idle inbox goes too; its sequence restarts, which is safe once nothing is queued.
	for k, in := range m.inboxes {
		if len(in.queue) == 0 && !now.Before(in.until) {
			delete(m.inboxes, k)
		}
	}
}

// NextReceipt implements bot.Store. After FloorReceipts, numbers are at least
// ReceiptFloor of the store's clock.
func (m *Memory) NextReceipt(_ context.Context, day string) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.seq[day]++
	if m.floorReceipts {
		m.seq[day] = max(m.seq[day], ReceiptFloor(day, m.now())+1)
	}
	return m.seq[day], nil
}

// FloorReceipts makes receipt numbers at least ReceiptFloor of the store's clock, as
// store.Redis does, so a process that restarts with an empty memory store does not give
// the numbers of its earlier run again. Call it before use. (Off by default, so numbers
// in rehearsals and tests count from 1.)
func (m *Memory) FloorReceipts() { m.floorReceipts = true }

// Claim implements bot.Outbox.
func (m *Memory) Claim(_ context.Context, _ string, max int, lease time.Duration) ([]bot.Delivery, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	var out []bot.Delivery
	for _, e := range m.outbox {
		if len(out) == max {
			break
		}
		if now.Before(e.due) || now.Before(e.leased) {
			continue
		}
		var n bot.Notice
		if err := json.Unmarshal(e.notice, &n); err != nil {
			return out, fmt.Errorf("decode notice: %w", err)
		}
		e.attempt++
		e.leased = now.Add(lease)
		out = append(out, bot.Delivery{Notice: n, Attempt: e.attempt, Queued: e.queued, Handle: e.handle})
	}
	return out, nil
}

// Ack implements bot.Outbox.
func (m *Memory) Ack(_ context.Context, d bot.Delivery) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.remove(d.Handle)
	return nil
}

// Retry implements bot.Outbox.
func (m *Memory) Retry(_ context.Context, d bot.Delivery, due time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if i := m.find(d.Handle); i >= 0 {
		e := m.outbox[i]
		e.due, e.leased, e.attempt = due, time.Time{}, max(d.Attempt, 0)
	}
	return nil
}

// Park implements bot.Outbox.
func (m *Memory) Park(_ context.Context, d bot.Delivery, reason string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.remove(d.Handle) {
		m.dead = append(m.dead, DeadLetter{Notice: d.Notice, Reason: reason, Time: m.now()})
	}
	return nil
}

// push appends an encoded notice to the outbox; m.mu is held.
func (m *Memory) push(notice []byte, now time.Time) {
	m.nextID++
	m.outbox = append(m.outbox, &memEntry{handle: strconv.FormatInt(m.nextID, 10), notice: notice, queued: now, due: now})
}

// AddNotices puts notices in the outbox outside a Commit (what the channels must still
// deliver: a LINE push, a note for the desk). A notice whose id is in the outbox already
// is left out, so adding again after an error doubles nothing.
func (m *Memory) AddNotices(_ context.Context, ns ...bot.Notice) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, n := range ns {
		if n.ID != "" && slices.ContainsFunc(m.outbox, func(e *memEntry) bool { return noticeID(e.notice) == n.ID }) {
			continue
		}
		b, err := json.Marshal(n)
		if err != nil {
			return fmt.Errorf("encode notice: %w", err)
		}
		m.push(b, m.now())
	}
	return nil
}

func noticeID(b []byte) string {
	var n struct{ ID string }
	json.Unmarshal(b, &n)
	return n.ID
}

// Redrive puts the parked notices with notice id id (every one for "") back in the
// outbox, as new: first attempt, queued now. It returns how many it moved; a second call
// finds them gone and moves nothing.
func (m *Memory) Redrive(_ context.Context, id string) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	moved := 0
	m.dead = slices.DeleteFunc(m.dead, func(dl DeadLetter) bool {
		if id != "" && dl.Notice.ID != id {
			return false
		}
		b, _ := json.Marshal(dl.Notice) // a notice decoded from JSON encodes again
		m.push(b, m.now())
		moved++
		return true
	})
	return moved, nil
}

func (m *Memory) find(handle string) int {
	return slices.IndexFunc(m.outbox, func(e *memEntry) bool { return e.handle == handle })
}

func (m *Memory) remove(handle string) bool {
	i := m.find(handle)
	if i < 0 {
		return false
	}
	m.outbox = slices.Delete(m.outbox, i, i+1)
	return true
}

// DeadLetters returns the parked notices, oldest first.
func (m *Memory) DeadLetters(context.Context) ([]DeadLetter, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.dead), nil
}

// Pending counts the notices waiting in the outbox, claimed or not.
func (m *Memory) Pending(context.Context) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.outbox), nil
}

// Reports returns the archived reports ordered by receipt number.
func (m *Memory) Reports(context.Context) ([]bot.Report, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]bot.Report, 0, len(m.reports))
	for _, b := range m.reports {
		var r bot.Report
		if err := json.Unmarshal(b, &r); err != nil {
			return nil, fmt.Errorf("decode report: %w", err)
		}
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b bot.Report) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}
