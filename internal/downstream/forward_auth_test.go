package downstream_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/stsd/stsd/internal/app"
	"github.com/stsd/stsd/internal/downstream"
	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/store/memstore"
	"github.com/stsd/stsd/internal/testutil/fakeidp"
	"github.com/stsd/stsd/internal/testutil/stsdnode"
	"github.com/stsd/stsd/internal/testutil/syncio"
	"github.com/stsd/stsd/internal/testutil/testclock"
)

const (
	account   = "111122223333"
	audience  = "sts.amazonaws.com"
	region    = "us-east-1"
	emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	// clientHost is the host the client believes it calls (the proxy's).
	clientHost = "api.example.test"
	faQuery    = "service=execute-api&api=a1b2c3&stage=prod"
)

// faNode is a running stsd (a stsdnode.Node) with the authz listener on, a
// fake IdP registered as an OIDC provider, and its audit log and logs
// captured.
type faNode struct {
	t     *testing.T
	sn    *stsdnode.Node
	app   *app.App
	idp   *fakeidp.IdP
	clock *testclock.Clock
	audit *syncio.Buffer
	logs  *syncio.Buffer
}

// stop closes the node once (the audit log is flushed).
func (n *faNode) stop() { n.sn.Stop() }

// startNode starts a node whose authz listener trusts the given proxies.
func startNode(t *testing.T, trusted ...string) *faNode {
	t.Helper()
	clock := testclock.New(time.Now().Truncate(time.Second))
	authzLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sn := stsdnode.Start(t, stsdnode.Options{Account: account, IdP: fakeidp.New(t, fakeidp.Options{Now: clock.Now}),
		ClientIDs: []string{audience}, Store: memstore.New(), Now: clock.Now, Prepare: func(a *app.Options) {
			a.Config.Authz.Addr = "127.0.0.1:0"
			a.Config.Authz.TrustedProxies = trusted
			a.AuthzListener, a.Notice = authzLn, io.Discard
		}})
	return &faNode{t: t, sn: sn, app: sn.App, idp: sn.IdP, clock: clock, audit: sn.Audit, logs: sn.Logs}
}

// role creates a role the fake IdP may assume, with inline policies, and
// waits until the snapshot has it.
func (n *faNode) role(name string, inline map[string]string) string {
	n.t.Helper()
	trust := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":%q},"Action":["sts:AssumeRoleWithWebIdentity","sts:TagSession","sts:SetSourceIdentity"]}]}`,
		iam.ProviderARN(account, n.idp.Issuer()))
	r, err := n.app.Repo.CreateRole(context.Background(), iam.Role{
		Account: account, Name: name, Path: "/", AssumeRolePolicyDocument: trust, MaxSessionDuration: 3600, InlinePolicies: inline,
	})
	if err != nil {
		n.t.Fatal(err)
	}
	n.waitFor(func(s *iam.Snapshot) bool { _, ok := s.RoleByName(account, name); return ok })
	return r.ARN()
}

func (n *faNode) waitFor(cond func(*iam.Snapshot) bool) {
	n.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := n.app.Cache.WaitFor(ctx, cond); err != nil {
		n.t.Fatal(err)
	}
}

// session assumes the role with a token from the fake IdP (extra claims
// merged) through the real STS API and returns the credentials.
func (n *faNode) session(roleARN, name string, duration int32, claims map[string]any) aws.Credentials {
	n.t.Helper()
	now := n.clock.Now().Unix()
	c := map[string]any{"iss": n.idp.Issuer(), "sub": "user-1", "aud": audience, "iat": now, "exp": now + 3600}
	for k, v := range claims {
		c[k] = v
	}
	client := sts.New(sts.Options{Region: region, BaseEndpoint: aws.String(n.app.URL), Credentials: aws.AnonymousCredentials{}})
	out, err := client.AssumeRoleWithWebIdentity(context.Background(), &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(roleARN), RoleSessionName: aws.String(name),
		WebIdentityToken: aws.String(n.idp.Mint(c)), DurationSeconds: aws.Int32(duration),
	})
	if err != nil {
		n.t.Fatal(err)
	}
	k := out.Credentials
	return aws.Credentials{AccessKeyID: *k.AccessKeyId, SecretAccessKey: *k.SecretAccessKey, SessionToken: *k.SessionToken}
}

