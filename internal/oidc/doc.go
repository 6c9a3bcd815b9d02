// Package oidc verifies OpenID Connect web identity tokens the way AWS STS
// does for AssumeRoleWithWebIdentity, with stricter defaults where AWS is
// lax, and manages each provider's signing keys.
//
// A Verifier checks, in order and before any I/O: token size (4..20000),
// compact JWS form (JWE and JSON serialization are refused), strict
// base64url (every byte of every segment in A–Z a–z 0–9 - _: no padding,
// whitespace or line breaks, which Go's decoder would skip), header and
// payload JSON (duplicate member names at any depth
// are rejected — AWS takes the last one; rejecting is the safe choice so
// no two parsers can disagree about a claim), the alg allow-list
// (RS256/384/512, ES256/384/512; the header alone picks the hash and must
// fit the key's type and curve), crit/b64/enc headers, the issuer lookup
// (exact string; https, or http to loopback when allowed), and the claim
// rules that depend only on the token and the clock (required claims,
// types, integer timestamps, aud/azp shape, exp/nbf/iat with 5 min skew).
// Then it finds the key by kid in the provider's cached key set and checks
// the signature over the bytes exactly as received; jku, x5u, jwk and x5c
// headers are never used. Only after the signature verifies does it apply
// the provider's client IDs and maximum token age, so a forged token cannot
// probe them.
//
// Keys come from discovery (<iss>/.well-known/openid-configuration whose
// issuer must equal iss), an explicit JWKS URL, or a static JWKS. Each
// provider's key set is cached in memory and refreshed by a timer when its
// Cache-Control max-age (1 min..24 h, default 1 h) runs out — so a key the
// IdP removed stops verifying on time even without traffic — and, as a
// fallback, by the first request that sees stale keys (that request is
// served from the cache and never waits). When refreshes fail the last good
// keys stay usable for 24 h more, retried every 30 s. An unknown kid
// triggers an on-demand refresh; the token's iat, compared with the time
// the cached key set was fetched, decides how soon. A token issued after
// that fetch may be signed with a key the IdP published since (it rotated
// and signs with the new key at once), so it refreshes at once, at most
// once per second per provider, whatever kids were remembered as unknown.
// A token issued before that fetch cannot be helped by a refresh: it
// refreshes at most once per 30 s per provider, and a kid a refresh did not
// find is remembered for a minute. Concurrent requests share the one fetch
// in flight and the others fail fast. kid and iat are read before the
// signature is checked, but only after every token-only check passed, and
// they only decide whether to fetch the provider's own key set — never
// where keys come from or whether a signature holds; a forged iat is at
// most 5 min ahead and buys at most one fetch a second. With no usable
// keys at all, a failed fetch is retried by requests after 5 s.
// Fetches have a 5 s budget, a 1 MiB body cap, at most 3 redirects (never
// https→http, and only to the fetched URL's scheme, host and port unless
// Config.AllowCrossHostRedirects), no proxy, TLS verified against the
// roots with the IAM thumbprints as the only fallback, and refuse
// link-local and metadata addresses (169.254.0.0/16, fe80::/10,
// fd00:ec2::254, and their NAT64 forms) at dial time, so neither DNS
// rebinding nor a redirect can reach them.
//
// # Mapping reasons to AWS errors
//
// The STS layer renders each Reason as follows (spec §4, §5.2–5.7). All are
// HTTP 400: a token that can never succeed must never look retryable, and
// every SDK retries a 5xx. "KEYMSG" is AWS's text with two spaces after the
// comma: "Couldn't retrieve verification key from your identity provider,
// please reference AssumeRoleWithWebIdentity documentation for
// requirements". "MODELMSG" is the service model's description of
// InvalidIdentityTokenException, used where AWS's own text was not
// captured (spec §14 question 1): "The web identity token that was passed
// could not be validated by AWS. Get a new identity token from the
// identity provider and then retry the request."
//
//	Reason              Code                   Message
//	malformed           InvalidIdentityToken   MODELMSG
//	unsupported_alg     InvalidIdentityToken   MODELMSG
//	unknown_kid         InvalidIdentityToken   MODELMSG
//	too_many_keys       InvalidIdentityToken   KEYMSG
//	keys_unavailable    InvalidIdentityToken   KEYMSG
//	thumbprint_mismatch InvalidIdentityToken   "OpenIDConnect provider's HTTPS certificate doesn't match configured thumbprint"
//	bad_signature       InvalidIdentityToken   MODELMSG
//	issuer_unknown      InvalidIdentityToken   "No OpenIDConnect provider found in your account for " + Error.Issuer
//	wrong_audience      InvalidIdentityToken   "Incorrect token audience"
//	ambiguous_audience  InvalidIdentityToken   "Incorrect token audience"
//	missing_claim       InvalidIdentityToken   "Missing a required claim: " + Error.Claim (an empty sub counts as missing)
//	invalid_claim       InvalidIdentityToken   MODELMSG. A claim of the wrong JSON type, e.g. sub null, true, {}
//	                                           or ["x"]. AWS was seen answering sub:null with InternalFailure
//	                                           500 (spec §4.2, [P]); stsd deliberately answers 400 instead.
//	not_yet_valid       InvalidIdentityToken   MODELMSG
//	issued_in_future    InvalidIdentityToken   MODELMSG
//	expired             ExpiredTokenException  "Token expired: current date/time " + Now + " must be before the expiration date/time " + ExpiresAt
//	too_old             ExpiredTokenException  "Token too old: " + Age
//
// IDPCommunicationError is never produced: AWS reports key-fetch failures
// as InvalidIdentityToken with KEYMSG.
package oidc
