// Package devmode is `stsd dev`: stsd's main job with no setup. It starts a
// node on a data directory (a fresh temporary one by default) with loopback
// http issuers allowed, runs the built-in development OIDC issuer beside
// it, registers that issuer as a provider, creates a demo role that trusts
// it, and prints a ready-to-paste AWS CLI command with a fresh token. With
// an S3 backend (Config.S3.Backend, its key from the environment as for
// `stsd serve`) it starts the S3 gateway too, lets the demo role use it,
// and prints an `aws s3 ls` through the gateway with a demo session.
package devmode

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/stsd/stsd/internal/app"
	"github.com/stsd/stsd/internal/config"
	"github.com/stsd/stsd/internal/devidp"
	"github.com/stsd/stsd/internal/iam"
)

// DemoRole is the role `stsd dev` creates.
const DemoRole = "demo"

// TokenTTL is the lifetime of the tokens dev mode mints.
const TokenTTL = time.Hour

// Options configure dev mode.
type Options struct {
	Config  config.Config // Addr, DataDir ("" = temporary), AccountID, …
	IDPAddr string        // loopback address of the issuer on first start
	Out     io.Writer     // where the instructions go
	Getenv  func(string) string
	Logger  *slog.Logger // operational logs (default: the app's)
}

// Node is a running dev-mode node and issuer.
type Node struct {
	App       *app.App
	Issuer    *devidp.Issuer
	idp       *http.Server
	dataDir   string
	temp      bool   // the data directory is ours to remove
	s3Backend string // the S3 gateway's backend, when it runs
}

// Start brings up the issuer and the node and prepares the demo role.
func Start(ctx context.Context, o Options) (n *Node, err error) {
	n = &Node{}
	cfg := o.Config
	if cfg.DataDir == "" {
		if cfg.DataDir, err = os.MkdirTemp("", "stsd-dev-"); err != nil {
			return nil, err
		}
		n.temp = true
	} else if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, err
	}
	n.dataDir = cfg.DataDir
	node := n // `return nil, err` clears n before this runs
	defer func() {
		if err != nil {
			node.Close()
		}
	}()
	ln, err := n.startIssuer(cfg.DataDir, o.IDPAddr)
	if err != nil {
		return nil, err
	}
	n.idp = &http.Server{Handler: n.Issuer.Handler(), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = n.idp.Serve(ln) }()

	cfg.AllowHTTPIssuers = true
	if cfg.S3.Backend != "" {
		if cfg.S3.Addr == "" {
			cfg.S3.Addr = "127.0.0.1:0"
		}
		if err := cfg.Validate(); err != nil {
			return nil, err
		}
		n.s3Backend = cfg.S3.Backend
	}
	mint := func(sub string) (string, error) { return n.Issuer.Mint(sub, TokenTTL, nil) }
	if n.App, err = app.Start(ctx, app.Options{Config: cfg, Getenv: o.Getenv, Notice: o.Out, Logger: o.Logger,
		DevTokenMinter: mint}); err != nil {
		return nil, err
	}
	if err := n.ensureDemo(ctx); err != nil {
		return nil, err
	}
	if n.App.S3URL != "" {
		if err := n.ensureDemoS3(ctx); err != nil {
			return nil, err
		}
	}
	return n, nil
}

// startIssuer loads the issuer kept in the data directory (listening on its
// recorded address) or creates one on a fresh loopback port.
func (n *Node) startIssuer(dataDir, addr string) (net.Listener, error) {
	iss, err := devidp.Load(dataDir)
	if err == nil {
		n.Issuer = iss
		return iss.Listen()
	}
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("development issuer: %w", err)
	}
	if n.Issuer, err = devidp.LoadOrCreate(dataDir, ln.Addr().String()); err != nil {
		ln.Close()
		return nil, err
	}
	return ln, nil
}

// ensureDemo registers the issuer and the demo role (idempotently).
func (n *Node) ensureDemo(ctx context.Context) error {
	a := n.App
	p, err := a.Repo.CreateProvider(ctx, iam.OIDCProvider{
		Account: a.Account, URL: n.Issuer.URL(), ClientIDs: []string{devidp.Audience},
	})
	if err != nil && iam.KindOf(err) != iam.KindAlreadyExists {
		return err
	}
	arn := iam.ProviderARN(a.Account, n.Issuer.URL())
	if p != nil {
		arn = p.ARN()
	}
	hostPath := iam.TrimScheme(n.Issuer.URL())
	trust := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":%q},`+
		`"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{%q:%q}}}]}`,
		arn, hostPath+":aud", devidp.Audience)
	_, err = a.Repo.CreateRole(ctx, iam.Role{
		Account: a.Account, Name: DemoRole, Path: "/", AssumeRolePolicyDocument: trust,
		Description: "created by stsd dev", MaxSessionDuration: 3600,
	})
	if err != nil && iam.KindOf(err) != iam.KindAlreadyExists {
		return err
	}
	return a.Cache.WaitFor(ctx, func(s *iam.Snapshot) bool {
		_, ok := s.RoleByName(a.Account, DemoRole)
		return ok
	})
}

// PrintInstructions writes the ready-to-paste commands.
func (n *Node) PrintInstructions(w io.Writer) error {
	tok, err := n.Issuer.Mint("dev-user", TokenTTL, nil)
	if err != nil {
		return err
	}
	roleARN := iam.RoleARN(n.App.Account, "/", DemoRole)
	var b strings.Builder
	fmt.Fprintf(&b, "\nstsd dev is serving %s (data dir %s)\n", n.App.URL, n.dataDir)
	fmt.Fprintf(&b, "development OIDC issuer: %s (registered as a provider; role %s trusts it)\n\n", n.Issuer.URL(), roleARN)
	fmt.Fprintf(&b, "Try it (the token is valid for %s):\n\n", TokenTTL)
	fmt.Fprintf(&b, "  aws sts assume-role-with-web-identity --endpoint-url %s \\\n", n.App.URL)
	fmt.Fprintf(&b, "    --role-arn %s --role-session-name dev-session \\\n", roleARN)
	fmt.Fprintf(&b, "    --web-identity-token %s\n\n", tok)
	if n.App.S3URL != "" {
		s3, err := n.s3Instructions(roleARN, tok)
		if err != nil {
			return err
		}
		b.WriteString(s3)
	}
	fmt.Fprintf(&b, "Mint more tokens with:  stsd dev token --data-dir %s\n", n.dataDir)
	if n.App.ConsoleURL != "" {
		fmt.Fprintf(&b, "Web console:            %s (sign in with the root key in %s)\n", n.App.ConsoleURL,
			filepath.Join(n.dataDir, app.RootCredentialsFile))
	}
	fmt.Fprintf(&b, "Press Ctrl-C to stop.\n")
	_, err = io.WriteString(w, b.String())
	return err
}

// Close stops the node and the issuer; a temporary data directory is removed.
func (n *Node) Close() {
	if n.App != nil {
		_ = n.App.Close(5 * time.Second)
	}
	if n.idp != nil {
		_ = n.idp.Close()
	}
	if n.temp {
		_ = os.RemoveAll(n.dataDir)
	}
}

// Token mints a development token from the issuer kept in dataDir.
func Token(dataDir, subject string, ttl time.Duration) (string, error) {
	if dataDir == "" {
		return "", errors.New("--data-dir is required: the directory `stsd dev` printed")
	}
	iss, err := devidp.Load(dataDir)
	if err != nil {
		return "", err
	}
	return iss.Mint(subject, ttl, nil)
}
