package authz_test

// The IAM User Guide's "Session policies" (access_policies_session, the
// section policies_session of "Policies and permissions in IAM") and the
// STS API reference's AssumeRole* parameters Policy and PolicyArns, as
// engine tests. Sections cited:
//
//   [session]   the page's rules: the session's permissions are the
//               intersection of the role's identity-based policies and the
//               session policies; an explicit deny in any overrides;
//   [rbp-role]  "A resource-based policy can specify the ARN of the user or
//               role as a principal" (its diagram): the session policy
//               limits what the resource policy grants;
//   [rbp-sess]  "A resource-based policy can specify the ARN of the session
//               as a principal" (its diagram): the resource policy's
//               permissions are not limited by the session policy;
//   [boundary]  "A permissions boundary can set the maximum permissions for
//               a user or role that is used to create a session" (its
//               diagram), and "a permissions boundary does not limit
//               permissions granted by a resource-based policy that
//               specifies the ARN of the resulting session";
//   [sts]       STS API reference, AssumeRole / AssumeRoleWithWebIdentity,
//               Policy and PolicyArns: "You cannot use session policies to
//               grant more permissions than those allowed by the
//               identity-based policy of the role that is being assumed."

import (
	"context"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/iam"
)

// [session], [sts]: intersection of the role's policies and the session
// policy; a session policy grants nothing the role lacks.
func TestSessionPolicyIntersection(t *testing.T) {
	w := newWorld(t)
	r := w.role("app", entity{inline: map[string]string{"s3": allowS3All}})
	s := w.session(r, "s", func(s *sessionT) {
		s.Policy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","ec2:*"],"Resource":"*"}]}`
	})
	w.expect("both allow", s, req{action: "s3:GetObject", resource: objectARN}, allowed)
	w.expect("role allows, session policy does not", s, req{action: "s3:PutObject", resource: objectARN}, implicitDeny)
	w.expect("session policy allows, role does not", s, req{action: "ec2:RunInstances", resource: "*"}, implicitDeny)
	w.expect("the same role without session policies", w.session(r, "plain", nil), req{action: "s3:PutObject", resource: objectARN}, allowed)
}

// [session]: PolicyArns are session policies too, alone or beside an
// inline Policy; together they are one layer, any of them allowing.
func TestSessionManagedPolicies(t *testing.T) {
	w := newWorld(t)
	getP := w.policy("session-get", allowS3Get)
	putP := w.policy("session-put", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"}]}`)
	r := w.role("app", entity{inline: map[string]string{"s3": allowS3All}})
	managedOnly := w.session(r, "m", func(s *sessionT) { s.PolicyARNs = []string{getP} })
	w.expect("PolicyArns allow", managedOnly, req{action: "s3:GetObject", resource: objectARN}, allowed)
	w.expect("PolicyArns do not allow", managedOnly, req{action: "s3:PutObject", resource: objectARN}, implicitDeny)
	both := w.session(r, "b", func(s *sessionT) {
		s.PolicyARNs = []string{getP}
		s.Policy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}`
	})
	w.expect("inline session policy allows", both, req{action: "s3:ListBucket", resource: "arn:aws:s3:::example-bucket"}, allowed)
	w.expect("managed session policy allows", both, req{action: "s3:GetObject", resource: objectARN}, allowed)
	w.expect("neither allows", both, req{action: "s3:PutObject", resource: objectARN}, implicitDeny)
	two := w.session(r, "two", func(s *sessionT) { s.PolicyARNs = []string{getP, putP} })
	w.expect("second managed session policy allows", two, req{action: "s3:PutObject", resource: objectARN}, allowed)
	// A managed session policy's new default version applies to sessions
	// already issued (they name the policy, not a copy).
	w.setDefaultVersion(getP, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObjectTagging","Resource":"*"}]}`)
	w.expect("after the managed session policy changed", managedOnly, req{action: "s3:GetObject", resource: objectARN}, implicitDeny)
}

// [rbp-role]: a resource policy naming the role ARN; the session's
// permissions are (session ∩ resource policy) ∪ (session ∩ identity).
func TestSessionPolicyResourcePolicyNamesRole(t *testing.T) {
	w := newWorld(t)
	r := w.role("app", entity{inline: map[string]string{"s3": allowS3Get}})
	rp := resourcePolicyFor("Allow", roleARNPrefix+"app", "sqs:SendMessage")
	send := req{action: "sqs:SendMessage", resource: queueARN, resourcePolicy: rp}
	w.expect("session policy allows what the resource policy grants", w.session(r, "a", func(s *sessionT) { s.Policy = allowSQSSend }), send, allowed)
	w.expect("session policy does not allow it", w.session(r, "b", func(s *sessionT) { s.Policy = allowS3Get }), send, implicitDeny)
	w.expect("managed session policy does not allow it", w.session(r, "c", func(s *sessionT) { s.PolicyARNs = []string{w.policy("only-get", allowS3Get)} }), send, implicitDeny)
	w.expect("no session policy: the resource policy grants", w.session(r, "d", nil), send, allowed)
	// The identity side, still limited by the session policy.
	w.expect("identity ∩ session policy", w.session(r, "e", func(s *sessionT) { s.Policy = allowS3Get }),
		req{action: "s3:GetObject", resource: objectARN, resourcePolicy: rp}, allowed)
}

// [rbp-sess]: a resource policy naming the session ARN; "The resulting
// session has all the permissions of the resource-based policy plus the
// intersection of the identity-based policy and the session policy."
func TestSessionPolicyResourcePolicyNamesSession(t *testing.T) {
	w := newWorld(t)
	r := w.role("app", entity{inline: map[string]string{"s3": allowS3All}})
	s := w.session(r, "job-42", func(s *sessionT) { s.Policy = allowS3Get })
	rp := resourcePolicyFor("Allow", sessARNPrefix+"app/job-42", "sqs:SendMessage")
	w.expect("resource policy grant not limited by the session policy", s, req{action: "sqs:SendMessage", resource: queueARN, resourcePolicy: rp}, allowed)
	w.expect("plus identity ∩ session policy", s, req{action: "s3:GetObject", resource: objectARN, resourcePolicy: rp}, allowed)
	w.expect("but not identity alone", s, req{action: "s3:PutObject", resource: objectARN, resourcePolicy: rp}, implicitDeny)
	m := w.session(r, "job-43", func(s *sessionT) { s.PolicyARNs = []string{w.policy("only-get", allowS3Get)} })
	w.expect("not limited by a managed session policy either", m, req{action: "sqs:SendMessage", resource: queueARN,
		resourcePolicy: resourcePolicyFor("Allow", sessARNPrefix+"app/job-43", "sqs:SendMessage")}, allowed)
	// An explicit deny in the session policy still wins ([session]).
	d := w.session(r, "job-44", func(s *sessionT) {
		s.Policy = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"sqs:*","Resource":"*"}]}`
	})
	w.expect("explicit deny in the session policy", d, req{action: "sqs:SendMessage", resource: queueARN,
		resourcePolicy: resourcePolicyFor("Allow", sessARNPrefix+"app/job-44", "sqs:SendMessage")}, explicitDeny)
}

// [boundary]: session ∩ boundary ∩ identity; a resource policy naming the
// session ARN is not limited by the boundary, one naming the role is.
func TestSessionPolicyWithBoundary(t *testing.T) {
	w := newWorld(t)
	b := w.policy("boundary", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"*"}]}`)
	r := w.role("app", entity{inline: map[string]string{"s3": allowS3All}, boundary: b})
	s := w.session(r, "s", func(s *sessionT) {
		s.Policy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket","sqs:SendMessage"],"Resource":"*"}]}`
	})
	w.expect("all three allow", s, req{action: "s3:GetObject", resource: objectARN}, allowed)
	w.expect("boundary does not allow", s, req{action: "s3:ListBucket", resource: "arn:aws:s3:::example-bucket"}, implicitDeny)
	w.expect("session policy does not allow", s, req{action: "s3:PutObject", resource: objectARN}, implicitDeny)
	w.expect("resource policy names the session: boundary does not limit", s, req{action: "sqs:SendMessage", resource: queueARN,
		resourcePolicy: resourcePolicyFor("Allow", sessARNPrefix+"app/s", "sqs:SendMessage")}, allowed)
	w.expect("resource policy names the role: boundary limits", s, req{action: "sqs:SendMessage", resource: queueARN,
		resourcePolicy: resourcePolicyFor("Allow", roleARNPrefix+"app", "sqs:SendMessage")}, implicitDeny)
}

