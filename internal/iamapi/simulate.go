package iamapi

import (
	"context"
	"errors"
	"sort"

	"github.com/stsd/stsd/internal/awsquery"
	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/policy"
)

// The policy simulator: SimulateCustomPolicy evaluates the policies given
// as strings, SimulatePrincipalPolicy those of a user or role (inline,
// attached and permissions boundary, as stored now) plus any given as
// strings. Both run policy.Simulate, the engine behind `stsd policy
// simulate`, so the API and the command agree.

// simulateCustomPolicy is SimulateCustomPolicy. The input is built as
// `stsd policy simulate` builds it from the same arguments.
func (s *Service) simulateCustomPolicy(_ context.Context, x *exchange) (*awsquery.Response, error) {
	r, errs := x.simParams(true)
	if err := iam.Join(errs...); err != nil {
		return nil, err
	}
	if err := r.checkSize(); err != nil {
		return nil, err
	}
	in := r.input()
	in.Policies = policy.CustomPolicyInputs("PolicyInputList", r.policies)
	in.PermissionsBoundaries = policy.CustomPolicyInputs("PermissionsBoundaryPolicyInputList", r.boundaries)
	return runSimulation(in, r.page)
}

// input is the part of the simulation input both actions take as sent.
func (r *simRequest) input() policy.SimulationInput {
	in := policy.SimulationInput{
		ResourceOwner:  r.resourceOwner,
		CallerArn:      r.callerARN,
		ActionNames:    r.actions,
		ResourceArns:   r.resources,
		ContextEntries: r.context,
	}
	if r.resourcePolicy != nil {
		in.ResourcePolicy = &policy.SimPolicy{ID: "ResourcePolicy", Type: "resource", Document: *r.resourcePolicy}
	}
	return in
}

// runSimulation runs the engine; its errors are IAM's InvalidInput and
// MalformedPolicyDocument.
func runSimulation(in policy.SimulationInput, pr pageRequest) (*awsquery.Response, error) {
	out, err := policy.Simulate(in)
	if err != nil {
		var se *policy.SimulationError
		if errors.As(err, &se) {
			kind := iam.KindInvalidInput
			if se.Code == policy.CodeMalformedPolicyDocument {
				kind = iam.KindMalformedPolicy
			}
			return nil, iamError(kind, se.Message, err)
		}
		return nil, err
	}
	return evaluationResultsResponse(out, pr), nil
}

// Source types of the principal's policies (PolicySourceType).
const (
	simSourceUser        = "user"
	simSourceRole        = "role"
	simSourceUserManaged = "user-managed"
	simSourceGroup       = "group"
	simSourceAWSManaged  = "aws-managed"
	simSourceNone        = "none"
)

