package oidc

import (
	"context"
	"encoding/binary"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/testutil/fakeidp"
)

// jwksSink serves the IdP's published keys from the sink.
func jwksSink(t *testing.T, idp *fakeidp.IdP) *sink {
	return newSink(t, "", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(fakeidp.JWKS(idp.PublishedKeys()...))
	}))
}

// With AllowCrossHostRedirects, a redirect to another host is followed.
func TestCrossHostRedirectAllowedBySetting(t *testing.T) {
	t.Run("JWKS", func(t *testing.T) {
		e := newEnv(t, fakeidp.Options{})
		e.v.cfg.AllowCrossHostRedirects = true
		s := jwksSink(t, e.idp)
		e.idp.SetFault(e.idp.JWKSPath(), fakeidp.Fault{RedirectTo: s.URL + "/keys"})
		if _, err := e.verify(e.idp.Mint(e.claims())); err != nil {
			t.Fatalf("cross-host redirect with the setting on: %v", err)
		}
		if s.connections() == 0 {
			t.Fatal("the other host was never reached")
		}
	})
	t.Run("discovery", func(t *testing.T) {
		e := newEnv(t, fakeidp.Options{})
		e.v.cfg.AllowCrossHostRedirects = true
		doc := []byte(`{"issuer":"` + e.idp.Issuer() + `","jwks_uri":"` + e.idp.JWKSURL() + `"}`)
		s := newSink(t, "", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write(doc) }))
		e.idp.SetFault(e.idp.DiscoveryPath(), fakeidp.Fault{RedirectTo: s.URL + "/discovery"})
		if _, err := e.verify(e.idp.Mint(e.claims())); err != nil {
			t.Fatalf("cross-host redirect with the setting on: %v", err)
		}
		if s.connections() == 0 {
			t.Fatal("the other host was never reached")
		}
	})
	t.Run("never from https to http", func(t *testing.T) {
		e := newEnv(t, fakeidp.Options{TLS: true})
		e.v.cfg.AllowCrossHostRedirects = true
		s := jwksSink(t, e.idp)
		e.idp.SetFault(e.idp.JWKSPath(), fakeidp.Fault{RedirectTo: s.URL + "/keys"})
		_, err := e.verify(e.idp.Mint(e.claims()))
		oe := wantReason(t, err, ReasonKeysUnavailable)
		want := `Get "` + s.URL + `/keys": URL not allowed: redirect from https to http`
		if oe.Cause.Error() != want {
			t.Fatalf("cause:\n %s\nwant:\n %s", oe.Cause, want)
		}
		if n := s.connections(); n != 0 {
			t.Fatalf("the http host received %d connections", n)
		}
	})
	t.Run("still at most 3 redirects", func(t *testing.T) {
		e := newEnv(t, fakeidp.Options{})
		e.v.cfg.AllowCrossHostRedirects = true
		s := jwksSink(t, e.idp)
		// idp → idp/r2 → idp/r3 → idp/r4 → sink: the fourth is refused.
		e.idp.SetFault(e.idp.JWKSPath(), fakeidp.Fault{RedirectTo: "/r2"})
		e.idp.SetFault("/r2", fakeidp.Fault{RedirectTo: "/r3"})
		e.idp.SetFault("/r3", fakeidp.Fault{RedirectTo: "/r4"})
		e.idp.SetFault("/r4", fakeidp.Fault{RedirectTo: s.URL + "/keys"})
		_, err := e.verify(e.idp.Mint(e.claims()))
		oe := wantReason(t, err, ReasonKeysUnavailable)
		if want := `Get "` + s.URL + `/keys": more than 3 redirects`; oe.Cause.Error() != want {
			t.Fatalf("cause:\n %s\nwant:\n %s", oe.Cause, want)
		}
		if n := s.connections(); n != 0 {
			t.Fatalf("the other host received %d connections after the fourth redirect", n)
		}
	})
}

