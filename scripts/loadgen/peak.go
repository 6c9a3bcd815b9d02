package main

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// peak runs a closed loop on o.conns workers for o.duration and returns
// the successful requests per second.
func peak(ctx context.Context, c *client, o options) float64 {
	ctx, cancel := context.WithTimeout(ctx, o.duration)
	defer cancel()
	var ok atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range o.conns {
		wg.Go(func() {
			for ctx.Err() == nil {
				if status, _, err := c.one(ctx); err == nil && status == http.StatusOK {
					ok.Add(1)
				}
			}
		})
	}
	wg.Wait()
	return float64(ok.Load()) / time.Since(start).Seconds()
}
