package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	authv3 "github.com/envoyproxy/go-control-plane/envoy/service/auth/v3"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/stsd/stsd/internal/app"
	"github.com/stsd/stsd/internal/iam"
)

// The API behind the Envoy stand-in and the role's policy: GET under
// /pets, POST /pets; /secure only from 192.0.2.0/24 over TLS.
const (
	eaAPI    = "a1b2c3"
	eaStage  = "prod"
	eaRegion = "us-east-1"
	eaPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"execute-api:Invoke",
 "Resource":["arn:aws:execute-api:us-east-1:111122223333:a1b2c3/prod/GET/pets*","arn:aws:execute-api:*:*:a1b2c3/prod/POST/pets"]},
 {"Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:*:*:a1b2c3/prod/GET/secure",
  "Condition":{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"},"Bool":{"aws:SecureTransport":"true"}}}]}`
	eaMismatch = `{"message":"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."}`
)

// startExtAuthzNode starts a node with both front-door listeners on
// loopback (forward-auth to compare with) and 10.0.0.0/8 as trusted proxies.
func startExtAuthzNode(t *testing.T) *node {
	t.Helper()
	lns := make([]net.Listener, 2) // the authz listener and its gRPC one
	for i := range lns {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		lns[i] = ln
	}
	n, err := launch(t, nodeOptions{}, func(a *app.Options) {
		a.Config.Authz.Addr, a.Config.Authz.GRPCAddr = "127.0.0.1:0", "127.0.0.1:0"
		a.Config.Authz.TrustedProxies = []string{"10.0.0.0/8"}
		a.AuthzListener, a.AuthzGRPCListener = lns[0], lns[1]
	})
	if err != nil {
		t.Fatal(err)
	}
	if n.app.AuthzGRPCAddr != lns[1].Addr().String() {
		t.Fatalf("AuthzGRPCAddr = %q, want %q", n.app.AuthzGRPCAddr, lns[1].Addr())
	}
	return n
}

// eaSession creates a role with eaPolicy and returns a session's keys from
// a real AssumeRoleWithWebIdentity.
func eaSession(t *testing.T, n *node, roleName string, duration int32) aws.Credentials {
	t.Helper()
	if _, err := n.app.Repo.CreateRole(context.Background(), iam.Role{
		Account: account, Name: roleName, Path: "/", AssumeRolePolicyDocument: n.trustFor(), MaxSessionDuration: 3600,
		InlinePolicies: map[string]string{"invoke": eaPolicy},
	}); err != nil {
		t.Fatal(err)
	}
	n.waitRole(roleName)
	out, err := n.stsClient(nil).AssumeRoleWithWebIdentity(context.Background(), &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(iam.RoleARN(account, "/", roleName)), RoleSessionName: aws.String("s1"),
		WebIdentityToken: aws.String(n.token("user-1", nil)), DurationSeconds: aws.Int32(duration),
	})
	if err != nil {
		t.Fatal(err)
	}
	c := out.Credentials
	return aws.Credentials{AccessKeyID: *c.AccessKeyId, SecretAccessKey: *c.SecretAccessKey, SessionToken: *c.SessionToken}
}

// envoyMode is the part of Envoy's ext_authz configuration the stand-in
// imitates.
type envoyMode struct {
	body         string // with_request_body: "" off, "string" (body), "bytes" (pack_as_bytes: raw_body)
	maxBody      int    // max_request_bytes (0: no cut); a longer body is cut (allow_partial_message)
	rawHeaders   bool   // encode_raw_headers: header_map instead of headers
	scheme       string // the downstream scheme (default http)
	source       string // the source peer's address (default: the client's)
	ext          map[string]string
	swapBodyWith []byte // the body Envoy buffers differs from the one the client signed
}

// envoyStandIn receives the client's real HTTP request, turns it into a
// CheckRequest the way Envoy's ext_authz filter does
// (source/extensions/filters/common/ext_authz/check_request_utils.cc:
// pseudo-headers in the map, names lower-case, repeated headers joined with
// ',', the Host as ":authority" and http.host, x-envoy-auth-partial-body
// beside a buffered body, the connection's peer as source), asks stsd over
// gRPC, and answers as Envoy would: the denial as stsd wrote it, or 200
// with the headers the upstream would receive after stsd's mutations.
type envoyStandIn struct {
	t      *testing.T
	srv    *httptest.Server
	client authv3.AuthorizationClient
	mu     sync.Mutex
	mode   envoyMode
	last   *authv3.CheckResponse
}

