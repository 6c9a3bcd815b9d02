package e2e

import (
	"context"
	"crypto/sha256"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"

	"github.com/stsd/stsd/internal/testutil/testclock"
)

// assume returns a session's credentials through the SDK.
func (n *node) assume(roleARN, session, token string, duration int32) *types.Credentials {
	n.t.Helper()
	out, err := n.stsClient(nil).AssumeRoleWithWebIdentity(context.Background(), &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(roleARN), RoleSessionName: aws.String(session),
		WebIdentityToken: aws.String(token), DurationSeconds: aws.Int32(duration),
	})
	if err != nil {
		n.t.Fatal(err)
	}
	return out.Credentials
}

func apiError(t *testing.T, err error, wantStatus int, wantCode, wantMessage string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v, want an API error", err)
	}
	var re interface{ HTTPStatusCode() int }
	status := 0
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	if ae.ErrorCode() != wantCode || ae.ErrorMessage() != wantMessage || status != wantStatus {
		t.Errorf("got %d %s %q\nwant %d %s %q", status, ae.ErrorCode(), ae.ErrorMessage(), wantStatus, wantCode, wantMessage)
	}
}

// GetCallerIdentity's authentication failures (sts-contract §4.2, §10.1).
func TestGetCallerIdentityErrors(t *testing.T) {
	// Start the node's clock ten minutes behind the real one so a 900 s
	// session can expire while the SDK's real-time signature stays inside
	// the 15-minute skew.
	clk := testclock.New(time.Now().Add(-10 * time.Minute).Truncate(time.Second))
	n := startNode(t, nodeOptions{clock: clk})
	roleARN := n.role("app", n.trustFor(), 3600)
	c := n.assume(roleARN, "s1", n.token("u", nil), 900)
	ctx := context.Background()
	gci := func(id, secret, token string) error {
		_, err := n.stsClient(credentials.NewStaticCredentialsProvider(id, secret, token)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		return err
	}

	t.Run("wrong secret", func(t *testing.T) {
		apiError(t, gci(*c.AccessKeyId, strings.Repeat("x", 40), *c.SessionToken), 403, "SignatureDoesNotMatch",
			"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
	})
	t.Run("tampered session token", func(t *testing.T) {
		apiError(t, gci(*c.AccessKeyId, *c.SecretAccessKey, tamper(*c.SessionToken)), 403, "InvalidClientTokenId",
			"The security token included in the request is invalid")
	})
	t.Run("session token of another key", func(t *testing.T) {
		other := n.assume(roleARN, "s2", n.token("u", nil), 900)
		apiError(t, gci(*c.AccessKeyId, *c.SecretAccessKey, *other.SessionToken), 403, "InvalidClientTokenId",
			"The security token included in the request is invalid")
	})
	t.Run("temporary key without a session token", func(t *testing.T) {
		apiError(t, gci(*c.AccessKeyId, *c.SecretAccessKey, ""), 403, "InvalidClientTokenId",
			"The security token included in the request is invalid")
	})
	t.Run("unknown long-term key", func(t *testing.T) {
		apiError(t, gci("AKIAUNKNOWNUNKNOWN00", strings.Repeat("y", 40), ""), 403, "InvalidClientTokenId",
			"The security token included in the request is invalid")
	})
	t.Run("unsigned", func(t *testing.T) {
		status, header, body := n.post(map[string][]string{"Action": {"GetCallerIdentity"}, "Version": {"2011-06-15"}}, nil)
		wantError(t, status, header, body, 403, "MissingAuthenticationToken", "Request is missing Authentication Token")
	})
	t.Run("scoped to another service", func(t *testing.T) {
		body := "Action=GetCallerIdentity&Version=2011-06-15"
		req, _ := http.NewRequest(http.MethodPost, n.app.URL+"/", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Amz-Security-Token", *c.SessionToken)
		sum := sha256.Sum256([]byte(body))
		err := v4.NewSigner().SignHTTP(ctx, aws.Credentials{AccessKeyID: *c.AccessKeyId, SecretAccessKey: *c.SecretAccessKey, SessionToken: *c.SessionToken},
			req, hexString(sum[:]), "iam", "us-east-1", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		status, header, resp := n.do(req)
		wantError(t, status, header, resp, 403, "SignatureDoesNotMatch", "Credential should be scoped to correct service: 'sts'. ")
	})
	t.Run("works, then expires", func(t *testing.T) {
		if err := gci(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken); err != nil {
			t.Fatalf("a fresh session must work: %v", err)
		}
		clk.Set(clk.Now().Add(16 * time.Minute))
		apiError(t, gci(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken), 403, "ExpiredToken",
			"The security token included in the request is expired")
	})
}

// Session tags and a source identity from the token's claims, allowed by
// sts:TagSession and sts:SetSourceIdentity (sts-contract §7).
func TestSessionTagsAndSourceIdentity(t *testing.T) {
	n := startNode(t, nodeOptions{})
	roleARN := n.role("tagged", n.trustFor("sts:TagSession", "sts:SetSourceIdentity"), 3600)
	tok := n.token("u", map[string]any{
		"https://aws.amazon.com/tags": map[string]any{
			"principal_tags":      map[string]any{"Project": []any{"Automation"}},
			"transitive_tag_keys": []any{"Project"},
		},
		"https://aws.amazon.com/tags/principal_tags/CostCenter": "987654",
		"https://aws.amazon.com/source_identity":                "alice",
	})
	out, err := n.stsClient(nil).AssumeRoleWithWebIdentity(context.Background(), &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(roleARN), RoleSessionName: aws.String("s1"), WebIdentityToken: aws.String(tok),
	})
	if err != nil {
		t.Fatal(err)
	}
	if out.SourceIdentity == nil || *out.SourceIdentity != "alice" {
		t.Errorf("SourceIdentity = %v, want alice", out.SourceIdentity)
	}
	//lint:ignore SA1019 PackedPolicySize is deprecated in the SDK but still on the wire (sts-contract §3.1)
	if out.PackedPolicySize == nil || *out.PackedPolicySize <= 0 || *out.PackedPolicySize > 100 {
		t.Errorf("PackedPolicySize = %v, want a percentage when tags are passed", out.PackedPolicySize) //lint:ignore SA1019 as above
	}
}

// Sessions survive a restart on the same data directory: the keyring and
// the roles are persisted, and the new process opens old tokens.
func TestRestartKeepsRolesAndSessions(t *testing.T) {
	dir := t.TempDir()
	n := startNode(t, nodeOptions{dataDir: dir})
	roleARN := n.role("app", n.trustFor(), 3600)
	c := n.assume(roleARN, "s1", n.token("u", nil), 900)
	root := n.app.Root
	n.stop()

	again := startNode(t, nodeOptions{dataDir: dir, idp: n.idp})
	if again.app.Root.AccessKeyID != root.AccessKeyID {
		t.Errorf("root credentials changed across restart")
	}
	again.waitRole("app")
	who, err := again.stsClient(credentials.NewStaticCredentialsProvider(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken)).
		GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("a session minted before the restart must still verify: %v", err)
	}
	if !strings.HasSuffix(*who.Arn, ":assumed-role/app/s1") {
		t.Errorf("Arn = %s", *who.Arn)
	}
	again.assume(roleARN, "s2", again.token("u", nil), 900)
}

// /healthz answers, and /metrics counts requests by action and code.
func TestHealthAndMetrics(t *testing.T) {
	n := startNode(t, nodeOptions{})
	roleARN := n.role("app", n.trustFor(), 3600)
	n.assume(roleARN, "s1", n.token("u", nil), 900) // cold cache: a miss and one fetch
	n.assume(roleARN, "s2", n.token("u", nil), 900) // cached key: a hit
	n.post(arwwi("arn:aws:iam::"+account+":role/nope", "s1", n.token("u", nil)), nil)
	resp, err := http.Get(n.app.URL + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", resp, err)
	}
	resp.Body.Close()
	req, _ := http.NewRequest(http.MethodGet, n.app.URL+"/metrics", nil)
	_, _, body := n.do(req)
	for _, want := range []string{
		`stsd_requests_total{action="AssumeRoleWithWebIdentity",code="OK"} 2`,
		`stsd_requests_total{action="AssumeRoleWithWebIdentity",code="AccessDenied"} 1`,
		`stsd_jwks_fetches_total{issuer="` + n.idp.Issuer() + `",outcome="ok"} 1`,
		`stsd_key_cache_lookups_total{issuer="` + n.idp.Issuer() + `",result="hit"} 1`,
		`stsd_key_cache_lookups_total{issuer="` + n.idp.Issuer() + `",result="miss"} 1`,
		`stsd_request_duration_seconds_bucket{action="AssumeRoleWithWebIdentity"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}