// PolicyArns naming a policy deleted since issuance deny: a session made
// with session policies never becomes one without them, and a deleted
// policy's Deny statements are not silently dropped either — the engine
// stands an explicit deny-all in for it (iam.DenyAll), as for a
// permissions boundary that cannot be resolved. (AWS checks PolicyArns at
// issuance only, which stsd does too; what a session does after its
// managed session policy is deleted is stsd's choice: fail closed.)
func TestSessionPolicyArnsDeleted(t *testing.T) {
	w := newWorld(t)
	gone := w.policy("gone", allowS3Get)
	kept := w.policy("kept", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"}]}`)
	r := w.role("app", entity{inline: map[string]string{"s3": allowS3All}})
	only := w.session(r, "only", func(s *sessionT) { s.PolicyARNs = []string{gone} })
	mixed := w.session(r, "mixed", func(s *sessionT) { s.PolicyARNs = []string{gone, kept} })
	w.expect("before deletion", only, req{action: "s3:GetObject", resource: objectARN}, allowed)
	if err := w.repo.DeletePolicy(w.ctx, gone); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(w.ctx, 5*time.Second)
	defer cancel()
	if err := w.cache.WaitFor(ctx, func(s *iam.Snapshot) bool { _, ok := s.ManagedPolicy(gone); return !ok }); err != nil {
		t.Fatal(err)
	}
	w.expect("its only session policy deleted", only, req{action: "s3:GetObject", resource: objectARN}, explicitDeny)
	w.expect("its only session policy deleted: nothing else either", only, req{action: "s3:PutObject", resource: objectARN}, explicitDeny)
	w.expect("one of two deleted: the deleted one grants nothing", mixed, req{action: "s3:GetObject", resource: objectARN}, explicitDeny)
	w.expect("one of two deleted: the other no longer grants either", mixed, req{action: "s3:PutObject", resource: objectARN}, explicitDeny)
	never := w.session(r, "never", func(s *sessionT) { s.PolicyARNs = []string{iam.PolicyARN(acct, "/", "never-existed")} })
	w.expect("a policy ARN that names nothing", never, req{action: "s3:PutObject", resource: objectARN}, explicitDeny)
	bad := w.session(r, "bad", func(s *sessionT) { s.Policy = `{"Version":"2012-10-17","Statement":` })
	w.expect("an inline session policy that does not parse", bad, req{action: "s3:PutObject", resource: objectARN}, explicitDeny)
}
