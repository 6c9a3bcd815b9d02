// Package eventlog is the bounded, in-process event history and watcher
// fan-out shared by the memory and bbolt backends of package store.
//
// A Log keeps the most recent events (bounded by count and by bytes) in a
// ring. Writers append under their own write lock, in revision order, and
// never block: Append only stores the event and wakes waiting watchers.
// Each watch is one goroutine that reads the ring from its own cursor and
// sends to an unbuffered channel, so the ring itself is the watcher's buffer.
//
// A watcher that falls so far behind that the events it has not yet read
// were evicted has lost the stream: its channel is closed, and a new Watch
// from its last revision returns store.ErrCompacted, so the caller lists
// again and watches from the listing's revision.
package eventlog

import (
	"context"
	"sort"
	"strings"
	"sync"

	"github.com/stsd/stsd/internal/store"
)

// Default limits of the retained history.
const (
	DefaultMaxEvents = 10000
	DefaultMaxBytes  = 64 << 20
)

// eventOverhead approximates the bytes an event costs beyond its key and value.
const eventOverhead = 64

// deliveryBatch is how many events a watcher copies out of the ring per lock.
const deliveryBatch = 64

// Limits bounds the retained history. Zero or negative fields take the defaults.
type Limits struct {
	MaxEvents int   // events retained at most
	MaxBytes  int64 // approximate bytes (keys + values) retained at most
}

func (l Limits) withDefaults() Limits {
	if l.MaxEvents <= 0 {
		l.MaxEvents = DefaultMaxEvents
	}
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	return l
}

// Log is the event history of one store. Its zero value is not usable; call New.
type Log struct {
	limits Limits

	mu      sync.Mutex
	ring    []store.Event // len limits.MaxEvents, oldest at head
	head    int
	count   int
	bytes   int64
	base    int64 // every event with revision > base is retained
	last    int64 // revision of the newest event, or base
	changed chan struct{}
	armed   bool // a watcher waits on changed
	closed  bool
	done    chan struct{}
}

// New returns an empty log whose history starts after revision base: a
// watch from an older revision gets store.ErrCompacted.
func New(base int64, limits Limits) *Log {
	limits = limits.withDefaults()
	return &Log{
		limits:  limits,
		ring:    make([]store.Event, limits.MaxEvents),
		base:    base,
		last:    base,
		changed: make(chan struct{}),
		done:    make(chan struct{}),
	}
}

// Append records ev. Revisions must increase from call to call; the caller
// serialises Append with its writes. The log keeps ev.KV.Value as is (the
// caller must not modify it afterwards); watchers receive copies.
func (l *Log) Append(ev store.Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed || ev.KV.Revision <= l.last {
		return
	}
	l.push(ev)
	l.last = ev.KV.Revision
	for l.count > 1 && (l.count > l.limits.MaxEvents || l.bytes > l.limits.MaxBytes) {
		l.evictOldest()
	}
	if l.armed {
		close(l.changed)
		l.changed = make(chan struct{})
		l.armed = false
	}
}

// Compact forgets every event with revision <= rev (at most the newest).
// Watchers that have not read them yet lose their stream.
func (l *Log) Compact(rev int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	rev = min(rev, l.last)
	for l.count > 0 && l.at(0).KV.Revision <= rev {
		l.evictOldest()
	}
	l.base = max(l.base, rev)
	if l.armed {
		close(l.changed)
		l.changed = make(chan struct{})
		l.armed = false
	}
}

// Oldest returns the revision after which history is complete: a watch
// from any revision >= Oldest() succeeds.
func (l *Log) Oldest() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.base
}

// Close ends every watch and makes further watches fail with store.ErrClosed.
func (l *Log) Close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return
	}
	l.closed = true
	close(l.done)
	l.ring, l.count, l.bytes = nil, 0, 0
}

// Watch streams every retained and future event with revision > after whose
// key has the prefix, in revision order. The channel is closed when ctx
// ends, when the log is closed, or when the watcher falls behind the
// retained history.
func (l *Log) Watch(ctx context.Context, prefix string, after int64) (<-chan store.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	l.mu.Lock()
	closed, base := l.closed, l.base
	l.mu.Unlock()
	if closed {
		return nil, store.ErrClosed
	}
	if after < base {
		return nil, store.ErrCompacted
	}
	out := make(chan store.Event)
	go l.serve(ctx, prefix, after, out)
	return out, nil
}

// serve is the goroutine behind one watch.
func (l *Log) serve(ctx context.Context, prefix string, cursor int64, out chan<- store.Event) {
	defer close(out)
	batch := make([]store.Event, 0, deliveryBatch)
	for {
		var wait <-chan struct{}
		var ok bool
		batch, wait, ok = l.since(cursor, batch[:0])
		if !ok {
			return
		}
		for _, ev := range batch {
			cursor = ev.KV.Revision
			if !strings.HasPrefix(ev.KV.Key, prefix) {
				continue
			}
			ev.KV.Value = cloneValue(ev.KV.Value)
			select {
			case out <- ev:
			case <-ctx.Done():
				return
			case <-l.done:
				return
			}
		}
		if wait == nil {
			continue
		}
		select {
		case <-wait:
		case <-ctx.Done():
			return
		case <-l.done:
			return
		}
	}
}

// since copies up to a batch of events with revision > cursor into dst.
// When there are none it returns a channel closed on the next change. ok is
// false when the log is closed or the events after cursor were evicted.
func (l *Log) since(cursor int64, dst []store.Event) (events []store.Event, wait <-chan struct{}, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed || cursor < l.base {
		return dst, nil, false
	}
	first := sort.Search(l.count, func(i int) bool { return l.at(i).KV.Revision > cursor })
	for i := first; i < l.count && len(dst) < cap(dst); i++ {
		dst = append(dst, l.at(i))
	}
	if len(dst) == 0 {
		l.armed = true
		return dst, l.changed, true
	}
	return dst, nil, true
}

func (l *Log) at(i int) store.Event {
	return l.ring[(l.head+i)%l.limits.MaxEvents]
}

func (l *Log) push(ev store.Event) {
	if l.count == l.limits.MaxEvents {
		l.evictOldest()
	}
	l.ring[(l.head+l.count)%l.limits.MaxEvents] = ev
	l.count++
	l.bytes += eventSize(ev)
}

func (l *Log) evictOldest() {
	idx := l.head % l.limits.MaxEvents
	ev := l.ring[idx]
	l.ring[idx] = store.Event{}
	l.head = (l.head + 1) % l.limits.MaxEvents
	l.count--
	l.bytes -= eventSize(ev)
	l.base = max(l.base, ev.KV.Revision)
}

func eventSize(ev store.Event) int64 {
	return int64(len(ev.KV.Key) + len(ev.KV.Value) + eventOverhead)
}

func cloneValue(v []byte) []byte {
	if v == nil {
		return nil
	}
	return append(make([]byte, 0, len(v)), v...)
}