// clientRequest is the request the client sends to the proxy, signed for
// execute-api at the node's clock (header form).
func (n *faNode) clientRequest(creds aws.Credentials, method, uri string, body []byte, header http.Header) *http.Request {
	n.t.Helper()
	req, err := http.NewRequest(method, "https://"+clientHost+uri, bytes.NewReader(body))
	if err != nil {
		n.t.Fatal(err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hash, "execute-api", region, n.clock.Now()); err != nil {
		n.t.Fatal(err)
	}
	return req
}

// presigned is a presigned client request (query form).
func (n *faNode) presigned(creds aws.Credentials, method, uri string, expires int) *http.Request {
	n.t.Helper()
	req, err := http.NewRequest(method, "https://"+clientHost+uri, nil)
	if err != nil {
		n.t.Fatal(err)
	}
	if expires > 0 {
		q := req.URL.Query()
		q.Set("X-Amz-Expires", fmt.Sprint(expires))
		req.URL.RawQuery = q.Encode()
	}
	signed, hdr, err := v4.NewSigner().PresignHTTP(context.Background(), creds, req, emptyHash, "execute-api", region, n.clock.Now())
	if err != nil {
		n.t.Fatal(err)
	}
	out, _ := http.NewRequest(method, signed, nil)
	for k, vs := range hdr {
		if !strings.EqualFold(k, "host") {
			out.Header[k] = vs
		}
	}
	return out
}

// answer is forward-auth's response.
type answer struct {
	status int
	header http.Header
	body   string
}

// forward sends what a proxy sends for the client request: the client's
// headers, the X-Forwarded-* headers and no body, to /forward-auth?query.
// edit may change the subrequest's headers before it goes.
func (n *faNode) forward(client *http.Request, query string, edit func(http.Header)) answer {
	n.t.Helper()
	req, err := http.NewRequest(http.MethodGet, n.app.AuthzURL+downstream.ForwardAuthPath+"?"+query, nil)
	if err != nil {
		n.t.Fatal(err)
	}
	for k, vs := range client.Header {
		req.Header[k] = vs
	}
	req.Header.Set("X-Forwarded-Method", client.Method)
	req.Header.Set("X-Forwarded-Uri", client.URL.RequestURI())
	req.Header.Set("X-Forwarded-Host", client.Host)
	req.Header.Set("X-Forwarded-Proto", "https")
	if edit != nil {
		edit(req.Header)
	}
	return n.send(req)
}

func (n *faNode) send(req *http.Request) answer {
	n.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		n.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

// want asserts an error answer: status, exact body and x-amzn-ErrorType,
// and the body repeated in X-Stsd-Error-Body.
func (a answer) want(t *testing.T, status int, body, errType string) {
	t.Helper()
	if a.status != status || a.body != body || a.header.Get(downstream.HeaderErrorType) != errType {
		t.Errorf("got %d %s %s\nwant %d %s %s", a.status, a.header.Get(downstream.HeaderErrorType), a.body, status, errType, body)
	}
	if got := a.header.Get(downstream.HeaderErrorBody); got != a.body {
		t.Errorf("%s = %q, want the body %q", downstream.HeaderErrorBody, got, a.body)
	}
	if a.header.Get("Content-Type") != "application/json" {
		t.Errorf("Content-Type = %q", a.header.Get("Content-Type"))
	}
	for _, name := range downstream.IdentityHeaderNames {
		if a.header.Get(name) != "" {
			t.Errorf("a refusal carries %s", name)
		}
	}
}

// allowPolicy allows invoking GET and POST under /pets of API a1b2c3.
const allowPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"execute-api:Invoke",
 "Resource":["arn:aws:execute-api:us-east-1:111122223333:a1b2c3/prod/GET/pets*","arn:aws:execute-api:*:*:a1b2c3/prod/POST/pets"]}]}`

func TestForwardAuthAllowed(t *testing.T) {
	n := startNode(t)
	roleARN := n.role("app", map[string]string{"invoke": allowPolicy})
	creds := n.session(roleARN, "s1", 900, map[string]any{
		"https://aws.amazon.com/tags": map[string]any{"principal_tags": map[string]any{"team": []string{"blue"}}},
	})
	roleID := ""
	if r, ok := n.app.Cache.Current().RoleByName(account, "app"); ok {
		roleID = r.Role.RoleID
	}
	check := func(t *testing.T, a answer) {
		t.Helper()
		want := map[string]string{
			downstream.HeaderPrincipalARN: "arn:aws:sts::111122223333:assumed-role/app/s1",
			downstream.HeaderAccount:      account,
			downstream.HeaderUserID:       roleID + ":s1",
			downstream.HeaderSessionTags:  `{"team":"blue"}`,
		}
		if a.status != http.StatusOK || a.body != "" {
			t.Fatalf("got %d %q, want 200 and no body", a.status, a.body)
		}
		for k, v := range want {
			if got := a.header.Get(k); got != v {
				t.Errorf("%s = %q, want %q", k, got, v)
			}
		}
		// Sent empty, so that a proxy copying it replaces the client's.
		if vs, ok := a.header[downstream.HeaderSourceIdentity]; !ok || len(vs) != 1 || vs[0] != "" {
			t.Errorf("%s = %q, want one empty value", downstream.HeaderSourceIdentity, vs)
		}
		if a.header.Get(downstream.HeaderAuthorizationMessage) != "" {
			t.Errorf("unexpected headers %v", a.header)
		}
	}
	t.Run("header signed", func(t *testing.T) {
		check(t, n.forward(n.clientRequest(creds, "GET", "/pets/1?x=1&y=a%20b", nil, nil), faQuery, nil))
	})
	t.Run("presigned", func(t *testing.T) {
		check(t, n.forward(n.presigned(creds, "GET", "/pets", 300), faQuery, nil))
	})
	t.Run("nginx names", func(t *testing.T) {
		check(t, n.forward(n.clientRequest(creds, "GET", "/pets", nil, nil), faQuery, func(h http.Header) {
			h["X-Original-Method"] = h["X-Forwarded-Method"]
			h["X-Original-Uri"] = h["X-Forwarded-Uri"]
			h.Del("X-Forwarded-Method")
			h.Del("X-Forwarded-Uri")
		}))
	})
	t.Run("host from the Host header when not forwarded", func(t *testing.T) {
		c := n.clientRequest(creds, "GET", "/pets", nil, nil)
		req, _ := http.NewRequest(http.MethodGet, n.app.AuthzURL+"/forward-auth?"+faQuery, nil)
		req.Host = clientHost
		req.Header = c.Header.Clone()
		req.Header.Set("X-Forwarded-Method", "GET")
		req.Header.Set("X-Forwarded-Uri", "/pets")
		check(t, n.send(req))
	})
	t.Run("any forward-auth method", func(t *testing.T) {
		c := n.clientRequest(creds, "GET", "/pets", nil, nil)
		// A subrequest's own Content-Length is taken as the client's (Traefik's
		// forwardBody sends the client's body): see TestForwardAuthBody.
		req, _ := http.NewRequest(http.MethodPost, n.app.AuthzURL+"/forward-auth?"+faQuery, nil)
		req.Header = c.Header.Clone()
		req.Header.Set("X-Forwarded-Method", "GET")
		req.Header.Set("X-Forwarded-Uri", "/pets")
		req.Header.Set("X-Forwarded-Host", clientHost)
		check(t, n.send(req))
	})
	t.Run("region pinned and matching", func(t *testing.T) {
		check(t, n.forward(n.clientRequest(creds, "GET", "/pets", nil, nil), faQuery+"&region=us-east-1", nil))
	})
	t.Run("client's own identity headers are not echoed", func(t *testing.T) {
		c := n.clientRequest(creds, "GET", "/pets", nil, http.Header{"X-Stsd-Principal-Arn": {"arn:aws:iam::999999999999:root"}})
		check(t, n.forward(c, faQuery, nil))
	})
}

// A body is not forwarded to auth subrequests: the client signs its hash
// in X-Amz-Content-Sha256 and the proxy passes the Content-Length the SDK
// signed in X-Original-Content-Length.
func TestForwardAuthBody(t *testing.T) {
	n := startNode(t)
	creds := n.session(n.role("app", map[string]string{"invoke": allowPolicy}), "s1", 900, nil)
	body := []byte(`{"name":"rex"}`)
	sum := sha256.Sum256(body)
	claim := http.Header{"X-Amz-Content-Sha256": {hex.EncodeToString(sum[:])}}
	t.Run("claimed hash and original length", func(t *testing.T) {
		c := n.clientRequest(creds, "POST", "/pets", body, claim)
		a := n.forward(c, faQuery, func(h http.Header) { h.Set(downstream.HeaderOriginalContentLength, fmt.Sprint(len(body))) })
		if a.status != http.StatusOK {
			t.Fatalf("got %d %s", a.status, a.body)
		}
	})
	mismatch := `{"message":"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."}`
	// An empty POST: the SDK signs no content-length, the empty-body hash
	// is assumed, and a proxy forwarding "0" (nginx's $content_length) or
	// nothing makes no difference.
	for name, length := range map[string]string{"POST with an empty body": "", "POST with an empty body and length 0": "0"} {
		t.Run(name, func(t *testing.T) {
			c := n.clientRequest(creds, "POST", "/pets", nil, nil)
			if c.Header.Get("X-Amz-Content-Sha256") != "" || strings.Contains(c.Header.Get("Authorization"), "content-length") {
				t.Fatalf("the SDK signed %q", c.Header.Get("Authorization"))
			}
			a := n.forward(c, faQuery, func(h http.Header) {
				if length != "" {
					h.Set(downstream.HeaderOriginalContentLength, length)
				}
			})
			if a.status != http.StatusOK || a.header.Get(downstream.HeaderPrincipalARN) != "arn:aws:sts::111122223333:assumed-role/app/s1" {
				t.Fatalf("got %d %s", a.status, a.body)
			}
		})
	}
	unclaimed := `{"message":"A request with a body must be signed with the body's SHA-256 in X-Amz-Content-Sha256."}`
	t.Run("empty POST replayed with a body", func(t *testing.T) {
		c := n.clientRequest(creds, "POST", "/pets", nil, nil)
		n.forward(c, faQuery, func(h http.Header) { h.Set(downstream.HeaderOriginalContentLength, "14") }).
			want(t, 403, unclaimed, "ForbiddenException")
	})
	t.Run("empty POST replayed with a body, length in the subrequest's Content-Length", func(t *testing.T) {
		c := n.clientRequest(creds, "POST", "/pets", nil, nil)
		req, _ := http.NewRequest(http.MethodPost, n.app.AuthzURL+"/forward-auth?"+faQuery, strings.NewReader(`{"name":"rex"}`))
		req.Header = c.Header.Clone()
		req.Header.Set("X-Forwarded-Method", "POST")
		req.Header.Set("X-Forwarded-Uri", "/pets")
		req.Header.Set("X-Forwarded-Host", clientHost)
		n.send(req).want(t, 403, unclaimed, "ForbiddenException")
	})
	for _, te := range [][]string{{"chunked"}, {"gzip, chunked"}, {"gzip", "chunked"}} {
		t.Run("empty POST replayed with a chunked body "+strings.Join(te, "|"), func(t *testing.T) {
			c := n.clientRequest(creds, "POST", "/pets", nil, nil)
			n.forward(c, faQuery, func(h http.Header) { h[downstream.HeaderOriginalTransferEncoding] = te }).
				want(t, 403, unclaimed, "ForbiddenException")
		})
	}
	t.Run("chunked body with its hash claimed", func(t *testing.T) {
		c, _ := http.NewRequest("POST", "https://"+clientHost+"/pets", bytes.NewReader(body))
		c.ContentLength = -1 // sent chunked: the SDK signs no content-length
		c.Header.Set("X-Amz-Content-Sha256", claim.Get("X-Amz-Content-Sha256"))
		if err := v4.NewSigner().SignHTTP(context.Background(), creds, c, claim.Get("X-Amz-Content-Sha256"), "execute-api", region, n.clock.Now()); err != nil {
			t.Fatal(err)
		}
		a := n.forward(c, faQuery, func(h http.Header) { h.Set(downstream.HeaderOriginalTransferEncoding, "chunked") })
		if a.status != http.StatusOK {
			t.Fatalf("got %d %s", a.status, a.body)
		}
	})
	t.Run("empty GET presigned, replayed with a body", func(t *testing.T) {
		n.forward(n.presigned(creds, "GET", "/pets", 60), faQuery, func(h http.Header) { h.Set(downstream.HeaderOriginalContentLength, "3") }).
			want(t, 403, unclaimed, "ForbiddenException")
	})
	t.Run("length signed but not forwarded", func(t *testing.T) {
		n.forward(n.clientRequest(creds, "POST", "/pets", body, claim), faQuery, nil).
			want(t, 403, mismatch, "InvalidSignatureException")
	})
	t.Run("body signed without the claim is refused", func(t *testing.T) {
		c := n.clientRequest(creds, "POST", "/pets", body, nil)
		n.forward(c, faQuery, func(h http.Header) { h.Set(downstream.HeaderOriginalContentLength, fmt.Sprint(len(body))) }).
			want(t, 403, unclaimed, "ForbiddenException")
	})
	t.Run("body signed without the claim, length not forwarded, fails closed", func(t *testing.T) {
		n.forward(n.clientRequest(creds, "POST", "/pets", body, nil), faQuery, nil).
			want(t, 403, mismatch, "InvalidSignatureException")
	})
	t.Run("unsigned payload refused", func(t *testing.T) {
		c := n.clientRequest(creds, "POST", "/pets", body, http.Header{"X-Amz-Content-Sha256": {"UNSIGNED-PAYLOAD"}})
		n.forward(c, faQuery, func(h http.Header) { h.Set(downstream.HeaderOriginalContentLength, fmt.Sprint(len(body))) }).
			want(t, 403, `{"message":"UNSIGNED-PAYLOAD is not accepted: sign the body's SHA-256 in X-Amz-Content-Sha256."}`, "ForbiddenException")
	})
	t.Run("unsigned payload refused in a presigned query", func(t *testing.T) {
		req, _ := http.NewRequest("GET", "https://"+clientHost+"/pets?X-Amz-Content-Sha256=UNSIGNED-PAYLOAD", nil)
		signed, _, err := v4.NewSigner().PresignHTTP(context.Background(), creds, req, "UNSIGNED-PAYLOAD", "execute-api", region, n.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		p, _ := http.NewRequest("GET", signed, nil)
		n.forward(p, faQuery, nil).
			want(t, 403, `{"message":"UNSIGNED-PAYLOAD is not accepted: sign the body's SHA-256 in X-Amz-Content-Sha256."}`, "ForbiddenException")
	})
	t.Run("bad original length", func(t *testing.T) {
		c := n.clientRequest(creds, "POST", "/pets", body, claim)
		n.forward(c, faQuery, func(h http.Header) { h.Set(downstream.HeaderOriginalContentLength, "-1") }).
			want(t, 400, `{"message":"X-Original-Content-Length must be a decimal number of bytes."}`, "BadRequestException")
	})
}

func TestForwardAuthDenied(t *testing.T) {
	n := startNode(t)
	deny := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:*:*:a1b2c3/prod/GET/pets/secret"}]}`
	roleARN := n.role("app", map[string]string{"invoke": allowPolicy, "deny": deny})
	creds := n.session(roleARN, "s1", 900, nil)
	caller := "arn:aws:sts::111122223333:assumed-role/app/s1"
	cases := []struct {
		name, method, uri, query, resource, suffix string
	}{
		{"method not allowed", "DELETE", "/pets/1", faQuery, "a1b2c3/prod/DELETE/pets/1", ""},
		{"other stage", "GET", "/pets", "service=execute-api&api=a1b2c3&stage=dev", "a1b2c3/dev/GET/pets", ""},
		{"other api", "GET", "/pets", "service=execute-api&api=zzz&stage=prod", "zzz/prod/GET/pets", ""},
		{"root path", "GET", "/", faQuery, "a1b2c3/prod/GET/", ""},
		{"decoded path", "GET", "/people/j%C3%B6rg", faQuery, "a1b2c3/prod/GET/people/j\\u00f6rg", ""},
		{"explicit deny", "GET", "/pets/secret", faQuery, "a1b2c3/prod/GET/pets/secret", " with an explicit deny in an identity-based policy"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := n.forward(n.clientRequest(creds, c.method, c.uri, nil, nil), c.query, nil)
			a.want(t, 403, `{"Message":"User: `+caller+` is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:********3333:`+
				c.resource+c.suffix+`"}`, "AccessDeniedException")
			enc := a.header.Get(downstream.HeaderAuthorizationMessage)
			if enc == "" {
				t.Fatal("no encoded authorization message")
			}
			plain, err := n.app.Keyring.OpenMessage(context.Background(), enc)
			if err != nil {
				t.Fatal(err)
			}
			var msg struct {
				Allowed      bool `json:"allowed"`
				ExplicitDeny bool `json:"explicitDeny"`
				Context      struct {
					Action, Resource string
				} `json:"context"`
			}
			if err := json.Unmarshal(plain, &msg); err != nil {
				t.Fatal(err)
			}
			var resource string
			_ = json.Unmarshal([]byte(`"`+c.resource+`"`), &resource)
			if msg.Allowed || msg.ExplicitDeny != (c.suffix != "") || msg.Context.Action != "execute-api:Invoke" ||
				msg.Context.Resource != "arn:aws:execute-api:us-east-1:111122223333:"+resource {
				t.Errorf("decoded %s", plain)
			}
		})
	}
}

