package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	stssdk "github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/stsd/stsd/internal/authn"
	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/store/memstore"
	"github.com/stsd/stsd/internal/testutil/sdkhttp"
	"github.com/stsd/stsd/internal/testutil/stsdnode"
)

func TestRevocationTimeRoundsUp(t *testing.T) {
	at := time.Date(2026, 5, 7, 23, 47, 0, 0, time.UTC)
	for in, want := range map[time.Time]time.Time{
		at:                               at,
		at.Add(time.Nanosecond):          at.Add(time.Second),
		at.Add(999 * time.Millisecond):   at.Add(time.Second),
		at.In(time.FixedZone("X", 3600)): at,
	} {
		if got := revocationTime(in); !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("revocationTime(%v) = %v, want %v", in, got, want)
		}
	}
	// The IAM User Guide's document, to the character but for the time.
	want := `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"DateLessThan":{"aws:TokenIssueTime":"2026-05-07T23:47:00Z"}}}}`
	if got := RevokeOlderSessionsPolicy(at.In(time.FixedZone("X", -7200))); got != want {
		t.Errorf("policy =\n%s\nwant\n%s", got, want)
	}
}

// `stsd revoke-sessions --role-name NAME` against a running node: a session
// issued before it is denied by the IAM API and by the authorization
// engine; one issued after it is not; running it again moves the time.
func TestRevokeSessions(t *testing.T) {
	n := stsdnode.Start(t, stsdnode.Options{Store: memstore.New()})
	a, idp, account := n.App, n.IdP, n.Account
	ctx := context.Background()
	rootKey, rootSecret := a.Root.AccessKeyID, a.Root.Secret.Reveal()
	iamAs := func(p aws.CredentialsProvider) *iamsdk.Client {
		return iamsdk.New(iamsdk.Options{Region: "us-east-1", BaseEndpoint: aws.String(a.URL), Credentials: p, RetryMaxAttempts: 1, HTTPClient: sdkhttp.Client(0)})
	}
	root := iamAs(credentials.NewStaticCredentialsProvider(rootKey, rootSecret, ""))
	trust := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":%q},"Action":"sts:AssumeRoleWithWebIdentity"}]}`,
		n.ProviderARN)
	if _, err := root.CreateRole(ctx, &iamsdk.CreateRoleInput{RoleName: aws.String("app"), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.PutRolePolicy(ctx, &iamsdk.PutRolePolicyInput{RoleName: aws.String("app"), PolicyName: aws.String("work"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GetRole","s3:GetObject"],"Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	assume := func(name string) (aws.CredentialsProvider, *authn.Caller) {
		t.Helper()
		now := time.Now().Unix()
		tok := idp.Mint(map[string]any{"iss": idp.Issuer(), "sub": "u", "aud": "sts.amazonaws.com", "iat": now, "exp": now + 600})
		out, err := stssdk.New(stssdk.Options{Region: "us-east-1", BaseEndpoint: aws.String(a.URL), Credentials: aws.AnonymousCredentials{}, HTTPClient: sdkhttp.Client(0)}).
			AssumeRoleWithWebIdentity(ctx, &stssdk.AssumeRoleWithWebIdentityInput{RoleArn: aws.String("arn:aws:iam::" + account + ":role/app"),
				RoleSessionName: aws.String(name), WebIdentityToken: aws.String(tok)})
		if err != nil {
			t.Fatal(err)
		}
		c := out.Credentials
		s, err := a.Keyring.Open(ctx, *c.SessionToken)
		if err != nil {
			t.Fatal(err)
		}
		return credentials.NewStaticCredentialsProvider(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken),
			&authn.Caller{Kind: authn.KindAssumedRole, Account: account, ARN: s.AssumedRoleARN(), UserID: s.AssumedRoleID(), Session: s}
	}
	// allowed reports whether the session may call iam:GetRole (through
	// the IAM API) and s3:GetObject (through the engine); both must agree.
	allowed := func(p aws.CredentialsProvider, c *authn.Caller) bool {
		t.Helper()
		_, err := iamAs(p).GetRole(ctx, &iamsdk.GetRoleInput{RoleName: aws.String("app")})
		res := a.Engine.Decide(authz.Request{Caller: c, Checks: []authz.Check{{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"}}})
		if err == nil != res.Allowed {
			t.Fatalf("the IAM API (%v) and the engine (%v) disagree", err, res.Allowed)
		}
		if err != nil {
			var ae smithy.APIError
			var re *awshttp.ResponseError
			if !errors.As(err, &ae) || !errors.As(err, &re) || re.HTTPStatusCode() != http.StatusForbidden ||
				ae.ErrorMessage() != "User: "+c.ARN+" is not authorized to perform: iam:GetRole on resource: arn:aws:iam::"+account+":role/app with an explicit deny in an identity-based policy" {
				t.Fatalf("denial = %v", err)
			}
			if res.Checks[0].Decision.Effect.String() != "explicitDeny" {
				t.Fatalf("engine: %v", res.Checks[0].Decision.Effect)
			}
		}
		return err == nil
	}
	oldCreds, oldCaller := assume("old")
	if !allowed(oldCreds, oldCaller) {
		t.Fatal("the session is denied before any revocation")
	}

	bin := buildStsd(t)
	t.Setenv("AWS_ACCESS_KEY_ID", rootKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", rootSecret)
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_CONFIG_FILE", "/dev/null")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_ENDPOINT_URL", "")
	t.Setenv("AWS_ENDPOINT_URL_IAM", "")
	revoke := func() time.Time {
		t.Helper()
		stdout, stderr, code := run(t, bin, "revoke-sessions", "--role-name", "app", "--endpoint-url", a.URL)
		if code != 0 {
			t.Fatalf("revoke-sessions: exit %d\n%s%s", code, stdout, stderr)
		}
		ts := find(t, stdout, `^Sessions of role app issued before (\S+) are now denied \(inline policy AWSRevokeOlderSessions\)\.\n$`)
		at, err := time.Parse(time.RFC3339, ts)
		if err != nil {
			t.Fatal(err)
		}
		out, err := root.GetRolePolicy(ctx, &iamsdk.GetRolePolicyInput{RoleName: aws.String("app"), PolicyName: aws.String("AWSRevokeOlderSessions")})
		if err != nil {
			t.Fatal(err)
		}
		doc, _ := url.QueryUnescape(aws.ToString(out.PolicyDocument))
		if doc != RevokeOlderSessionsPolicy(at) {
			t.Fatalf("stored policy %s", doc)
		}
		return at
	}
	first := revoke()
	if allowed(oldCreds, oldCaller) {
		t.Fatal("a session issued before revoke-sessions is still allowed")
	}
	for time.Now().Before(first) { // a session issued at or after the revocation time
		time.Sleep(20 * time.Millisecond)
	}
	newCreds, newCaller := assume("new")
	if !allowed(newCreds, newCaller) {
		t.Fatal("a session issued after revoke-sessions is denied")
	}
	time.Sleep(time.Until(first.Add(1100 * time.Millisecond)))
	second := revoke()
	if !second.After(first) {
		t.Fatalf("a second revocation did not move the time: %v then %v", first, second)
	}
	if allowed(newCreds, newCaller) {
		t.Fatal("the second revocation did not revoke the newer session")
	}

	t.Run("errors", func(t *testing.T) {
		_, stderr, code := run(t, bin, "revoke-sessions", "--role-name", "nope", "--endpoint-url", a.URL)
		if code != 1 || !strings.Contains(stderr, "stsd: PutRolePolicy nope: NoSuchEntity: The role with name nope cannot be found.") {
			t.Errorf("unknown role: exit %d %s", code, stderr)
		}
		_, stderr, code = run(t, bin, "revoke-sessions", "--role-name", "app")
		if code != 1 || !strings.Contains(stderr, "stsd: no endpoint: pass --endpoint-url") {
			t.Errorf("no endpoint: exit %d %s", code, stderr)
		}
		_, stderr, code = run(t, bin, "revoke-sessions", "--endpoint-url", a.URL)
		if code != 1 || !strings.Contains(stderr, `required flag(s) "role-name" not set`) {
			t.Errorf("no role: exit %d %s", code, stderr)
		}
		t.Setenv("AWS_SECRET_ACCESS_KEY", "wrong"+rootSecret[5:])
		_, stderr, code = run(t, bin, "revoke-sessions", "--role-name", "app", "--endpoint-url", a.URL)
		if code != 1 || !strings.Contains(stderr, "SignatureDoesNotMatch") || strings.Contains(stderr, rootSecret[5:]) {
			t.Errorf("bad key: exit %d %s", code, stderr)
		}
	})
}
