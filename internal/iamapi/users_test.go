package iamapi_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// CreateUser returns IAM's User shape (AIDA id, ARN with the path, tags
// and boundary); GetUser returns the same; ListUsers leaves out the
// boundary and tags, filters on PathPrefix and pages.
func TestContractUsersCreateGetList(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	boundary := n.repoPolicy(t, "/bounds/", "UserBoundary", allow("iam:Get*"))
	before := time.Now().Add(-time.Second)
	out, err := n.root().CreateUser(ctx, &iamsdk.CreateUserInput{
		UserName: aws.String("alice"), Path: aws.String("/ops/"), PermissionsBoundary: aws.String(boundary),
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("infra")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	u := out.User
	wantUser(t, u, "/ops/", "alice")
	if u.CreateDate == nil || u.CreateDate.Before(before.Truncate(time.Second)) || u.CreateDate.After(time.Now()) {
		t.Errorf("CreateDate = %v", u.CreateDate)
	}
	wantBoundary(t, u.PermissionsBoundary, boundary)
	if len(u.Tags) != 1 || *u.Tags[0].Key != "team" || *u.Tags[0].Value != "infra" {
		t.Errorf("Tags = %+v", u.Tags)
	}

	got, err := n.root().GetUser(ctx, &iamsdk.GetUserInput{UserName: aws.String("ALICE")}) // names ignore case
	if err != nil {
		t.Fatal(err)
	}
	wantUser(t, got.User, "/ops/", "alice")
	if *got.User.UserId != *u.UserId || !got.User.CreateDate.Equal(*u.CreateDate) || len(got.User.Tags) != 1 {
		t.Errorf("GetUser = %+v, want the created user", got.User)
	}
	wantBoundary(t, got.User.PermissionsBoundary, boundary)

	n.apiUser(t, "bob")
	for _, name := range []string{"Carol", "dave"} {
		if _, err := n.root().CreateUser(ctx, &iamsdk.CreateUserInput{UserName: aws.String(name), Path: aws.String("/ops/eu/")}); err != nil {
			t.Fatal(err)
		}
	}
	list, err := n.root().ListUsers(ctx, &iamsdk.ListUsersInput{})
	if err != nil {
		t.Fatal(err)
	}
	if names := userNames(list.Users); names != "alice bob Carol dave" || list.IsTruncated || list.Marker != nil {
		t.Fatalf("ListUsers = %q truncated=%v marker=%v", names, list.IsTruncated, list.Marker)
	}
	if l := list.Users[0]; l.PermissionsBoundary != nil || l.Tags != nil || *l.Arn != "arn:aws:iam::"+account+":user/ops/alice" {
		t.Errorf("listed user = %+v: want no boundary, no tags", l)
	}
	list, err = n.root().ListUsers(ctx, &iamsdk.ListUsersInput{PathPrefix: aws.String("/ops/")})
	if err != nil {
		t.Fatal(err)
	}
	if names := userNames(list.Users); names != "alice Carol dave" {
		t.Errorf("PathPrefix /ops/: %q", names)
	}

	var pages []string
	in := &iamsdk.ListUsersInput{MaxItems: aws.Int32(3)}
	for {
		page, err := n.root().ListUsers(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, userNames(page.Users))
		if !page.IsTruncated {
			break
		}
		in.Marker = page.Marker
	}
	if strings.Join(pages, "|") != "alice bob Carol|dave" {
		t.Errorf("pages = %q", pages)
	}
}

func wantUser(t *testing.T, u *types.User, path, name string) {
	t.Helper()
	if u == nil || aws.ToString(u.UserName) != name || aws.ToString(u.Path) != path ||
		aws.ToString(u.Arn) != "arn:aws:iam::"+account+":user"+path+name {
		t.Fatalf("user = %+v, want %s%s", u, path, name)
	}
	if id := aws.ToString(u.UserId); !strings.HasPrefix(id, "AIDA") || len(id) != 21 {
		t.Errorf("UserId = %q, want AIDA + 17 characters", id)
	}
}

func wantBoundary(t *testing.T, b *types.AttachedPermissionsBoundary, arn string) {
	t.Helper()
	if b == nil || aws.ToString(b.PermissionsBoundaryArn) != arn || b.PermissionsBoundaryType != types.PermissionsBoundaryAttachmentTypePolicy {
		t.Fatalf("PermissionsBoundary = %+v, want %s", b, arn)
	}
}

func userNames(us []types.User) string {
	names := make([]string, len(us))
	for i, u := range us {
		names[i] = *u.UserName
	}
	return strings.Join(names, " ")
}

func TestContractUsersCreateErrors(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	n.apiUser(t, "alice")
	_, err := n.root().CreateUser(ctx, &iamsdk.CreateUserInput{UserName: aws.String("Alice")})
	wantAPIError(t, err, "EntityAlreadyExists", http.StatusConflict, "User with name Alice already exists.")

	_, err = n.root().CreateUser(ctx, &iamsdk.CreateUserInput{UserName: aws.String("no/slash"), Path: aws.String("ops")})
	wantAPIError(t, err, "ValidationError", http.StatusBadRequest,
		`2 validation errors detected: Value 'ops' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: (\u002F)|(\u002F[\u0021-\u007E]+\u002F); `+
			`Value 'no/slash' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`)

	long := strings.Repeat("u", 65)
	_, err = n.root().CreateUser(ctx, &iamsdk.CreateUserInput{UserName: aws.String(long)})
	wantAPIError(t, err, "ValidationError", http.StatusBadRequest,
		"1 validation error detected: Value '"+long+"' at 'userName' failed to satisfy constraint: Member must have length less than or equal to 64")

	r := n.post(url.Values{"Action": {"CreateUser"}}, nil)
	wantRawError(t, r, "ValidationError", http.StatusBadRequest,
		"1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null")

	missing := "arn:aws:iam::" + account + ":policy/NoSuchBoundary"
	_, err = n.root().CreateUser(ctx, &iamsdk.CreateUserInput{UserName: aws.String("bob"), PermissionsBoundary: aws.String(missing)})
	wantAPIError(t, err, "NoSuchEntity", http.StatusNotFound, "Scope ARN: "+missing+" does not exist or is not attachable.")
	_, err = n.root().CreateUser(ctx, &iamsdk.CreateUserInput{UserName: aws.String("bob"), PermissionsBoundary: aws.String("arn:aws:s3:::bucket/x")})
	wantAPIError(t, err, "InvalidInput", http.StatusBadRequest, "ARN arn:aws:s3:::bucket/x is not valid.")

	_, err = n.root().CreateUser(ctx, &iamsdk.CreateUserInput{UserName: aws.String("bob"),
		Tags: []types.Tag{{Key: aws.String("aws:x"), Value: aws.String("v")}}})
	wantAPIError(t, err, "InvalidInput", http.StatusBadRequest, "Tag keys starting with 'aws:' are reserved for internal use.")
	if _, err := n.root().GetUser(ctx, &iamsdk.GetUserInput{UserName: aws.String("bob")}); err == nil {
		t.Fatal("a rejected CreateUser made the user")
	}
}

// GetUser without UserName describes the caller: an IAM user itself, root
// as IAM describes the root user (account ID, root ARN, no name); a role
// session must name the user.
func TestContractUsersGetUserCaller(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	out, err := n.root().GetUser(ctx, &iamsdk.GetUserInput{})
	if err != nil {
		t.Fatal(err)
	}
	if u := out.User; aws.ToString(u.UserId) != account || aws.ToString(u.Arn) != "arn:aws:iam::"+account+":root" || u.UserName != nil || u.Path != nil {
		t.Errorf("root GetUser = %+v", u)
	}

	n.apiUser(t, "alice")
	if _, err := n.root().PutUserPolicy(ctx, &iamsdk.PutUserPolicyInput{UserName: aws.String("alice"),
		PolicyName: aws.String("self"), PolicyDocument: aws.String(allow("iam:GetUser"))}); err != nil {
		t.Fatal(err)
	}
	alice := n.userClient(t, "alice")
	self, err := alice.GetUser(ctx, &iamsdk.GetUserInput{})
	if err != nil {
		t.Fatal(err)
	}
	wantUser(t, self.User, "/", "alice")

	// A role session has no user of its own: it must name one.
	session := n.client(n.roleSession(t, "reader", allow("iam:GetUser")))
	_, err = session.GetUser(ctx, &iamsdk.GetUserInput{})
	wantAPIError(t, err, "ValidationError", http.StatusBadRequest, "Must specify userName when calling with non-User credentials")
	named, err := session.GetUser(ctx, &iamsdk.GetUserInput{UserName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	wantUser(t, named.User, "/", "alice")

	_, err = n.root().GetUser(ctx, &iamsdk.GetUserInput{UserName: aws.String("nobody")})
	wantAPIError(t, err, "NoSuchEntity", http.StatusNotFound, "The user with name nobody cannot be found.")
	long := strings.Repeat("u", 129)
	_, err = n.root().GetUser(ctx, &iamsdk.GetUserInput{UserName: aws.String(long)})
	wantAPIError(t, err, "ValidationError", http.StatusBadRequest,
		"1 validation error detected: Value '"+long+"' at 'userName' failed to satisfy constraint: Member must have length less than or equal to 128")
}

// DeleteUser refuses while the user has access keys, inline policies or
// attached policies (in that order, IAM's messages); once deleted, the
// user's key no longer authenticates.
func TestContractUsersDelete(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	n.apiUser(t, "alice")
	arn := n.repoPolicy(t, "/", "Reader", allow("iam:Get*"))
	c := n.root()
	if _, err := c.PutUserPolicy(ctx, &iamsdk.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("p"), PolicyDocument: aws.String(allow("iam:GetUser"))}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AttachUserPolicy(ctx, &iamsdk.AttachUserPolicyInput{UserName: aws.String("alice"), PolicyArn: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	alice := n.userClient(t, "alice")
	if _, err := alice.GetUser(ctx, &iamsdk.GetUserInput{}); err != nil {
		t.Fatal(err)
	}

	del := &iamsdk.DeleteUserInput{UserName: aws.String("alice")}
	_, err := c.DeleteUser(ctx, del)
	wantAPIError(t, err, "DeleteConflict", http.StatusConflict, "Cannot delete entity, must delete access keys first.")
	keys, err := n.app.Repo.ListAccessKeys(ctx, account, "alice")
	if err != nil || len(keys) != 1 {
		t.Fatalf("keys = %v, %v", keys, err)
	}
	if err := n.app.Repo.DeleteAccessKey(ctx, account, keys[0].AccessKeyID); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteUser(ctx, del)
	wantAPIError(t, err, "DeleteConflict", http.StatusConflict, "Cannot delete entity, must delete policies first.")
	if _, err := c.DeleteUserPolicy(ctx, &iamsdk.DeleteUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("p")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteUser(ctx, del)
	wantAPIError(t, err, "DeleteConflict", http.StatusConflict, "Cannot delete entity, must detach all policies first.")
	if _, err := c.DetachUserPolicy(ctx, &iamsdk.DetachUserPolicyInput{UserName: aws.String("alice"), PolicyArn: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteUser(ctx, del); err != nil {
		t.Fatal(err)
	}
	if _, ok := n.app.Cache.Current().UserByName(account, "alice"); ok {
		t.Error("the snapshot still holds the deleted user when DeleteUser returns")
	}
	_, err = c.DeleteUser(ctx, del)
	wantAPIError(t, err, "NoSuchEntity", http.StatusNotFound, "The user with name alice cannot be found.")
	r := n.post(url.Values{"Action": {"DeleteUser"}}, nil)
	wantRawError(t, r, "ValidationError", http.StatusBadRequest,
		"1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null")
}

func TestContractUsersListErrors(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	_, err := n.root().ListUsers(ctx, &iamsdk.ListUsersInput{PathPrefix: aws.String("ops")})
	wantAPIError(t, err, "ValidationError", http.StatusBadRequest,
		`1 validation error detected: Value 'ops' at 'pathPrefix' failed to satisfy constraint: Member must satisfy regular expression pattern: \u002F[\u0021-\u007F]*`)
	r := n.post(url.Values{"Action": {"ListUsers"}, "MaxItems": {"0"}, "PathPrefix": {""}}, nil)
	wantRawError(t, r, "ValidationError", http.StatusBadRequest,
		"2 validation errors detected: Value '' at 'pathPrefix' failed to satisfy constraint: Member must have length greater than or equal to 1; "+
			"Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1")
	_, err = n.root().ListUsers(ctx, &iamsdk.ListUsersInput{Marker: aws.String("!!")})
	wantAPIError(t, err, "InvalidInput", http.StatusBadRequest, "Invalid Marker.")
	out, err := n.root().ListUsers(ctx, &iamsdk.ListUsersInput{})
	if err != nil || len(out.Users) != 0 || out.IsTruncated {
		t.Fatalf("empty ListUsers = %+v, %v", out, err)
	}
}
