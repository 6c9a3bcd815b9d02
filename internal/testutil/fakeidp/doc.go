// Package fakeidp is a real OpenID Connect identity provider for tests: an
// httptest server (HTTP or HTTPS) serving discovery and a JWKS, minting
// RS/ES 256/384/512 tokens with any claims and headers (and broken ones for
// attack tests), rotating and removing keys, injecting faults (status codes,
// delays, garbage, huge bodies, a wrong discovery issuer, redirects,
// Cache-Control values) and counting requests per path.
//
// Typical use:
//
//	idp := fakeidp.New(t, fakeidp.Options{})          // HTTP on 127.0.0.1, one RS256 key
//	token := idp.Mint(idp.Claims("repo:org/app", "sts.amazonaws.com"))
//	// verify with oidc.Config{AllowHTTPIssuers: true} and a Provider whose URL is idp.Issuer()
//
// With Options{TLS: true} the server speaks HTTPS; trust it with CAPool()
// or pin Thumbprint(). Everything is torn down by t.Cleanup.
package fakeidp
