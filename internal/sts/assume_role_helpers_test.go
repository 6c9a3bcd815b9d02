package sts_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	stssdk "github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/stsd/stsd/internal/authn"
	"github.com/stsd/stsd/internal/sigv4"
)

// trustAWS is a trust policy allowing the AWS principal p (a JSON value:
// a quoted string or a list) the actions, with an optional condition block.
func trustAWS(p string, actions []string, condition string) string {
	acts, _ := json.Marshal(actions)
	cond := ""
	if condition != "" {
		cond = `,"Condition":` + condition
	}
	return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":%s},"Action":%s%s}]}`, p, acts, cond)
}

// roleTrusting creates a role at path with the trust policy, tags and
// inline policies through the IAM API and returns its ARN.
func (n *node) roleTrusting(path, name, trust string, tags map[string]string, inline map[string]string) string {
	n.t.Helper()
	ctx := context.Background()
	in := &iamsdk.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)}
	if path != "" {
		in.Path = aws.String(path)
	}
	for k, v := range tags {
		in.Tags = append(in.Tags, iamtypes.Tag{Key: aws.String(k), Value: aws.String(v)})
	}
	out, err := n.iam().CreateRole(ctx, in)
	if err != nil {
		n.t.Fatal(err)
	}
	for pn, doc := range inline {
		if _, err := n.iam().PutRolePolicy(ctx, &iamsdk.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String(pn), PolicyDocument: aws.String(doc)}); err != nil {
			n.t.Fatal(err)
		}
	}
	return *out.Role.Arn
}

// assumeRole calls AssumeRole with the SDK as p.
func (n *node) assumeRole(p aws.CredentialsProvider, in *stssdk.AssumeRoleInput) (*stssdk.AssumeRoleOutput, error) {
	return n.sts(p).AssumeRole(context.Background(), in)
}

func arIn(roleARN, session string) *stssdk.AssumeRoleInput {
	return &stssdk.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String(session)}
}

func tags(kv ...string) []ststypes.Tag {
	var out []ststypes.Tag
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, ststypes.Tag{Key: aws.String(kv[i]), Value: aws.String(kv[i+1])})
	}
	return out
}

// callerARN is GetCallerIdentity's Arn for p.
func (n *node) callerARN(p aws.CredentialsProvider) string {
	n.t.Helper()
	out, err := n.sts(p).GetCallerIdentity(context.Background(), &stssdk.GetCallerIdentityInput{})
	if err != nil {
		n.t.Fatal(err)
	}
	return *out.Arn
}

// userARN is the ARN of the IAM user name (path /).
func userARN(name string) string { return "arn:aws:iam::" + account + ":user/" + name }

func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }

func allowAction(action, resource string) string {
	return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":%q,"Resource":%q}]}`, action, resource)
}

func staticCreds(c *ststypes.Credentials) aws.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken)
}

// errorOf reads the code and message of an error response body.
func errorOf(body string) (code, message string) {
	var e struct {
		Code    string `xml:"Error>Code"`
		Message string `xml:"Error>Message"`
	}
	_ = xml.Unmarshal([]byte(body), &e)
	return e.Code, e.Message
}

// iamAs is an IAM client signing with p.
func (n *node) iamAs(p aws.CredentialsProvider) *iamsdk.Client {
	return iamsdk.New(iamsdk.Options{Region: "us-east-1", BaseEndpoint: aws.String(n.app.URL),
		Credentials: p, HTTPClient: n.http, RetryMaxAttempts: 1})
}

// callerOf authenticates p's credentials as the STS endpoint does and
// returns the caller (for decisions through the engine).
func (n *node) callerOf(p aws.CredentialsProvider) *authn.Caller {
	n.t.Helper()
	c, err := p.Retrieve(context.Background())
	if err != nil {
		n.t.Fatal(err)
	}
	a := &authn.Authenticator{Keyring: n.app.Keyring, Snapshot: n.app.Cache.Current, Now: time.Now}
	caller, _, err := a.SigningKey(context.Background(), c.AccessKeyID, c.SessionToken, sigv4.Scope{})
	if err != nil {
		n.t.Fatal(err)
	}
	return caller
}

func (n *node) deleteUser(name string) {
	n.t.Helper()
	ctx := context.Background()
	keys, err := n.iam().ListAccessKeys(ctx, &iamsdk.ListAccessKeysInput{UserName: aws.String(name)})
	if err != nil {
		n.t.Fatal(err)
	}
	for _, k := range keys.AccessKeyMetadata {
		if _, err := n.iam().DeleteAccessKey(ctx, &iamsdk.DeleteAccessKeyInput{UserName: aws.String(name), AccessKeyId: k.AccessKeyId}); err != nil {
			n.t.Fatal(err)
		}
	}
	pols, err := n.iam().ListUserPolicies(ctx, &iamsdk.ListUserPoliciesInput{UserName: aws.String(name)})
	if err != nil {
		n.t.Fatal(err)
	}
	for _, p := range pols.PolicyNames {
		if _, err := n.iam().DeleteUserPolicy(ctx, &iamsdk.DeleteUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String(p)}); err != nil {
			n.t.Fatal(err)
		}
	}
	if _, err := n.iam().DeleteUser(ctx, &iamsdk.DeleteUserInput{UserName: aws.String(name)}); err != nil {
		n.t.Fatal(err)
	}
}

func policyARNs(arns ...string) []ststypes.PolicyDescriptorType {
	var out []ststypes.PolicyDescriptorType
	for _, a := range arns {
		out = append(out, ststypes.PolicyDescriptorType{Arn: aws.String(a)})
	}
	return out
}
