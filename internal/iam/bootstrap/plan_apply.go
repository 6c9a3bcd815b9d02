package bootstrap

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/store"
)

// Deleted is the Action of a Change that (*Plan).Apply deleted.
const Deleted Action = "deleted"

// ErrStale is returned (wrapped, naming the entity) by (*Plan).Apply when
// an entity changed in the store after the plan was made.
var ErrStale = errors.New("the store changed after the plan was made; plan again")

// Apply performs the plan's steps in order and returns what it did.
//
// Every write is a compare-and-swap against the revision the plan saw: an
// entity updated or deleted since, or created by someone else since, stops
// Apply with an error wrapping ErrStale instead of overwriting the other
// writer's change. Apply does not re-plan: plan again from the current
// store (`stsd apply` does so when run again). Steps before a failure stay
// applied; the store is then between the old and the planned state, and
// planning again shows what remains.
//
// Deletes follow IAM's rules: a role's inline policies are deleted and its
// managed policies detached before the role is deleted; a managed policy's
// non-default versions are deleted before the policy, which must not be
// attached to any role or user at that moment. Change.Revision is 0 for a
// delete.
func (p *Plan) Apply(ctx context.Context, repo *iam.Repo) ([]Change, error) {
	var done []Change
	for i := range p.Steps {
		s := &p.Steps[i]
		c, err := s.apply(ctx, repo)
		if err != nil {
			return done, fmt.Errorf("bootstrap: apply: %s %s: %w", s.Kind, s.Name, err)
		}
		done = append(done, c)
	}
	return done, nil
}

func (s *Step) apply(ctx context.Context, repo *iam.Repo) (Change, error) {
	switch {
	case s.Op == OpDelete:
		if err := s.delete(ctx, repo); err != nil {
			return Change{}, err
		}
		return Change{Kind: s.Kind, ARN: s.ARN, Action: Deleted}, nil
	case s.Op == OpCreate:
		rev, err := s.create(ctx, repo)
		if iam.KindOf(err) == iam.KindAlreadyExists {
			return Change{}, ErrStale
		}
		if err != nil {
			return Change{}, err
		}
		return Change{Kind: s.Kind, ARN: s.ARN, Action: Created, Revision: rev}, nil
	case s.Op == OpUpdate:
		rev, err := s.update(ctx, repo)
		if err != nil {
			return Change{}, err
		}
		return Change{Kind: s.Kind, ARN: s.ARN, Action: Updated, Revision: rev}, nil
	}
	return Change{}, fmt.Errorf("unknown operation %q", s.Op)
}

// unchanged fails with ErrStale unless the entity is at the planned
// revision; the update's compare-and-swap then guarantees nothing changed
// in between.
func (s *Step) unchanged(rev int64) error {
	if rev != s.Revision {
		return ErrStale
	}
	return nil
}

// stale turns a missing entity (deleted since the plan) into ErrStale.
func stale(err error) error {
	if iam.KindOf(err) == iam.KindNotFound {
		return ErrStale
	}
	return err
}

func (s *Step) create(ctx context.Context, repo *iam.Repo) (int64, error) {
	switch s.Kind {
	case KindOAuthProvider:
		return s.createOAuthProvider(ctx, repo)
	case KindProvider:
		p, err := repo.CreateProvider(ctx, *s.provider)
		if err != nil {
			return 0, err
		}
		return p.Revision, nil
	case KindPolicy:
		p, err := repo.CreatePolicy(ctx, *s.policy, s.document)
		if err != nil {
			return 0, err
		}
		return p.Revision, nil
	default:
		r, err := repo.CreateRole(ctx, *s.role)
		if err != nil {
			return 0, err
		}
		return r.Revision, nil
	}
}

func (s *Step) update(ctx context.Context, repo *iam.Repo) (int64, error) {
	switch s.Kind {
	case KindOAuthProvider:
		return s.updateOAuthProvider(ctx, repo)
	case KindProvider:
		p, err := repo.UpdateProvider(ctx, s.ARN, func(x *iam.OIDCProvider) error {
			if err := s.unchanged(x.Revision); err != nil {
				return err
			}
			setProvider(x, s.provider)
			return nil
		})
		if err != nil {
			return 0, stale(err)
		}
		return p.Revision, nil
	case KindPolicy:
		p, err := repo.UpdatePolicy(ctx, s.ARN, func(x *iam.ManagedPolicy) error {
			if err := s.unchanged(x.Revision); err != nil {
				return err
			}
			return setPolicy(x, s.policy, s.document, repo.Now())
		})
		if err != nil {
			return 0, stale(err)
		}
		return p.Revision, nil
	default:
		want := s.role
		r, err := repo.UpdateRole(ctx, want.Account, want.Name, func(x *iam.Role) error {
			if err := s.unchanged(x.Revision); err != nil {
				return err
			}
			setRole(x, want)
			return nil
		})
		if err != nil {
			return 0, stale(err)
		}
		return r.Revision, nil
	}
}

