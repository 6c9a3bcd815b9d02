package iamapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
)

// BenchmarkAdminCallAuthorization serves GetRole through the node's
// handler, alternating in one loop between root (no policy evaluation) and
// an IAM user whose key is found in the snapshot, its secret unwrapped,
// and whose inline and attached policies are evaluated. It reports both
// times and their ratio: what authorizing a non-root caller costs.
func BenchmarkAdminCallAuthorization(b *testing.B) {
	n := newNode(b)
	ctx := context.Background()
	root := n.root()
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:Get*","iam:List*"],"Resource":"*"},` +
		`{"Effect":"Deny","Action":"iam:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}`
	must := func(_ any, err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	must(root.CreateRole(ctx, &iamsdk.CreateRoleInput{RoleName: aws.String("app"),
		AssumeRolePolicyDocument: aws.String(testTrust)}))
	must(root.CreateUser(ctx, &iamsdk.CreateUserInput{UserName: aws.String("reader")}))
	must(root.PutUserPolicy(ctx, &iamsdk.PutUserPolicyInput{UserName: aws.String("reader"), PolicyName: aws.String("read"), PolicyDocument: aws.String(doc)}))
	must(root.CreatePolicy(ctx, &iamsdk.CreatePolicyInput{PolicyName: aws.String("extra"), PolicyDocument: aws.String(doc)}))
	must(root.AttachUserPolicy(ctx, &iamsdk.AttachUserPolicyInput{UserName: aws.String("reader"), PolicyArn: aws.String("arn:aws:iam::111122223333:policy/extra")}))
	key, err := root.CreateAccessKey(ctx, &iamsdk.CreateAccessKeyInput{UserName: aws.String("reader")})
	if err != nil {
		b.Fatal(err)
	}
	body := "Action=GetRole&RoleName=app&Version=2010-05-08"
	rootHeader := signedHeader(b, body, aws.Credentials{AccessKeyID: rootKeyID, SecretAccessKey: rootSecret})
	userHeader := signedHeader(b, body, aws.Credentials{AccessKeyID: *key.AccessKey.AccessKeyId, SecretAccessKey: *key.AccessKey.SecretAccessKey})
	serve := func(h http.Header) time.Duration {
		r, _ := http.NewRequest(http.MethodPost, "http://stsd.local/", strings.NewReader(body))
		r.Header, r.RemoteAddr = h, "192.0.2.1:1234"
		rec := httptest.NewRecorder()
		start := time.Now()
		n.app.Handler.ServeHTTP(rec, r)
		d := time.Since(start)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body.String())
		}
		return d
	}
	serve(rootHeader)
	serve(userHeader)
	var rootTime, userTime time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		rootTime += serve(rootHeader)
		userTime += serve(userHeader)
	}
	b.ReportMetric(float64(rootTime.Nanoseconds())/float64(b.N), "root-ns/op")
	b.ReportMetric(float64(userTime.Nanoseconds())/float64(b.N), "user-ns/op")
	b.ReportMetric(float64(userTime)/float64(rootTime), "ratio")
}

// signedHeader signs a form POST for service iam now and returns its
// headers, replayed by every iteration.
func signedHeader(b *testing.B, body string, c aws.Credentials) http.Header {
	req := httptest.NewRequest(http.MethodPost, "http://stsd.local/", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	req.Header.Set("Content-Length", strconv.Itoa(len(body))) // a server-side request carries it; the SDK signs it
	if err := v4.NewSigner().SignHTTP(context.Background(), c, req, sha256Hex(body), "iam", "us-east-1", time.Now()); err != nil {
		b.Fatal(err)
	}
	return req.Header.Clone()
}
