package authz_test

// The worked examples and rules of the IAM User Guide's "Policy evaluation
// logic" (reference_policies_evaluation-logic) and its sub-pages, each
// decided by the engine against a real snapshot. Sections cited:
//
//   [basics]    "Policy evaluation for requests within a single account"
//               (reference_policies_evaluation-logic_policy-eval-basics)
//   [denyallow] "How AWS enforcement code logic evaluates requests to allow
//               or deny access" / "Determining whether a request is allowed
//               or denied within an account"
//               (reference_policies_evaluation-logic_policy-eval-denyallow)
//   [example]   "Example identity-based and resource-based policy
//               evaluation" (reference_policies_evaluation-logic, section
//               policies_evaluation_example)
//   [interplay] "The difference between explicit and implicit denies"
//               (reference_policies_evaluation-logic_AccessPolicyLanguage_Interplay)
//   [policies]  "Policies and permissions in IAM" (access_policies),
//               sections "Policies and the root user" and "Examples of JSON
//               policy syntax"
//
// The documents' account IDs are replaced by the tests' account.

import (
	"testing"

	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/iam"
)

const (
	allowS3Get     = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	allowS3All     = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`
	denyS3Get      = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:GetObject","Resource":"*"}]}`
	allowSQSSend   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*"}]}`
	objectARN      = "arn:aws:s3:::example-bucket/report.csv"
	queueARN       = "arn:aws:sqs:us-east-1:111122223333:example-queue"
	userARNPrefix  = "arn:aws:iam::111122223333:user/"
	roleARNPrefix  = "arn:aws:iam::111122223333:role/"
	sessARNPrefix  = "arn:aws:sts::111122223333:assumed-role/"
	accountRootARN = "arn:aws:iam::111122223333:root"
)

