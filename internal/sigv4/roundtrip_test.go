package sigv4

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

const (
	testAKID   = "ASIATESTTESTTEST0001"
	testSecret = "testSecretKeytestSecretKeytestSecretKey0"
	testToken  = "TEST-SESSION-TOKEN-roundtrip"
)

// verifyingServer is a real HTTP server that parses and verifies every
// request it receives and answers GetCallerIdentity or an AWS error.
type verifyingServer struct {
	*httptest.Server
	verifier *Verifier
	mu       sync.Mutex
	last     *Request
	lastErr  error
}

func newVerifyingServer(t *testing.T, v *Verifier) *verifyingServer {
	t.Helper()
	s := &verifyingServer{verifier: v}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *verifyingServer) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	req, err := ParseRequest(r, body)
	if err == nil {
		secret := "unknown-key"
		if req.AccessKeyID == testAKID {
			secret = testSecret
		}
		err = s.verifier.Verify(req, secret)
	}
	s.mu.Lock()
	s.last, s.lastErr = req, err
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("x-amzn-RequestId", "00000000-0000-0000-0000-000000000000")
	var e *Error
	if errors.As(err, &e) {
		w.WriteHeader(e.Status)
		fmt.Fprintf(w, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>`, e.Code, e.Message)
		return
	}
	fmt.Fprint(w, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn><UserId>AROAEXAMPLE:s</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata></GetCallerIdentityResponse>`)
}

func (s *verifyingServer) result() (*Request, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last, s.lastErr
}

func stsClient(endpoint, region, secret string) *sts.Client {
	cfg := aws.Config{
		Region:      region,
		Credentials: credentials.NewStaticCredentialsProvider(testAKID, secret, testToken),
	}
	return sts.NewFromConfig(cfg, func(o *sts.Options) { o.BaseEndpoint = aws.String(endpoint) })
}

func TestSDKClientGetCallerIdentity(t *testing.T) {
	srv := newVerifyingServer(t, &Verifier{Regions: []string{"us-east-1", "eu-west-1"}, Services: []string{"sts"}})
	for _, region := range []string{"us-east-1", "eu-west-1"} {
		out, err := stsClient(srv.URL, region, testSecret).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
		if err != nil {
			t.Fatalf("%s: %v", region, err)
		}
		if aws.ToString(out.Account) != "123456789012" {
			t.Fatalf("account %q", aws.ToString(out.Account))
		}
		req, _ := srv.result()
		if req.SessionToken != testToken || req.Scope.Region != region || req.Presigned {
			t.Fatalf("parsed %s", req)
		}
	}

	_, err := stsClient(srv.URL, "us-east-1", "wrong-secret").GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != CodeSignatureDoesNotMatch || apiErr.ErrorMessage() != msgSignatureMismatch {
		t.Fatalf("wrong secret: %v", err)
	}
	_, err = stsClient(srv.URL, "ap-south-1", testSecret).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if !errors.As(err, &apiErr) || apiErr.ErrorMessage() != "Credential should be scoped to a valid region, not 'ap-south-1'. " {
		t.Fatalf("wrong region: %v", err)
	}
}

func TestSDKPresignGetCallerIdentity(t *testing.T) {
	srv := newVerifyingServer(t, &Verifier{Services: []string{"sts"}})
	presigner := sts.NewPresignClient(stsClient(srv.URL, "us-west-2", testSecret))
	p, err := presigner.PresignGetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	r, _ := http.NewRequest(p.Method, p.URL, nil)
	for k, vs := range p.SignedHeader {
		if !strings.EqualFold(k, "host") {
			r.Header[k] = vs
		}
	}
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	req, verr := srv.result()
	if resp.StatusCode != 200 || verr != nil {
		t.Fatalf("status %d: %v (%s %s)", resp.StatusCode, verr, p.Method, p.URL)
	}
	if !req.Presigned || req.SessionToken != testToken || req.Scope.Region != "us-west-2" {
		t.Fatalf("parsed %s", req)
	}
}

// rng returns a deterministic generator; the seed is logged for reproduction.
func rng(t *testing.T) *rand.Rand {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	return rand.New(rand.NewPCG(seed, 42))
}

const randChars = "abcXYZ019 -_.~!$&'()*+,;=:@/?#%[]\"<>\\^`{|}é✓"

func randString(r *rand.Rand, n int) string {
	runes := []rune(randChars)
	var b strings.Builder
	for range r.IntN(n + 1) {
		b.WriteRune(runes[r.IntN(len(runes))])
	}
	return b.String()
}

