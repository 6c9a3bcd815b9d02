package e2e

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// The SDK at BaseEndpoint: every output member, then GetCallerIdentity with
// the returned credentials (sts-contract §3.1, §10.2).
func TestSDKAssumeRoleWithWebIdentityThenGetCallerIdentity(t *testing.T) {
	n := startNode(t, nodeOptions{})
	roleARN := n.role("app", n.trustFor(), 7200)
	ctx := context.Background()

	out, err := n.stsClient(nil).AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(roleARN), RoleSessionName: aws.String("sess-1"),
		WebIdentityToken: aws.String(n.token("system:serviceaccount:default:app", nil)),
		DurationSeconds:  aws.Int32(7200),
	})
	if err != nil {
		t.Fatal(err)
	}
	c := out.Credentials
	if !regexp.MustCompile(`^ASIA[A-Z2-7]{16}$`).MatchString(*c.AccessKeyId) {
		t.Errorf("AccessKeyId = %q, want ASIA + 16", *c.AccessKeyId)
	}
	if len(*c.SecretAccessKey) != 40 {
		t.Errorf("SecretAccessKey has %d characters, want 40", len(*c.SecretAccessKey))
	}
	if n := len(*c.SessionToken); n == 0 || n > 4096 {
		t.Errorf("SessionToken has %d bytes, want 1..4096", n)
	}
	if want := n.clock.Now().Add(7200 * time.Second).UTC(); !c.Expiration.Equal(want) {
		t.Errorf("Expiration = %v, want now + DurationSeconds = %v", c.Expiration, want)
	}
	if got := *out.AssumedRoleUser.Arn; got != "arn:aws:sts::"+account+":assumed-role/app/sess-1" {
		t.Errorf("AssumedRoleUser.Arn = %q", got)
	}
	if !regexp.MustCompile(`^AROA[A-Z2-7]{17}:sess-1$`).MatchString(*out.AssumedRoleUser.AssumedRoleId) {
		t.Errorf("AssumedRoleId = %q, want AROA…:sess-1", *out.AssumedRoleUser.AssumedRoleId)
	}
	if *out.SubjectFromWebIdentityToken != "system:serviceaccount:default:app" || *out.Audience != aud {
		t.Errorf("subject/audience = %q/%q", *out.SubjectFromWebIdentityToken, *out.Audience)
	}
	if *out.Provider != "arn:aws:iam::"+account+":oidc-provider/"+n.hostPath() {
		t.Errorf("Provider = %q, want the provider ARN", *out.Provider)
	}
	//lint:ignore SA1019 PackedPolicySize is deprecated in the SDK but still on the wire (sts-contract §3.1)
	if out.PackedPolicySize != nil || out.SourceIdentity != nil {
		t.Errorf("PackedPolicySize/SourceIdentity must be absent without policies, tags or source identity")
	}

	who, err := n.stsClient(credentials.NewStaticCredentialsProvider(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken)).
		GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if *who.Arn != *out.AssumedRoleUser.Arn || *who.UserId != *out.AssumedRoleUser.AssumedRoleId || *who.Account != account {
		t.Errorf("GetCallerIdentity = %s %s %s; want the assumed-role ARN, id and account", *who.Arn, *who.UserId, *who.Account)
	}
}

// The session outlives the token: expiry is now + DurationSeconds, not the
// token's exp (sts-contract §8, gotcha 11).
func TestSessionNotCappedByTokenExpiry(t *testing.T) {
	n := startNode(t, nodeOptions{})
	roleARN := n.role("app", n.trustFor(), 3600)
	now := n.clock.Now().Unix()
	out, err := n.stsClient(nil).AssumeRoleWithWebIdentity(context.Background(), &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(roleARN), RoleSessionName: aws.String("s1"),
		WebIdentityToken: aws.String(n.token("u", map[string]any{"exp": now + 60})),
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := n.clock.Now().Add(time.Hour).UTC(); !out.Credentials.Expiration.Equal(want) {
		t.Errorf("Expiration = %v, want %v (default 3600 s, not the token's 60 s)", out.Credentials.Expiration, want)
	}
}

// stscreds.WebIdentityRoleProvider with a token file, through the SDK's
// credentials cache, then a signed call.
func TestSDKWebIdentityRoleProvider(t *testing.T) {
	n := startNode(t, nodeOptions{})
	roleARN := n.role("app", n.trustFor(), 3600)
	tokenFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokenFile, []byte(n.token("ci-job", nil)), 0o600); err != nil {
		t.Fatal(err)
	}
	provider := stscreds.NewWebIdentityRoleProvider(n.stsClient(nil), roleARN, stscreds.IdentityTokenFile(tokenFile),
		func(o *stscreds.WebIdentityRoleOptions) { o.RoleSessionName = "provider-session" })
	who, err := n.stsClient(aws.NewCredentialsCache(provider)).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if want := "arn:aws:sts::" + account + ":assumed-role/app/provider-session"; *who.Arn != want {
		t.Errorf("Arn = %q, want %q", *who.Arn, want)
	}
}

// The default credential chain with AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN
// and AWS_ENDPOINT_URL_STS, as IRSA-style workloads run (spec/clients.md §3).
func TestSDKEnvironmentChain(t *testing.T) {
	n := startNode(t, nodeOptions{})
	roleARN := n.role("app", n.trustFor(), 3600)
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "token")
	if err := os.WriteFile(tokenFile, []byte(n.token("pod", nil)), 0o600); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{
		"AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile, "AWS_ROLE_ARN": roleARN, "AWS_ROLE_SESSION_NAME": "env-session",
		"AWS_ENDPOINT_URL_STS": n.app.URL, "AWS_REGION": "eu-west-1",
		"AWS_CONFIG_FILE": filepath.Join(dir, "none"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "none"),
		"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": "", "AWS_PROFILE": "",
	} {
		t.Setenv(k, v)
	}
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	who, err := sts.NewFromConfig(cfg).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(*who.Arn, ":assumed-role/app/env-session") {
		t.Errorf("Arn = %q", *who.Arn)
	}
}

// Root credentials sign GetCallerIdentity and are reported as the root.
func TestGetCallerIdentityRoot(t *testing.T) {
	n := startNode(t, nodeOptions{env: map[string]string{
		"STSD_ROOT_ACCESS_KEY_ID": "AKIAROOTROOTROOT0000", "STSD_ROOT_SECRET_ACCESS_KEY": "rootsecretrootsecretrootsecretrootsecret",
	}})
	who, err := n.stsClient(credentials.NewStaticCredentialsProvider("AKIAROOTROOTROOT0000", "rootsecretrootsecretrootsecretrootsecret", "")).
		GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if *who.Arn != "arn:aws:iam::"+account+":root" || *who.UserId != account || *who.Account != account {
		t.Errorf("root identity = %s %s %s", *who.Arn, *who.UserId, *who.Account)
	}
}
