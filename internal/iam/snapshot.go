package iam

import (
	"sort"
	"strings"

	"github.com/stsd/stsd/internal/arn"
	"github.com/stsd/stsd/internal/policy"
)

// Snapshot is an immutable view of every IAM entity at one store revision.
// It is safe for concurrent use; nothing in it may be modified (the entity
// pointers it hands out are shared). Lookups are map reads, O(1).
type Snapshot struct {
	revision   int64
	accounts   map[string]*accountState
	accessKeys map[string]*AccessKey // by access key ID, every account
	// replaced is closed when the Cache publishes the next snapshot.
	replaced chan struct{}
}

type accountState struct {
	roles          map[string]*RoleView         // lower-cased name
	providers      map[string]*ProviderView     // URL without scheme
	providersByURL map[string]*ProviderView     // URL as registered
	policies       map[string]*PolicyView       // lower-cased name
	users          map[string]*UserView         // lower-cased name
	groups         map[string]*GroupView        // lower-cased name
	groupsByID     map[string]*GroupView        // group ID
	bucketPolicies map[string]*BucketPolicyView // bucket name
	oauthProviders map[string]*OAuthProvider    // provider id
}

// RoleView is a role as the hot path needs it, its policies already
// parsed when the snapshot was built.
type RoleView struct {
	Role *Role
	// ARN is the role ARN, path included.
	ARN string
	// Trust is the parsed trust policy. It is nil, and TrustErr says why,
	// when the stored document does not parse; such a role must be treated
	// as trusting nobody.
	Trust    *policy.Policy
	TrustErr error
	// Inline holds the inline policies sorted by name, DenyAll standing in
	// for any that does not parse; InlineErr reports the first such.
	Inline    []policy.Named
	InlineErr error
}

// ProviderView is an OIDC provider as the hot path needs it.
type ProviderView struct {
	Provider *OIDCProvider
	// ARN is arn:aws:iam::<acct>:oidc-provider/<HostPath>.
	ARN string
	// HostPath is the URL without scheme: the prefix of the provider's
	// condition keys ("<HostPath>:sub").
	HostPath string
}

// PolicyView is a managed policy with its default version resolved and
// parsed.
type PolicyView struct {
	Policy *ManagedPolicy
	ARN    string
	// Default is the default version (nil only for a corrupt value).
	Default *PolicyVersion
	// Document is the parsed default version; DenyAll, with Err, if it
	// does not parse.
	Document *policy.Policy
	Err      error
}

// UserView is an IAM user with its inline policies parsed (DenyAll
// standing in for any that does not parse, InlineErr saying why).
type UserView struct {
	User      *User
	ARN       string
	Inline    []policy.Named
	InlineErr error
}

// GroupView is an IAM group with its inline policies parsed (DenyAll
// standing in for any that does not parse, InlineErr saying why).
type GroupView struct {
	Group     *Group
	ARN       string
	Inline    []policy.Named
	InlineErr error
}

func emptySnapshot() *Snapshot {
	return &Snapshot{accounts: map[string]*accountState{}, accessKeys: map[string]*AccessKey{}, replaced: make(chan struct{})}
}

// Revision is the store revision the snapshot reflects.
func (s *Snapshot) Revision() int64 { return s.revision }

// RoleByARN is Role for an ARN not parsed yet.
func (s *Snapshot) RoleByARN(roleARN string) (*RoleView, bool) {
	a, ok := arn.Parse(roleARN)
	if !ok {
		return nil, false
	}
	return s.Role(a)
}

// Role returns the role an ARN names: arn:aws:iam::<acct>:role<path><name>.
// The name matches ignoring case (IAM role names are case-insensitive); the
// path must equal the role's path exactly, as AWS treats the full ARN as
// authoritative — an ARN with an invented or missing path finds nothing.
func (s *Snapshot) Role(a arn.ARN) (*RoleView, bool) {
	account, path, name, ok := entityOf(a, "role")
	if !ok {
		return nil, false
	}
	r, ok := s.RoleByName(account, name)
	if !ok || r.Role.Path != path {
		return nil, false
	}
	return r, true
}

