package iamapi

import (
	"context"
	"strconv"
	"strings"

	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/awsquery"
	"github.com/stsd/stsd/internal/iam"
)

// Helpers shared by the managed-policy actions (policies*.go): the
// PolicyArn parameter, the Policy and PolicyVersion response shapes, the
// usage counts computed from the account's roles and users, and the
// VersionId parameter.

// errPolicyNotFound is the NoSuchEntity of GetPolicy, DeletePolicy and
// Detach{Role,User}Policy.
func errPolicyNotFound(arn string) error {
	return &iam.Error{Reason: iam.ReasonPolicyNotFound, Subject: arn}
}

// errPolicyVersionNotFound is the NoSuchEntity of the version actions, for
// an unknown policy as for an unknown version.
func errPolicyVersionNotFound(arn, versionID string) error {
	return noSuchEntity("Policy " + arn + " version " + versionID + " does not exist or is not attachable.")
}

// policyARNParam reads the required PolicyArn (arnType: 20..2048
// characters). Its violations join the action's other member violations.
func (x *exchange) policyARNParam() (string, error) { return x.arnParam("PolicyArn", "policyArn") }

// checkOwnPolicyARN accepts the ARN of a customer managed policy of the
// caller's account. A string that is not an ARN is a ValidationError; any
// other ARN (another account, an AWS managed policy, another kind of
// entity) names no policy stsd has: notFound.
func (x *exchange) checkOwnPolicyARN(arn string, notFound func() error) error {
	if account, _, _, ok := iam.ParseEntityARN(arn, "policy"); ok && account == x.account {
		return nil
	}
	if !isARN(arn) {
		return errInvalidARN()
	}
	return notFound()
}

// getReadablePolicy reads the managed policy with the ARN that the
// caller may read: a built-in AWS managed policy, or one of the account's
// own (getOwnPolicy).
func (s *Service) getReadablePolicy(ctx context.Context, x *exchange, arn string, notFound func() error) (*iam.ManagedPolicy, error) {
	if v, ok := iam.AWSManagedPolicy(arn); ok {
		return v.Policy, nil
	}
	return s.getOwnPolicy(ctx, x, arn, notFound)
}

// getOwnPolicy reads the caller's managed policy with the ARN, answering
// notFound for an ARN that names none.
func (s *Service) getOwnPolicy(ctx context.Context, x *exchange, arn string, notFound func() error) (*iam.ManagedPolicy, error) {
	if err := x.checkOwnPolicyARN(arn, notFound); err != nil {
		return nil, err
	}
	p, err := s.repo(x).GetPolicy(ctx, arn)
	return p, policyOrNotFound(err, notFound)
}

// policyOrNotFound replaces a NoSuchEntity from the Repo by the action's own.
func policyOrNotFound(err error, notFound func() error) error {
	if err != nil && iam.KindOf(err) == iam.KindNotFound {
		return notFound()
	}
	return err
}

// policyUse counts how a policy is used: attached as a permissions policy
// by the account's roles, users and groups, and set as a permissions
// boundary by its roles and users.
type policyUse struct {
	attached, boundary int
}

// policyUses returns the use of every policy ARN (lower-cased: ARNs are
// compared ignoring case, as the Repo does) the account's roles and users
// refer to. It lists the Repo, so it is consistent with admin writes.
func policyUses(ctx context.Context, repo *iam.Repo, account string) (map[string]*policyUse, error) {
	holders, err := policyHolders(ctx, repo, account)
	if err != nil {
		return nil, err
	}
	uses := map[string]*policyUse{}
	use := func(arn string) *policyUse {
		k := strings.ToLower(arn)
		u := uses[k]
		if u == nil {
			u = &policyUse{}
			uses[k] = u
		}
		return u
	}
	for _, h := range holders {
		for _, a := range policyARNsDedup(h.managed) {
			use(a).attached++
		}
		if h.boundary != "" {
			use(h.boundary).boundary++
		}
	}
	return uses, nil
}

// policyHolder is a role, user or group as the managed-policy actions see
// it.
type policyHolder struct {
	kind           string // "role", "user" or "group"
	name, id, path string
	managed        []string // attached policy ARNs
	boundary       string   // permissions boundary ARN, "" for none
}

