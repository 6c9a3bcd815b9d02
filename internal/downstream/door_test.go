package downstream

import (
	"net/netip"
	"testing"

	"github.com/stsd/stsd/internal/authn"
	"github.com/stsd/stsd/internal/creds"
)

func TestClientIP(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	cases := []struct {
		name, peer string
		xff        []string
		want       string
	}{
		{"untrusted peer: header ignored", "203.0.113.9:5000", []string{"198.51.100.1"}, "203.0.113.9"},
		{"trusted peer, no header", "10.1.2.3:80", nil, "10.1.2.3"},
		{"trusted peer names the client", "10.1.2.3:80", []string{"198.51.100.1"}, "198.51.100.1"},
		{"right-most untrusted hop wins over a spoofed left entry", "10.1.2.3:80", []string{"1.2.3.4, 198.51.100.1"}, "198.51.100.1"},
		{"chain of trusted proxies", "10.1.2.3:80", []string{"198.51.100.1, 10.9.9.9"}, "198.51.100.1"},
		{"several header lines", "10.1.2.3:80", []string{"1.2.3.4", "198.51.100.1"}, "198.51.100.1"},
		{"malformed hop stops the walk", "10.1.2.3:80", []string{"198.51.100.1, nonsense"}, "10.1.2.3"},
		{"ipv6 loopback proxy", "[::1]:80", []string{"2001:db8::1"}, "2001:db8::1"},
		{"mapped v4 peer", "[::ffff:10.0.0.1]:80", []string{"198.51.100.7"}, "198.51.100.7"},
		{"bare address peer", "203.0.113.9", nil, "203.0.113.9"},
		{"garbage peer", "not-an-address", []string{"198.51.100.1"}, ""},
	}
	for _, c := range cases {
		if got := ClientIP(c.peer, c.xff, trusted); got != c.want {
			t.Errorf("%s: ClientIP = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestIdentityHeaders(t *testing.T) {
	s := &creds.Session{AccountID: "111122223333", RoleID: "AROAEXAMPLE", RoleName: "deploy", SessionName: "ci",
		SourceIdentity: "alice", Tags: []creds.Tag{{Key: "team", Value: "a\"b"}}}
	c := &authn.Caller{Kind: authn.KindAssumedRole, Account: s.AccountID, ARN: s.AssumedRoleARN(), UserID: s.AssumedRoleID(), Session: s}
	h := IdentityHeaders(c)
	want := map[string]string{
		HeaderPrincipalARN:   "arn:aws:sts::111122223333:assumed-role/deploy/ci",
		HeaderAccount:        "111122223333",
		HeaderUserID:         "AROAEXAMPLE:ci",
		HeaderSourceIdentity: "alice",
		HeaderSessionTags:    `{"team":"a\"b"}`,
	}
	for k, v := range want {
		if got := h.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	for _, name := range IdentityHeaderNames {
		if _, ok := want[name]; !ok {
			t.Errorf("IdentityHeaderNames has %s, which the test does not check", name)
		}
	}
	user := &authn.Caller{Kind: authn.KindUser, Account: "111122223333", ARN: "arn:aws:iam::111122223333:user/bob", UserID: "AIDAEXAMPLE"}
	h = IdentityHeaders(user)
	if h.Get(HeaderSourceIdentity) != "" || h.Get(HeaderSessionTags) != "{}" {
		t.Errorf("user headers %v", h)
	}
}
