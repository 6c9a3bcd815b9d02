package etcd_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/etcdstore"
	"github.com/stsd/stsd/test/etcd/etcdtest"
)

// progress records when calls succeeded, to measure the longest outage a
// caller saw.
type progress struct {
	last, maxGap time.Duration
	start        time.Time
	failures     int
}

func (p *progress) record(err error) {
	now := time.Since(p.start)
	if err != nil {
		p.failures++
		return
	}
	p.maxGap = max(p.maxGap, now-p.last)
	p.last = now
}

type ack struct {
	key string
	rev int64
}

// TestLeaderFailure: in a three-member cluster, killing the leader while a
// node writes and reads keeps both working after a short election, loses
// no acknowledged write (on the survivors and on the old leader once it
// rejoins), and the node's watch delivers every acknowledged write in
// order, without a gap.
func TestLeaderFailure(t *testing.T) {
	t.Parallel()
	const timeout = 2 * time.Second
	c := etcdtest.Start(t, 3)
	s := openStore(t, c, "/leader/", timeout)
	ctx := t.Context()
	_, start, err := s.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	watch, err := s.Watch(ctx, "w/", start)
	if err != nil {
		t.Fatal(err)
	}

	begin := time.Now()
	writes, reads := &progress{start: begin}, &progress{start: begin}
	var acked []ack
	var unacked []string
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			key := fmt.Sprintf("w/%05d", i)
			rev, err := s.Put(ctx, key, []byte(key))
			writes.record(err)
			if err == nil {
				acked = append(acked, ack{key, rev})
				continue
			}
			unacked = append(unacked, key)
			if !errors.Is(err, store.ErrUnavailable) {
				t.Errorf("Put(%s): %v, want nil or store.ErrUnavailable", key, err)
			}
		}
	})
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
			_, _, err := s.List(ctx, "w/")
			reads.record(err)
			if err != nil && !errors.Is(err, store.ErrUnavailable) {
				t.Errorf("List: %v, want nil or store.ErrUnavailable", err)
			}
		}
	})

	time.Sleep(500 * time.Millisecond)
	killed := c.KillLeader()
	killedAt := time.Since(begin)
	leader := c.WaitLeader()
	t.Logf("killed leader m%d at %v; m%d leads after %v", killed, killedAt.Round(time.Millisecond),
		leader, (time.Since(begin) - killedAt).Round(time.Millisecond))
	time.Sleep(2 * time.Second) // the node keeps going under the new leader
	close(stop)
	wg.Wait()

	t.Logf("writes: %d acknowledged, %d failed, longest gap %v; reads: %d failed, longest gap %v",
		len(acked), len(unacked), writes.maxGap.Round(time.Millisecond), reads.failures, reads.maxGap.Round(time.Millisecond))
	for name, p := range map[string]*progress{"writes": writes, "reads": reads} {
		if p.last < killedAt+time.Second {
			t.Errorf("%s: last success at %v, want well after the kill at %v", name, p.last, killedAt)
		}
		if p.maxGap > 3*timeout {
			t.Errorf("%s stalled for %v around the leader change, want < %v", name, p.maxGap, 3*timeout)
		}
	}
	checkAcked(t, "the survivors", s, acked)
	for _, key := range unacked {
		// The outcome of a write cut off by the leader's death is unknown
		// to the writer: etcd may have committed it.
		if kv, err := s.Get(ctx, key); err == nil {
			t.Logf("unacknowledged write %s was applied at revision %d", key, kv.Revision)
		}
	}
	checkWatch(t, watch, acked)

	c.Restart(killed)
	old, err := etcdstore.Open(ctx, etcdstore.Config{Endpoints: []string{c.Endpoint(killed)}, Prefix: "/leader/"})
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	checkAcked(t, "the old leader after it rejoined", old, acked)
}

// checkAcked: every acknowledged write is in the store at its revision.
func checkAcked(t *testing.T, where string, s store.Store, acked []ack) {
	t.Helper()
	kvs, _, err := s.List(t.Context(), "w/")
	if err != nil {
		t.Fatalf("List on %s: %v", where, err)
	}
	have := map[string]int64{}
	for _, kv := range kvs {
		have[kv.Key] = kv.Revision
	}
	for _, a := range acked {
		if have[a.key] != a.rev {
			t.Errorf("%s: acknowledged write %s at revision %d has revision %d (0: lost)", where, a.key, a.rev, have[a.key])
		}
	}
}

// checkWatch: the watch delivers the acknowledged writes in order, with
// at most unacknowledged writes that were applied in between; a closed
// channel (allowed after a lost stream) must come after a gapless prefix.
func checkWatch(t *testing.T, watch <-chan store.Event, acked []ack) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	prev := int64(0)
	for _, a := range acked {
		for {
			var ev store.Event
			var ok bool
			select {
			case ev, ok = <-watch:
			case <-timeout:
				t.Fatalf("watch: no event for acknowledged write %s (rev %d) within 10s", a.key, a.rev)
			}
			if !ok {
				t.Logf("watch closed after revision %d (a lost stream; the caller lists again)", prev)
				return
			}
			if ev.KV.Revision <= prev || ev.KV.Revision > a.rev {
				t.Fatalf("watch: event %s rev %d after rev %d, want the next event at most at %s rev %d (a gap)",
					ev.KV.Key, ev.KV.Revision, prev, a.key, a.rev)
			}
			prev = ev.KV.Revision
			if ev.KV.Revision == a.rev {
				if ev.KV.Key != a.key {
					t.Fatalf("watch: rev %d is %s, want %s", a.rev, ev.KV.Key, a.key)
				}
				break
			}
		}
	}
}
