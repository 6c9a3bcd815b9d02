package sts_test

import (
	"context"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	stssdk "github.com/aws/aws-sdk-go-v2/service/sts"
)

// Who may assume a role: the trust policy's principal forms, and AWS's
// same-account rule — a trust policy naming the caller's exact ARN
// suffices; one naming only the account also needs the caller's identity
// policies to allow sts:AssumeRole on the role.
func TestAssumeRoleTrustPrincipals(t *testing.T) {
	n := newNode(t)
	alice := n.user("alice", nil)
	bob := n.user("bob", map[string]string{"assume": allowAction("sts:AssumeRole", "arn:aws:iam::"+account+":role/*")})
	denied := func(caller, role string) string {
		return "User: " + caller + " is not authorized to perform: sts:AssumeRole on resource: " + role
	}
	exact := n.roleTrusting("", "exact", trustAWS(quote(userARN("alice")), []string{"sts:AssumeRole"}, ""), nil, nil)
	byRoot := n.roleTrusting("", "by-root", trustAWS(quote("arn:aws:iam::"+account+":root"), []string{"sts:AssumeRole"}, ""), nil, nil)
	byID := n.roleTrusting("/team/ops/", "by-id", trustAWS(quote(account), []string{"sts:AssumeRole"}, ""), nil, nil)
	anyone := n.roleTrusting("", "anyone", trustAWS(`"*"`, []string{"sts:AssumeRole"}, ""), nil, nil)
	other := n.roleTrusting("", "other-account", trustAWS(quote("arn:aws:iam::444455556666:root"), []string{"sts:AssumeRole"}, ""), nil, nil)

	for _, tc := range []struct {
		name   string
		caller aws.CredentialsProvider
		arn    string
		role   string
		ok     bool
	}{
		{"exact user ARN, no identity policy", alice, userARN("alice"), exact, true},
		{"exact user ARN, another user with a policy", bob, userARN("bob"), exact, false},
		{"account root ARN, no identity policy", alice, userARN("alice"), byRoot, false},
		{"account root ARN, identity policy", bob, userARN("bob"), byRoot, true},
		{"bare account id, role with a path, identity policy", bob, userARN("bob"), byID, true},
		{"bare account id, no identity policy", alice, userARN("alice"), byID, false},
		{"AWS *, no identity policy (same account)", alice, userARN("alice"), anyone, true},
		{"another account's root", bob, userARN("bob"), other, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := n.assumeRole(tc.caller, arIn(tc.role, "s1"))
			if !tc.ok {
				wantAPIError(t, err, "AccessDenied", http.StatusForbidden, denied(tc.arn, tc.role))
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			name := tc.role[strings.LastIndexByte(tc.role, '/')+1:]
			wantARN := "arn:aws:sts::" + account + ":assumed-role/" + name + "/s1" // the path is dropped
			//lint:ignore SA1019 PackedPolicySize is deprecated in the SDK but still on the wire (sts-contract §3.1)
			packed := out.PackedPolicySize
			if *out.AssumedRoleUser.Arn != wantARN || !strings.HasPrefix(*out.AssumedRoleUser.AssumedRoleId, "AROA") ||
				!strings.HasSuffix(*out.AssumedRoleUser.AssumedRoleId, ":s1") || packed != nil || out.SourceIdentity != nil || out.SessionTokenSize == nil {
				t.Errorf("AssumedRoleUser %s %s, PackedPolicySize %v", *out.AssumedRoleUser.Arn, *out.AssumedRoleUser.AssumedRoleId, packed)
			}
			c := out.Credentials
			if !strings.HasPrefix(*c.AccessKeyId, "ASIA") || len(*c.SecretAccessKey) != 40 || *c.SessionToken == "" {
				t.Errorf("credentials %s", *c.AccessKeyId)
			}
		})
	}

	t.Run("the root cannot assume roles", func(t *testing.T) {
		_, err := n.assumeRole(n.rootCreds(), arIn(anyone, "s1"))
		wantAPIError(t, err, "AccessDenied", http.StatusForbidden, "Roles may not be assumed by root accounts.")
	})
	t.Run("a role that does not exist answers as a denial", func(t *testing.T) {
		for _, arn := range []string{
			"arn:aws:iam::" + account + ":role/missing",
			"arn:aws:iam::" + account + ":role/EXACT",            // names are case-insensitive: this one exists
			"arn:aws:iam::" + account + ":role/team/exact",       // a path the role does not have
			"arn:aws:iam::" + account + ":role/by-id",            // the role without its path
			"arn:aws-cn:iam::" + account + ":role/exact",         // another partition
			"arn:aws:iam::444455556666:role/exact",               // another account
			"arn:aws:iam::" + account + ":user/alice",            // not a role
			"arn:aws:sts::" + account + ":assumed-role/exact/s1", // a session, not a role
		} {
			_, err := n.assumeRole(alice, arIn(arn, "s1"))
			if strings.Contains(arn, "EXACT") {
				if err != nil {
					t.Errorf("%s: %v", arn, err)
				}
				continue
			}
			wantAPIError(t, err, "AccessDenied", http.StatusForbidden, denied(userARN("alice"), arn))
		}
	})
	t.Run("a deleted user's key", func(t *testing.T) {
		gone := n.user("gone", nil)
		ctx := context.Background()
		k, _ := gone.Retrieve(ctx)
		if _, err := n.iam().DeleteAccessKey(ctx, &iamsdk.DeleteAccessKeyInput{UserName: aws.String("gone"), AccessKeyId: aws.String(k.AccessKeyID)}); err != nil {
			t.Fatal(err)
		}
		if _, err := n.iam().DeleteUser(ctx, &iamsdk.DeleteUserInput{UserName: aws.String("gone")}); err != nil {
			t.Fatal(err)
		}
		_, err := n.assumeRole(gone, arIn(anyone, "s1"))
		wantAPIError(t, err, "InvalidClientTokenId", http.StatusForbidden, "The security token included in the request is invalid")
	})
}

