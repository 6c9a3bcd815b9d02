package sts_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
)

// awsCLI runs the AWS CLI against the node with the credentials of p.
func (n *node) awsCLI(t *testing.T, p aws.CredentialsProvider, args ...string) (string, string, error) {
	t.Helper()
	return runAWSCLI(t, n.app.URL, p, args...)
}

// runAWSCLI runs the AWS CLI against endpoint with the credentials of p.
func runAWSCLI(t *testing.T, endpoint string, p aws.CredentialsProvider, args ...string) (string, string, error) {
	t.Helper()
	bin, err := exec.LookPath("aws")
	if err != nil {
		if os.Getenv("STSD_REQUIRE_AWSCLI") != "" {
			t.Fatal("the AWS CLI is required (STSD_REQUIRE_AWSCLI is set) but not installed")
		}
		t.Skip("aws CLI not installed")
	}
	c, err := p.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, append(args, "--endpoint-url", endpoint, "--region", "us-east-1", "--output", "json")...)
	cmd.Env = []string{
		"PATH=" + filepath.Dir(bin) + string(os.PathListSeparator) + os.Getenv("PATH"), "HOME=" + t.TempDir(),
		"AWS_ACCESS_KEY_ID=" + c.AccessKeyID, "AWS_SECRET_ACCESS_KEY=" + c.SecretAccessKey, "AWS_SESSION_TOKEN=" + c.SessionToken,
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=", "AWS_EC2_METADATA_DISABLED=true",
	}
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	return stdout.String(), stderr.String(), err
}

