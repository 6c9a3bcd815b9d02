package iamapi

import (
	"context"
	"strings"

	"github.com/stsd/stsd/internal/awsquery"
	"github.com/stsd/stsd/internal/iam"
)

// The actions on the role entity itself: create, read, list, update
// (description, session duration, trust policy), delete and tags. The
// role's permission policies are role_policies.go's.

// roleListResource is what IAM authorizes ListRoles on: the ARN of the
// role path listed, arn:aws:iam::<acct>:role<PathPrefix> ("role/" without
// a prefix), as its AccessDenied messages show. A policy allowing
// iam:ListRoles on "*" or "arn:aws:iam::<acct>:role/*" allows it.
func roleListResource(x *exchange) string {
	return iam.RoleARN(x.account, pathOr(x.params.Value("PathPrefix")), "")
}

// roleNameParam reads and validates the required RoleName.
func (x *exchange) roleNameParam() (string, error) {
	return x.validParam("RoleName", "roleName", iam.ValidateRoleName)
}

// checkTrustPolicy applies, to a trust policy that passed the member
// constraints (policyDocumentParam), the 2,048-character quota and the
// grammar: a trust policy must parse and name a principal
// (MalformedPolicyDocument).
func checkTrustPolicy(doc string) error {
	if err := iam.ValidateTrustPolicySize(doc); err != nil {
		return err
	}
	return iam.CheckTrustPolicy(doc)
}

// createRole is CreateRole.
func (s *Service) createRole(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	role := iam.Role{Account: x.account, Path: "/"}
	var pathErr, descErr error
	if p, ok := x.optional("Path"); ok {
		role.Path, pathErr = p, iam.ValidatePath("path", p)
	}
	name, nameErr := x.roleNameParam()
	doc, docErr := x.policyDocumentParam("AssumeRolePolicyDocument", "assumeRolePolicyDocument")
	if d, ok := x.optional("Description"); ok {
		role.Description, descErr = d, iam.ValidateRoleDescription(d)
	}
	msd, _, msdErr := x.integer("MaxSessionDuration", "maxSessionDuration", iam.MinMaxSessionDuration, iam.MaxMaxSessionDuration)
	boundary, hasBoundary, boundaryErr := x.boundaryParam()
	tags, _ := x.tags("Tags")
	if err := iam.Join(pathErr, nameErr, docErr, descErr, msdErr, boundaryErr, iam.ValidateTags(tags)); err != nil {
		return nil, err
	}
	if err := checkTrustPolicy(doc); err != nil {
		return nil, err
	}
	if hasBoundary {
		var err error
		if role.PermissionsBoundaryARN, err = s.boundaryPolicy(ctx, x, boundary); err != nil {
			return nil, err
		}
	}
	role.Name, role.AssumeRolePolicyDocument, role.MaxSessionDuration, role.Tags = name, doc, msd, tags
	created, err := s.repo(x).CreateRole(ctx, role)
	if err != nil {
		return nil, err
	}
	return &awsquery.Response{Result: []awsquery.Node{roleNode(created, roleAsWritten)}}, nil
}

// getRole is GetRole.
func (s *Service) getRole(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	name, err := x.roleNameParam()
	if err != nil {
		return nil, err
	}
	r, err := s.repo(x).GetRole(ctx, x.account, name)
	if err != nil {
		return nil, err
	}
	return &awsquery.Response{Result: []awsquery.Node{roleNode(r, roleAsGot)}}, nil
}

// listRoles is ListRoles: the roles whose path starts with PathPrefix,
// sorted by name, a page at a time.
func (s *Service) listRoles(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	prefix, prefixErr := "/", error(nil)
	if p, ok := x.optional("PathPrefix"); ok {
		prefix, prefixErr = p, iam.ValidatePathPrefix("pathPrefix", p)
	}
	pr, pageErr := x.pageParams()
	if err := iam.Join(prefixErr, pageErr); err != nil {
		return nil, err
	}
	all, err := s.repo(x).ListRoles(ctx, x.account)
	if err != nil {
		return nil, err
	}
	matched := make([]*iam.Role, 0, len(all))
	for _, r := range all {
		if strings.HasPrefix(r.Path, prefix) {
			matched = append(matched, r)
		}
	}
	page, next := paginate(matched, func(r *iam.Role) string { return strings.ToLower(r.Name) }, pr)
	items := make([]awsquery.Node, len(page))
	for i, r := range page {
		items[i] = roleFields("member", r, roleAsListed)
	}
	return &awsquery.Response{Result: append([]awsquery.Node{awsquery.List("Roles", items...)}, pageNodes(next)...)}, nil
}

// updateRole is UpdateRole: a member that is not sent is left as it is;
// an empty Description clears the description.
func (s *Service) updateRole(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	name, nameErr := x.roleNameParam()
	desc, hasDesc := x.optional("Description")
	var descErr error
	if hasDesc {
		descErr = iam.ValidateRoleDescription(desc)
	}
	msd, hasMSD, msdErr := x.integer("MaxSessionDuration", "maxSessionDuration", iam.MinMaxSessionDuration, iam.MaxMaxSessionDuration)
	if err := iam.Join(nameErr, descErr, msdErr); err != nil {
		return nil, err
	}
	_, err := s.repo(x).UpdateRole(ctx, x.account, name, func(r *iam.Role) error {
		if hasDesc {
			r.Description = desc
		}
		if hasMSD {
			r.MaxSessionDuration = msd
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &awsquery.Response{}, nil
}

// updateRoleDescription is UpdateRoleDescription (UpdateRole's older
// form); it returns the role.
func (s *Service) updateRoleDescription(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	name, nameErr := x.roleNameParam()
	desc, descErr := x.required("Description", "description")
	if descErr == nil {
		descErr = iam.ValidateRoleDescription(desc)
	}
	if err := iam.Join(nameErr, descErr); err != nil {
		return nil, err
	}
	r, err := s.repo(x).UpdateRole(ctx, x.account, name, func(r *iam.Role) error {
		r.Description = desc
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &awsquery.Response{Result: []awsquery.Node{roleNode(r, roleAsWritten)}}, nil
}

// updateAssumeRolePolicy is UpdateAssumeRolePolicy: the new trust policy
// takes effect for the next AssumeRole* call on this node as soon as the
// call returns.
func (s *Service) updateAssumeRolePolicy(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	name, nameErr := x.roleNameParam()
	doc, docErr := x.policyDocumentParam("PolicyDocument", "policyDocument")
	if err := iam.Join(nameErr, docErr); err != nil {
		return nil, err
	}
	if err := checkTrustPolicy(doc); err != nil {
		return nil, err
	}
	_, err := s.repo(x).UpdateRole(ctx, x.account, name, func(r *iam.Role) error {
		r.AssumeRolePolicyDocument = doc
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &awsquery.Response{NoResult: true}, nil
}

// deleteRole is DeleteRole. Like IAM it refuses while inline or attached
// managed policies remain (a permissions boundary does not block it). It
// returns once the node's snapshot no longer holds the role, so the role
// can no longer be assumed here.
func (s *Service) deleteRole(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	name, err := x.roleNameParam()
	if err != nil {
		return nil, err
	}
	if err := s.repo(x).DeleteRole(ctx, x.account, name); err != nil {
		return nil, err
	}
	return &awsquery.Response{NoResult: true}, nil
}