// A role session assumes another role: role chaining. The trust policy can
// name the role (any of its sessions) or the session's exact ARN; the new
// session is capped at one hour. stscreds.AssumeRoleProvider chained on a
// web identity provider does it as real workloads do.
func TestAssumeRoleChaining(t *testing.T) {
	n := newNode(t)
	ci := n.role("ci", map[string]string{"all": allowAll})
	deploy := n.roleTrusting("", "deploy", trustAWS(quote(ci), []string{"sts:AssumeRole"}, ""), nil, map[string]string{"all": allowAll})
	onlyS1 := n.roleTrusting("", "only-s1", trustAWS(quote("arn:aws:sts::"+account+":assumed-role/ci/s1"), []string{"sts:AssumeRole"}, ""), nil, nil)
	long := n.roleTrusting("", "long", trustAWS(quote(ci), []string{"sts:AssumeRole"}, ""), nil, nil)
	if _, err := n.iam().UpdateRole(context.Background(), &iamsdk.UpdateRoleInput{RoleName: aws.String("long"), MaxSessionDuration: aws.Int32(43200)}); err != nil {
		t.Fatal(err)
	}

	t.Run("stscreds on a web identity provider", func(t *testing.T) {
		tokenFile := t.TempDir() + "/token"
		if err := os.WriteFile(tokenFile, []byte(n.token("job-1")), 0o600); err != nil {
			t.Fatal(err)
		}
		web := stscreds.NewWebIdentityRoleProvider(n.sts(nil), ci, stscreds.IdentityTokenFile(tokenFile), func(o *stscreds.WebIdentityRoleOptions) {
			o.RoleSessionName = "s1"
		})
		chained := aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(n.sts(aws.NewCredentialsCache(web)), deploy, func(o *stscreds.AssumeRoleOptions) {
			o.RoleSessionName = "deploy-1"
		}))
		if got, want := n.callerARN(chained), "arn:aws:sts::"+account+":assumed-role/deploy/deploy-1"; got != want {
			t.Errorf("GetCallerIdentity %s, want %s", got, want)
		}
		c, err := chained.Retrieve(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if d := time.Until(c.Expires); d > 901e9 || d < 890e9 {
			t.Errorf("the chained session lasts %v, want stscreds' default 15 minutes", d)
		}
	})
	s1 := n.session(ci, "s1")
	s2 := n.session(ci, "s2")
	t.Run("the session ARN names one session", func(t *testing.T) {
		if _, err := n.assumeRole(s1, arIn(onlyS1, "xx")); err != nil {
			t.Fatal(err)
		}
		_, err := n.assumeRole(s2, arIn(onlyS1, "xx"))
		wantAPIError(t, err, "AccessDenied", http.StatusForbidden,
			"User: arn:aws:sts::"+account+":assumed-role/ci/s2 is not authorized to perform: sts:AssumeRole on resource: "+onlyS1)
	})
	t.Run("one hour at most", func(t *testing.T) {
		out, err := n.assumeRole(s1, &stssdk.AssumeRoleInput{RoleArn: aws.String(long), RoleSessionName: aws.String("xx"), DurationSeconds: aws.Int32(3600)})
		if err != nil {
			t.Fatal(err)
		}
		if d := time.Until(*out.Credentials.Expiration); d > 3601e9 || d < 3590e9 {
			t.Errorf("expires in %v", d)
		}
		_, err = n.assumeRole(s1, &stssdk.AssumeRoleInput{RoleArn: aws.String(long), RoleSessionName: aws.String("xx"), DurationSeconds: aws.Int32(3601)})
		wantAPIError(t, err, "ValidationError", http.StatusBadRequest, "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
		user := n.user("u", map[string]string{"a": allowAction("sts:AssumeRole", "*")})
		if _, err := n.iam().UpdateAssumeRolePolicy(context.Background(), &iamsdk.UpdateAssumeRolePolicyInput{RoleName: aws.String("long"),
			PolicyDocument: aws.String(trustAWS(quote(account), []string{"sts:AssumeRole"}, ""))}); err != nil {
			t.Fatal(err)
		}
		if _, err := n.assumeRole(user, &stssdk.AssumeRoleInput{RoleArn: aws.String(long), RoleSessionName: aws.String("xx"), DurationSeconds: aws.Int32(43200)}); err != nil {
			t.Errorf("a user may ask the role's maximum: %v", err)
		}
		_, err = n.assumeRole(user, &stssdk.AssumeRoleInput{RoleArn: aws.String(deploy), RoleSessionName: aws.String("xx"), DurationSeconds: aws.Int32(3601)})
		wantAPIError(t, err, "AccessDenied", http.StatusForbidden, "User: "+userARN("u")+" is not authorized to perform: sts:AssumeRole on resource: "+deploy)
	})
}
