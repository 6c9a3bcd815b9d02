package iam

import (
	"context"
	"fmt"
	"testing"

	"github.com/stsd/stsd/internal/store/memstore"
)

// benchSnapshot builds a snapshot of 1,000 roles and 100 providers in one
// account, through the real store and cache.
func benchSnapshot(b *testing.B) *Snapshot {
	b.Helper()
	st := memstore.New()
	b.Cleanup(func() { _ = st.Close() })
	repo := NewRepo(st, RepoOptions{})
	ctx := context.Background()
	for i := range 1000 {
		r := testRole(fmt.Sprintf("role-%04d", i))
		r.Path = "/team/ci/"
		if _, err := repo.CreateRole(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
	for i := range 100 {
		if _, err := repo.CreateProvider(ctx, OIDCProvider{Account: acct, URL: fmt.Sprintf("https://idp%03d.example.com/realms/r", i)}); err != nil {
			b.Fatal(err)
		}
	}
	c := NewCache(st, CacheOptions{})
	cctx, cancel := context.WithCancel(ctx)
	b.Cleanup(func() { cancel(); <-c.Done() })
	if err := c.Start(cctx); err != nil {
		b.Fatal(err)
	}
	return c.Current()
}

func BenchmarkSnapshotRoleByARN(b *testing.B) {
	s := benchSnapshot(b)
	arn := "arn:aws:iam::123456789012:role/team/ci/role-0500"
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := s.RoleByARN(arn); !ok {
			b.Fatal("not found")
		}
	}
}

// The name in mixed case costs a lower-casing allocation.
func BenchmarkSnapshotRoleByARNMixedCase(b *testing.B) {
	s := benchSnapshot(b)
	arn := "arn:aws:iam::123456789012:role/team/ci/Role-0500"
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := s.RoleByARN(arn); !ok {
			b.Fatal("not found")
		}
	}
}

func BenchmarkSnapshotProviderByURL(b *testing.B) {
	s := benchSnapshot(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := s.ProviderByURL(acct, "https://idp050.example.com/realms/r"); !ok {
			b.Fatal("not found")
		}
	}
}

// Parallel readers share the snapshot without locks.
func BenchmarkSnapshotRoleByARNParallel(b *testing.B) {
	s := benchSnapshot(b)
	arn := "arn:aws:iam::123456789012:role/team/ci/role-0500"
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, ok := s.RoleByARN(arn); !ok {
				b.Error("not found")
				return
			}
		}
	})
}

// BenchmarkCacheApplyEvent measures one change on an account of 1,000
// roles: the watch event, the copy-on-write snapshot, the trust policy
// parse, publication, and a waiter seeing it.
func BenchmarkCacheApplyEvent(b *testing.B) {
	st := memstore.New()
	b.Cleanup(func() { _ = st.Close() })
	repo := NewRepo(st, RepoOptions{})
	ctx := context.Background()
	for i := range 1000 {
		if _, err := repo.CreateRole(ctx, testRole(fmt.Sprintf("role-%04d", i))); err != nil {
			b.Fatal(err)
		}
	}
	c := NewCache(st, CacheOptions{})
	cctx, cancel := context.WithCancel(ctx)
	b.Cleanup(func() { cancel(); <-c.Done() })
	if err := c.Start(cctx); err != nil {
		b.Fatal(err)
	}
	duration := 3600
	b.ReportAllocs()
	for b.Loop() {
		duration = 3600 + (duration+1)%1000
		r, err := repo.UpdateRole(ctx, acct, "role-0500", func(r *Role) error { r.MaxSessionDuration = duration; return nil })
		if err != nil {
			b.Fatal(err)
		}
		if err := c.WaitRevision(ctx, r.Revision); err != nil {
			b.Fatal(err)
		}
	}
}