// Link-local and metadata addresses stay refused at dial time when
// cross-host redirects are allowed, whether the redirect names the address
// or a host name that resolves to it.
func TestRedirectToMetadataRefusedEvenWhenCrossHostAllowed(t *testing.T) {
	for _, c := range []struct{ target, dial string }{
		{"https://169.254.169.254/latest/meta-data/iam/security-credentials/", "169.254.169.254:443: address is link-local or cloud metadata: 169.254.169.254"},
		{"https://169.254.169.254:80/latest/meta-data/", "169.254.169.254:80: address is link-local or cloud metadata: 169.254.169.254"},
		{"https://[fd00:ec2::254]/latest/meta-data/", "[fd00:ec2::254]:443: address is link-local or cloud metadata: fd00:ec2::254"},
		{"https://[fe80::1]/jwks", "[fe80::1]:443: address is link-local or cloud metadata: fe80::1"},
		{"https://[::ffff:169.254.169.254]/latest/meta-data/", "169.254.169.254:443: address is link-local or cloud metadata: 169.254.169.254"},
		{"https://[64:ff9b::a9fe:a9fe]/latest/meta-data/", "[64:ff9b::a9fe:a9fe]:443: address is link-local or cloud metadata: 64:ff9b::a9fe:a9fe (NAT64 of 169.254.169.254)"},
	} {
		t.Run(c.target, func(t *testing.T) {
			e := newEnv(t, fakeidp.Options{})
			e.v.cfg.AllowCrossHostRedirects = true
			e.idp.SetFault(e.idp.JWKSPath(), fakeidp.Fault{RedirectTo: c.target})
			_, err := e.verify(e.idp.Mint(e.claims()))
			oe := wantReason(t, err, ReasonKeysUnavailable)
			if !errors.Is(oe.Cause, errBlockedAddress) {
				t.Errorf("cause %v is not errBlockedAddress", oe.Cause)
			}
			if want := `Get "` + c.target + `": dial tcp ` + c.dial; oe.Cause.Error() != want {
				t.Errorf("cause:\n %s\nwant:\n %s", oe.Cause, want)
			}
			if n := e.obs.fetchCount(FetchBlocked); n != 1 {
				t.Fatalf("blocked fetches observed: %d (%v)", n, e.obs.fetches)
			}
		})
	}
	t.Run("host name resolving to the metadata address", func(t *testing.T) {
		dns := newFakeDNS(t, map[string]net.IP{"metadata.stsd.test.": net.IPv4(169, 254, 169, 254)})
		idp := fakeidp.New(t, fakeidp.Options{})
		target := "https://metadata.stsd.test/latest/meta-data/"
		idp.SetFault(idp.JWKSPath(), fakeidp.Fault{RedirectTo: target})
		client := newHTTPClient(fetchPolicy{
			allowHTTP: true, allowCrossHostRedirects: true, roots: x509EmptyPool,
			timeout: 2 * time.Second, resolver: dns.resolver(),
		})
		_, err := getDocument(context.Background(), client, idp.JWKSURL(), true)
		if !errors.Is(err, errBlockedAddress) {
			t.Fatalf("error = %v, want errBlockedAddress", err)
		}
		want := `Get "` + target + `": dial tcp 169.254.169.254:443: address is link-local or cloud metadata: 169.254.169.254`
		if err.Error() != want {
			t.Fatalf("error:\n %s\nwant:\n %s", err, want)
		}
		if dns.queries() == 0 {
			t.Fatal("the name was never resolved: the test did not exercise the dial check")
		}
	})
	t.Run("host name, cross-host redirects off: refused before resolving", func(t *testing.T) {
		dns := newFakeDNS(t, map[string]net.IP{"metadata.stsd.test.": net.IPv4(169, 254, 169, 254)})
		idp := fakeidp.New(t, fakeidp.Options{})
		target := "https://metadata.stsd.test/latest/meta-data/"
		idp.SetFault(idp.JWKSPath(), fakeidp.Fault{RedirectTo: target})
		client := newHTTPClient(fetchPolicy{allowHTTP: true, roots: x509EmptyPool, timeout: 2 * time.Second, resolver: dns.resolver()})
		_, err := getDocument(context.Background(), client, idp.JWKSURL(), true)
		want := `Get "` + target + `": URL not allowed: redirect to another host: from ` + hostOf(t, idp.URL()) + " to metadata.stsd.test:443"
		if err == nil || err.Error() != want {
			t.Fatalf("error:\n %v\nwant:\n %s", err, want)
		}
		if n := dns.queries(); n != 0 {
			t.Fatalf("the name was resolved (%d queries) although the redirect was refused", n)
		}
	})
}

// The client alone (no verifier) refuses a cross-host redirect without
// dialing the other host.
func TestCrossHostRedirectRefusedAtFetchLevel(t *testing.T) {
	s := newSink(t, "", nil)
	idp := fakeidp.New(t, fakeidp.Options{})
	idp.SetFault(idp.JWKSPath(), fakeidp.Fault{RedirectTo: s.URL + "/x"})
	client := newHTTPClient(fetchPolicy{allowHTTP: true, roots: x509EmptyPool, timeout: 2 * time.Second})
	_, err := getDocument(context.Background(), client, idp.JWKSURL(), true)
	if !errors.Is(err, errCrossHostRedirect) || !errors.Is(err, errBlockedURL) {
		t.Fatalf("error = %v, want errCrossHostRedirect", err)
	}
	want := `Get "` + s.URL + `/x": URL not allowed: redirect to another host: from ` + hostOf(t, idp.URL()) + " to " + s.Host
	if err.Error() != want {
		t.Fatalf("error:\n %s\nwant:\n %s", err, want)
	}
	if s.connections() != 0 {
		t.Fatal("the sink was reached")
	}
}

