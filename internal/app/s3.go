package app

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/url"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/stsd/stsd/internal/authn"
	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/config"
	"github.com/stsd/stsd/internal/creds"
	"github.com/stsd/stsd/internal/s3gw"
	"github.com/stsd/stsd/internal/secret"
	"github.com/stsd/stsd/internal/server"
	"github.com/stsd/stsd/internal/sigv4"
)

// startS3Gateway starts the S3 gateway when s3.addr is set: its own
// listener (TLS with s3.tls_cert_file, else the node's certificate), no overall
// read or write timeout (objects are large; idle and header timeouts
// still apply), sharing the node's snapshot, keyring, engine and audit log.
func (a *App) startS3Gateway(o Options, engine *authz.Engine, root authn.RootCredentials, secrets *creds.SecretWrapper, reg prometheus.Registerer) error {
	cfg := o.Config
	if cfg.S3.Addr == "" {
		return nil
	}
	backendURL, err := url.Parse(cfg.S3.Backend)
	if err != nil {
		return fmt.Errorf("s3.backend: %w", err)
	}
	keyID, secretKey := o.Getenv(config.S3BackendAccessKeyEnv), o.Getenv(config.S3BackendSecretKeyEnv)
	if keyID == "" || secretKey == "" {
		return fmt.Errorf("s3 gateway: set %s and %s to the backend's access key", config.S3BackendAccessKeyEnv, config.S3BackendSecretKeyEnv)
	}
	mode, err := s3gw.ParseAuditMode(cfg.S3.Audit)
	if err != nil {
		return err
	}
	trusted, err := cfg.Authz.ParseTrustedProxies()
	if err != nil {
		return err
	}
	gw := s3gw.New(s3gw.Deps{
		Authn: &authn.Authenticator{
			// S3's scope service, the configured regions, and presigned
			// URLs expiring at X-Amz-Date + X-Amz-Expires as on S3.
			Verifier: &sigv4.Verifier{Now: o.Now, Regions: cfg.Regions, Services: []string{"s3"}, EnforcePresignedExpires: true},
			Keyring:  a.Keyring, Root: root, Now: o.Now, Snapshot: a.Cache.Current, Secrets: secrets,
		},
		Engine:  engine,
		Repo:    a.Repo,
		Cache:   a.Cache,
		Account: cfg.AccountID,
		Backend: &s3gw.Backend{
			URL: backendURL, Region: cfg.S3.BackendRegion, AccessKeyID: keyID,
			SecretAccessKey: secret.NewString(secretKey), Client: s3gw.NewBackendClient(),
		},
		Domain:         cfg.S3.Domain,
		AuditMode:      mode,
		Audit:          a.audit,
		Metrics:        s3gw.NewMetrics(reg),
		TrustedProxies: trusted,
		Now:            o.Now,
		Logger:         o.Logger,
	})
	ln := o.S3Listener
	if ln == nil {
		if ln, err = net.Listen("tcp", cfg.S3.Addr); err != nil {
			return fmt.Errorf("s3 listen: %w", err)
		}
	}
	scheme := "http"
	certFile, keyFile := cfg.S3.TLSCertFile, cfg.S3.TLSKeyFile
	if certFile == "" {
		certFile, keyFile = cfg.TLSCertFile, cfg.TLSKeyFile
	}
	if certFile != "" {
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			ln.Close()
			return fmt.Errorf("tls: %w", err)
		}
		ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
		scheme = "https"
	}
	a.s3Srv = server.HTTPServer(ln.Addr().String(), gw, o.Logger)
	a.s3Srv.ReadTimeout, a.s3Srv.WriteTimeout = 0, 0
	a.S3URL = scheme + "://" + ln.Addr().String()
	go func() { _ = a.s3Srv.Serve(ln) }()
	o.Logger.Info("stsd S3 gateway serving", "url", a.S3URL, "backend", backendURL.Redacted())
	return nil
}
