package authz_test

import (
	"testing"

	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/policy"
)

// A user is allowed what its groups' inline and attached policies allow,
// denied what they deny, and loses both when it leaves the group or the
// group's policies go.
func TestEngineGroupPolicies(t *testing.T) {
	w := newWorld(t)
	readReports := w.policy("read-reports", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*"}]}`)
	alice := w.user("alice", entity{inline: map[string]string{
		"everything-in-s3": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`}})
	bob := w.user("bob", entity{})
	g, err := w.repo.CreateGroup(w.ctx, iam.Group{Account: acct, Name: "analysts",
		InlinePolicies: map[string]string{
			"list":     `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::reports"}]}`,
			"no-trash": `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]}`,
		},
		ManagedPolicyARNs: []string{readReports}})
	if err != nil {
		t.Fatal(err)
	}
	w.wait(g.Revision)
	get := req{action: "s3:GetObject", resource: "arn:aws:s3:::reports/q1.csv"}
	list := req{action: "s3:ListBucket", resource: "arn:aws:s3:::reports"}
	del := req{action: "s3:DeleteObject", resource: "arn:aws:s3:::reports/q1.csv"}

	w.expect("bob before joining", bob, get, policy.ImplicitDeny)
	w.expect("alice before joining", alice, del, policy.Allowed)
	for _, name := range []string{"bob", "alice"} {
		u, err := w.repo.AddUserToGroup(w.ctx, acct, "ANALYSTS", name)
		if err != nil {
			t.Fatal(err)
		}
		w.wait(u.Revision)
	}
	w.expect("bob through the group's attached policy", bob, get, policy.Allowed)
	w.expect("bob through the group's inline policy", bob, list, policy.Allowed)
	w.expect("the group's deny binds alice", alice, del, policy.ExplicitDeny)

	// A group policy changed takes effect at once.
	g, err = w.repo.UpdateGroup(w.ctx, acct, "analysts", func(g *iam.Group) error {
		delete(g.InlinePolicies, "list")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	w.wait(g.Revision)
	w.expect("bob after the inline policy went", bob, list, policy.ImplicitDeny)
	w.expect("bob keeps the attached policy", bob, get, policy.Allowed)

	u, err := w.repo.RemoveUserFromGroup(w.ctx, acct, "analysts", "bob")
	if err != nil {
		t.Fatal(err)
	}
	w.wait(u.Revision)
	w.expect("bob after leaving", bob, get, policy.ImplicitDeny)
	w.expect("alice still bound by the group's deny", alice, del, policy.ExplicitDeny)

	// A renamed group keeps its members and policies (they name it by ID).
	g, err = w.repo.RenameGroup(w.ctx, acct, "analysts", "Readers", "/teams/")
	if err != nil {
		t.Fatal(err)
	}
	w.wait(g.Revision)
	w.waitGone(func(s *iam.Snapshot) bool { _, ok := s.GroupByName(acct, "analysts"); return ok })
	w.expect("alice after the rename", alice, del, policy.ExplicitDeny)
	w.expect("alice's group grants after the rename", alice, get, policy.Allowed)

	// A group deleted (behind the API's back, members and all) and made
	// again under its name is another group: its old members gain nothing.
	if _, err := w.repo.Store().Delete(w.ctx, iam.GroupKey(acct, "readers")); err != nil {
		t.Fatal(err)
	}
	w.waitGone(func(s *iam.Snapshot) bool { _, ok := s.GroupByName(acct, "readers"); return ok })
	w.expect("alice after the group is gone", alice, del, policy.Allowed)
	g, err = w.repo.CreateGroup(w.ctx, iam.Group{Account: acct, Name: "Readers", ManagedPolicyARNs: []string{readReports},
		InlinePolicies: map[string]string{"no-trash": `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]}`}})
	if err != nil {
		t.Fatal(err)
	}
	w.wait(g.Revision)
	w.expect("a new group of the same name", alice, del, policy.Allowed)
}

// AWS managed policies stsd has built in are resolved where attached to a
// user or a group; one stsd does not have grants nothing.
func TestEngineAWSManagedPolicies(t *testing.T) {
	w := newWorld(t)
	reader := w.user("reader", entity{managed: []string{"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"}})
	admin := w.user("admin", entity{})
	g, err := w.repo.CreateGroup(w.ctx, iam.Group{Account: acct, Name: "admins", ManagedPolicyARNs: []string{"arn:aws:iam::aws:policy/AdministratorAccess"}})
	if err != nil {
		t.Fatal(err)
	}
	w.wait(g.Revision)
	u, err := w.repo.AddUserToGroup(w.ctx, acct, "admins", "admin")
	if err != nil {
		t.Fatal(err)
	}
	w.wait(u.Revision)
	get := req{action: "s3:GetObject", resource: "arn:aws:s3:::reports/q1.csv"}
	put := req{action: "s3:PutObject", resource: "arn:aws:s3:::reports/q1.csv"}
	w.expect("AmazonS3ReadOnlyAccess reads", reader, get, policy.Allowed)
	w.expect("AmazonS3ReadOnlyAccess does not write", reader, put, policy.ImplicitDeny)
	w.expect("AdministratorAccess through a group", admin, req{action: "iam:CreateRole", resource: "arn:aws:iam::" + acct + ":role/x"}, policy.Allowed)
	power := w.user("power", entity{managed: []string{"arn:aws:iam::aws:policy/PowerUserAccess"}})
	w.expect("PowerUserAccess writes S3", power, put, policy.Allowed)
	w.expect("PowerUserAccess manages no users", power, req{action: "iam:CreateUser", resource: "arn:aws:iam::" + acct + ":user/x"}, policy.ImplicitDeny)
	w.expect("PowerUserAccess lists roles", power, req{action: "iam:ListRoles", resource: "*"}, policy.Allowed)
}