func TestForwardAuthUnauthenticated(t *testing.T) {
	n := startNode(t)
	roleARN := n.role("app", map[string]string{"invoke": allowPolicy})
	creds := n.session(roleARN, "s1", 900, nil)
	mismatch := `{"message":"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."}`
	t.Run("no signature", func(t *testing.T) {
		req, _ := http.NewRequest("GET", "https://"+clientHost+"/pets", nil)
		n.forward(req, faQuery, nil).want(t, 403, `{"message":"Missing Authentication Token"}`, "MissingAuthenticationTokenException")
	})
	t.Run("wrong secret", func(t *testing.T) {
		bad := creds
		bad.SecretAccessKey = strings.Repeat("x", 40)
		n.forward(n.clientRequest(bad, "GET", "/pets", nil, nil), faQuery, nil).want(t, 403, mismatch, "InvalidSignatureException")
	})
	t.Run("tampered path", func(t *testing.T) {
		c := n.clientRequest(creds, "GET", "/pets", nil, nil)
		n.forward(c, faQuery, func(h http.Header) { h.Set("X-Forwarded-Uri", "/pets/1") }).want(t, 403, mismatch, "InvalidSignatureException")
	})
	t.Run("tampered method", func(t *testing.T) {
		c := n.clientRequest(creds, "GET", "/pets", nil, nil)
		n.forward(c, faQuery, func(h http.Header) { h.Set("X-Forwarded-Method", "POST") }).want(t, 403, mismatch, "InvalidSignatureException")
	})
	t.Run("tampered host", func(t *testing.T) {
		c := n.clientRequest(creds, "GET", "/pets", nil, nil)
		n.forward(c, faQuery, func(h http.Header) { h.Set("X-Forwarded-Host", "other.example.test") }).want(t, 403, mismatch, "InvalidSignatureException")
	})
	t.Run("tampered session token", func(t *testing.T) {
		c := n.clientRequest(creds, "GET", "/pets", nil, nil)
		tok := c.Header.Get("X-Amz-Security-Token")
		c.Header.Set("X-Amz-Security-Token", tok[:len(tok)-4]+"AAAA")
		n.forward(c, faQuery, nil).want(t, 403, `{"message":"The security token included in the request is invalid."}`, "UnrecognizedClientException")
	})
	t.Run("signed for another service", func(t *testing.T) {
		req, _ := http.NewRequest("GET", "https://"+clientHost+"/pets", nil)
		_ = v4.NewSigner().SignHTTP(context.Background(), creds, req, emptyHash, "sts", region, n.clock.Now())
		n.forward(req, faQuery, nil).want(t, 403, `{"message":"Credential should be scoped to correct service: 'execute-api'. "}`, "InvalidSignatureException")
	})
	t.Run("region other than the pinned one", func(t *testing.T) {
		n.forward(n.clientRequest(creds, "GET", "/pets", nil, nil), faQuery+"&region=eu-west-1", nil).
			want(t, 403, `{"message":"Credential should be scoped to a valid region, not 'us-east-1'. "}`, "InvalidSignatureException")
	})
	t.Run("region that cannot be in an ARN", func(t *testing.T) {
		req, _ := http.NewRequest("GET", "https://"+clientHost+"/pets", nil)
		_ = v4.NewSigner().SignHTTP(context.Background(), creds, req, emptyHash, "execute-api", "us-east-1:*", n.clock.Now())
		n.forward(req, faQuery, nil).want(t, 403, `{"message":"Credential should be scoped to a valid region. "}`, "InvalidSignatureException")
	})
	t.Run("incomplete header is not echoed", func(t *testing.T) {
		req, _ := http.NewRequest("GET", "https://"+clientHost+"/pets", nil)
		req.Header.Set("X-Amz-Date", n.clock.Now().UTC().Format("20060102T150405Z"))
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+creds.AccessKeyID+"/20260101/us-east-1/execute-api/aws4_request, Signature=0123456789abcdef")
		n.forward(req, faQuery, nil).want(t, 403, `{"message":"Authorization header requires 'SignedHeaders' parameter. Authorization=<redacted>"}`, "IncompleteSignatureException")
	})
	t.Run("session expired", func(t *testing.T) {
		short := n.session(roleARN, "short", 900, nil)
		n.clock.Advance(16 * time.Minute)
		defer n.clock.Advance(-16 * time.Minute)
		n.forward(n.clientRequest(short, "GET", "/pets", nil, nil), faQuery, nil).
			want(t, 403, `{"message":"The security token included in the request is expired"}`, "ExpiredTokenException")
	})
	t.Run("presigned URL expired", func(t *testing.T) {
		p := n.presigned(creds, "GET", "/pets", 60)
		n.clock.Advance(2 * time.Minute)
		defer n.clock.Advance(-2 * time.Minute)
		n.forward(p, faQuery, nil).want(t, 403, `{"message":"Request has expired."}`, "AccessDeniedException")
	})
	t.Run("signature too old", func(t *testing.T) {
		c := n.clientRequest(creds, "GET", "/pets", nil, nil)
		n.clock.Advance(20 * time.Minute)
		defer n.clock.Advance(-20 * time.Minute)
		date := c.Header.Get("X-Amz-Date")
		now := n.clock.Now().UTC()
		n.forward(c, faQuery, nil).want(t, 403, `{"message":"Signature expired: `+date+` is now earlier than `+
			now.Add(-15*time.Minute).Format("20060102T150405Z")+` (`+now.Format("20060102T150405Z")+` - 15 min.)"}`, "InvalidSignatureException")
	})
}

