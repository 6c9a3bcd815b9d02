// Package background runs the goroutines a long-lived component keeps
// beside its callers — following the store, a periodic maintenance round —
// and stops them together. The keyring (internal/creds) and stsd's own
// issuer (internal/issuer) start theirs with Start when they open and stop
// them with Stop in Close; Every is their maintenance loop.
package background

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Loops is a set of goroutines started together that stop together.
type Loops struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup
	once   sync.Once
}

// Start runs each loop on its own goroutine with a context that ends at
// Stop. A loop must return once its context ends.
func Start(loops ...func(ctx context.Context)) *Loops {
	ctx, cancel := context.WithCancel(context.Background())
	l := &Loops{cancel: cancel}
	for _, loop := range loops {
		l.wg.Go(func() { loop(ctx) })
	}
	return l
}

// Stop ends the loops' context and waits until every loop has returned.
// It may be called more than once and from several goroutines: each call
// returns once the loops have returned. A nil *Loops has nothing to stop.
func (l *Loops) Stop() {
	if l == nil {
		return
	}
	l.once.Do(func() {
		l.cancel()
		l.wg.Wait()
	})
}

// Every returns a loop that calls f every interval, the first time one
// interval after it starts, until its context ends. A failed round is
// logged as a warning, msg with the error as "err", and the next round
// comes at the next tick; an error returned because the context ended
// meanwhile (Stop during a round) is not logged.
func Every(interval time.Duration, f func(context.Context) error, log *slog.Logger, msg string) func(context.Context) {
	return func(ctx context.Context) {
		ticker := time.NewTicker(interval)
		defer ticker.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-ticker.C:
				if err := f(ctx); err != nil && ctx.Err() == nil {
					log.Warn(msg, "err", err)
				}
			}
		}
	}
}
