package sigv4

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// s3Signed signs a request the way aws-sdk-go-v2's s3 client does: the path
// encoded once (DisableURIPathEscaping), the payload claim in
// x-amz-content-sha256.
func s3Signed(t *testing.T, method, rawURL, claim string, now time.Time) *http.Request {
	t.Helper()
	r, err := http.NewRequest(method, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	if claim != "" {
		r.Header.Set("X-Amz-Content-Sha256", claim)
	}
	creds := aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret, SessionToken: testToken}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, claim, "s3", "us-east-1", now,
		func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }); err != nil {
		t.Fatal(err)
	}
	return r
}

// Keys S3 takes literally: spaces, plus signs, reserved characters, UTF-8,
// dot segments and an encoded slash all sign with the path encoded once and
// never normalized.
func TestS3CanonicalPath(t *testing.T) {
	now := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	v := &Verifier{Now: func() time.Time { return now }}
	paths := []string{
		"/data/plain.txt",
		"/data/a%20b%2Bc",
		"/data/a/../b/./c",
		"/data/%C3%BC%E2%82%AC",
		"/data/a%2Fb",
		"/data/%21%2A%27%28%29",
		"/data/trailing/",
		"/data//double",
		"/",
	}
	for _, p := range paths {
		r := s3Signed(t, "GET", "http://127.0.0.1:9000"+p, UnsignedPayload, now)
		req, err := ParseS3Request(r)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if err := v.Verify(req, testSecret); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	// A client that escapes unreserved characters it need not escape, or
	// uses lower-case hex, signs the same canonical path.
	r := s3Signed(t, "GET", "http://127.0.0.1:9000/data/a~b", UnsignedPayload, now)
	r.URL.RawPath, r.URL.Path = "/data/a%7eb", "/data/a~b"
	req, err := ParseS3Request(r)
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Verify(req, testSecret); err != nil {
		t.Errorf("%%7e for ~: %v", err)
	}
	// The same request verified under the other services' rule (double
	// encoding, dot segments removed) would not match: S3's rule applies
	// only to the s3 service.
	r = s3Signed(t, "GET", "http://127.0.0.1:9000/data/a%20b/../c", UnsignedPayload, now)
	req, err = ParseS3Request(r)
	if err != nil {
		t.Fatal(err)
	}
	req.Scope.Service = "execute-api"
	if err := v.Verify(req, testSecret); err == nil {
		t.Error("a path signed once verified as another service's")
	}
}

// The payload claim S3 requires, and what a presigned URL signs.
func TestParseS3RequestPayloadClaim(t *testing.T) {
	now := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	r := s3Signed(t, "PUT", "http://127.0.0.1:9000/data/k", UnsignedPayload, now)
	r.Header.Del("X-Amz-Content-Sha256")
	_, err := ParseS3Request(r)
	wantErr(t, err, CodeInvalidRequest, http.StatusBadRequest, "Missing required header for this request: x-amz-content-sha256")

	for _, bad := range []string{"unsigned-payload", strings.Repeat("A", 64), "abc", ""} {
		r := s3Signed(t, "PUT", "http://127.0.0.1:9000/data/k", UnsignedPayload, now)
		r.Header.Set("X-Amz-Content-Sha256", bad)
		_, err := ParseS3Request(r)
		wantErr(t, err, CodeInvalidArgument, http.StatusBadRequest, msgS3BadContentSHA256)
	}

	// Presigned: UNSIGNED-PAYLOAD without any claim.
	pr, err := http.NewRequest("GET", "http://127.0.0.1:9000/data/a%20b", nil)
	if err != nil {
		t.Fatal(err)
	}
	creds := aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret, SessionToken: testToken}
	u, _, err := v4.NewSigner().PresignHTTP(context.Background(), creds, pr, UnsignedPayload, "s3", "us-east-1", now,
		func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	if err != nil {
		t.Fatal(err)
	}
	pr, err = http.NewRequest("GET", u, nil)
	if err != nil {
		t.Fatal(err)
	}
	req, err := ParseS3Request(pr)
	if err != nil {
		t.Fatal(err)
	}
	v := &Verifier{Now: func() time.Time { return now }}
	if err := v.Verify(req, testSecret); err != nil {
		t.Fatalf("presigned: %v", err)
	}
}

func wantErr(t *testing.T, err error, code string, status int, msg string) {
	t.Helper()
	e, ok := err.(*Error)
	if !ok || e.Code != code || e.Status != status || e.Message != msg {
		t.Fatalf("got %v, want %s %d %q", err, code, status, msg)
	}
}

// A signing time outside the skew is marked, for S3's RequestTimeTooSkewed.
func TestSkewedMarked(t *testing.T) {
	now := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	r := s3Signed(t, "GET", "http://127.0.0.1:9000/data/k", UnsignedPayload, now.Add(-20*time.Minute))
	req, err := ParseS3Request(r)
	if err != nil {
		t.Fatal(err)
	}
	err = (&Verifier{Now: func() time.Time { return now }}).Verify(req, testSecret)
	if e, ok := err.(*Error); !ok || !e.Skewed || e.Code != CodeSignatureDoesNotMatch {
		t.Fatalf("got %#v", err)
	}
}
