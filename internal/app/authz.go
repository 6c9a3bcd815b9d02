package app

import (
	"fmt"
	"net"

	"github.com/stsd/stsd/internal/authn"
	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/creds"
	"github.com/stsd/stsd/internal/downstream"
	"github.com/stsd/stsd/internal/server"
	"github.com/stsd/stsd/internal/sigv4"
)

// startDoors starts the authorization front doors the configuration
// enables: the HTTP listener (forward-auth, the JSON decision API) on
// authz.addr and Envoy ext_authz on authz.grpc_addr.
func (a *App) startDoors(o Options, engine *authz.Engine, root authn.RootCredentials, secrets *creds.SecretWrapper) error {
	cfg := o.Config.Authz
	if cfg.Addr == "" && cfg.GRPCAddr == "" {
		return nil
	}
	trusted, err := cfg.ParseTrustedProxies()
	if err != nil {
		return err
	}
	a.Door = downstream.NewDoor(downstream.Deps{
		Authn: &authn.Authenticator{
			// Any scope service (each door checks its own), the configured
			// regions, and X-Amz-Expires enforced on presigned requests as
			// API Gateway and S3 do.
			Verifier: &sigv4.Verifier{Now: o.Now, Regions: o.Config.Regions, EnforcePresignedExpires: true},
			Keyring:  a.Keyring, Root: root, Now: o.Now, Snapshot: a.Cache.Current, Secrets: secrets,
		},
		Engine:         engine,
		Account:        o.Config.AccountID,
		Sealer:         a.Keyring,
		Audit:          a.audit,
		TrustedProxies: trusted,
		Now:            o.Now,
		Logger:         o.Logger,
	})
	if cfg.Addr != "" {
		ln := o.AuthzListener
		if ln == nil {
			if ln, err = net.Listen("tcp", cfg.Addr); err != nil {
				return fmt.Errorf("authz listen: %w", err)
			}
		}
		a.authzSrv = server.HTTPServer(ln.Addr().String(), downstream.NewHandler(a.Door), o.Logger)
		a.AuthzURL = "http://" + ln.Addr().String()
		go func() { _ = a.authzSrv.Serve(ln) }()
		o.Logger.Info("stsd authorization front doors serving", "url", a.AuthzURL)
	}
	return a.startAuthzGRPC(o, trusted)
}
