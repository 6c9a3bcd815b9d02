package authz_test

// The IAM User Guide's "Permissions boundaries for IAM entities"
// (access_policies_boundaries) as engine tests. Sections cited:
//
//   [intro]     the page's opening example (ShirleyRodriguez) and its
//               "Important" note on NotPrincipal with Deny;
//   [eval]      "Evaluating effective permissions with boundaries":
//               identity-based policies with boundaries, resource-based
//               policies (for IAM users, for IAM roles, for IAM role
//               sessions), session policies;
//   [delegate]  "Delegating responsibility to others using permissions
//               boundaries" (María, Zhang and Nikhil).
//
// The documents' account IDs are replaced by the tests' account.

import (
	"testing"

	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/iam"
)

// [intro]: ShirleyRodriguez's boundary allows S3, CloudWatch and EC2;
// an identity policy allowing iam:CreateUser does not let her create a
// user; a permissions policy with S3 actions does; updating the boundary
// to allow iam:CreateUser does too.
func TestBoundaryShirley(t *testing.T) {
	const boundaryDoc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","cloudwatch:*","ec2:*"],"Resource":"*"}]}`
	const createUser = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:CreateUser","Resource":"*"}}`
	w := newWorld(t)
	b := w.policy("ShirleyBoundary", boundaryDoc)
	shirley := w.user("ShirleyRodriguez", entity{inline: map[string]string{"create-user": createUser}, boundary: b})
	create := req{action: "iam:CreateUser", resource: userARNPrefix + "newbie"}
	res := w.decide(shirley, create)
	if d := res.Checks[0].Decision; d.Effect != implicitDeny || !d.IdentityAllowed || d.BoundaryAllowed {
		t.Errorf("CreateUser: %+v; want an implicit deny by the boundary alone", d)
	}
	// "The boundary limits the user's permissions but does not provide
	// permissions on its own."
	w.expect("S3 without a permissions policy for it", shirley, req{action: "s3:GetObject", resource: objectARN}, implicitDeny)
	w.updateUser("ShirleyRodriguez", func(u *iam.User) { u.InlinePolicies["s3"] = allowS3Get })
	w.expect("S3 with a permissions policy for it", shirley, req{action: "s3:GetObject", resource: objectARN}, allowed)
	// "Alternatively, you could update the permissions boundary to allow
	// her to create a user in IAM."
	w.setDefaultVersion(b, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","cloudwatch:*","ec2:*","iam:CreateUser"],"Resource":"*"}]}`)
	w.expect("CreateUser after the boundary allows it", shirley, create, allowed)
}

// [eval] "Identity-based policies with boundaries": the effective
// permissions are what both allow; an explicit deny in either overrides
// the allow. For a user and for a role session alike.
func TestBoundaryIdentityIntersection(t *testing.T) {
	w := newWorld(t)
	b := w.policy("b-get-put", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"*"},{"Effect":"Deny","Action":"s3:PutObject","Resource":"arn:aws:s3:::locked/*"}]}`)
	id := map[string]string{"p": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:DeleteObject","s3:PutObject"],"Resource":"*"},{"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::secret/*"}]}`}
	r := w.role("bounded", entity{inline: id, boundary: b})
	callers := map[string]*callerT{"user": w.user("bounded", entity{inline: id, boundary: b}), "role session": w.session(r, "s", nil)}
	for who, c := range callers {
		w.expect(who+": both allow", c, req{action: "s3:GetObject", resource: objectARN}, allowed)
		w.expect(who+": identity only", c, req{action: "s3:DeleteObject", resource: objectARN}, implicitDeny)
		w.expect(who+": boundary only", c, req{action: "s3:ListBucket", resource: "arn:aws:s3:::example-bucket"}, implicitDeny)
		w.expect(who+": explicit deny in the identity policy", c, req{action: "s3:GetObject", resource: "arn:aws:s3:::secret/a"}, explicitDeny)
		w.expect(who+": explicit deny in the boundary", c, req{action: "s3:PutObject", resource: "arn:aws:s3:::locked/a"}, explicitDeny)
	}
}

