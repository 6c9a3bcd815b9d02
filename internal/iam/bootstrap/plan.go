package bootstrap

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/stsd/stsd/internal/iam"
)

// Op is what a Plan does to one entity, written as in its rendering.
type Op string

// Plan operations.
const (
	OpCreate Op = "+"
	OpUpdate Op = "~"
	OpDelete Op = "-"
)

// Entity kinds, as in Change.Kind and Step.Kind.
const (
	KindProvider = "oidc-provider"
	KindPolicy   = "policy"
	KindRole     = "role"
	// KindOAuthProvider is an oauth_providers entry.
	KindOAuthProvider = "oauth-provider"
)

// Plan is the difference between an account in the store and a file: what
// (*Plan).Apply would create, update and delete to make the store match
// the file exactly. Users and access keys are never part of a plan.
type Plan struct {
	Account string
	// Steps are in the order Apply performs them: OIDC and OAuth providers
	// created or updated, then managed policies, then roles; then roles
	// deleted, then managed policies, then OAuth and OIDC providers.
	Steps []Step
}

// Step is one entity's change.
type Step struct {
	Op   Op
	Kind string
	// Name is the role's or policy's name, the OIDC provider's URL or the
	// OAuth provider's id.
	Name string
	ARN  string
	// Fields lists what an update changes, in schema order.
	Fields []FieldChange
	// Notes are side effects worth reviewing (a policy version deleted,
	// policies detached from a role being deleted).
	Notes []string
	// Revision is the entity's store revision the plan was made from (0
	// for a create). Apply refuses to change an entity whose revision is
	// no longer this one.
	Revision int64

	// Desired state, for creates and updates.
	provider      *iam.OIDCProvider
	oauthProvider *iam.OAuthProvider
	policy        *iam.ManagedPolicy // Name, Path, Description, Tags
	document      string             // the policy's desired default version
	role          *iam.Role
	// For deletes: the stored entity.
	stored any
}

// FieldChange is one field an update changes. For documents (Document
// true) Old and New are the JSON texts ("" when absent); for other fields
// they are display values (lists as [a, b], tags as {k: v}, "(none)" for
// empty).
type FieldChange struct {
	// Field is the schema key, e.g. "max_session_duration" or
	// "inline_policies.write-artifacts".
	Field    string
	Old, New string
	Document bool
}

// Empty reports whether the plan changes nothing.
func (p *Plan) Empty() bool { return len(p.Steps) == 0 }

// Counts returns how many entities the plan creates, updates and deletes.
func (p *Plan) Counts() (create, update, del int) {
	for _, s := range p.Steps {
		switch s.Op {
		case OpCreate:
			create++
		case OpUpdate:
			update++
		case OpDelete:
			del++
		}
	}
	return create, update, del
}

// state is an account's entities in the store.
type state struct {
	providers map[string]*iam.OIDCProvider  // by URL without scheme
	policies  map[string]*iam.ManagedPolicy // by lower-cased name
	roles     map[string]*iam.Role          // by lower-cased name
	users     []*iam.User
	groups    []*iam.Group
	oauth     map[string]*iam.OAuthProvider // by provider id
	oauthList []*iam.OAuthProvider

	providerList []*iam.OIDCProvider
	policyList   []*iam.ManagedPolicy
	roleList     []*iam.Role
}

func readState(ctx context.Context, repo *iam.Repo, account string) (*state, error) {
	var s state
	var err error
	if s.providerList, err = repo.ListProviders(ctx, account); err != nil {
		return nil, err
	}
	if s.policyList, err = repo.ListPolicies(ctx, account); err != nil {
		return nil, err
	}
	if s.roleList, err = repo.ListRoles(ctx, account); err != nil {
		return nil, err
	}
	if s.oauthList, err = repo.ListOAuthProviders(ctx, account); err != nil {
		return nil, err
	}
	s.oauth = make(map[string]*iam.OAuthProvider, len(s.oauthList))
	for _, p := range s.oauthList {
		s.oauth[p.ProviderID] = p
	}
	if s.users, err = repo.ListUsers(ctx, account); err != nil {
		return nil, err
	}
	if s.groups, err = repo.ListGroups(ctx, account); err != nil {
		return nil, err
	}
	s.providers = make(map[string]*iam.OIDCProvider, len(s.providerList))
	for _, p := range s.providerList {
		s.providers[p.HostPath()] = p
	}
	s.policies = make(map[string]*iam.ManagedPolicy, len(s.policyList))
	for _, p := range s.policyList {
		s.policies[strings.ToLower(p.Name)] = p
	}
	s.roles = make(map[string]*iam.Role, len(s.roleList))
	for _, r := range s.roleList {
		s.roles[strings.ToLower(r.Name)] = r
	}
	return &s, nil
}