// resourcePolicyFor is a resource-based policy allowing (or denying) the
// action on every resource to one principal.
func resourcePolicyFor(effect, principal, action string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"` + effect + `","Principal":{"AWS":"` + principal +
		`"},"Action":"` + action + `","Resource":"*"}]}`
}

// [denyallow] summary: "By default, all requests are implicitly denied
// with the exception of the AWS account root user, which has full access."
func TestEvalDefaultDenyAndRoot(t *testing.T) {
	w := newWorld(t)
	nobody := w.user("nobody", entity{})
	w.expect("user without policies", nobody, req{action: "s3:GetObject", resource: objectARN}, implicitDeny)
	r := w.role("empty", entity{})
	w.expect("role session without policies", w.session(r, "s", nil), req{action: "s3:GetObject", resource: objectARN}, implicitDeny)
	for _, action := range []string{"s3:GetObject", "iam:CreateUser", "execute-api:Invoke", "sts:DecodeAuthorizationMessage"} {
		w.expect("root", root(), req{action: action, resource: "*"}, allowed)
	}
}

// [denyallow] summary: "An explicit allow in an identity-based or
// resource-based policy overrides this default", and "An explicit deny in
// any policy overrides any allows." [basics] "Evaluating identity-based
// policies with resource-based policies": the result is the union of the
// two; an explicit deny in either overrides the allow.
func TestEvalIdentityAndResourcePolicyUnion(t *testing.T) {
	w := newWorld(t)
	withID := w.user("with-identity", entity{inline: map[string]string{"s3": allowS3Get}})
	without := w.user("without-identity", entity{})
	denied := w.user("denied", entity{inline: map[string]string{"s3": allowS3Get, "deny": denyS3Get}})

	rpFor := func(name string) string { return resourcePolicyFor("Allow", userARNPrefix+name, "s3:GetObject") }
	get := func(rp string) req { return req{action: "s3:GetObject", resource: objectARN, resourcePolicy: rp} }

	w.expect("identity policy alone", withID, get(""), allowed)
	w.expect("resource policy alone", without, get(rpFor("without-identity")), allowed)
	w.expect("both", withID, get(rpFor("with-identity")), allowed)
	w.expect("neither", without, get(resourcePolicyFor("Allow", userARNPrefix+"someone-else", "s3:GetObject")), implicitDeny)
	w.expect("explicit deny in the identity policy beats the resource policy's allow", denied, get(rpFor("denied")), explicitDeny)
	w.expect("explicit deny in the resource policy beats the identity policy's allow", withID,
		get(resourcePolicyFor("Deny", userARNPrefix+"with-identity", "s3:GetObject")), explicitDeny)
}

// [denyallow] step "Deny evaluation": the enforcement code looks for a
// Deny statement in every policy type (resource-based, identity-based,
// permissions boundary, session policies); one applicable explicit deny
// is final.
func TestEvalExplicitDenyInEveryPolicyType(t *testing.T) {
	w := newWorld(t)
	allowB := w.policy("allow-boundary", allowS3All)
	denyB := w.policy("deny-boundary", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:GetObject","Resource":"*"}]}`)
	denyManaged := w.policy("deny-managed", denyS3Get)
	get := req{action: "s3:GetObject", resource: objectARN}
	sessionRP := func(role, sess string) req {
		return req{action: "s3:GetObject", resource: objectARN,
			resourcePolicy: resourcePolicyFor("Allow", sessARNPrefix+role+"/"+sess, "s3:GetObject")}
	}

	r := w.role("deny-inline", entity{inline: map[string]string{"allow": allowS3All, "deny": denyS3Get}, boundary: allowB})
	w.expect("identity (inline) deny", w.session(r, "s", nil), get, explicitDeny)
	w.expect("identity (inline) deny, resource policy names the session", w.session(r, "s", nil), sessionRP("deny-inline", "s"), explicitDeny)

	r = w.role("deny-attached", entity{inline: map[string]string{"allow": allowS3All}, managed: []string{denyManaged}})
	w.expect("identity (attached) deny", w.session(r, "s", nil), get, explicitDeny)

	r = w.role("deny-boundary", entity{inline: map[string]string{"allow": allowS3All}, boundary: denyB})
	w.expect("boundary deny", w.session(r, "s", nil), get, explicitDeny)
	w.expect("boundary deny, resource policy names the session", w.session(r, "s", nil), sessionRP("deny-boundary", "s"), explicitDeny)

	r = w.role("deny-session", entity{inline: map[string]string{"allow": allowS3All}})
	s := w.session(r, "s", func(s *sessionT) {
		s.Policy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:GetObject","Resource":"*"}]}`
	})
	w.expect("session policy deny", s, get, explicitDeny)
	w.expect("session policy deny, resource policy names the session", s, sessionRP("deny-session", "s"), explicitDeny)
	s = w.session(r, "m", func(s *sessionT) { s.PolicyARNs = []string{denyManaged} })
	w.expect("managed session policy deny", s, get, explicitDeny)

	r = w.role("deny-resource", entity{inline: map[string]string{"allow": allowS3All}})
	w.expect("resource policy deny", w.session(r, "s", nil), req{action: "s3:GetObject", resource: objectARN,
		resourcePolicy: resourcePolicyFor("Deny", "*", "s3:GetObject")}, explicitDeny)
}

// [denyallow] step "Resource-based policies" and its table "Resource-based
// policies and implicit denies in other policy types (same account)":
//   - IAM role: a grant to the role ARN is limited by an implicit deny in a
//     permissions boundary or session policy (not in identity policies);
//   - IAM role session: a grant to the session ARN is limited by none of
//     identity policies, permissions boundary, session policy;
//   - IAM user: a grant to the user ARN is limited by neither identity
//     policies nor the permissions boundary;
//   - IAM federated user sessions (GetFederationToken) do not exist in
//     stsd.
func TestEvalResourcePolicyPrincipalTable(t *testing.T) {
	w := newWorld(t)
	// A boundary that allows something else: an implicit deny for SQS.
	otherB := w.policy("boundary-s3-only", allowS3All)
	send := func(principal string) req {
		return req{action: "sqs:SendMessage", resource: queueARN, resourcePolicy: resourcePolicyFor("Allow", principal, "sqs:SendMessage")}
	}
	onlyS3 := func(s *sessionT) { s.Policy = allowS3Get }

	// IAM role row: the resource policy names the role ARN.
	r := w.role("noid", entity{}) // implicit deny in identity policies
	w.expect("role ARN, implicit deny in identity policy", w.session(r, "s", nil), send(roleARNPrefix+"noid"), allowed)
	rb := w.role("bounded", entity{boundary: otherB})
	w.expect("role ARN, implicit deny in permissions boundary", w.session(rb, "s", nil), send(roleARNPrefix+"bounded"), implicitDeny)
	w.expect("role ARN, implicit deny in session policy", w.session(r, "s", onlyS3), send(roleARNPrefix+"noid"), implicitDeny)

	// IAM role session row: the resource policy names the session ARN.
	w.expect("session ARN, implicit deny in identity policy", w.session(r, "s", nil), send(sessARNPrefix+"noid/s"), allowed)
	w.expect("session ARN, implicit deny in permissions boundary", w.session(rb, "s", nil), send(sessARNPrefix+"bounded/s"), allowed)
	w.expect("session ARN, implicit deny in session policy", w.session(r, "s", onlyS3), send(sessARNPrefix+"noid/s"), allowed)
	w.expect("another session's ARN grants nothing", w.session(r, "other", nil), send(sessARNPrefix+"noid/s"), implicitDeny)

	// IAM user row: the resource policy names the user ARN.
	u := w.user("noid", entity{})
	w.expect("user ARN, implicit deny in identity policy", u, send(userARNPrefix+"noid"), allowed)
	ub := w.user("bounded", entity{boundary: otherB})
	w.expect("user ARN, implicit deny in permissions boundary", ub, send(userARNPrefix+"bounded"), allowed)
}

// [denyallow] steps "Identity-based policies", "IAM permissions
// boundaries" and "Session policies", in order, without a resource-based
// policy.
func TestEvalFlowChartSteps(t *testing.T) {
	w := newWorld(t)
	get := req{action: "s3:GetObject", resource: objectARN}

	// "If there are no identity-based policies or no statements in
	// identity-based policies that allow the requested action, then the
	// request is implicitly denied."
	r := w.role("put-only", entity{inline: map[string]string{"put": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"}]}`}})
	w.expect("no identity statement allows", w.session(r, "s", nil), get, implicitDeny)

	// "If the policy that is used to set the permissions boundary does not
	// allow the requested action, then the request is implicitly denied."
	putB := w.policy("boundary-put", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"}]}`)
	rb := w.role("bounded-get", entity{inline: map[string]string{"get": allowS3Get}, boundary: putB})
	w.expect("boundary does not allow", w.session(rb, "s", nil), get, implicitDeny)
	// "If there is no permissions boundary, or if the permissions boundary
	// allows the requested action, the code continues."
	getB := w.policy("boundary-get", allowS3Get)
	rok := w.role("bounded-ok", entity{inline: map[string]string{"get": allowS3Get}, boundary: getB})
	w.expect("boundary allows", w.session(rok, "s", nil), get, allowed)

	// "If the principal is not a session principal, the enforcement code
	// returns a final decision of Allow."
	u := w.user("reader", entity{inline: map[string]string{"get": allowS3Get}})
	w.expect("IAM user allowed by identity policy", u, get, allowed)

	// "If a session policy is present and does not allow the requested
	// action, then the request is implicitly denied."
	reader := w.role("reader", entity{inline: map[string]string{"s3": allowS3All}})
	w.expect("session policy does not allow", w.session(reader, "s", func(s *sessionT) {
		s.Policy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}`
	}), get, implicitDeny)
	// "If there is no session policy, the code checks whether the
	// principal is a role session. If the principal is a role session,
	// then the request is Allowed."
	w.expect("role session without session policy", w.session(reader, "s", nil), get, allowed)
	// "If a session policy is present and allows the requested action,
	// then the enforcement code returns a final decision of Allow."
	w.expect("session policy allows", w.session(reader, "s", func(s *sessionT) { s.Policy = allowS3Get }), get, allowed)
}

// [example]: Carlos (user carlossalazar) with an identity policy allowing
// list/read on every bucket, everything on his own bucket and denying
// every bucket with "log" in its name; the carlossalazar bucket's policy
// allows him everything on it.
func TestEvalCarlosExample(t *testing.T) {
	const identity = `{
	  "Version": "2012-10-17",
	  "Statement": [
	    {"Sid": "AllowS3ListRead", "Effect": "Allow",
	     "Action": ["s3:GetBucketLocation", "s3:GetAccountPublicAccessBlock", "s3:ListAccessPoints", "s3:ListAllMyBuckets"],
	     "Resource": "arn:aws:s3:::*"},
	    {"Sid": "AllowS3Self", "Effect": "Allow", "Action": "s3:*",
	     "Resource": ["arn:aws:s3:::carlossalazar/*", "arn:aws:s3:::carlossalazar"]},
	    {"Sid": "DenyS3Logs", "Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::*log*"}
	  ]
	}`
	const bucketPolicy = `{
	  "Version": "2012-10-17",
	  "Statement": [
	    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/carlossalazar"}, "Action": "s3:*",
	     "Resource": ["arn:aws:s3:::carlossalazar/*", "arn:aws:s3:::carlossalazar"]}
	  ]
	}`
	w := newWorld(t)
	carlos := w.user("carlossalazar", entity{inline: map[string]string{"s3": identity}})

	// "When Carlos makes his request to save a file to the
	// carlossalazar-logs bucket … the identity-based policy explicitly
	// denies Carlos access to any S3 buckets used for logging."
	res := w.decide(carlos, req{action: "s3:PutObject", resource: "arn:aws:s3:::carlossalazar-logs/file.txt"})
	if d := res.Checks[0].Decision; d.Effect != explicitDeny || len(d.Matched) != 1 || d.Matched[0].Statement.Sid != "DenyS3Logs" {
		t.Errorf("save to carlossalazar-logs: %v, matched %v; want an explicit deny by DenyS3Logs", d.Effect, d.Matched)
	}
	// "He then … tries to save the file to the carlossalazar bucket …
	// Both the identity-based policy and the resource-based policy allow
	// the request."
	save := req{action: "s3:PutObject", resource: "arn:aws:s3:::carlossalazar/file.txt", resourcePolicy: bucketPolicy}
	res = w.decide(carlos, save)
	if d := res.Checks[0].Decision; d.Effect != allowed || !d.IdentityAllowed || !d.ResourceAllowed {
		t.Errorf("save to carlossalazar: %+v; want allowed by both policies", d)
	}
	// "If one of the policy types allows the request and the other
	// doesn't, the request is still allowed."
	w.expect("identity policy only", carlos, req{action: "s3:PutObject", resource: "arn:aws:s3:::carlossalazar/file.txt"}, allowed)
	bare := w.user("carlos-no-policy", entity{})
	w.expect("bucket policy only (naming this user)", bare, req{action: "s3:PutObject", resource: "arn:aws:s3:::carlossalazar/file.txt",
		resourcePolicy: resourcePolicyFor("Allow", userARNPrefix+"carlos-no-policy", "s3:*")}, allowed)
	// "This policy specifies that only the carlossalazar user can access
	// the carlossalazar bucket": another user gets nothing from it.
	w.expect("bucket policy names someone else", bare, save, implicitDeny)
	// "If either of them explicitly denied the statement, the request would
	// have been denied."
	w.expect("bucket policy denies", carlos, req{action: "s3:PutObject", resource: "arn:aws:s3:::carlossalazar/file.txt",
		resourcePolicy: resourcePolicyFor("Deny", userARNPrefix+"carlossalazar", "s3:PutObject")}, explicitDeny)
	// AllowS3ListRead: listing every bucket of the account.
	w.expect("list all buckets", carlos, req{action: "s3:ListAllMyBuckets", resource: "arn:aws:s3:::example"}, allowed)
}

// [interplay]: AllowGetList allows iam:Get* and iam:List*; every other IAM
// action is implicitly denied; DenyReports explicitly denies iam:*Report,
// even when another policy grants iam:GenerateCredentialReport.
func TestEvalExplicitAndImplicitDenies(t *testing.T) {
	const doc = `{
	  "Version": "2012-10-17",
	  "Statement": [
	    {"Sid": "AllowGetList", "Effect": "Allow", "Action": ["iam:Get*", "iam:List*"], "Resource": "*"},
	    {"Sid": "DenyReports", "Effect": "Deny", "Action": "iam:*Report", "Resource": "*"}
	  ]
	}`
	w := newWorld(t)
	r := w.role("auditor", entity{inline: map[string]string{"read": doc}})
	s := w.session(r, "s", nil)
	w.expect("iam:GetRole", s, req{action: "iam:GetRole", resource: "*"}, allowed)
	w.expect("iam:ListUsers", s, req{action: "iam:ListUsers", resource: "*"}, allowed)
	w.expect("iam:CreatePolicy", s, req{action: "iam:CreatePolicy", resource: "*"}, implicitDeny)
	w.expect("iam:GetOrganizationsAccessReport", s, req{action: "iam:GetOrganizationsAccessReport", resource: "*"}, explicitDeny)
	w.updateRole("auditor", func(r *iam.Role) {
		r.InlinePolicies["reports"] = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GenerateCredentialReport","Resource":"*"}]}`
	})
	w.expect("iam:GenerateCredentialReport granted by another policy", s, req{action: "iam:GenerateCredentialReport", resource: "*"}, explicitDeny)
}

// [policies] "Examples of JSON policy syntax": a bucket policy whose
// principal is the account ("Because the policy grants trust only to the
// account, individual users in the account must still be granted
// permissions for the specified Amazon S3 actions").
func TestEvalAccountPrincipalDelegates(t *testing.T) {
	const rp = `{"Version":"2012-10-17","Id":"S3-Account-Permissions","Statement":[{"Sid":"1","Effect":"Allow",
	  "Principal":{"AWS":["arn:aws:iam::111122223333:root"]},"Action":"s3:*",
	  "Resource":["arn:aws:s3:::mybucket","arn:aws:s3:::mybucket/*"]}]}`
	w := newWorld(t)
	get := req{action: "s3:GetObject", resource: "arn:aws:s3:::mybucket/a", resourcePolicy: rp}
	w.expect("user without permissions", w.user("plain", entity{}), get, implicitDeny)
	w.expect("user granted by an identity policy", w.user("granted", entity{inline: map[string]string{"get": allowS3Get}}), get, allowed)
	r := w.role("plain", entity{})
	w.expect("role session without permissions", w.session(r, "s", nil), get, implicitDeny)
	// The bare account ID means the same.
	w.expect("account ID principal", w.user("plain2", entity{}), req{action: "s3:GetObject", resource: "arn:aws:s3:::mybucket/a",
		resourcePolicy: resourcePolicyFor("Allow", acct, "s3:*")}, implicitDeny)
}

// [policies] "Policies and the root user": identity policies cannot be
// attached to root, but root can be named in a resource-based policy — so
// a resource policy's explicit deny applies to it.
func TestEvalRootAndResourcePolicies(t *testing.T) {
	w := newWorld(t)
	w.expect("resource policy denies root", root(), req{action: "s3:DeleteBucket", resource: "arn:aws:s3:::b",
		resourcePolicy: resourcePolicyFor("Deny", accountRootARN, "s3:DeleteBucket")}, explicitDeny)
	w.expect("resource policy denies everyone", root(), req{action: "s3:DeleteBucket", resource: "arn:aws:s3:::b",
		resourcePolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}]}`}, explicitDeny)
	w.expect("resource policy denies someone else", root(), req{action: "s3:DeleteBucket", resource: "arn:aws:s3:::b",
		resourcePolicy: resourcePolicyFor("Deny", userARNPrefix+"bob", "s3:DeleteBucket")}, allowed)
	// Root in another account's resources is not root there.
	res := w.engine.Decide(authz.Request{Caller: root(), ResourceAccount: "444455556666",
		Checks: []authz.Check{{Action: "s3:GetObject", Resource: "arn:aws:s3:::theirs/a"}}})
	if res.Allowed {
		t.Errorf("root allowed on another account's resource without its resource policy")
	}
}