// policyHolders lists the account's roles, then its users, then its
// groups, from the Repo (consistent with admin writes).
func policyHolders(ctx context.Context, repo *iam.Repo, account string) ([]policyHolder, error) {
	roles, err := repo.ListRoles(ctx, account)
	if err != nil {
		return nil, err
	}
	users, err := repo.ListUsers(ctx, account)
	if err != nil {
		return nil, err
	}
	groups, err := repo.ListGroups(ctx, account)
	if err != nil {
		return nil, err
	}
	out := make([]policyHolder, 0, len(roles)+len(users)+len(groups))
	for _, r := range roles {
		out = append(out, policyHolder{"role", r.Name, r.RoleID, r.Path, r.ManagedPolicyARNs, r.PermissionsBoundaryARN})
	}
	for _, u := range users {
		out = append(out, policyHolder{"user", u.Name, u.UserID, u.Path, u.ManagedPolicyARNs, u.PermissionsBoundaryARN})
	}
	for _, g := range groups {
		out = append(out, policyHolder{"group", g.Name, g.GroupID, g.Path, g.ManagedPolicyARNs, ""})
	}
	return out, nil
}

// policyUseOf returns the use of one policy (zero when unused).
func policyUseOf(uses map[string]*policyUse, arn string) policyUse {
	if u := uses[strings.ToLower(arn)]; u != nil {
		return *u
	}
	return policyUse{}
}

// policyARNsDedup drops ARNs equal ignoring case to an earlier one, so an entity
// counts once per policy.
func policyARNsDedup(arns []string) []string {
	out := arns[:0:0]
	for _, a := range arns {
		if indexFold(out, a) < 0 {
			out = append(out, a)
		}
	}
	return out
}

// policyShape selects the optional members of a Policy element: GetPolicy
// returns Description and Tags (even empty), CreatePolicy returns Tags only
// when some were given, ListPolicies neither (as IAM does).
type policyShape int

const (
	policyShapeList policyShape = iota
	policyShapeCreate
	policyShapeGet
)

// policyNode renders IAM's Policy structure.
func policyNode(name string, p *iam.ManagedPolicy, use policyUse, shape policyShape) awsquery.Node {
	nodes := []awsquery.Node{
		awsquery.Str("PolicyName", p.Name),
		awsquery.Str("PolicyId", p.PolicyID),
		awsquery.Str("Arn", p.ARN()),
		awsquery.Str("Path", p.Path),
		awsquery.Str("DefaultVersionId", p.DefaultVersionID),
		awsquery.Int("AttachmentCount", int64(use.attached)),
		awsquery.Int("PermissionsBoundaryUsageCount", int64(use.boundary)),
		awsquery.Bool("IsAttachable", true),
	}
	if shape == policyShapeGet {
		nodes = append(nodes, awsquery.OptStr("Description", p.Description))
	}
	nodes = append(nodes, awsquery.Time("CreateDate", p.CreateDate), awsquery.Time("UpdateDate", p.UpdateDate))
	if shape == policyShapeGet || (shape == policyShapeCreate && len(p.Tags) > 0) {
		nodes = append(nodes, tagNodes("Tags", p.Tags))
	}
	return awsquery.Struct(name, nodes...)
}

// policyVersionNode renders IAM's PolicyVersion structure; the document
// (URL-encoded, as IAM returns it) only for GetPolicyVersion.
func policyVersionNode(p *iam.ManagedPolicy, v *iam.PolicyVersion, withDocument bool) awsquery.Node {
	var nodes []awsquery.Node
	if withDocument {
		nodes = append(nodes, awsquery.Str("Document", encodePolicyDocument(v.Document)))
	}
	nodes = append(nodes,
		awsquery.Str("VersionId", v.VersionID),
		awsquery.Bool("IsDefaultVersion", v.VersionID == p.DefaultVersionID),
		awsquery.Time("CreateDate", v.CreateDate))
	return awsquery.Struct("PolicyVersion", nodes...)
}

// policyVersionIDParam reads the required VersionId: v[1-9][0-9]*(\.[A-Za-z0-9-]*)?
// (IAM omits the value from this message).
func (x *exchange) policyVersionIDParam() (string, error) {
	v, err := x.required("VersionId", "versionId")
	if err != nil {
		return "", err
	}
	if !isPolicyVersionID(v) {
		return v, iam.NewValidationError(awserr.Violation{Member: "versionId", Form: awserr.ValueOmitted,
			Constraint: `Member must satisfy regular expression pattern: v[1-9][0-9]*(\.[A-Za-z0-9-]*)?`})
	}
	return v, nil
}

func isPolicyVersionID(v string) bool {
	rest, ok := strings.CutPrefix(v, "v")
	if !ok || rest == "" || rest[0] < '1' || rest[0] > '9' {
		return false
	}
	digits, suffix, dotted := strings.Cut(rest, ".")
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return false
		}
	}
	if !dotted {
		return true
	}
	for i := 0; i < len(suffix); i++ {
		c := suffix[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// policyVersionNumber is N of "vN" (0 when it is not that shape).
func policyVersionNumber(id string) int {
	n, err := strconv.Atoi(strings.TrimPrefix(id, "v"))
	if err != nil {
		return 0
	}
	return n
}
