// Package testclock is the clock a test hands to a node or a component in
// place of time.Now: it stands still until the test sets or advances it,
// and is safe to read from the component's goroutines while the test moves
// it.
package testclock

import (
	"sync"
	"time"
)

// Clock is a settable clock. The zero Clock reads the zero time.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// New is a clock that reads t.
func New(t time.Time) *Clock { return &Clock{now: t} }

// Now is the clock's time; pass the method value (c.Now) where a
// func() time.Time is wanted.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set makes the clock read t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// Advance moves the clock by d (backwards if d is negative).
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
