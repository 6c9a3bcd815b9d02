package bootstrap

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/stsd/stsd/internal/iam"
)

// Action says what Apply did to one entity.
type Action string

// Apply actions.
const (
	Created   Action = "created"
	Updated   Action = "updated"
	Unchanged Action = "unchanged"
)

// Change is one entity Apply looked at.
type Change struct {
	// Kind is "oidc-provider", "policy" or "role".
	Kind   string
	ARN    string
	Action Action
	// Revision is the store revision of the entity after Apply (pass the
	// largest to Cache.WaitRevision).
	Revision int64
}

// Apply makes the account's entities in the store match the file:
// providers first, then managed policies, then roles. Missing entities are
// created; existing ones are updated field by field (a role keeps its ID
// and creation date; a managed policy whose document changed gets a new
// default version, the oldest non-default version being deleted when five
// exist); entities already equal are not written. Entities the file does
// not mention are left alone. A role or policy that exists with another
// path is an error (IAM paths cannot change). Apply stops at the first
// error; what was applied before it stays applied. f must come from Load or
// Parse (which validate it and read jwks_file).
func Apply(ctx context.Context, repo *iam.Repo, account string, f *File) ([]Change, error) {
	var changes []Change
	for _, p := range f.OIDCProviders {
		c, err := applyProvider(ctx, repo, account, &p)
		if err != nil {
			return changes, fmt.Errorf("bootstrap: oidc provider %s: %w", p.URL, err)
		}
		changes = append(changes, c)
	}
	for _, p := range f.ManagedPolicies {
		c, err := applyPolicy(ctx, repo, account, &p)
		if err != nil {
			return changes, fmt.Errorf("bootstrap: managed policy %s: %w", p.Name, err)
		}
		changes = append(changes, c)
	}
	for _, r := range f.Roles {
		c, err := applyRole(ctx, repo, account, f, &r)
		if err != nil {
			return changes, fmt.Errorf("bootstrap: role %s: %w", r.Name, err)
		}
		changes = append(changes, c)
	}
	return changes, nil
}

func outcome(kind, arn string, beforeRev, afterRev int64) Change {
	a := Unchanged
	if afterRev != beforeRev {
		a = Updated
	}
	return Change{Kind: kind, ARN: arn, Action: a, Revision: afterRev}
}

func applyProvider(ctx context.Context, repo *iam.Repo, account string, p *Provider) (Change, error) {
	const kind = "oidc-provider"
	arn := iam.ProviderARN(account, p.URL)
	if p.staticJWKS == "" && p.StaticJWKS != nil {
		p.staticJWKS = p.StaticJWKS.JSON
	}
	existing, err := repo.GetProvider(ctx, arn)
	if iam.CodeOf(err) == iam.CodeNoSuchEntity {
		created, err := repo.CreateProvider(ctx, iam.OIDCProvider{
			Account: account, URL: p.URL, ClientIDs: p.ClientIDs, Thumbprints: p.Thumbprints,
			JWKSURL: p.JWKSURL, StaticJWKS: p.staticJWKS, Tags: p.Tags,
		})
		if err != nil {
			return Change{}, err
		}
		return Change{Kind: kind, ARN: arn, Action: Created, Revision: created.Revision}, nil
	}
	if err != nil {
		return Change{}, err
	}
	if existing.URL != p.URL {
		return Change{}, fmt.Errorf("the store holds %s for the same host and path; a provider's URL cannot change", existing.URL)
	}
	updated, err := repo.UpdateProvider(ctx, arn, func(x *iam.OIDCProvider) error {
		x.ClientIDs, x.Thumbprints = p.ClientIDs, p.Thumbprints
		x.JWKSURL, x.StaticJWKS, x.Tags = p.JWKSURL, p.staticJWKS, p.Tags
		return nil
	})
	if err != nil {
		return Change{}, err
	}
	return outcome(kind, arn, existing.Revision, updated.Revision), nil
}

