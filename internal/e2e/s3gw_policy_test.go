package e2e

import (
	"context"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// DeleteObjects is authorized key by key: the allowed keys are deleted on
// the backend, each denied key comes back as AccessDenied in the same
// DeleteResult and stays on the backend.
func TestS3GatewayDeleteObjectsPerKey(t *testing.T) {
	n := startS3Node(t, s3NodeOptions{})
	for _, k := range []string{"blue/1", "blue/2", "red/1", "red/2"} {
		n.backend.PutObject(t, "data", k, []byte(k))
	}
	role := n.s3Role("cleaner", map[string]string{"s3": `{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::data/blue/*"}]}`})
	c := n.s3Client(n.s3Session(role, "ci", nil, ""))
	out, err := c.DeleteObjects(context.Background(), &s3.DeleteObjectsInput{Bucket: aws.String("data"),
		Delete: &s3types.Delete{Objects: []s3types.ObjectIdentifier{
			{Key: aws.String("blue/1")}, {Key: aws.String("red/1")}, {Key: aws.String("blue/2")}, {Key: aws.String("red/2")},
		}}})
	if err != nil {
		t.Fatalf("delete-objects: %v", err)
	}
	var deleted, denied []string
	for _, d := range out.Deleted {
		deleted = append(deleted, *d.Key)
	}
	for _, e := range out.Errors {
		if *e.Code != "AccessDenied" || *e.Message != "Access Denied" {
			t.Errorf("error entry %s: %s %s", *e.Key, *e.Code, *e.Message)
		}
		denied = append(denied, *e.Key)
	}
	sort.Strings(deleted)
	sort.Strings(denied)
	if strings.Join(deleted, ",") != "blue/1,blue/2" || strings.Join(denied, ",") != "red/1,red/2" {
		t.Fatalf("deleted %v, denied %v", deleted, denied)
	}
	for k, want := range map[string]bool{"blue/1": false, "blue/2": false, "red/1": true, "red/2": true} {
		if _, ok := n.backend.GetObject(t, "data", k); ok != want {
			t.Errorf("%s on the backend: %t, want %t", k, ok, want)
		}
	}
	// Every key denied: the backend is not called, every key is an error.
	out, err = c.DeleteObjects(context.Background(), &s3.DeleteObjectsInput{Bucket: aws.String("data"),
		Delete: &s3types.Delete{Objects: []s3types.ObjectIdentifier{{Key: aws.String("red/1")}}}})
	if err != nil || len(out.Errors) != 1 || len(out.Deleted) != 0 {
		t.Fatalf("all denied: %v %+v", err, out)
	}
}

// A bucket policy stored by stsd grants a role that has no identity
// policy at all read access; GetBucketPolicy returns it; the owner's root
// can always delete it, even when it denies root everything.
func TestS3GatewayBucketPolicy(t *testing.T) {
	n := startS3Node(t, s3NodeOptions{})
	n.backend.PutObject(t, "data", "shared/report", []byte("shared"))
	reader := n.s3Role("reader", nil)
	c := n.s3Client(n.s3Session(reader, "rd", nil, ""))
	ctx := context.Background()
	_, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("data"), Key: aws.String("shared/report")})
	wantS3Error(t, err, "AccessDenied", http.StatusForbidden,
		"User: arn:aws:sts::"+account+":assumed-role/reader/rd is not authorized to perform: s3:GetObject on resource: \"arn:aws:s3:::data/shared/report\" because no identity-based policy allows the s3:GetObject action")

	root := n.rootS3()
	_, err = root.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("data")})
	wantS3Error(t, err, "NoSuchBucketPolicy", http.StatusNotFound, "The bucket policy does not exist")
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + reader + `"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::data/shared/*"}]}`
	if _, err := root.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("data"), Policy: aws.String(policy)}); err != nil {
		t.Fatalf("put bucket policy: %v", err)
	}
	got, err := root.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("data")})
	if err != nil || !strings.Contains(*got.Policy, reader) {
		t.Fatalf("get bucket policy: %v %v", err, got)
	}
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("data"), Key: aws.String("shared/report")})
	if err != nil {
		t.Fatalf("read granted by the bucket policy: %v", err)
	}
	b, _ := io.ReadAll(out.Body)
	out.Body.Close()
	if string(b) != "shared" {
		t.Fatalf("read %q", b)
	}
	// The policy never reached the backend.
	if _, err := n.backend.Client().GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("data")}); err == nil {
		t.Fatal("the bucket policy was sent to the backend")
	}
	// Invalid policies are S3's MalformedPolicy.
	_, err = root.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("data"), Policy: aws.String(`{"Statement":[]}`)})
	wantS3Error(t, err, "MalformedPolicy", http.StatusBadRequest, "Could not parse the policy: Statement is empty!")
	// A bucket the backend does not have.
	_, err = root.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("nothere"), Policy: aws.String(policy)})
	wantS3Error(t, err, "NoSuchBucket", http.StatusNotFound, "The specified bucket does not exist")
	// A policy denying everyone everything still lets the owner's root
	// manage the policy, and binds root for everything else.
	denyAll := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::data","arn:aws:s3:::data/*"]}]}`
	if _, err := root.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("data"), Policy: aws.String(denyAll)}); err != nil {
		t.Fatal(err)
	}
	_, err = root.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("data")})
	wantS3Error(t, err, "AccessDenied", http.StatusForbidden, "")
	if _, err := root.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("data")}); err != nil {
		t.Fatalf("root reads a policy that denies it: %v", err)
	}
	if _, err := root.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: aws.String("data")}); err != nil {
		t.Fatalf("root deletes a policy that denies it: %v", err)
	}
	if _, err := root.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("data")}); err != nil {
		t.Fatalf("after the delete: %v", err)
	}
	// The reader, whose only grant was the bucket policy, cannot manage it.
	_, err = c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("data"), Policy: aws.String(policy)})
	wantS3Error(t, err, "AccessDenied", http.StatusForbidden, "")
}

// A session policy narrows the role: the role may read everything, the
// session only its prefix.
func TestS3GatewaySessionPolicy(t *testing.T) {
	n := startS3Node(t, s3NodeOptions{})
	n.backend.PutObject(t, "data", "a/x", []byte("a"))
	n.backend.PutObject(t, "data", "b/x", []byte("b"))
	role := n.s3Role("wide", map[string]string{"s3": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*"}]}`})
	narrow := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/a/*"}]}`
	c := n.s3Client(n.s3Session(role, "narrow", nil, narrow))
	ctx := context.Background()
	if _, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("data"), Key: aws.String("a/x")}); err != nil {
		t.Fatal(err)
	}
	_, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("data"), Key: aws.String("b/x")})
	wantS3Error(t, err, "AccessDenied", http.StatusForbidden,
		"User: arn:aws:sts::"+account+":assumed-role/wide/narrow is not authorized to perform: s3:GetObject on resource: \"arn:aws:s3:::data/b/x\" because no session policy allows the s3:GetObject action")
}

// A presigned URL works until the session that signed it expires, then
// answers ExpiredToken; X-Amz-Expires is enforced; a tampered URL fails.
func TestS3GatewayPresigned(t *testing.T) {
	n := startS3Node(t, s3NodeOptions{})
	n.backend.PutObject(t, "data", "blue/p", []byte("presigned"))
	role := n.s3Role("team", map[string]string{"s3": s3TeamPolicy})
	creds := n.s3Session(role, "ci", teamClaims("blue"), "")
	presign := func(expires time.Duration) string {
		req, err := s3.NewPresignClient(n.s3Client(creds)).PresignGetObject(context.Background(),
			&s3.GetObjectInput{Bucket: aws.String("data"), Key: aws.String("blue/p")},
			func(o *s3.PresignOptions) {
				o.Expires = expires
				o.Presigner = v4.NewSigner(func(so *v4.SignerOptions) { so.DisableURIPathEscaping = true })
			}, s3.WithPresignClientFromClientOptions(func(o *s3.Options) {}))
		if err != nil {
			t.Fatal(err)
		}
		return req.URL
	}
	get := func(url string) (int, string) {
		resp, err := n.httpClient().Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	url := presign(time.Hour)
	if status, body := get(url); status != http.StatusOK || body != "presigned" {
		t.Fatalf("presigned get: %d %s", status, body)
	}
	if status, body := get(strings.Replace(url, "/blue/p", "/blue/q", 1)); status != http.StatusForbidden ||
		!strings.Contains(body, "<Code>SignatureDoesNotMatch</Code>") {
		t.Fatalf("tampered: %d %s", status, body)
	}
	// X-Amz-Expires of 10 minutes, 11 minutes later (the session is still valid).
	short := presign(10 * time.Minute)
	n.clock.Set(n.clock.Now().Add(11 * time.Minute))
	if status, body := get(short); status != http.StatusForbidden || !strings.Contains(body, "<Code>AccessDenied</Code><Message>Request has expired</Message>") {
		t.Fatalf("past X-Amz-Expires: %d %s", status, body)
	}
	// Seven days asked, but the session ends within the hour.
	week := presign(7 * 24 * time.Hour)
	n.clock.Set(n.clock.Now().Add(time.Hour))
	if status, body := get(week); status != http.StatusBadRequest ||
		!strings.Contains(body, "<Code>ExpiredToken</Code><Message>The provided token has expired.</Message>") {
		t.Fatalf("after the session expired: %d %s", status, body)
	}
}

// Authentication failures in S3's words.
func TestS3GatewayAuthErrors(t *testing.T) {
	n := startS3Node(t, s3NodeOptions{audit: "denied"})
	role := n.s3Role("team", map[string]string{"s3": s3TeamPolicy})
	creds := n.s3Session(role, "ci", teamClaims("blue"), "")
	ctx := context.Background()
	do := func(req *http.Request) (int, string) {
		resp, err := n.httpClient().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	sign := func(c aws.Credentials, at time.Time, region string, edit func(*http.Request)) *http.Request {
		req, _ := http.NewRequest(http.MethodGet, n.app.S3URL+"/data/blue/x", nil)
		req.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
		if err := v4.NewSigner().SignHTTP(ctx, c, req, "UNSIGNED-PAYLOAD", "s3", region, at,
			func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }); err != nil {
			t.Fatal(err)
		}
		if edit != nil {
			edit(req)
		}
		return req
	}
	now := n.clock.Now()
	cases := []struct {
		name   string
		req    *http.Request
		status int
		code   string
		msg    string
	}{
		{"anonymous", func() *http.Request { r, _ := http.NewRequest("GET", n.app.S3URL+"/data/blue/x", nil); return r }(),
			403, "AccessDenied", "Access Denied"},
		{"wrong secret", sign(aws.Credentials{AccessKeyID: creds.AccessKeyID, SecretAccessKey: "x" + creds.SecretAccessKey, SessionToken: creds.SessionToken}, now, "us-east-1", nil),
			403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method."},
		{"unknown key", sign(aws.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "s"}, now, "us-east-1", nil),
			403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records."},
		{"bad token", sign(aws.Credentials{AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey, SessionToken: "Zm9v"}, now, "us-east-1", nil),
			400, "InvalidToken", "The provided token is malformed or otherwise invalid."},
		{"skewed", sign(creds, now.Add(-20*time.Minute), "us-east-1", nil),
			403, "RequestTimeTooSkewed", "The difference between the request time and the current time is too large."},
		{"no payload hash", sign(creds, now, "us-east-1", func(r *http.Request) { r.Header.Del("X-Amz-Content-Sha256") }),
			400, "InvalidRequest", "Missing required header for this request: x-amz-content-sha256"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body := do(c.req)
			if status != c.status || !strings.Contains(body, "<Code>"+c.code+"</Code><Message>"+c.msg+"</Message>") {
				t.Fatalf("got %d %s", status, body)
			}
			if strings.Contains(body, creds.SessionToken) || strings.Contains(body, creds.SecretAccessKey) {
				t.Fatal("a secret in the answer")
			}
		})
	}
	n.stop()
	log := n.audit.String()
	if !strings.Contains(log, `"eventSource":"s3.amazonaws.com"`) || strings.Contains(log, creds.SessionToken) ||
		strings.Contains(log, creds.SecretAccessKey) {
		t.Fatalf("audit log: %s", log)
	}
}
