package sigv4

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// TestSigningKeyKnownAnswer is the worked example of AWS's SigV4 page
// "Examples of how to derive a signing key": secret
// wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, 20120215/us-east-1/iam.
func TestSigningKeyKnownAnswer(t *testing.T) {
	got := SigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
		Scope{Date: "20120215", Region: "us-east-1", Service: "iam", Terminator: Terminator})
	const want = "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"
	if hex.EncodeToString(got[:]) != want {
		t.Fatalf("SigningKey = %x, want %s", got, want)
	}
	// The terminator is always aws4_request.
	other := SigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
		Scope{Date: "20120215", Region: "us-east-1", Service: "iam", Terminator: "aws5_request"})
	if other != got {
		t.Fatal("the scope's terminator changed the key")
	}
}

// TestSigningKeyLongSecret covers secrets longer than the stack buffer.
func TestSigningKeyLongSecret(t *testing.T) {
	secret := strings.Repeat("k", 300)
	scope := Scope{Date: "20240101", Region: "eu-west-1", Service: "s3", Terminator: Terminator}
	a, b := SigningKey(secret, scope), SigningKey(secret+"x", scope)
	if a == b {
		t.Fatal("different secrets gave the same key")
	}
}

// sdkSigned signs a request with aws-sdk-go-v2's signer and parses it.
func sdkSigned(t *testing.T, method, url, body, service, region string, now time.Time, headerForm bool) *Request {
	t.Helper()
	r, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("X-Custom", "  a   b ")
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret, SessionToken: testToken}
	s := v4.NewSigner()
	// S3 clients sign as S3 requires: the path encoded once, and a
	// presigned URL over UNSIGNED-PAYLOAD (aws-sdk-go-v2's s3 client sets
	// DisableURIPathEscaping and presigns UNSIGNED-PAYLOAD).
	var opts []func(*v4.SignerOptions)
	presignHash := hex.EncodeToString(sum[:])
	if service == "s3" {
		opts = append(opts, func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
		presignHash = UnsignedPayload
	}
	if headerForm {
		r.Header.Set("X-Amz-Content-Sha256", hex.EncodeToString(sum[:]))
		if err := s.SignHTTP(context.Background(), creds, r, hex.EncodeToString(sum[:]), service, region, now, opts...); err != nil {
			t.Fatal(err)
		}
	} else {
		u, h, err := s.PresignHTTP(context.Background(), creds, r, presignHash, service, region, now, opts...)
		if err != nil {
			t.Fatal(err)
		}
		if r, err = http.NewRequest(method, u, strings.NewReader(body)); err != nil {
			t.Fatal(err)
		}
		r.Header = h
	}
	if body != "" { // as a server sees it: the SDK signs content-length
		r.Header.Set("Content-Length", strconv.Itoa(len(body)))
	}
	req, err := ParseRequest(r, []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// TestVerifyWithSigningKeyAgainstSDK signs requests with aws-sdk-go-v2 and
// verifies them knowing only the derived key: header and presigned forms,
// several services and regions, bodies and queries. A key derived for any
// other date, region, service or secret fails with AWS's mismatch.
func TestVerifyWithSigningKeyAgainstSDK(t *testing.T) {
	now := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	v := &Verifier{Now: func() time.Time { return now }}
	rng := rand.New(rand.NewPCG(7, 9))
	services := []string{"s3", "execute-api", "my-service"}
	regions := []string{"us-east-1", "eu-central-1", "local"}
	for i := range 40 {
		service, region := services[rng.IntN(len(services))], regions[rng.IntN(len(regions))]
		body := strings.Repeat("x", rng.IntN(600))
		url := "http://svc.example:8080/a%20b/c?z=1&a=%2F&e="
		req := sdkSigned(t, "PUT", url, body, service, region, now, i%2 == 0)
		if req.Scope.Service != service || req.Scope.Region != region || req.Scope.Date != "20260304" {
			t.Fatalf("scope %v", req.Scope)
		}
		key := SigningKey(testSecret, req.Scope)
		if err := v.VerifyWithSigningKey(req, key); err != nil {
			t.Fatalf("request %d (%s/%s, header form %t): %v", i, service, region, i%2 == 0, err)
		}
		if err := v.Verify(req, testSecret); err != nil {
			t.Fatalf("Verify disagrees: %v", err)
		}
		for _, wrong := range []Scope{
			{Date: "20260303", Region: region, Service: service},
			{Date: req.Scope.Date, Region: region + "x", Service: service},
			{Date: req.Scope.Date, Region: region, Service: service + "x"},
		} {
			err := v.VerifyWithSigningKey(req, SigningKey(testSecret, wrong))
			if !IsCode(err, CodeSignatureDoesNotMatch) || err.(*Error).Message != msgSignatureMismatch {
				t.Fatalf("key for %v: %v", wrong, err)
			}
		}
		err := v.VerifyWithSigningKey(req, SigningKey(testSecret+"x", req.Scope))
		if !IsCode(err, CodeSignatureDoesNotMatch) {
			t.Fatalf("key of another secret: %v", err)
		}
	}
}

// TestVerifyWithSigningKeyPrechecks: the clock and the scope are checked
// before the signature, as Verify does.
func TestVerifyWithSigningKeyPrechecks(t *testing.T) {
	now := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	req := sdkSigned(t, "GET", "http://svc.example/", "", "s3", "us-east-1", now, true)
	key := SigningKey(testSecret, req.Scope)
	late := &Verifier{Now: func() time.Time { return now.Add(16 * time.Minute) }}
	err := late.VerifyWithSigningKey(req, key)
	if !IsCode(err, CodeSignatureDoesNotMatch) || !strings.HasPrefix(err.(*Error).Message, "Signature expired: 20260304T050607Z is now earlier than") {
		t.Fatalf("expired: %v", err)
	}
	scoped := &Verifier{Now: func() time.Time { return now }, Services: []string{"execute-api"}}
	err = scoped.VerifyWithSigningKey(req, key)
	if !IsCode(err, CodeSignatureDoesNotMatch) || err.(*Error).Message != "Credential should be scoped to correct service: 'execute-api'. " {
		t.Fatalf("wrong service: %v", err)
	}
	if err := (&Verifier{}).VerifyWithSigningKey(&Request{}, key); !IsCode(err, CodeMissingAuthenticationToken) {
		t.Fatalf("zero request: %v", err)
	}
}
