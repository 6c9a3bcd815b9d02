package etcd_test

import (
	"fmt"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/stsd/stsd/internal/store/etcdstore"
	"github.com/stsd/stsd/test/etcd/etcdtest"
)

// TestSlowWatcherCutOff: a watcher that does not read while more than
// etcdstore.MaxPendingEvents events arrive gets a gapless prefix of them
// and then a closed channel, instead of growing memory without bound.
func TestSlowWatcherCutOff(t *testing.T) {
	t.Parallel()
	c := etcdtest.Start(t, 1)
	s := openStore(t, c, "/slow/", 5*time.Second)
	ctx := t.Context()
	_, rev, err := s.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	ch, err := s.Watch(ctx, "", rev)
	if err != nil {
		t.Fatal(err)
	}
	// Transactions of 128 puts (etcd's default limit per transaction)
	// produce the events quickly.
	cli := c.Client()
	const perTxn = 128
	total := 0
	for total <= etcdstore.MaxPendingEvents+perTxn {
		ops := make([]clientv3.Op, perTxn)
		for i := range ops {
			ops[i] = clientv3.OpPut(fmt.Sprintf("/slow/k%05d", total+i), "v")
		}
		if _, err := cli.Txn(ctx).Then(ops...).Commit(); err != nil {
			t.Fatal(err)
		}
		total += perTxn
	}
	got := 0
	timeout := time.After(30 * time.Second)
	for {
		select {
		case ev, ok := <-ch:
			if !ok {
				if got >= total {
					t.Fatalf("channel closed after all %d events; want it cut off earlier", got)
				}
				t.Logf("cut off after %d of %d events", got, total)
				return
			}
			if want := fmt.Sprintf("k%05d", got); ev.KV.Key != want {
				t.Fatalf("event %d is %s, want %s (a gap)", got, ev.KV.Key, want)
			}
			got++
		case <-timeout:
			t.Fatalf("channel neither delivered nor closed after %d events", got)
		}
	}
}