// RoleByName returns the account's role with the name, ignoring case.
func (s *Snapshot) RoleByName(account, name string) (*RoleView, bool) {
	a := s.accounts[account]
	if a == nil {
		return nil, false
	}
	r, ok := a.roles[strings.ToLower(name)]
	return r, ok
}

// ProviderByURL returns the account's provider whose registered URL equals
// url exactly (case, scheme, port, path and trailing slash included): pass
// the token's iss as is.
func (s *Snapshot) ProviderByURL(account, url string) (*ProviderView, bool) {
	a := s.accounts[account]
	if a == nil {
		return nil, false
	}
	p, ok := a.providersByURL[url]
	return p, ok
}

// ProviderByARN returns the provider with the ARN.
func (s *Snapshot) ProviderByARN(providerARN string) (*ProviderView, bool) {
	account, hostPath, ok := ParseProviderARN(providerARN)
	if !ok {
		return nil, false
	}
	a := s.accounts[account]
	if a == nil {
		return nil, false
	}
	p, ok := a.providers[hostPath]
	return p, ok
}

// ManagedPolicy returns the managed policy with the ARN (name ignoring
// case, path exact): a customer managed policy, or one of the AWS managed
// policies stsd has built in (arn:aws:iam::aws:policy/…).
func (s *Snapshot) ManagedPolicy(policyARN string) (*PolicyView, bool) {
	if IsAWSManagedARN(policyARN) {
		return AWSManagedPolicy(policyARN)
	}
	account, path, name, ok := ParseEntityARN(policyARN, "policy")
	if !ok {
		return nil, false
	}
	a := s.accounts[account]
	if a == nil {
		return nil, false
	}
	p, ok := a.policies[strings.ToLower(name)]
	if !ok || p.Policy.Path != path {
		return nil, false
	}
	return p, true
}

// UserByName returns the account's user with the name, ignoring case.
func (s *Snapshot) UserByName(account, name string) (*UserView, bool) {
	a := s.accounts[account]
	if a == nil {
		return nil, false
	}
	u, ok := a.users[strings.ToLower(name)]
	return u, ok
}

// GroupByName returns the account's group with the name, ignoring case.
func (s *Snapshot) GroupByName(account, name string) (*GroupView, bool) {
	a := s.accounts[account]
	if a == nil {
		return nil, false
	}
	g, ok := a.groups[strings.ToLower(name)]
	return g, ok
}

// UserGroups returns the groups the user belongs to, in the order it
// joined them; IDs of groups that no longer exist name nothing.
func (s *Snapshot) UserGroups(u *User) []*GroupView {
	a := s.accounts[u.Account]
	if a == nil || len(u.GroupIDs) == 0 {
		return nil
	}
	out := make([]*GroupView, 0, len(u.GroupIDs))
	for _, id := range u.GroupIDs {
		if g, ok := a.groupsByID[id]; ok {
			out = append(out, g)
		}
	}
	return out
}

// AccessKey returns the long-term access key with the ID, in any account.
func (s *Snapshot) AccessKey(id string) (*AccessKey, bool) {
	k, ok := s.accessKeys[id]
	return k, ok
}

// Roles returns the account's roles sorted by lower-cased name.
func (s *Snapshot) Roles(account string) []*RoleView {
	a := s.accounts[account]
	if a == nil {
		return nil
	}
	return sortedValues(a.roles)
}

// Providers returns the account's providers sorted by URL without scheme.
func (s *Snapshot) Providers(account string) []*ProviderView {
	a := s.accounts[account]
	if a == nil {
		return nil
	}
	return sortedValues(a.providers)
}

func sortedValues[V any](m map[string]V) []V {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]V, len(keys))
	for i, k := range keys {
		out[i] = m[k]
	}
	return out
}
