package store

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"time"
)

// FollowOptions tunes Follow. The zero value is the default.
type FollowOptions struct {
	// Logger receives resyncs and failed attempts (default: discard).
	Logger *slog.Logger
	// MinBackoff and MaxBackoff bound the wait after a failure (defaults
	// 50ms and 5s; a MaxBackoff below MinBackoff becomes the larger of 5s
	// and MinBackoff).
	MinBackoff, MaxBackoff time.Duration
}

// followBatch bounds the events Follow hands to onEvents at once.
const followBatch = 1024

// Follow keeps an in-memory copy of the keys under prefix current, for
// every node-local view stsd keeps of the store (the IAM snapshot, the
// session-token keyring, the issuer's signing keys). It is the one
// list/watch/resync loop; each behaviour below is decided here once.
//
//   - Start. The caller has listed prefix itself, at revision after: its
//     first listing has rules of its own (a key the master key cannot
//     open must fail the start, a missing key must be created), and its
//     errors belong to the caller. Follow watches from after.
//   - Order. onEvents receives every change made after the listing's
//     revision, in revision order and without gaps, in batches of the
//     events already waiting (never empty, at most 1024), so that
//     a burst of writes costs one rebuild.
//   - Resync. When the watch cannot start because the backend compacted
//     the revision it needs (ErrCompacted), or its channel closes (a lost
//     stream, a watcher too slow for the retained history), Follow lists
//     prefix again, hands the whole listing and its revision to onList,
//     and watches from that revision, as the Store contract asks. onList
//     replaces everything the caller holds under prefix: a key missing
//     from the listing was deleted meanwhile.
//   - Backoff. A failed List or Watch, and a stream that closed before
//     delivering any event (a backend that drops every stream must not be
//     hammered), count as failures; before the next attempt Follow waits
//     MinBackoff doubled for each consecutive failure, at most MaxBackoff,
//     with jitter (a random wait in the upper half of the step, so nodes
//     that lost the same backend do not retry in step). A stream that
//     delivered an event resets the count. A compaction is not a failure:
//     Follow lists again at once.
//   - Stop. Follow returns when ctx ends (ctx.Err()) or when the store is
//     closed (the List or Watch error, which wraps ErrClosed): a closed
//     store never answers again, so retrying it would only spin. It never
//     returns otherwise; every other error is logged and retried after
//     its backoff.
//
// These choices are the safest of the loops this one replaced: the
// keyring's and the issuer's retried a closed store until their own Close,
// reset their wait whenever a Watch call succeeded (so a stream that closed
// at once was retried without any wait), waited 100ms to 30s without
// jitter, and after a failed resync watched again from the old revision.
//
// onList and onEvents run on Follow's goroutine, one call at a time; the
// loop waits for them. onEvents must not keep the slice it is given.
func Follow(ctx context.Context, st Store, prefix string, after int64,
	onList func(kvs []KV, rev int64), onEvents func(evs []Event), opts FollowOptions) error {
	f := newFollower(opts)
	rev, needList, failures := after, false, 0
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		if needList {
			kvs, listRev, err := st.List(ctx, prefix)
			if err != nil {
				if stop := stopError(ctx, err); stop != nil {
					return stop
				}
				f.log.Warn("store follow: listing failed", "prefix", prefix, "error", err)
				failures++
				f.sleep(ctx, failures)
				continue
			}
			onList(kvs, listRev)
			rev, needList = listRev, false
		}
		events, err := st.Watch(ctx, prefix, rev)
		if err != nil {
			if stop := stopError(ctx, err); stop != nil {
				return stop
			}
			if errors.Is(err, ErrCompacted) {
				f.log.Info("store follow: revision compacted, listing again", "prefix", prefix, "revision", rev)
			} else {
				f.log.Warn("store follow: watch failed", "prefix", prefix, "error", err)
				failures++
				f.sleep(ctx, failures)
			}
			needList = true
			continue
		}
		got := consume(ctx, events, onEvents)
		if err := ctx.Err(); err != nil {
			return err
		}
		f.log.Info("store follow: watch closed, listing again", "prefix", prefix)
		if got {
			failures = 0
		} else {
			failures++
			f.sleep(ctx, failures)
		}
		needList = true
	}
}

// stopError is the error Follow returns for err, or nil to retry.
func stopError(ctx context.Context, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	if errors.Is(err, ErrClosed) {
		return err
	}
	return nil
}

// consume hands the stream's events to onEvents in batches until the
// channel closes or ctx ends. It reports whether any event arrived.
func consume(ctx context.Context, events <-chan Event, onEvents func([]Event)) bool {
	got := false
	batch := make([]Event, 0, 16)
	for {
		var ev Event
		var ok bool
		select {
		case ev, ok = <-events:
		case <-ctx.Done():
			return got
		}
		if !ok {
			return got
		}
		got = true
		batch = append(batch[:0], ev)
		closed := false
	drain:
		for len(batch) < followBatch {
			select {
			case ev, ok = <-events:
				if !ok {
					closed = true
					break drain
				}
				batch = append(batch, ev)
			default:
				break drain
			}
		}
		onEvents(batch)
		if closed {
			return got
		}
	}
}

type follower struct {
	log      *slog.Logger
	min, max time.Duration
}

func newFollower(o FollowOptions) follower {
	f := follower{log: o.Logger, min: o.MinBackoff, max: o.MaxBackoff}
	if f.log == nil {
		f.log = slog.New(slog.DiscardHandler)
	}
	if f.min <= 0 {
		f.min = 50 * time.Millisecond
	}
	if f.max < f.min {
		f.max = max(5*time.Second, f.min)
	}
	return f
}

// sleep waits the backoff for the given number of consecutive failures,
// or until ctx ends.
func (f follower) sleep(ctx context.Context, failures int) {
	d := f.min
	for i := 1; i < failures && d < f.max; i++ {
		d *= 2
	}
	d = min(d, f.max)
	d = d/2 + rand.N(d/2+1)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
