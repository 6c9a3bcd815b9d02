package iamapi

import (
	"context"
	"strings"

	"github.com/stsd/stsd/internal/awsquery"
	"github.com/stsd/stsd/internal/iam"
)

// policyEntity is a role, user or group that uses a managed policy.
type policyEntity struct {
	policyHolder
	attached   bool // as a permissions policy
	asBoundary bool // as its permissions boundary
}

// listEntitiesForPolicy is ListEntitiesForPolicy: the account's roles,
// users and groups the policy is attached to, and the roles and users it
// is the permissions boundary of. EntityFilter, PathPrefix and
// PolicyUsageFilter narrow the list; one Marker pages through groups,
// roles and users together.
func (s *Service) listEntitiesForPolicy(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	arn, arnErr := x.policyARNParam()
	filter, filterErr := x.enum("EntityFilter", "entityFilter", "User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy")
	prefix, prefixSent := x.optional("PathPrefix")
	var prefixErr error
	if prefixSent {
		prefixErr = iam.ValidatePath("pathPrefix", prefix)
	}
	usage, usageErr := x.enum("PolicyUsageFilter", "policyUsageFilter", usagePermissionsPolicy, usagePermissionsBoundary)
	pr, pageErr := x.pageParams()
	if err := iam.Join(arnErr, filterErr, prefixErr, usageErr, pageErr); err != nil {
		return nil, err
	}
	p, err := s.getReadablePolicy(ctx, x, arn, func() error { return notAttachable(arn) })
	if err != nil {
		return nil, err
	}
	entities, err := entitiesUsing(ctx, s.repo(x), x.account, p.ARN())
	if err != nil {
		return nil, err
	}
	kept := entities[:0]
	for _, e := range entities {
		switch {
		case filter != "" && !strings.EqualFold(filter, e.kind),
			!strings.HasPrefix(e.path, prefix),
			usage == usagePermissionsPolicy && !e.attached,
			usage == usagePermissionsBoundary && !e.asBoundary:
			continue
		}
		kept = append(kept, e)
	}
	page, next := paginate(kept, func(e policyEntity) string { return e.kind + "/" + strings.ToLower(e.name) }, pr)
	var roles, users, groups []awsquery.Node
	for _, e := range page {
		switch e.kind {
		case "role":
			roles = append(roles, awsquery.Struct("member", awsquery.Str("RoleName", e.name), awsquery.Str("RoleId", e.id)))
		case "user":
			users = append(users, awsquery.Struct("member", awsquery.Str("UserName", e.name), awsquery.Str("UserId", e.id)))
		default:
			groups = append(groups, awsquery.Struct("member", awsquery.Str("GroupName", e.name), awsquery.Str("GroupId", e.id)))
		}
	}
	result := []awsquery.Node{
		awsquery.List("PolicyGroups", groups...),
		awsquery.List("PolicyUsers", users...),
		awsquery.List("PolicyRoles", roles...),
	}
	return &awsquery.Response{Result: append(result, pageNodes(next)...)}, nil
}

// entitiesUsing lists the account's roles, users and groups that use the
// policy
// (ARNs compared ignoring case, as the Repo does).
func entitiesUsing(ctx context.Context, repo *iam.Repo, account, arn string) ([]policyEntity, error) {
	holders, err := policyHolders(ctx, repo, account)
	if err != nil {
		return nil, err
	}
	var out []policyEntity
	for _, h := range holders {
		e := policyEntity{policyHolder: h, attached: indexFold(h.managed, arn) >= 0, asBoundary: strings.EqualFold(h.boundary, arn)}
		if e.attached || e.asBoundary {
			out = append(out, e)
		}
	}
	return out, nil
}
