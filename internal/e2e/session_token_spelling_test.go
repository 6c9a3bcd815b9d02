package e2e

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// A session token is accepted only as issued: the same token with a line
// break (which base64 decoders skip) in a correctly signed GetCallerIdentity
// is InvalidClientTokenId, like any other malformed token. The token
// travels in the presigned query (X-Amz-Security-Token), the one place a
// client can put a line break in it.
func TestSessionTokenWithLineBreakRejected(t *testing.T) {
	n := startNode(t, nodeOptions{})
	roleARN := n.role("app", n.trustFor(), 3600)
	c := n.assume(roleARN, "s1", n.token("u", nil), 900)
	empty := sha256.Sum256(nil)
	gci := func(token string) (int, http.Header, string) {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, n.app.URL+"/?Action=GetCallerIdentity&Version=2011-06-15", nil)
		if err != nil {
			t.Fatal(err)
		}
		creds := aws.Credentials{AccessKeyID: *c.AccessKeyId, SecretAccessKey: *c.SecretAccessKey, SessionToken: token}
		signed, _, err := v4.NewSigner().PresignHTTP(context.Background(), creds, req, hexString(empty[:]), "sts", "us-east-1", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		req, err = http.NewRequest(http.MethodGet, signed, nil)
		if err != nil {
			t.Fatal(err)
		}
		return n.do(req)
	}
	if status, _, body := gci(*c.SessionToken); status != http.StatusOK {
		t.Fatalf("the token as issued: %d %s", status, body)
	}
	tok := *c.SessionToken
	for name, spelled := range map[string]string{
		"LF inside":     tok[:20] + "\n" + tok[20:],
		"CRLF inside":   tok[:20] + "\r\n" + tok[20:],
		"LF at the end": tok + "\n",
	} {
		t.Run(name, func(t *testing.T) {
			status, header, body := gci(spelled)
			wantError(t, status, header, body, http.StatusForbidden, "InvalidClientTokenId", "The security token included in the request is invalid")
		})
	}
	// The internal reason: the token did not parse (not "tampered").
	n.stop()
	var reasons []string
	sc := bufio.NewScanner(strings.NewReader(n.auditLog()))
	for sc.Scan() {
		var e auditLine
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("audit line is not JSON: %v", err)
		}
		if e.EventName == "GetCallerIdentity" && e.ErrorCode != "" {
			reasons = append(reasons, e.ErrorCode+"/"+e.Decision.Reason)
		}
	}
	if want := "InvalidClientTokenId/session_token_malformed"; len(reasons) != 3 || reasons[0] != want || reasons[1] != want || reasons[2] != want {
		t.Fatalf("audited rejections = %q, want 3 × %s", reasons, want)
	}
}
