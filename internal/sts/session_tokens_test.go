package sts_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	stssdk "github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/stsd/stsd/internal/authz"
)

// expiresIn asserts that the credentials expire d from now (± 10 s).
func expiresIn(t *testing.T, got *time.Time, d time.Duration) {
	t.Helper()
	if left := time.Until(*got); left > d+10*time.Second || left < d-10*time.Second {
		t.Errorf("expires in %v, want %v", left, d)
	}
}

// GetSessionToken: users (default 12 h, up to 36 h) and the root (an hour
// at most, longer asks clamped); the session is the user, with the user's
// permissions, minus IAM and STS but AssumeRole/GetCallerIdentity.
func TestGetSessionToken(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	alice := n.user("alice", map[string]string{"all": allowAll})
	out, err := n.sts(alice).GetSessionToken(ctx, &stssdk.GetSessionTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	expiresIn(t, out.Credentials.Expiration, 12*time.Hour)
	if out.SessionTokenSize == nil || *out.SessionTokenSize != int32(len(*out.Credentials.SessionToken)) || out.SessionTokenUtilization == nil {
		t.Errorf("SessionTokenSize %v, SessionTokenUtilization %v", out.SessionTokenSize, out.SessionTokenUtilization)
	}
	gst := staticCreds(out.Credentials)
	if got := n.callerARN(gst); got != userARN("alice") {
		t.Errorf("GetCallerIdentity %s", got)
	}
	out, err = n.sts(alice).GetSessionToken(ctx, &stssdk.GetSessionTokenInput{DurationSeconds: aws.Int32(129600)})
	if err != nil {
		t.Fatal(err)
	}
	expiresIn(t, out.Credentials.Expiration, 36*time.Hour)
	for _, tc := range []struct {
		d    int32
		want time.Duration
	}{{0, time.Hour}, {900, 15 * time.Minute}, {7200, time.Hour}, {129600, time.Hour}} {
		in := &stssdk.GetSessionTokenInput{}
		if tc.d != 0 {
			in.DurationSeconds = aws.Int32(tc.d)
		}
		out, err := n.sts(n.rootCreds()).GetSessionToken(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		expiresIn(t, out.Credentials.Expiration, tc.want)
		if tc.d == 0 && n.callerARN(staticCreds(out.Credentials)) != "arn:aws:iam::"+account+":root" {
			t.Error("the root's session is the root")
		}
	}

	t.Run("rejections", func(t *testing.T) {
		_, err := n.sts(alice).GetSessionToken(ctx, &stssdk.GetSessionTokenInput{DurationSeconds: aws.Int32(899)})
		wantAPIError(t, err, "ValidationError", 400, "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900")
		_, err = n.sts(alice).GetSessionToken(ctx, &stssdk.GetSessionTokenInput{DurationSeconds: aws.Int32(129601)})
		wantAPIError(t, err, "ValidationError", 400, "1 validation error detected: Value '129601' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 129600")
		_, err = n.sts(alice).GetSessionToken(ctx, &stssdk.GetSessionTokenInput{SerialNumber: aws.String("arn:aws:iam::" + account + ":mfa/alice"), TokenCode: aws.String("123456")})
		wantAPIError(t, err, "AccessDenied", 403, "MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.")
		_, err = n.sts(gst).GetSessionToken(ctx, &stssdk.GetSessionTokenInput{})
		wantAPIError(t, err, "AccessDenied", 403, "Cannot call GetSessionToken with session credentials")
		_, err = n.sts(n.session(n.role("r", nil), "s1")).GetSessionToken(ctx, &stssdk.GetSessionTokenInput{})
		wantAPIError(t, err, "AccessDenied", 403, "Cannot call GetSessionToken with session credentials")
		_, err = n.sts(gst).GetFederationToken(ctx, &stssdk.GetFederationTokenInput{Name: aws.String("bob")})
		wantAPIError(t, err, "AccessDenied", 403, "Cannot call GetFederationToken with session credentials")
	})
	t.Run("what the session may call", func(t *testing.T) {
		_, err := n.iamAs(gst).ListUsers(ctx, &iamsdk.ListUsersInput{})
		wantAPIError(t, err, "InvalidClientTokenId", 403, "The security token included in the request is invalid")
		if _, err := n.iamAs(alice).ListUsers(ctx, &iamsdk.ListUsersInput{}); err != nil {
			t.Errorf("the user's own key: %v", err)
		}
		_, err = n.sts(gst).GetAccessKeyInfo(ctx, &stssdk.GetAccessKeyInfoInput{AccessKeyId: aws.String("ASIAY34FZKBOKMUTVV7A")})
		wantAPIError(t, err, "AccessDenied", 403, "User: "+userARN("alice")+" is not authorized to perform: sts:GetAccessKeyInfo with an explicit deny in an identity-based policy")
		role := n.roleTrusting("", "target", trustAWS(quote(userARN("alice")), []string{"sts:AssumeRole"}, ""), nil, nil)
		out, err := n.assumeRole(gst, arIn(role, "from-gst"))
		if err != nil {
			t.Fatalf("AssumeRole with GetSessionToken credentials: %v", err)
		}
		expiresIn(t, out.Credentials.Expiration, time.Hour)
		res := n.app.Engine.Decide(authz.Request{Caller: n.callerOf(gst), Checks: []authz.Check{{Action: "s3:PutObject", Resource: "arn:aws:s3:::b/k"}}})
		if !res.Allowed {
			t.Error("the session has the user's permissions")
		}
	})
}

// GetFederationToken: the federated user's ARN and id, the permissions
// intersection, the root's one-hour cap, and the rejections.
func TestGetFederationToken(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	broker := n.user("broker", map[string]string{"p": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:GetFederationToken","s3:GetObject","s3:PutObject"],"Resource":"*"}]}`})
	plain := n.user("plain", map[string]string{"p": allowAction("s3:GetObject", "*")})
	out, err := n.sts(broker).GetFederationToken(ctx, &stssdk.GetFederationTokenInput{Name: aws.String("bob@example.com"), Policy: aws.String(allowAction("s3:GetObject", "*"))})
	if err != nil {
		t.Fatal(err)
	}
	wantARN := "arn:aws:sts::" + account + ":federated-user/bob@example.com"
	//lint:ignore SA1019 PackedPolicySize is deprecated in the SDK but still on the wire (sts-contract §3.1)
	packed := out.PackedPolicySize
	if *out.FederatedUser.Arn != wantARN || *out.FederatedUser.FederatedUserId != account+":bob@example.com" || packed == nil ||
		out.SessionTokenSize == nil || out.SessionTokenUtilization == nil {
		t.Errorf("FederatedUser %s %s, PackedPolicySize %v", *out.FederatedUser.Arn, *out.FederatedUser.FederatedUserId, packed)
	}
	expiresIn(t, out.Credentials.Expiration, 12*time.Hour)
	fed := staticCreds(out.Credentials)
	idOut, err := n.sts(fed).GetCallerIdentity(ctx, &stssdk.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if *idOut.Arn != wantARN || *idOut.UserId != account+":bob@example.com" || *idOut.Account != account {
		t.Errorf("GetCallerIdentity %s %s %s", *idOut.Arn, *idOut.UserId, *idOut.Account)
	}
	caller := n.callerOf(fed)
	res := n.app.Engine.Decide(authz.Request{Caller: caller, Checks: []authz.Check{
		{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"}, {Action: "s3:PutObject", Resource: "arn:aws:s3:::b/k"}}})
	if res.Checks[0].Decision.Effect.String() != "allowed" || res.Checks[1].Decision.Effect.String() == "allowed" {
		t.Errorf("GetObject %v (both allow), PutObject %v (the session policy does not)", res.Checks[0].Decision.Effect, res.Checks[1].Decision.Effect)
	}
	t.Run("the root: an hour at most", func(t *testing.T) {
		out, err := n.sts(n.rootCreds()).GetFederationToken(ctx, &stssdk.GetFederationTokenInput{Name: aws.String("ops"), DurationSeconds: aws.Int32(129600)})
		if err != nil {
			t.Fatal(err)
		}
		expiresIn(t, out.Credentials.Expiration, time.Hour)
		//lint:ignore SA1019 PackedPolicySize is deprecated in the SDK but still on the wire (sts-contract §3.1)
		if out.PackedPolicySize != nil {
			t.Error("PackedPolicySize without policies or tags")
		}
	})
	t.Run("rejections", func(t *testing.T) {
		_, err := n.sts(plain).GetFederationToken(ctx, &stssdk.GetFederationTokenInput{Name: aws.String("bob")})
		wantAPIError(t, err, "AccessDenied", 403, "User: "+userARN("plain")+" is not authorized to perform: sts:GetFederationToken on resource: arn:aws:sts::"+account+":federated-user/bob")
		_, err = n.sts(broker).GetFederationToken(ctx, &stssdk.GetFederationTokenInput{Name: aws.String("bob"), Tags: tags("team", "a")})
		wantAPIError(t, err, "AccessDenied", 403, "User: "+userARN("broker")+" is not authorized to perform: sts:TagSession on resource: arn:aws:sts::"+account+":federated-user/bob")
		_, err = n.sts(broker).GetFederationToken(ctx, &stssdk.GetFederationTokenInput{Name: aws.String(strings.Repeat("a", 33))})
		wantAPIError(t, err, "ValidationError", 400, "1 validation error detected: Value '"+strings.Repeat("a", 33)+"' at 'name' failed to satisfy constraint: Member must have length less than or equal to 32")
		_, err = n.sts(broker).GetFederationToken(ctx, &stssdk.GetFederationTokenInput{Name: aws.String("b/ob")})
		wantAPIError(t, err, "ValidationError", 400, "1 validation error detected: Value 'b/ob' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*")
		_, err = n.sts(broker).GetFederationToken(ctx, &stssdk.GetFederationTokenInput{Name: aws.String("bob"), Policy: aws.String(strings.Repeat(" ", 2049))})
		wantAPIError(t, err, "ValidationError", 400, "1 validation error detected: Value '"+strings.Repeat(" ", 2049)+"' at 'policy' failed to satisfy constraint: Member must have length less than or equal to 2048")
		_, err = n.sts(broker).GetFederationToken(ctx, &stssdk.GetFederationTokenInput{Name: aws.String("bob"), Policy: aws.String(`{"Statement":`)})
		var msg string
		if err != nil {
			msg = err.Error()
		}
		if !strings.Contains(msg, "MalformedPolicyDocument") {
			t.Errorf("malformed policy: %v", err)
		}
		_, err = n.sts(broker).GetFederationToken(ctx, &stssdk.GetFederationTokenInput{Name: aws.String("bob"), PolicyArns: policyARNs("arn:aws:iam::" + account + ":policy/nothing")})
		wantAPIError(t, err, "InvalidParameterValue", 400, "Policy arn:aws:iam::"+account+":policy/nothing does not exist or is not attachable.")
		_, err = n.sts(fed).GetFederationToken(ctx, &stssdk.GetFederationTokenInput{Name: aws.String("bob")})
		wantAPIError(t, err, "AccessDenied", 403, "Cannot call GetFederationToken with session credentials")
		_, err = n.sts(fed).GetSessionToken(ctx, &stssdk.GetSessionTokenInput{})
		wantAPIError(t, err, "AccessDenied", 403, "Cannot call GetSessionToken with session credentials")
		role := n.roleTrusting("", "target", trustAWS(`"*"`, []string{"sts:AssumeRole"}, ""), nil, nil)
		_, err = n.assumeRole(fed, arIn(role, "s1"))
		wantAPIError(t, err, "AccessDenied", 403, "User: "+wantARN+" is not authorized to perform: sts:AssumeRole on resource: "+role+" with an explicit deny in an identity-based policy")
		_, err = n.iamAs(fed).ListUsers(ctx, &iamsdk.ListUsersInput{})
		wantAPIError(t, err, "InvalidClientTokenId", 403, "The security token included in the request is invalid")
	})
	t.Run("a deleted federating user's session is allowed nothing", func(t *testing.T) {
		n.deleteUser("broker")
		res := n.app.Engine.Decide(authz.Request{Caller: n.callerOf(fed), Checks: []authz.Check{{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"}}})
		if res.Allowed {
			t.Error("allowed after the user was deleted")
		}
	})
}

// GetAccessKeyInfo answers the account of user keys, the root key and
// every session key stsd mints, from any caller allowed
// sts:GetAccessKeyInfo.
func TestGetAccessKeyInfo(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	alice := n.user("alice", map[string]string{"p": allowAction("sts:GetAccessKeyInfo", "*")})
	plain := n.user("plain", nil)
	aliceKey, _ := alice.Retrieve(ctx)
	gst, err := n.sts(plain).GetSessionToken(ctx, &stssdk.GetSessionTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	web := n.session(n.role("r", nil), "s1")
	webKey, _ := web.Retrieve(ctx)
	for name, id := range map[string]string{
		"a user's key":                 aliceKey.AccessKeyID,
		"the root's key":               n.app.Root.AccessKeyID,
		"a GetSessionToken session":    *gst.Credentials.AccessKeyId,
		"a web identity session":       webKey.AccessKeyID,
		"the caller's own session key": webKey.AccessKeyID,
	} {
		out, err := n.sts(alice).GetAccessKeyInfo(ctx, &stssdk.GetAccessKeyInfoInput{AccessKeyId: aws.String(id)})
		if err != nil || *out.Account != account {
			t.Errorf("%s %s: %v %v", name, id, out, err)
		}
	}
	out, err := n.sts(n.rootCreds()).GetAccessKeyInfo(ctx, &stssdk.GetAccessKeyInfoInput{AccessKeyId: aws.String("ASIAY34FZKBOKMUTVV7A")})
	if err != nil || *out.Account != "609629065308" {
		t.Errorf("a key id of AWS's: %v %v", out, err)
	}
	_, err = n.sts(plain).GetAccessKeyInfo(ctx, &stssdk.GetAccessKeyInfoInput{AccessKeyId: aws.String(aliceKey.AccessKeyID)})
	wantAPIError(t, err, "AccessDenied", 403, "User: "+userARN("plain")+" is not authorized to perform: sts:GetAccessKeyInfo because no identity-based policy allows the sts:GetAccessKeyInfo action")
	for id, want := range map[string]string{
		"AKIA123":                "1 validation error detected: Value 'AKIA123' at 'accessKeyId' failed to satisfy constraint: Member must have length greater than or equal to 16",
		"AKIA-IOSFODNN7EXAMPLE":  "1 validation error detected: Value 'AKIA-IOSFODNN7EXAMPLE' at 'accessKeyId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w]*",
		"AIDAIOSFODNN7EXAMPLE01": "The access key ID is not an access key ID this service issues.",
		"akiaiosfodnn7example":   "The access key ID is not an access key ID this service issues.",
	} {
		_, err := n.sts(alice).GetAccessKeyInfo(ctx, &stssdk.GetAccessKeyInfoInput{AccessKeyId: aws.String(id)})
		code := "ValidationError"
		if !strings.HasPrefix(want, "1 validation") {
			code = "InvalidParameterValue"
		}
		wantAPIError(t, err, code, http.StatusBadRequest, want)
	}
}
