package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/stsd/stsd/internal/app"
	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/memstore"
	"github.com/stsd/stsd/internal/testutil/fakeidp"
	"github.com/stsd/stsd/internal/testutil/sdkhttp"
	"github.com/stsd/stsd/internal/testutil/syncio"
	"github.com/stsd/stsd/internal/testutil/testclock"
)

// The API the proxies protect, and the policy the e2e role gets: GET on
// anything under /pets, POST on /pets.
const (
	faAPI    = "a1b2c3"
	faStage  = "prod"
	faRegion = "us-east-1"
	faPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"execute-api:Invoke",
 "Resource":["arn:aws:execute-api:us-east-1:111122223333:a1b2c3/prod/GET/pets*","arn:aws:execute-api:*:*:a1b2c3/prod/POST/pets"]}]}`
	faEmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)

// sharedStore is one memory store several nodes use; closing a node does
// not close it (the test does, after every node stopped).
type sharedStore struct{ store.Store }

func (sharedStore) Close() error { return nil }

// newSharedStore returns a memory store closed when the test ends.
func newSharedStore(t testing.TB) store.Store {
	s := memstore.New()
	t.Cleanup(func() { _ = s.Close() })
	return sharedStore{s}
}

// authzNodeOptions configure a node with the authorization front doors on.
type authzNodeOptions struct {
	store   store.Store       // shared store (default: the node's own bbolt file)
	env     map[string]string // STSD_MASTER_KEY for nodes sharing a store
	idp     *fakeidp.IdP
	clock   *testclock.Clock
	trusted []string
}

// startAuthzNode starts a node like startNode, with the authz listener on
// loopback.
func startAuthzNode(t testing.TB, o authzNodeOptions) *node {
	t.Helper()
	authzLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	n, err := launch(t, nodeOptions{idp: o.idp, clock: o.clock, env: o.env}, func(a *app.Options) {
		a.Config.Authz.Addr = "127.0.0.1:0"
		a.Config.Authz.TrustedProxies = o.trusted
		a.AuthzListener, a.Store = authzLn, o.store
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// authzAddr is the host:port of the node's authz listener.
func (n *node) authzAddr() string { return strings.TrimPrefix(n.app.AuthzURL, "http://") }

// iamClient is an IAM client signed with the account's root key.
func (n *node) iamClient() *iamsdk.Client {
	root := n.app.Root
	return iamsdk.New(iamsdk.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(n.app.URL), RetryMaxAttempts: 1, HTTPClient: sdkhttp.Client(0),
		Credentials: credentials.NewStaticCredentialsProvider(root.AccessKeyID, root.Secret.Reveal(), ""),
	})
}

// faRole creates a role trusting the fake IdP with the e2e inline policy.
func (n *node) faRole(name string) string {
	n.t.Helper()
	r, err := n.app.Repo.CreateRole(context.Background(), iam.Role{
		Account: account, Name: name, Path: "/", AssumeRolePolicyDocument: n.trustFor(), MaxSessionDuration: 3600,
		InlinePolicies: map[string]string{"invoke": faPolicy},
	})
	if err != nil {
		n.t.Fatal(err)
	}
	n.waitRole(name)
	return r.ARN()
}

// faSession assumes roleARN through the real STS API, optionally with a
// session policy and managed session policies, and returns the keys.
func (n *node) faSession(roleARN, name string, duration int32, sessionPolicy string, policyARNs ...string) aws.Credentials {
	n.t.Helper()
	in := &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(roleARN), RoleSessionName: aws.String(name),
		WebIdentityToken: aws.String(n.token("user-1", nil)), DurationSeconds: aws.Int32(duration),
	}
	if sessionPolicy != "" {
		in.Policy = aws.String(sessionPolicy)
	}
	for _, arn := range policyARNs {
		in.PolicyArns = append(in.PolicyArns, ststypes.PolicyDescriptorType{Arn: aws.String(arn)})
	}
	out, err := n.stsClient(nil).AssumeRoleWithWebIdentity(context.Background(), in)
	if err != nil {
		n.t.Fatal(err)
	}
	c := out.Credentials
	return aws.Credentials{AccessKeyID: *c.AccessKeyId, SecretAccessKey: *c.SecretAccessKey, SessionToken: *c.SessionToken}
}

// echoUpstream is the service behind the proxy: it answers with what it
// received (method, URI, the identity headers, the body's length) and
// counts its requests.
type echoUpstream struct {
	srv  *httptest.Server
	hits atomic.Int64
}

// echoed is the upstream's answer.
type echoed struct {
	Method  string            `json:"method"`
	URI     string            `json:"uri"`
	Headers map[string]string `json:"headers"`
	Body    string            `json:"body"`
	// Smuggled lists the headers received under another spelling of an
	// identity header (X_Stsd_Principal_Arn: CGI, WSGI and PHP upstreams
	// read it as HTTP_X_STSD_PRINCIPAL_ARN, the same as the real one).
	Smuggled []string `json:"smuggled"`
}

// echoHeaders are the headers the upstream reports (present or not).
var echoHeaders = []string{"X-Stsd-Principal-Arn", "X-Stsd-Account", "X-Stsd-User-Id", "X-Stsd-Source-Identity",
	"X-Stsd-Session-Tags", "X-Stsd-Authorization-Message", "Authorization", "X-Amz-Security-Token"}

func newEchoUpstream(t testing.TB) *echoUpstream {
	u := &echoUpstream{}
	u.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.hits.Add(1)
		body, _ := io.ReadAll(r.Body)
		e := echoed{Method: r.Method, URI: r.RequestURI, Headers: map[string]string{}, Body: string(body)}
		for _, h := range echoHeaders {
			if vs, ok := r.Header[h]; ok {
				e.Headers[h] = strings.Join(vs, "|")
			}
		}
		for name := range r.Header {
			cgi := strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
			for _, h := range echoHeaders {
				if name != h && cgi == strings.ToUpper(strings.ReplaceAll(h, "-", "_")) {
					e.Smuggled = append(e.Smuggled, name)
				}
			}
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(e)
	}))
	t.Cleanup(u.srv.Close)
	return u
}

func (u *echoUpstream) addr() string { return strings.TrimPrefix(u.srv.URL, "http://") }

// proxyBinary finds a proxy's binary: the test is skipped when it is
// absent, unless requireEnv is "1" (CI), when it fails.
func proxyBinary(t testing.TB, name, requireEnv string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	for _, dir := range []string{"/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"} {
		if p := filepath.Join(dir, name); isExecutable(p) {
			return p
		}
	}
	if os.Getenv(requireEnv) == "1" {
		t.Fatalf("%s is not installed and %s=1", name, requireEnv)
	}
	t.Skipf("%s is not installed (apt-get install %s; %s=1 makes this a failure)", name, name, requireEnv)
	return ""
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// freeAddr returns a loopback address nobody listens on (for a proxy that
// cannot be handed a listener).
func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// proxyProc is a proxy started by the test as a child process.
type proxyProc struct {
	name   string
	addr   string // the proxy's listen address
	cmd    *exec.Cmd
	output *syncio.Buffer
	errLog string // a log file to show on failure
}

// url is the proxy's base URL.
func (p *proxyProc) url() string { return "http://" + p.addr }

// startProxy runs cmd until the test ends and waits until addr accepts
// connections.
func startProxy(t testing.TB, name, addr, errLog string, cmd *exec.Cmd) *proxyProc {
	t.Helper()
	p := &proxyProc{name: name, addr: addr, cmd: cmd, output: &syncio.Buffer{}, errLog: errLog}
	cmd.Stdout, cmd.Stderr = p.output, p.output
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill() // this process only, by its pid
		<-exited
		if t.Failed() {
			t.Logf("%s output:\n%s", name, p.output.String())
			if errLog != "" {
				if b, err := os.ReadFile(errLog); err == nil {
					t.Logf("%s log:\n%s", name, b)
				}
			}
		}
	})
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return p
		}
		select {
		case <-exited:
			t.Fatalf("%s exited at start:\n%s", name, p.output.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s is not listening on %s:\n%s", name, addr, p.output.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// nginxConf is the tested nginx configuration (docs/downstream.md shows
// it): auth_request to stsd's /forward-auth, the identity headers copied
// upstream (which also replaces any the client sent), and denials answered
// with stsd's JSON body and headers. /direct/ goes straight to the upstream
// (the benchmark's baseline).
const nginxConf = `daemon off;
master_process off;
worker_processes 1;
pid {{DIR}}/nginx.pid;
error_log {{DIR}}/error.log info;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path {{DIR}}/client_body;
  proxy_temp_path {{DIR}}/proxy;
  fastcgi_temp_path {{DIR}}/fastcgi;
  uwsgi_temp_path {{DIR}}/uwsgi;
  scgi_temp_path {{DIR}}/scgi;

  upstream stsd_authz { server {{AUTHZ}}; keepalive 16; }
  upstream app { server {{UPSTREAM}}; keepalive 16; }

  server {
    listen {{LISTEN}};

    location / {
      auth_request /_stsd;
      auth_request_set $stsd_principal_arn $upstream_http_x_stsd_principal_arn;
      auth_request_set $stsd_account $upstream_http_x_stsd_account;
      auth_request_set $stsd_user_id $upstream_http_x_stsd_user_id;
      auth_request_set $stsd_source_identity $upstream_http_x_stsd_source_identity;
      auth_request_set $stsd_session_tags $upstream_http_x_stsd_session_tags;
      auth_request_set $stsd_authz_message $upstream_http_x_stsd_authorization_message;
      auth_request_set $stsd_error_type $upstream_http_x_amzn_errortype;
      auth_request_set $stsd_error_body $upstream_http_x_stsd_error_body;
      error_page 403 = @stsd_denied;

      # proxy_set_header replaces the client's header of the same name; an
      # empty value sends none: a client cannot forge these.
      proxy_set_header X-Stsd-Principal-Arn $stsd_principal_arn;
      proxy_set_header X-Stsd-Account $stsd_account;
      proxy_set_header X-Stsd-User-Id $stsd_user_id;
      proxy_set_header X-Stsd-Source-Identity $stsd_source_identity;
      proxy_set_header X-Stsd-Session-Tags $stsd_session_tags;
      proxy_set_header X-Stsd-Authorization-Message "";
      proxy_set_header Authorization "";
      proxy_set_header X-Amz-Security-Token "";
      proxy_set_header Host $http_host;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_pass http://app;
    }

    location /direct/ {
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_pass http://app;
    }

    location = /_stsd {
      internal;
      proxy_pass http://stsd_authz/forward-auth?service=execute-api&api={{API}}&stage={{STAGE}};
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Original-Content-Length $content_length;
      proxy_set_header X-Original-Transfer-Encoding $http_transfer_encoding;
      proxy_set_header X-Original-Method $request_method;
      proxy_set_header X-Original-URI $request_uri;
      proxy_set_header X-Forwarded-Method "";
      proxy_set_header X-Forwarded-Uri "";
      proxy_set_header X-Forwarded-Host $http_host;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_buffer_size 128k;
      proxy_buffers 4 128k;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }

    location @stsd_denied {
      default_type application/json;
      add_header X-Stsd-Authorization-Message $stsd_authz_message always;
      add_header X-Amzn-ErrorType $stsd_error_type always;
      return 403 $stsd_error_body;
    }
  }
}
`

// startNginx runs nginx (no daemon, no master, everything in a temp dir)
// in front of upstream, asking stsd's authz listener.
func startNginx(t testing.TB, authz, upstream string) *proxyProc {
	t.Helper()
	bin := proxyBinary(t, "nginx", "STSD_REQUIRE_NGINX")
	dir := t.TempDir()
	addr := freeAddr(t)
	conf := strings.NewReplacer("{{DIR}}", dir, "{{AUTHZ}}", authz, "{{UPSTREAM}}", upstream, "{{LISTEN}}", addr,
		"{{API}}", faAPI, "{{STAGE}}", faStage).Replace(nginxConf)
	path := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	errLog := filepath.Join(dir, "error.log")
	return startProxy(t, "nginx", addr, errLog, exec.Command(bin, "-p", dir, "-c", path, "-e", errLog))
}

// caddyfile is the tested Caddy configuration: the client's X-Stsd-*
// headers removed first, in any case and with '_' for '-' (route keeps the
// order), then forward_auth with the identity headers copied, then the
// upstream.
const caddyfile = `{
	admin off
	auto_https off
	storage file_system {{DIR}}/storage
}

