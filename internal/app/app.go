// Package app assembles one stsd node from its configuration: the store in
// the data directory, the master key and session-token keyring, the root
// credentials, the IAM snapshot cache, the token verifier, the audit log,
// and the HTTP server. cmd/stsd and the end-to-end tests both start nodes
// through it, so what the tests run is what users run.
package app

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/stsd/stsd/internal/audit"
	"github.com/stsd/stsd/internal/authn"
	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/awsquery"
	"github.com/stsd/stsd/internal/config"
	"github.com/stsd/stsd/internal/console"
	"github.com/stsd/stsd/internal/creds"
	"github.com/stsd/stsd/internal/downstream"
	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/iamapi"
	"github.com/stsd/stsd/internal/issuer"
	"github.com/stsd/stsd/internal/oidc"
	"github.com/stsd/stsd/internal/server"
	"github.com/stsd/stsd/internal/sigv4"
	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/sts"
)

// Options are what a node needs beyond its configuration.
type Options struct {
	Config config.Config
	// Getenv reads STSD_* variables (default os.Getenv).
	Getenv func(string) string
	// Logger receives operational logs (default: JSON on stderr).
	Logger *slog.Logger
	// Notice receives the few lines meant for the operator at start
	// (generated credential paths, the listen URL); default stderr.
	Notice io.Writer
	// Listener, when set, is used instead of listening on Config.Addr.
	Listener net.Listener
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Store, when set, replaces the bbolt store in the data directory.
	Store store.Store
	// AuthzListener, when set, is used instead of listening on
	// Config.Authz.Addr (which must still be set to enable the doors).
	AuthzListener net.Listener
	// AuthzGRPCListener, when set, is used instead of listening on
	// Config.Authz.GRPCAddr (which must still be set to enable ext_authz).
	AuthzGRPCListener net.Listener
	// S3Listener, when set, is used instead of listening on
	// Config.S3.Addr (which must still be set to enable the gateway).
	S3Listener net.Listener
	// DevTokenMinter, set by `stsd dev`, mints development-issuer tokens
	// for the console's token playground.
	DevTokenMinter func(subject string) (string, error)
	// AuditWriter, when set, receives the audit log instead of the file
	// or stdout the configuration names (tests).
	AuditWriter io.Writer
}

// App is a running node.
type App struct {
	URL     string
	Root    authn.RootCredentials
	Repo    *iam.Repo
	Cache   *iam.Cache
	Keyring *creds.Keyring
	Account string
	// Issuer is stsd's OpenID Connect issuer (GetWebIdentityToken), nil
	// unless an issuer URL is configured.
	Issuer *issuer.Issuer

	// ConsoleURL is the web console's URL, when it is enabled.
	ConsoleURL string
	// Handler is the node's HTTP handler (benchmarks drive it directly).
	Handler http.Handler
	// Engine is the node's authorization engine.
	Engine *authz.Engine
	// Door is the front doors' core and AuthzURL the authz listener's
	// URL, when the doors are enabled.
	Door     *downstream.Door
	AuthzURL string
	// AuthzGRPCAddr is the host:port of the Envoy ext_authz gRPC listener,
	// when it is enabled.
	AuthzGRPCAddr string
	// S3URL is the S3 gateway's URL, when it is enabled.
	S3URL string
	// DebugURL is the pprof listener's URL, when debug_addr is set.
	DebugURL string

	store    store.Store
	verifier *oidc.Verifier
	audit    *audit.Logger
	auditOut io.Closer
	activity *console.Activity // the console's audit feed (nil: console off)
	srv      *http.Server
	authzSrv *http.Server
	s3Srv    *http.Server
	debugSrv *http.Server
	served   chan error
	cancel   context.CancelFunc
}

