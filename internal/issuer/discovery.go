package issuer

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	jose "github.com/go-jose/go-jose/v4"
)

// The discovery paths under the issuer URL's path, as AWS's
// IssuerIdentifier documents them ("hosts the OpenID Connect (OIDC)
// discovery endpoints at /.well-known/openid-configuration and
// /.well-known/jwks.json", IAM API Reference,
// EnableOutboundWebIdentityFederation).
const (
	DiscoveryPath = "/.well-known/openid-configuration"
	JWKSPath      = "/.well-known/jwks.json"
)

// Cache lifetimes of the two documents. The JWKS changes when a key is
// added (PrePublish ahead of its use, far longer than this) or dropped.
const (
	discoveryMaxAge = 3600
	jwksMaxAge      = 300
)

// ClaimsNamespace is the claim AWS nests its own claims under.
const ClaimsNamespace = "https://sts.amazonaws.com/"

// discovery is the OpenID Provider Metadata (OpenID Connect Discovery 1.0
// §3): the required members, and the claims tokens carry.
type discovery struct {
	Issuer          string   `json:"issuer"`
	JWKSURI         string   `json:"jwks_uri"`
	ResponseTypes   []string `json:"response_types_supported"`
	SubjectTypes    []string `json:"subject_types_supported"`
	SigningAlgs     []string `json:"id_token_signing_alg_values_supported"`
	ClaimsSupported []string `json:"claims_supported"`
	ScopesSupported []string `json:"scopes_supported"`
}

// DiscoveryDocument is the issuer's openid-configuration.
func (is *Issuer) DiscoveryDocument() []byte {
	b, _ := json.Marshal(discovery{
		Issuer:          is.opts.URL,
		JWKSURI:         is.opts.URL + JWKSPath,
		ResponseTypes:   []string{"id_token"},
		SubjectTypes:    []string{"public"},
		SigningAlgs:     Algorithms,
		ClaimsSupported: []string{"aud", "exp", "iat", "iss", "jti", "sub", ClaimsNamespace},
		ScopesSupported: []string{"openid"},
	})
	return b
}

// JWKS is the key set relying parties verify with: the published public
// keys, each with kid, alg and use "sig".
func (is *Issuer) JWKS() []byte {
	set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{}}
	for _, k := range is.published() {
		set.Keys = append(set.Keys, k.public)
	}
	b, _ := json.Marshal(set)
	return b
}

// Handler serves the discovery document and the JWKS at the issuer
// URL's path, and passes every other request to next.
func (is *Issuer) Handler(next http.Handler) http.Handler {
	base := ""
	if u, err := url.Parse(is.opts.URL); err == nil {
		base = strings.TrimSuffix(u.EscapedPath(), "/")
	}
	discoveryAt, jwksAt := base+DiscoveryPath, base+JWKSPath
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body []byte
		var maxAge int
		switch r.URL.EscapedPath() {
		case discoveryAt:
			body, maxAge = is.DiscoveryDocument(), discoveryMaxAge
		case jwksAt:
			body, maxAge = is.JWKS(), jwksMaxAge
		default:
			next.ServeHTTP(w, r)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("Cache-Control", "public, max-age="+strconv.Itoa(maxAge))
		h.Set("Content-Length", strconv.Itoa(len(body)))
		if r.Method == http.MethodHead {
			return
		}
		_, _ = w.Write(body)
	})
}
