// Package stsdnode starts a real stsd node for tests of clients: the node
// of internal/app on a loopback port and a temporary data directory, a
// fake identity provider registered as an OIDC provider, helpers to create
// roles that trust it, and the node's audit log and operational logs
// collected in memory, so a test counts the STS requests that reached the
// server and greps the logs for secrets.
package stsdnode

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/app"
	"github.com/stsd/stsd/internal/config"
	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/testutil/fakeidp"
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
}

// Node is a running stsd node.
type Node struct {
	t       testing.TB
	Account string
	App     *app.App
	URL     string
	IdP     *fakeidp.IdP
	Audit   *syncio.Buffer // the audit log, one JSON event a line
	Logs    *syncio.Buffer // the operational log (JSON)
	// ProviderARN is the fake IdP's provider ARN.
	ProviderARN string
}

// Start starts a node; it stops when the test ends.
func Start(t testing.TB, o Options) *Node {
	t.Helper()
	if o.IdP == nil {
		o.IdP = fakeidp.New(t, fakeidp.Options{})
	}
	if len(o.ClientIDs) == 0 {
		o.ClientIDs = []string{"sts.amazonaws.com"}
	}
	if o.Account == "" {
		o.Account = Account
	}
	n := &Node{t: t, Account: o.Account, IdP: o.IdP, Audit: &syncio.Buffer{}, Logs: &syncio.Buffer{}}
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.AccountID = o.Account
	cfg.AllowHTTPIssuers = true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	n.App, err = app.Start(context.Background(), app.Options{
		Config:      cfg,
		Getenv:      func(string) string { return "" },
		Logger:      slog.New(slog.NewJSONHandler(n.Logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Notice:      n.Logs,
		Listener:    ln,
		Now:         o.Now,
		AuditWriter: n.Audit,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := n.App.Close(5 * time.Second); err != nil {
			t.Errorf("closing stsd: %v", err)
		}
	})
	n.URL = n.App.URL
	p, err := n.App.Repo.CreateProvider(context.Background(), iam.OIDCProvider{
		Account: n.Account, URL: n.IdP.Issuer(), ClientIDs: o.ClientIDs,
	})
	if err != nil {
		t.Fatal(err)
	}
	n.ProviderARN = p.ARN()
	return n
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
