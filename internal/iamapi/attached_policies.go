package iamapi

import (
	"context"
	"strings"

	"github.com/stsd/stsd/internal/awsquery"
	"github.com/stsd/stsd/internal/iam"
)

// Managed policies attached to roles, users and groups — AttachRolePolicy,
// DetachRolePolicy, ListAttachedRolePolicies and their User and Group
// forms — and the permissions boundaries of roles and users
// (PutRolePermissionsBoundary, DeleteRolePermissionsBoundary and their User
// forms), one handler each for every holder (policy_holders.go).

// ownPolicy returns the customer managed policy of the account that arn
// names, or nil when there is none (an AWS managed policy, another
// account's, or a policy that does not exist): the only policies stsd
// attaches, sets as boundaries and simulates.
func ownPolicy(ctx context.Context, repo *iam.Repo, account, arn string) (*iam.ManagedPolicy, error) {
	if acct, _, _, ok := iam.ParseEntityARN(arn, "policy"); !ok || acct != account {
		return nil, nil
	}
	p, err := repo.GetPolicy(ctx, arn)
	if iam.KindOf(err) == iam.KindNotFound {
		return nil, nil
	}
	return p, err
}

// attachablePolicy returns the managed policy arn names that the
// account's identities may attach: one of the account's own, or an AWS
// managed policy stsd has built in; nil when there is none.
func attachablePolicy(ctx context.Context, repo *iam.Repo, account, arn string) (*iam.ManagedPolicy, error) {
	if v, ok := iam.AWSManagedPolicy(arn); ok {
		return v.Policy, nil
	}
	return ownPolicy(ctx, repo, account, arn)
}

// attachedARN is the ARN, as stored, of the attachable policy that arn
// names (the account's own or a built-in AWS managed policy), or
// notFound(arn) when there is none: an ARN stsd cannot resolve is never
// stored.
func (s *Service) attachedARN(ctx context.Context, x *exchange, arn string, notFound func(string) error) (string, error) {
	p, err := attachablePolicy(ctx, s.repo(x), x.account, arn)
	if err != nil {
		return "", err
	}
	if p == nil {
		return "", notFound(arn)
	}
	return p.ARN(), nil
}

// notAttachable is IAM's NoSuchEntity for a policy that cannot be attached
// (AttachRolePolicy, ListEntitiesForPolicy).
func notAttachable(arn string) error {
	return noSuchEntity("Policy " + arn + " does not exist or is not attachable.")
}

// boundaryNotAttachable is IAM's NoSuchEntity for a permissions boundary
// that names no attachable policy.
func boundaryNotAttachable(arn string) error {
	return noSuchEntity("Scope ARN: " + arn + " does not exist or is not attachable.")
}

// policyArnParam reads and checks a policy ARN parameter (PolicyArn,
// PermissionsBoundary): the model's length, then its shape (InvalidInput).
func (x *exchange) policyArnParam(param, member string) (string, error) {
	return x.validParam(param, member, func(v string) error { return iam.ValidatePolicyARN(member, v) })
}

// boundaryParam reads the optional PermissionsBoundary of CreateRole and
// CreateUser, checked as policyArnParam checks it.
func (x *exchange) boundaryParam() (arn string, sent bool, err error) {
	arn, sent = x.optional("PermissionsBoundary")
	if sent {
		err = iam.ValidatePolicyARN("permissionsBoundary", arn)
	}
	return arn, sent, err
}

// boundaryPolicy returns the ARN, as stored, of the policy a permissions
// boundary names, or IAM's NoSuchEntity when it names no attachable policy.
func (s *Service) boundaryPolicy(ctx context.Context, x *exchange, arn string) (string, error) {
	return s.attachedARN(ctx, x, arn, boundaryNotAttachable)
}

// updateHeld changes the entity's policies (compare-and-swap) and answers
// with the action's empty result.
func (s *Service) updateHeld(ctx context.Context, x *exchange, h holder, entity string, mutate func(*heldPolicies) error) (*awsquery.Response, error) {
	if err := h.update(ctx, s.repo(x), x.account, entity, mutate); err != nil {
		return nil, err
	}
	return &awsquery.Response{NoResult: true}, nil
}

// setManaged is AttachRolePolicy and PutRolePermissionsBoundary (and their
// user forms): the policy ARN parameter must name an attachable policy of
// the account (notFound otherwise), whose ARN as stored set records.
func (s *Service) setManaged(h holder, param, member string, notFound func(arn string) error, set func(p *heldPolicies, arn string)) holderRun {
	return func(ctx context.Context, x *exchange) (*awsquery.Response, error) {
		entity, e1 := x.entityName(h, h.checkName)
		arn, e2 := x.policyArnParam(param, member)
		if err := iam.Join(e1, e2); err != nil {
			return nil, err
		}
		return s.updateHeld(ctx, x, h, entity, func(p *heldPolicies) error {
			canonical, err := s.attachedARN(ctx, x, arn, notFound)
			if err != nil {
				return err
			}
			set(p, canonical)
			return nil
		})
	}
}

