package iamapi_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

func groupNames(gs []types.Group) string {
	names := make([]string, len(gs))
	for i, g := range gs {
		names[i] = aws.ToString(g.GroupName)
	}
	return strings.Join(names, " ")
}

// CreateGroup returns IAM's Group (AGPA id, ARN with the path); GetGroup
// returns it with its members a page at a time; ListGroups filters on the
// path; names are unique ignoring case.
func TestContractGroupsCreateGetList(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	c := n.root()
	out, err := c.CreateGroup(ctx, &iamsdk.CreateGroupInput{GroupName: aws.String("Analysts"), Path: aws.String("/teams/")})
	if err != nil {
		t.Fatal(err)
	}
	g := out.Group
	if aws.ToString(g.Arn) != "arn:aws:iam::"+account+":group/teams/Analysts" || aws.ToString(g.Path) != "/teams/" ||
		!strings.HasPrefix(aws.ToString(g.GroupId), "AGPA") || len(aws.ToString(g.GroupId)) != 21 || g.CreateDate == nil {
		t.Fatalf("Group = %+v", g)
	}
	_, err = c.CreateGroup(ctx, &iamsdk.CreateGroupInput{GroupName: aws.String("ANALYSTS")})
	wantAPIError(t, err, "EntityAlreadyExists", http.StatusConflict, "Group with name ANALYSTS already exists.")
	if _, err := c.CreateGroup(ctx, &iamsdk.CreateGroupInput{GroupName: aws.String("admins")}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"carol", "Bob", "alice", "dave"} {
		n.apiUser(t, u)
		if _, err := c.AddUserToGroup(ctx, &iamsdk.AddUserToGroupInput{GroupName: aws.String("analysts"), UserName: aws.String(u)}); err != nil {
			t.Fatal(err)
		}
	}
	// Adding a member again changes nothing.
	if _, err := c.AddUserToGroup(ctx, &iamsdk.AddUserToGroupInput{GroupName: aws.String("Analysts"), UserName: aws.String("ALICE")}); err != nil {
		t.Fatal(err)
	}
	var pages []string
	in := &iamsdk.GetGroupInput{GroupName: aws.String("analysts"), MaxItems: aws.Int32(3)}
	for {
		page, err := c.GetGroup(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(page.Group.GroupName) != "Analysts" || aws.ToString(page.Group.GroupId) != aws.ToString(g.GroupId) {
			t.Fatalf("GetGroup's Group = %+v", page.Group)
		}
		pages = append(pages, userNames(page.Users))
		if !page.IsTruncated {
			break
		}
		in.Marker = page.Marker
	}
	if strings.Join(pages, "|") != "alice Bob carol|dave" {
		t.Errorf("members by page = %q", pages)
	}
	list, err := c.ListGroups(ctx, &iamsdk.ListGroupsInput{})
	if err != nil || groupNames(list.Groups) != "admins Analysts" || list.IsTruncated {
		t.Fatalf("ListGroups = %+v, %v", list, err)
	}
	list, err = c.ListGroups(ctx, &iamsdk.ListGroupsInput{PathPrefix: aws.String("/teams/")})
	if err != nil || groupNames(list.Groups) != "Analysts" {
		t.Fatalf("ListGroups /teams/ = %+v, %v", list, err)
	}
	forUser, err := c.ListGroupsForUser(ctx, &iamsdk.ListGroupsForUserInput{UserName: aws.String("bob")})
	if err != nil || groupNames(forUser.Groups) != "Analysts" {
		t.Fatalf("ListGroupsForUser = %+v, %v", forUser, err)
	}
	forUser, err = c.ListGroupsForUser(ctx, &iamsdk.ListGroupsForUserInput{UserName: aws.String("admins-only")})
	wantNoSuchEntity(t, err, "user", "admins-only")
	_ = forUser
}

func TestContractGroupsErrors(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	c := n.root()
	_, err := c.GetGroup(ctx, &iamsdk.GetGroupInput{GroupName: aws.String("ghost")})
	wantNoSuchEntity(t, err, "group", "ghost")
	_, err = c.DeleteGroup(ctx, &iamsdk.DeleteGroupInput{GroupName: aws.String("ghost")})
	wantNoSuchEntity(t, err, "group", "ghost")
	_, err = c.UpdateGroup(ctx, &iamsdk.UpdateGroupInput{GroupName: aws.String("ghost"), NewGroupName: aws.String("x")})
	wantNoSuchEntity(t, err, "group", "ghost")
	n.apiUser(t, "alice")
	_, err = c.AddUserToGroup(ctx, &iamsdk.AddUserToGroupInput{GroupName: aws.String("ghost"), UserName: aws.String("alice")})
	wantNoSuchEntity(t, err, "group", "ghost")
	if _, err := c.CreateGroup(ctx, &iamsdk.CreateGroupInput{GroupName: aws.String("g")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.AddUserToGroup(ctx, &iamsdk.AddUserToGroupInput{GroupName: aws.String("g"), UserName: aws.String("nobody")})
	wantNoSuchEntity(t, err, "user", "nobody")
	_, err = c.RemoveUserFromGroup(ctx, &iamsdk.RemoveUserFromGroupInput{GroupName: aws.String("g"), UserName: aws.String("nobody")})
	wantNoSuchEntity(t, err, "user", "nobody")
	// Removing a user that is no member succeeds, as in IAM.
	if _, err := c.RemoveUserFromGroup(ctx, &iamsdk.RemoveUserFromGroupInput{GroupName: aws.String("g"), UserName: aws.String("alice")}); err != nil {
		t.Fatal(err)
	}

	long := strings.Repeat("g", 129)
	r := n.post(url.Values{"Action": {"CreateGroup"}, "GroupName": {long}, "Path": {"teams"}}, nil)
	wantRawError(t, r, "ValidationError", http.StatusBadRequest,
		"2 validation errors detected: Value 'teams' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F); "+
			"Value '"+long+"' at 'groupName' failed to satisfy constraint: Member must have length less than or equal to 128")
	r = n.post(url.Values{"Action": {"CreateGroup"}}, nil)
	wantRawError(t, r, "ValidationError", http.StatusBadRequest,
		"1 validation error detected: Value null at 'groupName' failed to satisfy constraint: Member must not be null")
	r = n.post(url.Values{"Action": {"UpdateGroup"}, "GroupName": {"g"}, "NewGroupName": {"a/b"}}, nil)
	wantRawError(t, r, "ValidationError", http.StatusBadRequest,
		"1 validation error detected: Value 'a/b' at 'newGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+")
	r = n.post(url.Values{"Action": {"AddUserToGroup"}, "GroupName": {"g"}}, nil)
	wantRawError(t, r, "ValidationError", http.StatusBadRequest,
		"1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null")

	// Ten groups per user (GroupsPerUser).
	for i := range 10 {
		name := "g" + strconv.Itoa(i)
		if _, err := c.CreateGroup(ctx, &iamsdk.CreateGroupInput{GroupName: aws.String(name)}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.AddUserToGroup(ctx, &iamsdk.AddUserToGroupInput{GroupName: aws.String(name), UserName: aws.String("alice")}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = c.AddUserToGroup(ctx, &iamsdk.AddUserToGroupInput{GroupName: aws.String("g"), UserName: aws.String("alice")})
	wantAPIError(t, err, "LimitExceeded", http.StatusConflict, "Cannot exceed quota for GroupsPerUser: 10")

	// A group's inline policies share 5,120 characters (GroupPolicySize).
	stmt := `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + strings.Repeat("b", 1800) + `"}`
	big := `{"Version":"2012-10-17","Statement":[` + stmt + `,` + stmt + `,` + stmt + `]}`
	_, err = c.PutGroupPolicy(ctx, &iamsdk.PutGroupPolicyInput{GroupName: aws.String("g"), PolicyName: aws.String("big"), PolicyDocument: aws.String(big)})
	wantAPIError(t, err, "LimitExceeded", http.StatusConflict, "Maximum policy size of 5120 bytes exceeded for group g")
	_, err = c.GetGroupPolicy(ctx, &iamsdk.GetGroupPolicyInput{GroupName: aws.String("g"), PolicyName: aws.String("big")})
	wantAPIError(t, err, "NoSuchEntity", http.StatusNotFound, "The group policy with name big cannot be found.")
	// Groups have no permissions boundary.
	r = n.post(url.Values{"Action": {"PutGroupPermissionsBoundary"}, "GroupName": {"g"}}, nil)
	wantRawError(t, r, "InvalidAction", http.StatusBadRequest, "Could not find operation PutGroupPermissionsBoundary for version 2010-05-08")
}

// DeleteGroup refuses while the group has members, inline or attached
// policies; DeleteUser while the user is in a group; DeletePolicy while a
// group has it attached — each with IAM's DeleteConflict.
func TestContractGroupsDeleteConflicts(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	c := n.root()
	arn := n.repoPolicy(t, "/", "Reports", allow("s3:GetObject"))
	if _, err := c.CreateGroup(ctx, &iamsdk.CreateGroupInput{GroupName: aws.String("team")}); err != nil {
		t.Fatal(err)
	}
	n.apiUser(t, "alice")
	steps := []struct {
		do, undo func() error
		message  string
	}{
		{func() error {
			_, err := c.AddUserToGroup(ctx, &iamsdk.AddUserToGroupInput{GroupName: aws.String("team"), UserName: aws.String("alice")})
			return err
		}, func() error {
			_, err := c.RemoveUserFromGroup(ctx, &iamsdk.RemoveUserFromGroupInput{GroupName: aws.String("TEAM"), UserName: aws.String("Alice")})
			return err
		}, "Cannot delete entity, must remove users from group first."},
		{func() error {
			_, err := c.PutGroupPolicy(ctx, &iamsdk.PutGroupPolicyInput{GroupName: aws.String("team"), PolicyName: aws.String("p"), PolicyDocument: aws.String(getObjectDoc)})
			return err
		}, func() error {
			_, err := c.DeleteGroupPolicy(ctx, &iamsdk.DeleteGroupPolicyInput{GroupName: aws.String("team"), PolicyName: aws.String("p")})
			return err
		}, "Cannot delete entity, must delete policies first."},
		{func() error {
			_, err := c.AttachGroupPolicy(ctx, &iamsdk.AttachGroupPolicyInput{GroupName: aws.String("team"), PolicyArn: aws.String(arn)})
			return err
		}, func() error {
			_, err := c.DetachGroupPolicy(ctx, &iamsdk.DetachGroupPolicyInput{GroupName: aws.String("team"), PolicyArn: aws.String(arn)})
			return err
		}, "Cannot delete entity, must detach all policies first."},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatal(err)
		}
		_, err := c.DeleteGroup(ctx, &iamsdk.DeleteGroupInput{GroupName: aws.String("team")})
		wantAPIError(t, err, "DeleteConflict", http.StatusConflict, s.message)
		if s.message == steps[0].message {
			_, err := c.DeleteUser(ctx, &iamsdk.DeleteUserInput{UserName: aws.String("alice")})
			wantAPIError(t, err, "DeleteConflict", http.StatusConflict, "Cannot delete entity, must remove users from group first.")
		}
		if s.message == steps[2].message {
			_, err := c.DeletePolicy(ctx, &iamsdk.DeletePolicyInput{PolicyArn: aws.String(arn)})
			wantAPIError(t, err, "DeleteConflict", http.StatusConflict, "Cannot delete a policy attached to entities.")
			got, err := c.GetPolicy(ctx, &iamsdk.GetPolicyInput{PolicyArn: aws.String(arn)})
			if err != nil || aws.ToInt32(got.Policy.AttachmentCount) != 1 {
				t.Fatalf("GetPolicy = %+v, %v: want AttachmentCount 1", got, err)
			}
			ents, err := c.ListEntitiesForPolicy(ctx, &iamsdk.ListEntitiesForPolicyInput{PolicyArn: aws.String(arn)})
			if err != nil || len(ents.PolicyGroups) != 1 || aws.ToString(ents.PolicyGroups[0].GroupName) != "team" ||
				!strings.HasPrefix(aws.ToString(ents.PolicyGroups[0].GroupId), "AGPA") || len(ents.PolicyUsers)+len(ents.PolicyRoles) != 0 {
				t.Fatalf("ListEntitiesForPolicy = %+v, %v", ents, err)
			}
			ents, err = c.ListEntitiesForPolicy(ctx, &iamsdk.ListEntitiesForPolicyInput{PolicyArn: aws.String(arn), EntityFilter: types.EntityTypeUser})
			if err != nil || len(ents.PolicyGroups) != 0 {
				t.Fatalf("ListEntitiesForPolicy User = %+v, %v", ents, err)
			}
		}
		if err := s.undo(); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.DeleteGroup(ctx, &iamsdk.DeleteGroupInput{GroupName: aws.String("Team")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteUser(ctx, &iamsdk.DeleteUserInput{UserName: aws.String("alice")}); err != nil {
		t.Fatal(err)
	}
	_, err := c.GetGroup(ctx, &iamsdk.GetGroupInput{GroupName: aws.String("team")})
	wantNoSuchEntity(t, err, "group", "team")
}

// UpdateGroup renames and moves a group; it keeps its ID, members and
// policies. The caller needs iam:UpdateGroup on the new name as well.
func TestContractGroupsUpdate(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	c := n.root()
	out, err := c.CreateGroup(ctx, &iamsdk.CreateGroupInput{GroupName: aws.String("devs"), Path: aws.String("/eng/")})
	if err != nil {
		t.Fatal(err)
	}
	n.apiUser(t, "alice")
	if _, err := c.AddUserToGroup(ctx, &iamsdk.AddUserToGroupInput{GroupName: aws.String("devs"), UserName: aws.String("alice")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutGroupPolicy(ctx, &iamsdk.PutGroupPolicyInput{GroupName: aws.String("devs"), PolicyName: aws.String("p"), PolicyDocument: aws.String(getObjectDoc)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateGroup(ctx, &iamsdk.CreateGroupInput{GroupName: aws.String("ops")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.UpdateGroup(ctx, &iamsdk.UpdateGroupInput{GroupName: aws.String("devs"), NewGroupName: aws.String("OPS")})
	wantAPIError(t, err, "EntityAlreadyExists", http.StatusConflict, "Group with name OPS already exists.")

	// A caller allowed UpdateGroup only under /eng/ cannot move the group out.
	limited := n.newUserClient(t, "limited", map[string]string{"p": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:UpdateGroup","Resource":"arn:aws:iam::` + account + `:group/eng/*"}]}`})
	_, err = limited.UpdateGroup(ctx, &iamsdk.UpdateGroupInput{GroupName: aws.String("devs"), NewPath: aws.String("/admin/")})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden,
		"User: arn:aws:iam::"+account+":user/limited is not authorized to perform: iam:UpdateGroup on resource: arn:aws:iam::"+account+":group/admin/devs")
	if _, err := limited.UpdateGroup(ctx, &iamsdk.UpdateGroupInput{GroupName: aws.String("devs"), NewGroupName: aws.String("Developers")}); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetGroup(ctx, &iamsdk.GetGroupInput{GroupName: aws.String("developers")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(got.Group.Arn) != "arn:aws:iam::"+account+":group/eng/Developers" || aws.ToString(got.Group.GroupId) != aws.ToString(out.Group.GroupId) ||
		!got.Group.CreateDate.Equal(*out.Group.CreateDate) || userNames(got.Users) != "alice" {
		t.Fatalf("renamed group = %+v users %q", got.Group, userNames(got.Users))
	}
	pol, err := c.GetGroupPolicy(ctx, &iamsdk.GetGroupPolicyInput{GroupName: aws.String("Developers"), PolicyName: aws.String("p")})
	if err != nil || aws.ToString(pol.GroupName) != "Developers" {
		t.Fatalf("GetGroupPolicy after rename = %+v, %v", pol, err)
	}
	_, err = c.GetGroup(ctx, &iamsdk.GetGroupInput{GroupName: aws.String("devs")})
	wantNoSuchEntity(t, err, "group", "devs")
	forUser, err := c.ListGroupsForUser(ctx, &iamsdk.ListGroupsForUserInput{UserName: aws.String("alice")})
	if err != nil || groupNames(forUser.Groups) != "Developers" {
		t.Fatalf("ListGroupsForUser = %+v, %v", forUser, err)
	}
}

// A user gets the permissions of its groups' inline and attached policies
// in the IAM API's own authorization, and loses them when removed.
func TestContractGroupsGrantIAMPermissions(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	c := n.root()
	n.repoRole(t, "/", "app", nil)
	n.apiUser(t, "bob")
	bob := n.userClient(t, "bob")
	denied := func(action, resource string) string {
		return "User: arn:aws:iam::" + account + ":user/bob is not authorized to perform: iam:" + action + " on resource: " + resource
	}
	roleARN := "arn:aws:iam::" + account + ":role/app"
	_, err := bob.GetRole(ctx, &iamsdk.GetRoleInput{RoleName: aws.String("app")})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, denied("GetRole", roleARN))

	if _, err := c.CreateGroup(ctx, &iamsdk.CreateGroupInput{GroupName: aws.String("readers")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutGroupPolicy(ctx, &iamsdk.PutGroupPolicyInput{GroupName: aws.String("readers"), PolicyName: aws.String("roles"), PolicyDocument: aws.String(allow("iam:GetRole"))}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AttachGroupPolicy(ctx, &iamsdk.AttachGroupPolicyInput{GroupName: aws.String("readers"), PolicyArn: aws.String(n.repoPolicy(t, "/", "ListRoles", allow("iam:ListRoles")))}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddUserToGroup(ctx, &iamsdk.AddUserToGroupInput{GroupName: aws.String("readers"), UserName: aws.String("bob")}); err != nil {
		t.Fatal(err)
	}
	if _, err := bob.GetRole(ctx, &iamsdk.GetRoleInput{RoleName: aws.String("app")}); err != nil {
		t.Fatalf("GetRole through the group's inline policy: %v", err)
	}
	if _, err := bob.ListRoles(ctx, &iamsdk.ListRolesInput{}); err != nil {
		t.Fatalf("ListRoles through the group's attached policy: %v", err)
	}
	if _, err := c.RemoveUserFromGroup(ctx, &iamsdk.RemoveUserFromGroupInput{GroupName: aws.String("readers"), UserName: aws.String("bob")}); err != nil {
		t.Fatal(err)
	}
	_, err = bob.GetRole(ctx, &iamsdk.GetRoleInput{RoleName: aws.String("app")})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, denied("GetRole", roleARN))
	_, err = bob.ListRoles(ctx, &iamsdk.ListRolesInput{})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, denied("ListRoles", "arn:aws:iam::"+account+":role/"))
}