// Start opens everything, applies the bootstrap file, and serves.
func Start(ctx context.Context, o Options) (_ *App, err error) {
	o = withDefaults(o)
	cfg := o.Config
	a := &App{Account: cfg.AccountID, served: make(chan error, 1)}
	defer func() {
		if err != nil { // release what was opened before the failure
			a.closeParts()
		}
	}()
	runCtx, cancel := context.WithCancel(context.Background())
	a.cancel = cancel
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	if a.store = o.Store; a.store == nil {
		if a.store, err = OpenStore(ctx, cfg, o.Getenv); err != nil {
			return nil, err
		}
	}
	master, masterPath, created, err := creds.LoadOrCreateMasterKey(cfg.DataDir, o.Getenv)
	if err != nil {
		return nil, err
	}
	if created {
		fmt.Fprintf(o.Notice, "stsd: generated the master key in %s (keep it; nodes sharing a store share it)\n", masterPath)
	}
	root, rootPath, created, err := loadRootCredentials(cfg.DataDir, cfg.AccountID, o.Getenv)
	if err != nil {
		return nil, err
	}
	a.Root = root
	if created {
		fmt.Fprintf(o.Notice, "stsd: generated root credentials in %s (use AWS_SHARED_CREDENTIALS_FILE=%s)\n", rootPath, rootPath)
	}
	rotate := cfg.KeyringRotationInterval // zero: the keyring's defaults
	keyring := creds.KeyringOptions{Now: o.Now, Logger: o.Logger, RotateEvery: rotate, CheckEvery: min(time.Minute, rotate/4)}
	if a.Keyring, err = creds.OpenKeyring(ctx, a.store, master, keyring); err != nil {
		return nil, err
	}
	if err := a.openIssuer(ctx, o, master); err != nil {
		return nil, err
	}
	a.Repo = iam.NewRepo(a.store, iam.RepoOptions{Now: o.Now, URL: iam.URLOptions{AllowHTTPLoopback: cfg.AllowHTTPIssuers}})
	if cfg.Bootstrap != "" {
		if err := applyBootstrap(ctx, a.Repo, cfg); err != nil {
			return nil, err
		}
	}
	a.Cache = iam.NewCache(a.store, iam.CacheOptions{Logger: o.Logger})
	if err := a.Cache.Start(runCtx); err != nil {
		return nil, err
	}

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	oidcCfg := oidc.Config{Now: o.Now, AllowHTTPIssuers: cfg.AllowHTTPIssuers, AllowCrossHostRedirects: cfg.AllowCrossHostOIDCRedirects,
		Logger: o.Logger, Observer: newOIDCMetrics(reg)}
	if cfg.CAFile != "" {
		if oidcCfg.RootCAs, err = oidc.LoadRootCAs(cfg.CAFile); err != nil {
			return nil, err
		}
	}
	a.verifier = oidc.NewVerifier(oidcCfg)
	a.activity = consoleActivity(o)
	if a.audit, a.auditOut, err = openAudit(cfg, o, a.activity); err != nil {
		return nil, err
	}
	registerAuditMetrics(reg, a.audit)
	secrets, err := creds.NewSecretWrapper(master)
	if err != nil {
		return nil, err
	}
	authnFor := func(service string, regions []string) *authn.Authenticator {
		return &authn.Authenticator{
			Verifier: &sigv4.Verifier{Now: o.Now, Regions: regions, Services: []string{service}},
			Keyring:  a.Keyring, Root: root, Now: o.Now, Snapshot: a.Cache.Current, Secrets: secrets,
		}
	}
	engine := authz.New(a.Cache.Current, o.Now)
	a.Engine = engine
	stsAPI := sts.New(sts.Deps{
		Snapshot: a.Cache.Current,
		Verifier: a.verifier,
		// The ProviderId path (OAuth 2.0 providers of the bootstrap file).
		Introspector: newIntrospector(oidcCfg, o.Getenv),
		Keyring:      a.Keyring,
		Authn:        authnFor("sts", cfg.Regions),
		Authz:        engine,
		Issuer:       a.Issuer,
		Audit:        a.audit,
		Now:          o.Now,
	})
	iamAPI := iamapi.New(iamapi.Deps{
		Repo:    a.Repo,
		Cache:   a.Cache,
		Authn:   authnFor("iam", []string{iamapi.SigningRegion}),
		Authz:   engine,
		Secrets: secrets,
		Issuer:  a.Issuer,
		Audit:   a.audit,
		URL:     iam.URLOptions{AllowHTTPLoopback: cfg.AllowHTTPIssuers},
		Now:     o.Now,
		Logger:  o.Logger,
	})
	handler := server.NewHandler(server.Config{
		APIs:           []awsquery.API{stsAPI, iamAPI},
		Logger:         o.Logger,
		Metrics:        server.NewMetrics(reg, append(stsAPI.Actions(), iamAPI.Actions()...)),
		Now:            o.Now,
		Registry:       reg,
		DefaultVersion: sts.Version,
	})
	a.Handler = a.withIssuer(handler)
	if a.Handler, err = a.withConsole(o, a.Handler, consoleParts{authn: authnFor("iam", []string{iamapi.SigningRegion}),
		engine: engine, iam: iamAPI, sts: stsAPI, reg: reg}); err != nil {
		return nil, err
	}
	if err := a.startDoors(o, engine, root, secrets); err != nil {
		return nil, err
	}
	if err := a.startS3Gateway(o, engine, root, secrets, reg); err != nil {
		return nil, err
	}
	if err := a.startDebug(o); err != nil {
		return nil, err
	}
	return a, a.serve(o, a.Handler)
}