// [eval] "Resource-based policies": a grant to the user ARN is not limited
// by an implicit deny in the boundary; a grant to the role ARN is limited
// by it; a grant to the session ARN is not. "The effective permissions
// for this set of policy types are everything that is allowed by the
// resource-based policy and everything that is allowed by both the
// permissions boundary and the identity-based policy."
func TestBoundaryResourcePolicies(t *testing.T) {
	w := newWorld(t)
	b := w.policy("b-s3", allowS3All)
	u := w.user("alice", entity{inline: map[string]string{"s3": allowS3Get}, boundary: b})
	r := w.role("app", entity{inline: map[string]string{"s3": allowS3Get}, boundary: b})
	s := w.session(r, "run-1", nil)
	send := func(principal string) req {
		return req{action: "sqs:SendMessage", resource: queueARN, resourcePolicy: resourcePolicyFor("Allow", principal, "sqs:SendMessage")}
	}
	w.expect("user ARN: not limited by the boundary", u, send(userARNPrefix+"alice"), allowed)
	w.expect("role ARN: limited by the boundary", s, send(roleARNPrefix+"app"), implicitDeny)
	w.expect("session ARN: not limited by the boundary", s, send(sessARNPrefix+"app/run-1"), allowed)
	// Everything both identity policy and boundary allow stays allowed
	// alongside the resource policy.
	w.expect("identity ∩ boundary still allowed with a resource policy", s,
		req{action: "s3:GetObject", resource: objectARN, resourcePolicy: resourcePolicyFor("Allow", userARNPrefix+"someone", "s3:GetObject")}, allowed)
	// The role ARN grant within the boundary is allowed even though the
	// identity policy does not allow it (the table's identity column).
	w.expect("role ARN within the boundary, identity policy silent", s,
		req{action: "s3:PutObject", resource: objectARN, resourcePolicy: resourcePolicyFor("Allow", roleARNPrefix+"app", "s3:PutObject")}, allowed)
}