// MakePlan compares the account in the store with f (from Load, Parse or
// Export) and returns the steps that make the store match f, writing
// nothing. Providers, managed policies and roles in the store that f does
// not list are deleted; users and access keys are left alone. It fails,
// before anything is applied, when f asks for what IAM cannot do: change a
// role's or policy's name case or path or a provider's URL scheme, or
// delete a managed policy that a user, or a role of f, still uses.
func MakePlan(ctx context.Context, repo *iam.Repo, account string, f *File) (*Plan, error) {
	if err := checkPolicyRefs(ctx, repo, account, f); err != nil {
		return nil, err
	}
	cur, err := readState(ctx, repo, account)
	if err != nil {
		return nil, fmt.Errorf("bootstrap: plan: %w", err)
	}
	plan := &Plan{Account: account}
	keep := map[string]bool{} // kind + "/" + store id of the entities f lists
	for i := range f.OIDCProviders {
		p := &f.OIDCProviders[i]
		s, err := planProvider(cur, account, p)
		if err != nil {
			return nil, fmt.Errorf("bootstrap: plan: oidc provider %s: %w", p.URL, err)
		}
		keep[KindProvider+"/"+iam.TrimScheme(p.URL)] = true
		plan.add(s)
	}
	for i := range f.OAuthProviders {
		p := &f.OAuthProviders[i]
		keep[KindOAuthProvider+"/"+p.ProviderID] = true
		plan.add(planOAuthProvider(cur.oauth, account, p))
	}
	for i := range f.ManagedPolicies {
		p := &f.ManagedPolicies[i]
		s, err := planPolicy(cur, account, p)
		if err != nil {
			return nil, fmt.Errorf("bootstrap: plan: managed policy %s: %w", p.Name, err)
		}
		keep[KindPolicy+"/"+strings.ToLower(p.Name)] = true
		plan.add(s)
	}
	var desiredRoles []*iam.Role
	for i := range f.Roles {
		r := &f.Roles[i]
		want := desiredRole(account, f, r)
		desiredRoles = append(desiredRoles, want)
		s, err := planRole(cur, want)
		if err != nil {
			return nil, fmt.Errorf("bootstrap: plan: role %s: %w", r.Name, err)
		}
		keep[KindRole+"/"+strings.ToLower(r.Name)] = true
		plan.add(s)
	}
	for _, r := range cur.roleList {
		if !keep[KindRole+"/"+strings.ToLower(r.Name)] {
			plan.Steps = append(plan.Steps, roleDeletion(r))
		}
	}
	for _, p := range cur.policyList {
		if keep[KindPolicy+"/"+strings.ToLower(p.Name)] {
			continue
		}
		if err := deletable(p, desiredRoles, cur.users, cur.groups); err != nil {
			return nil, fmt.Errorf("bootstrap: plan: managed policy %s: %w", p.ARN(), err)
		}
		plan.Steps = append(plan.Steps, policyDeletion(p))
	}
	for _, p := range cur.oauthList {
		if !keep[KindOAuthProvider+"/"+p.ProviderID] {
			plan.Steps = append(plan.Steps, oauthProviderDeletion(p))
		}
	}
	for _, p := range cur.providerList {
		if !keep[KindProvider+"/"+p.HostPath()] {
			plan.Steps = append(plan.Steps, Step{Op: OpDelete, Kind: KindProvider, Name: p.URL, ARN: p.ARN(), Revision: p.Revision, stored: p})
		}
	}
	return plan, nil
}

// add appends s unless it is nil (an entity already as desired).
func (p *Plan) add(s *Step) {
	if s != nil {
		p.Steps = append(p.Steps, *s)
	}
}

// desiredProvider is the provider p of a file as the store would hold it.
func desiredProvider(account string, p *Provider) *iam.OIDCProvider {
	jwks := p.staticJWKS
	if jwks == "" && p.StaticJWKS != nil {
		jwks = p.StaticJWKS.JSON
	}
	return &iam.OIDCProvider{
		Account: account, URL: p.URL, ClientIDs: iam.Dedupe(p.ClientIDs), Thumbprints: iam.Dedupe(p.Thumbprints),
		JWKSURL: p.JWKSURL, StaticJWKS: jwks, Tags: p.Tags,
	}
}

