package iamapi

import (
	"context"
	"errors"

	"github.com/stsd/stsd/internal/iam"
)

// target is what the dispatcher authorizes an action against: the ARN of
// the entity the request names, spelled as stored, and the facts about that
// entity that condition keys read.
//
// IAM finds a role, user or managed policy whatever the letter case of its
// name ("Names are not distinguished by case. For example, you cannot
// create resources named both "MyResource" and "myresource"", IAM API
// reference, CreateRole), but a policy's Resource element and its ARN and string
// conditions compare with case. Authorizing against the request's spelling
// would let RoleName=R-GUARDED escape a Deny on role/r-guarded, or
// RoleName=app-prod reach the role App-Prod through an Allow on role/app-*.
// So every finder first resolves the entity — a consistent read of the
// store, the same read the action itself makes — and the resource is the
// entity's canonical ARN: its stored path and name. A name that finds
// nothing is authorized as the request spells it (the action then answers
// NoSuchEntity, after AccessDenied had its turn, as in IAM); so is the ARN
// of an entity about to be created.
type target struct {
	arn string
	// tags are the entity's tags: aws:ResourceTag/<key> and
	// iam:ResourceTag/<key>.
	tags []iam.Tag
	// boundary is the entity's permissions boundary ARN, which
	// iam:PermissionsBoundary names for actions on an existing role or user
	// that do not set one.
	boundary string
}

// finder returns the target of an action. Its only errors are the store's
// (ServiceFailure): a request that names nothing valid is authorized as
// spelled and rejected by the action's own validation.
type finder func(ctx context.Context, repo *iam.Repo, x *exchange) (target, error)

// arnOf is a finder whose ARN needs no lookup.
func arnOf(f func(x *exchange) string) finder {
	return func(_ context.Context, _ *iam.Repo, x *exchange) (target, error) { return target{arn: f(x)}, nil }
}

// anyResource is for actions IAM authorizes on "*" (List*, Simulate*).
var anyResource = arnOf(func(*exchange) string { return "*" })

// found reports whether a lookup found the entity: NoSuchEntity and a
// malformed name or ARN (InvalidInput, ValidationError) find nothing; any
// other error is the store's and is returned.
func found(err error) (bool, error) {
	if err == nil {
		return true, nil
	}
	var e *iam.Error
	if errors.As(err, &e) && e.Kind() != iam.KindStoreFailure {
		return false, nil
	}
	return false, err
}

// newRoleResource is the ARN CreateRole's role will have.
var newRoleResource = arnOf(func(x *exchange) string {
	return iam.RoleARN(x.account, pathOr(x.params.Value("Path")), x.params.Value("RoleName"))
})

// roleResource is arn:aws:iam::<acct>:role<path><name> of the role
// RoleName finds.
func roleResource(ctx context.Context, repo *iam.Repo, x *exchange) (target, error) {
	name := x.params.Value("RoleName")
	r, err := repo.GetRole(ctx, x.account, name)
	if ok, err := found(err); !ok {
		return target{arn: iam.RoleARN(x.account, "/", name)}, err
	}
	return target{arn: iam.RoleARN(r.Account, r.Path, r.Name), tags: r.Tags, boundary: r.PermissionsBoundaryARN}, nil
}

// newUserResource is the ARN CreateUser's user will have.
var newUserResource = arnOf(func(x *exchange) string {
	return iam.UserARN(x.account, pathOr(x.params.Value("Path")), x.params.Value("UserName"))
})

// userResource is arn:aws:iam::<acct>:user<path><name> of the user
// UserName finds. Without a UserName (access-key actions, GetUser), it is
// the calling user itself.
func userResource(ctx context.Context, repo *iam.Repo, x *exchange) (target, error) {
	name, sent := x.params.Get("UserName")
	if !sent && x.caller.User != nil {
		name = x.caller.User.User.Name
	}
	u, err := repo.GetUser(ctx, x.account, name)
	if ok, err := found(err); !ok {
		return target{arn: iam.UserARN(x.account, "/", name)}, err
	}
	return target{arn: iam.UserARN(u.Account, u.Path, u.Name), tags: u.Tags, boundary: u.PermissionsBoundaryARN}, nil
}

// newGroupResource is the ARN CreateGroup's group will have.
var newGroupResource = arnOf(func(x *exchange) string {
	return iam.GroupARN(x.account, pathOr(x.params.Value("Path")), x.params.Value("GroupName"))
})