// [eval] "Session policies": the identity-based permissions are limited by
// the session policy and the boundary; the effective permissions are
// what all three allow; an explicit deny in any overrides the allow.
func TestBoundaryWithSessionPolicy(t *testing.T) {
	w := newWorld(t)
	b := w.policy("b-get-list", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"*"}]}`)
	r := w.role("app", entity{inline: map[string]string{"s3": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject","s3:ListBucket"],"Resource":"*"}]}`}, boundary: b})
	s := w.session(r, "s", func(s *sessionT) {
		s.Policy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"*"},{"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::private/*"}]}`
	})
	w.expect("all three allow", s, req{action: "s3:GetObject", resource: objectARN}, allowed)
	w.expect("boundary does not allow", s, req{action: "s3:PutObject", resource: objectARN}, implicitDeny)
	w.expect("session policy does not allow", s, req{action: "s3:ListBucket", resource: "arn:aws:s3:::example-bucket"}, implicitDeny)
	w.expect("explicit deny in the session policy", s, req{action: "s3:GetObject", resource: "arn:aws:s3:::private/a"}, explicitDeny)
}

// [intro] "Important": "The NotPrincipal element with a Deny effect will
// always deny any IAM principal that has a permissions boundary policy
// attached, regardless of the values specified in the NotPrincipal
// element." The recommended ArnNotEquals on aws:PrincipalArn works for
// bounded principals too.
func TestBoundaryNotPrincipalDeny(t *testing.T) {
	w := newWorld(t)
	b := w.policy("b-all", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
	admin := map[string]string{"all": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`}
	bounded := w.user("bounded", entity{inline: admin, boundary: b})
	free := w.user("free", entity{inline: admin})
	rb := w.role("bounded-role", entity{inline: admin, boundary: b})
	rf := w.role("free-role", entity{inline: admin})
	notPrincipal := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":[
	  "arn:aws:iam::111122223333:user/bounded","arn:aws:iam::111122223333:user/free",
	  "arn:aws:iam::111122223333:role/bounded-role","arn:aws:sts::111122223333:assumed-role/bounded-role/s",
	  "arn:aws:iam::111122223333:role/free-role","arn:aws:sts::111122223333:assumed-role/free-role/s"]},
	  "Action":"s3:*","Resource":"*"}]}`
	get := req{action: "s3:GetObject", resource: objectARN, resourcePolicy: notPrincipal}
	w.expect("listed user with a boundary is denied anyway", bounded, get, explicitDeny)
	w.expect("listed user without a boundary is exempt", free, get, allowed)
	w.expect("listed session of a bounded role is denied anyway", w.session(rb, "s", nil), get, explicitDeny)
	w.expect("listed session of an unbounded role is exempt", w.session(rf, "s", nil), get, allowed)
	w.expect("unlisted session of an unbounded role is denied", w.session(rf, "other", nil), get, explicitDeny)

	// The boundaries page links to "AWS JSON policy elements:
	// NotPrincipal", whose rule the cases above rely on: a role session
	// is spared only when its own session ARN is listed ("Principals must
	// always name a specific session"); the role's ARN or the account
	// alone spares none of its sessions.
	roleOnly := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":[
	  "arn:aws:iam::111122223333:role/free-role","arn:aws:iam::111122223333:root"]},"Action":"s3:*","Resource":"*"}]}`
	w.expect("role and account listed, session not", w.session(rf, "s", nil), req{action: "s3:GetObject", resource: objectARN, resourcePolicy: roleOnly}, explicitDeny)
	w.expect("account listed, user not", free, req{action: "s3:GetObject", resource: objectARN, resourcePolicy: roleOnly}, explicitDeny)
	w.expect("account listed: root spared", root(), req{action: "s3:GetObject", resource: objectARN, resourcePolicy: roleOnly}, allowed)

	arnNotEquals := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*",
	  "Condition":{"ArnNotEquals":{"aws:PrincipalArn":["arn:aws:iam::111122223333:user/bounded","arn:aws:iam::111122223333:role/bounded-role"]}}}]}`
	get.resourcePolicy = arnNotEquals
	w.expect("ArnNotEquals exempts the bounded user", bounded, get, allowed)
	w.expect("ArnNotEquals exempts the bounded role's sessions", w.session(rb, "s", nil), get, allowed)
	w.expect("ArnNotEquals denies everyone else", free, get, explicitDeny)
}

// [delegate]: María's XCompanyBoundaries, DelegatedUserBoundary and
// DelegatedUserPermissions; Zhang may create users only with
// XCompanyBoundaries as their boundary; Nikhil, created with it, keeps
// what the boundary allows.
func TestBoundaryDelegationExample(t *testing.T) {
	const xCompanyBoundaries = `{
	  "Version": "2012-10-17",
	  "Statement": [
	    {"Sid": "ServiceBoundaries", "Effect": "Allow", "Action": ["s3:*", "cloudwatch:*", "ec2:*", "dynamodb:*"], "Resource": "*"},
	    {"Sid": "AllowIAMConsoleForCredentials", "Effect": "Allow", "Action": ["iam:ListUsers", "iam:GetAccountPasswordPolicy"], "Resource": "*"},
	    {"Sid": "AllowManageOwnPasswordAndAccessKeys", "Effect": "Allow",
	     "Action": ["iam:*AccessKey*", "iam:ChangePassword", "iam:GetUser", "iam:*ServiceSpecificCredential*", "iam:*SigningCertificate*"],
	     "Resource": ["arn:aws:iam::*:user/${aws:username}"]},
	    {"Sid": "DenyS3Logs", "Effect": "Deny", "Action": "s3:*", "Resource": ["arn:aws:s3:::logs", "arn:aws:s3:::logs/*"]},
	    {"Sid": "DenyEC2Production", "Effect": "Deny", "Action": "ec2:*", "Resource": "arn:aws:ec2:*:*:instance/i-1234567890abcdef0"}
	  ]
	}`
	const delegatedUserBoundary = `{
	  "Version": "2012-10-17",
	  "Statement": [
	    {"Sid": "CreateOrChangeOnlyWithBoundary", "Effect": "Allow",
	     "Action": ["iam:CreateUser", "iam:DeleteUserPolicy", "iam:AttachUserPolicy", "iam:DetachUserPolicy", "iam:PutUserPermissionsBoundary"],
	     "Resource": "*",
	     "Condition": {"StringEquals": {"iam:PermissionsBoundary": "arn:aws:iam::111122223333:policy/XCompanyBoundaries"}}},
	    {"Sid": "CloudWatchAndOtherIAMTasks", "Effect": "Allow",
	     "Action": ["cloudwatch:*", "iam:GetUser", "iam:ListUsers", "iam:DeleteUser", "iam:UpdateUser", "iam:CreateAccessKey",
	       "iam:CreateLoginProfile", "iam:GetAccountPasswordPolicy", "iam:GetLoginProfile", "iam:*Group*", "iam:CreatePolicy",
	       "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:GetPolicy", "iam:GetPolicyVersion", "iam:GetUserPolicy",
	       "iam:GetRolePolicy", "iam:ListPolicies", "iam:ListPolicyVersions", "iam:ListEntitiesForPolicy", "iam:ListUserPolicies",
	       "iam:ListAttachedUserPolicies", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:PutUserPolicy",
	       "iam:SetDefaultPolicyVersion", "iam:SimulatePrincipalPolicy", "iam:SimulateCustomPolicy"],
	     "Resource": "*"},
	    {"Sid": "NoBoundaryPolicyEdit", "Effect": "Deny",
	     "Action": ["iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion"],
	     "Resource": ["arn:aws:iam::111122223333:policy/XCompanyBoundaries", "arn:aws:iam::111122223333:policy/DelegatedUserBoundary"]},
	    {"Sid": "NoBoundaryUserDelete", "Effect": "Deny", "Action": "iam:DeleteUserPermissionsBoundary", "Resource": "*"}
	  ]
	}`
	const delegatedUserPermissions = `{
	  "Version": "2012-10-17",
	  "Statement": [
	    {"Sid": "IAM", "Effect": "Allow", "Action": "iam:*", "Resource": "*"},
	    {"Sid": "CloudWatchLimited", "Effect": "Allow",
	     "Action": ["cloudwatch:GetDashboard", "cloudwatch:GetMetricData", "cloudwatch:ListDashboards", "cloudwatch:GetMetricStatistics", "cloudwatch:ListMetrics"],
	     "Resource": "*"},
	    {"Sid": "S3BucketContents", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::ZhangBucket"}
	  ]
	}`
	w := newWorld(t)
	xcb := w.policy("XCompanyBoundaries", xCompanyBoundaries)
	dub := w.policy("DelegatedUserBoundary", delegatedUserBoundary)
	dup := w.policy("DelegatedUserPermissions", delegatedUserPermissions)
	zhang := w.user("Zhang", entity{managed: []string{dup}, boundary: dub})

	createWith := func(boundary string) req {
		r := req{action: "iam:CreateUser", resource: userARNPrefix + "Nikhil"}
		if boundary != "" {
			r.keys = []authz.Key{{Name: "iam:PermissionsBoundary", Values: []string{boundary}}}
		}
		return r
	}
	// Zhang's tasks: creating Nikhil without the boundary fails, with it
	// succeeds.
	w.expect("Zhang creates a user without a boundary", zhang, createWith(""), implicitDeny)
	w.expect("Zhang creates a user with another boundary", zhang, createWith(dub), implicitDeny)
	w.expect("Zhang creates a user with XCompanyBoundaries", zhang, createWith(xcb), allowed)
	// Statement by statement.
	w.expect("IAM statement, limited by the boundary: ListUsers", zhang, req{action: "iam:ListUsers", resource: "*"}, allowed)
	w.expect("IAM statement, limited by the boundary: CreateRole", zhang, req{action: "iam:CreateRole", resource: roleARNPrefix + "r"}, implicitDeny)
	w.expect("CloudWatchLimited: GetDashboard", zhang, req{action: "cloudwatch:GetDashboard", resource: "*"}, allowed)
	w.expect("CloudWatchLimited: PutDashboard (boundary allows, policy does not)", zhang, req{action: "cloudwatch:PutDashboard", resource: "*"}, implicitDeny)
	w.expect("S3BucketContents: the boundary allows no S3 action", zhang, req{action: "s3:ListBucket", resource: "arn:aws:s3:::ZhangBucket"}, implicitDeny)
	w.expect("NoBoundaryPolicyEdit", zhang, req{action: "iam:CreatePolicyVersion", resource: xcb}, explicitDeny)
	w.expect("NoBoundaryPolicyEdit on his own boundary", zhang, req{action: "iam:SetDefaultPolicyVersion", resource: dub}, explicitDeny)
	w.expect("NoBoundaryUserDelete", zhang, req{action: "iam:DeleteUserPermissionsBoundary", resource: userARNPrefix + "Zhang"}, explicitDeny)

	// Nikhil: IAMFullAccess and AmazonS3ReadOnlyAccess (customer managed
	// stand-ins with the same statements), XCompanyBoundaries as boundary.
	full := w.policy("IAMFullAccess", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"}]}`)
	ro := w.policy("AmazonS3ReadOnlyAccess", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":"*"}]}`)
	nikhil := w.user("Nikhil", entity{managed: []string{full, ro}, boundary: xcb})
	w.expect("Nikhil changes his own password", nikhil, req{action: "iam:ChangePassword", resource: userARNPrefix + "Nikhil"}, allowed)
	w.expect("Nikhil creates his own access key", nikhil, req{action: "iam:CreateAccessKey", resource: userARNPrefix + "Nikhil"}, allowed)
	w.expect("Nikhil creates someone else's access key", nikhil, req{action: "iam:CreateAccessKey", resource: userARNPrefix + "Zhang"}, implicitDeny)
	w.expect("Nikhil creates another user", nikhil, req{action: "iam:CreateUser", resource: userARNPrefix + "x"}, implicitDeny)
	w.expect("Nikhil edits his policies", nikhil, req{action: "iam:PutUserPolicy", resource: userARNPrefix + "Nikhil"}, implicitDeny)
	w.expect("Nikhil reads a bucket", nikhil, req{action: "s3:GetObject", resource: "arn:aws:s3:::nikhil-data/a"}, allowed)
	w.expect("Nikhil cannot write", nikhil, req{action: "s3:PutObject", resource: "arn:aws:s3:::nikhil-data/a"}, implicitDeny)
	w.expect("Nikhil reads the logs bucket, even if granted by its policy", nikhil, req{action: "s3:GetObject", resource: "arn:aws:s3:::logs/a",
		resourcePolicy: resourcePolicyFor("Allow", userARNPrefix+"Nikhil", "s3:*")}, explicitDeny)
	// "If someone adds a resource-based policy to the i-1234567890abcdef0
	// instance that allows Nikhil to start and stop the instance, he still
	// cannot manage the instance."
	w.expect("Nikhil starts the production instance", nikhil, req{action: "ec2:StartInstances",
		resource:       "arn:aws:ec2:us-east-1:111122223333:instance/i-1234567890abcdef0",
		resourcePolicy: resourcePolicyFor("Allow", userARNPrefix+"Nikhil", "ec2:StartInstances")}, explicitDeny)
	// "However, if a resource-based policy attached to a Secrets Manager
	// secret allows Nikhil to perform the secretsmanager:GetSecretValue
	// action, then Nikhil can retrieve and decrypt the secret."
	secret := "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf"
	w.expect("Nikhil reads a secret granted by its resource policy", nikhil, req{action: "secretsmanager:GetSecretValue", resource: secret,
		resourcePolicy: resourcePolicyFor("Allow", userARNPrefix+"Nikhil", "secretsmanager:GetSecretValue")}, allowed)
	w.expect("Nikhil reads a secret without it", nikhil, req{action: "secretsmanager:GetSecretValue", resource: secret}, implicitDeny)
}
