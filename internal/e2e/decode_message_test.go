package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/stsd/stsd/internal/authn"
	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/iam"
)

const (
	dmAllowDecode = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:DecodeAuthorizationMessage","Resource":"*"}]}`
	dmAllowRead   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*"}]}`
	dmDenyDelete  = `{"Version":"2012-10-17","Statement":[{"Sid":"NoDelete","Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"},{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	dmInvalid     = "The message passed to DecodeAuthorizationMessage was invalid."
)

// dmSession assumes a role holding the inline policy through the real
// STS API and returns its credentials and the caller they authenticate as.
func (n *node) dmSession(role, policy string) (aws.Credentials, *authn.Caller) {
	n.t.Helper()
	r, err := n.app.Repo.CreateRole(context.Background(), iam.Role{
		Account: account, Name: role, Path: "/", AssumeRolePolicyDocument: n.trustFor(), MaxSessionDuration: 3600,
		InlinePolicies: map[string]string{"p": policy},
	})
	if err != nil {
		n.t.Fatal(err)
	}
	n.waitRole(role)
	out, err := n.stsClient(nil).AssumeRoleWithWebIdentity(context.Background(), &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(r.ARN()), RoleSessionName: aws.String(role + "-session"), WebIdentityToken: aws.String(n.token("user-1", nil)),
	})
	if err != nil {
		n.t.Fatal(err)
	}
	c := out.Credentials
	s, err := n.app.Keyring.Open(context.Background(), *c.SessionToken)
	if err != nil {
		n.t.Fatal(err)
	}
	return aws.Credentials{AccessKeyID: *c.AccessKeyId, SecretAccessKey: *c.SecretAccessKey, SessionToken: *c.SessionToken},
		&authn.Caller{Kind: authn.KindAssumedRole, Account: account, ARN: s.AssumedRoleARN(), UserID: s.AssumedRoleID(), AccessKeyID: s.AccessKeyID, Session: s}
}

// dmUser creates an IAM user with the inline policy and an access key
// through the IAM API.
func (n *node) dmUser(name, policy string) (aws.Credentials, *authn.Caller) {
	n.t.Helper()
	ctx := context.Background()
	c := n.iamClient()
	if _, err := c.CreateUser(ctx, &iamsdk.CreateUserInput{UserName: aws.String(name)}); err != nil {
		n.t.Fatal(err)
	}
	if _, err := c.PutUserPolicy(ctx, &iamsdk.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("p"), PolicyDocument: aws.String(policy)}); err != nil {
		n.t.Fatal(err)
	}
	k, err := c.CreateAccessKey(ctx, &iamsdk.CreateAccessKeyInput{UserName: aws.String(name)})
	if err != nil {
		n.t.Fatal(err)
	}
	u, ok := n.app.Cache.Current().UserByName(account, name)
	if !ok {
		n.t.Fatalf("user %s not in the snapshot", name)
	}
	return aws.Credentials{AccessKeyID: *k.AccessKey.AccessKeyId, SecretAccessKey: *k.AccessKey.SecretAccessKey},
		&authn.Caller{Kind: authn.KindUser, Account: account, ARN: u.ARN, UserID: u.User.UserID, User: u}
}

// dmDenial is a real denial from the node's engine, encoded.
func (n *node) dmDenial(c *authn.Caller, action, resource string) string {
	n.t.Helper()
	res := n.app.Engine.Decide(authz.Request{Caller: c, Checks: []authz.Check{{Action: action, Resource: resource}}})
	enc, err := authz.Encode(n.app.Keyring, c, &res)
	if err != nil || enc == "" {
		n.t.Fatalf("encode: %q %v", enc, err)
	}
	return enc
}

func dmStatic(c aws.Credentials) aws.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, c.SessionToken)
}

func dmWantError(t *testing.T, err error, code string, status int, message string) {
	t.Helper()
	var ae smithy.APIError
	var re *awshttp.ResponseError
	if !errors.As(err, &ae) || !errors.As(err, &re) {
		t.Fatalf("got %v, want %s", err, code)
	}
	if ae.ErrorCode() != code || re.HTTPStatusCode() != status || ae.ErrorMessage() != message {
		t.Fatalf("got %s (%d) %q\nwant %s (%d) %q", ae.ErrorCode(), re.HTTPStatusCode(), ae.ErrorMessage(), code, status, message)
	}
}

// DecodeAuthorizationMessage through aws-sdk-go-v2 and the AWS CLI, on
// real denials of a role session (implicit) and an IAM user (explicit).
func TestDecodeAuthorizationMessage(t *testing.T) {
	n := startNode(t, nodeOptions{})
	decoder, _ := n.dmSession("decoder", dmAllowDecode)
	reader, readerCaller := n.dmSession("reader", dmAllowRead)
	_, aliceCaller := n.dmUser("alice", dmDenyDelete)
	implicit := n.dmDenial(readerCaller, "s3:PutObject", "arn:aws:s3:::reports/q1.csv")
	explicit := n.dmDenial(aliceCaller, "s3:DeleteObject", "arn:aws:s3:::reports/q1.csv")
	ctx := context.Background()

	t.Run("sdk", func(t *testing.T) {
		for _, tc := range []struct {
			name, enc, principal, action string
			explicit                     bool
		}{
			{"role session, implicit deny", implicit, readerCaller.ARN, "s3:PutObject", false},
			{"IAM user, explicit deny", explicit, aliceCaller.ARN, "s3:DeleteObject", true},
		} {
			t.Run(tc.name, func(t *testing.T) {
				out, err := n.stsClient(dmStatic(decoder)).DecodeAuthorizationMessage(ctx, &sts.DecodeAuthorizationMessageInput{EncodedMessage: aws.String(tc.enc)})
				if err != nil {
					t.Fatal(err)
				}
				var m authz.DecodedMessage
				if err := json.Unmarshal([]byte(aws.ToString(out.DecodedMessage)), &m); err != nil {
					t.Fatal(err)
				}
				if m.Allowed || m.ExplicitDeny != tc.explicit || m.Context.Principal.ARN != tc.principal ||
					m.Context.Action != tc.action || m.Context.Resource != "arn:aws:s3:::reports/q1.csv" {
					t.Errorf("decoded %+v", m)
				}
			})
		}
	})
	t.Run("sdk rejections", func(t *testing.T) {
		dec := n.stsClient(dmStatic(decoder))
		_, err := n.stsClient(dmStatic(reader)).DecodeAuthorizationMessage(ctx, &sts.DecodeAuthorizationMessageInput{EncodedMessage: aws.String(implicit)})
		dmWantError(t, err, "AccessDenied", http.StatusForbidden,
			"User: "+readerCaller.ARN+" is not authorized to perform: sts:DecodeAuthorizationMessage because no identity-based policy allows the sts:DecodeAuthorizationMessage action")
		other := startNode(t, nodeOptions{})
		_, otherCaller := other.dmSession("reader", dmAllowRead)
		for name, enc := range map[string]string{
			"tampered":                  implicit[:20] + dmFlipChar(implicit[20]) + implicit[21:],
			"another keyring's message": other.dmDenial(otherCaller, "s3:PutObject", "*"),
			"garbage":                   "not-a-message",
		} {
			_, err := dec.DecodeAuthorizationMessage(ctx, &sts.DecodeAuthorizationMessageInput{EncodedMessage: aws.String(enc)})
			if err == nil {
				t.Fatalf("%s decoded", name)
			}
			dmWantError(t, err, "InvalidAuthorizationMessageException", http.StatusBadRequest, dmInvalid)
		}
		_, err = dec.DecodeAuthorizationMessage(ctx, &sts.DecodeAuthorizationMessageInput{EncodedMessage: aws.String("")})
		dmWantError(t, err, "ValidationError", http.StatusBadRequest,
			"1 validation error detected: Value '' at 'encodedMessage' failed to satisfy constraint: Member must have length greater than or equal to 1")
	})
	t.Run("aws cli", func(t *testing.T) {
		awsCLI, err := exec.LookPath("aws")
		if err != nil {
			if os.Getenv("STSD_REQUIRE_AWSCLI") != "" {
				t.Fatal("the AWS CLI is required (STSD_REQUIRE_AWSCLI is set) but not installed")
			}
			t.Skip("aws CLI not installed")
		}
		cli := func(c aws.Credentials, enc string) (string, string, error) {
			cmd := exec.Command(awsCLI, "sts", "decode-authorization-message", "--endpoint-url", n.app.URL,
				"--region", "us-east-1", "--output", "json", "--encoded-message", enc)
			cmd.Env = []string{
				"PATH=" + filepath.Dir(awsCLI) + string(os.PathListSeparator) + os.Getenv("PATH"), "HOME=" + t.TempDir(),
				"AWS_ACCESS_KEY_ID=" + c.AccessKeyID, "AWS_SECRET_ACCESS_KEY=" + c.SecretAccessKey, "AWS_SESSION_TOKEN=" + c.SessionToken,
				"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=", "AWS_EC2_METADATA_DISABLED=true",
			}
			var stdout, stderr strings.Builder
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			return stdout.String(), stderr.String(), err
		}
		stdout, stderr, err := cli(decoder, explicit)
		if err != nil {
			t.Fatalf("aws sts decode-authorization-message: %v\n%s", err, stderr)
		}
		var printed struct{ DecodedMessage string }
		if err := json.Unmarshal([]byte(stdout), &printed); err != nil {
			t.Fatalf("the CLI printed %q: %v", stdout, err)
		}
		var m authz.DecodedMessage
		if err := json.Unmarshal([]byte(printed.DecodedMessage), &m); err != nil {
			t.Fatalf("DecodedMessage %q: %v", printed.DecodedMessage, err)
		}
		if m.Allowed || !m.ExplicitDeny || m.Context.Principal.Name != "alice" || len(m.MatchedStatements.Items) != 1 ||
			m.MatchedStatements.Items[0].StatementID != "NoDelete" {
			t.Errorf("the CLI printed %+v", m)
		}
		t.Logf("aws sts decode-authorization-message printed:\n%s", stdout)

		_, stderr, err = cli(decoder, implicit[:len(implicit)-3])
		if err == nil || !strings.Contains(stderr, "An error occurred (InvalidAuthorizationMessageException) when calling the DecodeAuthorizationMessage operation: "+dmInvalid) {
			t.Errorf("tampered: %v\n%s", err, stderr)
		}
		_, stderr, err = cli(reader, implicit)
		if err == nil || !strings.Contains(stderr, "An error occurred (AccessDenied) when calling the DecodeAuthorizationMessage operation: User: "+readerCaller.ARN+" is not authorized to perform: sts:DecodeAuthorizationMessage because no identity-based policy allows the sts:DecodeAuthorizationMessage action") {
			t.Errorf("not allowed: %v\n%s", err, stderr)
		}
	})
}

// flipChar returns a different base64url character.
func dmFlipChar(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}
