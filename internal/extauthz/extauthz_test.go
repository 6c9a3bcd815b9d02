package extauthz

import (
	"context"
	"encoding/json"
	"net/http"
	"net/netip"
	"strings"
	"testing"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	authv3 "github.com/envoyproxy/go-control-plane/envoy/service/auth/v3"
	"google.golang.org/grpc/codes"

	"github.com/stsd/stsd/internal/authn"
	"github.com/stsd/stsd/internal/creds"
	"github.com/stsd/stsd/internal/downstream"
	"github.com/stsd/stsd/internal/sigv4"
)

func extensions(kv ...string) map[string]string {
	m := map[string]string{"service": "execute-api", "api": "a1b2c3", "stage": "prod"}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

func TestParseExtensions(t *testing.T) {
	if got, ref := parseExtensions(extensions("stage", "$default", "region", "eu-west-1")); ref != nil ||
		got != (target{api: "a1b2c3", stage: "$default", region: "eu-west-1"}) {
		t.Fatalf("got %+v %v", got, ref)
	}
	bad := []struct {
		ext    map[string]string
		reason string
	}{
		{nil, "ext_authz_no_service"},
		{map[string]string{"api": "a", "stage": "s"}, "ext_authz_no_service"},
		{extensions("service", "execute-api "), "ext_authz_wrong_service"},
		{extensions("api", ""), "ext_authz_no_api"},
		{extensions("api", ".."), "ext_authz_bad_api"},
		{extensions("api", strings.Repeat("a", 129)), "ext_authz_bad_api"},
		{extensions("api", "a$"), "ext_authz_bad_api"},
		{extensions("stage", ""), "ext_authz_no_stage"},
		{extensions("stage", "p/q"), "ext_authz_bad_stage"},
		{extensions("region", ""), "ext_authz_bad_region"},
		{extensions("region", "us_east_1"), "ext_authz_bad_region"},
		{extensions("Service", "execute-api"), "ext_authz_unknown_extension"},
	}
	for _, b := range bad {
		_, ref := parseExtensions(b.ext)
		if ref == nil || ref.reason != b.reason || ref.kind != refusedConfig || ref.status != http.StatusInternalServerError {
			t.Errorf("%v: got %+v, want config refusal %s", b.ext, ref, b.reason)
		}
	}
}

// httpAttrs builds the attributes of a CheckRequest with the given headers
// map (the method, path and host are set).
func httpAttrs(headers map[string]string, body []byte) *authv3.AttributeContext {
	return &authv3.AttributeContext{
		Source: &authv3.AttributeContext_Peer{Address: &corev3.Address{Address: &corev3.Address_SocketAddress{
			SocketAddress: &corev3.SocketAddress{Address: "10.0.0.9"}}}},
		Request: &authv3.AttributeContext_Request{Http: &authv3.AttributeContext_HttpRequest{
			Method: "POST", Path: "/pets?x=1", Host: "api.example.com", Scheme: "https", Headers: headers, RawBody: body,
		}},
		ContextExtensions: extensions(),
	}
}

func TestIncoming(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	h := map[string]string{
		":authority": "api.example.com", ":method": "POST", ":path": "/pets?x=1", ":scheme": "https",
		"x-amz-date": "20260101T000000Z", "x-forwarded-for": "192.0.2.1,10.0.0.2", "user-agent": "ua",
		"x-envoy-auth-partial-body": "false", "x_stsd_principal_arn": "forged",
	}
	c, ref := incoming(context.Background(), httpAttrs(h, []byte("body")), trusted)
	if ref != nil {
		t.Fatal(ref)
	}
	in := c.in
	if in.HTTP.Method != "POST" || in.HTTP.Host != "api.example.com" || in.HTTP.URL.RawQuery != "x=1" || c.path != "pets" {
		t.Errorf("request %s %s %s %s", in.HTTP.Method, in.HTTP.Host, in.HTTP.URL, c.path)
	}
	if !in.HaveBody || string(in.Body) != "body" || !in.Secure || in.ClientIP != "192.0.2.1" {
		t.Errorf("body %v %q secure %v ip %q", in.HaveBody, in.Body, in.Secure, in.ClientIP)
	}
	for _, name := range []string{":authority", ":path", "X-Envoy-Auth-Partial-Body", "Host"} {
		if _, ok := in.HTTP.Header[name]; ok {
			t.Errorf("header %s passed to the verifier", name)
		}
	}
	if in.HTTP.Header.Get("X-Amz-Date") != "20260101T000000Z" || in.HTTP.Header.Get("User-Agent") != "ua" {
		t.Errorf("headers %v", in.HTTP.Header)
	}

	// The string body when raw_body is empty; no body: the claim rules.
	a := httpAttrs(map[string]string{"x-envoy-auth-partial-body": "false"}, nil)
	a.Request.Http.Body = "text"
	if c, ref := incoming(context.Background(), a, nil); ref != nil || string(c.in.Body) != "text" || c.in.ClientIP != "10.0.0.9" {
		t.Errorf("string body: %+v %v", c, ref)
	}
	refusals := []struct {
		headers map[string]string
		status  int
		msg     string
	}{
		{map[string]string{"x-envoy-auth-partial-body": "true"}, 413, msgTooLong},
		{map[string]string{"content-length": "4"}, 403, msgBodyUnclaimed},
		{map[string]string{"transfer-encoding": "chunked"}, 403, msgBodyUnclaimed},
		{map[string]string{"content-length": "4", "x-amz-content-sha256": "UNSIGNED-PAYLOAD"}, 403, msgUnsignedPayload},
		{map[string]string{"x-amz-content-sha256": "abc, UNSIGNED-PAYLOAD"}, 403, msgUnsignedPayload},
		{map[string]string{"X-Amz-Date": "x"}, 500, msgBadHeaderName},
		{map[string]string{"bad name": "x"}, 500, msgBadHeaderName},
	}
	for _, r := range refusals {
		_, ref := incoming(context.Background(), httpAttrs(r.headers, nil), nil)
		if ref == nil || ref.status != r.status || ref.msg != r.msg {
			t.Errorf("%v: got %+v, want %d %q", r.headers, ref, r.status, r.msg)
		}
	}
	if c, ref := incoming(context.Background(), httpAttrs(map[string]string{"content-length": "0"}, nil), nil); ref != nil || c.in.HaveBody {
		t.Errorf("empty body: %v", ref)
	}
	many := map[string]string{}
	for i := range maxHeaders + 1 {
		many["h"+strings.Repeat("x", i%50)+string(rune('a'+i%26))+strings.Repeat("y", i/50)] = "v"
	}
	if _, ref := incoming(context.Background(), httpAttrs(many, nil), nil); ref == nil || ref.msg != msgTooManyHeaders || ref.status != 403 {
		t.Errorf("too many headers: %+v", ref)
	}
}

func TestIncomingRawHeaders(t *testing.T) {
	a := httpAttrs(nil, []byte("x"))
	a.Request.Http.HeaderMap = &corev3.HeaderMap{Headers: []*corev3.HeaderValue{
		{Key: "x-a", RawValue: []byte("1")}, {Key: "x-a", Value: "2"}, {Key: "x-envoy-auth-partial-body", RawValue: []byte("false")},
	}}
	c, ref := incoming(context.Background(), a, nil)
	if ref != nil || strings.Join(c.in.HTTP.Header.Values("X-A"), "|") != "1|2" || !c.in.HaveBody {
		t.Errorf("got %+v %v", c, ref)
	}
}

func TestAllowedHeaders(t *testing.T) {
	s := &creds.Session{AccountID: "111122223333", RoleID: "AROAEXAMPLE", RoleName: "r", SessionName: "s",
		SourceIdentity: "alice", Tags: []creds.Tag{{Key: "k", Value: "é"}}}
	caller := &authn.Caller{Kind: authn.KindAssumedRole, Account: s.AccountID, ARN: s.AssumedRoleARN(), UserID: s.AssumedRoleID(), Session: s}
	resp := allowed(&downstream.Verified{Caller: caller, Scope: sigv4.Scope{Region: "us-east-1"}},
		[]string{"x-stsd-principal-arn", "x_stsd_account", "x-stsd-other", "x-stsdx", "accept"})
	if resp.GetStatus().GetCode() != int32(codes.OK) {
		t.Fatal(resp.GetStatus())
	}
	ok := resp.GetOkResponse()
	set := map[string]string{}
	for _, h := range ok.GetHeaders() {
		set[h.GetHeader().GetKey()] = h.GetHeader().GetValue()
	}
	want := map[string]string{"x-stsd-principal-arn": "arn:aws:sts::111122223333:assumed-role/r/s", "x-stsd-account": "111122223333",
		"x-stsd-user-id": "AROAEXAMPLE:s", "x-stsd-source-identity": "alice", "x-stsd-session-tags": `{"k":"é"}`}
	if len(set) != len(want) {
		t.Errorf("set %v", set)
	}
	for k, v := range want {
		if set[k] != v {
			t.Errorf("%s = %q, want %q", k, set[k], v)
		}
	}
	if got := strings.Join(ok.GetHeadersToRemove(), " "); got != "authorization x-amz-security-token x-stsd-other x_stsd_account" {
		t.Errorf("headers_to_remove %q", got)
	}
}

func TestASCIIJSONString(t *testing.T) {
	for in, want := range map[string]string{
		`a"b\c`: `"a\"b\\c"`, "é€": `"\u00e9\u20ac"`, "😀": `"\ud83d\ude00"`, "\n\x7f": `"\u000a\u007f"`,
	} {
		got := downstream.ASCIIJSONString(in)
		var back string
		if got != want || json.Unmarshal([]byte(got), &back) != nil || back != in {
			t.Errorf("%q: got %s (%q), want %s", in, got, back, want)
		}
	}
}

// TestCheckRefusals drives Check itself with CheckRequests refused before
// authentication: every one is a CheckResponse, never a gRPC error.
func TestCheckRefusals(t *testing.T) {
	s := New(Options{Door: downstream.NewDoor(downstream.Deps{})})
	for name, req := range map[string]*authv3.CheckRequest{
		"nil":        nil,
		"empty":      {},
		"no request": {Attributes: &authv3.AttributeContext{ContextExtensions: extensions()}},
		"bad path":   {Attributes: func() *authv3.AttributeContext { a := httpAttrs(nil, nil); a.Request.Http.Path = "/a/../b"; return a }()},
	} {
		resp, err := s.Check(context.Background(), req)
		if err != nil || resp.GetDeniedResponse() == nil || resp.GetStatus().GetCode() == int32(codes.OK) {
			t.Errorf("%s: %v %v", name, resp, err)
		}
	}
}

// FuzzIncoming: whatever Envoy (or anyone on the gRPC port) sends, the
// request is rebuilt or refused, never a panic, and an accepted path is
// one the forward-auth rules accept.
func FuzzIncoming(f *testing.F) {
	f.Add("GET", "/pets?x=1", "h:80", "x-amz-date", "v", []byte("b"), "false")
	f.Add("", "", "", "", "", []byte(nil), "")
	f.Add("POST", "/a/%2e%2e/b", "h", "content-length", "9", []byte(nil), "true")
	f.Fuzz(func(t *testing.T, method, path, host, hk, hv string, body []byte, partial string) {
		a := httpAttrs(map[string]string{hk: hv, "x-envoy-auth-partial-body": partial}, body)
		a.Request.Http.Method, a.Request.Http.Path, a.Request.Http.Host = method, path, host
		c, ref := incoming(context.Background(), a, nil)
		if (c == nil) == (ref == nil) {
			t.Fatalf("got %v and %v", c, ref)
		}
		if c == nil {
			return
		}
		if !downstream.ValidMethod(c.in.HTTP.Method) || !downstream.ValidHost(c.in.HTTP.Host) {
			t.Fatalf("accepted %q %q", method, host)
		}
		for i, seg := range strings.Split(c.path, "/") {
			if base, _, _ := strings.Cut(seg, ";"); base == "." || base == ".." || (seg == "" && i < strings.Count(c.path, "/")) {
				t.Fatalf("accepted %q (%q)", path, c.path)
			}
		}
	})
}
