package app_test

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	stssdk "github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/stsd/stsd/internal/audit"
	"github.com/stsd/stsd/internal/config"
	"github.com/stsd/stsd/internal/testutil/syncio"
)

// unavailable503 asserts err is AWS's 503 ServiceUnavailable.
func unavailable503(t *testing.T, what string, err error) {
	t.Helper()
	var ae smithy.APIError
	var re *awshttp.ResponseError
	if !errors.As(err, &ae) || ae.ErrorCode() != "ServiceUnavailable" || !errors.As(err, &re) || re.HTTPStatusCode() != http.StatusServiceUnavailable {
		t.Fatalf("%s: %v, want 503 ServiceUnavailable", what, err)
	}
	if ae.ErrorMessage() != "The request has failed due to a temporary failure of the server." {
		t.Errorf("%s: message %q", what, ae.ErrorMessage())
	}
}

var secretInBody = regexp.MustCompile(`<SecretAccessKey>([^<]+)</SecretAccessKey>`)

// Fail open (the default): with every audit write failing, STS and IAM
// keep answering through their dispatchers; the loss shows in the
// metrics and in one log line, which carries no secret.
func TestAuditFailOpenKeepsServing(t *testing.T) {
	ro, _ := openReal(t, false)
	n := startAuditNode(t, ro, nil)
	status, body := n.assume(nil)
	if status != http.StatusOK {
		t.Fatalf("AssumeRoleWithWebIdentity = %d %s", status, body)
	}
	if _, err := n.stsClient().GetCallerIdentity(t.Context(), &stssdk.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("GetCallerIdentity: %v", err)
	}
	if _, err := n.iamClient().ListRoles(t.Context(), &iamsdk.ListRolesInput{}); err != nil {
		t.Fatalf("ListRoles: %v", err)
	}
	n.waitMetric("stsd_audit_events_lost_total", func(v float64) bool { return v >= 3 })
	if f := n.metric("stsd_audit_write_failures_total"); f < 1 {
		t.Errorf("stsd_audit_write_failures_total = %v, want ≥ 1", f)
	}
	if w := n.metric("stsd_audit_writable"); w != 0 {
		t.Errorf("stsd_audit_writable = %v, want 0", w)
	}
	if _, err := n.stsClient().GetCallerIdentity(t.Context(), &stssdk.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("GetCallerIdentity after failed writes (fail open): %v", err)
	}
	rootSecret := n.app.Root.Secret.Reveal()
	n.stop()
	logs := n.logs.String()
	if c := strings.Count(logs, `"msg":"audit log write failed"`); c != 1 {
		t.Errorf("%d failure log lines within a minute, want 1:\n%s", c, logs)
	}
	for _, s := range []string{secretInBody.FindStringSubmatch(body)[1], rootSecret} {
		if strings.Contains(logs, s) {
			t.Errorf("a secret is in the logs")
		}
	}
}

