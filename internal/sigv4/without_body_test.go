package sigv4

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// signWithoutBody signs a request for execute-api with the SDK's signer;
// when sendHash is set the payload hash also travels (signed) in
// x-amz-content-sha256, as clients that want a body-less verifier do.
func signWithoutBody(t *testing.T, method, target string, body []byte, sendHash bool, when time.Time) *http.Request {
	t.Helper()
	r, err := http.NewRequest(method, target, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	if sendHash {
		r.Header.Set("X-Amz-Content-Sha256", hash)
	}
	creds := aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret, SessionToken: testToken}
	if err := v4.NewSigner().SignHTTP(t.Context(), creds, r, hash, "execute-api", "eu-west-1", when); err != nil {
		t.Fatal(err)
	}
	if len(body) > 0 { // as a server sees it: Content-Length is a header
		r.Header.Set("Content-Length", strconv.Itoa(len(body)))
	}
	return r
}

func TestParseRequestWithoutBody(t *testing.T) {
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	v := &Verifier{Now: func() time.Time { return now }}
	body := []byte(`{"order":42}`)
	cases := []struct {
		name     string
		req      *http.Request
		wantCode string
	}{
		{"no body, no claim: empty-body hash", signWithoutBody(t, "GET", "https://api.example.com/prod/pets?x=1", nil, false, now), ""},
		{"body with its signed hash claim", signWithoutBody(t, "POST", "https://api.example.com/prod/pets", body, true, now), ""},
		// The verifier cannot see the body, so a body signed without the
		// header cannot be verified: it fails closed.
		{"body signed without the claim", signWithoutBody(t, "POST", "https://api.example.com/prod/pets", body, false, now), CodeSignatureDoesNotMatch},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, err := ParseRequestWithoutBody(c.req)
			if err == nil {
				err = v.Verify(req, testSecret)
			}
			if c.wantCode == "" {
				if err != nil {
					t.Fatalf("error %v", err)
				}
				return
			}
			if !IsCode(err, c.wantCode) {
				t.Fatalf("error %v, want %s", err, c.wantCode)
			}
		})
	}
	// A claim that was changed after signing breaks the signature; a claim
	// that is no hash at all is refused before any secret is used.
	r := signWithoutBody(t, "POST", "https://api.example.com/prod/pets", body, true, now)
	other := sha256.Sum256([]byte("other body"))
	r.Header.Set("X-Amz-Content-Sha256", hex.EncodeToString(other[:]))
	req, err := ParseRequestWithoutBody(r)
	if err == nil {
		err = v.Verify(req, testSecret)
	}
	if !IsCode(err, CodeSignatureDoesNotMatch) {
		t.Errorf("changed claim: %v", err)
	}
	for _, claim := range []string{"ABCDEF", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", hex.EncodeToString(other[:]) + "00"} {
		r.Header.Set("X-Amz-Content-Sha256", claim)
		if _, err := ParseRequestWithoutBody(r); !IsCode(err, CodeContentSHA256Mismatch) {
			t.Errorf("claim %q: %v, want %s", claim, err, CodeContentSHA256Mismatch)
		}
	}
}
