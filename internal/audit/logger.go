package audit

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/stsd/stsd/internal/awserr"
)

// Logger writes events as JSON lines. Record appends to an in-memory batch
// under a mutex (no syscall, no goroutine wake-up per event); a writer
// goroutine drains the batch every flushInterval, or as soon as it holds
// flushBatch events, and encodes it. When queueLength events wait, Record
// blocks until the writer catches up: Record never drops an event (a write
// that fails does, see the package comment).
type Logger struct {
	mu      sync.Mutex
	space   *sync.Cond // signalled when the writer takes a batch
	pending []*Event
	closed  bool
	wake    chan struct{} // capacity 1: a full batch or Close
	done    chan struct{}

	opts    Options
	failure atomic.Pointer[awserr.Error] // non-nil while the last write failed
	stats   counters

	// Owned by the writer goroutine.
	buf      bytes.Buffer
	enc      *json.Encoder // encodes into buf
	torn     bool          // a failed write left a partial line in the output
	lastErr  error         // the last write error, returned by Close
	lastLog  time.Time     // when a failure was last logged
	unlogged uint64        // events lost since the last failure log line
	logged   bool          // a failure of the current episode was logged
}

// Options configure a Logger.
type Options struct {
	// Logger receives write failures (at most one line a minute) and the
	// recovery after a logged failure; nil logs nothing. The lines carry
	// the writer's error and counts, never an event.
	Logger *slog.Logger
	// FailClosed makes Check refuse requests while the output cannot be
	// written; by default Check always allows them.
	FailClosed bool
	// Now is the clock of the once-a-minute log limit (default time.Now).
	Now func() time.Time
	// Observe, when set, receives every batch of events after it was
	// handed to the writer (the console's live activity). It runs on the
	// writer goroutine, must be cheap, must not modify the events and must
	// not keep the slice (it is reused); keeping the events is fine.
	Observe func([]*Event)
}

const (
	queueLength   = 4096
	flushBatch    = 256
	flushInterval = 20 * time.Millisecond
	// chunkSize is how many bytes of whole lines the writer gathers before
	// one Write; lumberjack refuses a write larger than its maximum file
	// size (at least 1 MiB), so a whole batch must not go in one Write.
	chunkSize = 64 << 10
	// logEvery is the least time between two failure log lines.
	logEvery = time.Minute
)

// New starts the writer goroutine on w.
func New(w io.Writer, o Options) *Logger {
	if o.Now == nil {
		o.Now = time.Now
	}
	l := &Logger{wake: make(chan struct{}, 1), done: make(chan struct{}), opts: o}
	l.space = sync.NewCond(&l.mu)
	l.enc = json.NewEncoder(&l.buf) // one event per line
	go l.run(w)
	return l
}

// NewLogger starts a fail-open Logger on w; logger receives write failures.
func NewLogger(w io.Writer, logger *slog.Logger) *Logger {
	return New(w, Options{Logger: logger})
}

// Discard returns a Logger that throws events away (tools and benchmarks).
func Discard() *Logger { return New(io.Discard, Options{}) }

func (l *Logger) run(w io.Writer) {
	defer close(l.done)
	ticker := time.NewTicker(flushInterval)
	defer ticker.Stop()
	var batch []*Event
	for {
		select {
		case <-ticker.C:
		case <-l.wake:
		}
		l.mu.Lock()
		batch, l.pending = l.pending, batch[:0]
		closed := l.closed
		l.space.Broadcast()
		l.mu.Unlock()
		l.write(w, batch)
		if l.opts.Observe != nil && len(batch) > 0 {
			l.opts.Observe(batch)
		}
		clear(batch) // let the events be collected
		if closed {
			return
		}
	}
}

func (l *Logger) signal() {
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// ErrClosed is returned by Record after Close.
var ErrClosed = errors.New("audit: logger closed")

// Record queues one event for the writer. It fails only after Close; a
// failing output is reported by Check and Stats, not here.
func (l *Logger) Record(e *Event) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	for len(l.pending) >= queueLength && !l.closed {
		l.space.Wait()
	}
	if l.closed {
		return ErrClosed
	}
	l.pending = append(l.pending, e)
	if len(l.pending) == flushBatch {
		l.signal()
	}
	return nil
}

// Close writes every queued event and stops the writer. It returns the
// error of the last write if that write failed (the events it held are
// lost). Close is idempotent.
func (l *Logger) Close() error {
	l.mu.Lock()
	l.closed = true
	l.space.Broadcast()
	l.mu.Unlock()
	l.signal()
	<-l.done
	if l.failure.Load() != nil {
		return l.lastErr
	}
	return nil
}
