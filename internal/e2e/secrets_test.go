package e2e

import (
	"context"
	"encoding/base64"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// A full flow — successes and every kind of failure — then every log line,
// operator notice and audit event is searched for every secret handed out:
// secret keys, session tokens, web identity tokens, the master key and the
// root secret (design.md convention 9).
func TestNoSecretReachesLogsOrAudit(t *testing.T) {
	master := []byte("0123456789abcdef0123456789abcdef")
	rootSecret := "rootsecretrootsecretrootsecretrootsecre1"
	n := startNode(t, nodeOptions{env: map[string]string{
		"STSD_MASTER_KEY":             base64.StdEncoding.EncodeToString(master),
		"STSD_ROOT_ACCESS_KEY_ID":     "AKIAROOTROOTROOT0000",
		"STSD_ROOT_SECRET_ACCESS_KEY": rootSecret,
	}})
	roleARN := n.role("app", n.trustFor("sts:TagSession"), 3600)
	ctx := context.Background()
	var secrets []string
	keep := func(s ...string) { secrets = append(secrets, s...) }
	keep(string(master), base64.StdEncoding.EncodeToString(master), rootSecret)

	for i, tok := range []string{
		n.token("u", nil),
		n.token("u", map[string]any{"https://aws.amazon.com/tags": map[string]any{"principal_tags": map[string]any{"k": []any{"v"}}}}),
	} {
		keep(tok, tok[strings.LastIndexByte(tok, '.')+1:])
		out, err := n.stsClient(nil).AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
			RoleArn: aws.String(roleARN), RoleSessionName: aws.String("s" + string(rune('1'+i))), WebIdentityToken: aws.String(tok),
			Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`),
		})
		if err != nil {
			t.Fatal(err)
		}
		c := out.Credentials
		keep(*c.SecretAccessKey, *c.SessionToken)
		signed := n.stsClient(credentials.NewStaticCredentialsProvider(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken))
		if _, err := signed.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
			t.Fatal(err)
		}
		// failures that log causes: wrong secret, tampered token
		wrong := n.stsClient(credentials.NewStaticCredentialsProvider(*c.AccessKeyId, wrongSecret(*c.SecretAccessKey), *c.SessionToken))
		_, _ = wrong.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		tampered := n.stsClient(credentials.NewStaticCredentialsProvider(*c.AccessKeyId, *c.SecretAccessKey, tamper(*c.SessionToken)))
		_, _ = tampered.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	}
	bad := []string{
		tamper(n.token("u", nil)),
		n.token("u", map[string]any{"aud": "other"}),
		n.token("u", map[string]any{"exp": n.clock.Now().Unix() - 1000}),
		"not-a-jwt-at-all-secret-ish",
	}
	for _, tok := range bad {
		keep(tok)
		n.post(arwwi(roleARN, "s9", tok), nil)
		n.post(arwwi(roleARN, "s9", tok), http.Header{"Accept": {"application/json"}})
	}
	rootClient := n.stsClient(credentials.NewStaticCredentialsProvider("AKIAROOTROOTROOT0000", rootSecret, ""))
	if _, err := rootClient.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}
	n.stop() // flush the audit log

	outputs := map[string]string{"logs": n.logs.String() /* notices included */, "audit": n.auditLog()}
	if !strings.Contains(outputs["audit"], `"eventName":"AssumeRoleWithWebIdentity"`) || !strings.Contains(outputs["logs"], "request failed") {
		t.Fatalf("the flow produced no audit events or logs; the search below would prove nothing")
	}
	for name, text := range outputs {
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("%s contain a secret (%d characters starting %q)", name, len(s), s[:4])
			}
		}
	}
	// The data directory holds the master key only when it was generated.
	if _, err := os.Stat(filepath.Join(n.dataDir, "master.key")); err == nil {
		t.Errorf("the master key came from STSD_MASTER_KEY but a key file was written")
	}
}