func withDefaults(o Options) Options {
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewJSONHandler(os.Stderr, nil))
	}
	if o.Notice == nil {
		o.Notice = os.Stderr
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

func (a *App) serve(o Options, h http.Handler) error {
	cfg := o.Config
	ln := o.Listener
	if ln == nil {
		var err error
		if ln, err = net.Listen("tcp", cfg.Addr); err != nil {
			return fmt.Errorf("listen: %w", err)
		}
	}
	a.srv = server.HTTPServer(ln.Addr().String(), h, o.Logger)
	if a.activity != nil {
		// Shutdown waits for open requests; the console's live activity
		// streams end when it starts.
		a.srv.RegisterOnShutdown(a.activity.Close)
	}
	scheme := "http"
	if cfg.TLSCertFile != "" {
		cert, err := tls.LoadX509KeyPair(cfg.TLSCertFile, cfg.TLSKeyFile)
		if err != nil {
			ln.Close()
			return fmt.Errorf("tls: %w", err)
		}
		ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
		scheme = "https"
	}
	a.URL = scheme + "://" + ln.Addr().String()
	if cfg.Console.Enabled {
		a.ConsoleURL = a.URL + "/console/"
	}
	go func() { a.served <- a.srv.Serve(ln) }()
	o.Logger.Info("stsd serving", "url", a.URL, "account", cfg.AccountID, "data_dir", cfg.DataDir)
	return nil
}

// Wait blocks until the server stops on its own (an error) or ctx ends.
func (a *App) Wait(ctx context.Context) error {
	select {
	case err := <-a.served:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	case <-ctx.Done():
		return nil
	}
}

// Close stops serving gracefully (in-flight requests finish within the
// timeout), then closes the keyring, cache, audit log and store.
func (a *App) Close(timeout time.Duration) error {
	var err error
	if a.srv != nil {
		err = server.Shutdown(a.srv, timeout)
	}
	if a.authzSrv != nil {
		_ = server.Shutdown(a.authzSrv, timeout)
	}
	if a.s3Srv != nil {
		_ = server.Shutdown(a.s3Srv, timeout)
	}
	a.closeParts()
	return err
}

func (a *App) closeParts() {
	if a.authzSrv != nil {
		_ = a.authzSrv.Close() // a start that failed after the doors opened
	}
	if a.s3Srv != nil {
		_ = a.s3Srv.Close()
	}
	if a.debugSrv != nil {
		_ = a.debugSrv.Close()
	}
	if a.cancel != nil {
		a.cancel()
	}
	if a.Cache != nil {
		<-a.Cache.Done()
	}
	if a.verifier != nil {
		a.verifier.Close()
	}
	if a.Keyring != nil {
		_ = a.Keyring.Close()
	}
	if a.Issuer != nil {
		_ = a.Issuer.Close()
	}
	if a.audit != nil {
		_ = a.audit.Close()
	}
	if a.auditOut != nil {
		_ = a.auditOut.Close()
	}
	if a.store != nil {
		_ = a.store.Close()
	}
}