// sameHost compares scheme, host and port; nothing is resolved.
func TestSameHost(t *testing.T) {
	cases := []struct {
		a, b string
		same bool
	}{
		{"https://idp.example.com/jwks", "https://idp.example.com/other?x=1", true},
		{"https://idp.example.com/jwks", "https://IDP.Example.COM/jwks", true},
		{"https://idp.example.com/jwks", "https://idp.example.com:443/jwks", true},
		{"http://127.0.0.1/jwks", "http://127.0.0.1:80/jwks", true},
		{"https://[::1]:8443/a", "https://[0:0::1]:8443/b", true},
		{"https://idp.example.com/jwks", "https://idp.example.com:8443/jwks", false},
		{"https://idp.example.com:8443/jwks", "https://idp.example.com:9443/jwks", false},
		{"https://idp.example.com/jwks", "https://other.example.com/jwks", false},
		{"https://idp.example.com/jwks", "https://idp.example.com./jwks", false},
		{"https://idp.example.com/jwks", "https://10.0.0.1/jwks", false},
		{"http://idp.example.com/jwks", "https://idp.example.com/jwks", false},
		{"http://127.0.0.1:8080/jwks", "https://127.0.0.1:8080/jwks", false},
		{"http://127.0.0.1:8080/jwks", "http://localhost:8080/jwks", false},
		{"https://127.0.0.1/jwks", "https://[::ffff:127.0.0.1]/jwks", false},
	}
	for _, c := range cases {
		a, err := url.Parse(c.a)
		if err != nil {
			t.Fatal(err)
		}
		b, err := url.Parse(c.b)
		if err != nil {
			t.Fatal(err)
		}
		if got := sameHost(a, b); got != c.same {
			t.Errorf("sameHost(%s, %s) = %v, want %v", c.a, c.b, got, c.same)
		}
	}
}

// fakeDNS is a real UDP DNS server on loopback that answers A queries from
// a fixed table (RFC 1035 §4.1): known names get one A record, AAAA
// queries for them no record, unknown names NXDOMAIN.
type fakeDNS struct {
	addr    string
	answers map[string]net.IP // fully qualified, lower case
	n       atomic.Int64
}

func newFakeDNS(t *testing.T, answers map[string]net.IP) *fakeDNS {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	d := &fakeDNS{addr: pc.LocalAddr().String(), answers: answers}
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			d.n.Add(1)
			if resp := d.answer(buf[:n]); resp != nil {
				pc.WriteTo(resp, from)
			}
		}
	}()
	return d
}

// resolver is a pure-Go resolver that asks only this server.
func (d *fakeDNS) resolver() *net.Resolver {
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var dialer net.Dialer
		return dialer.DialContext(ctx, "udp", d.addr)
	}}
}

func (d *fakeDNS) queries() int64 { return d.n.Load() }

// answer builds the response to one query, or nil for garbage.
func (d *fakeDNS) answer(q []byte) []byte {
	if len(q) < 12 {
		return nil
	}
	i := 12
	var name strings.Builder
	for {
		if i >= len(q) {
			return nil
		}
		l := int(q[i])
		i++
		if l == 0 {
			break
		}
		if l > 63 || i+l > len(q) {
			return nil
		}
		name.Write(q[i : i+l])
		name.WriteByte('.')
		i += l
	}
	if i+4 > len(q) {
		return nil
	}
	qtype := binary.BigEndian.Uint16(q[i:])
	ip, known := d.answers[strings.ToLower(name.String())]
	resp := make([]byte, 12, 12+i+4+16)
	copy(resp, q[:2])                       // ID
	resp[2] = 0x84 | q[2]&0x01              // QR, AA, RD as asked
	resp[3] = 0x80                          // RA, NOERROR
	binary.BigEndian.PutUint16(resp[4:], 1) // QDCOUNT
	if !known {
		resp[3] |= 3 // NXDOMAIN
	}
	resp = append(resp, q[12:i+4]...)
	if known && qtype == 1 {
		binary.BigEndian.PutUint16(resp[6:], 1) // ANCOUNT
		resp = append(resp, 0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4)
		resp = append(resp, ip.To4()...)
	}
	return resp
}