// groupResource is arn:aws:iam::<acct>:group<path><name> of the group
// GroupName finds.
func groupResource(ctx context.Context, repo *iam.Repo, x *exchange) (target, error) {
	name := x.params.Value("GroupName")
	g, err := repo.GetGroup(ctx, x.account, name)
	if ok, err := found(err); !ok {
		return target{arn: iam.GroupARN(x.account, "/", name)}, err
	}
	return target{arn: g.ARN()}, nil
}

// accessKeyOwnerResource is the user that owns the access key
// AccessKeyId names (GetAccessKeyLastUsed), as stored; a key that finds
// nothing is authorized on the calling user's own ARN when it is a user
// (the action then answers NoSuchEntity), else on "*".
func accessKeyOwnerResource(ctx context.Context, repo *iam.Repo, x *exchange) (target, error) {
	k, err := repo.GetAccessKey(ctx, x.account, x.params.Value("AccessKeyId"))
	if ok, err := found(err); !ok {
		if x.caller.User != nil {
			return target{arn: x.caller.User.ARN}, err
		}
		return target{arn: "*"}, err
	}
	u, err := repo.GetUser(ctx, x.account, k.UserName)
	if ok, err := found(err); !ok {
		return target{arn: iam.UserARN(x.account, "/", k.UserName)}, err
	}
	return target{arn: u.ARN(), tags: u.Tags, boundary: u.PermissionsBoundaryARN}, nil
}

// newPolicyResource is the ARN CreatePolicy's policy will have.
var newPolicyResource = arnOf(func(x *exchange) string {
	return iam.PolicyARN(x.account, pathOr(x.params.Value("Path")), x.params.Value("PolicyName"))
})

// policyResource is the managed policy PolicyArn finds, as stored (an
// AWS managed policy as AWS spells its ARN).
func policyResource(ctx context.Context, repo *iam.Repo, x *exchange) (target, error) {
	arn := x.params.Value("PolicyArn")
	p, err := attachablePolicy(ctx, repo, x.account, arn)
	if p == nil {
		return target{arn: arn}, err
	}
	return target{arn: p.ARN(), tags: p.Tags}, nil
}

// canonicalPolicyARN is the stored spelling of the account's managed
// policy arn names, or arn itself when it names none (iam:PolicyARN and
// iam:PermissionsBoundary compare the policy attached, not the request's
// spelling of it).
func canonicalPolicyARN(ctx context.Context, repo *iam.Repo, x *exchange, arn string) (string, error) {
	p, err := attachablePolicy(ctx, repo, x.account, arn)
	if p == nil {
		return arn, err
	}
	return p.ARN(), nil
}

// newProviderResource is the ARN CreateOpenIDConnectProvider's provider
// will have.
var newProviderResource = arnOf(func(x *exchange) string {
	return iam.ProviderARN(x.account, x.params.Value("Url"))
})

// providerResource is the provider OpenIDConnectProviderArn finds, as
// stored.
func providerResource(ctx context.Context, repo *iam.Repo, x *exchange) (target, error) {
	arn := x.params.Value("OpenIDConnectProviderArn")
	if acct, _, ok := iam.ParseProviderARN(arn); !ok || acct != x.account {
		return target{arn: arn}, nil
	}
	p, err := repo.GetProvider(ctx, arn)
	if ok, err := found(err); !ok {
		return target{arn: arn}, err
	}
	return target{arn: iam.ProviderARN(p.Account, p.URL), tags: iam.ProviderTags(p)}, nil
}

// policySourceResource is the user or role PolicySourceArn finds, as
// stored: simulating a principal's policies discloses them, so
// SimulatePrincipalPolicy is authorized on that principal.
func policySourceResource(ctx context.Context, repo *iam.Repo, x *exchange) (target, error) {
	arn := x.params.Value("PolicySourceArn")
	if acct, path, name, ok := iam.ParseEntityARN(arn, "user"); ok && acct == x.account {
		u, err := repo.GetUser(ctx, acct, name)
		if ok, err := found(err); !ok || u.Path != path {
			return target{arn: arn}, err
		}
		return target{arn: iam.UserARN(u.Account, u.Path, u.Name), tags: u.Tags}, nil
	}
	if acct, path, name, ok := iam.ParseEntityARN(arn, "role"); ok && acct == x.account {
		r, err := repo.GetRole(ctx, acct, name)
		if ok, err := found(err); !ok || r.Path != path {
			return target{arn: arn}, err
		}
		return target{arn: iam.RoleARN(r.Account, r.Path, r.Name), tags: r.Tags}, nil
	}
	return target{arn: arn}, nil
}

func pathOr(p string) string {
	if p == "" {
		return "/"
	}
	return p
}
