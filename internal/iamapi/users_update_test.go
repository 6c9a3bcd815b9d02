package iamapi_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// UpdateUser renames and moves a user with the effects IAM documents: the
// unique ID, policies, groups and access keys stay (the keys authenticate
// throughout), the old name finds nothing, and the caller needs the
// permission on the new name as well.
func TestContractUserUpdateRenames(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	c := n.root()
	out, err := c.CreateUser(ctx, &iamsdk.CreateUserInput{UserName: aws.String("bob"), Path: aws.String("/ops/"),
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("infra")}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutUserPolicy(ctx, &iamsdk.PutUserPolicyInput{UserName: aws.String("bob"), PolicyName: aws.String("self"),
		PolicyDocument: aws.String(allow("iam:GetUser", "iam:ListGroupsForUser"))}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateGroup(ctx, &iamsdk.CreateGroupInput{GroupName: aws.String("g")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddUserToGroup(ctx, &iamsdk.AddUserToGroupInput{GroupName: aws.String("g"), UserName: aws.String("bob")}); err != nil {
		t.Fatal(err)
	}
	bob := n.userClient(t, "bob")
	n.apiUser(t, "taken")
	_, err = c.UpdateUser(ctx, &iamsdk.UpdateUserInput{UserName: aws.String("bob"), NewUserName: aws.String("TAKEN")})
	wantAPIError(t, err, "EntityAlreadyExists", http.StatusConflict, "User with name TAKEN already exists.")

	limited := n.newUserClient(t, "limited", map[string]string{"p": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:UpdateUser","Resource":"arn:aws:iam::` + account + `:user/ops/*"}]}`})
	_, err = limited.UpdateUser(ctx, &iamsdk.UpdateUserInput{UserName: aws.String("bob"), NewPath: aws.String("/admin/")})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden,
		"User: arn:aws:iam::"+account+":user/limited is not authorized to perform: iam:UpdateUser on resource: arn:aws:iam::"+account+":user/admin/bob")
	if _, err := limited.UpdateUser(ctx, &iamsdk.UpdateUserInput{UserName: aws.String("BOB"), NewUserName: aws.String("Robert")}); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetUser(ctx, &iamsdk.GetUserInput{UserName: aws.String("robert")})
	if err != nil {
		t.Fatal(err)
	}
	wantUser(t, got.User, "/ops/", "Robert")
	if aws.ToString(got.User.UserId) != aws.ToString(out.User.UserId) || !got.User.CreateDate.Equal(*out.User.CreateDate) || len(got.User.Tags) != 1 {
		t.Fatalf("renamed user = %+v", got.User)
	}
	_, err = c.GetUser(ctx, &iamsdk.GetUserInput{UserName: aws.String("bob")})
	wantNoSuchEntity(t, err, "user", "bob")
	// The key still signs, now as Robert, with Robert's policies and groups.
	me, err := bob.GetUser(ctx, &iamsdk.GetUserInput{})
	if err != nil || aws.ToString(me.User.UserName) != "Robert" {
		t.Fatalf("GetUser with the key after the rename = %+v, %v", me, err)
	}
	groups, err := bob.ListGroupsForUser(ctx, &iamsdk.ListGroupsForUserInput{UserName: aws.String("Robert")})
	if err != nil || groupNames(groups.Groups) != "g" {
		t.Fatalf("ListGroupsForUser = %+v, %v", groups, err)
	}
	keys, err := c.ListAccessKeys(ctx, &iamsdk.ListAccessKeysInput{UserName: aws.String("Robert")})
	if err != nil || len(keys.AccessKeyMetadata) != 1 || aws.ToString(keys.AccessKeyMetadata[0].UserName) != "Robert" {
		t.Fatalf("ListAccessKeys = %+v, %v", keys, err)
	}
	// A path change alone, and a name that differs only in case.
	if _, err := c.UpdateUser(ctx, &iamsdk.UpdateUserInput{UserName: aws.String("robert"), NewPath: aws.String("/people/"), NewUserName: aws.String("ROBERT")}); err != nil {
		t.Fatal(err)
	}
	got, err = c.GetUser(ctx, &iamsdk.GetUserInput{UserName: aws.String("Robert")})
	if err != nil {
		t.Fatal(err)
	}
	wantUser(t, got.User, "/people/", "ROBERT")
	if _, err := bob.GetUser(ctx, &iamsdk.GetUserInput{}); err != nil {
		t.Fatalf("the key after a case-only rename: %v", err)
	}

	_, err = c.UpdateUser(ctx, &iamsdk.UpdateUserInput{UserName: aws.String("ghost"), NewUserName: aws.String("x")})
	wantNoSuchEntity(t, err, "user", "ghost")
	r := n.post(url.Values{"Action": {"UpdateUser"}, "UserName": {"ROBERT"}, "NewUserName": {strings.Repeat("n", 65)}, "NewPath": {"x"}}, nil)
	wantRawError(t, r, "ValidationError", http.StatusBadRequest,
		"2 validation errors detected: Value '"+strings.Repeat("n", 65)+"' at 'newUserName' failed to satisfy constraint: Member must have length less than or equal to 64; "+
			"Value 'x' at 'newPath' failed to satisfy constraint: Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)")
}

// TagUser, UntagUser and ListUserTags, as the role tag actions: keys
// replace ignoring case, at most 50, untagging an absent key is ignored.
func TestContractUserTags(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	c := n.root()
	n.apiUser(t, "alice")
	tag := func(kv ...string) error {
		_, err := c.TagUser(ctx, &iamsdk.TagUserInput{UserName: aws.String("ALICE"), Tags: roleSDKTags(kv...)})
		return err
	}
	if err := tag("team", "infra", "env", "dev"); err != nil {
		t.Fatal(err)
	}
	if err := tag("ENV", "prod"); err != nil {
		t.Fatal(err)
	}
	list, err := c.ListUserTags(ctx, &iamsdk.ListUserTagsInput{UserName: aws.String("alice")})
	if err != nil || strings.Join(roleTags(list.Tags), " ") != "ENV=prod team=infra" {
		t.Fatalf("ListUserTags = %v, %v", roleTags(list.Tags), err)
	}
	if _, err := c.UntagUser(ctx, &iamsdk.UntagUserInput{UserName: aws.String("alice"), TagKeys: []string{"env", "absent"}}); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetUser(ctx, &iamsdk.GetUserInput{UserName: aws.String("alice")})
	if err != nil || strings.Join(roleTags(got.User.Tags), " ") != "team=infra" {
		t.Fatalf("GetUser tags = %v, %v", roleTags(got.User.Tags), err)
	}
	var many []string
	for i := range 50 {
		many = append(many, "k"+strings.Repeat("x", i), "v")
	}
	wantAPIError(t, tag(many...), "LimitExceeded", http.StatusConflict, "The number of tags has reached the maximum limit.")
	_, err = c.ListUserTags(ctx, &iamsdk.ListUserTagsInput{UserName: aws.String("ghost")})
	wantNoSuchEntity(t, err, "user", "ghost")
	r := n.post(url.Values{"Action": {"TagUser"}, "UserName": {"alice"}}, nil)
	wantRawError(t, r, "ValidationError", http.StatusBadRequest,
		"1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null")
}
