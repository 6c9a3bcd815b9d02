package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/stsd/stsd/internal/testutil/fakeidp"
)

// A node started with --bootstrap serves the roles and providers of the
// file: here a provider with a static JWKS (nothing fetched) and a role with
// a GitHub-style sub condition; applying the file again on restart is a no-op.
func TestBootstrapFileServesItsRoles(t *testing.T) {
	idp := fakeidp.New(t, fakeidp.Options{})
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "jwks.json"), fakeidp.JWKS(idp.SigningKey("RS256")), 0o600); err != nil {
		t.Fatal(err)
	}
	hostPath := strings.TrimPrefix(idp.Issuer(), "http://")
	file := filepath.Join(dir, "boot.yaml")
	err := os.WriteFile(file, []byte(fmt.Sprintf(`version: 1
oidc_providers:
  - url: %s
    client_ids: [%s]
    jwks_file: jwks.json
roles:
  - name: deploy
    path: /ci/
    max_session_duration: 7200
    trust_policy:
      Version: 2012-10-17
      Statement:
        - Effect: Allow
          Principal: {Federated: "arn:aws:iam::%s:oidc-provider/%s"}
          Action: sts:AssumeRoleWithWebIdentity
          Condition:
            StringLike: {"%s:sub": "repo:example-org/app:ref:refs/heads/*"}
`, idp.Issuer(), aud, account, hostPath, hostPath)), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	n := startNode(t, nodeOptions{idp: idp, bootstrap: file, dataDir: data})
	roleARN := "arn:aws:iam::" + account + ":role/ci/deploy"
	assume := func(n *node, sub string) error {
		_, err := n.stsClient(nil).AssumeRoleWithWebIdentity(context.Background(), &sts.AssumeRoleWithWebIdentityInput{
			RoleArn: aws.String(roleARN), RoleSessionName: aws.String("gha"),
			WebIdentityToken: aws.String(n.token(sub, nil)), DurationSeconds: aws.Int32(7200),
		})
		return err
	}
	if err := assume(n, "repo:example-org/app:ref:refs/heads/main"); err != nil {
		t.Fatal(err)
	}
	apiError(t, assume(n, "repo:example-org/other:ref:refs/heads/main"), 403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")
	if got := idp.Requests(idp.JWKSPath()) + idp.Requests(idp.DiscoveryPath()); got != 0 {
		t.Errorf("a static JWKS must not be fetched; the IdP saw %d requests", got)
	}
	n.stop()

	again := startNode(t, nodeOptions{idp: idp, bootstrap: file, dataDir: data})
	if err := assume(again, "repo:example-org/app:ref:refs/heads/dev"); err != nil {
		t.Fatalf("after a restart with the same file: %v", err)
	}
}

// A bootstrap file with problems stops the start and names every problem.
func TestBootstrapFileProblemsStopTheStart(t *testing.T) {
	for name, c := range map[string]struct {
		yaml string
		want []string
	}{
		"validation problems, all reported": {"roles:\n  - name: a b\n    trust_policy: '{}'\n    max_session_duration: 60\n",
			[]string{"roles[0].name", "roles[0].max_session_duration", "Member must have value greater than or equal to 3600"}},
		"unknown key": {"roles:\n  - name: ok\n    colour: blue\n", []string{"boot.yaml:3", "field colour not found"}},
	} {
		t.Run(name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "boot.yaml")
			_ = os.WriteFile(file, []byte(c.yaml), 0o600)
			_, err := startNodeErr(t, nodeOptions{bootstrap: file})
			if err == nil {
				t.Fatal("a bad bootstrap file must stop the start")
			}
			for _, want := range c.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error lacks %q:\n%v", want, err)
				}
			}
		})
	}
}
