package e2e

import (
	"bufio"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/app"
	"github.com/stsd/stsd/internal/config"
	"github.com/stsd/stsd/internal/testutil/fakeidp"
)

const msgKeysUnavailable = "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements"

// redirectSink is an HTTP server on another loopback host (127.0.0.2, or
// another port of 127.0.0.1) serving the IdP's keys and counting every
// connection it accepts.
type redirectSink struct {
	url   string
	conns atomic.Int64
}

type countedListener struct {
	net.Listener
	n *atomic.Int64
}

func (l countedListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.n.Add(1)
	}
	return c, err
}

func newRedirectSink(t *testing.T, idp *fakeidp.IdP) *redirectSink {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		if ln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			t.Fatal(err)
		}
	}
	s := &redirectSink{url: "http://" + ln.Addr().String()}
	srv := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(fakeidp.JWKS(idp.PublishedKeys()...))
	})}
	go srv.Serve(countedListener{Listener: ln, n: &s.conns})
	t.Cleanup(func() { srv.Close() })
	return s
}

// startNodeWith is startNode with a change to the node's configuration.
func startNodeWith(t *testing.T, change func(*config.Config)) *node {
	t.Helper()
	n, err := launch(t, nodeOptions{}, func(a *app.Options) { change(&a.Config) })
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// A provider whose JWKS answers with a redirect to another host: by
// default the token is rejected as when the keys cannot be fetched and the
// other host sees no connection; with allow_cross_host_oidc_redirects the
// keys are fetched from there.
func TestWebIdentityKeysRedirectedToAnotherHost(t *testing.T) {
	t.Run("refused by default", func(t *testing.T) {
		n := startNode(t, nodeOptions{})
		roleARN := n.role("app", n.trustFor(), 3600)
		sink := newRedirectSink(t, n.idp)
		n.idp.SetFault(n.idp.JWKSPath(), fakeidp.Fault{RedirectTo: sink.url + "/jwks"})
		status, header, body := n.post(arwwi(roleARN, "s1", n.token("u", nil)), nil)
		wantError(t, status, header, body, 400, "InvalidIdentityToken", msgKeysUnavailable)
		if c := sink.conns.Load(); c != 0 {
			t.Fatalf("the other host received %d connections", c)
		}
		if !strings.Contains(n.logs.String(), "redirect to another host") {
			t.Errorf("the log does not say why the fetch failed:\n%s", n.logs)
		}
		n.stop()
		sc := bufio.NewScanner(strings.NewReader(n.auditLog()))
		var events []auditLine
		for sc.Scan() {
			var e auditLine
			if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
				t.Fatalf("audit line is not JSON: %v", err)
			}
			events = append(events, e)
		}
		if len(events) != 1 || events[0].ErrorCode != "InvalidIdentityToken" || events[0].Decision.Reason != "keys_unavailable" {
			t.Fatalf("audit events = %+v, want one InvalidIdentityToken with reason keys_unavailable", events)
		}
	})
	t.Run("followed with allow_cross_host_oidc_redirects", func(t *testing.T) {
		n := startNodeWith(t, func(c *config.Config) { c.AllowCrossHostOIDCRedirects = true })
		roleARN := n.role("app", n.trustFor(), 3600)
		sink := newRedirectSink(t, n.idp)
		n.idp.SetFault(n.idp.JWKSPath(), fakeidp.Fault{RedirectTo: sink.url + "/jwks"})
		if c := n.assume(roleARN, "s1", n.token("u", nil), 900); c == nil || c.AccessKeyId == nil {
			t.Fatal("no credentials")
		}
		if sink.conns.Load() == 0 {
			t.Fatal("the keys were not fetched from the other host")
		}
	})
}