func planProvider(cur *state, account string, p *Provider) (*Step, error) {
	want := desiredProvider(account, p)
	old, ok := cur.providers[iam.TrimScheme(p.URL)]
	if !ok {
		return &Step{Op: OpCreate, Kind: KindProvider, Name: p.URL, ARN: want.ARN(), provider: want}, nil
	}
	if old.URL != p.URL {
		return nil, fmt.Errorf("the store holds %s for the same host and path; a provider's URL cannot change", old.URL)
	}
	var fc fields
	fc.list("client_ids", old.ClientIDs, want.ClientIDs)
	fc.list("thumbprints", old.Thumbprints, want.Thumbprints)
	fc.str("jwks_url", old.JWKSURL, want.JWKSURL)
	fc.doc("static_jwks", old.StaticJWKS, want.StaticJWKS)
	fc.tags("tags", old.Tags, want.Tags)
	if len(fc) == 0 {
		return nil, nil
	}
	return &Step{Op: OpUpdate, Kind: KindProvider, Name: p.URL, ARN: old.ARN(), Fields: fc, Revision: old.Revision, provider: want}, nil
}

// desiredPolicy is the managed policy p of a file as the store would hold
// it (Name, Path, Description, Tags; the document is p.Document).
func desiredPolicy(account string, p *Policy) *iam.ManagedPolicy {
	path := p.Path
	if path == "" {
		path = "/"
	}
	return &iam.ManagedPolicy{Account: account, Name: p.Name, Path: path, Description: p.Description, Tags: p.Tags}
}

func planPolicy(cur *state, account string, p *Policy) (*Step, error) {
	want := desiredPolicy(account, p)
	old, ok := cur.policies[strings.ToLower(p.Name)]
	if !ok {
		return &Step{Op: OpCreate, Kind: KindPolicy, Name: p.Name, ARN: want.ARN(), policy: want, document: p.Document.JSON}, nil
	}
	if old.Name != p.Name || old.Path != want.Path {
		return nil, fmt.Errorf("the store holds it as %s; a managed policy's name and path cannot change", old.ARN())
	}
	var fc fields
	fc.str("description", old.Description, want.Description)
	var notes []string
	oldDoc := ""
	if d := old.DefaultVersion(); d != nil {
		oldDoc = d.Document
	}
	if oldDoc != p.Document.JSON {
		fc.doc("document", oldDoc, p.Document.JSON)
		next := old.NextVersion
		if next < 1 { // as ManagedPolicy.AddVersion numbers it
			next = len(old.Versions) + 1
		}
		note := fmt.Sprintf("the document becomes version v%d, the default", next)
		if v := nonDefaultVersions(old); len(old.Versions) >= iam.MaxPolicyVersions && len(v) > 0 {
			note += "; version " + v[0] + " is deleted (a policy keeps at most 5 versions)"
		}
		notes = append(notes, note)
	}
	fc.tags("tags", old.Tags, want.Tags)
	if len(fc) == 0 {
		return nil, nil
	}
	return &Step{Op: OpUpdate, Kind: KindPolicy, Name: p.Name, ARN: old.ARN(), Fields: fc, Notes: notes,
		Revision: old.Revision, policy: want, document: p.Document.JSON}, nil
}

// nonDefaultVersions lists the IDs of the policy's versions other than
// the default, oldest first.
func nonDefaultVersions(p *iam.ManagedPolicy) []string {
	var ids []string
	for _, v := range p.Versions {
		if v.VersionID != p.DefaultVersionID {
			ids = append(ids, v.VersionID)
		}
	}
	return ids
}

// desiredRole is the role r of f as the store would hold it.
func desiredRole(account string, f *File, r *Role) *iam.Role {
	want := &iam.Role{
		Account: account, Name: r.Name, Path: r.Path, Description: r.Description,
		AssumeRolePolicyDocument: r.TrustPolicy.JSON, MaxSessionDuration: r.MaxSessionDuration,
		Tags: r.Tags, ManagedPolicyARNs: iam.Dedupe(resolveRefs(account, f, r.ManagedPolicies)),
	}
	if want.Path == "" {
		want.Path = "/"
	}
	if want.MaxSessionDuration == 0 {
		want.MaxSessionDuration = iam.DefaultSessionDuration
	}
	if len(r.InlinePolicies) > 0 {
		want.InlinePolicies = make(map[string]string, len(r.InlinePolicies))
		for n, d := range r.InlinePolicies {
			want.InlinePolicies[n] = d.JSON
		}
	}
	if r.PermissionsBoundary != "" {
		if refs := resolveRefs(account, f, []string{r.PermissionsBoundary}); len(refs) == 1 {
			want.PermissionsBoundaryARN = refs[0]
		}
	}
	return want
}