func applyPolicy(ctx context.Context, repo *iam.Repo, account string, p *Policy) (Change, error) {
	const kind = "policy"
	arn := iam.PolicyARN(account, p.Path, p.Name)
	existing, err := repo.GetPolicy(ctx, arn)
	if iam.CodeOf(err) == iam.CodeNoSuchEntity {
		created, err := repo.CreatePolicy(ctx, iam.ManagedPolicy{
			Account: account, Name: p.Name, Path: p.Path, Description: p.Description, Tags: p.Tags,
		}, p.Document.JSON)
		if err != nil {
			return Change{}, err
		}
		return Change{Kind: kind, ARN: arn, Action: Created, Revision: created.Revision}, nil
	}
	if err != nil {
		return Change{}, err
	}
	updated, err := repo.UpdatePolicy(ctx, arn, func(x *iam.ManagedPolicy) error {
		x.Description, x.Tags = p.Description, p.Tags
		if d := x.DefaultVersion(); d != nil && d.Document == p.Document.JSON {
			return nil
		}
		if len(x.Versions) >= iam.MaxPolicyVersions {
			for _, v := range x.Versions {
				if v.VersionID != x.DefaultVersionID {
					if err := x.DeleteVersion(v.VersionID); err != nil {
						return err
					}
					break
				}
			}
		}
		_, err := x.AddVersion(p.Document.JSON, true, repo.Now())
		return err
	})
	if err != nil {
		return Change{}, err
	}
	return outcome(kind, arn, existing.Revision, updated.Revision), nil
}

func applyRole(ctx context.Context, repo *iam.Repo, account string, f *File, r *Role) (Change, error) {
	const kind = "role"
	desired := iam.Role{
		Account: account, Name: r.Name, Path: r.Path, Description: r.Description,
		AssumeRolePolicyDocument: r.TrustPolicy.JSON, MaxSessionDuration: r.MaxSessionDuration,
		Tags: r.Tags, ManagedPolicyARNs: resolveRefs(account, f, r.ManagedPolicies),
	}
	if desired.MaxSessionDuration == 0 {
		desired.MaxSessionDuration = iam.DefaultSessionDuration
	}
	if len(r.InlinePolicies) > 0 {
		desired.InlinePolicies = make(map[string]string, len(r.InlinePolicies))
		for n, d := range r.InlinePolicies {
			desired.InlinePolicies[n] = d.JSON
		}
	}
	if r.PermissionsBoundary != "" {
		desired.PermissionsBoundaryARN = resolveRefs(account, f, []string{r.PermissionsBoundary})[0]
	}
	existing, err := repo.GetRole(ctx, account, r.Name)
	if iam.CodeOf(err) == iam.CodeNoSuchEntity {
		created, err := repo.CreateRole(ctx, desired)
		if err != nil {
			return Change{}, err
		}
		return Change{Kind: kind, ARN: created.ARN(), Action: Created, Revision: created.Revision}, nil
	}
	if err != nil {
		return Change{}, err
	}
	if existing.Path != r.Path || existing.Name != r.Name {
		return Change{}, fmt.Errorf("the store holds it as %s; a role's name and path cannot change", existing.ARN())
	}
	updated, err := repo.UpdateRole(ctx, account, r.Name, func(x *iam.Role) error {
		x.Description, x.AssumeRolePolicyDocument = desired.Description, desired.AssumeRolePolicyDocument
		x.MaxSessionDuration, x.Tags = desired.MaxSessionDuration, desired.Tags
		x.InlinePolicies = maps.Clone(desired.InlinePolicies)
		x.ManagedPolicyARNs = slices.Clone(desired.ManagedPolicyARNs)
		x.PermissionsBoundaryARN = desired.PermissionsBoundaryARN
		return nil
	})
	if err != nil {
		return Change{}, err
	}
	return outcome(kind, updated.ARN(), existing.Revision, updated.Revision), nil
}

// resolveRefs turns managed policy names of the file into ARNs in the
// account; ARNs are kept.
func resolveRefs(account string, f *File, refs []string) []string {
	out := make([]string, 0, len(refs))
	for _, ref := range refs {
		if strings.HasPrefix(ref, "arn:") {
			out = append(out, ref)
			continue
		}
		for _, p := range f.ManagedPolicies {
			if strings.EqualFold(p.Name, ref) {
				out = append(out, iam.PolicyARN(account, p.Path, p.Name))
				break
			}
		}
	}
	return out
}
