package oidc

import (
	"crypto/x509"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// NewFetchClient returns an HTTP client that follows the rules of the key
// fetches, for other requests stsd makes to an identity provider on a
// caller's behalf (OAuth 2.0 token introspection): no proxy; every dial,
// redirects' included, refuses unspecified and multicast addresses and,
// unless cfg.InsecureAllowLinkLocal, link-local and cloud metadata
// addresses (checked on the resolved IP, so DNS rebinding cannot reach
// them); TLS 1.2 or later verified against cfg.RootCAs (the system roots
// when nil), with no thumbprint fallback; at most 3 redirects, never from
// https to http, only to URLs CheckFetchURL allows and, unless
// cfg.AllowCrossHostRedirects, only to the same scheme, host and port;
// timeout bounds the whole exchange, body included.
func NewFetchClient(cfg Config, timeout time.Duration) *http.Client {
	roots := cfg.RootCAs
	var once sync.Once
	return newHTTPClient(fetchPolicy{
		allowHTTP:               cfg.AllowHTTPIssuers,
		allowLinkLocal:          cfg.InsecureAllowLinkLocal,
		allowCrossHostRedirects: cfg.AllowCrossHostRedirects,
		roots: func() *x509.CertPool {
			once.Do(func() {
				if roots == nil {
					if pool, err := x509.SystemCertPool(); err == nil {
						roots = pool
					} else {
						roots = x509.NewCertPool()
					}
				}
			})
			return roots
		},
		timeout: timeout,
	})
}

// CheckFetchURL reports whether rawURL may be fetched: an https URL, or an
// http URL of a loopback host ("localhost" or a loopback IP) when
// allowHTTP is set (Config.AllowHTTPIssuers); never with user info.
func CheckFetchURL(rawURL string, allowHTTP bool) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return errBlockedURL
	}
	return checkFetchURL(u, allowHTTP)
}