http://{{LISTEN}} {
	route {
		request_header -X-Stsd*
		request_header -X_Stsd*
		forward_auth {{AUTHZ}} {
			uri /forward-auth?service=execute-api&api={{API}}&stage={{STAGE}}
			header_up -X-Original-Method
			header_up -X-Original-Uri
			header_up X-Original-Content-Length {http.request.header.Content-Length}
			copy_headers X-Stsd-Principal-Arn X-Stsd-Account X-Stsd-User-Id X-Stsd-Source-Identity X-Stsd-Session-Tags
		}
		request_header -Authorization
		request_header -X-Amz-Security-Token
		reverse_proxy {{UPSTREAM}}
	}
}
`

// startCaddy runs `caddy run` with a generated Caddyfile, its home and
// storage in a temp dir.
func startCaddy(t testing.TB, authz, upstream string) *proxyProc {
	t.Helper()
	bin := proxyBinary(t, "caddy", "STSD_REQUIRE_CADDY")
	dir := t.TempDir()
	addr := freeAddr(t)
	conf := strings.NewReplacer("{{DIR}}", dir, "{{AUTHZ}}", authz, "{{UPSTREAM}}", upstream, "{{LISTEN}}", addr,
		"{{API}}", faAPI, "{{STAGE}}", faStage).Replace(caddyfile)
	path := filepath.Join(dir, "Caddyfile")
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "run", "--config", path, "--adapter", "caddyfile")
	cmd.Env = append(os.Environ(), "HOME="+dir, "XDG_CONFIG_HOME="+dir+"/config", "XDG_DATA_HOME="+dir+"/data")
	return startProxy(t, "caddy", addr, "", cmd)
}

// proxyAnswer is what the client got through the proxy.
type proxyAnswer struct {
	status int
	header http.Header
	body   string
}

// echo decodes the upstream's answer.
func (a proxyAnswer) echo(t testing.TB) echoed {
	t.Helper()
	var e echoed
	if a.status != http.StatusOK {
		t.Fatalf("got %d %s, want the upstream's 200", a.status, a.body)
	}
	if err := json.Unmarshal([]byte(a.body), &e); err != nil {
		t.Fatalf("upstream answer %q: %v", a.body, err)
	}
	return e
}

// wantDenied asserts a 403 with exactly body and errType, and the encoded
// message when wantMessage.
func (a proxyAnswer) wantDenied(t testing.TB, body, errType string, wantMessage bool) {
	t.Helper()
	if a.status != http.StatusForbidden || strings.TrimSpace(a.body) != body {
		t.Errorf("got %d %q\nwant 403 %q", a.status, a.body, body)
	}
	if got := a.header.Get("X-Amzn-Errortype"); got != errType {
		t.Errorf("x-amzn-ErrorType = %q, want %q", got, errType)
	}
	if got := a.header.Get("X-Stsd-Authorization-Message") != ""; got != wantMessage {
		t.Errorf("X-Stsd-Authorization-Message present = %v, want %v", got, wantMessage)
	}
}

// faClient sends signed requests to a proxy.
type faClient struct {
	t     testing.TB
	n     *node // whose clock signs
	base  string
	creds aws.Credentials
	http  *http.Client
}

func newFAClient(t testing.TB, n *node, base string, creds aws.Credentials) *faClient {
	return &faClient{t: t, n: n, base: base, creds: creds,
		http: sdkhttp.Client(10 * time.Second)}
}

// signed builds a request signed with the SDK's v4 signer for execute-api
// (header form); a body is signed with X-Amz-Content-Sha256, as bodies
// must be behind forward-auth.
func (c *faClient) signed(method, uri string, body []byte, header http.Header) *http.Request {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+uri, bytes.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	if body == nil {
		req.Body, req.ContentLength = nil, 0
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	if len(body) > 0 {
		req.Header.Set("X-Amz-Content-Sha256", hash)
	}
	if err := v4.NewSigner().SignHTTP(context.Background(), c.creds, req, hash, "execute-api", faRegion, c.n.clock.Now()); err != nil {
		c.t.Fatal(err)
	}
	return req
}

// presigned builds a presigned GET.
func (c *faClient) presigned(uri string) *http.Request {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.base+uri, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	u, _, err := v4.NewSigner().PresignHTTP(context.Background(), c.creds, req, faEmptyHash, "execute-api", faRegion, c.n.clock.Now())
	if err != nil {
		c.t.Fatal(err)
	}
	out, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	return out
}

func (c *faClient) do(req *http.Request) proxyAnswer {
	c.t.Helper()
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return proxyAnswer{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

// denialBody is forward-auth's body for an IAM denial.
func denialBody(sessionARN, method, path string) string {
	return fmt.Sprintf(`{"Message":"User: %s is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:%s:********3333:%s/%s/%s/%s"}`,
		sessionARN, faRegion, faAPI, faStage, method, path)
}

// revokeOlderSessions writes, through the IAM API, AWS's
// AWSRevokeOlderSessions inline policy: deny everything to sessions issued
// before now.
func (n *node) revokeOlderSessions(roleName string, now time.Time) {
	n.t.Helper()
	doc := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["*"],"Resource":["*"],"Condition":{"DateLessThan":{"aws:TokenIssueTime":%q}}}]}`,
		now.UTC().Format(time.RFC3339))
	if _, err := n.iamClient().PutRolePolicy(context.Background(), &iamsdk.PutRolePolicyInput{
		RoleName: aws.String(roleName), PolicyName: aws.String("AWSRevokeOlderSessions"), PolicyDocument: aws.String(doc),
	}); err != nil {
		n.t.Fatal(err)
	}
}

