package authz

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/authn"
	"github.com/stsd/stsd/internal/creds"
	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/store/memstore"
)

func viewFixture(t *testing.T) (*Engine, *iam.Repo, *iam.Cache, *iam.Role) {
	t.Helper()
	st := memstore.New()
	t.Cleanup(func() { _ = st.Close() })
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	repo := iam.NewRepo(st, iam.RepoOptions{})
	cache := iam.NewCache(st, iam.CacheOptions{})
	if err := cache.Start(ctx); err != nil {
		t.Fatal(err)
	}
	r, err := repo.CreateRole(ctx, iam.Role{Account: "111122223333", Name: "app",
		AssumeRolePolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"}]}`})
	if err != nil {
		t.Fatal(err)
	}
	if err := cache.WaitRevision(ctx, r.Revision); err != nil {
		t.Fatal(err)
	}
	return New(cache.Current, nil), repo, cache, r
}

func viewSession(r *iam.Role, edit func(*creds.Session)) *authn.Caller {
	s := &creds.Session{AccountID: r.Account, RoleID: r.RoleID, RoleName: r.Name, RolePath: r.Path, SessionName: "s",
		AccessKeyID: "ASIAEXAMPLEEXAMPLE01", IssuedAt: time.Unix(1_700_000_000, 0),
		Tags: []creds.Tag{{Key: "team", Value: "a"}}, WebIdentity: map[string][]string{"idp.example.com:sub": {"u"}}}
	if edit != nil {
		edit(s)
	}
	return &authn.Caller{Kind: authn.KindAssumedRole, Account: s.AccountID, ARN: s.AssumedRoleARN(), UserID: s.AssumedRoleID(),
		AccessKeyID: s.AccessKeyID, Session: s}
}

// A view is reused for an equal caller and the same snapshot revision, and
// rebuilt when any fact it depends on differs — even under the same cache
// key — or when the snapshot changed.
func TestCallerViewReuse(t *testing.T) {
	e, repo, cache, r := viewFixture(t)
	snap := cache.Current()
	v1 := e.view(snap, viewSession(r, nil))
	if v2 := e.view(snap, viewSession(r, nil)); v2 != v1 {
		t.Error("an equal session (opened again from its token) did not reuse the view")
	}
	for name, edit := range map[string]func(*creds.Session){
		"tag value":       func(s *creds.Session) { s.Tags[0].Value = "b" },
		"web identity":    func(s *creds.Session) { s.WebIdentity["idp.example.com:sub"] = []string{"v"} },
		"issue time":      func(s *creds.Session) { s.IssuedAt = s.IssuedAt.Add(time.Second) },
		"session policy":  func(s *creds.Session) { s.Policy = `{"Version":"2012-10-17","Statement":[]}` },
		"policy ARNs":     func(s *creds.Session) { s.PolicyARNs = []string{"arn:aws:iam::111122223333:policy/p"} },
		"source identity": func(s *creds.Session) { s.SourceIdentity = "x" },
		"federated":       func(s *creds.Session) { s.FederatedProvider = "accounts.google.com" },
		"role ID":         func(s *creds.Session) { s.RoleID = "AROAOTHER" },
		"partition":       func(s *creds.Session) { s.Partition = "aws-cn" },
	} {
		c := viewSession(r, edit)
		v := e.view(snap, c)
		if v == v1 || !v.who.matches(c) || v1.who.matches(c) {
			t.Errorf("%s: the view was not rebuilt", name)
		}
		e.view(snap, viewSession(r, nil)) // put the original back
	}
	// The caller's own copy changing later does not change the view.
	c := viewSession(r, nil)
	v := e.view(snap, c)
	c.Session.Tags[0].Value = "mutated"
	if vs, _, _ := v.template.Get("aws:PrincipalTag/team"); len(vs) != 1 || vs[0] != "a" {
		t.Errorf("template tag = %v", vs)
	}
	// A new snapshot revision rebuilds it.
	u, err := repo.UpdateRole(context.Background(), r.Account, r.Name, func(r *iam.Role) error {
		r.Tags = []iam.Tag{{Key: "env", Value: "prod"}}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := cache.WaitRevision(context.Background(), u.Revision); err != nil {
		t.Fatal(err)
	}
	v3 := e.view(cache.Current(), viewSession(r, nil))
	if v3 == v1 {
		t.Fatal("the view outlived its snapshot")
	}
	if vs, _, _ := v3.template.Get("aws:PrincipalTag/env"); len(vs) != 1 || vs[0] != "prod" {
		t.Errorf("new role tag = %v", vs)
	}
}

// The cache holds at most callerViewsMax views, however many callers pass,
// and is safe for concurrent use (run with -race).
func TestCallerViewsBounded(t *testing.T) {
	e, _, cache, r := viewFixture(t)
	snap := cache.Current()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range callerViewsMax {
				c := viewSession(r, func(s *creds.Session) {
					s.AccessKeyID = fmt.Sprintf("ASIA%02d%014d", g, i)
					s.SessionName = fmt.Sprintf("s-%d-%d", g, i)
				})
				if v := e.view(snap, c); !v.who.matches(c) {
					t.Error("a view for another caller")
					return
				}
			}
		})
	}
	wg.Wait()
	e.callers.mu.RLock()
	n := len(e.callers.m)
	e.callers.mu.RUnlock()
	if n > callerViewsMax {
		t.Errorf("%d views cached", n)
	}
}
