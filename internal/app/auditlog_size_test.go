package app_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	stssdk "github.com/aws/aws-sdk-go-v2/service/sts"
)

// maxEventBytes bounds one successful STS audit line; docs/benchmarks.md
// records the measured sizes (go test -run TestAuditEventSize -v).
const maxEventBytes = 2048

// The size of the audit line of a successful AssumeRoleWithWebIdentity and
// of a GetCallerIdentity signed with the session it issued, both sent by
// aws-sdk-go-v2 as a GitHub Actions job would (the measure behind the
// disk-use figures in docs/reliability.md).
func TestAuditEventSize(t *testing.T) {
	n := startAuditNode(t, nil, nil)
	anon := stssdk.New(stssdk.Options{Region: "us-east-1", BaseEndpoint: aws.String(n.app.URL), Credentials: aws.AnonymousCredentials{}})
	out, err := anon.AssumeRoleWithWebIdentity(t.Context(), &stssdk.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(n.role), RoleSessionName: aws.String("gha-deploy"),
		WebIdentityToken: aws.String(n.idp.Mint(n.idp.Claims("repo:example-org/app:ref:refs/heads/main", testAud))),
	})
	if err != nil {
		t.Fatal(err)
	}
	c := out.Credentials
	session := stssdk.New(stssdk.Options{Region: "us-east-1", BaseEndpoint: aws.String(n.app.URL),
		Credentials: credentials.NewStaticCredentialsProvider(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken)})
	if _, err := session.GetCallerIdentity(t.Context(), &stssdk.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}
	n.stop()
	raw, err := os.ReadFile(filepath.Join(n.dataDir, "audit.log"))
	if err != nil {
		t.Fatal(err)
	}
	events := readAudit(t, filepath.Join(n.dataDir, "audit.log"))
	if len(events) != 2 {
		t.Fatalf("%d events, want 2", len(events))
	}
	for _, e := range events {
		size := len(e.raw) + 1 // with its newline
		t.Logf("%s: %d bytes per line\n%s", e.EventName, size, e.raw)
		if e.ErrorCode != "" || size > maxEventBytes {
			t.Errorf("%s: %d bytes, error %q; want a success under %d bytes", e.EventName, size, e.ErrorCode, maxEventBytes)
		}
		for _, secret := range []string{*c.SecretAccessKey, *c.SessionToken} {
			if strings.Contains(e.raw, secret) {
				t.Errorf("%s: the audit line carries a secret", e.EventName)
			}
		}
	}
	t.Logf("total %d bytes for the 2 events", len(raw))
}
