package authz_test

import (
	"context"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/authn"
	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/creds"
	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/policy"
	"github.com/stsd/stsd/internal/store/memstore"
)

// The account of every test, as in the IAM User Guide's examples.
const acct = "111122223333"

// trustDoc is a role trust policy the repository accepts; the engine never
// reads it.
const trustDoc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`

// testNow is the engine's clock in every test.
var testNow = time.Date(2026, 12, 3, 9, 30, 0, 0, time.UTC)

// world is a real IAM repository over the real memory store, the real
// cache keeping a snapshot of it current, and an engine reading that
// snapshot — the wiring of a node, without HTTP.
type world struct {
	t      testing.TB
	ctx    context.Context
	repo   *iam.Repo
	cache  *iam.Cache
	engine *authz.Engine
}

func newWorld(t testing.TB) *world {
	t.Helper()
	st := memstore.New()
	t.Cleanup(func() { _ = st.Close() })
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	repo := iam.NewRepo(st, iam.RepoOptions{Now: func() time.Time { return testNow }})
	cache := iam.NewCache(st, iam.CacheOptions{})
	if err := cache.Start(ctx); err != nil {
		t.Fatal(err)
	}
	return &world{t: t, ctx: ctx, repo: repo, cache: cache,
		engine: authz.New(cache.Current, func() time.Time { return testNow })}
}

// wait blocks until the snapshot reflects the store revision rev.
func (w *world) wait(rev int64) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(w.ctx, 5*time.Second)
	defer cancel()
	if err := w.cache.WaitRevision(ctx, rev); err != nil {
		w.t.Fatal(err)
	}
}

// policy creates a customer managed policy and returns its ARN.
func (w *world) policy(name, doc string) string {
	w.t.Helper()
	p, err := w.repo.CreatePolicy(w.ctx, iam.ManagedPolicy{Account: acct, Name: name}, doc)
	if err != nil {
		w.t.Fatalf("CreatePolicy %s: %v", name, err)
	}
	w.wait(p.Revision)
	return p.ARN()
}

// entity describes the policies of a user or role.
type entity struct {
	inline   map[string]string
	managed  []string
	boundary string
	tags     []iam.Tag
}

// role creates a role.
func (w *world) role(name string, e entity) *iam.Role {
	w.t.Helper()
	r, err := w.repo.CreateRole(w.ctx, iam.Role{
		Account: acct, Name: name, AssumeRolePolicyDocument: trustDoc, InlinePolicies: e.inline,
		ManagedPolicyARNs: e.managed, PermissionsBoundaryARN: e.boundary, Tags: e.tags,
	})
	if err != nil {
		w.t.Fatalf("CreateRole %s: %v", name, err)
	}
	w.wait(r.Revision)
	return r
}

// updateRole changes a role and waits for the snapshot to show it.
func (w *world) updateRole(name string, mutate func(*iam.Role)) {
	w.t.Helper()
	r, err := w.repo.UpdateRole(w.ctx, acct, name, func(r *iam.Role) error { mutate(r); return nil })
	if err != nil {
		w.t.Fatal(err)
	}
	w.wait(r.Revision)
}

// updateUser changes a user and waits for the snapshot to show it.
func (w *world) updateUser(name string, mutate func(*iam.User)) {
	w.t.Helper()
	u, err := w.repo.UpdateUser(w.ctx, acct, name, func(u *iam.User) error { mutate(u); return nil })
	if err != nil {
		w.t.Fatal(err)
	}
	w.wait(u.Revision)
}

// setDefaultVersion adds a version holding doc to a managed policy, makes
// it the default, and waits for the snapshot to show it.
func (w *world) setDefaultVersion(arn, doc string) {
	w.t.Helper()
	p, err := w.repo.UpdatePolicy(w.ctx, arn, func(p *iam.ManagedPolicy) error {
		_, err := p.AddVersion(doc, true, testNow)
		return err
	})
	if err != nil {
		w.t.Fatal(err)
	}
	w.wait(p.Revision)
}

// user creates an IAM user and returns it as an authenticated caller, as
// authn builds one from the snapshot.
func (w *world) user(name string, e entity) *authn.Caller {
	w.t.Helper()
	u, err := w.repo.CreateUser(w.ctx, iam.User{
		Account: acct, Name: name, InlinePolicies: e.inline,
		ManagedPolicyARNs: e.managed, PermissionsBoundaryARN: e.boundary, Tags: e.tags,
	})
	if err != nil {
		w.t.Fatalf("CreateUser %s: %v", name, err)
	}
	w.wait(u.Revision)
	view, ok := w.cache.Current().UserByName(acct, name)
	if !ok {
		w.t.Fatalf("user %s not in the snapshot", name)
	}
	return &authn.Caller{Kind: authn.KindUser, Account: acct, ARN: view.ARN, UserID: u.UserID,
		AccessKeyID: "AKIAEXAMPLEEXAMPLE01", User: view}
}

// session returns a role session of the role as an authenticated caller;
// edit adjusts the session (session policies, tags, source identity…).
func (w *world) session(r *iam.Role, sessionName string, edit func(*creds.Session)) *authn.Caller {
	w.t.Helper()
	s := &creds.Session{
		AccountID: acct, RoleID: r.RoleID, RoleName: r.Name, RolePath: r.Path, SessionName: sessionName,
		AccessKeyID: "ASIAEXAMPLEEXAMPLE01", IssuedAt: testNow.Add(-10 * time.Minute), Expiry: testNow.Add(50 * time.Minute),
	}
	if edit != nil {
		edit(s)
	}
	return sessionCaller(s)
}

// callerT is an authenticated caller.
type callerT = authn.Caller

// sessionTag is a session tag.
type sessionTag = creds.Tag

// sessionT is the sealed session a role session carries.
type sessionT = creds.Session

func sessionCaller(s *creds.Session) *authn.Caller {
	return &authn.Caller{Kind: authn.KindAssumedRole, Account: s.AccountID, ARN: s.AssumedRoleARN(),
		UserID: s.AssumedRoleID(), AccessKeyID: s.AccessKeyID, Session: s}
}

// root is the account root.
func root() *authn.Caller {
	return &authn.Caller{Kind: authn.KindRoot, Account: acct, ARN: "arn:aws:iam::" + acct + ":root", UserID: acct,
		AccessKeyID: "AKIAROOTROOTROOT0000"}
}

// req is one decision to make.
type req struct {
	action, resource string
	resourcePolicy   string // a resource-based policy document, or ""
	keys             []authz.Key
	env              authz.Env
}

// decide decides one check and returns the whole result.
func (w *world) decide(c *authn.Caller, r req) authz.Result {
	w.t.Helper()
	ar := authz.Request{Caller: c, Checks: []authz.Check{{Action: r.action, Resource: r.resource}}, Keys: r.keys, Env: r.env}
	if r.resourcePolicy != "" {
		ar.ResourcePolicy = mustResourcePolicy(w.t, r.resourcePolicy)
	}
	return w.engine.Decide(ar)
}

// effect decides one check and returns its effect.
func (w *world) effect(c *authn.Caller, r req) policy.Outcome {
	w.t.Helper()
	res := w.decide(c, r)
	if len(res.Checks) != 1 {
		w.t.Fatalf("%d check results", len(res.Checks))
	}
	if res.Allowed != (res.Checks[0].Decision.Effect == policy.Allowed) {
		w.t.Fatalf("Allowed %v but the check's effect is %v", res.Allowed, res.Checks[0].Decision.Effect)
	}
	return res.Checks[0].Decision.Effect
}

// expect asserts the effect of one decision.
func (w *world) expect(what string, c *authn.Caller, r req, want policy.Outcome) {
	w.t.Helper()
	if got := w.effect(c, r); got != want {
		w.t.Errorf("%s: %s on %s by %s = %v, want %v", what, r.action, r.resource, c.ARN, got, want)
	}
}

func mustResourcePolicy(t testing.TB, doc string) *policy.Policy {
	t.Helper()
	p, err := policy.ParseAs([]byte(doc), policy.KindResource)
	if err != nil {
		t.Fatalf("resource policy: %v", err)
	}
	return p
}

// Effects, short.
const (
	allowed      = policy.Allowed
	explicitDeny = policy.ExplicitDeny
	implicitDeny = policy.ImplicitDeny
)
