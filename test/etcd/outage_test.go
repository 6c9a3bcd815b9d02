package etcd_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/secret"
	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/etcdstore"
	"github.com/stsd/stsd/test/etcd/etcdtest"
)

const (
	acct     = "123456789012"
	trustDoc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/idp.example.com"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`
)

// TestUnavailableWhileStopped: with etcd stopped every call fails within
// about the request timeout with store.ErrUnavailable and changes nothing;
// once etcd is back, writes succeed again.
func TestUnavailableWhileStopped(t *testing.T) {
	t.Parallel()
	const timeout = time.Second
	c := etcdtest.Start(t, 1)
	s := openStore(t, c, "/outage/", timeout)
	ctx := t.Context()
	rev, err := s.Put(ctx, "k", []byte("before"))
	if err != nil {
		t.Fatal(err)
	}

	c.Stop(0)
	calls := map[string]func() error{
		"Put":              func() error { _, err := s.Put(ctx, "k", []byte("during")); return err },
		"CAS":              func() error { _, err := s.CompareAndSwap(ctx, "k", rev, []byte("during")); return err },
		"Get":              func() error { _, err := s.Get(ctx, "k"); return err },
		"List":             func() error { _, _, err := s.List(ctx, ""); return err },
		"Delete":           func() error { _, err := s.Delete(ctx, "k"); return err },
		"CompareAndDelete": func() error { _, err := s.CompareAndDelete(ctx, "k", rev); return err },
		"Watch":            func() error { _, err := s.Watch(ctx, "", rev); return err },
	}
	var wg sync.WaitGroup
	for name, call := range calls { // in parallel: each waits for the timeout
		wg.Go(func() {
			start := time.Now()
			err := call()
			took := time.Since(start)
			if !errors.Is(err, store.ErrUnavailable) {
				t.Errorf("%s with etcd stopped: error %v, want store.ErrUnavailable", name, err)
			}
			if took > timeout+time.Second {
				t.Errorf("%s with etcd stopped took %v, want about the request timeout %v", name, took, timeout)
			}
		})
	}
	wg.Wait()

	c.Restart(0)
	deadline := time.Now().Add(15 * time.Second)
	for {
		kv, err := s.Get(ctx, "k")
		if err == nil {
			if string(kv.Value) != "before" || kv.Revision != rev {
				t.Fatalf("after the outage k = %q rev %d, want %q rev %d: a failed write changed it", kv.Value, kv.Revision, "before", rev)
			}
			break
		}
		if !errors.Is(err, store.ErrUnavailable) || time.Now().After(deadline) {
			t.Fatalf("Get after restart: %v", err)
		}
	}
	if _, err := s.CompareAndSwap(ctx, "k", rev, []byte("after")); err != nil {
		t.Fatalf("CompareAndSwap after restart: %v", err)
	}
}

// TestOpenUnreachable: Open fails within the dial timeout with
// store.ErrUnavailable when no endpoint answers.
func TestOpenUnreachable(t *testing.T) {
	t.Parallel()
	c := etcdtest.Start(t, 1)
	c.Stop(0)
	start := time.Now()
	_, err := etcdstore.Open(t.Context(), etcdstore.Config{Endpoints: c.Endpoints(), DialTimeout: time.Second})
	if !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("Open with etcd stopped: %v, want store.ErrUnavailable", err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Fatalf("Open with etcd stopped took %v, want about the 1s dial timeout", took)
	}
}

// TestAuthentication: with etcd authentication on, the right password
// works, and a wrong one fails at Open with an error that shows no
// password.
func TestAuthentication(t *testing.T) {
	t.Parallel()
	c := etcdtest.Start(t, 1)
	cli := c.Client()
	ctx := t.Context()
	const password = "s3cr3t-etcd-password"
	for _, step := range []func() error{
		func() error { _, err := cli.RoleAdd(ctx, "root"); return err },
		func() error { _, err := cli.UserAdd(ctx, "root", password); return err },
		func() error { _, err := cli.UserGrantRole(ctx, "root", "root"); return err },
		func() error { _, err := cli.AuthEnable(ctx); return err },
	} {
		if err := step(); err != nil {
			t.Fatalf("enabling etcd auth: %v", err)
		}
	}
	open := func(pw string) (*etcdstore.Store, error) {
		return etcdstore.Open(ctx, etcdstore.Config{
			Endpoints: c.Endpoints(), Username: "root", Password: secret.NewString(pw), DialTimeout: 2 * time.Second,
		})
	}
	s, err := open(password)
	if err != nil {
		t.Fatalf("Open with the right password: %v", err)
	}
	defer s.Close()
	if _, err := s.Put(ctx, "k", []byte("v")); err != nil {
		t.Fatalf("Put with auth: %v", err)
	}
	_, err = open("wrong-" + password)
	if err == nil {
		t.Fatal("Open with a wrong password succeeded")
	}
	if strings.Contains(err.Error(), password) {
		t.Fatalf("error shows the password: %v", err)
	}
	if errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("wrong password reported as unavailable: %v", err)
	}
	t.Logf("wrong password: %v", err)
}

