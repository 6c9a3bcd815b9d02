package authz_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/stsd/stsd/client/authz"
)

// fakeStsd stands in for stsd's /v1/authorize: it records what it was
// sent and answers with answer (status 200) or status/body.
type fakeStsd struct {
	*httptest.Server
	mu     sync.Mutex
	got    map[string]any
	header http.Header
	status int
	answer string
	calls  int
}

func newFake(t *testing.T, answer string) *fakeStsd {
	f := &fakeStsd{status: 200, answer: answer}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		defer f.mu.Unlock()
		f.calls++
		f.header = r.Header.Clone()
		f.got = nil
		_ = json.Unmarshal(b, &f.got)
		sum := sha256.Sum256(b)
		if r.URL.Path != "/v1/authorize" || r.Method != "POST" || r.Header.Get("X-Amz-Content-Sha256") != "" && r.Header.Get("X-Amz-Content-Sha256") != hex.EncodeToString(sum[:]) {
			w.WriteHeader(400)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(f.status)
		_, _ = io.WriteString(w, f.answer)
	}))
	t.Cleanup(f.Close)
	return f
}

const allowed = `{"authenticated":true,"principal":{"arn":"arn:aws:sts::111122223333:assumed-role/app/s1","account":"111122223333","userId":"AROAX:s1","type":"AssumedRole","tags":{"team":"blue"}},"allowed":true,"decisions":[{"action":"execute-api:Invoke","resource":"r","decision":"allowed","matchedStatements":[],"failedConditions":[]}]}`

const denied = `{"authenticated":true,"principal":{"arn":"arn:aws:sts::111122223333:assumed-role/app/s1","account":"111122223333","userId":"AROAX:s1","type":"AssumedRole","tags":{}},"allowed":false,"decisions":[],"encodedMessage":"ENCODED","error":{"code":"AccessDenied","message":"User: arn:aws:sts::111122223333:assumed-role/app/s1 is not authorized to perform: execute-api:Invoke on resource: r"}}`

const unauthenticated = `{"authenticated":false,"allowed":false,"decisions":[],"error":{"code":"SignatureDoesNotMatch","message":"The request signature we calculated does not match the signature you provided."}}`

func middleware(t *testing.T, f *fakeStsd, edit func(*authz.Config)) *authz.Middleware {
	t.Helper()
	cfg := authz.Config{
		Endpoint: f.URL + "/", Credentials: credentials.NewStaticCredentialsProvider("AKIASERVICE", "service-secret", ""),
		API: authz.ExecuteAPI{Account: "111122223333", API: "pets", Stage: "prod"},
	}
	if edit != nil {
		edit(&cfg)
	}
	m, err := authz.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// echo is the protected handler: it answers with the principal and the
// body it received, and the X-Stsd- headers it saw.
var echo = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	p, ok := authz.PrincipalFrom(r.Context())
	b, _ := io.ReadAll(r.Body)
	if !ok {
		http.Error(w, "no principal", 500)
		return
	}
	_, _ = io.WriteString(w, p.ARN+"|"+string(b)+"|"+r.Header.Get("X-Stsd-Principal-Arn"))
})

// clientRequest is a request signed for execute-api by a client.
func clientRequest(t *testing.T, method, target, body string) *http.Request {
	r := httptest.NewRequest(method, "http://api.example.test"+target, strings.NewReader(body))
	sum := sha256.Sum256([]byte(body))
	err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: "ASIACLIENT", SecretAccessKey: "s", SessionToken: "tok"},
		r, hex.EncodeToString(sum[:]), "execute-api", "us-east-1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	// Headers the signature does not cover.
	r.Header.Set("Cookie", "session=secret-cookie")
	r.Header.Set("X-Stsd-Principal-Arn", "arn:aws:iam::999999999999:root")
	return r
}

func serve(m *authz.Middleware, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	m.Handler(echo).ServeHTTP(w, r)
	return w
}

