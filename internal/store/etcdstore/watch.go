package etcdstore

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.etcd.io/etcd/api/v3/mvccpb"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"
	"google.golang.org/grpc"
	"google.golang.org/grpc/connectivity"

	"github.com/stsd/stsd/internal/store"
)

// A watcher that falls this far behind (events received from etcd but not
// yet read from its channel) has its channel closed, like a watcher that
// outruns the memory and bbolt stores' history.
const (
	MaxPendingEvents = 10000
	MaxPendingBytes  = 64 << 20
)

// Watch streams every change under prefix after revision after. If etcd
// has compacted the revision after+1, Watch returns store.ErrCompacted
// (checked up front with a read at that revision; a compaction that races
// the watch closes the channel instead).
func (s *Store) Watch(ctx context.Context, prefix string, after int64) (<-chan store.Event, error) {
	c, cancel, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	start := max(after, 0) + 1
	_, err = s.cli.Get(c, s.prefix+prefix, clientv3.WithRev(start), clientv3.WithCountOnly())
	cancel()
	switch {
	case errors.Is(err, rpctypes.ErrCompacted):
		return nil, fmt.Errorf("etcdstore: watch %q from revision %d: %w", prefix, after, store.ErrCompacted)
	case err != nil && !errors.Is(err, rpctypes.ErrFutureRev): // a future revision is the usual case
		return nil, s.fail(ctx, fmt.Sprintf("watch %q", prefix), err)
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, store.ErrClosed
	}
	s.watches.Add(1)
	s.mu.Unlock()

	// WithRequireLeader: a member that loses its leader cancels the watch
	// rather than serving a stream that no longer sees the cluster's writes.
	wctx, wcancel := context.WithCancel(clientv3.WithRequireLeader(ctx))
	stopOnClose := context.AfterFunc(s.stopCtx, wcancel)
	wch := s.cli.Watch(wctx, s.prefix+prefix, clientv3.WithPrefix(), clientv3.WithRev(start))
	out := make(chan store.Event)
	lost := s.health.lost()
	go func() {
		defer s.watches.Done()
		defer close(out)
		defer stopOnClose()
		defer wcancel()
		s.forward(wctx, wch, out, lost)
	}()
	return out, nil
}

// forward copies events from etcd to out through a bounded queue, so that
// a slow reader never blocks etcd's stream and never grows memory without
// bound. It returns (and the caller closes out) when ctx ends, etcd ends
// the watch (compaction, no leader, client closed), the connection is
// lost, or the reader falls too far behind.
func (s *Store) forward(ctx context.Context, wch clientv3.WatchChan, out chan<- store.Event, lost <-chan struct{}) {
	var queue []store.Event
	queued := 0
	for {
		var send chan<- store.Event
		var next store.Event
		if len(queue) > 0 {
			send, next = out, queue[0]
		}
		select {
		case resp, ok := <-wch:
			if !ok || resp.Err() != nil {
				return
			}
			for _, ev := range resp.Events {
				e := s.event(ev)
				queue = append(queue, e)
				queued += len(e.KV.Key) + len(e.KV.Value)
			}
			if len(queue) > MaxPendingEvents || queued > MaxPendingBytes {
				return
			}
		case send <- next:
			queued -= len(next.KV.Key) + len(next.KV.Value)
			queue[0] = store.Event{}
			queue = queue[1:]
		case <-ctx.Done():
			return
		case <-lost:
			return
		}
	}
}

func (s *Store) event(ev *clientv3.Event) store.Event {
	if ev.Type == mvccpb.DELETE {
		// A delete event's ModRevision is the revision of the delete.
		return store.Event{Type: store.EventDelete, KV: store.KV{
			Key: string(ev.Kv.Key[len(s.prefix):]), Revision: ev.Kv.ModRevision}}
	}
	return store.Event{Type: store.EventPut, KV: s.kv(ev.Kv)}
}

// health follows the client connection: once no endpoint has been
// reachable for longer than grace, the channel lost returns is closed (and
// every watch holding it ends, so its caller lists again); when the
// connection is ready again, new watches get a fresh channel.
type health struct {
	conn *grpc.ClientConn
	mu   sync.Mutex
	ch   chan struct{}
	down bool
}

func watchHealth(ctx context.Context, conn *grpc.ClientConn, grace time.Duration) *health {
	h := &health{conn: conn, ch: make(chan struct{})}
	go h.run(ctx, grace)
	return h
}

// lost returns the channel that closes when the connection is lost.
func (h *health) lost() <-chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.down && h.conn.GetState() == connectivity.Ready {
		h.ch, h.down = make(chan struct{}), false
	}
	return h.ch
}

func (h *health) run(ctx context.Context, grace time.Duration) {
	var downSince time.Time
	for ctx.Err() == nil {
		state := h.conn.GetState()
		wait := time.Hour
		switch {
		case state == connectivity.Ready:
			downSince = time.Time{}
			h.lost() // renews the channel if it was closed
		case downSince.IsZero():
			downSince = time.Now()
			wait = grace
		case time.Since(downSince) >= grace:
			h.setDown()
		default:
			wait = grace - time.Since(downSince)
		}
		wctx, cancel := context.WithTimeout(ctx, wait)
		h.conn.WaitForStateChange(wctx, state)
		cancel()
	}
}

func (h *health) setDown() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.down {
		h.down = true
		close(h.ch)
	}
}
