package app

import (
	"context"
	"net/http"

	"github.com/stsd/stsd/internal/issuer"
	"github.com/stsd/stsd/internal/secret"
)

// openIssuer opens stsd's own OpenID Connect issuer when an issuer URL is
// configured (GetWebIdentityToken, the discovery document and the JWKS);
// without one it returns nil and the feature is off.
func (a *App) openIssuer(ctx context.Context, o Options, master secret.Bytes) error {
	cfg := o.Config
	if cfg.IssuerURL == "" {
		return nil
	}
	is, err := issuer.Open(ctx, a.store, master, issuer.Options{
		URL: cfg.IssuerURL, Now: o.Now, RotateEvery: cfg.IssuerKeyRotationInterval, Logger: o.Logger,
	})
	if err != nil {
		return err
	}
	a.Issuer = is
	return nil
}

// withIssuer serves the issuer's discovery document and JWKS on the main
// listener, in front of h.
func (a *App) withIssuer(h http.Handler) http.Handler {
	if a.Issuer == nil {
		return h
	}
	return a.Issuer.Handler(h)
}
