package store_test

import (
	"sync"
	"testing"
	"time"

	"deskbot/store"
	"deskbot/store/storetest"
)

// fakeClock is a clock that moves only when told.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func newMemoryHarness(t *testing.T) storetest.Harness {
	clock := &fakeClock{now: time.Date(2022, 11, 15, 10, 0, 0, 0, time.UTC)}
	return storetest.Harness{Store: store.NewMemory(clock.Now), Advance: clock.Advance, Now: clock.Now, TTL: time.Hour}
}

func TestMemory(t *testing.T) { storetest.Run(t, newMemoryHarness) }

func TestMemoryDesk(t *testing.T) { storetest.RunDesk(t, newMemoryHarness) }
