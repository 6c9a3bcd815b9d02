package etcd_test

import (
	"testing"
	"time"

	"github.com/stsd/stsd/internal/store/etcdstore"
	"github.com/stsd/stsd/test/etcd/etcdtest"
)

// TestTLS: with a CA file and a client certificate the store works
// against an etcd that requires client certificates; without the client
// certificate Open fails within the dial timeout.
func TestTLS(t *testing.T) {
	t.Parallel()
	c := etcdtest.Start(t, 1, etcdtest.WithTLS())
	f := c.ClientTLS()
	ctx := t.Context()
	s, err := etcdstore.Open(ctx, etcdstore.Config{
		Endpoints: c.Endpoints(), CAFile: f.CAFile, CertFile: f.CertFile, KeyFile: f.KeyFile,
	})
	if err != nil {
		t.Fatalf("Open over TLS: %v", err)
	}
	defer s.Close()
	ch, err := s.Watch(ctx, "k", 0)
	if err != nil {
		t.Fatal(err)
	}
	rev, err := s.Put(ctx, "k", []byte("v"))
	if err != nil {
		t.Fatalf("Put over TLS: %v", err)
	}
	select {
	case ev := <-ch:
		if ev.KV.Key != "k" || ev.KV.Revision != rev {
			t.Fatalf("watch event %+v, want k at %d", ev.KV, rev)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no watch event over TLS")
	}

	start := time.Now()
	_, err = etcdstore.Open(ctx, etcdstore.Config{Endpoints: c.Endpoints(), CAFile: f.CAFile, DialTimeout: time.Second})
	if err == nil {
		t.Fatal("Open without a client certificate succeeded")
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("Open without a client certificate took %v", took)
	}
	t.Logf("without a client certificate: %v", err)
}