func newEnvoyStandIn(t *testing.T, grpcAddr string) *envoyStandIn {
	t.Helper()
	conn, err := grpc.NewClient(grpcAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	e := &envoyStandIn{t: t, client: authv3.NewAuthorizationClient(conn)}
	e.srv = httptest.NewServer(e)
	t.Cleanup(e.srv.Close)
	return e
}

func (e *envoyStandIn) set(m envoyMode) {
	e.mu.Lock()
	e.mode = m
	e.mu.Unlock()
}

func (e *envoyStandIn) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	m := e.mode
	e.mu.Unlock()
	body, _ := io.ReadAll(io.LimitReader(r.Body, 11<<20))
	if m.swapBodyWith != nil {
		body = m.swapBodyWith
	}
	req, pairs := checkRequestFor(r, body, m)
	resp, err := e.client.Check(r.Context(), req)
	e.mu.Lock()
	e.last = resp
	e.mu.Unlock()
	if err != nil { // failure_mode_allow: false
		http.Error(w, "ext_authz error: "+err.Error(), http.StatusForbidden)
		return
	}
	if resp.GetStatus().GetCode() != int32(codes.OK) {
		d := resp.GetDeniedResponse()
		for _, h := range d.GetHeaders() {
			w.Header().Set(h.GetHeader().GetKey(), h.GetHeader().GetValue())
		}
		code := int(d.GetStatus().GetCode())
		if code == 0 {
			code = http.StatusForbidden
		}
		w.WriteHeader(code)
		_, _ = io.WriteString(w, d.GetBody())
		return
	}
	ok := resp.GetOkResponse()
	up := map[string][]string{}
	for _, p := range pairs {
		up[p[0]] = append(up[p[0]], p[1])
	}
	for _, h := range ok.GetHeaders() {
		// Envoy decides set or append on this deprecated field alone
		// (ext_authz_grpc_impl.cc, copyHeaderFieldIntoResponse).
		//lint:ignore SA1019 what Envoy reads
		if h.GetAppend().GetValue() {
			e.t.Errorf("header %s is appended, want replaced", h.GetHeader().GetKey())
		}
		up[h.GetHeader().GetKey()] = []string{h.GetHeader().GetValue()}
	}
	for _, name := range ok.GetHeadersToRemove() {
		delete(up, name)
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(up)
}

// checkRequestFor builds Envoy's CheckRequest for r; pairs are the
// request's headers as Envoy holds them (lower-case names, one per line).
func checkRequestFor(r *http.Request, body []byte, m envoyMode) (*authv3.CheckRequest, [][2]string) {
	scheme := m.scheme
	if scheme == "" {
		scheme = "http"
	}
	var pairs [][2]string
	for name, vs := range r.Header {
		for _, v := range vs {
			pairs = append(pairs, [2]string{strings.ToLower(name), v})
		}
	}
	if r.ContentLength > 0 && r.Header.Get("Content-Length") == "" {
		pairs = append(pairs, [2]string{"content-length", strconv.FormatInt(r.ContentLength, 10)})
	}
	if len(r.TransferEncoding) > 0 {
		pairs = append(pairs, [2]string{"transfer-encoding", strings.Join(r.TransferEncoding, ",")})
	}
	pairs = append(pairs, [2]string{"x-forwarded-proto", scheme}, [2]string{"x-request-id", "7d3c9a52-1b1f-4c33-9a60-0f1e4a5b6c7d"},
		[2]string{"x-envoy-expected-rq-timeout-ms", "15000"})
	all := append([][2]string{{":authority", r.Host}, {":path", r.RequestURI}, {":method", r.Method}, {":scheme", scheme}}, pairs...)
	httpReq := &authv3.AttributeContext_HttpRequest{
		Id: "1", Method: r.Method, Path: r.RequestURI, Host: r.Host, Scheme: scheme, Protocol: "HTTP/1.1", Size: -1,
	}
	if m.body != "" && len(body) > 0 {
		partial := "false"
		if m.maxBody > 0 && len(body) > m.maxBody {
			body, partial = body[:m.maxBody], "true"
		}
		if m.body == "bytes" {
			httpReq.RawBody = body
		} else {
			httpReq.Body = strings.ToValidUTF8(string(body), "!")
		}
		all = append(all, [2]string{"x-envoy-auth-partial-body", partial})
	}
	if m.rawHeaders {
		httpReq.HeaderMap = &corev3.HeaderMap{}
		for _, p := range all {
			httpReq.HeaderMap.Headers = append(httpReq.HeaderMap.Headers, &corev3.HeaderValue{Key: p[0], RawValue: []byte(p[1])})
		}
	} else {
		httpReq.Headers = map[string]string{}
		for _, p := range all {
			if v, ok := httpReq.Headers[p[0]]; ok {
				httpReq.Headers[p[0]] = v + "," + p[1]
			} else {
				httpReq.Headers[p[0]] = p[1]
			}
		}
	}
	peer := netip.MustParseAddrPort(r.RemoteAddr)
	src := peer.Addr().String()
	if m.source != "" {
		src = m.source
	}
	ext := m.ext
	if ext == nil {
		ext = map[string]string{"service": "execute-api", "api": eaAPI, "stage": eaStage}
	}
	return &authv3.CheckRequest{Attributes: &authv3.AttributeContext{
		Source:            &authv3.AttributeContext_Peer{Address: socketAddress(src, uint32(peer.Port()))},
		Destination:       &authv3.AttributeContext_Peer{Address: socketAddress("127.0.0.1", 10000)},
		Request:           &authv3.AttributeContext_Request{Time: timestamppb.Now(), Http: httpReq},
		ContextExtensions: ext,
	}}, pairs
}

func socketAddress(ip string, port uint32) *corev3.Address {
	return &corev3.Address{Address: &corev3.Address_SocketAddress{SocketAddress: &corev3.SocketAddress{
		Address: ip, PortSpecifier: &corev3.SocketAddress_PortValue{PortValue: port}}}}
}

// eaAnswer is what the client got through the stand-in.
type eaAnswer struct {
	status int
	header http.Header
	body   string
	check  *authv3.CheckResponse
}

// upstream decodes the headers the upstream would get.
func (a eaAnswer) upstream(t *testing.T) map[string][]string {
	t.Helper()
	if a.status != http.StatusOK || a.check.GetStatus().GetCode() != int32(codes.OK) {
		t.Fatalf("got %d %s, want allowed", a.status, a.body)
	}
	var up map[string][]string
	if err := json.Unmarshal([]byte(a.body), &up); err != nil {
		t.Fatal(err)
	}
	return up
}

// want asserts a denial: HTTP status, exact body, x-amzn-ErrorType, gRPC
// code, and whether the encoded authorization message is there.
func (a eaAnswer) want(t *testing.T, status int, body, errType string, code codes.Code, message bool) {
	t.Helper()
	if a.status != status || a.body != body {
		t.Errorf("got %d %q\nwant %d %q", a.status, a.body, status, body)
	}
	if got := a.check.GetStatus().GetCode(); got != int32(code) {
		t.Errorf("gRPC status %v, want %v", codes.Code(got), code)
	}
	if got := a.header.Get("X-Amzn-Errortype"); got != errType {
		t.Errorf("x-amzn-ErrorType = %q, want %q", got, errType)
	}
	if ct := a.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	if got := a.header.Get("X-Stsd-Authorization-Message") != ""; got != message {
		t.Errorf("X-Stsd-Authorization-Message present = %v, want %v", got, message)
	}
}

// eaClient signs requests for execute-api and sends them through Envoy.
type eaClient struct {
	t     *testing.T
	n     *node
	e     *envoyStandIn
	creds aws.Credentials
}

// signed builds a request signed by the SDK's v4 signer; claim adds the
// body's hash as a signed X-Amz-Content-Sha256 header.
func (c *eaClient) signed(method, uri string, body []byte, claim bool, header http.Header, service string) *http.Request {
	c.t.Helper()
	req, err := http.NewRequest(method, c.e.srv.URL+uri, bytes.NewReader(body))
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
	if claim {
		req.Header.Set("X-Amz-Content-Sha256", hash)
	}
	if service == "" {
		service = "execute-api"
	}
	if err := v4.NewSigner().SignHTTP(context.Background(), c.creds, req, hash, service, eaRegion, c.n.clock.Now()); err != nil {
		c.t.Fatal(err)
	}
	return req
}

func (c *eaClient) do(req *http.Request, m envoyMode) eaAnswer {
	c.t.Helper()
	c.e.set(m)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	c.e.mu.Lock()
	last := c.e.last
	c.e.mu.Unlock()
	return eaAnswer{status: resp.StatusCode, header: resp.Header, body: string(b), check: last}
}

func eaDenial(method, path string) string {
	return `{"Message":"User: arn:aws:sts::111122223333:assumed-role/app/s1 is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:********3333:a1b2c3/prod/` +
		method + "/" + path + `"}`
}

func TestExtAuthz(t *testing.T) {
	n := startExtAuthzNode(t)
	creds := eaSession(t, n, "app", 900)
	e := newEnvoyStandIn(t, n.app.AuthzGRPCAddr)
	c := &eaClient{t: t, n: n, e: e, creds: creds}
	roleID := ""
	if r, ok := n.app.Cache.Current().RoleByName(account, "app"); ok {
		roleID = r.Role.RoleID
	}

	t.Run("allowed: identity headers set, the client's own and its credentials removed", func(t *testing.T) {
		for _, raw := range []bool{false, true} {
			req := c.signed("GET", "/pets?limit=2&q=a%20b", nil, false, nil, "")
			// Added after signing, as an attacker would.
			req.Header["X-Stsd-Principal-Arn"] = []string{"arn:aws:iam::111122223333:root"}
			req.Header["X-Stsd-Source-Identity"] = []string{"forged"}
			req.Header["X_stsd_session_tags"] = []string{`{"admin":"true"}`}
			req.Header["X-Stsd-Authorization-Message"] = []string{"forged"}
			a := c.do(req, envoyMode{rawHeaders: raw})
			up := a.upstream(t)
			want := map[string][]string{
				"x-stsd-principal-arn": {"arn:aws:sts::111122223333:assumed-role/app/s1"},
				"x-stsd-account":       {"111122223333"},
				"x-stsd-user-id":       {roleID + ":s1"},
				"x-stsd-session-tags":  {"{}"},
			}
			for k, v := range want {
				if got := up[k]; len(got) != 1 || got[0] != v[0] {
					t.Errorf("raw=%v: upstream %s = %q, want %q", raw, k, got, v)
				}
			}
			for _, k := range []string{"x-stsd-source-identity", "x_stsd_session_tags", "x-stsd-authorization-message", "authorization", "x-amz-security-token"} {
				if v, ok := up[k]; ok {
					t.Errorf("raw=%v: upstream got %s: %q", raw, k, v)
				}
			}
			if up["x-amz-date"] == nil {
				t.Errorf("raw=%v: x-amz-date removed", raw)
			}
			ok := a.check.GetOkResponse()
			for _, h := range ok.GetHeaders() {
				//lint:ignore SA1019 unset is what Envoy reads as "replace"
				appendSet := h.GetAppend() != nil
				if h.GetAppendAction() != corev3.HeaderValueOption_OVERWRITE_IF_EXISTS_OR_ADD || appendSet {
					t.Errorf("header %s: append set %v, action %v", h.GetHeader().GetKey(), appendSet, h.GetAppendAction())
				}
			}
			wantRemove := []string{"authorization", "x-amz-security-token", "x-stsd-authorization-message", "x-stsd-source-identity", "x_stsd_session_tags"}
			if got := ok.GetHeadersToRemove(); strings.Join(got, " ") != strings.Join(wantRemove, " ") {
				t.Errorf("raw=%v: headers_to_remove = %q, want %q", raw, got, wantRemove)
			}
		}
	})
	t.Run("denied: 403, API Gateway's body, the encoded message decodes", func(t *testing.T) {
		a := c.do(c.signed("DELETE", "/pets/1", nil, false, nil, ""), envoyMode{})
		a.want(t, 403, eaDenial("DELETE", "pets/1"), "AccessDeniedException", codes.PermissionDenied, true)
		root := n.app.Root
		out, err := n.stsClient(credentials.NewStaticCredentialsProvider(root.AccessKeyID, root.Secret.Reveal(), "")).
			DecodeAuthorizationMessage(context.Background(), &sts.DecodeAuthorizationMessageInput{
				EncodedMessage: aws.String(a.header.Get("X-Stsd-Authorization-Message"))})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{`"allowed":false`, `"execute-api:Invoke"`, `arn:aws:execute-api:us-east-1:111122223333:a1b2c3/prod/DELETE/pets/1`} {
			if !strings.Contains(*out.DecodedMessage, s) {
				t.Errorf("decoded message lacks %s: %s", s, *out.DecodedMessage)
			}
		}
	})
	t.Run("same answers as forward-auth", func(t *testing.T) {
		bad := &eaClient{t: t, n: n, e: e, creds: aws.Credentials{AccessKeyID: creds.AccessKeyID, SecretAccessKey: "wrong" + creds.SecretAccessKey, SessionToken: creds.SessionToken}}
		for _, req := range []*http.Request{c.signed("GET", "/pets/caf%C3%A9", nil, false, nil, ""), c.signed("DELETE", "/pets/%E2%82%AC", nil, false, nil, ""),
			bad.signed("GET", "/pets", nil, false, nil, ""), c.signed("GET", "/pets/../admin", nil, false, nil, "")} {
			fa := forwardAuth(t, n, req)
			a := c.do(req, envoyMode{})
			if a.status != fa.status || (a.status != 200 && a.body != strings.TrimSpace(fa.body)) ||
				a.header.Get("X-Amzn-Errortype") != fa.header.Get("X-Amzn-Errortype") {
				t.Errorf("%s %s: ext_authz %d %s %q, forward-auth %d %s %q", req.Method, req.URL.RequestURI(),
					a.status, a.body, a.header.Get("X-Amzn-Errortype"), fa.status, fa.body, fa.header.Get("X-Amzn-Errortype"))
			}
		}
	})
	t.Run("tampered signature", func(t *testing.T) {
		req := c.signed("GET", "/pets", nil, false, nil, "")
		auth := req.Header.Get("Authorization")
		req.Header.Set("Authorization", auth[:len(auth)-4]+"0000")
		c.do(req, envoyMode{}).want(t, 403, eaMismatch, "InvalidSignatureException", codes.Unauthenticated, false)
	})
	t.Run("tampered session token", func(t *testing.T) {
		tc := &eaClient{t: t, n: n, e: e, creds: creds}
		tc.creds.SessionToken = creds.SessionToken[:40] + "A" + creds.SessionToken[41:]
		if tc.creds.SessionToken == creds.SessionToken {
			tc.creds.SessionToken = creds.SessionToken[:40] + "B" + creds.SessionToken[41:]
		}
		c.do(tc.signed("GET", "/pets", nil, false, nil, ""), envoyMode{}).want(t, 403,
			`{"message":"The security token included in the request is invalid."}`, "UnrecognizedClientException", codes.Unauthenticated, false)
	})
	t.Run("unsigned", func(t *testing.T) {
		req, _ := http.NewRequest("GET", e.srv.URL+"/pets", nil)
		c.do(req, envoyMode{}).want(t, 403, `{"message":"Missing Authentication Token"}`, "MissingAuthenticationTokenException", codes.Unauthenticated, false)
	})
	t.Run("wrong service scope", func(t *testing.T) {
		c.do(c.signed("GET", "/pets", nil, false, nil, "s3"), envoyMode{}).want(t, 403,
			`{"message":"Credential should be scoped to correct service: 'execute-api'. "}`, "InvalidSignatureException", codes.Unauthenticated, false)
	})
	t.Run("region pinned by the route", func(t *testing.T) {
		m := envoyMode{ext: map[string]string{"service": "execute-api", "api": eaAPI, "stage": eaStage, "region": "eu-west-1"}}
		c.do(c.signed("GET", "/pets", nil, false, nil, ""), m).want(t, 403,
			`{"message":"Credential should be scoped to a valid region, not 'us-east-1'. "}`, "InvalidSignatureException", codes.Unauthenticated, false)
		m.ext["region"] = eaRegion
		c.do(c.signed("GET", "/pets", nil, false, nil, ""), m).upstream(t)
	})
	t.Run("presigned", func(t *testing.T) {
		req, _ := http.NewRequest("GET", e.srv.URL+"/pets/7?X-Amz-Expires=60", nil)
		u, _, err := v4.NewSigner().PresignHTTP(context.Background(), creds, req, faEmptyHash, "execute-api", eaRegion, n.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		pre, _ := http.NewRequest("GET", u, nil)
		c.do(pre, envoyMode{}).upstream(t)
		n.clock.Set(n.clock.Now().Add(61 * time.Second))
		defer n.clock.Set(n.clock.Now().Add(-61 * time.Second))
		pre, _ = http.NewRequest("GET", u, nil)
		c.do(pre, envoyMode{}).want(t, 403, `{"message":"Request has expired."}`, "AccessDeniedException", codes.Unauthenticated, false)
	})
	t.Run("body sent by Envoy and verified", func(t *testing.T) {
		body := []byte(`{"name":"rex","bytes":"` + "\xff\xfe" + `"}`)
		// Signed without X-Amz-Content-Sha256: the signature covers the
		// body's hash, which stsd computes from the body Envoy sent.
		c.do(c.signed("POST", "/pets", body, false, nil, ""), envoyMode{body: "bytes"}).upstream(t)
		c.do(c.signed("POST", "/pets", body, true, nil, ""), envoyMode{body: "bytes", rawHeaders: true}).upstream(t)
		text := []byte(`{"name":"rex"}`)
		c.do(c.signed("POST", "/pets", text, false, nil, ""), envoyMode{body: "string"}).upstream(t)
	})
	t.Run("body tampered", func(t *testing.T) {
		signed, swapped := []byte(`{"name":"rex"}`), []byte(`{"name":"max"}`)
		c.do(c.signed("POST", "/pets", signed, false, nil, ""), envoyMode{body: "bytes", swapBodyWith: swapped}).
			want(t, 403, eaMismatch, "InvalidSignatureException", codes.Unauthenticated, false)
		c.do(c.signed("POST", "/pets", signed, true, nil, ""), envoyMode{body: "bytes", swapBodyWith: swapped}).
			want(t, 403, `{"message":"The provided 'x-amz-content-sha256' header does not match what was computed."}`,
				"XAmzContentSHA256MismatchException", codes.Unauthenticated, false)
		// Non-UTF-8 bytes sent as a string field arrive replaced: the hash
		// no longer matches (pack_as_bytes: true is needed for binary bodies).
		c.do(c.signed("POST", "/pets", []byte("\xff\xfe"), false, nil, ""), envoyMode{body: "string"}).
			want(t, 403, eaMismatch, "InvalidSignatureException", codes.Unauthenticated, false)
	})
	t.Run("body cut at max_request_bytes", func(t *testing.T) {
		c.do(c.signed("POST", "/pets", bytes.Repeat([]byte("a"), 100), true, nil, ""), envoyMode{body: "bytes", maxBody: 64}).
			want(t, 413, `{"message":"Request Too Long"}`, "RequestTooLargeException", codes.PermissionDenied, false)
	})
	t.Run("body not buffered: the signed claim, or a refusal", func(t *testing.T) {
		body := []byte(`{"name":"rex"}`)
		c.do(c.signed("POST", "/pets", body, true, nil, ""), envoyMode{}).upstream(t)
		c.do(c.signed("POST", "/pets", body, false, nil, ""), envoyMode{}).want(t, 403,
			`{"message":"A request with a body must be signed with the body's SHA-256 in X-Amz-Content-Sha256."}`, "ForbiddenException", codes.PermissionDenied, false)
		unsigned := c.signed("POST", "/pets", body, false, http.Header{"X-Amz-Content-Sha256": {"UNSIGNED-PAYLOAD"}}, "")
		c.do(unsigned, envoyMode{body: "bytes"}).want(t, 403,
			`{"message":"UNSIGNED-PAYLOAD is not accepted: sign the body's SHA-256 in X-Amz-Content-Sha256."}`, "ForbiddenException", codes.PermissionDenied, false)
	})
	t.Run("source address, trusted proxies and scheme", func(t *testing.T) {
		xff := http.Header{"X-Forwarded-For": {"192.0.2.7"}}
		c.do(c.signed("GET", "/secure", nil, false, xff, ""), envoyMode{source: "10.1.2.3", scheme: "https"}).upstream(t)
		c.do(c.signed("GET", "/secure", nil, false, xff, ""), envoyMode{source: "203.0.113.5", scheme: "https"}).
			want(t, 403, eaDenial("GET", "secure"), "AccessDeniedException", codes.PermissionDenied, true)
		c.do(c.signed("GET", "/secure", nil, false, xff, ""), envoyMode{source: "10.1.2.3", scheme: "http"}).
			want(t, 403, eaDenial("GET", "secure"), "AccessDeniedException", codes.PermissionDenied, true)
	})
	t.Run("expired session", func(t *testing.T) {
		n.clock.Set(n.clock.Now().Add(901 * time.Second))
		defer n.clock.Set(n.clock.Now().Add(-901 * time.Second))
		c.do(c.signed("GET", "/pets", nil, false, nil, ""), envoyMode{}).want(t, 403,
			`{"message":"The security token included in the request is expired"}`, "ExpiredTokenException", codes.Unauthenticated, false)
	})
	t.Run("health", func(t *testing.T) {
		conn, err := grpc.NewClient(n.app.AuthzGRPCAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		for _, svc := range []string{"", "envoy.service.auth.v3.Authorization"} {
			h, err := healthpb.NewHealthClient(conn).Check(context.Background(), &healthpb.HealthCheckRequest{Service: svc})
			if err != nil || h.GetStatus() != healthpb.HealthCheckResponse_SERVING {
				t.Errorf("health %q: %v %v", svc, h, err)
			}
		}
	})
	t.Run("audit events, no secret anywhere, listener closed with the node", func(t *testing.T) {
		n.stop()
		if _, err := e.client.Check(context.Background(), &authv3.CheckRequest{}); err == nil {
			t.Error("Check answered after the node closed")
		}
		log := n.auditLog()
		if !strings.Contains(log, `"eventName":"Check"`) || !strings.Contains(log, `"errorCode":"AccessDenied"`) {
			t.Fatalf("no Check denial in the audit log:\n%s", log)
		}
		for name, s := range map[string]string{"session token": creds.SessionToken, "secret key": creds.SecretAccessKey,
			"Authorization header": "AWS4-HMAC-SHA256 Credential", "signature": "Signature="} {
			if strings.Contains(log, s) || strings.Contains(n.logs.String(), s) {
				t.Errorf("the %s is in the audit log or the logs", name)
			}
		}
	})
}

// forwardAuth asks the node's forward-auth for the same client request, as
// a proxy forwarding it would.
func forwardAuth(t *testing.T, n *node, client *http.Request) eaAnswer {
	t.Helper()
	req, _ := http.NewRequest("GET", n.app.AuthzURL+"/forward-auth?service=execute-api&api="+eaAPI+"&stage="+eaStage, nil)
	for k, vs := range client.Header {
		req.Header[k] = vs
	}
	req.Header.Set("X-Forwarded-Method", client.Method)
	req.Header.Set("X-Forwarded-Uri", client.URL.RequestURI())
	req.Header.Set("X-Forwarded-Host", client.URL.Host)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return eaAnswer{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

// TestExtAuthzMalformed sends CheckRequests Envoy would never send, or
// that a wrong Envoy configuration produces: each is a denial naming the
// problem (500, INVALID_ARGUMENT: the client cannot fix it), never a panic
// or a gRPC error that failure_mode_allow could turn into an allowed
// request; the service keeps serving.
func TestExtAuthzMalformed(t *testing.T) {
	n := startExtAuthzNode(t)
	conn, err := grpc.NewClient(n.app.AuthzGRPCAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	client := authv3.NewAuthorizationClient(conn)
	ext := func(kv ...string) map[string]string {
		m := map[string]string{"service": "execute-api", "api": eaAPI, "stage": eaStage}
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] == "-" {
				delete(m, kv[i])
			} else {
				m[kv[i]] = kv[i+1]
			}
		}
		return m
	}
	httpReq := func(method, path, host string, headers map[string]string) *authv3.AttributeContext_Request {
		return &authv3.AttributeContext_Request{Http: &authv3.AttributeContext_HttpRequest{Method: method, Path: path, Host: host, Headers: headers}}
	}
	good := httpReq("GET", "/pets", "api.example.com", map[string]string{"authorization": "AWS4-HMAC-SHA256 x"})
	cases := []struct {
		name   string
		req    *authv3.CheckRequest
		status int
		code   codes.Code
		msg    string
	}{
		{"empty", &authv3.CheckRequest{}, 500, codes.InvalidArgument, "The CheckRequest has no HTTP request attributes: use the envoy.filters.http.ext_authz filter."},
		{"network filter (no http)", &authv3.CheckRequest{Attributes: &authv3.AttributeContext{
			Source: &authv3.AttributeContext_Peer{Address: socketAddress("192.0.2.1", 1)}, Request: &authv3.AttributeContext_Request{}}},
			500, codes.InvalidArgument, "The CheckRequest has no HTTP request attributes: use the envoy.filters.http.ext_authz filter."},
		{"no context extensions", &authv3.CheckRequest{Attributes: &authv3.AttributeContext{Request: good}},
			500, codes.InvalidArgument, "The route's ext_authz context_extensions must include service: execute-api."},
		{"wrong service", &authv3.CheckRequest{Attributes: &authv3.AttributeContext{Request: good, ContextExtensions: ext("service", "s3")}},
			500, codes.InvalidArgument, "The route's ext_authz context_extensions service must be 'execute-api'."},
		{"no api", &authv3.CheckRequest{Attributes: &authv3.AttributeContext{Request: good, ContextExtensions: ext("api", "-")}},
			500, codes.InvalidArgument, "The route's ext_authz context_extensions must include api (the API id)."},
		{"bad api", &authv3.CheckRequest{Attributes: &authv3.AttributeContext{Request: good, ContextExtensions: ext("api", "a/b")}},
			500, codes.InvalidArgument, "The route's ext_authz context_extensions api must be 1 to 128 letters, digits, '-', '_' or '.'."},
		{"no stage", &authv3.CheckRequest{Attributes: &authv3.AttributeContext{Request: good, ContextExtensions: ext("stage", "")}},
			500, codes.InvalidArgument, "The route's ext_authz context_extensions must include stage (the stage name)."},
		{"bad stage", &authv3.CheckRequest{Attributes: &authv3.AttributeContext{Request: good, ContextExtensions: ext("stage", "..")}},
			500, codes.InvalidArgument, "The route's ext_authz context_extensions stage must be 1 to 128 letters, digits, '-', '_', '.' or '$'."},
		{"bad region", &authv3.CheckRequest{Attributes: &authv3.AttributeContext{Request: good, ContextExtensions: ext("region", "US")}},
			500, codes.InvalidArgument, "The route's ext_authz context_extensions region must be 1 to 32 lower-case letters, digits or '-'."},
		{"unknown key", &authv3.CheckRequest{Attributes: &authv3.AttributeContext{Request: good, ContextExtensions: ext("stag", "prod")}},
			500, codes.InvalidArgument, "The route's ext_authz context_extensions contain an unknown key."},
		{"no method", &authv3.CheckRequest{Attributes: &authv3.AttributeContext{Request: httpReq("", "/pets", "h", nil), ContextExtensions: ext()}},
			500, codes.InvalidArgument, "The CheckRequest has no HTTP method."},
		{"no path", &authv3.CheckRequest{Attributes: &authv3.AttributeContext{Request: httpReq("GET", "", "h", nil), ContextExtensions: ext()}},
			500, codes.InvalidArgument, "The CheckRequest has no HTTP path."},
		{"upper-case header name", &authv3.CheckRequest{Attributes: &authv3.AttributeContext{Request: httpReq("GET", "/pets", "h", map[string]string{"Authorization": "x"}), ContextExtensions: ext()}},
			500, codes.InvalidArgument, "The CheckRequest has a header name that is not a lower-case token."},
		// The client's request: 403, as forward-auth answers.
		{"lower-case method", &authv3.CheckRequest{Attributes: &authv3.AttributeContext{Request: httpReq("get", "/pets", "h", nil), ContextExtensions: ext()}},
			403, codes.PermissionDenied, "The request method is not valid: it must be an upper-case HTTP method."},
		{"CONNECT authority-form", &authv3.CheckRequest{Attributes: &authv3.AttributeContext{Request: httpReq("CONNECT", "h:443", "h", nil), ContextExtensions: ext()}},
			403, codes.PermissionDenied, "The request URI is not valid."},
		{"dot segment", &authv3.CheckRequest{Attributes: &authv3.AttributeContext{Request: httpReq("GET", "/pets/%2e%2e/admin", "h", nil), ContextExtensions: ext()}},
			403, codes.PermissionDenied, "The request path must not contain '.' or '..' segments."},
		{"encoded slash", &authv3.CheckRequest{Attributes: &authv3.AttributeContext{Request: httpReq("GET", "/pets%2Fadmin", "h", nil), ContextExtensions: ext()}},
			403, codes.PermissionDenied, "The request path must not contain an encoded '/' or a '\\'."},
		{"empty segment", &authv3.CheckRequest{Attributes: &authv3.AttributeContext{Request: httpReq("GET", "//pets", "h", nil), ContextExtensions: ext()}},
			403, codes.PermissionDenied, "The request path must not contain empty segments ('//')."},
		{"long path", &authv3.CheckRequest{Attributes: &authv3.AttributeContext{Request: httpReq("GET", "/"+strings.Repeat("a", 9000), "h", nil), ContextExtensions: ext()}},
			403, codes.PermissionDenied, "The request URI is too long."},
		{"no host", &authv3.CheckRequest{Attributes: &authv3.AttributeContext{Request: httpReq("GET", "/pets", "", nil), ContextExtensions: ext()}},
			403, codes.PermissionDenied, "The request's host is not valid."},
		{"unsigned", &authv3.CheckRequest{Attributes: &authv3.AttributeContext{Request: httpReq("GET", "/pets", "h", nil), ContextExtensions: ext()}},
			403, codes.Unauthenticated, "Missing Authentication Token"},
		{"garbage authorization", &authv3.CheckRequest{Attributes: &authv3.AttributeContext{Request: good, ContextExtensions: ext()}},
			403, codes.Unauthenticated, "'x' not a valid key=value pair (missing equal-sign) in Authorization header: '<redacted>'."},
	}
	for _, tc := range cases {
		resp, err := client.Check(context.Background(), tc.req)
		if err != nil {
			t.Errorf("%s: gRPC error %v", tc.name, err)
			continue
		}
		d := resp.GetDeniedResponse()
		var body map[string]string
		_ = json.Unmarshal([]byte(d.GetBody()), &body)
		if resp.GetStatus().GetCode() != int32(tc.code) || int(d.GetStatus().GetCode()) != tc.status || body["message"] != tc.msg {
			t.Errorf("%s: got %v %d %s\nwant %v %d %q", tc.name, codes.Code(resp.GetStatus().GetCode()), d.GetStatus().GetCode(), d.GetBody(), tc.code, tc.status, tc.msg)
		}
	}
}

// TestExtAuthzOnly enables ext_authz alone, listening on the configured
// address itself: the door is built, the HTTP listener stays off, and
// closing the node ends the gRPC service while Envoy's connection is open.
func TestExtAuthzOnly(t *testing.T) {
	n, err := launch(t, nodeOptions{}, func(a *app.Options) { a.Config.Authz.GRPCAddr = "127.0.0.1:0" })
	if err != nil {
		t.Fatal(err)
	}
	a := n.app
	if a.AuthzURL != "" || a.AuthzGRPCAddr == "" || strings.HasSuffix(a.AuthzGRPCAddr, ":0") {
		t.Fatalf("AuthzURL %q, AuthzGRPCAddr %q", a.AuthzURL, a.AuthzGRPCAddr)
	}
	conn, err := grpc.NewClient(a.AuthzGRPCAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	resp, err := authv3.NewAuthorizationClient(conn).Check(context.Background(), &authv3.CheckRequest{})
	if err != nil || resp.GetStatus().GetCode() != int32(codes.InvalidArgument) {
		t.Fatalf("Check: %v %v", resp, err)
	}
	start := time.Now()
	n.stop() // Close(5 s); an error fails the test
	if took := time.Since(start); took > 6*time.Second {
		t.Errorf("Close took %v", took)
	}
	if c, err := net.DialTimeout("tcp", a.AuthzGRPCAddr, time.Second); err == nil {
		c.Close()
		t.Error("the ext_authz port still accepts connections after Close")
	}
}