// TestForwardAuthHostileInput: the proxy's configuration errors are 400s
// and the client's unacceptable requests 403s, each with its exact message;
// nothing is a 5xx.
func TestForwardAuthHostileInput(t *testing.T) {
	n := startNode(t)
	creds := n.session(n.role("app", map[string]string{"invoke": allowPolicy}), "s1", 900, nil)
	type tc struct {
		name, query string
		uri         string // sent as X-Forwarded-Uri (default: the signed request's)
		edit        func(http.Header)
		status      int
		msg         string
	}
	cases := []tc{
		{name: "no query", query: "", status: 400, msg: "The forward-auth URL must include service=execute-api."},
		{name: "other service", query: "service=s3&api=a&stage=b", status: 400, msg: "The forward-auth URL's service must be 'execute-api'."},
		{name: "service case", query: "service=Execute-API&api=a&stage=b", status: 400, msg: "The forward-auth URL's service must be 'execute-api'."},
		{name: "no api", query: "service=execute-api&stage=b", status: 400, msg: "The forward-auth URL must include api (the API id)."},
		{name: "empty api", query: "service=execute-api&api=&stage=b", status: 400, msg: "The forward-auth URL must include api (the API id)."},
		{name: "api with slash", query: "service=execute-api&api=a%2Fb&stage=b", status: 400, msg: "The forward-auth URL's api must be 1 to 128 letters, digits, '-', '_' or '.'."},
		{name: "api with star", query: "service=execute-api&api=*&stage=b", status: 400, msg: "The forward-auth URL's api must be 1 to 128 letters, digits, '-', '_' or '.'."},
		{name: "api with question mark", query: "service=execute-api&api=a%3F&stage=b", status: 400, msg: "The forward-auth URL's api must be 1 to 128 letters, digits, '-', '_' or '.'."},
		{name: "api with colon", query: "service=execute-api&api=a:b&stage=b", status: 400, msg: "The forward-auth URL's api must be 1 to 128 letters, digits, '-', '_' or '.'."},
		{name: "api dot-dot", query: "service=execute-api&api=..&stage=b", status: 400, msg: "The forward-auth URL's api must be 1 to 128 letters, digits, '-', '_' or '.'."},
		{name: "api too long", query: "service=execute-api&api=" + strings.Repeat("a", 129) + "&stage=b", status: 400, msg: "The forward-auth URL's api must be 1 to 128 letters, digits, '-', '_' or '.'."},
		{name: "no stage", query: "service=execute-api&api=a", status: 400, msg: "The forward-auth URL must include stage (the stage name)."},
		{name: "stage with control character", query: "service=execute-api&api=a&stage=b%0A", status: 400, msg: "The forward-auth URL's stage must be 1 to 128 letters, digits, '-', '_', '.' or '$'."},
		{name: "stage with slash", query: "service=execute-api&api=a&stage=b/c", status: 400, msg: "The forward-auth URL's stage must be 1 to 128 letters, digits, '-', '_', '.' or '$'."},
		{name: "stage with star", query: "service=execute-api&api=a&stage=%2A", status: 400, msg: "The forward-auth URL's stage must be 1 to 128 letters, digits, '-', '_', '.' or '$'."},
		{name: "duplicate api", query: faQuery + "&api=other", status: 400, msg: "The forward-auth URL contains the parameter 'api' more than once."},
		{name: "duplicate service", query: "service=execute-api&" + faQuery, status: 400, msg: "The forward-auth URL contains the parameter 'service' more than once."},
		{name: "unknown parameter", query: faQuery + "&action=iam:CreateRole", status: 400, msg: "The forward-auth URL contains the unknown parameter 'action'."},
		{name: "unknown odd parameter", query: faQuery + "&%00=1", status: 400, msg: "The forward-auth URL contains an unknown parameter."},
		{name: "case variant parameter", query: faQuery + "&API=x", status: 400, msg: "The forward-auth URL contains the unknown parameter 'API'."},
		{name: "bad escape", query: faQuery + "&x=%zz", status: 400, msg: "The forward-auth URL's query string is not valid."},
		{name: "bad region", query: faQuery + "&region=US_EAST", status: 400, msg: "The forward-auth URL's region must be 1 to 32 lower-case letters, digits or '-'."},
		{name: "no method", query: faQuery, edit: func(h http.Header) { h.Del("X-Forwarded-Method") }, status: 400,
			msg: "The proxy did not forward the request's method (X-Forwarded-Method or X-Original-Method)."},
		{name: "no uri", query: faQuery, edit: func(h http.Header) { h.Del("X-Forwarded-Uri") }, status: 400,
			msg: "The proxy did not forward the request's URI (X-Forwarded-Uri or X-Original-URI)."},
		{name: "two methods", query: faQuery, edit: func(h http.Header) { h.Add("X-Forwarded-Method", "DELETE") }, status: 400,
			msg: "The proxy forwarded more than one X-Forwarded-Method header."},
		{name: "method list", query: faQuery, edit: func(h http.Header) { h.Set("X-Forwarded-Method", "GET, DELETE") }, status: 400,
			msg: "The proxy forwarded more than one X-Forwarded-Method header."},
		{name: "conflicting methods", query: faQuery, edit: func(h http.Header) { h.Set("X-Original-Method", "DELETE") }, status: 400,
			msg: "The proxy forwarded different X-Forwarded-Method and X-Original-Method headers."},
		{name: "two uris", query: faQuery, edit: func(h http.Header) { h.Add("X-Forwarded-Uri", "/admin") }, status: 400,
			msg: "The proxy forwarded more than one request URI header."},
		{name: "conflicting uris", query: faQuery, edit: func(h http.Header) { h.Set("X-Original-Uri", "/admin") }, status: 400,
			msg: "The proxy forwarded different X-Forwarded-Uri and X-Original-URI headers."},
		{name: "two hosts", query: faQuery, edit: func(h http.Header) { h.Add("X-Forwarded-Host", "evil.test") }, status: 400,
			msg: "The proxy forwarded more than one X-Forwarded-Host header."},
		{name: "bad host", query: faQuery, edit: func(h http.Header) { h.Set("X-Forwarded-Host", "a/b") }, status: 400,
			msg: "The forwarded host (X-Forwarded-Host or Host) is not valid."},
		{name: "two protos", query: faQuery, edit: func(h http.Header) { h.Set("X-Forwarded-Proto", "https, http") }, status: 400,
			msg: "The proxy forwarded more than one X-Forwarded-Proto header."},
		{name: "bad proto", query: faQuery, edit: func(h http.Header) { h.Set("X-Forwarded-Proto", "gopher") }, status: 400,
			msg: "X-Forwarded-Proto must be 'http' or 'https'."},
		{name: "lower-case method", query: faQuery, edit: func(h http.Header) { h.Set("X-Forwarded-Method", "get") }, status: 403,
			msg: "The request method is not valid: it must be an upper-case HTTP method."},
		{name: "method with slash", query: faQuery, edit: func(h http.Header) { h.Set("X-Forwarded-Method", "GET/x") }, status: 403,
			msg: "The request method is not valid: it must be an upper-case HTTP method."},
		{name: "star method", query: faQuery, edit: func(h http.Header) { h.Set("X-Forwarded-Method", "*") }, status: 403,
			msg: "The request method is not valid: it must be an upper-case HTTP method."},
		{name: "dot-dot", query: faQuery, uri: "/pets/../admin", status: 403, msg: "The request path must not contain '.' or '..' segments."},
		{name: "trailing dot-dot", query: faQuery, uri: "/pets/..", status: 403, msg: "The request path must not contain '.' or '..' segments."},
		{name: "dot", query: faQuery, uri: "/./pets", status: 403, msg: "The request path must not contain '.' or '..' segments."},
		{name: "encoded dot-dot", query: faQuery, uri: "/pets/%2e%2E/admin", status: 403, msg: "The request path must not contain '.' or '..' segments."},
		{name: "dot-dot with parameter", query: faQuery, uri: "/pets/..;/admin", status: 403, msg: "The request path must not contain '.' or '..' segments."},
		{name: "encoded slash", query: faQuery, uri: "/pets%2Fadmin", status: 403, msg: "The request path must not contain an encoded '/' or a '\\'."},
		{name: "encoded slash lower", query: faQuery, uri: "/pets%2fadmin", status: 403, msg: "The request path must not contain an encoded '/' or a '\\'."},
		{name: "backslash", query: faQuery, uri: "/pets\\admin", status: 403, msg: "The request path must not contain an encoded '/' or a '\\'."},
		{name: "encoded backslash", query: faQuery, uri: "/pets%5Cadmin", status: 403, msg: "The request path must not contain an encoded '/' or a '\\'."},
		{name: "double slash", query: faQuery, uri: "//admin", status: 403, msg: "The request path must not contain empty segments ('//')."},
		{name: "inner double slash", query: faQuery, uri: "/pets//1", status: 403, msg: "The request path must not contain empty segments ('//')."},
		{name: "absolute form", query: faQuery, uri: "https://evil.test/pets", status: 403, msg: "The request URI is not valid."},
		{name: "asterisk form", query: faQuery, uri: "*", status: 403, msg: "The request URI is not valid."},
		{name: "fragment", query: faQuery, uri: "/pets#x", status: 403, msg: "The request URI is not valid."},
		{name: "space", query: faQuery, uri: "/pets 1", status: 403, msg: "The request URI is not valid."},
		{name: "encoded NUL", query: faQuery, uri: "/pets/%00", status: 403, msg: "The request URI is not valid."},
		{name: "encoded newline", query: faQuery, uri: "/pets/%0Aadmin", status: 403, msg: "The request URI is not valid."},
		{name: "bad escape in path", query: faQuery, uri: "/pets/%zz", status: 403, msg: "The request URI is not valid."},
		{name: "invalid UTF-8", query: faQuery, uri: "/pets/%ff", status: 403, msg: "The request URI is not valid."},
		{name: "huge uri", query: faQuery, uri: "/" + strings.Repeat("a", 9000), status: 403, msg: "The request URI is too long."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := n.clientRequest(creds, "GET", "/pets", nil, nil)
			a := n.forward(req, c.query, func(h http.Header) {
				if c.uri != "" {
					h.Set("X-Forwarded-Uri", c.uri)
				}
				if c.edit != nil {
					c.edit(h)
				}
			})
			errType := "BadRequestException"
			if c.status == 403 {
				errType = "ForbiddenException"
			}
			body, _ := json.Marshal(map[string]string{"message": c.msg})
			a.want(t, c.status, string(body), errType)
		})
	}
	t.Run("large unsigned header is decided", func(t *testing.T) {
		req := n.clientRequest(creds, "GET", "/pets", nil, nil)
		a := n.forward(req, faQuery, func(h http.Header) { h.Set("X-Big", strings.Repeat("b", 60<<10)) })
		if a.status != http.StatusOK {
			t.Errorf("60 KiB header: got %d %s", a.status, a.body)
		}
	})
	t.Run("huge header", func(t *testing.T) {
		// Over the authz listener's 64 KiB header limit net/http answers
		// before forward-auth runs: a 431, never a 5xx.
		req := n.clientRequest(creds, "GET", "/pets", nil, nil)
		a := n.forward(req, faQuery, func(h http.Header) { h.Set("X-Big", strings.Repeat("b", 200<<10)) })
		if a.status != http.StatusRequestHeaderFieldsTooLarge || a.body != "431 Request Header Fields Too Large" {
			t.Errorf("huge header: got %d %q", a.status, a.body)
		}
	})
	n.stop()
	if strings.Contains(n.audit.String(), "/pets/../admin") || strings.Contains(n.audit.String(), "evil.test") {
		t.Error("a refused URI or host reached the audit log")
	}
}

