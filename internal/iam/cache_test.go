package iam

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/memstore"
	"github.com/stsd/stsd/internal/testutil/syncio"
)

func startCache(t *testing.T, st store.Store) *Cache {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	c := NewCache(st, CacheOptions{MinBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond})
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); <-c.Done() })
	return c
}

func TestCacheSeesChanges(t *testing.T) {
	repo, st := newTestRepo(t)
	ctx := testCtx(t)
	pre, err := repo.CreateRole(ctx, testRole("Early"))
	if err != nil {
		t.Fatal(err)
	}
	c := startCache(t, st)
	// Start returns with the store's content loaded.
	if _, ok := c.Current().RoleByARN(pre.ARN()); !ok {
		t.Fatal("role created before Start not in the first snapshot")
	}

	role := testRole("Deploy")
	role.Path = "/ci/"
	role.InlinePolicies = map[string]string{"write": writeDoc, "read": readDoc}
	r, err := repo.CreateRole(ctx, role)
	if err != nil {
		t.Fatal(err)
	}
	before := c.Current()
	if err := c.WaitRevision(ctx, r.Revision); err != nil {
		t.Fatal(err)
	}
	s := c.Current()
	if s.Revision() < r.Revision {
		t.Fatalf("snapshot revision %d < %d", s.Revision(), r.Revision)
	}
	v, ok := s.RoleByARN("arn:aws:iam::123456789012:role/ci/deploy")
	if !ok || v.Role.RoleID != r.RoleID || v.ARN != "arn:aws:iam::123456789012:role/ci/Deploy" {
		t.Fatalf("RoleByARN (name ignoring case) = %+v, %v", v, ok)
	}
	if v.Trust == nil || v.TrustErr != nil || len(v.Inline) != 2 || v.Inline[0].Name != "read" {
		t.Fatalf("parsed policies: trust %v err %v inline %v", v.Trust, v.TrustErr, v.Inline)
	}
	for _, arn := range []string{
		"arn:aws:iam::123456789012:role/Deploy",        // path missing
		"arn:aws:iam::123456789012:role/CI/Deploy",     // path differs in case
		"arn:aws:iam::123456789012:role/x/ci/Deploy",   // invented path
		"arn:aws:iam::210987654321:role/ci/Deploy",     // other account
		"arn:aws:iam::123456789012:role/ci/Deploy2",    // other name
		"arn:aws:iam::123456789012:user/ci/Deploy",     // not a role
		"arn:aws:iam::123456789012:role/ci/Deploy/",    // no name
		"arn:aws-cn:iam::123456789012:role/ci/Deploy",  // other partition
		"arn:aws:iam::123456789012:role/ci/Deploy\x00", // junk
	} {
		if _, ok := s.RoleByARN(arn); ok {
			t.Errorf("RoleByARN(%q) found a role", arn)
		}
	}
	// A published snapshot never changes: before the create it lacks the
	// role, and s keeps the old duration after the update below.
	if _, ok := before.RoleByARN(r.ARN()); ok && before.Revision() < r.Revision {
		t.Fatal("published snapshot was mutated")
	}

	up, err := repo.UpdateRole(ctx, acct, "deploy", func(r *Role) error { r.MaxSessionDuration = 43200; return nil })
	if err != nil {
		t.Fatal(err)
	}
	if err := c.WaitRevision(ctx, up.Revision); err != nil {
		t.Fatal(err)
	}
	if v, _ := c.Current().RoleByName(acct, "DEPLOY"); v.Role.MaxSessionDuration != 43200 {
		t.Fatalf("update not visible: %+v", v.Role)
	}
	if old, _ := s.RoleByName(acct, "deploy"); old.Role.MaxSessionDuration != 3600 || s.Revision() >= up.Revision {
		t.Fatalf("older snapshot changed: %+v at %d", old.Role, s.Revision())
	}
	if _, ok := s.RoleByName(acct, "early"); !ok {
		t.Fatal("older snapshot lost an untouched role")
	}
	if _, err := repo.UpdateRole(ctx, acct, "deploy", func(r *Role) error { r.InlinePolicies = nil; return nil }); err != nil {
		t.Fatal(err)
	}
	if err := repo.DeleteRole(ctx, acct, "deploy"); err != nil {
		t.Fatal(err)
	}
	if err := c.WaitFor(ctx, func(s *Snapshot) bool { _, ok := s.RoleByName(acct, "deploy"); return !ok }); err != nil {
		t.Fatal(err)
	}
	if got := c.Current().Roles(acct); len(got) != 1 || got[0].Role.Name != "Early" {
		t.Fatalf("Roles = %v", got)
	}
}