func randHeaderValue(r *rand.Rand) string {
	var b strings.Builder
	for range 1 + r.IntN(30) {
		c := byte(0x20 + r.IntN(0x7f-0x20))
		if r.IntN(6) == 0 {
			b.WriteString("   ")
		}
		b.WriteByte(c)
	}
	return b.String()
}

func randPath(r *rand.Rand) string {
	var b strings.Builder
	for range r.IntN(4) {
		// No '/' inside a segment and no dot segments: AWS (and botocore)
		// remove dot segments, aws-sdk-go-v2 signs them verbatim.
		seg := strings.ReplaceAll(randString(r, 8), "/", "_")
		if strings.Trim(seg, ".") == "" {
			seg += "seg"
		}
		b.WriteString("/" + seg)
	}
	if b.Len() == 0 {
		return "/"
	}
	return b.String()
}

// randomRequest builds a request with random method, path, query, headers and body.
func randomRequest(t *testing.T, r *rand.Rand, base string, presign bool) (*http.Request, []byte) {
	method := []string{"GET", "POST", "PUT", "DELETE"}[r.IntN(4)]
	var body []byte
	if presign {
		method = "GET"
	} else {
		body = make([]byte, r.IntN(2000))
		for i := range body {
			body[i] = byte(r.Uint32())
		}
	}
	u, _ := url.Parse(base)
	u.Path = randPath(r)
	q := url.Values{}
	for i := range r.IntN(6) {
		q.Set(fmt.Sprintf("P%d%s", i, randString(r, 5)), randString(r, 12))
	}
	u.RawQuery = q.Encode()
	req, err := http.NewRequest(method, u.String(), bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := range r.IntN(5) {
		name := fmt.Sprintf("X-Test-%d", i)
		req.Header.Add(name, randHeaderValue(r))
		if r.IntN(3) == 0 {
			req.Header.Add(name, randHeaderValue(r))
		}
	}
	if r.IntN(2) == 0 {
		req.Header.Set("X-K8s-Aws-Id", "cluster-"+fmt.Sprint(r.IntN(100)))
	}
	return req, body
}

func TestPropertySDKSignerHeaderForm(t *testing.T) {
	srv := newVerifyingServer(t, &Verifier{})
	r := rng(t)
	signer := v4.NewSigner()
	for i := range 200 {
		req, body := randomRequest(t, r, srv.URL, false)
		sum := sha256.Sum256(body)
		hash := hex.EncodeToString(sum[:])
		if r.IntN(2) == 0 {
			req.Header.Set("X-Amz-Content-Sha256", hash)
		}
		region := []string{"us-east-1", "", "eu-west-1"}[r.IntN(3)]
		service := []string{"sts", "iam"}[r.IntN(2)]
		token := ""
		if r.IntN(2) == 0 {
			token = testToken
		}
		creds := aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret, SessionToken: token}
		if err := signer.SignHTTP(context.Background(), creds, req, hash, service, region, time.Now()); err != nil {
			t.Fatal(err)
		}
		sendAndCheck(t, srv, req, i)
		parsed, _ := srv.result()
		if parsed != nil && (parsed.SessionToken != token || parsed.Scope.Service != service || parsed.Scope.Region != region) {
			t.Fatalf("#%d parsed %s", i, parsed)
		}
	}
}

func TestPropertySDKSignerPresignedForm(t *testing.T) {
	srv := newVerifyingServer(t, &Verifier{})
	r := rng(t)
	signer := v4.NewSigner()
	empty := sha256.Sum256(nil)
	for i := range 200 {
		req, _ := randomRequest(t, r, srv.URL, true)
		q := req.URL.Query()
		q.Set("X-Amz-Expires", fmt.Sprint(1+r.IntN(604800)))
		req.URL.RawQuery = q.Encode()
		creds := aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}
		if r.IntN(2) == 0 {
			creds.SessionToken = testToken
		}
		signedURL, headers, err := signer.PresignHTTP(context.Background(), creds, req, hex.EncodeToString(empty[:]), "sts", "us-east-1", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		out, _ := http.NewRequest(http.MethodGet, signedURL, nil)
		for k, vs := range headers {
			if !strings.EqualFold(k, "host") {
				out.Header[k] = vs
			}
		}
		sendAndCheck(t, srv, out, i)
	}
}

func sendAndCheck(t *testing.T, srv *verifyingServer, req *http.Request, i int) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("#%d: %v", i, err)
	}
	resp.Body.Close()
	_, verr := srv.result()
	if resp.StatusCode != http.StatusOK || verr != nil {
		t.Fatalf("#%d %s %s headers=%v: status %d: %v", i, req.Method, req.URL, req.Header, resp.StatusCode, verr)
	}
}