// aws:SecureTransport comes from X-Forwarded-Proto and aws:SourceIp from
// X-Forwarded-For only when the peer is a trusted proxy; otherwise the
// peer is the client and the transport is not secure. Each key has a role
// of its own, so each outcome proves one key.
func TestForwardAuthTrustedProxy(t *testing.T) {
	allowIf := func(cond string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"*","Condition":` + cond + `}]}`
	}
	roles := map[string]string{
		"xff":      allowIf(`{"IpAddress":{"aws:SourceIp":"198.51.100.0/24"}}`),
		"loopback": allowIf(`{"IpAddress":{"aws:SourceIp":"127.0.0.1/32"}}`),
		"tls":      allowIf(`{"Bool":{"aws:SecureTransport":"true"}}`),
		"plain":    allowIf(`{"Bool":{"aws:SecureTransport":"false"}}`),
	}
	cases := []struct {
		trusted bool
		proto   string
		want    map[string]int
	}{
		{true, "https", map[string]int{"xff": 200, "loopback": 403, "tls": 200, "plain": 403}},
		{true, "http", map[string]int{"xff": 200, "loopback": 403, "tls": 403, "plain": 200}},
		{false, "https", map[string]int{"xff": 403, "loopback": 200, "tls": 403, "plain": 200}},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("trusted=%v proto=%s", c.trusted, c.proto), func(t *testing.T) {
			var n *faNode
			if c.trusted {
				n = startNode(t, "127.0.0.1/32")
			} else {
				n = startNode(t)
			}
			for name, policy := range roles {
				creds := n.session(n.role(name, map[string]string{"p": policy}), "s1", 900, nil)
				a := n.forward(n.clientRequest(creds, "GET", "/x", nil, nil), faQuery, func(h http.Header) {
					h.Set("X-Forwarded-For", "203.0.113.1, 198.51.100.7")
					h.Set("X-Forwarded-Proto", c.proto)
				})
				if a.status != c.want[name] {
					t.Errorf("role %s: got %d %s, want %d", name, a.status, a.body, c.want[name])
				}
			}
		})
	}
}

// TestForwardAuthAudit: one event per decision, named ForwardAuth, and no
// Authorization header, signature, session token or secret in it.
func TestForwardAuthAudit(t *testing.T) {
	n := startNode(t)
	creds := n.session(n.role("app", map[string]string{"invoke": allowPolicy}), "s1", 900, nil)
	allowed := n.clientRequest(creds, "GET", "/pets", nil, nil)
	denied := n.clientRequest(creds, "DELETE", "/pets", nil, nil)
	presigned := n.presigned(creds, "GET", "/pets", 60)
	n.forward(allowed, faQuery, nil)
	n.forward(denied, faQuery, nil)
	n.forward(presigned, faQuery, nil)
	n.forward(allowed, faQuery, func(h http.Header) { h.Set("X-Forwarded-Uri", "/a/../b") })
	bad := creds
	bad.SecretAccessKey = strings.Repeat("y", 40)
	n.forward(n.clientRequest(bad, "GET", "/pets", nil, nil), faQuery, nil)
	n.forward(allowed, "service=s3", nil) // configuration error: logged, not audited
	n.stop()
	var events []map[string]any
	for line := range strings.SplitSeq(strings.TrimSpace(n.audit.String()), "\n") {
		var ev map[string]any
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("audit line %q: %v", line, err)
		}
		if ev["eventName"] == downstream.ForwardAuthEvent {
			events = append(events, ev)
		}
	}
	wantCodes := []any{nil, "AccessDenied", nil, "ForbiddenException", "SignatureDoesNotMatch"}
	if len(events) != len(wantCodes) {
		t.Fatalf("%d ForwardAuth events, want %d:\n%s", len(events), len(wantCodes), n.audit.String())
	}
	for i, ev := range events {
		if ev["errorCode"] != wantCodes[i] {
			t.Errorf("event %d errorCode = %v, want %v", i, ev["errorCode"], wantCodes[i])
		}
	}
	if p, _ := events[0]["requestParameters"].(map[string]any); p["path"] != "/pets" || p["method"] != "GET" {
		t.Errorf("requestParameters %v", events[0]["requestParameters"])
	}
	all := n.audit.String() + n.logs.String()
	signature := allowed.Header.Get("Authorization")[strings.LastIndex(allowed.Header.Get("Authorization"), "=")+1:]
	for name, s := range map[string]string{
		"session token": creds.SessionToken, "secret": creds.SecretAccessKey, "signature": signature,
		"presigned signature": presigned.URL.Query().Get("X-Amz-Signature"), "Authorization header": "AWS4-HMAC-SHA256 Credential",
	} {
		if strings.Contains(all, s) {
			t.Errorf("the %s is in the audit log or the logs", name)
		}
	}
}

// The answer's identity headers for a session with a source identity.
func TestForwardAuthSourceIdentity(t *testing.T) {
	n := startNode(t)
	roleARN := n.role("app", map[string]string{"invoke": allowPolicy})
	creds := n.session(roleARN, "s1", 900, map[string]any{"https://aws.amazon.com/source_identity": "alice"})
	a := n.forward(n.clientRequest(creds, "GET", "/pets", nil, nil), faQuery, nil)
	if a.status != 200 || a.header.Get(downstream.HeaderSourceIdentity) != "alice" {
		t.Fatalf("got %d, source identity %q", a.status, a.header.Get(downstream.HeaderSourceIdentity))
	}
}

func TestForwardAuthHealthz(t *testing.T) {
	n := startNode(t)
	resp, err := http.Get(n.app.AuthzURL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("healthz %d", resp.StatusCode)
	}
}
