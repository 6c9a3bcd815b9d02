package oidc

import (
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

// sink is a real HTTP server on another loopback host (127.0.0.2, or
// another port of 127.0.0.1 where that address is missing) that counts
// every TCP connection it accepts, so a test can prove stsd never reached it.
type sink struct {
	URL   string // http://host:port
	Host  string // host:port
	conns atomic.Int64
}

// countingListener counts accepted connections.
type countingListener struct {
	net.Listener
	n *atomic.Int64
}

func (l countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.n.Add(1)
	}
	return c, err
}

// newSink starts a sink serving h (404 for everything when h is nil) on
// host, or on 127.0.0.2 when host is "".
func newSink(t *testing.T, host string, h http.Handler) *sink {
	t.Helper()
	if h == nil {
		h = http.NotFoundHandler()
	}
	if host == "" {
		host = "127.0.0.2"
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil && host == "127.0.0.2" {
		ln, err = net.Listen("tcp", "127.0.0.1:0") // another port is another host too
	}
	if err != nil {
		t.Fatal(err)
	}
	s := &sink{Host: ln.Addr().String()}
	s.URL = "http://" + s.Host
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(countingListener{Listener: ln, n: &s.conns})
	t.Cleanup(func() { srv.Close() })
	return s
}

func (s *sink) connections() int64 { return s.conns.Load() }

// hostOf is the host:port of a URL.
func hostOf(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

// wantCrossHostRefused asserts a verification failed because a redirect
// left the fetched URL's host: reason keys_unavailable (STS:
// InvalidIdentityToken "Couldn't retrieve verification key…"), outcome
// blocked, and the exact internal cause.
func wantCrossHostRefused(t *testing.T, e *env, err error, target, from, to string) {
	t.Helper()
	oe := wantReason(t, err, ReasonKeysUnavailable)
	if !errors.Is(oe.Cause, errBlockedURL) {
		t.Errorf("cause %v is not errBlockedURL", oe.Cause)
	}
	want := `Get "` + target + `": URL not allowed: redirect to another host: from ` + from + " to " + to
	if oe.Cause.Error() != want {
		t.Errorf("cause:\n %s\nwant:\n %s", oe.Cause, want)
	}
	if n := e.obs.fetchCount(FetchBlocked); n != 1 {
		t.Errorf("blocked fetches observed: %d (%v), want 1", n, e.obs.fetches)
	}
}

// A redirect from the discovery or JWKS URL to another host (another
// address, another port, another name for the same address) is refused by
// default, through the whole verifier, and the other host sees no
// connection at all.
func TestRedirectToAnotherHostIsRefused(t *testing.T) {
	jwks := func(e *env, target string) { e.idp.SetFault(e.idp.JWKSPath(), fakeidp.Fault{RedirectTo: target}) }
	cases := []struct {
		name     string
		tls      bool
		sinkHost string // "" = 127.0.0.2
		// target returns the Location and the host:port it names.
		target func(e *env, s *sink) (string, string)
		// redirect makes the IdP answer with a redirect to target.
		redirect func(e *env, target string)
	}{
		{"JWKS to another address", false, "",
			func(_ *env, s *sink) (string, string) { return s.URL + "/jwks", s.Host }, jwks},
		{"discovery to another address", false, "",
			func(_ *env, s *sink) (string, string) { return s.URL + "/.well-known/openid-configuration", s.Host },
			func(e *env, target string) {
				e.idp.SetFault(e.idp.DiscoveryPath(), fakeidp.Fault{RedirectTo: target})
			}},
		{"JWKS to another port of the same address", false, "127.0.0.1",
			func(_ *env, s *sink) (string, string) { return s.URL + "/jwks", s.Host }, jwks},
		{"JWKS to the same address and port under another name", false, "",
			func(e *env, _ *sink) (string, string) {
				_, port, _ := net.SplitHostPort(hostOf(e.t, e.idp.URL()))
				return "http://localhost:" + port + e.idp.JWKSPath(), "localhost:" + port
			}, jwks},
		{"https JWKS to https on another address", true, "",
			func(_ *env, s *sink) (string, string) { return "https://" + s.Host + "/jwks", s.Host }, jwks},
		{"second hop leaves the host", false, "",
			func(_ *env, s *sink) (string, string) { return s.URL + "/jwks", s.Host },
			func(e *env, target string) {
				e.idp.SetFault(e.idp.JWKSPath(), fakeidp.Fault{RedirectTo: "/hop"})
				e.idp.SetFault("/hop", fakeidp.Fault{RedirectTo: target})
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, fakeidp.Options{TLS: c.tls})
			s := newSink(t, c.sinkHost, nil)
			target, to := c.target(e, s)
			c.redirect(e, target)
			_, err := e.verify(e.idp.Mint(e.claims()))
			wantCrossHostRefused(t, e, err, target, hostOf(t, e.idp.URL()), to)
			if n := s.connections(); n != 0 {
				t.Fatalf("the other host received %d connections", n)
			}
			if n := e.idp.Requests(e.idp.JWKSPath()); strings.HasPrefix(target, "http://localhost:") && n != 1 {
				t.Fatalf("the JWKS was requested %d times, want once (the refused redirect is not followed)", n)
			}
		})
	}
}

// Redirects that stay on the fetched URL's scheme, host and port are
// followed: relative, absolute, and with the default port spelled out.
func TestSameHostRedirectIsFollowed(t *testing.T) {
	t.Run("JWKS, absolute URL", func(t *testing.T) {
		e := newEnv(t, fakeidp.Options{})
		e.idp.SetJWKSURI(e.idp.URL() + "/moved")
		e.idp.SetFault("/moved", fakeidp.Fault{RedirectTo: e.idp.JWKSURL()})
		if _, err := e.verify(e.idp.Mint(e.claims())); err != nil {
			t.Fatalf("same-host redirect: %v", err)
		}
		if n := e.idp.Requests(e.idp.JWKSPath()); n != 1 {
			t.Fatalf("JWKS requests = %d, want 1", n)
		}
	})
	t.Run("discovery, relative URL, over https", func(t *testing.T) {
		e := newEnv(t, fakeidp.Options{TLS: true})
		e.idp.SetFault(e.idp.DiscoveryPath(), fakeidp.Fault{RedirectTo: "/disc"})
		e.idp.SetFault("/disc", fakeidp.Fault{RedirectTo: e.idp.URL() + e.idp.DiscoveryPath() + "x"})
		e.idp.SetFault(e.idp.DiscoveryPath()+"x", fakeidp.Fault{Body: []byte(`{"issuer":"` + e.idp.Issuer() + `","jwks_uri":"` + e.idp.JWKSURL() + `"}`)})
		if _, err := e.verify(e.idp.Mint(e.claims())); err != nil {
			t.Fatalf("same-host redirect: %v", err)
		}
	})
}