// TestWatchLostAndCacheResync: a node whose only etcd endpoint goes away
// has its watches closed; while it is cut off, other nodes change roles
// and etcd compacts its history; when its member is back, the node's IAM
// cache lists again and sees every change.
func TestWatchLostAndCacheResync(t *testing.T) {
	t.Parallel()
	c := etcdtest.Start(t, 3)
	ctx := t.Context()
	follower := (c.WaitLeader() + 1) % c.Size() // so that the others keep their leader
	node, err := etcdstore.Open(ctx, etcdstore.Config{
		Endpoints: []string{c.Endpoint(follower)}, Prefix: "/stsd/", RequestTimeout: time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = node.Close() })
	other := openStore(t, c, "/stsd/", 2*time.Second)
	otherRepo := iam.NewRepo(other, iam.RepoOptions{})

	for _, name := range []string{"kept", "deleted"} {
		if _, err := otherRepo.CreateRole(ctx, iam.Role{Account: acct, Name: name, AssumeRolePolicyDocument: trustDoc}); err != nil {
			t.Fatal(err)
		}
	}
	cache := iam.NewCache(node, iam.CacheOptions{MinBackoff: 50 * time.Millisecond, MaxBackoff: 500 * time.Millisecond})
	if err := cache.Start(ctx); err != nil {
		t.Fatal(err)
	}
	_, rev, err := node.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	watch, err := node.Watch(ctx, "", rev)
	if err != nil {
		t.Fatal(err)
	}

	cutAt := time.Now()
	c.Kill(follower)
	waitClosed(t, watch, 10*time.Second)
	t.Logf("watch closed %v after its member was killed", time.Since(cutAt).Round(time.Millisecond))

	// Meanwhile, on the two members left: a new role, a deletion, an
	// update, then a compaction past everything the node has seen.
	if _, err := otherRepo.CreateRole(ctx, iam.Role{Account: acct, Name: "created", AssumeRolePolicyDocument: trustDoc}); err != nil {
		t.Fatal(err)
	}
	if err := otherRepo.DeleteRole(ctx, acct, "deleted"); err != nil {
		t.Fatal(err)
	}
	updated, err := otherRepo.UpdateRole(ctx, acct, "kept", func(r *iam.Role) error { r.Description = "changed"; return nil })
	if err != nil {
		t.Fatal(err)
	}
	if err := other.Compact(ctx, updated.Revision-1); err != nil {
		t.Fatal(err)
	}
	if got := cache.Current(); got.Revision() >= updated.Revision {
		t.Fatalf("cache at revision %d while its etcd member was down, want < %d", got.Revision(), updated.Revision)
	}

	c.Restart(follower)
	wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	err = cache.WaitFor(wctx, func(s *iam.Snapshot) bool {
		kept, ok := s.RoleByName(acct, "kept")
		_, created := s.RoleByName(acct, "created")
		_, deleted := s.RoleByName(acct, "deleted")
		return ok && kept.Role.Description == "changed" && created && !deleted
	})
	if err != nil {
		t.Fatalf("cache did not catch up after its member came back: %v (snapshot revision %d)", err, cache.Current().Revision())
	}
	// And it follows live changes again.
	role, err := otherRepo.CreateRole(ctx, iam.Role{Account: acct, Name: "later", AssumeRolePolicyDocument: trustDoc})
	if err != nil {
		t.Fatal(err)
	}
	if err := cache.WaitRevision(wctx, role.Revision); err != nil {
		t.Fatalf("cache did not see a change after resync: %v", err)
	}
}

func waitClosed(t *testing.T, ch <-chan store.Event, within time.Duration) {
	t.Helper()
	deadline := time.After(within)
	for {
		select {
		case _, ok := <-ch:
			if !ok {
				return
			}
		case <-deadline:
			t.Fatalf("watch channel still open %v after its stream was lost", within)
		}
	}
}