// createManagedPolicy creates a customer managed policy through the IAM API
// and waits until the node's snapshot has it.
func (n *node) createManagedPolicy(name, doc string) string {
	n.t.Helper()
	out, err := n.iamClient().CreatePolicy(context.Background(), &iamsdk.CreatePolicyInput{
		PolicyName: aws.String(name), PolicyDocument: aws.String(doc),
	})
	if err != nil {
		n.t.Fatal(err)
	}
	return *out.Policy.Arn
}

// within polls f until it reports true or d has passed; it returns the
// time it took, or fails.
func within(t testing.TB, d time.Duration, what string, f func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		if f() {
			return time.Since(start)
		}
		if time.Since(start) > d {
			t.Fatalf("%s: not within %v", what, d)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// proxyStarter starts a proxy in front of upstream asking authz.
type proxyStarter func(t testing.TB, authz, upstream string) *proxyProc

// forwardAuthSuite runs the cases through a real proxy: a node
// with the doors on, the echo upstream, the proxy in front, and sessions
// from a real AssumeRoleWithWebIdentity.
func forwardAuthSuite(t *testing.T, start proxyStarter) {
	n := startAuthzNode(t, authzNodeOptions{trusted: []string{"127.0.0.1/32"}})
	up := newEchoUpstream(t)
	p := start(t, n.authzAddr(), up.addr())
	roleARN := n.faRole("app")
	creds := n.faSession(roleARN, "s1", 900, "")
	c := newFAClient(t, n, p.url(), creds)
	sessionARN := "arn:aws:sts::111122223333:assumed-role/app/s1"
	roleID := ""
	if r, ok := n.app.Cache.Current().RoleByName(account, "app"); ok {
		roleID = r.Role.RoleID
	}
	mismatch := `{"message":"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."}`

	t.Run("allowed, forged identity headers replaced", func(t *testing.T) {
		forged := http.Header{
			"X-Stsd-Principal-Arn":         {"arn:aws:iam::111122223333:root"},
			"X-Stsd-Source-Identity":       {"forged"},
			"X-Stsd-Session-Tags":          {`{"admin":"true"}`},
			"X-Stsd-Authorization-Message": {"forged"},
		}
		// Added after signing: a header the client signed and the proxy
		// strips (Caddy) would no longer verify.
		req := c.signed("GET", "/pets?limit=2&q=a%20b", nil, nil)
		for k, vs := range forged {
			req.Header[k] = vs
		}
		e := c.do(req).echo(t)
		want := map[string]string{
			"X-Stsd-Principal-Arn": sessionARN, "X-Stsd-Account": account, "X-Stsd-User-Id": roleID + ":s1",
			"X-Stsd-Session-Tags": "{}",
		}
		if e.Method != "GET" || e.URI != "/pets?limit=2&q=a%20b" {
			t.Errorf("upstream got %s %s", e.Method, e.URI)
		}
		for k, v := range want {
			if e.Headers[k] != v {
				t.Errorf("upstream %s = %q, want %q", k, e.Headers[k], v)
			}
		}
		for _, k := range []string{"X-Stsd-Source-Identity", "X-Stsd-Authorization-Message"} {
			if v := e.Headers[k]; v != "" { // absent (nginx) or empty (Caddy)
				t.Errorf("upstream received the client's %s: %q", k, v)
			}
		}
		// The upstream needs the identity, not the client's signature or
		// session token: the proxy drops them.
		for _, k := range []string{"Authorization", "X-Amz-Security-Token"} {
			if _, ok := e.Headers[k]; ok {
				t.Errorf("upstream received the client's %s", k)
			}
		}
	})
	t.Run("forged identity headers in other spellings, repeated, never arrive", func(t *testing.T) {
		req := c.signed("GET", "/pets", nil, nil)
		req.Header["x-stsd-principal-arn"] = []string{"arn:aws:iam::111122223333:root"}
		req.Header["X-STSD-USER-ID"] = []string{"AIDAFORGED"}
		req.Header["X-Stsd-Account"] = []string{"999999999999", "999999999998"}
		req.Header["X_Stsd_Principal_Arn"] = []string{"arn:aws:iam::111122223333:root"}
		req.Header["X-Stsd_Source-Identity"] = []string{"forged"}
		e := c.do(req).echo(t)
		if e.Headers["X-Stsd-Principal-Arn"] != sessionARN || e.Headers["X-Stsd-Account"] != account ||
			e.Headers["X-Stsd-User-Id"] != roleID+":s1" || e.Headers["X-Stsd-Source-Identity"] != "" {
			t.Errorf("upstream headers %v", e.Headers)
		}
		if len(e.Smuggled) != 0 {
			t.Errorf("the upstream received forged identity headers %v", e.Smuggled)
		}
	})
	t.Run("POST with an empty body", func(t *testing.T) {
		e := c.do(c.signed("POST", "/pets", nil, nil)).echo(t)
		if e.Method != "POST" || e.Body != "" || e.Headers["X-Stsd-Principal-Arn"] != sessionARN {
			t.Errorf("upstream got %+v", e)
		}
	})
	t.Run("empty POST replayed with a body", func(t *testing.T) {
		req := c.signed("POST", "/pets", nil, nil)
		body := `{"name":"rex"}`
		req.Body, req.ContentLength = io.NopCloser(strings.NewReader(body)), int64(len(body))
		before := up.hits.Load()
		c.do(req).wantDenied(t, `{"message":"A request with a body must be signed with the body's SHA-256 in X-Amz-Content-Sha256."}`,
			"ForbiddenException", false)
		if up.hits.Load() != before {
			t.Error("the replayed request reached the upstream")
		}
	})
	t.Run("huge header is a 4xx", func(t *testing.T) {
		// nginx refuses a header line over large_client_header_buffers
		// (8 KiB) itself; Caddy passes up to 1 MB on and stsd's listener
		// (64 KiB of headers) answers 431, which Caddy returns.
		want := map[string][3]int{"nginx": {400, 400, 400}, "caddy": {200, 200, 431}}[p.name]
		for i, size := range []int{20 << 10, 60 << 10, 100 << 10} {
			req := c.signed("GET", "/pets", nil, nil)
			req.Header.Set("X-Big", strings.Repeat("b", size))
			if a := c.do(req); a.status != want[i] {
				t.Errorf("%d KiB header: got %d %q, want %d", size>>10, a.status, a.body, want[i])
			}
		}
	})
	t.Run("empty POST replayed with a chunked body", func(t *testing.T) {
		req := c.signed("POST", "/pets", nil, nil)
		req.Body, req.ContentLength = io.NopCloser(strings.NewReader(`{"name":"rex"}`)), -1
		a := c.do(req)
		if p.name == "caddy" {
			// Caddy cannot forward the client's Transfer-Encoding (Go's
			// server removes it from the headers): the upstream's own check
			// (no X-Amz-Content-Sha256, no body) is the guard. The request
			// arrives without the claim, so that check applies.
			if e := a.echo(t); e.Body == "" {
				t.Errorf("upstream got %+v", e)
			}
			return
		}
		a.wantDenied(t, `{"message":"A request with a body must be signed with the body's SHA-256 in X-Amz-Content-Sha256."}`,
			"ForbiddenException", false)
	})
	t.Run("chunked body signed with its hash", func(t *testing.T) {
		body := []byte(`{"name":"rex"}`)
		sum := sha256.Sum256(body)
		hash := hex.EncodeToString(sum[:])
		req, _ := http.NewRequest("POST", c.base+"/pets", bytes.NewReader(body))
		req.ContentLength = -1
		req.Header.Set("X-Amz-Content-Sha256", hash)
		if err := v4.NewSigner().SignHTTP(context.Background(), c.creds, req, hash, "execute-api", faRegion, n.clock.Now()); err != nil {
			t.Fatal(err)
		}
		if e := c.do(req).echo(t); e.Body != string(body) || e.Headers["X-Stsd-Principal-Arn"] != sessionARN {
			t.Errorf("upstream got %+v", e)
		}
	})
	t.Run("presigned", func(t *testing.T) {
		e := c.do(c.presigned("/pets/7")).echo(t)
		if e.Headers["X-Stsd-Principal-Arn"] != sessionARN {
			t.Errorf("upstream headers %v", e.Headers)
		}
	})
	t.Run("body signed with its hash", func(t *testing.T) {
		e := c.do(c.signed("POST", "/pets", []byte(`{"name":"rex"}`), http.Header{"Content-Type": {"application/json"}})).echo(t)
		if e.Method != "POST" || e.Body != `{"name":"rex"}` || e.Headers["X-Stsd-Principal-Arn"] != sessionARN {
			t.Errorf("upstream got %+v", e)
		}
	})
	t.Run("denied", func(t *testing.T) {
		before := up.hits.Load()
		c.do(c.signed("DELETE", "/pets/1", nil, nil)).wantDenied(t, denialBody(sessionARN, "DELETE", "pets/1"), "AccessDeniedException", true)
		if up.hits.Load() != before {
			t.Error("a denied request reached the upstream")
		}
	})
	t.Run("tampered signature", func(t *testing.T) {
		bad := *c
		bad.creds.SecretAccessKey = strings.Repeat("x", 40)
		bad.do(bad.signed("GET", "/pets", nil, nil)).wantDenied(t, mismatch, "InvalidSignatureException", false)
	})
	t.Run("tampered session token", func(t *testing.T) {
		req := c.signed("GET", "/pets", nil, nil)
		tok := req.Header.Get("X-Amz-Security-Token")
		req.Header.Set("X-Amz-Security-Token", tok[:len(tok)-4]+"AAAA")
		c.do(req).wantDenied(t, `{"message":"The security token included in the request is invalid."}`, "UnrecognizedClientException", false)
	})
	t.Run("unsigned", func(t *testing.T) {
		req, _ := http.NewRequest("GET", p.url()+"/pets", nil)
		c.do(req).wantDenied(t, `{"message":"Missing Authentication Token"}`, "MissingAuthenticationTokenException", false)
	})
	t.Run("path tricks are 403s, not 5xx", func(t *testing.T) {
		for uri, msg := range map[string]string{
			"/pets/../admin": "The request path must not contain '.' or '..' segments.",
			"/pets%2Fadmin":  "The request path must not contain an encoded '/' or a '\\\\'.",
			"/pets//admin":   "The request path must not contain empty segments ('//').",
		} {
			a := c.do(c.signed("GET", uri, nil, nil))
			if a.status != http.StatusForbidden || strings.TrimSpace(a.body) != `{"message":"`+msg+`"}` {
				t.Errorf("%s: got %d %s", uri, a.status, a.body)
			}
		}
	})
	t.Run("expired session", func(t *testing.T) {
		short := n.faSession(roleARN, "short", 900, "")
		start := n.clock.Now()
		n.clock.Set(start.Add(16 * time.Minute))
		defer n.clock.Set(start)
		sc := *c
		sc.creds = short
		sc.do(sc.signed("GET", "/pets", nil, nil)).wantDenied(t,
			`{"message":"The security token included in the request is expired"}`, "ExpiredTokenException", false)
	})
	t.Run("session policy narrows", func(t *testing.T) {
		sp := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:*:*:a1b2c3/prod/GET/pets/1"}]}`
		sc := *c
		sc.creds = n.faSession(roleARN, "sp", 900, sp)
		sc.do(sc.signed("GET", "/pets/1", nil, nil)).echo(t)
		sc.do(sc.signed("GET", "/pets/2", nil, nil)).wantDenied(t,
			denialBody("arn:aws:sts::111122223333:assumed-role/app/sp", "GET", "pets/2"), "AccessDeniedException", true)
	})
	t.Run("PolicyArns narrow", func(t *testing.T) {
		arn := n.createManagedPolicy("pets-2-only",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:*:*:a1b2c3/*/GET/pets/2"}]}`)
		sc := *c
		sc.creds = n.faSession(roleARN, "pa", 900, "", arn)
		sc.do(sc.signed("GET", "/pets/2", nil, nil)).echo(t)
		sc.do(sc.signed("GET", "/pets/1", nil, nil)).wantDenied(t,
			denialBody("arn:aws:sts::111122223333:assumed-role/app/pa", "GET", "pets/1"), "AccessDeniedException", true)
	})
	t.Run("revocation within a second", func(t *testing.T) {
		revokedARN := n.faRole("revoked")
		rc := *c
		rc.creds = n.faSession(revokedARN, "old", 900, "")
		rc.do(rc.signed("GET", "/pets", nil, nil)).echo(t)
		issued := n.clock.Now()
		n.revokeOlderSessions("revoked", issued.Add(time.Second))
		var last proxyAnswer
		took := within(t, time.Second, "revocation", func() bool {
			last = rc.do(rc.signed("GET", "/pets", nil, nil))
			return last.status == http.StatusForbidden
		})
		t.Logf("revoked after %v", took)
		last.wantDenied(t, strings.TrimSuffix(denialBody("arn:aws:sts::111122223333:assumed-role/revoked/old", "GET", "pets"), `"}`)+
			` with an explicit deny in an identity-based policy"}`, "AccessDeniedException", true)
		n.clock.Set(issued.Add(2 * time.Second)) // a session issued after the cut-off works
		rc.creds = n.faSession(revokedARN, "new", 900, "")
		rc.do(rc.signed("GET", "/pets", nil, nil)).echo(t)
	})
	t.Run("no secret in the audit log", func(t *testing.T) {
		n.stop()
		log := n.auditLog()
		if !strings.Contains(log, `"eventName":"ForwardAuth"`) {
			t.Fatal("no ForwardAuth event in the audit log")
		}
		for name, s := range map[string]string{"session token": creds.SessionToken, "secret key": creds.SecretAccessKey,
			"Authorization header": "AWS4-HMAC-SHA256 Credential", "signature": "X-Amz-Signature"} {
			if strings.Contains(log, s) || strings.Contains(n.logs.String(), s) {
				t.Errorf("the %s is in the audit log or the logs", name)
			}
		}
	})
}

// revocationAcrossNodes: two nodes share one store; the revocation is
// written through node A's IAM API and enforced by node B's forward-auth
// (behind the proxy) within a second.
func revocationAcrossNodes(t *testing.T, start proxyStarter) {
	master := make([]byte, 32)
	for i := range master {
		master[i] = byte(i*7 + 1)
	}
	env := map[string]string{"STSD_MASTER_KEY": base64Std(master)}
	st := newSharedStore(t)
	idp := fakeidp.New(t, fakeidp.Options{})
	clk := testclock.New(time.Now().Truncate(time.Second))
	a := startAuthzNode(t, authzNodeOptions{store: st, env: env, idp: idp, clock: clk})
	b := startAuthzNode(t, authzNodeOptions{store: st, env: env, idp: idp, clock: clk})
	up := newEchoUpstream(t)
	p := start(t, b.authzAddr(), up.addr())
	roleARN := a.faRole("shared")
	b.waitRole("shared")
	c := newFAClient(t, b, p.url(), a.faSession(roleARN, "s1", 900, ""))
	c.do(c.signed("GET", "/pets", nil, nil)).echo(t)
	a.revokeOlderSessions("shared", clk.Now().Add(time.Second))
	took := within(t, time.Second, "revocation on the other node", func() bool {
		return c.do(c.signed("GET", "/pets", nil, nil)).status == http.StatusForbidden
	})
	t.Logf("node B enforced node A's revocation after %v", took)
}

func base64Std(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// checkDocumented fails when a line of a tested proxy configuration (from
// the line containing from on, blank lines, braces, comments and lines
// with test placeholders aside) is missing from docs/downstream.md, so the
// documented configuration stays the tested one.
func checkDocumented(t *testing.T, conf, from string, skip ...string) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "docs", "downstream.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := strings.Join(strings.Fields(string(raw)), " ")
	_, body, ok := strings.Cut(conf, from)
	if !ok {
		t.Fatalf("%q not in the configuration", from)
	}
lines:
	for line := range strings.SplitSeq(body, "\n") {
		line = strings.Join(strings.Fields(line), " ")
		if line == "" || line == "}" || strings.HasPrefix(line, "#") || strings.Contains(line, "{{") {
			continue
		}
		for _, s := range skip {
			if strings.Contains(line, s) {
				continue lines
			}
		}
		if !strings.Contains(doc, line) {
			t.Errorf("docs/downstream.md lacks the tested line %q", line)
		}
	}
}
