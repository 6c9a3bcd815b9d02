package audit

import (
	"io"
	"sync/atomic"

	"github.com/stsd/stsd/internal/awserr"
)

// Stats are a Logger's counters since it started.
type Stats struct {
	EventsWritten uint64 // events handed to the output by a successful write
	BytesWritten  uint64 // bytes of those writes
	WriteFailures uint64 // writes the output refused
	EventsLost    uint64 // events those writes held, plus events that could not be encoded
	Writable      bool   // the last write succeeded (or none failed yet)
}

type counters struct {
	written, bytes, failures, lost atomic.Uint64
}

// Stats returns the counters (for metrics).
func (l *Logger) Stats() Stats {
	return Stats{
		EventsWritten: l.stats.written.Load(),
		BytesWritten:  l.stats.bytes.Load(),
		WriteFailures: l.stats.failures.Load(),
		EventsLost:    l.stats.lost.Load(),
		Writable:      l.failure.Load() == nil,
	}
}

// Check tells a dispatcher whether it may act on a request. A fail-closed
// Logger whose last write failed returns a 503 ServiceUnavailable error
// (reason "audit_write_failed", the write error as its internal cause);
// otherwise, and always for a fail-open or nil Logger, nil. It is one
// atomic load.
func (l *Logger) Check() error {
	if l == nil || !l.opts.FailClosed {
		return nil
	}
	if e := l.failure.Load(); e != nil {
		return e
	}
	return nil
}

// write encodes batch as JSON lines and writes them in chunks of whole
// lines, at most about chunkSize bytes each.
func (l *Logger) write(w io.Writer, batch []*Event) {
	n := 0 // events in buf
	for _, e := range batch {
		if l.buf.Len() == 0 && l.torn {
			l.buf.WriteByte('\n') // end the partial line a failed write left
		}
		e.UserAgent = truncateUTF8(e.UserAgent, MaxUserAgentBytes)
		if err := l.enc.Encode(e); err != nil { // writes nothing to buf
			l.stats.lost.Add(1)
			l.logFailure("audit event not encodable", err, 1)
			continue
		}
		n++
		if l.buf.Len() >= chunkSize {
			l.flush(w, n)
			n = 0
		}
	}
	if n > 0 {
		l.flush(w, n)
	}
	l.buf.Reset()
}

// flush writes buf, which holds events whole lines, and accounts for it.
func (l *Logger) flush(w io.Writer, events int) {
	p := l.buf.Bytes()
	wrote, err := w.Write(p)
	l.buf.Reset()
	if err == nil {
		l.torn = false
		l.stats.written.Add(uint64(events))
		l.stats.bytes.Add(uint64(len(p)))
		if l.failure.Swap(nil) != nil && l.logged && l.opts.Logger != nil {
			l.opts.Logger.Warn("audit log writable again", "events_lost", l.unlogged)
			l.logged, l.unlogged = false, 0
		}
		return
	}
	if wrote > 0 {
		l.torn = p[min(wrote, len(p))-1] != '\n'
	}
	l.lastErr = err
	l.stats.failures.Add(1)
	l.stats.lost.Add(uint64(events))
	l.failure.Store(awserr.ServiceUnavailable(err).WithReason("audit_write_failed", err))
	l.logFailure("audit log write failed", err, uint64(events))
}

// logFailure logs a lost event or write, at most once every logEvery; the
// counts of the lines not logged go into the next one.
func (l *Logger) logFailure(msg string, err error, lost uint64) {
	l.unlogged += lost
	now := l.opts.Now()
	if l.opts.Logger == nil || (!l.lastLog.IsZero() && now.Sub(l.lastLog) < logEvery) {
		return
	}
	l.opts.Logger.Error(msg, "error", err, "events_lost", l.unlogged, "fail_closed", l.opts.FailClosed,
		"write_failures_total", l.stats.failures.Load())
	l.lastLog, l.unlogged, l.logged = now, 0, true
}
