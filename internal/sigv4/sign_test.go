package sigv4

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// The GET Object example of the Amazon S3 API Reference ("Examples:
// Signature Calculations in AWS Signature Version 4", header-based
// authentication): the same request signed by SignS3 carries AWS's
// published signature.
func TestSignS3AWSExample(t *testing.T) {
	r, err := http.NewRequest(http.MethodGet, "https://examplebucket.s3.amazonaws.com/test.txt", nil)
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Range", "bytes=0-9")
	r.Header.Set("User-Agent", "not signed")
	at := time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC)
	key := SigningKey("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ScopeFor(at, "us-east-1", "s3"))
	const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	if err := SignS3(r, "AKIAIOSFODNN7EXAMPLE", &key, "us-east-1", at, emptySHA256); err != nil {
		t.Fatal(err)
	}
	want := "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, " +
		"SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, " +
		"Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
	if got := r.Header.Get("Authorization"); got != want {
		t.Errorf("Authorization:\n got %s\nwant %s", got, want)
	}
	if got := r.Header.Get("X-Amz-Date"); got != "20130524T000000Z" {
		t.Errorf("X-Amz-Date %q", got)
	}
}

// What SignS3 signs, this package's verifier accepts — with a query,
// escaped key characters and repeated headers — and a header changed
// after signing, or a request re-signed with another key, fails.
func TestSignS3RoundTrip(t *testing.T) {
	at := time.Now().UTC().Truncate(time.Second)
	key := SigningKey("secret", ScopeFor(at, "eu-west-1", "s3"))
	sign := func() *http.Request {
		r, err := http.NewRequest(http.MethodPut, "http://backend:7070/bucket/a%20b/c%2Bd~e?partNumber=2&uploadId=x%2Fy", strings.NewReader("x"))
		if err != nil {
			t.Fatal(err)
		}
		r.Header.Add("X-Amz-Meta-A", "one")
		r.Header.Add("X-Amz-Meta-A", " two  words ")
		r.Header.Set("Content-Type", "text/plain")
		r.Header.Set("Authorization", "the client's, replaced")
		if err := SignS3(r, "AKID", &key, "eu-west-1", at, UnsignedPayload); err != nil {
			t.Fatal(err)
		}
		return r
	}
	v := &Verifier{Services: []string{"s3"}, Regions: []string{"eu-west-1"}, Now: func() time.Time { return at }}
	verify := func(r *http.Request, secret string) error {
		req, err := ParseS3Request(r)
		if err != nil {
			return err
		}
		return v.Verify(req, secret)
	}
	if err := verify(sign(), "secret"); err != nil {
		t.Fatalf("verify: %v", err)
	}
	r := sign()
	r.Header.Set("X-Amz-Meta-A", "changed")
	if err := verify(r, "secret"); !IsSignatureMismatch(err) {
		t.Errorf("changed header: %v", err)
	}
	if err := verify(sign(), "other"); !IsSignatureMismatch(err) {
		t.Errorf("other secret: %v", err)
	}
	if got := sign().Header.Values("Authorization"); len(got) != 1 {
		t.Errorf("Authorization values %q", got)
	}
}
