package authz_test

import (
	"context"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/policy"
)

// A policy change in the snapshot applies to the very next decision, for
// every kind of policy the engine reads.
func TestEngineLiveSnapshot(t *testing.T) {
	w := newWorld(t)
	get := req{action: "s3:GetObject", resource: objectARN}
	mp := w.policy("attached", allowS3Get)
	r := w.role("app", entity{})
	s := w.session(r, "s", nil)
	w.expect("no policies yet", s, get, implicitDeny)

	w.updateRole("app", func(r *iam.Role) { r.InlinePolicies = map[string]string{"get": allowS3Get} })
	w.expect("inline policy added", s, get, allowed)
	w.updateRole("app", func(r *iam.Role) { r.InlinePolicies = map[string]string{"get": denyS3Get} })
	w.expect("inline policy rewritten to deny", s, get, explicitDeny)
	w.updateRole("app", func(r *iam.Role) { r.InlinePolicies = nil; r.ManagedPolicyARNs = []string{mp} })
	w.expect("managed policy attached", s, get, allowed)
	w.setDefaultVersion(mp, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"}]}`)
	w.expect("managed policy's default version changed", s, get, implicitDeny)
	w.setDefaultVersion(mp, allowS3Get)
	b := w.policy("boundary", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}`)
	w.updateRole("app", func(r *iam.Role) { r.PermissionsBoundaryARN = b })
	w.expect("boundary set", s, get, implicitDeny)
	w.updateRole("app", func(r *iam.Role) { r.PermissionsBoundaryARN = "" })
	w.expect("boundary removed", s, get, allowed)

	u := w.user("alice", entity{})
	w.expect("user without policies", u, get, implicitDeny)
	w.updateUser("alice", func(u *iam.User) { u.InlinePolicies = map[string]string{"get": allowS3Get} })
	w.expect("user's inline policy added (caller authenticated before)", u, get, allowed)
}

// AWS's "Revoke active sessions" writes an inline policy
// AWSRevokeOlderSessions denying everything to sessions whose
// aws:TokenIssueTime is before the revocation (IAM User Guide,
// "Revoking IAM role temporary security credentials").
func TestEngineRevokeOlderSessions(t *testing.T) {
	w := newWorld(t)
	r := w.role("app", entity{inline: map[string]string{"all": allowS3All}})
	old := w.session(r, "old", func(s *sessionT) { s.IssuedAt = testNow.Add(-time.Hour) })
	fresh := w.session(r, "fresh", func(s *sessionT) { s.IssuedAt = testNow.Add(time.Second) })
	get := req{action: "s3:GetObject", resource: objectARN}
	w.expect("old session before revocation", old, get, allowed)
	w.updateRole("app", func(r *iam.Role) {
		r.InlinePolicies["AWSRevokeOlderSessions"] = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["*"],"Resource":["*"],
		  "Condition":{"DateLessThan":{"aws:TokenIssueTime":"` + testNow.Format(time.RFC3339) + `"}}}]}`
	})
	w.expect("old session after revocation", old, get, explicitDeny)
	w.expect("session issued after revocation", fresh, get, allowed)
	// Resource policies naming the session do not bring it back.
	w.expect("old session named by a resource policy", old, req{action: "s3:GetObject", resource: objectARN,
		resourcePolicy: resourcePolicyFor("Allow", sessARNPrefix+"app/old", "s3:GetObject")}, explicitDeny)
}

// A role or user deleted since the caller authenticated — or deleted and
// created again under the same name — is allowed nothing, not even by a
// resource-based policy naming it.
func TestEngineDeletedEntities(t *testing.T) {
	w := newWorld(t)
	r := w.role("app", entity{inline: map[string]string{"get": allowS3Get}})
	s := w.session(r, "s", nil)
	named := req{action: "s3:GetObject", resource: objectARN, resourcePolicy: resourcePolicyFor("Allow", sessARNPrefix+"app/s", "s3:GetObject")}
	w.updateRole("app", func(r *iam.Role) { r.InlinePolicies = nil })
	if err := w.repo.DeleteRole(w.ctx, acct, "app"); err != nil {
		t.Fatal(err)
	}
	w.waitGone(func(snap *iam.Snapshot) bool { _, ok := snap.RoleByName(acct, "app"); return ok })
	w.expect("session of a deleted role", s, req{action: "s3:GetObject", resource: objectARN}, explicitDeny)
	w.expect("session of a deleted role, named by a resource policy", s, named, explicitDeny)
	w.role("app", entity{inline: map[string]string{"get": allowS3Get}}) // same name, new role ID
	w.expect("session of a role deleted and created again", s, named, explicitDeny)

	u := w.user("bob", entity{inline: map[string]string{"get": allowS3Get}})
	w.updateUser("bob", func(u *iam.User) { u.InlinePolicies = nil })
	if err := w.repo.DeleteUser(w.ctx, acct, "bob"); err != nil {
		t.Fatal(err)
	}
	w.waitGone(func(snap *iam.Snapshot) bool { _, ok := snap.UserByName(acct, "bob"); return ok })
	userNamed := req{action: "s3:GetObject", resource: objectARN, resourcePolicy: resourcePolicyFor("Allow", userARNPrefix+"bob", "s3:GetObject")}
	w.expect("deleted user (authenticated before), named by a resource policy", u, userNamed, explicitDeny)
	w.user("bob", entity{inline: map[string]string{"get": allowS3Get}})
	w.expect("user deleted and created again", u, userNamed, explicitDeny)
}

