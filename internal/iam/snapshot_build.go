package iam

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"sort"

	"github.com/stsd/stsd/internal/policy"
	"github.com/stsd/stsd/internal/store"
)

// builder derives a new Snapshot from a base by copy-on-write: the maps of
// an account are copied the first time a batch touches it, so untouched
// accounts are shared with the base.
type builder struct {
	next       *Snapshot
	copied     map[string]bool
	keysCopied bool
	// problems collects values that could not be decoded (logged by the
	// cache); they are left out of the snapshot.
	problems []error
}

func newBuilder(base *Snapshot) *builder {
	return &builder{
		next: &Snapshot{
			revision:   base.revision,
			accounts:   maps.Clone(base.accounts),
			accessKeys: base.accessKeys,
			replaced:   make(chan struct{}),
		},
		copied: map[string]bool{},
	}
}

func (b *builder) account(id string) *accountState {
	a := b.next.accounts[id]
	if b.copied[id] {
		return a
	}
	b.copied[id] = true
	if a == nil {
		a = &accountState{
			roles: map[string]*RoleView{}, providers: map[string]*ProviderView{},
			providersByURL: map[string]*ProviderView{}, policies: map[string]*PolicyView{},
			users: map[string]*UserView{}, bucketPolicies: map[string]*BucketPolicyView{},
			groups: map[string]*GroupView{}, groupsByID: map[string]*GroupView{},
			oauthProviders: map[string]*OAuthProvider{},
		}
	} else {
		a = &accountState{
			roles: maps.Clone(a.roles), providers: maps.Clone(a.providers),
			providersByURL: maps.Clone(a.providersByURL), policies: maps.Clone(a.policies),
			users: maps.Clone(a.users), bucketPolicies: maps.Clone(a.bucketPolicies),
			groups: maps.Clone(a.groups), groupsByID: maps.Clone(a.groupsByID),
			oauthProviders: maps.Clone(a.oauthProviders),
		}
	}
	b.next.accounts[id] = a
	return a
}

func (b *builder) keys() map[string]*AccessKey {
	if !b.keysCopied {
		b.next.accessKeys = maps.Clone(b.next.accessKeys)
		b.keysCopied = true
	}
	return b.next.accessKeys
}

// apply applies one change. Keys outside the layout are ignored.
func (b *builder) apply(ev store.Event) {
	if ev.KV.Revision > b.next.revision {
		b.next.revision = ev.KV.Revision
	}
	account, kind, id, ok := parseKey(ev.KV.Key)
	if !ok {
		return
	}
	b.remove(account, kind, id)
	if ev.Type != store.EventPut {
		return
	}
	if err := b.put(account, kind, id, ev.KV); err != nil {
		b.problems = append(b.problems, fmt.Errorf("iam cache: %s at revision %d: %w", ev.KV.Key, ev.KV.Revision, err))
	}
}

func (b *builder) remove(account, kind, id string) {
	if kind == kindAccessKeys {
		if _, ok := b.next.accessKeys[id]; ok {
			delete(b.keys(), id)
		}
		return
	}
	if b.next.accounts[account] == nil {
		return
	}
	a := b.account(account)
	switch kind {
	case kindRoles:
		delete(a.roles, id)
	case kindProviders:
		if p, ok := a.providers[id]; ok {
			delete(a.providersByURL, p.Provider.URL)
			delete(a.providers, id)
		}
	case kindPolicies:
		delete(a.policies, id)
	case kindUsers:
		delete(a.users, id)
	case kindGroups:
		if g, ok := a.groups[id]; ok {
			// A renamed group is briefly stored under both names with
			// one ID: the ID keeps naming whichever is still there.
			if a.groupsByID[g.Group.GroupID] == g {
				delete(a.groupsByID, g.Group.GroupID)
				for _, other := range a.groups {
					if other != g && other.Group.GroupID == g.Group.GroupID {
						a.groupsByID[g.Group.GroupID] = other
					}
				}
			}
			delete(a.groups, id)
		}
	case kindBucketPolicies:
		delete(a.bucketPolicies, id)
	case kindOAuthProviders:
		delete(a.oauthProviders, id)
	}
}

