package oidc

import (
	"crypto/x509"
	"log/slog"
	"time"
)

// Provider is an OpenID Connect provider as the IAM snapshot holds it.
type Provider struct {
	// ARN is arn:aws:iam::<account>:oidc-provider/<URL without scheme>.
	ARN string
	// URL is the issuer with its scheme, compared exactly with the token's
	// iss (case, path and trailing slash significant).
	URL string
	// ClientIDs are the accepted audiences.
	ClientIDs []string
	// Thumbprints are 40-hex SHA-1 digests of the top certificate a key host
	// presents; they are consulted only when the TLS chain does not verify
	// against the trusted roots.
	Thumbprints []string
	// JWKSURL, when set, replaces discovery: keys are fetched from it.
	JWKSURL string
	// StaticJWKS, when set, is the provider's key set; nothing is fetched.
	StaticJWKS []byte
	// MaxTokenAge, when positive, rejects tokens whose iat is older.
	MaxTokenAge time.Duration
}

// Identity is a verified web identity token.
type Identity struct {
	Provider *Provider
	Issuer   string
	// Subject is sub; a numeric sub is kept as its JSON text.
	Subject string
	// Audience is the effective audience: azp if present, else the single aud.
	Audience string
	// OriginalAudience is aud as sent (exposed as <provider>:oaud).
	OriginalAudience []string
	AZP              string
	AMR              []string
	IssuedAt         time.Time
	Expiry           time.Time
	NotBefore        time.Time // zero when the token has no nbf
	// Claims holds every claim; numbers are json.Number so integers stay exact.
	Claims map[string]any
	// Algorithm and KeyID name the header alg and kid that verified (for
	// audit events); KeyID is "" for a token without kid.
	Algorithm string
	KeyID     string
}

// FetchOutcome labels the result of one key-set fetch for metrics.
type FetchOutcome string

// Fetch outcomes.
const (
	FetchOK                 FetchOutcome = "ok"
	FetchError              FetchOutcome = "error"               // transport, HTTP status, redirect policy
	FetchTimeout            FetchOutcome = "timeout"             // the 5 s budget ran out
	FetchInvalid            FetchOutcome = "invalid"             // discovery or JWKS document rejected
	FetchBlocked            FetchOutcome = "blocked"             // SSRF guard refused the address or URL
	FetchThumbprintMismatch FetchOutcome = "thumbprint_mismatch" // untrusted chain, no thumbprint matched
)

// Observer receives key-set events; the server implements it with
// Prometheus counters. Calls are made synchronously and must be cheap.
type Observer interface {
	// JWKSFetch reports one refresh of a provider's keys (discovery and JWKS).
	JWKSFetch(issuer string, outcome FetchOutcome, took time.Duration)
	// KeyLookup reports whether a token's key was found in the cache.
	KeyLookup(issuer string, hit bool)
}

// Config configures a Verifier. The zero value is usable: real clock,
// system roots, https issuers only, default logger, no observer.
type Config struct {
	// Now is the clock for token times and cache ages (default time.Now).
	// TLS certificate validity always uses the real clock.
	Now func() time.Time
	// AllowHTTPIssuers accepts http:// issuers and key URLs whose host is a
	// loopback address or "localhost" (development and tests only).
	AllowHTTPIssuers bool
	// InsecureAllowLinkLocal permits fetches from link-local and cloud
	// metadata addresses (169.254.0.0/16, fe80::/10, fd00:ec2::254).
	InsecureAllowLinkLocal bool
	// AllowCrossHostRedirects lets discovery and JWKS fetches follow a
	// redirect to another scheme, host or port than the URL fetched. Off,
	// a redirect must stay on that URL's scheme, host and port (a host is
	// host:port). Either way at most 3 redirects are followed, never from
	// https to http, and the dial-time guard refuses link-local and
	// metadata addresses however a redirect names them.
	AllowCrossHostRedirects bool
	// RootCAs replaces the system roots for key fetches when set; build it
	// with LoadRootCAs to add a CA file to the system roots.
	RootCAs *x509.CertPool
	// Logger receives fetch failures (default slog.Default()).
	Logger *slog.Logger
	// Observer receives metrics events (optional).
	Observer Observer
}
