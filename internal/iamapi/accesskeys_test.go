package iamapi_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

var (
	akIDPattern     = regexp.MustCompile(`^AKIA[A-Z2-7]{16}$`)
	akSecretPattern = regexp.MustCompile(`^[A-Za-z0-9+/]{40}$`)
)

// akList lists a user's keys as "<id>:<status>" in the order returned.
func akList(t *testing.T, c *iamsdk.Client, user string) []string {
	t.Helper()
	out, err := c.ListAccessKeys(context.Background(), &iamsdk.ListAccessKeysInput{UserName: aws.String(user)})
	if err != nil {
		t.Fatal(err)
	}
	if out.IsTruncated || out.Marker != nil {
		t.Fatalf("one user's keys truncated: %+v", out)
	}
	var got []string
	for _, k := range out.AccessKeyMetadata {
		if aws.ToString(k.UserName) != user || k.CreateDate == nil {
			t.Fatalf("metadata %+v", k)
		}
		got = append(got, aws.ToString(k.AccessKeyId)+":"+string(k.Status))
	}
	return got
}

// CreateAccessKey returns the secret once (IAM's id and secret shapes);
// ListAccessKeys shows metadata only, sorted and paginated; UpdateAccessKey
// flips the status; DeleteAccessKey removes the key; the third key of a
// user is LimitExceeded.
func TestContractAccessKeysLifecycle(t *testing.T) {
	n := newNode(t)
	c, ctx := n.root(), context.Background()
	n.repoUser(t, "/", "alice", nil)
	if got := akList(t, c, "alice"); len(got) != 0 {
		t.Fatalf("new user's keys: %v", got)
	}
	before := time.Now().UTC().Truncate(time.Second)
	first, err := c.CreateAccessKey(ctx, &iamsdk.CreateAccessKeyInput{UserName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	k := first.AccessKey
	if aws.ToString(k.UserName) != "alice" || !akIDPattern.MatchString(aws.ToString(k.AccessKeyId)) ||
		!akSecretPattern.MatchString(aws.ToString(k.SecretAccessKey)) || k.Status != types.StatusTypeActive ||
		k.CreateDate == nil || k.CreateDate.Before(before) {
		t.Fatalf("created key %+v", k)
	}
	// User names ignore case; the key belongs to the user as named.
	second, err := c.CreateAccessKey(ctx, &iamsdk.CreateAccessKeyInput{UserName: aws.String("ALICE")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(second.AccessKey.UserName) != "alice" || aws.ToString(second.AccessKey.SecretAccessKey) == aws.ToString(k.SecretAccessKey) {
		t.Fatalf("second key %+v", second.AccessKey)
	}
	_, err = c.CreateAccessKey(ctx, &iamsdk.CreateAccessKeyInput{UserName: aws.String("alice")})
	wantAPIError(t, err, "LimitExceeded", http.StatusConflict, "Cannot exceed quota for AccessKeysPerUser: 2")

	id1, id2 := aws.ToString(k.AccessKeyId), aws.ToString(second.AccessKey.AccessKeyId)
	if id2 < id1 {
		id1, id2 = id2, id1
	}
	pvWant(t, "keys", akList(t, c, "alice"), []string{id1 + ":Active", id2 + ":Active"})
	raw := n.post(url.Values{"Action": {"ListAccessKeys"}, "UserName": {"alice"}}, nil)
	if raw.Status != http.StatusOK || strings.Contains(raw.Body, "SecretAccessKey") ||
		strings.Contains(raw.Body, aws.ToString(k.SecretAccessKey)) {
		t.Fatalf("ListAccessKeys: %d\n%s", raw.Status, raw.Body)
	}

	page, err := c.ListAccessKeys(ctx, &iamsdk.ListAccessKeysInput{UserName: aws.String("alice"), MaxItems: aws.Int32(1)})
	if err != nil || len(page.AccessKeyMetadata) != 1 || !page.IsTruncated || aws.ToString(page.AccessKeyMetadata[0].AccessKeyId) != id1 {
		t.Fatalf("first page: %+v %v", page, err)
	}
	page, err = c.ListAccessKeys(ctx, &iamsdk.ListAccessKeysInput{UserName: aws.String("alice"), MaxItems: aws.Int32(1), Marker: page.Marker})
	if err != nil || len(page.AccessKeyMetadata) != 1 || page.IsTruncated || aws.ToString(page.AccessKeyMetadata[0].AccessKeyId) != id2 {
		t.Fatalf("second page: %+v %v", page, err)
	}

	if _, err := c.UpdateAccessKey(ctx, &iamsdk.UpdateAccessKeyInput{UserName: aws.String("alice"), AccessKeyId: &id1, Status: types.StatusTypeInactive}); err != nil {
		t.Fatal(err)
	}
	pvWant(t, "after deactivation", akList(t, c, "alice"), []string{id1 + ":Inactive", id2 + ":Active"})
	if _, err := c.UpdateAccessKey(ctx, &iamsdk.UpdateAccessKeyInput{UserName: aws.String("alice"), AccessKeyId: &id1, Status: types.StatusTypeActive}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteAccessKey(ctx, &iamsdk.DeleteAccessKeyInput{UserName: aws.String("alice"), AccessKeyId: &id2}); err != nil {
		t.Fatal(err)
	}
	pvWant(t, "after delete", akList(t, c, "alice"), []string{id1 + ":Active"})
	if _, err := c.CreateAccessKey(ctx, &iamsdk.CreateAccessKeyInput{UserName: aws.String("alice")}); err != nil {
		t.Fatalf("a deleted key still counts against the quota: %v", err)
	}
	_, err = c.DeleteAccessKey(ctx, &iamsdk.DeleteAccessKeyInput{UserName: aws.String("alice"), AccessKeyId: &id2})
	wantAPIError(t, err, "NoSuchEntity", http.StatusNotFound, "The Access Key with id "+id2+" cannot be found.")
}

// Every rejection of the access key actions: unknown users and keys, a
// key of another user, member constraints, and UserName omitted by root or
// a role session.
func TestContractAccessKeysErrors(t *testing.T) {
	n := newNode(t)
	c, ctx := n.root(), context.Background()
	n.repoUser(t, "/", "alice", nil)
	n.repoUser(t, "/", "bob", nil)
	bobKey, err := c.CreateAccessKey(ctx, &iamsdk.CreateAccessKeyInput{UserName: aws.String("bob")})
	if err != nil {
		t.Fatal(err)
	}
	bobID := aws.ToString(bobKey.AccessKey.AccessKeyId)
	const unknownKey = "AKIAIOSFODNN7EXAMPLE"
	noUser := "The user with name nobody cannot be found."

	_, err = c.CreateAccessKey(ctx, &iamsdk.CreateAccessKeyInput{UserName: aws.String("nobody")})
	wantAPIError(t, err, "NoSuchEntity", 404, noUser)
	_, err = c.ListAccessKeys(ctx, &iamsdk.ListAccessKeysInput{UserName: aws.String("nobody")})
	wantAPIError(t, err, "NoSuchEntity", 404, noUser)
	_, err = c.UpdateAccessKey(ctx, &iamsdk.UpdateAccessKeyInput{UserName: aws.String("nobody"), AccessKeyId: &bobID, Status: types.StatusTypeInactive})
	wantAPIError(t, err, "NoSuchEntity", 404, noUser)
	_, err = c.DeleteAccessKey(ctx, &iamsdk.DeleteAccessKeyInput{UserName: aws.String("nobody"), AccessKeyId: &bobID})
	wantAPIError(t, err, "NoSuchEntity", 404, noUser)

	_, err = c.UpdateAccessKey(ctx, &iamsdk.UpdateAccessKeyInput{UserName: aws.String("alice"), AccessKeyId: aws.String(unknownKey), Status: types.StatusTypeInactive})
	wantAPIError(t, err, "NoSuchEntity", 404, "The Access Key with id "+unknownKey+" cannot be found.")
	_, err = c.DeleteAccessKey(ctx, &iamsdk.DeleteAccessKeyInput{UserName: aws.String("alice"), AccessKeyId: aws.String(unknownKey)})
	wantAPIError(t, err, "NoSuchEntity", 404, "The Access Key with id "+unknownKey+" cannot be found.")
	// Bob's key is not Alice's: neither action touches it.
	_, err = c.UpdateAccessKey(ctx, &iamsdk.UpdateAccessKeyInput{UserName: aws.String("alice"), AccessKeyId: &bobID, Status: types.StatusTypeInactive})
	wantAPIError(t, err, "NoSuchEntity", 404, "The Access Key with id "+bobID+" cannot be found.")
	_, err = c.DeleteAccessKey(ctx, &iamsdk.DeleteAccessKeyInput{UserName: aws.String("alice"), AccessKeyId: &bobID})
	wantAPIError(t, err, "NoSuchEntity", 404, "The Access Key with id "+bobID+" cannot be found.")
	pvWant(t, "bob's keys", akList(t, c, "bob"), []string{bobID + ":Active"})

	_, err = c.UpdateAccessKey(ctx, &iamsdk.UpdateAccessKeyInput{UserName: aws.String("bob"), AccessKeyId: &bobID, Status: "Expired"})
	wantAPIError(t, err, "ValidationError", 400,
		"1 validation error detected: Value 'Expired' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]")
	_, err = c.DeleteAccessKey(ctx, &iamsdk.DeleteAccessKeyInput{UserName: aws.String("bob"), AccessKeyId: aws.String("AKIA")})
	wantAPIError(t, err, "ValidationError", 400,
		"1 validation error detected: Value 'AKIA' at 'accessKeyId' failed to satisfy constraint: Member must have length greater than or equal to 16")
	_, err = c.DeleteAccessKey(ctx, &iamsdk.DeleteAccessKeyInput{UserName: aws.String("bad name"), AccessKeyId: aws.String("AKIA-EXAMPLE-EXAMPLE")})
	wantAPIError(t, err, "ValidationError", 400, "2 validation errors detected: "+
		`Value 'AKIA-EXAMPLE-EXAMPLE' at 'accessKeyId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w]+; `+
		`Value 'bad name' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`)
	long := strings.Repeat("u", 129)
	_, err = c.CreateAccessKey(ctx, &iamsdk.CreateAccessKeyInput{UserName: aws.String(long)})
	wantAPIError(t, err, "ValidationError", 400,
		"1 validation error detected: Value '"+long+"' at 'userName' failed to satisfy constraint: Member must have length less than or equal to 128")
	r := n.post(url.Values{"Action": {"UpdateAccessKey"}, "UserName": {"bob"}}, nil)
	wantRawError(t, r, "ValidationError", http.StatusBadRequest, "2 validation errors detected: "+
		"Value null at 'accessKeyId' failed to satisfy constraint: Member must not be null; "+
		"Value null at 'status' failed to satisfy constraint: Member must not be null")
	_, err = c.ListAccessKeys(ctx, &iamsdk.ListAccessKeysInput{UserName: aws.String("bob"), MaxItems: aws.Int32(0)})
	wantAPIError(t, err, "ValidationError", 400,
		"1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1")

	// Without UserName, only an IAM user has a default: root and role
	// sessions get IAM's ValidationError.
	const nonUser = "Must specify userName when calling with non-User credentials"
	session := n.client(n.roleSession(t, "admin", allowAllIAM))
	for who, cl := range map[string]*iamsdk.Client{"root": c, "role session": session} {
		t.Run(who, func(t *testing.T) {
			_, err := cl.CreateAccessKey(ctx, &iamsdk.CreateAccessKeyInput{})
			wantAPIError(t, err, "ValidationError", 400, nonUser)
			_, err = cl.ListAccessKeys(ctx, &iamsdk.ListAccessKeysInput{})
			wantAPIError(t, err, "ValidationError", 400, nonUser)
			_, err = cl.UpdateAccessKey(ctx, &iamsdk.UpdateAccessKeyInput{AccessKeyId: &bobID, Status: types.StatusTypeInactive})
			wantAPIError(t, err, "ValidationError", 400, nonUser)
			_, err = cl.DeleteAccessKey(ctx, &iamsdk.DeleteAccessKeyInput{AccessKeyId: &bobID})
			wantAPIError(t, err, "ValidationError", 400, nonUser)
		})
	}
	// The check comes before authorization: a session allowed the actions
	// only on alice gets the ValidationError too, not AccessDenied on
	// "arn:aws:iam::<acct>:user/".
	narrow := n.client(n.roleSession(t, "alice-keys", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",`+
		`"Action":["iam:CreateAccessKey","iam:ListAccessKeys","iam:UpdateAccessKey","iam:DeleteAccessKey"],`+
		`"Resource":"arn:aws:iam::`+account+`:user/alice"}]}`))
	_, err = narrow.CreateAccessKey(ctx, &iamsdk.CreateAccessKeyInput{})
	wantAPIError(t, err, "ValidationError", 400, nonUser)
	_, err = narrow.ListAccessKeys(ctx, &iamsdk.ListAccessKeysInput{})
	wantAPIError(t, err, "ValidationError", 400, nonUser)
	_, err = narrow.UpdateAccessKey(ctx, &iamsdk.UpdateAccessKeyInput{AccessKeyId: &bobID, Status: types.StatusTypeInactive})
	wantAPIError(t, err, "ValidationError", 400, nonUser)
	_, err = narrow.DeleteAccessKey(ctx, &iamsdk.DeleteAccessKeyInput{AccessKeyId: &bobID})
	wantAPIError(t, err, "ValidationError", 400, nonUser)
	// Naming another user is still authorized first.
	_, err = narrow.ListAccessKeys(ctx, &iamsdk.ListAccessKeysInput{UserName: aws.String("bob")})
	wantAPIError(t, err, "AccessDenied", 403, "User: "+sessionARN("alice-keys")+
		" is not authorized to perform: iam:ListAccessKeys on resource: arn:aws:iam::"+account+":user/bob")
	if _, err := narrow.ListAccessKeys(ctx, &iamsdk.ListAccessKeysInput{UserName: aws.String("alice")}); err != nil {
		t.Fatalf("alice-keys session listing alice's keys: %v", err)
	}

	// A role session naming the user manages its keys.
	out, err := session.CreateAccessKey(ctx, &iamsdk.CreateAccessKeyInput{UserName: aws.String("alice")})
	if err != nil || aws.ToString(out.AccessKey.UserName) != "alice" {
		t.Fatalf("role session creating alice's key: %+v %v", out, err)
	}
	pvWant(t, "bob's keys at the end", akList(t, c, "bob"), []string{bobID + ":Active"})
}

// An IAM user manages its own keys without UserName, authorized on its own
// ARN; another user's keys are AccessDenied with IAM's text.
func TestContractAccessKeysSelfService(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	userARN := "arn:aws:iam::" + account + ":user/bob"
	n.repoUser(t, "/", "alice", nil)
	bob := n.newUserClient(t, "bob", map[string]string{"own-keys": `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["iam:CreateAccessKey","iam:ListAccessKeys","iam:UpdateAccessKey","iam:DeleteAccessKey"],"Resource":"` + userARN + `"}]}`})

	out, err := bob.CreateAccessKey(ctx, &iamsdk.CreateAccessKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.AccessKey.UserName) != "bob" {
		t.Fatalf("created for %q, want bob", aws.ToString(out.AccessKey.UserName))
	}
	second := aws.ToString(out.AccessKey.AccessKeyId)
	list, err := bob.ListAccessKeys(ctx, &iamsdk.ListAccessKeysInput{})
	if err != nil || len(list.AccessKeyMetadata) != 2 {
		t.Fatalf("bob's own keys: %+v %v", list, err)
	}
	if _, err := bob.UpdateAccessKey(ctx, &iamsdk.UpdateAccessKeyInput{AccessKeyId: &second, Status: types.StatusTypeInactive}); err != nil {
		t.Fatal(err)
	}
	if _, err := bob.DeleteAccessKey(ctx, &iamsdk.DeleteAccessKeyInput{AccessKeyId: &second}); err != nil {
		t.Fatal(err)
	}

	_, err = bob.CreateAccessKey(ctx, &iamsdk.CreateAccessKeyInput{UserName: aws.String("alice")})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden,
		"User: "+userARN+" is not authorized to perform: iam:CreateAccessKey on resource: arn:aws:iam::"+account+":user/alice")
	_, err = bob.ListAccessKeys(ctx, &iamsdk.ListAccessKeysInput{UserName: aws.String("alice")})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden,
		"User: "+userARN+" is not authorized to perform: iam:ListAccessKeys on resource: arn:aws:iam::"+account+":user/alice")
	if got := akList(t, n.root(), "alice"); len(got) != 0 {
		t.Fatalf("alice's keys: %v", got)
	}
}