func (b *builder) put(account, kind, id string, kv store.KV) error {
	switch kind {
	case kindRoles:
		var r Role
		if err := decodeValue(kv, &r); err != nil {
			return err
		}
		v := newRoleView(&r)
		if v.TrustErr != nil {
			b.problems = append(b.problems, fmt.Errorf("iam cache: role %s trust policy: %w", v.ARN, v.TrustErr))
		}
		if v.InlineErr != nil {
			b.problems = append(b.problems, fmt.Errorf("iam cache: role %s denies everything: %w", v.ARN, v.InlineErr))
		}
		b.account(account).roles[id] = v
	case kindProviders:
		var p OIDCProvider
		if err := decodeValue(kv, &p); err != nil {
			return err
		}
		v := &ProviderView{Provider: &p, ARN: p.ARN(), HostPath: p.HostPath()}
		a := b.account(account)
		a.providers[id] = v
		a.providersByURL[p.URL] = v
	case kindPolicies:
		var p ManagedPolicy
		if err := decodeValue(kv, &p); err != nil {
			return err
		}
		v := newPolicyView(&p)
		if v.Err != nil {
			b.problems = append(b.problems, fmt.Errorf("iam cache: policy %s denies everything where attached: %w", v.ARN, v.Err))
		}
		b.account(account).policies[id] = v
	case kindUsers:
		var u User
		if err := decodeValue(kv, &u); err != nil {
			return err
		}
		v := &UserView{User: &u, ARN: u.ARN()}
		v.Inline, v.InlineErr = parseInline(u.InlinePolicies)
		if v.InlineErr != nil {
			b.problems = append(b.problems, fmt.Errorf("iam cache: user %s denies everything: %w", v.ARN, v.InlineErr))
		}
		b.account(account).users[id] = v
	case kindGroups:
		var g Group
		if err := decodeValue(kv, &g); err != nil {
			return err
		}
		v := &GroupView{Group: &g, ARN: g.ARN()}
		v.Inline, v.InlineErr = parseInline(g.InlinePolicies)
		if v.InlineErr != nil {
			b.problems = append(b.problems, fmt.Errorf("iam cache: group %s denies everything: %w", v.ARN, v.InlineErr))
		}
		a := b.account(account)
		a.groups[id] = v
		a.groupsByID[g.GroupID] = v
	case kindAccessKeys:
		var k AccessKey
		if err := decodeValue(kv, &k); err != nil {
			return err
		}
		b.keys()[id] = &k
	case kindBucketPolicies:
		return b.putBucketPolicy(account, id, kv)
	case kindOAuthProviders:
		var p OAuthProvider
		if err := decodeValue(kv, &p); err != nil {
			return err
		}
		b.account(account).oauthProviders[id] = &p
	}
	return nil
}

func decodeValue(kv store.KV, v entity) error {
	if err := json.Unmarshal(kv.Value, v); err != nil {
		return err
	}
	v.setRevision(kv.Revision)
	return nil
}

func newRoleView(r *Role) *RoleView {
	v := &RoleView{Role: r, ARN: r.ARN()}
	v.Trust, v.TrustErr = ParseTrustPolicy(r.AssumeRolePolicyDocument)
	v.Inline, v.InlineErr = parseInline(r.InlinePolicies)
	return v
}

func parseInline(docs map[string]string) ([]policy.Named, error) {
	if len(docs) == 0 {
		return nil, nil
	}
	names := make([]string, 0, len(docs))
	for n := range docs {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]policy.Named, 0, len(names))
	var first error
	for _, n := range names {
		p, err := ParseIdentityPolicy(docs[n])
		if err != nil {
			if first == nil {
				first = fmt.Errorf("inline policy %s: %w", n, err)
			}
			p = DenyAll // fail closed: never lose the policy's denies
		}
		out = append(out, policy.Named{Name: n, Policy: p})
	}
	return out, first
}

func newPolicyView(p *ManagedPolicy) *PolicyView {
	v := &PolicyView{Policy: p, ARN: p.ARN(), Default: p.DefaultVersion()}
	if v.Default == nil {
		v.Document, v.Err = DenyAll, errors.New("no default version")
		return v
	}
	v.Document, v.Err = ParseIdentityPolicy(v.Default.Document)
	if v.Err != nil {
		v.Document = DenyAll // fail closed: never lose the policy's denies
	}
	return v
}

// buildSnapshot builds a snapshot from a full listing at revision rev.
func buildSnapshot(kvs []store.KV, rev int64) (*Snapshot, []error) {
	b := newBuilder(emptySnapshot())
	for _, kv := range kvs {
		b.apply(store.Event{Type: store.EventPut, KV: kv})
	}
	b.next.revision = rev
	return b.next, b.problems
}