// waitGone waits until present no longer holds for the snapshot.
func (w *world) waitGone(present func(*iam.Snapshot) bool) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(w.ctx, 5*time.Second)
	defer cancel()
	if err := w.cache.WaitFor(ctx, func(s *iam.Snapshot) bool { return !present(s) }); err != nil {
		w.t.Fatal(err)
	}
}

// Several checks: Allowed only when every one is; each check has its own
// decision and its own keys.
func TestEngineMultipleChecks(t *testing.T) {
	w := newWorld(t)
	u := w.user("alice", entity{inline: map[string]string{"p": `{"Version":"2012-10-17","Statement":[
	  {"Effect":"Allow","Action":"s3:GetObject","Resource":"*"},
	  {"Effect":"Allow","Action":"s3:PutObject","Resource":"*","Condition":{"StringEquals":{"s3:x-amz-acl":"private"}}},
	  {"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]}`}})
	check := func(action string, keys ...authz.Key) authz.Check {
		return authz.Check{Action: action, Resource: objectARN, Keys: keys}
	}
	private := authz.Key{Name: "s3:x-amz-acl", Values: []string{"private"}}
	cases := []struct {
		name   string
		checks []authz.Check
		want   []policy.Outcome
	}{
		{"all allowed", []authz.Check{check("s3:GetObject"), check("s3:PutObject", private)}, []policy.Outcome{allowed, allowed}},
		{"one implicit deny", []authz.Check{check("s3:GetObject"), check("s3:PutObject")}, []policy.Outcome{allowed, implicitDeny}},
		{"one explicit deny", []authz.Check{check("s3:DeleteObject"), check("s3:GetObject")}, []policy.Outcome{explicitDeny, allowed}},
		{"keys stay with their check", []authz.Check{check("s3:PutObject"), check("s3:PutObject", private), check("s3:PutObject")},
			[]policy.Outcome{implicitDeny, allowed, implicitDeny}},
	}
	for _, c := range cases {
		res := w.engine.Decide(authz.Request{Caller: u, Checks: c.checks})
		all := true
		for i, want := range c.want {
			if got := res.Checks[i].Decision.Effect; got != want {
				t.Errorf("%s: check %d = %v, want %v", c.name, i, got, want)
			}
			all = all && want == allowed
		}
		if res.Allowed != all {
			t.Errorf("%s: Allowed = %v, want %v", c.name, res.Allowed, all)
		}
		if first := res.FirstDenied(); (first == nil) != all {
			t.Errorf("%s: FirstDenied = %v", c.name, first)
		}
	}
	// No caller, or nothing to decide: denied.
	if res := w.engine.Decide(authz.Request{Caller: u}); res.Allowed {
		t.Error("no checks: allowed")
	}
	if res := w.engine.Decide(authz.Request{Checks: []authz.Check{check("s3:GetObject")}}); res.Allowed || len(res.Checks) != 1 || res.Checks[0].Decision.Effect != implicitDeny {
		t.Errorf("no caller: %+v", res)
	}
}

// The denial text names where an explicit deny was, as AWS words it.
func TestEngineDenialMessage(t *testing.T) {
	w := newWorld(t)
	b := w.policy("b", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]}`)
	r := w.role("app", entity{inline: map[string]string{"p": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:PutObject","Resource":"*"}]}`}, boundary: b})
	s := w.session(r, "s", func(s *sessionT) {
		s.Policy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:GetObjectAcl","Resource":"*"}]}`
	})
	prefix := "User: arn:aws:sts::111122223333:assumed-role/app/s is not authorized to perform: "
	for action, want := range map[string]string{
		"ec2:RunInstances": prefix + "ec2:RunInstances on resource: " + objectARN,
		"s3:PutObject":     prefix + "s3:PutObject on resource: " + objectARN + " with an explicit deny in an identity-based policy",
		"s3:DeleteObject":  prefix + "s3:DeleteObject on resource: " + objectARN + " with an explicit deny in a permissions boundary",
		"s3:GetObjectAcl":  prefix + "s3:GetObjectAcl on resource: " + objectARN + " with an explicit deny in a session policy",
		"s3:PutObjectAcl":  prefix + "s3:PutObjectAcl on resource: " + objectARN + " with an explicit deny in a resource-based policy",
	} {
		rp := ""
		if action == "s3:PutObjectAcl" {
			rp = resourcePolicyFor("Deny", "*", "s3:PutObjectAcl")
		}
		res := w.decide(s, req{action: action, resource: objectARN, resourcePolicy: rp})
		cr := res.FirstDenied()
		if cr == nil {
			t.Errorf("%s: allowed", action)
			continue
		}
		if got := authz.DenialMessage(s.ARN, cr); got != want {
			t.Errorf("%s:\n got %q\nwant %q", action, got, want)
		}
	}
}
