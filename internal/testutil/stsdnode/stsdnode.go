// Package stsdnode starts a real stsd node for tests: the node of
// internal/app on a loopback port and a temporary data directory, a fake
// identity provider registered as an OIDC provider, helpers to create
// roles that trust it, and the node's audit log and operational logs
// collected in memory, so a test counts the STS requests that reached the
// server and greps the logs for secrets. It is the one node harness of the
// repository's tests: every test that needs a running node (the IAM
// API's contract tests, the end-to-end tests, the console's, the
// command's and the clients' tests) starts it here, each with the Options
// it needs (a store, an environment, a clock, a configuration).
package stsdnode

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/app"
	"github.com/stsd/stsd/internal/config"
	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/testutil/fakeidp"
	"github.com/stsd/stsd/internal/testutil/sdkhttp"
	"github.com/stsd/stsd/internal/testutil/syncio"
)

// Account is the node's account id unless Options.Account says otherwise.
const Account = "111122223333"

// Options configure a node.
type Options struct {
	// Now is the node's clock (default time.Now).
	Now func() time.Time
	// IdP is the identity provider to register (default: a new one).
	IdP *fakeidp.IdP
	// ClientIDs are the provider's client IDs (audiences); default
	// "sts.amazonaws.com".
	ClientIDs []string
	// Account is the node's account id (default Account).
	Account string
	// NoProvider starts the node with no identity provider registered
	// (ProviderARN stays empty; IdP is kept if given), for tests that
	// count providers or register their own.
	NoProvider bool
	// Store is the node's store (default: the bbolt file in its data
	// directory).
	Store store.Store
	// Env is the node's environment, read through app.Options.Getenv
	// (default: empty).
	Env map[string]string
	// DataDir is the node's data directory (default: a new temporary
	// one); a test that restarts a node passes the first one's.
	DataDir string
	// Prepare, if set, has the last word on the options the node is
	// started with: its configuration, extra listeners, or an audit log
	// in the data directory (AuditWriter nil) instead of Node.Audit.
	Prepare func(*app.Options)
}

// Node is a running stsd node.
type Node struct {
	t       testing.TB
	Account string
	App     *app.App
	URL     string
	DataDir string
	IdP     *fakeidp.IdP
	Audit   *syncio.Buffer // the audit log, one JSON event a line
	Logs    *syncio.Buffer // the operational log (JSON, debug level) and the operator notices
	// HTTP is the node's own client: no pooled connection outlives the
	// node and is reused by a later node on the same port.
	HTTP *http.Client
	// ProviderARN is the fake IdP's provider ARN.
	ProviderARN string
	stop        sync.Once
}

