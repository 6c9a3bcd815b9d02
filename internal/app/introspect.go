package app

import (
	"github.com/stsd/stsd/internal/introspect"
	"github.com/stsd/stsd/internal/oidc"
)

// newIntrospector builds the OAuth 2.0 introspection client of
// AssumeRoleWithWebIdentity's ProviderId path. Its requests follow the
// OIDC key fetches' network rules (oidcCfg: http only to loopback with
// --allow-http-issuers, link-local and metadata addresses refused,
// redirects on the same host, --ca-file roots); client secrets are read
// from this node's environment (getenv) or files.
func newIntrospector(oidcCfg oidc.Config, getenv func(string) string) *introspect.Client {
	return &introspect.Client{
		HTTP:     oidc.NewFetchClient(oidcCfg, introspect.DefaultTimeout),
		Timeout:  introspect.DefaultTimeout,
		CheckURL: func(u string) error { return oidc.CheckFetchURL(u, oidcCfg.AllowHTTPIssuers) },
		LookupEnv: func(name string) (string, bool) {
			v := getenv(name)
			return v, v != ""
		},
		Now: oidcCfg.Now,
	}
}