// simAllowNothing stands for "no policy": a principal without identity
// policies (the engine needs at least one; IAM answers implicitDeny), and
// a permissions boundary that no longer resolves (which, as in
// authorization, allows nothing). Its one statement matches no action, so
// it never shows among the matched statements.
const simAllowNothing = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"*","Resource":"*"}]}`

// principalPolicies are a principal's policies for the simulator.
type principalPolicies struct {
	identity  []policy.SimPolicy
	boundary  []policy.SimPolicy
	callerARN string // the user's ARN; "" for a role
}

// simulatePrincipalPolicy is SimulatePrincipalPolicy. PolicySourceArn is a
// user or role of the caller's account (stsd has no groups). The
// principal's inline policies (SourcePolicyType user/role) and attached
// managed policies (user-managed) are simulated with PolicyInputList; its
// permissions boundary unless PermissionsBoundaryPolicyInputList replaces
// it. CallerArn defaults to the user simulated.
func (s *Service) simulatePrincipalPolicy(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	source, sourceErr := x.arnParam("PolicySourceArn", "policySourceArn")
	r, errs := x.simParams(false)
	if err := iam.Join(append([]error{sourceErr}, errs...)...); err != nil {
		return nil, err
	}
	if err := r.checkSize(); err != nil {
		return nil, err
	}
	pp, err := loadPrincipalPolicies(ctx, s.repo(x), x.account, source)
	if err != nil {
		return nil, err
	}
	in := r.input()
	in.Policies = append(pp.identity, policy.CustomPolicyInputs("PolicyInputList", r.policies)...)
	if len(in.Policies) == 0 {
		in.Policies = []policy.SimPolicy{{ID: "none", Type: simSourceNone, Document: simAllowNothing}}
	}
	in.PermissionsBoundaries = pp.boundary
	if len(r.boundaries) > 0 {
		in.PermissionsBoundaries = policy.CustomPolicyInputs("PermissionsBoundaryPolicyInputList", r.boundaries)
	}
	if in.CallerArn == "" {
		in.CallerArn = pp.callerARN
	}
	return runSimulation(in, r.page)
}

// loadPrincipalPolicies reads the user or role the ARN names from the Repo
// (consistent with admin writes) and resolves its policies.
func loadPrincipalPolicies(ctx context.Context, repo *iam.Repo, account, arn string) (principalPolicies, error) {
	var pp principalPolicies
	if acct, path, name, ok := iam.ParseEntityARN(arn, "user"); ok {
		u, err := repo.GetUser(ctx, account, name)
		if err == nil && (acct != account || u.Path != path) {
			err = &iam.Error{Reason: iam.ReasonUserNotFound, Subject: name}
		}
		if err != nil {
			return pp, err
		}
		pp.identity = inlineSimPolicies(u.InlinePolicies, simSourceUser)
		pp.callerARN = u.ARN()
		// A user's policies include its groups' ("the simulation includes
		// all policies that are attached to the user, including … policies
		// attached to groups that the user is a member of", IAM API
		// Reference, SimulatePrincipalPolicy, PolicySourceArn).
		groups, err := repo.UserGroups(ctx, u)
		if err != nil {
			return pp, err
		}
		attached := u.ManagedPolicyARNs
		for _, g := range groups {
			pp.identity = append(pp.identity, inlineSimPolicies(g.InlinePolicies, simSourceGroup)...)
			attached = append(attached[:len(attached):len(attached)], g.ManagedPolicyARNs...)
		}
		return pp, resolveManaged(ctx, repo, account, &pp, attached, u.PermissionsBoundaryARN)
	}
	if acct, path, name, ok := iam.ParseEntityARN(arn, "role"); ok {
		role, err := repo.GetRole(ctx, account, name)
		if err == nil && (acct != account || role.Path != path) {
			err = &iam.Error{Reason: iam.ReasonRoleNotFound, Subject: name}
		}
		if err != nil {
			return pp, err
		}
		pp.identity = inlineSimPolicies(role.InlinePolicies, simSourceRole)
		return pp, resolveManaged(ctx, repo, account, &pp, role.ManagedPolicyARNs, role.PermissionsBoundaryARN)
	}
	if _, _, name, ok := iam.ParseEntityARN(arn, "group"); ok {
		return pp, &iam.Error{Reason: iam.ReasonGroupNotFound, Subject: name}
	}
	if !isARN(arn) {
		return pp, errInvalidARN()
	}
	return pp, &iam.Error{Reason: iam.ReasonInvalidARN, Subject: arn}
}

// inlineSimPolicies are the inline policies, by name.
func inlineSimPolicies(docs map[string]string, typ string) []policy.SimPolicy {
	names := make([]string, 0, len(docs))
	for n := range docs {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]policy.SimPolicy, len(names))
	for i, n := range names {
		out[i] = policy.SimPolicy{ID: n, Type: typ, Document: docs[n]}
	}
	return out
}

// resolveManaged adds the attached policies' default versions (named by
// policy name, as IAM reports them) and the permissions boundary. An
// attachment that no longer resolves grants nothing; a boundary that no
// longer resolves allows nothing.
func resolveManaged(ctx context.Context, repo *iam.Repo, account string, pp *principalPolicies, attached []string, boundary string) error {
	for _, arn := range attached {
		p, err := ownDefaultVersion(ctx, repo, account, arn)
		if err != nil {
			return err
		}
		if p != nil {
			pp.identity = append(pp.identity, *p)
		}
	}
	if boundary == "" {
		return nil
	}
	p, err := ownDefaultVersion(ctx, repo, account, boundary)
	if err != nil {
		return err
	}
	if p == nil {
		p = &policy.SimPolicy{ID: boundary, Type: simSourceNone, Document: simAllowNothing}
	}
	pp.boundary = []policy.SimPolicy{*p}
	return nil
}

// ownDefaultVersion is the default version of the account's managed policy
// with the ARN, or nil when there is no such policy.
func ownDefaultVersion(ctx context.Context, repo *iam.Repo, account, arn string) (*policy.SimPolicy, error) {
	if iam.IsAWSManagedARN(arn) {
		v, ok := iam.AWSManagedPolicy(arn)
		if !ok || v.Default == nil {
			return nil, nil
		}
		return &policy.SimPolicy{ID: v.Policy.Name, Type: simSourceAWSManaged, Document: v.Default.Document}, nil
	}
	p, err := ownPolicy(ctx, repo, account, arn)
	if p == nil || err != nil {
		return nil, err
	}
	v := p.DefaultVersion()
	if v == nil {
		return nil, nil
	}
	return &policy.SimPolicy{ID: p.Name, Type: simSourceUserManaged, Document: v.Document}, nil
}
