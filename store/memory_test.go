package store_test

import (
	"testing"
	"time"

	"deskbot/bot/bottest"
	"deskbot/store"
	"deskbot/store/storetest"
)

func newMemoryHarness(t *testing.T) storetest.Harness {
	clock := bottest.NewClock(time.Date(2022, 11, 15, 10, 0, 0, 0, time.UTC))
	return storetest.Harness{Store: store.NewMemory(clock.Now), Advance: clock.Advance, Now: clock.Now, TTL: time.Hour}
}

func TestMemory(t *testing.T) { storetest.Run(t, newMemoryHarness) }

func TestMemoryDesk(t *testing.T) { storetest.RunDesk(t, newMemoryHarness) }

func TestMemoryEngine(t *testing.T) { storetest.RunEngine(t, newMemoryHarness) }
