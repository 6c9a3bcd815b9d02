package iamapi

import (
	"context"
	"strings"

	"github.com/stsd/stsd/internal/awsquery"
	"github.com/stsd/stsd/internal/iam"
)

// Managed policies: CreatePolicy, GetPolicy, DeletePolicy and
// ListPolicies here; the version actions in policy_versions.go;
// ListEntitiesForPolicy in policy_entities.go; the tag actions in
// policy_tags.go. Besides the account's own (customer managed) policies,
// the read actions answer the few AWS managed policies stsd has built in
// (iam.AWSManagedPolicy); those cannot be changed or deleted, and any
// other arn:aws:iam::aws:policy/… ARN names nothing.

// createPolicy is CreatePolicy: member constraints first (all reported
// together), then the 6,144-character quota, then the grammar; the name is
// unique in the account ignoring case.
func (s *Service) createPolicy(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	name, nameErr := x.validParam("PolicyName", "policyName", iam.ValidatePolicyName)
	path, pathSent := x.optional("Path")
	var pathErr error
	if pathSent {
		pathErr = iam.ValidatePolicyPath(path)
	}
	doc, docErr := x.policyDocumentParam("PolicyDocument", "policyDocument")
	desc, _ := x.optional("Description")
	tags, _ := x.tags("Tags")
	if err := iam.Join(nameErr, pathErr, docErr, iam.ValidatePolicyDescription(desc), iam.ValidateTags(tags)); err != nil {
		return nil, err
	}
	if err := checkManagedPolicyDocument(doc); err != nil {
		return nil, err
	}
	p, err := s.repo(x).CreatePolicy(ctx, iam.ManagedPolicy{
		Account: x.account, Name: name, Path: path, Description: desc, Tags: tags,
	}, doc)
	if err != nil {
		return nil, err
	}
	uses, err := policyUses(ctx, s.repo(x), x.account)
	if err != nil {
		return nil, err
	}
	return &awsquery.Response{Result: []awsquery.Node{policyNode("Policy", p, policyUseOf(uses, p.ARN()), policyShapeCreate)}}, nil
}

// checkManagedPolicyDocument applies the managed-policy quota, then the
// grammar, to a document that passed the member constraints.
func checkManagedPolicyDocument(doc string) error {
	if err := iam.ValidateManagedPolicySize(doc); err != nil {
		return err
	}
	return iam.CheckPolicy(doc)
}

// getPolicy is GetPolicy: the counts come from the account's roles and
// users as stored now.
func (s *Service) getPolicy(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	arn, err := x.policyARNParam()
	if err != nil {
		return nil, err
	}
	notFound := func() error { return errPolicyNotFound(arn) }
	p, err := s.getReadablePolicy(ctx, x, arn, notFound)
	if err != nil {
		return nil, err
	}
	uses, err := policyUses(ctx, s.repo(x), x.account)
	if err != nil {
		return nil, err
	}
	return &awsquery.Response{Result: []awsquery.Node{policyNode("Policy", p, policyUseOf(uses, p.ARN()), policyShapeGet)}}, nil
}

// deletePolicy is DeletePolicy: DeleteConflict while the policy has
// versions besides the default, or is attached to (or the permissions
// boundary of) a role or user.
func (s *Service) deletePolicy(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	arn, err := x.policyARNParam()
	if err != nil {
		return nil, err
	}
	notFound := func() error { return errPolicyNotFound(arn) }
	if err := x.checkOwnPolicyARN(arn, notFound); err != nil {
		return nil, err
	}
	if err := s.repo(x).DeletePolicy(ctx, arn); err != nil {
		return nil, policyOrNotFound(err, notFound)
	}
	return &awsquery.Response{NoResult: true}, nil
}

// listPoliciesResource is what IAM authorizes ListPolicies on and names in
// its AccessDenied message: "policy path <PathPrefix>" ("/" by default).
// It is no ARN, so only a statement with Resource "*" grants it, as IAM's
// authorization reference (no resource type) says.
func listPoliciesResource(x *exchange) string {
	return "policy path " + pathOr(x.params.Value("PathPrefix"))
}

// Policy usage filters (PolicyUsageType).
const (
	usagePermissionsPolicy   = "PermissionsPolicy"
	usagePermissionsBoundary = "PermissionsBoundary"
)

// listPolicies is ListPolicies. Scope AWS lists the AWS managed policies
// stsd has built in, Local the account's own, All (the default) both,
// sorted by name. OnlyAttached keeps the policies attached to a role or user;
// PolicyUsageFilter keeps those in use as a permissions policy (attached)
// or as a permissions boundary.
func (s *Service) listPolicies(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	scope, scopeErr := x.enum("Scope", "scope", "All", "AWS", "Local")
	onlyAttached, _, attachedErr := x.boolean("OnlyAttached", "onlyAttached")
	prefix, prefixSent := x.optional("PathPrefix")
	var prefixErr error
	if prefixSent {
		prefixErr = iam.ValidatePolicyPathPrefix("pathPrefix", prefix)
	}
	usage, usageErr := x.enum("PolicyUsageFilter", "policyUsageFilter", usagePermissionsPolicy, usagePermissionsBoundary)
	pr, pageErr := x.pageParams()
	if err := iam.Join(scopeErr, attachedErr, prefixErr, usageErr, pageErr); err != nil {
		return nil, err
	}
	var policies []*iam.ManagedPolicy
	if scope != "Local" {
		for _, v := range iam.AWSManagedPolicies() {
			policies = append(policies, v.Policy)
		}
	}
	if scope != "AWS" {
		local, err := s.repo(x).ListPolicies(ctx, x.account)
		if err != nil {
			return nil, err
		}
		policies = append(policies, local...)
	}
	uses, err := policyUses(ctx, s.repo(x), x.account)
	if err != nil {
		return nil, err
	}
	kept := policies[:0]
	for _, p := range policies {
		use := policyUseOf(uses, p.ARN())
		switch {
		case !strings.HasPrefix(p.Path, prefix),
			onlyAttached && use.attached == 0,
			usage == usagePermissionsPolicy && use.attached == 0,
			usage == usagePermissionsBoundary && use.boundary == 0:
			continue
		}
		kept = append(kept, p)
	}
	// Sorted by name; an AWS managed and a customer managed policy may
	// share one, so the ARN breaks the tie.
	page, next := paginate(kept, func(p *iam.ManagedPolicy) string { return strings.ToLower(p.Name) + "\x00" + p.ARN() }, pr)
	items := make([]awsquery.Node, len(page))
	for i, p := range page {
		items[i] = policyNode("member", p, policyUseOf(uses, p.ARN()), policyShapeList)
	}
	return &awsquery.Response{Result: append([]awsquery.Node{awsquery.List("Policies", items...)}, pageNodes(next)...)}, nil
}