// Fail closed: once an audit write has failed, STS and IAM answer 503
// ServiceUnavailable (no internal detail) and act on nothing — a refused
// CreateRole creates no role — until a write succeeds; the refusals are
// recorded, and writing one is what brings the node back.
func TestAuditFailClosedRefusesUntilWritable(t *testing.T) {
	ro, roPath := openReal(t, false)
	sw := syncio.NewSwitch(ro)
	n := startAuditNode(t, sw, func(c *config.Config) { c.AuditFailClosed = true })
	sts, iamc := n.stsClient(), n.iamClient()

	// The logger learns of the failure only when it writes: the first call
	// is answered, and its event is lost.
	if _, err := sts.GetCallerIdentity(t.Context(), &stssdk.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("first GetCallerIdentity: %v", err)
	}
	n.waitMetric("stsd_audit_writable", func(v float64) bool { return v == 0 })

	status, body := n.assume(nil)
	if status != http.StatusServiceUnavailable || !strings.Contains(body, "<Code>ServiceUnavailable</Code>") ||
		!strings.Contains(body, "<Message>The request has failed due to a temporary failure of the server.</Message>") {
		t.Fatalf("AssumeRoleWithWebIdentity while failing = %d %s", status, body)
	}
	for _, leak := range []string{"bad file descriptor", roPath, "audit_write_failed", "Credentials"} {
		if strings.Contains(body, leak) {
			t.Errorf("response body carries %q: %s", leak, body)
		}
	}
	_, err := sts.GetCallerIdentity(t.Context(), &stssdk.GetCallerIdentityInput{})
	unavailable503(t, "GetCallerIdentity while failing", err)
	_, err = iamc.CreateRole(t.Context(), &iamsdk.CreateRoleInput{RoleName: aws.String("refused"), AssumeRolePolicyDocument: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]}`)})
	unavailable503(t, "CreateRole while failing", err)

	good, goodPath := openReal(t, true)
	sw.Set(good)
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, err := sts.GetCallerIdentity(t.Context(), &stssdk.GetCallerIdentityInput{})
		if err == nil {
			break
		}
		unavailable503(t, "GetCallerIdentity while recovering", err)
		if time.Now().After(deadline) {
			t.Fatal("still refusing 10 s after the audit log became writable")
		}
		time.Sleep(10 * time.Millisecond)
	}
	var nse interface{ ErrorCode() string }
	if _, err := iamc.GetRole(t.Context(), &iamsdk.GetRoleInput{RoleName: aws.String("refused")}); !errors.As(err, &nse) || nse.ErrorCode() != "NoSuchEntity" {
		t.Errorf("GetRole of the refused CreateRole: %v, want NoSuchEntity (a refused call acts on nothing)", err)
	}
	n.stop()

	var refused, served bool
	for _, e := range readAudit(t, goodPath) {
		switch {
		case e.ErrorCode == "ServiceUnavailable" && e.Decision.Reason == "audit_write_failed" && strings.Contains(e.Decision.Detail, "bad file descriptor"):
			refused = true
		case e.EventName == "GetCallerIdentity" && e.ErrorCode == "" && refused:
			served = true
		case e.EventName == "CreateRole" && e.ErrorCode == "":
			t.Errorf("a CreateRole succeeded: %s", e.raw)
		}
	}
	if !refused || !served {
		t.Errorf("audit log after recovery: refusal recorded %v, then a served call %v; want both", refused, served)
	}
	logs := n.logs.String()
	if strings.Count(logs, `"msg":"audit log write failed"`) != 1 || strings.Count(logs, `"msg":"audit log writable again"`) != 1 {
		t.Errorf("want one failure and one recovery log line:\n%s", logs)
	}
}

// The audit_* keys reach the file: it rotates at audit_max_size_mb, every
// rotated file holds whole events, and none is lost.
func TestAuditLogRotatesAtConfiguredSize(t *testing.T) {
	n := startAuditNode(t, nil, func(c *config.Config) { c.AuditMaxSizeMB, c.AuditMaxBackups = 1, 0 })
	// ≈ 2.4 KB each with a user agent at audit.MaxUserAgentBytes: 1.4 MB.
	const calls = 600
	ua := http.Header{"User-Agent": {"soak/" + strings.Repeat("u", audit.MaxUserAgentBytes)}}
	for range calls {
		if status, body := n.assume(ua); status != http.StatusOK {
			t.Fatalf("AssumeRoleWithWebIdentity = %d %s", status, body)
		}
	}
	n.stop()
	files, err := filepath.Glob(filepath.Join(n.dataDir, "audit*.log"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 2 {
		t.Fatalf("audit files %v: want audit.log and a rotated file", files)
	}
	for _, f := range files {
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Size() > 1<<20 || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %d bytes, mode %v; want at most 1 MiB, 0600", f, fi.Size(), fi.Mode().Perm())
		}
	}
	if got := len(readAudit(t, files...)); got != calls {
		t.Errorf("%d events in %d files, want %d", got, len(files), calls)
	}
}
