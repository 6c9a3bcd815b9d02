// Package e2e runs whole stsd nodes on loopback and drives them with real
// clients (aws-sdk-go-v2, plain HTTP), with the fake identity provider as the
// token issuer.
package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/stsd/stsd/internal/app"
	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/testutil/fakeidp"
	"github.com/stsd/stsd/internal/testutil/stsdnode"
	"github.com/stsd/stsd/internal/testutil/syncio"
	"github.com/stsd/stsd/internal/testutil/testclock"
)

const (
	account = "111122223333"
	aud     = "sts.amazonaws.com"
)

// node is a running stsd (a stsdnode.Node) with a fake IdP, which
// provider() registers as an OIDC provider, and a clock the test moves.
type node struct {
	t       testing.TB
	sn      *stsdnode.Node
	app     *app.App
	idp     *fakeidp.IdP
	clock   *testclock.Clock
	dataDir string
	logs    *syncio.Buffer // the node's logs and operator notices
}

type nodeOptions struct {
	dataDir   string
	idp       *fakeidp.IdP
	env       map[string]string
	clock     *testclock.Clock
	bootstrap string // path of a bootstrap file
}

// startNode starts a node on a fresh (or given) data directory.
func startNode(t testing.TB, o nodeOptions) *node {
	t.Helper()
	n, err := startNodeErr(t, o)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// startNodeErr is startNode returning the start error.
func startNodeErr(t testing.TB, o nodeOptions) (*node, error) {
	t.Helper()
	return launch(t, o, func(a *app.Options) { a.Config.Bootstrap = o.bootstrap })
}

// launch starts a node with stsdnode: its audit log in the data directory
// (auditLog reads it), unless prepare, which has the last word on the
// node's options, says otherwise.
func launch(t testing.TB, o nodeOptions, prepare func(*app.Options)) (*node, error) {
	t.Helper()
	if o.idp == nil {
		o.idp = fakeidp.New(t, fakeidp.Options{})
	}
	if o.clock == nil {
		o.clock = testclock.New(time.Now().Truncate(time.Second))
	}
	sn, err := stsdnode.StartErr(t, stsdnode.Options{Account: account, IdP: o.idp, NoProvider: true, Now: o.clock.Now,
		Env: o.env, DataDir: o.dataDir, Prepare: func(a *app.Options) {
			a.AuditWriter = nil
			prepare(a)
		}})
	if err != nil {
		return nil, err
	}
	return &node{t: t, sn: sn, app: sn.App, idp: o.idp, clock: o.clock, dataDir: sn.DataDir, logs: sn.Logs}, nil
}

// stop stops the node (the test's end does too); the audit log is flushed.
func (n *node) stop() { n.sn.Stop() }

// provider registers the fake IdP (idempotent) and returns its ARN.
func (n *node) provider() string {
	n.t.Helper()
	p, err := n.app.Repo.CreateProvider(context.Background(), iam.OIDCProvider{
		Account: account, URL: n.idp.Issuer(), ClientIDs: []string{aud},
	})
	if err != nil {
		if iam.KindOf(err) == iam.KindAlreadyExists {
			return iam.ProviderARN(account, n.idp.Issuer())
		}
		n.t.Fatal(err)
	}
	return p.ARN()
}

// hostPath is the condition-key prefix of the fake IdP's provider.
func (n *node) hostPath() string { return strings.TrimPrefix(n.idp.Issuer(), "http://") }

// role creates a role trusting the fake IdP with the given trust statement
// extras (conditions, extra actions); it waits until the node sees it.
func (n *node) role(name, trust string, maxSession int) string {
	n.t.Helper()
	r, err := n.app.Repo.CreateRole(context.Background(), iam.Role{
		Account: account, Name: name, Path: "/", AssumeRolePolicyDocument: trust, MaxSessionDuration: maxSession,
	})
	if err != nil {
		n.t.Fatal(err)
	}
	n.waitRole(name)
	return r.ARN()
}

func (n *node) waitRole(name string) {
	n.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := n.app.Cache.WaitFor(ctx, func(s *iam.Snapshot) bool {
		_, ok := s.RoleByName(account, name)
		return ok
	})
	if err != nil {
		n.t.Fatalf("role %s never appeared in the snapshot: %v", name, err)
	}
}

// trustFor is a trust policy allowing the provider with an aud condition and
// extra actions.
func (n *node) trustFor(extraActions ...string) string {
	actions := append([]string{"sts:AssumeRoleWithWebIdentity"}, extraActions...)
	return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":%q},"Action":%s,"Condition":{"StringEquals":{%q:%q}}}]}`,
		n.provider(), jsonList(actions), n.hostPath()+":aud", aud)
}

func jsonList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = fmt.Sprintf("%q", s)
	}
	return "[" + strings.Join(q, ",") + "]"
}

// token mints a valid token for sub at the node's clock, with overrides.
func (n *node) token(sub string, override map[string]any) string {
	now := n.clock.Now().Unix()
	claims := map[string]any{"iss": n.idp.Issuer(), "sub": sub, "aud": aud, "iat": now, "exp": now + 3600}
	for k, v := range override {
		if v == nil {
			delete(claims, k)
			continue
		}
		claims[k] = v
	}
	return n.idp.Mint(claims)
}

// stsClient is an aws-sdk-go-v2 STS client for the node: anonymous unless
// credentials are given.
func (n *node) stsClient(creds aws.CredentialsProvider) *sts.Client {
	if creds == nil {
		creds = aws.AnonymousCredentials{}
	}
	return sts.New(sts.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(n.app.URL),
		Credentials:  creds,
		HTTPClient:   http.DefaultClient,
	})
}

// post sends raw form parameters and returns status, headers and body.
func (n *node) post(params url.Values, header http.Header) (int, http.Header, string) {
	n.t.Helper()
	req, err := http.NewRequest(http.MethodPost, n.app.URL+"/", strings.NewReader(params.Encode()))
	if err != nil {
		n.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, vs := range header {
		req.Header[k] = vs
	}
	return n.do(req)
}

func (n *node) do(req *http.Request) (int, http.Header, string) {
	n.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		n.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(body)
}

// auditLog returns the audit log's contents after the node stopped.
func (n *node) auditLog() string {
	n.t.Helper()
	raw, err := os.ReadFile(filepath.Join(n.dataDir, "audit.log"))
	if err != nil {
		n.t.Fatal(err)
	}
	return string(raw)
}

// arwwi returns AssumeRoleWithWebIdentity form parameters.
func arwwi(roleARN, session, token string) url.Values {
	return url.Values{
		"Action": {"AssumeRoleWithWebIdentity"}, "Version": {"2011-06-15"},
		"RoleArn": {roleARN}, "RoleSessionName": {session}, "WebIdentityToken": {token},
	}
}