// setProvider gives x the members a file manages, as want has them.
func setProvider(x, want *iam.OIDCProvider) {
	x.ClientIDs, x.Thumbprints = slices.Clone(want.ClientIDs), slices.Clone(want.Thumbprints)
	x.JWKSURL, x.StaticJWKS, x.Tags = want.JWKSURL, want.StaticJWKS, slices.Clone(want.Tags)
}

// setRole gives x the members a file manages, as want has them (the role
// keeps its ID and creation date).
func setRole(x, want *iam.Role) {
	x.Description, x.AssumeRolePolicyDocument = want.Description, want.AssumeRolePolicyDocument
	x.MaxSessionDuration, x.Tags = want.MaxSessionDuration, slices.Clone(want.Tags)
	x.InlinePolicies = maps.Clone(want.InlinePolicies)
	x.ManagedPolicyARNs = slices.Clone(want.ManagedPolicyARNs)
	x.PermissionsBoundaryARN = want.PermissionsBoundaryARN
}

// setPolicy gives x want's description and tags and makes doc its default
// version: a new version (the oldest non-default one deleted when the
// policy has the maximum) unless the default already holds doc.
func setPolicy(x, want *iam.ManagedPolicy, doc string, now time.Time) error {
	x.Description, x.Tags = want.Description, slices.Clone(want.Tags)
	if d := x.DefaultVersion(); d != nil && d.Document == doc {
		return nil
	}
	if len(x.Versions) >= iam.MaxPolicyVersions {
		if v := nonDefaultVersions(x); len(v) > 0 {
			if err := x.DeleteVersion(v[0]); err != nil {
				return err
			}
		}
	}
	_, err := x.AddVersion(doc, true, now)
	return err
}

// delete removes the entity the plan saw. Cleanup IAM requires before a
// delete (a role's policies, a policy's other versions) is written with
// compare-and-swap from the planned revision, and the delete itself is a
// compare-and-delete at the revision that cleanup produced.
func (s *Step) delete(ctx context.Context, repo *iam.Repo) error {
	var key string
	rev := s.Revision
	switch v := s.stored.(type) {
	case *iam.OIDCProvider:
		key = iam.ProviderKey(v.Account, v.URL)
	case *iam.OAuthProvider:
		key = iam.OAuthProviderKey(v.Account, v.ProviderID)
	case *iam.Role:
		key = iam.RoleKey(v.Account, v.Name)
		r, err := repo.UpdateRole(ctx, v.Account, v.Name, func(x *iam.Role) error {
			if err := s.unchanged(x.Revision); err != nil {
				return err
			}
			x.InlinePolicies, x.ManagedPolicyARNs = nil, nil
			return nil
		})
		if err != nil {
			return stale(err)
		}
		rev = r.Revision
	case *iam.ManagedPolicy:
		key = iam.PolicyKey(v.Account, v.Name)
		if err := notAttached(ctx, repo, v); err != nil {
			return err
		}
		p, err := repo.UpdatePolicy(ctx, v.ARN(), func(x *iam.ManagedPolicy) error {
			if err := s.unchanged(x.Revision); err != nil {
				return err
			}
			for _, id := range nonDefaultVersions(x) {
				if err := x.DeleteVersion(id); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return stale(err)
		}
		rev = p.Revision
	default:
		return fmt.Errorf("nothing to delete")
	}
	_, err := repo.Store().CompareAndDelete(ctx, key, rev)
	if errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrNotFound) {
		return ErrStale
	}
	return err
}

// notAttached checks, just before a managed policy is deleted, that no
// role, user or group of its account uses it (as IAM's DeletePolicy does).
func notAttached(ctx context.Context, repo *iam.Repo, p *iam.ManagedPolicy) error {
	roles, err := repo.ListRoles(ctx, p.Account)
	if err != nil {
		return err
	}
	if r := roleUsing(roles, p.ARN()); r != nil {
		return fmt.Errorf("%w (role %s now uses the policy)", ErrStale, r.Name)
	}
	users, err := repo.ListUsers(ctx, p.Account)
	if err != nil {
		return err
	}
	if u := userUsing(users, p.ARN()); u != nil {
		return fmt.Errorf("%w (user %s now uses the policy)", ErrStale, u.Name)
	}
	groups, err := repo.ListGroups(ctx, p.Account)
	if err != nil {
		return err
	}
	if g := groupUsing(groups, p.ARN()); g != nil {
		return fmt.Errorf("%w (group %s now uses the policy)", ErrStale, g.Name)
	}
	return nil
}
