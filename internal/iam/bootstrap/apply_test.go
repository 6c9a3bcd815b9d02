package bootstrap

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/store/memstore"
)

const account = "000000000000"

func newRepo(t *testing.T) (*iam.Repo, *memstore.Store) {
	t.Helper()
	st := memstore.New()
	t.Cleanup(func() { _ = st.Close() })
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	return iam.NewRepo(st, iam.RepoOptions{Now: func() time.Time { now = now.Add(time.Second); return now }}), st
}

func storeRevision(t *testing.T, st *memstore.Store) int64 {
	t.Helper()
	_, rev, err := st.List(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	return rev
}

func actions(changes []Change) string {
	var b strings.Builder
	for _, c := range changes {
		b.WriteString(string(c.Action) + " " + c.ARN + "\n")
	}
	return b.String()
}

func TestApplyIdempotent(t *testing.T) {
	ctx := context.Background()
	repo, st := newRepo(t)
	f, err := Load("testdata/example.yaml", Options{})
	if err != nil {
		t.Fatal(err)
	}
	changes, err := Apply(ctx, repo, account, f)
	if err != nil {
		t.Fatal(err)
	}
	want := `created arn:aws:iam::000000000000:oidc-provider/token.actions.githubusercontent.com
created arn:aws:iam::000000000000:oidc-provider/kubernetes.default.svc
created arn:aws:iam::000000000000:oidc-provider/sso.example.com/realms/ci
created arn:aws:iam::000000000000:policy/ci/ArtifactsRead
created arn:aws:iam::000000000000:policy/Boundary
created arn:aws:iam::000000000000:role/ci/gha-deploy
created arn:aws:iam::000000000000:role/pod-reader
`
	if got := actions(changes); got != want {
		t.Fatalf("first apply:\n%s", got)
	}
	role, err := repo.GetRole(ctx, account, "gha-deploy")
	if err != nil {
		t.Fatal(err)
	}
	if role.PermissionsBoundaryARN != "arn:aws:iam::000000000000:policy/Boundary" ||
		strings.Join(role.ManagedPolicyARNs, " ") != "arn:aws:iam::000000000000:policy/ci/ArtifactsRead arn:aws:iam::aws:policy/ReadOnlyAccess" ||
		role.MaxSessionDuration != 7200 || role.InlinePolicies["write-artifacts"] == "" {
		t.Fatalf("role = %+v", role)
	}
	k8s, err := repo.GetProvider(ctx, "arn:aws:iam::000000000000:oidc-provider/kubernetes.default.svc")
	if err != nil || !strings.Contains(k8s.StaticJWKS, `"kid":"k1"`) {
		t.Fatalf("static JWKS not stored: %+v %v", k8s, err)
	}

	// Applying the same file again writes nothing.
	rev := storeRevision(t, st)
	f2, err := Load("testdata/example.yaml", Options{})
	if err != nil {
		t.Fatal(err)
	}
	changes, err = Apply(ctx, repo, account, f2)
	if err != nil {
		t.Fatal(err)
	}
	if got := actions(changes); strings.Count(got, "unchanged ") != 7 {
		t.Fatalf("second apply:\n%s", got)
	}
	if after := storeRevision(t, st); after != rev {
		t.Fatalf("second apply wrote: revision %d -> %d", rev, after)
	}

	// A changed file updates what changed, keeping IDs and creation dates.
	src, _ := os.ReadFile("testdata/example.yaml")
	edited := strings.Replace(string(src), "max_session_duration: 7200", "max_session_duration: 3600", 1)
	edited = strings.Replace(edited, "s3:GetObject, s3:ListBucket", "s3:GetObject", 1)
	edited = strings.Replace(edited, "client_ids: [stsd, ci-runner]", "client_ids: [stsd]", 1)
	dir := t.TempDir()
	copyFile(t, "testdata/cluster-jwks.json", filepath.Join(dir, "cluster-jwks.json"))
	f3, err := Parse([]byte(edited), "edited.yaml", dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	changes, err = Apply(ctx, repo, account, f3)
	if err != nil {
		t.Fatal(err)
	}
	got := actions(changes)
	for _, line := range []string{
		"updated arn:aws:iam::000000000000:oidc-provider/sso.example.com/realms/ci",
		"updated arn:aws:iam::000000000000:policy/ci/ArtifactsRead",
		"updated arn:aws:iam::000000000000:role/ci/gha-deploy",
		"unchanged arn:aws:iam::000000000000:role/pod-reader",
	} {
		if !strings.Contains(got, line+"\n") {
			t.Errorf("third apply lacks %q:\n%s", line, got)
		}
	}
	role2, err := repo.GetRole(ctx, account, "gha-deploy")
	if err != nil {
		t.Fatal(err)
	}
	if role2.RoleID != role.RoleID || !role2.CreateDate.Equal(role.CreateDate) || role2.MaxSessionDuration != 3600 {
		t.Fatalf("updated role = %+v (was %+v)", role2, role)
	}
	pol, err := repo.GetPolicy(ctx, "arn:aws:iam::000000000000:policy/ci/ArtifactsRead")
	if err != nil || pol.DefaultVersionID != "v2" || len(pol.Versions) != 2 || strings.Contains(pol.DefaultVersion().Document, "ListBucket") {
		t.Fatalf("policy after edit = %+v, %v", pol, err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// A managed policy edited more than five times keeps at most five versions.
func TestApplyPolicyVersionsRotate(t *testing.T) {
	ctx := context.Background()
	repo, _ := newRepo(t)
	for i := range 7 {
		src := `managed_policies:
  - name: P
    document: {Version: 2012-10-17, Statement: [{Effect: Allow, Action: "s3:Get` + strings.Repeat("x", i) + `", Resource: "*"}]}
`
		f, err := Parse([]byte(src), "p.yaml", ".", Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Apply(ctx, repo, account, f); err != nil {
			t.Fatalf("apply %d: %v", i, err)
		}
	}
	p, err := repo.GetPolicy(ctx, "arn:aws:iam::000000000000:policy/P")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Versions) != 5 || p.DefaultVersionID != "v7" || p.Versions[0].VersionID != "v3" {
		t.Fatalf("versions = %+v default %s", p.Versions, p.DefaultVersionID)
	}
}

func TestApplyRefusesPathChange(t *testing.T) {
	ctx := context.Background()
	repo, _ := newRepo(t)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"x"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`
	if _, err := repo.CreateRole(ctx, iam.Role{Account: account, Name: "App", Path: "/old/", AssumeRolePolicyDocument: trust}); err != nil {
		t.Fatal(err)
	}
	f, err := Parse([]byte("roles:\n  - name: app\n    path: /new/\n    trust_policy: '"+trust+"'\n"), "r.yaml", ".", Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Apply(ctx, repo, account, f)
	if err == nil || err.Error() != "bootstrap: role app: the store holds it as arn:aws:iam::000000000000:role/old/App; a role's name and path cannot change" {
		t.Fatalf("Apply = %v", err)
	}
}

// A provider created for http:// on loopback (development) then listed
// as https:// for the same host is a different URL: refused.
func TestApplyRefusesProviderSchemeChange(t *testing.T) {
	ctx := context.Background()
	repo, st := newRepo(t)
	loop := iam.NewRepo(st, iam.RepoOptions{URL: iam.URLOptions{AllowHTTPLoopback: true}})
	if _, err := loop.CreateProvider(ctx, iam.OIDCProvider{Account: account, URL: "http://127.0.0.1:9000"}); err != nil {
		t.Fatal(err)
	}
	f, err := Parse([]byte("oidc_providers:\n  - url: https://127.0.0.1:9000\n"), "p.yaml", ".", Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Apply(ctx, repo, account, f)
	if err == nil || err.Error() != "bootstrap: oidc provider https://127.0.0.1:9000: the store holds http://127.0.0.1:9000 for the same host and path; a provider's URL cannot change" {
		t.Fatalf("Apply = %v", err)
	}
}

// The cache sees everything Apply wrote once it reaches the largest
// revision Apply reports.
func TestApplyVisibleInSnapshot(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	repo, st := newRepo(t)
	c := iam.NewCache(st, iam.CacheOptions{})
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	f, err := Load("testdata/example.yaml", Options{})
	if err != nil {
		t.Fatal(err)
	}
	changes, err := Apply(ctx, repo, account, f)
	if err != nil {
		t.Fatal(err)
	}
	var last int64
	for _, ch := range changes {
		last = max(last, ch.Revision)
	}
	if err := c.WaitRevision(ctx, last); err != nil {
		t.Fatal(err)
	}
	s := c.Current()
	r, ok := s.RoleByARN("arn:aws:iam::000000000000:role/ci/gha-deploy")
	if !ok || r.Trust == nil || len(r.Inline) != 1 {
		t.Fatalf("role in snapshot: %+v %v", r, ok)
	}
	if p, ok := s.ProviderByURL(account, "https://kubernetes.default.svc"); !ok || p.Provider.StaticJWKS == "" {
		t.Fatalf("provider in snapshot: %+v %v", p, ok)
	}
	cancel()
	<-c.Done()
}
