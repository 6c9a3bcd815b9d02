package creds

import (
	"sync"
	"time"
)

// limiter is a token bucket on the injected clock: rate tokens per second,
// burst of rate.
type limiter struct {
	mu     sync.Mutex
	now    func() time.Time
	rate   float64
	tokens float64
	last   time.Time
}

func newLimiter(perSecond int, now func() time.Time) *limiter {
	return &limiter{now: now, rate: float64(perSecond), tokens: float64(perSecond), last: now()}
}

// allow takes one token if there is one.
func (l *limiter) allow() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if elapsed := now.Sub(l.last).Seconds(); elapsed > 0 {
		l.tokens = min(l.rate, l.tokens+elapsed*l.rate)
	}
	l.last = now
	if l.tokens < 1 {
		return false
	}
	l.tokens--
	return true
}