// attachPolicy attaches a managed policy of the account; attaching one
// already attached changes nothing. LimitExceeded beyond 10 per entity.
func (s *Service) attachPolicy(h holder) holderRun {
	return s.setManaged(h, "PolicyArn", "policyArn", notAttachable, func(p *heldPolicies, arn string) {
		if indexFold(*p.managed, arn) < 0 {
			*p.managed = append(*p.managed, arn)
		}
	})
}

// putBoundary sets or replaces the entity's permissions boundary, a
// managed policy of the account.
func (s *Service) putBoundary(h holder) holderRun {
	return s.setManaged(h, "PermissionsBoundary", "permissionsBoundary", boundaryNotAttachable, func(p *heldPolicies, arn string) {
		*p.boundary = arn
	})
}

// detachPolicy detaches a managed policy; NoSuchEntity when it is not
// attached.
func (s *Service) detachPolicy(h holder) holderRun {
	return func(ctx context.Context, x *exchange) (*awsquery.Response, error) {
		entity, e1 := x.entityName(h, h.checkName)
		arn, e2 := x.policyArnParam("PolicyArn", "policyArn")
		if err := iam.Join(e1, e2); err != nil {
			return nil, err
		}
		return s.updateHeld(ctx, x, h, entity, func(p *heldPolicies) error {
			i := indexFold(*p.managed, arn)
			if i < 0 {
				return errPolicyNotFound(arn)
			}
			*p.managed = append((*p.managed)[:i:i], (*p.managed)[i+1:]...)
			if len(*p.managed) == 0 {
				*p.managed = nil
			}
			return nil
		})
	}
}

// indexFold is the index of arn in arns, ignoring case (policy names are
// case-insensitive), or -1.
func indexFold(arns []string, arn string) int {
	for i, a := range arns {
		if strings.EqualFold(a, arn) {
			return i
		}
	}
	return -1
}

// listAttachedPolicies lists the entity's managed policies (name and ARN)
// whose path starts with PathPrefix, in ARN order, a page at a time.
func (s *Service) listAttachedPolicies(h holder) holderRun {
	return func(ctx context.Context, x *exchange) (*awsquery.Response, error) {
		entity, e1 := x.entityName(h, h.checkName)
		prefix, sent := x.optional("PathPrefix")
		var e2 error
		if sent {
			e2 = iam.ValidatePolicyPathPrefix("pathPrefix", prefix)
		}
		pr, e3 := x.pageParams()
		if err := iam.Join(e1, e2, e3); err != nil {
			return nil, err
		}
		p, err := h.load(ctx, s.repo(x), x.account, entity)
		if err != nil {
			return nil, err
		}
		type attached struct{ arn, name string }
		var all []attached
		for _, arn := range *p.managed {
			path, name, ok := policyPathName(arn)
			if ok && strings.HasPrefix(path, prefix) {
				all = append(all, attached{arn, name})
			}
		}
		page, next := paginate(all, func(a attached) string { return a.arn }, pr)
		items := make([]awsquery.Node, len(page))
		for i, a := range page {
			items[i] = awsquery.Struct("member", awsquery.Str("PolicyName", a.name), awsquery.Str("PolicyArn", a.arn))
		}
		return &awsquery.Response{Result: append([]awsquery.Node{awsquery.List("AttachedPolicies", items...)}, pageNodes(next)...)}, nil
	}
}

// deleteBoundary removes the entity's permissions boundary; an entity
// without one is left as it is (no error).
func (s *Service) deleteBoundary(h holder) holderRun {
	return func(ctx context.Context, x *exchange) (*awsquery.Response, error) {
		entity, err := x.entityName(h, h.checkName)
		if err != nil {
			return nil, err
		}
		return s.updateHeld(ctx, x, h, entity, func(p *heldPolicies) error {
			*p.boundary = ""
			return nil
		})
	}
}

// policyPathName splits an attached policy's ARN, customer or AWS managed.
func policyPathName(arn string) (path, name string, ok bool) {
	if v, found := iam.AWSManagedPolicy(arn); found {
		return v.Policy.Path, v.Policy.Name, true
	}
	_, path, name, ok = iam.ParseEntityARN(arn, "policy")
	return path, name, ok
}
