package main

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// tally is what the workers count between two samples.
type tally struct {
	mu        sync.Mutex
	latencies []time.Duration
	ok, errs  int64
	firstErr  string
	dropped   atomic.Int64 // ticks the pacer could not hand to a free worker
}

func (t *tally) add(d time.Duration, status int, body []byte, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.latencies = append(t.latencies, d)
	if err == nil && status == http.StatusOK {
		t.ok++
		return
	}
	t.errs++
	if t.firstErr == "" {
		t.firstErr = fmt.Sprintf("status %d, error %v: %.200s", status, err, body)
	}
}

// take returns and resets the counts since the last call.
func (t *tally) take() (lat []time.Duration, ok, errs int64, firstErr string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	lat, ok, errs, firstErr = t.latencies, t.ok, t.errs, t.firstErr
	t.latencies, t.ok, t.errs, t.firstErr = make([]time.Duration, 0, len(lat)), 0, 0, ""
	return
}

// soak offers o.rate requests/s for o.duration, sampling every o.interval.
func soak(ctx context.Context, c *client, o options) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	t := &tally{}
	work := make(chan struct{}, o.conns)
	var wg sync.WaitGroup
	for range o.conns {
		wg.Go(func() {
			for range work {
				start := time.Now()
				status, body, err := c.one(ctx)
				if ctx.Err() != nil { // the run ended under this request
					return
				}
				t.add(time.Since(start), status, body, err)
			}
		})
	}
	paced := make(chan struct{})
	go func() {
		defer close(paced)
		pace(ctx, o.rate, work, &t.dropped)
	}()

	fmt.Printf("soak: %.0f requests/s (half AssumeRoleWithWebIdentity, half GetCallerIdentity) for %s on %d connections; "+
		"warm-up %s, baseline %s, sample every %s\n", o.rate, o.duration, o.conns, o.warmup, o.baseline, o.interval)
	var samples []sample
	tick := time.NewTicker(o.interval)
	defer tick.Stop()
	began := time.Now()
	last := began
	for range max(1, int(o.duration/o.interval)) { // whole intervals only
		select {
		case <-tick.C:
		case <-ctx.Done(): // interrupted
		}
		if ctx.Err() != nil {
			break
		}
		lat, ok, errs, firstErr := t.take()
		now := time.Now()
		s := measure(o, now.Sub(began), now.Sub(last), lat, ok, errs, t.dropped.Swap(0))
		last, s.firstErr = now, firstErr
		samples = append(samples, s)
		fmt.Println(s)
		if firstErr != "" {
			fmt.Println("  first error:", firstErr)
		}
	}
	cancel()
	<-paced // the pacer sends no more
	close(work)
	wg.Wait()
	return judge(o, samples)
}

// pace hands out o.rate ticks a second; a tick no worker is free for is
// counted as dropped (the node is not keeping up with the offered load).
func pace(ctx context.Context, rate float64, work chan<- struct{}, dropped *atomic.Int64) {
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	start := time.Now()
	var sent int64
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-tick.C:
			due := int64(rate * now.Sub(start).Seconds())
			for ; sent < due; sent++ {
				select {
				case work <- struct{}{}:
				default:
					dropped.Add(1)
				}
			}
		}
	}
}

// percentile of sorted latencies (q in 0..1).
func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(q*float64(len(sorted))))]
}

func sortDurations(d []time.Duration) { slices.Sort(d) }