func TestAllowed(t *testing.T) {
	f := newFake(t, allowed)
	m := middleware(t, f, func(c *authz.Config) {
		c.Service = "execute-api"
		c.Context = func(*http.Request) map[string]authz.Value {
			return map[string]authz.Value{"aws:RequestTag/team": authz.String("blue"), "aws:TagKeys": authz.Strings("team")}
		}
	})
	r := clientRequest(t, "POST", "/pets/1?x=a%20b", `{"name":"rex"}`)
	w := serve(m, r)
	if w.Code != 200 || w.Body.String() != `arn:aws:sts::111122223333:assumed-role/app/s1|{"name":"rex"}|` {
		t.Fatalf("%d %q", w.Code, w.Body.String())
	}
	// What stsd was sent.
	req := f.got["request"].(map[string]any)
	sum := sha256.Sum256([]byte(`{"name":"rex"}`))
	if req["method"] != "POST" || req["url"] != "http://api.example.test/pets/1?x=a%20b" ||
		req["payloadHash"] != hex.EncodeToString(sum[:]) || req["sourceIp"] != "192.0.2.1" {
		t.Errorf("request %v", req)
	}
	headers := req["headers"].(map[string]any)
	for _, h := range []string{"Authorization", "X-Amz-Date", "X-Amz-Security-Token", "Content-Length"} {
		if headers[h] == nil {
			t.Errorf("header %s not sent: %v", h, headers)
		}
	}
	if headers["Cookie"] != nil || headers["X-Stsd-Principal-Arn"] != nil {
		t.Errorf("unsigned headers sent to stsd: %v", headers)
	}
	checks, _ := json.Marshal(f.got["checks"])
	if string(checks) != `[{"action":"execute-api:Invoke","resource":"arn:aws:execute-api:us-east-1:111122223333:pets/prod/POST/pets/1"}]` {
		t.Errorf("checks %s", checks)
	}
	ctx, _ := json.Marshal(f.got["context"])
	if string(ctx) != `{"aws:RequestTag/team":"blue","aws:TagKeys":["team"]}` || f.got["service"] != "execute-api" {
		t.Errorf("context %s, service %v", ctx, f.got["service"])
	}
	// The call itself is signed by the SDK for stsd with the service's key.
	if a := f.header.Get("Authorization"); !strings.HasPrefix(a, "AWS4-HMAC-SHA256 Credential=AKIASERVICE/") || !strings.Contains(a, "/us-east-1/stsd/aws4_request") {
		t.Errorf("call Authorization %q", a)
	}
}

func TestRefused(t *testing.T) {
	cases := []struct {
		name, answer string
		status       int
		body, msg    string
	}{
		{"denied", denied, 403, `{"message":"User: arn:aws:sts::111122223333:assumed-role/app/s1 is not authorized to perform: execute-api:Invoke on resource: r"}`, "ENCODED"},
		{"unauthenticated", unauthenticated, 403, `{"message":"The request signature we calculated does not match the signature you provided."}`, ""},
		{"an allow without a principal is not trusted", `{"authenticated":false,"allowed":true}`, 503, `{"message":"Authorization is unavailable."}`, ""},
		{"stsd answers garbage", `{`, 503, `{"message":"Authorization is unavailable."}`, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFake(t, c.answer)
			w := serve(middleware(t, f, nil), clientRequest(t, "GET", "/pets", ""))
			if w.Code != c.status || w.Body.String() != c.body || w.Header().Get(authz.HeaderAuthorizationMessage) != c.msg ||
				w.Header().Get("Content-Type") != "application/json" {
				t.Errorf("got %d %s %q", w.Code, w.Body.String(), w.Header().Get(authz.HeaderAuthorizationMessage))
			}
		})
	}
}

func TestStsdRefusesTheService(t *testing.T) {
	f := newFake(t, `{"error":{"code":"AccessDenied","message":"User: arn:aws:iam::111122223333:user/svc is not authorized to perform: stsd:AuthorizeRequest on resource: *"}}`)
	f.status = 403
	var got error
	m := middleware(t, f, func(c *authz.Config) {
		c.OnError = func(w http.ResponseWriter, _ *http.Request, err error) { got = err; w.WriteHeader(502) }
	})
	w := serve(m, clientRequest(t, "GET", "/pets", ""))
	var apiErr *authz.APIError
	if w.Code != 502 || !asAPIError(got, &apiErr) || apiErr.Status != 403 || apiErr.Err.Code != "AccessDenied" {
		t.Fatalf("%d %v", w.Code, got)
	}
}

