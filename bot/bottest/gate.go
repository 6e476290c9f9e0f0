package bottest

import (
	"context"
	"sync"
)

// Gate holds a call a fake API received until released: the call is recorded, and goes on
// only after Release. It lets a test order racing callers, or end a caller mid-call.
type Gate struct {
	// Arrived is closed when the held call has arrived.
	Arrived chan struct{}
	release chan struct{}
	once    sync.Once
}

func newGate() *Gate { return &Gate{Arrived: make(chan struct{}), release: make(chan struct{})} }

// Release lets the held call go on.
func (g *Gate) Release() { g.once.Do(func() { close(g.release) }) }

// wait marks the call arrived and waits for Release; false when the caller gave up
// first (ctx is the request's: its connection closed).
func (g *Gate) wait(ctx context.Context) bool {
	close(g.Arrived)
	select {
	case <-g.release:
		return true
	case <-ctx.Done():
		return false
	}
}
