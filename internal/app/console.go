package app

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/stsd/stsd/internal/authn"
	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/console"
	"github.com/stsd/stsd/internal/iamapi"
	"github.com/stsd/stsd/internal/sts"
)

// consoleParts are the node's services the console is built on.
type consoleParts struct {
	authn  *authn.Authenticator
	engine *authz.Engine
	iam    *iamapi.Service
	sts    *sts.Service
	reg    *prometheus.Registry
}

// withConsole serves the web console under /console/ in front of h, when
// console.enabled (the default).
func (a *App) withConsole(o Options, h http.Handler, p consoleParts) (http.Handler, error) {
	cfg := o.Config.Console
	if !cfg.Enabled {
		return h, nil
	}
	c, err := console.New(console.Deps{
		Authn: p.authn, Engine: p.engine, IAM: p.iam, STS: p.sts,
		Snapshot: a.Cache.Current, Repo: a.Repo, KeySets: a.verifier.KeySets,
		Activity: a.activity, Audit: a.audit, Metrics: p.reg, Account: o.Config.AccountID,
		Now: o.Now, Logger: o.Logger, IdleTimeout: cfg.IdleTimeout, SessionTimeout: cfg.SessionTimeout,
		MintToken: o.DevTokenMinter,
	})
	if err != nil {
		return nil, err
	}
	return console.Mount(h, c), nil
}

// consoleActivity is the audit log's live feed for the console, nil when
// the console is off (then nothing observes the audit log).
func consoleActivity(o Options) *console.Activity {
	if !o.Config.Console.Enabled {
		return nil
	}
	return console.NewActivity(o.Now)
}