func TestCacheProvidersPoliciesUsersKeys(t *testing.T) {
	_, st := newTestRepo(t)
	repo := NewRepo(st, RepoOptions{URL: URLOptions{AllowHTTPLoopback: true}})
	ctx := testCtx(t)
	c := startCache(t, st)
	p1, err := repo.CreateProvider(ctx, OIDCProvider{Account: acct, URL: "https://auth.example.com/", ClientIDs: []string{"sts"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := repo.CreateProvider(ctx, OIDCProvider{Account: acct, URL: "http://127.0.0.1:9000"}); err != nil {
		t.Fatal(err)
	}
	mp, err := repo.CreatePolicy(ctx, ManagedPolicy{Account: acct, Name: "Read", Path: "/team/"}, readDoc)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := repo.CreateUser(ctx, User{Account: acct, Name: "ops", InlinePolicies: map[string]string{"r": readDoc}}); err != nil {
		t.Fatal(err)
	}
	k, err := repo.CreateAccessKey(ctx, AccessKey{Account: acct, UserName: "ops"})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.WaitRevision(ctx, k.Revision); err != nil {
		t.Fatal(err)
	}
	s := c.Current()
	pv, ok := s.ProviderByURL(acct, "https://auth.example.com/")
	if !ok || pv.ARN != p1.ARN() || pv.HostPath != "auth.example.com/" {
		t.Fatalf("ProviderByURL = %+v, %v", pv, ok)
	}
	for _, iss := range []string{"https://auth.example.com", "https://AUTH.example.com/", "http://auth.example.com/", "auth.example.com/", "https://127.0.0.1:9000"} {
		if _, ok := s.ProviderByURL(acct, iss); ok {
			t.Errorf("ProviderByURL(%q) matched", iss)
		}
	}
	if _, ok := s.ProviderByURL(otherAcct, "https://auth.example.com/"); ok {
		t.Error("provider found in another account")
	}
	if lv, ok := s.ProviderByURL(acct, "http://127.0.0.1:9000"); !ok || lv.HostPath != "127.0.0.1:9000" {
		t.Errorf("loopback provider: %+v %v", lv, ok)
	}
	if v, ok := s.ProviderByARN(p1.ARN()); !ok || v != pv {
		t.Errorf("ProviderByARN = %+v %v", v, ok)
	}
	if len(s.Providers(acct)) != 2 {
		t.Errorf("Providers = %v", s.Providers(acct))
	}
	pol, ok := s.ManagedPolicy("arn:aws:iam::123456789012:policy/team/READ")
	if !ok || pol.ARN != mp.ARN() || pol.Document == nil || pol.Err != nil || pol.Default.VersionID != "v1" {
		t.Fatalf("ManagedPolicy = %+v, %v", pol, ok)
	}
	if _, ok := s.ManagedPolicy("arn:aws:iam::123456789012:policy/Read"); ok {
		t.Error("policy found with the wrong path")
	}
	if u, ok := s.UserByName(acct, "OPS"); !ok || len(u.Inline) != 1 || u.ARN != "arn:aws:iam::123456789012:user/ops" {
		t.Fatalf("UserByName = %+v %v", u, ok)
	}
	if got, ok := s.AccessKey(k.AccessKeyID); !ok || got.UserName != "ops" {
		t.Fatalf("AccessKey = %+v %v", got, ok)
	}

	if err := repo.DeleteProvider(ctx, p1.ARN()); err != nil {
		t.Fatal(err)
	}
	if err := repo.DeleteAccessKey(ctx, acct, k.AccessKeyID); err != nil {
		t.Fatal(err)
	}
	if err := c.WaitFor(ctx, func(s *Snapshot) bool {
		_, p := s.ProviderByURL(acct, "https://auth.example.com/")
		_, k := s.AccessKey(k.AccessKeyID)
		return !p && !k
	}); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Current().ProviderByARN(p1.ARN()); ok {
		t.Fatal("deleted provider still found by ARN")
	}
}

// Values the cache cannot decode or parse are logged and left out (or kept
// without a trust policy), never served half-built.
func TestCacheBadValues(t *testing.T) {
	st := memstore.New()
	defer st.Close()
	ctx := testCtx(t)
	var logs syncio.Buffer
	c := NewCache(st, CacheOptions{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	cctx, cancel := context.WithCancel(ctx)
	defer func() { cancel(); <-c.Done() }()
	if err := c.Start(cctx); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Put(ctx, RoleKey(acct, "garbage"), []byte("{not json")); err != nil {
		t.Fatal(err)
	}
	bad := Role{Account: acct, Name: "bad", Path: "/", AssumeRolePolicyDocument: readDoc}
	rev, err := st.Put(ctx, RoleKey(acct, "bad"), mustJSON(t, &bad))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Put(ctx, "accounts/"+acct+"/unknown-kind/x", []byte("?")); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Put(ctx, "accounts/x", []byte("?")); err != nil {
		t.Fatal(err)
	}
	if err := c.WaitRevision(ctx, rev); err != nil {
		t.Fatal(err)
	}
	s := c.Current()
	if _, ok := s.RoleByName(acct, "garbage"); ok {
		t.Error("undecodable role served")
	}
	v, ok := s.RoleByName(acct, "bad")
	if !ok || v.Trust != nil || KindOf(v.TrustErr) != KindMalformedPolicy {
		t.Fatalf("role with unparsable trust: %+v %v", v, ok)
	}
	out := logs.String()
	if !strings.Contains(out, RoleKey(acct, "garbage")) || !strings.Contains(out, "arn:aws:iam::123456789012:role/bad trust policy") {
		t.Fatalf("logs do not report the bad values:\n%s", out)
	}
}
