package iam

import (
	"time"
)

// Role is an IAM role as stored.
type Role struct {
	Account                  string            `json:"account"`
	Name                     string            `json:"name"`
	Path                     string            `json:"path"`
	RoleID                   string            `json:"roleId"`
	AssumeRolePolicyDocument string            `json:"assumeRolePolicyDocument"`
	Description              string            `json:"description,omitempty"`
	MaxSessionDuration       int               `json:"maxSessionDuration"`
	Tags                     []Tag             `json:"tags,omitempty"`
	InlinePolicies           map[string]string `json:"inlinePolicies,omitempty"`
	ManagedPolicyARNs        []string          `json:"managedPolicyArns,omitempty"`
	PermissionsBoundaryARN   string            `json:"permissionsBoundaryArn,omitempty"`
	CreateDate               time.Time         `json:"createDate"`
	// Revision is the store revision of the stored value (not stored).
	Revision int64 `json:"-"`
}

// ARN returns arn:aws:iam::<acct>:role<path><name>.
func (r *Role) ARN() string { return RoleARN(r.Account, r.Path, r.Name) }

// OIDCProvider is an IAM OpenID Connect provider as stored. URL is kept as
// registered, scheme included; tokens' iss must equal it exactly.
type OIDCProvider struct {
	Account     string   `json:"account"`
	URL         string   `json:"url"`
	ClientIDs   []string `json:"clientIds,omitempty"`
	Thumbprints []string `json:"thumbprints,omitempty"`
	// JWKSURL, if set, is fetched for keys instead of discovery's jwks_uri.
	JWKSURL string `json:"jwksUrl,omitempty"`
	// StaticJWKS, if set, is the provider's key set (a JWKS JSON object);
	// nothing is fetched.
	StaticJWKS string    `json:"staticJwks,omitempty"`
	Tags       []Tag     `json:"tags,omitempty"`
	CreateDate time.Time `json:"createDate"`
	Revision   int64     `json:"-"`
}

// ARN returns arn:aws:iam::<acct>:oidc-provider/<url without scheme>.
func (p *OIDCProvider) ARN() string { return ProviderARN(p.Account, p.URL) }

// HostPath returns the URL without its scheme, as registered: the ARN's
// resource, the store key, and the prefix of the provider's condition keys
// (e.g. "token.actions.githubusercontent.com:sub", "127.0.0.1:9000:sub").
func (p *OIDCProvider) HostPath() string { return TrimScheme(p.URL) }

// ManagedPolicy is a customer managed policy with its versions.
type ManagedPolicy struct {
	Account          string          `json:"account"`
	Name             string          `json:"name"`
	Path             string          `json:"path"`
	PolicyID         string          `json:"policyId"`
	Description      string          `json:"description,omitempty"`
	Versions         []PolicyVersion `json:"versions"`
	DefaultVersionID string          `json:"defaultVersionId"`
	// NextVersion numbers the next version ("v<NextVersion>"); IAM never
	// reuses a version ID.
	NextVersion int       `json:"nextVersion"`
	Tags        []Tag     `json:"tags,omitempty"`
	CreateDate  time.Time `json:"createDate"`
	UpdateDate  time.Time `json:"updateDate"`
	Revision    int64     `json:"-"`
}

// PolicyVersion is one version of a managed policy.
type PolicyVersion struct {
	VersionID  string    `json:"versionId"`
	Document   string    `json:"document"`
	CreateDate time.Time `json:"createDate"`
}

// ARN returns arn:aws:iam::<acct>:policy<path><name>.
func (p *ManagedPolicy) ARN() string { return PolicyARN(p.Account, p.Path, p.Name) }

// DefaultVersion returns the default version, or nil if there is none.
func (p *ManagedPolicy) DefaultVersion() *PolicyVersion {
	for i := range p.Versions {
		if p.Versions[i].VersionID == p.DefaultVersionID {
			return &p.Versions[i]
		}
	}
	return nil
}

// User is an IAM user (an operator identity for the IAM API).
type User struct {
	Account                string            `json:"account"`
	Name                   string            `json:"name"`
	Path                   string            `json:"path"`
	UserID                 string            `json:"userId"`
	Tags                   []Tag             `json:"tags,omitempty"`
	InlinePolicies         map[string]string `json:"inlinePolicies,omitempty"`
	ManagedPolicyARNs      []string          `json:"managedPolicyArns,omitempty"`
	PermissionsBoundaryARN string            `json:"permissionsBoundaryArn,omitempty"`
	// GroupIDs are the IDs (AGPA…) of the groups the user belongs to, in
	// the order it joined them. A group is named by its ID, not its name,
	// so renaming a group changes no user, and a membership of a group
	// deleted meanwhile names nothing (a group made again under the same
	// name has another ID).
	GroupIDs   []string  `json:"groupIds,omitempty"`
	CreateDate time.Time `json:"createDate"`
	Revision   int64     `json:"-"`
}

// ARN returns arn:aws:iam::<acct>:user<path><name>.
func (u *User) ARN() string { return UserARN(u.Account, u.Path, u.Name) }

// Group is an IAM group: a name for a set of users that share its inline
// and attached managed policies. Its members are the users whose GroupIDs
// hold its GroupID.
type Group struct {
	Account           string            `json:"account"`
	Name              string            `json:"name"`
	Path              string            `json:"path"`
	GroupID           string            `json:"groupId"`
	InlinePolicies    map[string]string `json:"inlinePolicies,omitempty"`
	ManagedPolicyARNs []string          `json:"managedPolicyArns,omitempty"`
	CreateDate        time.Time         `json:"createDate"`
	Revision          int64             `json:"-"`
}

// ARN returns arn:aws:iam::<acct>:group<path><name>.
func (g *Group) ARN() string { return GroupARN(g.Account, g.Path, g.Name) }

// Access key statuses.
const (
	AccessKeyActive   = "Active"
	AccessKeyInactive = "Inactive"
)

// AccessKey is a user's long-term access key. The secret is stored only in
// wrapped (encrypted) form; wrapping and unwrapping belong to the caller
// (package creds), this package treats WrappedSecret as opaque bytes.
type AccessKey struct {
	Account       string    `json:"account"`
	UserName      string    `json:"userName"`
	AccessKeyID   string    `json:"accessKeyId"`
	Status        string    `json:"status"`
	WrappedSecret []byte    `json:"wrappedSecret"`
	CreateDate    time.Time `json:"createDate"`
	Revision      int64     `json:"-"`
}
