package sts_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/stsd/stsd/internal/authz"
)

func (n *node) managedPolicy(name, doc string) string {
	n.t.Helper()
	out, err := n.iam().CreatePolicy(context.Background(), &iamsdk.CreatePolicyInput{PolicyName: aws.String(name), PolicyDocument: aws.String(doc)})
	if err != nil {
		n.t.Fatal(err)
	}
	return *out.Policy.Arn
}

// A PolicyArns entry that names no managed policy of the role's account is
// refused at issuance (InvalidParameterValue 400), instead of a session
// whose every request would be denied; an existing one issues a session
// the engine narrows to it.
func TestPolicyArnsMustNameAPolicy(t *testing.T) {
	n := newNode(t)
	roleARN := n.role("app", map[string]string{"all": allowAll})
	read := n.managedPolicy("read", allowS3Read)
	gone := n.managedPolicy("gone", allowS3Read)
	if _, err := n.iam().DeletePolicy(context.Background(), &iamsdk.DeletePolicyInput{PolicyArn: aws.String(gone)}); err != nil {
		t.Fatal(err)
	}
	refused := map[string]string{
		"never existed":             "arn:aws:iam::" + account + ":policy/nothing",
		"deleted":                   gone,
		"another account's":         "arn:aws:iam::444455556666:policy/read",
		"AWS managed, not built in": "arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess",
		"wrong path":                "arn:aws:iam::" + account + ":policy/team/read",
		"a role ARN":                roleARN,
		"not an ARN":                "this-is-not-an-arn-at-all",
	}
	for name, arn := range refused {
		t.Run(name, func(t *testing.T) {
			_, err := n.assume(roleARN, "s1", "", read, arn)
			wantAPIError(t, err, "InvalidParameterValue", http.StatusBadRequest, "Policy "+arn+" does not exist or is not attachable.")
		})
	}
	t.Run("existing, differently cased name", func(t *testing.T) {
		if _, err := n.assume(roleARN, "s1", "", strings.Replace(read, "policy/read", "policy/READ", 1)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("a built-in AWS managed policy narrows the session", func(t *testing.T) {
		out, err := n.assume(roleARN, "s2", "", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
		if err != nil {
			t.Fatal(err)
		}
		c := out.Credentials
		caller := n.sessionCaller(credentials.NewStaticCredentialsProvider(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken))
		res := n.app.Engine.Decide(authz.Request{Caller: caller, Checks: []authz.Check{
			{Action: "s3:GetObject", Resource: "arn:aws:s3:::reports/a"},
			{Action: "s3:PutObject", Resource: "arn:aws:s3:::reports/a"},
			{Action: "iam:ListRoles", Resource: "*"},
		}})
		if res.Checks[0].Decision.Effect.String() != "allowed" || res.Checks[1].Decision.Effect.String() == "allowed" ||
			res.Checks[2].Decision.Effect.String() == "allowed" {
			t.Errorf("GetObject %v, PutObject %v, ListRoles %v", res.Checks[0].Decision.Effect, res.Checks[1].Decision.Effect, res.Checks[2].Decision.Effect)
		}
	})
	t.Run("the session is narrowed to the policy", func(t *testing.T) {
		out, err := n.assume(roleARN, "s3", "", read)
		if err != nil {
			t.Fatal(err)
		}
		c := out.Credentials
		caller := n.sessionCaller(credentials.NewStaticCredentialsProvider(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken))
		res := n.app.Engine.Decide(authz.Request{Caller: caller, Checks: []authz.Check{
			{Action: "s3:GetObject", Resource: "arn:aws:s3:::reports/a"},
			{Action: "s3:PutObject", Resource: "arn:aws:s3:::reports/a"},
		}})
		if res.Checks[0].Decision.Effect.String() != "allowed" || res.Checks[1].Decision.Effect.String() == "allowed" {
			t.Errorf("GetObject %v, PutObject %v", res.Checks[0].Decision.Effect, res.Checks[1].Decision.Effect)
		}
	})
	t.Run("an untrusted caller learns nothing of the policies", func(t *testing.T) {
		other := n.role("untrusting", nil)
		if _, err := n.iam().UpdateAssumeRolePolicy(context.Background(), &iamsdk.UpdateAssumeRolePolicyInput{
			RoleName: aws.String("untrusting"), PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"sts:*"}]}`),
		}); err != nil {
			t.Fatal(err)
		}
		_, err := n.assume(other, "s1", "", "arn:aws:iam::"+account+":policy/nothing")
		wantAPIError(t, err, "AccessDenied", http.StatusForbidden, "Not authorized to perform sts:AssumeRoleWithWebIdentity")
	})
}

// The plaintext of the inline session policy and the policy ARNs together
// must not exceed 2,048 characters.
func TestSessionPolicyPlaintextLimit(t *testing.T) {
	n := newNode(t)
	roleARN := n.role("app", map[string]string{"all": allowAll})
	read := n.managedPolicy("read", allowS3Read) // arn:aws:iam::111122223333:policy/read: 38 characters
	// An inline policy padded with spaces to exactly size characters.
	inline := func(size int) string {
		p := allowS3Read
		return p[:len(p)-1] + strings.Repeat(" ", size-len(p)) + "}"
	}
	if _, err := n.assume(roleARN, "s1", inline(2048-len(read)), read); err != nil {
		t.Fatalf("2048 characters in all: %v", err)
	}
	_, err := n.assume(roleARN, "s1", inline(2049-len(read)), read)
	wantAPIError(t, err, "ValidationError", http.StatusBadRequest,
		"The plaintext of the inline session policy and the managed session policy ARNs must not exceed 2048 characters; this request has 2049.")
	// The inline policy alone at its maximum is fine; alone over it is the
	// model's member error, not the combined one.
	if _, err := n.assume(roleARN, "s1", inline(2048)); err != nil {
		t.Fatalf("a 2048-character policy alone: %v", err)
	}
	_, err = n.assume(roleARN, "s1", inline(2049))
	wantAPIError(t, err, "ValidationError", http.StatusBadRequest,
		"1 validation error detected: Value '"+inline(2049)+"' at 'policy' failed to satisfy constraint: Member must have length less than or equal to 2048")
	// Ten ARNs count too, with no inline policy.
	var arns []string
	for i := range 10 {
		arns = append(arns, "arn:aws:iam::"+account+":policy/"+strings.Repeat("p", 190)+strconv.Itoa(i))
	}
	total := 0
	for _, a := range arns {
		total += len(a)
	}
	_, err = n.assume(roleARN, "s1", "", arns...)
	wantAPIError(t, err, "ValidationError", http.StatusBadRequest,
		"The plaintext of the inline session policy and the managed session policy ARNs must not exceed 2048 characters; this request has "+strconv.Itoa(total)+".")
}
