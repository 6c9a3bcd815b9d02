package app

import (
	"fmt"
	"net"
	"net/netip"
	"time"

	"google.golang.org/grpc"

	"github.com/stsd/stsd/internal/extauthz"
)

// authzGRPCStopTimeout bounds the graceful stop of the ext_authz listener:
// in-flight Checks finish, then the remaining connections are closed.
const authzGRPCStopTimeout = 5 * time.Second

// startAuthzGRPC serves Envoy ext_authz (envoy.service.auth.v3.Authorization)
// on authz.grpc_addr, or on Options.AuthzGRPCListener, when the address is
// set. a.Door must exist. The server stops when the node closes: its stop
// runs first in the node's cancel, before the cache, keyring, audit log and
// store close, so in-flight Checks still have all of them.
func (a *App) startAuthzGRPC(o Options, trusted []netip.Prefix) error {
	if o.Config.Authz.GRPCAddr == "" {
		return nil
	}
	ln := o.AuthzGRPCListener
	if ln == nil {
		var err error
		if ln, err = net.Listen("tcp", o.Config.Authz.GRPCAddr); err != nil {
			return fmt.Errorf("authz grpc listen: %w", err)
		}
	}
	srv := extauthz.NewGRPCServer(extauthz.New(extauthz.Options{
		Door: a.Door, Account: o.Config.AccountID, TrustedProxies: trusted, Logger: o.Logger,
	}))
	a.AuthzGRPCAddr = ln.Addr().String()
	go func() { _ = srv.Serve(ln) }()
	cancel := a.cancel
	a.cancel = func() {
		stopGRPC(srv, authzGRPCStopTimeout)
		if cancel != nil {
			cancel()
		}
	}
	o.Logger.Info("stsd Envoy ext_authz serving", "addr", a.AuthzGRPCAddr)
	return nil
}

// stopGRPC stops srv gracefully, then forcibly after timeout.
func stopGRPC(srv *grpc.Server, timeout time.Duration) {
	done := make(chan struct{})
	go func() { srv.GracefulStop(); close(done) }()
	select {
	case <-done:
	case <-time.After(timeout):
		srv.Stop()
		<-done
	}
}
