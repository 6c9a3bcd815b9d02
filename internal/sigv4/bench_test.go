package sigv4

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// goSDKGetCallerIdentity is the captured aws-sdk-go-v2 GetCallerIdentity
// request signed with a session token (seven signed headers, 43-byte body).
func goSDKGetCallerIdentity(b *testing.B) capture {
	for _, c := range loadCaptures(b) {
		if strings.HasSuffix(c.File, "aws-sdk-go-v2-1.47.7.jsonl") && c.signed() && strings.Contains(c.Body, "GetCallerIdentity") {
			return c
		}
	}
	b.Fatal("capture not found")
	return capture{}
}

// BenchmarkVerify measures Verifier.Verify alone (clock, scope, key
// derivation, signature) on an already parsed request.
func BenchmarkVerify(b *testing.B) {
	c := goSDKGetCallerIdentity(b)
	at := c.amzDate(b)
	r, body := c.httpRequest(b)
	req, err := ParseRequest(r, body)
	if err != nil {
		b.Fatal(err)
	}
	v := &Verifier{Now: func() time.Time { return at }, Regions: []string{"us-east-1"}, Services: []string{"sts"}}
	secret := captureSecrets[req.AccessKeyID]
	b.ReportAllocs()
	for b.Loop() {
		if err := v.Verify(req, secret); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseAndVerify measures the whole verification of a typical
// signed GetCallerIdentity request: ParseRequest (canonical request, body
// hash) plus Verify.
func BenchmarkParseAndVerify(b *testing.B) {
	c := goSDKGetCallerIdentity(b)
	at := c.amzDate(b)
	r, body := c.httpRequest(b)
	v := &Verifier{Now: func() time.Time { return at }, Regions: []string{"us-east-1"}, Services: []string{"sts"}}
	first, err := ParseRequest(r, body)
	if err != nil {
		b.Fatal(err)
	}
	secret := captureSecrets[first.AccessKeyID]
	b.ReportAllocs()
	for b.Loop() {
		req, err := ParseRequest(r, body)
		if err != nil {
			b.Fatal(err)
		}
		if err := v.Verify(req, secret); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSDKSignReference signs the same request with aws-sdk-go-v2's
// signer: the cost of the same SigV4 work in the reference implementation,
// for a ratio measured in the same run.
func BenchmarkSDKSignReference(b *testing.B) {
	c := goSDKGetCallerIdentity(b)
	at := c.amzDate(b)
	r, _ := c.httpRequest(b)
	creds := aws.Credentials{AccessKeyID: "AKIAFAKEFAKEFAKE0000", SecretAccessKey: captureSecrets["AKIAFAKEFAKEFAKE0000"], SessionToken: "FAKE-SESSION-TOKEN-GO"}
	signer := v4.NewSigner()
	const hash = "ab821ae955788b0e33ebd34c208442ccfc2d406e2edc5e7a39bd6458fbb4f843"
	b.ReportAllocs()
	for b.Loop() {
		r.Header.Del("Authorization")
		if err := signer.SignHTTP(context.Background(), creds, r, hash, "sts", "us-east-1", at); err != nil {
			b.Fatal(err)
		}
	}
}
