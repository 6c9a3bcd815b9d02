package iamapi_test

import (
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// roleTrust is a trust policy naming a (not necessarily registered) OIDC
// provider.
const roleTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/idp.example.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"idp.example.com:aud":"sts.amazonaws.com"}}}]}`

// roleTrustEncoded is roleTrust as IAM returns it: RFC 3986
// percent-encoding.
const roleTrustEncoded = `%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Federated%22%3A%22arn%3Aaws%3Aiam%3A%3A111122223333%3Aoidc-provider%2Fidp.example.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRoleWithWebIdentity%22%2C%22Condition%22%3A%7B%22StringEquals%22%3A%7B%22idp.example.com%3Aaud%22%3A%22sts.amazonaws.com%22%7D%7D%7D%5D%7D`

var roleIDPattern = regexp.MustCompile(`^AROA[A-Z2-7]{17}$`)

// roleCreate creates a role through the API as root with roleTrust and
// whatever in sets beyond the name; it fails the test on error.
func (n *node) roleCreate(t *testing.T, name string, in *iamsdk.CreateRoleInput) *types.Role {
	t.Helper()
	if in == nil {
		in = &iamsdk.CreateRoleInput{}
	}
	in.RoleName = aws.String(name)
	if in.AssumeRolePolicyDocument == nil {
		in.AssumeRolePolicyDocument = aws.String(roleTrust)
	}
	out, err := n.root().CreateRole(context.Background(), in)
	if err != nil {
		t.Fatalf("CreateRole %s: %v", name, err)
	}
	return out.Role
}

// roleGet is GetRole as root; it fails the test on error.
func (n *node) roleGet(t *testing.T, name string) *types.Role {
	t.Helper()
	out, err := n.root().GetRole(context.Background(), &iamsdk.GetRoleInput{RoleName: aws.String(name)})
	if err != nil {
		t.Fatalf("GetRole %s: %v", name, err)
	}
	return out.Role
}

// roleWantCommon checks the members every Role shape carries.
func roleWantCommon(t *testing.T, r *types.Role, path, name, trust string) {
	t.Helper()
	if aws.ToString(r.Path) != path || aws.ToString(r.RoleName) != name {
		t.Errorf("Path/RoleName = %q/%q, want %q/%q", aws.ToString(r.Path), aws.ToString(r.RoleName), path, name)
	}
	if want := "arn:aws:iam::" + account + ":role" + path + name; aws.ToString(r.Arn) != want {
		t.Errorf("Arn = %q, want %q", aws.ToString(r.Arn), want)
	}
	if !roleIDPattern.MatchString(aws.ToString(r.RoleId)) {
		t.Errorf("RoleId = %q, want AROA + 17 characters", aws.ToString(r.RoleId))
	}
	if r.CreateDate == nil || time.Since(*r.CreateDate) > time.Minute || time.Until(*r.CreateDate) > time.Second {
		t.Errorf("CreateDate = %v, want now", r.CreateDate)
	}
	if got := decodeDoc(t, r.AssumeRolePolicyDocument); got != trust {
		t.Errorf("AssumeRolePolicyDocument decodes to %s, want %s", got, trust)
	}
}

// roleTags renders tags as "k=v" strings for comparison.
func roleTags(tags []types.Tag) []string {
	out := make([]string, len(tags))
	for i, tg := range tags {
		out[i] = aws.ToString(tg.Key) + "=" + aws.ToString(tg.Value)
	}
	return out
}

// roleSDKTags builds SDK tags from "k", "v" pairs.
func roleSDKTags(kv ...string) []types.Tag {
	out := make([]types.Tag, 0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, types.Tag{Key: aws.String(kv[i]), Value: aws.String(kv[i+1])})
	}
	return out
}
