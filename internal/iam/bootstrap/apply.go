package bootstrap

import (
	"context"
	"fmt"
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
	// Kind is "oidc-provider", "oauth-provider", "policy" or "role".
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
// path is an error (IAM paths cannot change), and so is a policy ARN that
// names no policy stsd can resolve (checked before anything is written).
// Apply stops at the first
// error; what was applied before it stays applied. f must come from Load or
// Parse (which validate it and read jwks_file).
func Apply(ctx context.Context, repo *iam.Repo, account string, f *File) ([]Change, error) {
	if err := checkPolicyRefs(ctx, repo, account, f); err != nil {
		return nil, err
	}
	var changes []Change
	for _, p := range f.OIDCProviders {
		c, err := applyProvider(ctx, repo, account, &p)
		if err != nil {
			return changes, fmt.Errorf("bootstrap: oidc provider %s: %w", p.URL, err)
		}
		changes = append(changes, c)
	}
	for _, p := range f.OAuthProviders {
		c, err := applyOAuthProvider(ctx, repo, account, &p)
		if err != nil {
			return changes, fmt.Errorf("bootstrap: oauth provider %s: %w", p.ProviderID, err)
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
	want := desiredProvider(account, p)
	arn := want.ARN()
	existing, err := repo.GetProvider(ctx, arn)
	if iam.KindOf(err) == iam.KindNotFound {
		created, err := repo.CreateProvider(ctx, *want)
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
		setProvider(x, want)
		return nil
	})
	if err != nil {
		return Change{}, err
	}
	return outcome(kind, arn, existing.Revision, updated.Revision), nil
}

func applyPolicy(ctx context.Context, repo *iam.Repo, account string, p *Policy) (Change, error) {
	const kind = "policy"
	want := desiredPolicy(account, p)
	arn := want.ARN()
	existing, err := repo.GetPolicy(ctx, arn)
	if iam.KindOf(err) == iam.KindNotFound {
		created, err := repo.CreatePolicy(ctx, *want, p.Document.JSON)
		if err != nil {
			return Change{}, err
		}
		return Change{Kind: kind, ARN: arn, Action: Created, Revision: created.Revision}, nil
	}
	if err != nil {
		return Change{}, err
	}
	updated, err := repo.UpdatePolicy(ctx, arn, func(x *iam.ManagedPolicy) error {
		return setPolicy(x, want, p.Document.JSON, repo.Now())
	})
	if err != nil {
		return Change{}, err
	}
	return outcome(kind, arn, existing.Revision, updated.Revision), nil
}

func applyRole(ctx context.Context, repo *iam.Repo, account string, f *File, r *Role) (Change, error) {
	const kind = "role"
	desired := desiredRole(account, f, r)
	existing, err := repo.GetRole(ctx, account, desired.Name)
	if iam.KindOf(err) == iam.KindNotFound {
		created, err := repo.CreateRole(ctx, *desired)
		if err != nil {
			return Change{}, err
		}
		return Change{Kind: kind, ARN: created.ARN(), Action: Created, Revision: created.Revision}, nil
	}
	if err != nil {
		return Change{}, err
	}
	if existing.Path != desired.Path || existing.Name != desired.Name {
		return Change{}, fmt.Errorf("the store holds it as %s; a role's name and path cannot change", existing.ARN())
	}
	updated, err := repo.UpdateRole(ctx, account, desired.Name, func(x *iam.Role) error {
		setRole(x, desired)
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