func planRole(cur *state, want *iam.Role) (*Step, error) {
	old, ok := cur.roles[strings.ToLower(want.Name)]
	if !ok {
		return &Step{Op: OpCreate, Kind: KindRole, Name: want.Name, ARN: want.ARN(), role: want}, nil
	}
	if old.Name != want.Name || old.Path != want.Path {
		return nil, fmt.Errorf("the store holds it as %s; a role's name and path cannot change", old.ARN())
	}
	var fc fields
	fc.str("description", old.Description, want.Description)
	fc.num("max_session_duration", old.MaxSessionDuration, want.MaxSessionDuration)
	fc.doc("trust_policy", old.AssumeRolePolicyDocument, want.AssumeRolePolicyDocument)
	names := slices.Sorted(maps.Keys(old.InlinePolicies))
	for n := range want.InlinePolicies {
		if _, ok := old.InlinePolicies[n]; !ok {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	for _, n := range names {
		fc.doc("inline_policies."+n, old.InlinePolicies[n], want.InlinePolicies[n])
	}
	fc.list("managed_policies", old.ManagedPolicyARNs, want.ManagedPolicyARNs)
	fc.str("permissions_boundary", old.PermissionsBoundaryARN, want.PermissionsBoundaryARN)
	fc.tags("tags", old.Tags, want.Tags)
	if len(fc) == 0 {
		return nil, nil
	}
	return &Step{Op: OpUpdate, Kind: KindRole, Name: want.Name, ARN: old.ARN(), Fields: fc, Revision: old.Revision, role: want}, nil
}

func roleDeletion(r *iam.Role) Step {
	s := Step{Op: OpDelete, Kind: KindRole, Name: r.Name, ARN: r.ARN(), Revision: r.Revision, stored: r}
	for _, n := range slices.Sorted(maps.Keys(r.InlinePolicies)) {
		s.Notes = append(s.Notes, "deletes inline policy "+n+" first")
	}
	for _, arn := range r.ManagedPolicyARNs {
		s.Notes = append(s.Notes, "detaches "+arn+" first")
	}
	return s
}

func policyDeletion(p *iam.ManagedPolicy) Step {
	s := Step{Op: OpDelete, Kind: KindPolicy, Name: p.Name, ARN: p.ARN(), Revision: p.Revision, stored: p}
	if others := nonDefaultVersions(p); len(others) > 0 {
		s.Notes = append(s.Notes, "deletes non-default versions "+strings.Join(others, ", ")+" first")
	}
	return s
}

// deletable checks that no role of the file and no user or group refers to
// the managed policy p (roles deleted by the plan are detached first).
func deletable(p *iam.ManagedPolicy, roles []*iam.Role, users []*iam.User, groups []*iam.Group) error {
	arn := p.ARN()
	if r := roleUsing(roles, arn); r != nil {
		return fmt.Errorf("the file does not list it, so it would be deleted, but role %s of the file uses it; add it to managed_policies or stop using it", r.Name)
	}
	if u := userUsing(users, arn); u != nil {
		return fmt.Errorf("the file does not list it, so it would be deleted, but user %s uses it (users are not managed by the file); add it to managed_policies or detach it from the user", u.Name)
	}
	if g := groupUsing(groups, arn); g != nil {
		return fmt.Errorf("the file does not list it, so it would be deleted, but group %s uses it (groups are not managed by the file); add it to managed_policies or detach it from the group", g.Name)
	}
	return nil
}

// groupUsing is roleUsing for groups.
func groupUsing(groups []*iam.Group, arn string) *iam.Group {
	for _, g := range groups {
		if refersTo(g.ManagedPolicyARNs, "", arn) {
			return g
		}
	}
	return nil
}

// roleUsing returns the first role that has the managed policy arn
// attached or as its permissions boundary, or nil.
func roleUsing(roles []*iam.Role, arn string) *iam.Role {
	for _, r := range roles {
		if refersTo(r.ManagedPolicyARNs, r.PermissionsBoundaryARN, arn) {
			return r
		}
	}
	return nil
}

// userUsing is roleUsing for users.
func userUsing(users []*iam.User, arn string) *iam.User {
	for _, u := range users {
		if refersTo(u.ManagedPolicyARNs, u.PermissionsBoundaryARN, arn) {
			return u
		}
	}
	return nil
}

func refersTo(arns []string, boundary, arn string) bool {
	if strings.EqualFold(boundary, arn) {
		return true
	}
	return slices.ContainsFunc(arns, func(a string) bool { return strings.EqualFold(a, arn) })
}