func asAPIError(err error, target **authz.APIError) bool {
	e, ok := err.(*authz.APIError)
	*target = e
	return ok
}

func TestUnreachable(t *testing.T) {
	f := newFake(t, allowed)
	m := middleware(t, f, nil)
	f.Close()
	if w := serve(m, clientRequest(t, "GET", "/pets", "")); w.Code != 503 || w.Body.String() != `{"message":"Authorization is unavailable."}` {
		t.Fatalf("%d %s", w.Code, w.Body.String())
	}
}

func TestBodyLimit(t *testing.T) {
	f := newFake(t, allowed)
	m := middleware(t, f, func(c *authz.Config) { c.MaxBodyBytes = 4 })
	w := serve(m, clientRequest(t, "POST", "/pets", "12345"))
	if w.Code != 413 || w.Body.String() != `{"message":"Request body is too large."}` || f.calls != 0 {
		t.Fatalf("%d %s, %d calls", w.Code, w.Body.String(), f.calls)
	}
	r := clientRequest(t, "POST", "/pets", "12345")
	r.ContentLength = -1 // chunked: the limit holds while reading
	if w := serve(m, r); w.Code != 413 || f.calls != 0 {
		t.Fatalf("chunked: %d, %d calls", w.Code, f.calls)
	}
	if w := serve(m, clientRequest(t, "POST", "/pets", "1234")); w.Code != 200 || !strings.Contains(w.Body.String(), "|1234|") {
		t.Fatalf("at the limit: %d %s", w.Code, w.Body.String())
	}
}

// The default checks refuse paths the ARN cannot state unambiguously.
func TestExecuteAPIPaths(t *testing.T) {
	api := authz.ExecuteAPI{Account: "111122223333", Region: "eu-west-1", API: "pets"}
	for target, want := range map[string]string{
		"/":           "arn:aws:execute-api:eu-west-1:111122223333:pets/$default/GET/",
		"/a/b%20c":    "arn:aws:execute-api:eu-west-1:111122223333:pets/$default/GET/a/b c",
		"/a/":         "arn:aws:execute-api:eu-west-1:111122223333:pets/$default/GET/a/",
		"/a%2Fb":      "",
		"/a%5cb":      "",
		"/a/../b":     "",
		"/a/./b":      "",
		"/a//b":       "",
		"/a/%2e%2e/b": "",
	} {
		r := httptest.NewRequest("GET", "http://h"+target, nil)
		got, err := api.Checks(r)
		switch {
		case want == "" && (err == nil || err.Error() != "The request path is not valid."):
			t.Errorf("%s: %v %v", target, got, err)
		case want != "" && (err != nil || got[0].Resource != want || got[0].Action != "execute-api:Invoke"):
			t.Errorf("%s: %v %v", target, got, err)
		}
	}
	f := newFake(t, allowed)
	w := serve(middleware(t, f, nil), clientRequest(t, "GET", "/a/%2e%2e/b", ""))
	if w.Code != 403 || w.Body.String() != `{"message":"The request path is not valid."}` || f.calls != 0 {
		t.Fatalf("%d %s", w.Code, w.Body.String())
	}
}

func TestNewChecksConfig(t *testing.T) {
	creds := credentials.NewStaticCredentialsProvider("a", "b", "")
	for _, c := range []authz.Config{{}, {Endpoint: "http://x"}, {Endpoint: "http://x", Credentials: creds}} {
		if _, err := authz.New(c); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
	if _, err := authz.New(authz.Config{Endpoint: "http://x", Credentials: creds, Checks: authz.ExecuteAPI{}.Checks}); err != nil {
		t.Error(err)
	}
	if _, err := json.Marshal(authz.Value{}); err == nil {
		t.Error("a zero Value marshalled")
	}
}
