package iamapi

import (
	"github.com/stsd/stsd/internal/awsquery"
	"github.com/stsd/stsd/internal/iam"
)

// roleView says which members of IAM's Role shape an action returns.
type roleView int

const (
	// roleAsWritten is CreateRole's and UpdateRoleDescription's Role: no
	// MaxSessionDuration and no RoleLastUsed; the description, boundary and
	// tags when set.
	roleAsWritten roleView = iota
	// roleAsGot is GetRole's Role: every member, RoleLastUsed included
	// (empty: stsd does not track last use, as IAM answers for a role never
	// used).
	roleAsGot
	// roleAsListed is a ListRoles item: IAM leaves out PermissionsBoundary,
	// RoleLastUsed and Tags.
	roleAsListed
)

// roleNode is the Role member of a result.
func roleNode(r *iam.Role, v roleView) awsquery.Node { return roleFields("Role", r, v) }

// roleFields renders a role as IAM's Role shape under name, members in
// the model's order; the trust policy is URL-encoded as IAM returns it.
func roleFields(name string, r *iam.Role, v roleView) awsquery.Node {
	n := []awsquery.Node{
		awsquery.Str("Path", r.Path),
		awsquery.Str("RoleName", r.Name),
		awsquery.Str("RoleId", r.RoleID),
		awsquery.Str("Arn", r.ARN()),
		awsquery.Time("CreateDate", r.CreateDate),
		awsquery.Str("AssumeRolePolicyDocument", encodePolicyDocument(r.AssumeRolePolicyDocument)),
		awsquery.OptStr("Description", r.Description),
	}
	if v != roleAsWritten {
		n = append(n, awsquery.Int("MaxSessionDuration", int64(r.MaxSessionDuration)))
	}
	if v != roleAsListed {
		n = append(n, boundaryNode(r.PermissionsBoundaryARN))
		if len(r.Tags) > 0 {
			n = append(n, tagNodes("Tags", r.Tags))
		}
	}
	if v == roleAsGot {
		n = append(n, awsquery.Struct("RoleLastUsed"))
	}
	return awsquery.Struct(name, n...)
}