// Every new action through the AWS CLI: the answers it prints and the
// errors it reports, exactly.
func TestAWSCLI(t *testing.T) {
	n := newNode(t)
	alice := n.user("alice", map[string]string{"p": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:GetFederationToken","sts:GetAccessKeyInfo","sts:TagSession","s3:*"],"Resource":"*"}]}`})
	role := n.roleTrusting("/ops/", "deploy", trustAWS(quote(userARN("alice")), []string{"sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"}, ""), nil, nil)
	if _, err := n.iam().UpdateRole(context.Background(), &iamsdk.UpdateRoleInput{RoleName: aws.String("deploy"), MaxSessionDuration: aws.Int32(7200)}); err != nil {
		t.Fatal(err)
	}
	aliceKey, _ := alice.Retrieve(context.Background())
	ok := []struct {
		name  string
		args  []string
		check func(out map[string]any) bool
	}{
		{"assume-role with every member", []string{"sts", "assume-role", "--role-arn", role, "--role-session-name", "cli",
			"--duration-seconds", "7200", "--tags", "Key=Project,Value=Automation", "Key=Team,Value=Blue", "--transitive-tag-keys", "Project",
			"--source-identity", "alice", "--external-id", "ext-123", "--policy", allowS3Read},
			func(o map[string]any) bool {
				u, _ := o["AssumedRoleUser"].(map[string]any)
				return u["Arn"] == "arn:aws:sts::"+account+":assumed-role/deploy/cli" && o["SourceIdentity"] == "alice" && o["PackedPolicySize"] != nil
			}},
		{"get-session-token", []string{"sts", "get-session-token", "--duration-seconds", "900"},
			func(o map[string]any) bool {
				c, _ := o["Credentials"].(map[string]any)
				return c["SessionToken"] != nil
			}},
		{"get-federation-token", []string{"sts", "get-federation-token", "--name", "bob", "--policy", allowS3Read, "--tags", "Key=team,Value=blue"},
			func(o map[string]any) bool {
				f, _ := o["FederatedUser"].(map[string]any)
				return f["Arn"] == "arn:aws:sts::"+account+":federated-user/bob" && f["FederatedUserId"] == account+":bob"
			}},
		{"get-access-key-info", []string{"sts", "get-access-key-info", "--access-key-id", aliceKey.AccessKeyID},
			func(o map[string]any) bool { return o["Account"] == account }},
	}
	for _, tc := range ok {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, err := n.awsCLI(t, alice, tc.args...)
			if err != nil {
				t.Fatalf("%v\n%s", err, stderr)
			}
			var out map[string]any
			if err := json.Unmarshal([]byte(stdout), &out); err != nil || !tc.check(out) {
				t.Fatalf("printed %s (%v)", stdout, err)
			}
		})
	}
	fail := []struct {
		name, op string
		args     []string
		want     string
	}{
		{"assume-role, not trusted", "AssumeRole", []string{"sts", "assume-role", "--role-arn", "arn:aws:iam::" + account + ":role/deploy", "--role-session-name", "cli"},
			"(AccessDenied) when calling the AssumeRole operation: User: " + userARN("alice") + " is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::" + account + ":role/deploy"},
		{"assume-role, over the role's maximum", "AssumeRole", []string{"sts", "assume-role", "--role-arn", role, "--role-session-name", "cli", "--duration-seconds", "7201"},
			"(ValidationError) when calling the AssumeRole operation: The requested DurationSeconds exceeds the MaxSessionDuration set for this role."},
		{"assume-role, duplicate tags", "AssumeRole", []string{"sts", "assume-role", "--role-arn", role, "--role-session-name", "cli", "--tags", "Key=a,Value=1", "Key=A,Value=2"},
			"(InvalidParameterValue) when calling the AssumeRole operation: Duplicate tag keys found. Please note that Tag keys are case insensitive."},
		{"assume-role, MFA", "AssumeRole", []string{"sts", "assume-role", "--role-arn", role, "--role-session-name", "cli", "--serial-number", "arn:aws:iam::" + account + ":mfa/alice", "--token-code", "123456"},
			"(AccessDenied) when calling the AssumeRole operation: MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user."},
		{"get-session-token, too long", "GetSessionToken", []string{"sts", "get-session-token", "--duration-seconds", "129601"},
			"(ValidationError) when calling the GetSessionToken operation: 1 validation error detected: Value '129601' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 129600"},
		{"get-federation-token, bad name", "GetFederationToken", []string{"sts", "get-federation-token", "--name", "b o b"},
			"(ValidationError) when calling the GetFederationToken operation: 1 validation error detected: Value 'b o b' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*"},
		{"get-access-key-info, not a key id", "GetAccessKeyInfo", []string{"sts", "get-access-key-info", "--access-key-id", "AIDAIOSFODNN7EXAMPLE01"},
			"(InvalidParameterValue) when calling the GetAccessKeyInfo operation: The access key ID is not an access key ID this service issues."},
	}
	for _, tc := range fail {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "assume-role, not trusted" {
				n.roleTrusting("", "deploy2", trustAWS(quote(account), []string{"sts:AssumeRole"}, ""), nil, nil)
				tc.args[3] = "arn:aws:iam::" + account + ":role/deploy2"
				tc.want = strings.Replace(tc.want, "role/deploy", "role/deploy2", 1)
			}
			_, stderr, err := n.awsCLI(t, alice, tc.args...)
			if err == nil || !strings.Contains(stderr, "An error occurred "+tc.want) {
				t.Fatalf("%v\n%s\nwant %s", err, stderr, tc.want)
			}
		})
	}
	t.Run("session credentials", func(t *testing.T) {
		gst := n.sts(alice)
		out, err := gst.GetSessionToken(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		_, stderr, err := n.awsCLI(t, staticCreds(out.Credentials), "sts", "get-session-token")
		if err == nil || !strings.Contains(stderr, "An error occurred (AccessDenied) when calling the GetSessionToken operation: Cannot call GetSessionToken with session credentials") {
			t.Fatalf("%v\n%s", err, stderr)
		}
		_, stderr, err = n.awsCLI(t, staticCreds(out.Credentials), "iam", "list-users")
		if err == nil || !strings.Contains(stderr, "An error occurred (InvalidClientTokenId) when calling the ListUsers operation: The security token included in the request is invalid") {
			t.Fatalf("%v\n%s", err, stderr)
		}
		_, stderr, err = n.awsCLI(t, n.rootCreds(), "sts", "assume-role", "--role-arn", role, "--role-session-name", "cli")
		if err == nil || !strings.Contains(stderr, "An error occurred (AccessDenied) when calling the AssumeRole operation: Roles may not be assumed by root accounts.") {
			t.Fatalf("%v\n%s", err, stderr)
		}
	})
}