// Start starts a node; it stops when the test ends.
func Start(t testing.TB, o Options) *Node {
	t.Helper()
	n, err := StartErr(t, o)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// StartErr is Start returning the error of a node that does not start.
func StartErr(t testing.TB, o Options) (*Node, error) {
	t.Helper()
	if o.IdP == nil && !o.NoProvider {
		o.IdP = fakeidp.New(t, fakeidp.Options{})
	}
	if len(o.ClientIDs) == 0 {
		o.ClientIDs = []string{"sts.amazonaws.com"}
	}
	if o.Account == "" {
		o.Account = Account
	}
	if o.DataDir == "" {
		o.DataDir = t.TempDir()
	}
	n := &Node{t: t, Account: o.Account, DataDir: o.DataDir, Audit: &syncio.Buffer{}, Logs: &syncio.Buffer{}, HTTP: sdkhttp.Client(0)}
	cfg := config.Default()
	cfg.DataDir = n.DataDir
	cfg.AccountID = o.Account
	cfg.AllowHTTPIssuers = true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	opts := app.Options{
		Config:      cfg,
		Getenv:      func(k string) string { return o.Env[k] },
		Logger:      slog.New(slog.NewJSONHandler(n.Logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Notice:      n.Logs,
		Listener:    ln,
		Now:         o.Now,
		Store:       o.Store,
		AuditWriter: n.Audit,
	}
	if o.Prepare != nil {
		o.Prepare(&opts)
	}
	if n.App, err = app.Start(context.Background(), opts); err != nil {
		_ = ln.Close()
		return nil, err
	}
	t.Cleanup(n.Stop)
	n.URL, n.IdP = n.App.URL, o.IdP
	if o.NoProvider {
		return n, nil
	}
	p, err := n.App.Repo.CreateProvider(context.Background(), iam.OIDCProvider{
		Account: n.Account, URL: n.IdP.Issuer(), ClientIDs: o.ClientIDs,
	})
	if err != nil {
		t.Fatal(err)
	}
	n.ProviderARN = p.ARN()
	return n, nil
}

// Stop stops the node (once; the test's end stops it too). A test that
// restarts a node stops the first before starting the second on its
// DataDir.
func (n *Node) Stop() {
	n.stop.Do(func() {
		if err := n.App.Close(5 * time.Second); err != nil {
			n.t.Errorf("closing stsd: %v", err)
		}
		n.HTTP.CloseIdleConnections()
	})
}

// HostPath is the provider's condition-key prefix (its URL without the
// scheme), e.g. "127.0.0.1:40123".
func (n *Node) HostPath() string { return iam.TrimScheme(n.IdP.Issuer()) }

// Role creates a role with a trust policy and inline policies (name →
// document) and waits until the node serves it. In trust, every
// "${PROVIDER_ARN}" and "${ISSUER}" is replaced by the provider's ARN and
// its condition-key prefix.
func (n *Node) Role(name, trust string, inline map[string]string) string {
	n.t.Helper()
	trust = strings.NewReplacer("${PROVIDER_ARN}", n.ProviderARN, "${ISSUER}", n.HostPath()).Replace(trust)
	r, err := n.App.Repo.CreateRole(context.Background(), iam.Role{
		Account: n.Account, Name: name, Path: "/", AssumeRolePolicyDocument: trust,
		MaxSessionDuration: 43200, InlinePolicies: inline,
	})
	if err != nil {
		n.t.Fatalf("creating role %s: %v", name, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err = n.App.Cache.WaitFor(ctx, func(s *iam.Snapshot) bool {
		_, ok := s.RoleByName(n.Account, name)
		return ok
	})
	if err != nil {
		n.t.Fatalf("role %s never appeared: %v", name, err)
	}
	return r.ARN()
}

// AudienceTrust is a trust policy allowing the provider's tokens whose aud
// is aud.
func (n *Node) AudienceTrust(aud string) string {
	return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":%q},`+
		`"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{%q:%q}}}]}`,
		n.ProviderARN, n.HostPath()+":aud", aud)
}

// Events returns the names of the audit events written so far, in order.
func (n *Node) Events() []string {
	var names []string
	for line := range strings.SplitSeq(n.Audit.String(), "\n") {
		var e struct {
			EventName string `json:"eventName"`
		}
		if line != "" && json.Unmarshal([]byte(line), &e) == nil {
			names = append(names, e.EventName)
		}
	}
	return names
}

// Count is how many audit events named name were written so far.
func (n *Node) Count(name string) int {
	c := 0
	for _, e := range n.Events() {
		if e == name {
			c++
		}
	}
	return c
}

// WaitCount waits (up to 5 s) until want events named name were written
// and returns every event name then. The audit log writes events in the
// order requests finish, so once a later request's event is seen, the
// count of an earlier kind is final.
func (n *Node) WaitCount(name string, want int) []string {
	n.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for n.Count(name) < want {
		if time.Now().After(deadline) {
			n.t.Fatalf("audit log: %d %s events, want %d; events: %v", n.Count(name), name, want, n.Events())
		}
		time.Sleep(10 * time.Millisecond)
	}
	return n.Events()
}
