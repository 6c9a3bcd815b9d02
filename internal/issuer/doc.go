// Package issuer makes stsd an OpenID Connect issuer, as AWS STS is one for
// outbound identity federation (GetWebIdentityToken): it keeps the signing
// keys, signs tokens, serves the discovery document and the JWKS, and
// records which accounts have the feature enabled.
//
// # Signing keys
//
// There is one chain of keys per algorithm AWS offers, RS256 (RSA 2048)
// and ES384 (P-384). Keys live in the store under "issuer/keys/<kid>",
// each a JSON record whose private key (PKCS #8) is sealed with
// AES-256-GCM under a key derived from the master key, with the kid and
// algorithm as additional data, so a record cannot be moved to another
// kid. Every node keeps every key in memory and follows the store's watch,
// so signing touches no store and nodes sharing a store publish the same
// keys.
//
// A key record carries the time it starts signing (activate). The key
// that signs now is the newest one already active; a key whose activate is
// still ahead is published but not used, so relying parties that cached
// the JWKS see a key before the first token it signs. Rotation (Maintain,
// run every minute by each node) writes the next key PrePublish before the
// current one has signed for RotateEvery; a compare-and-swap on
// "issuer/latest/<alg>" makes nodes that rotate at once agree on one key.
// A key stays published after its successor takes over for Retain — the
// longest token lifetime (an hour) plus five minutes of clock skew — so it
// verifies every token it signed until that token has expired; then it is
// left out of the JWKS and deleted from the store.
//
// # Discovery and JWKS
//
// Every node serves <issuer path>/.well-known/openid-configuration and
// <issuer path>/.well-known/jwks.json (the paths AWS's IssuerIdentifier
// documents) on its main listener. The issuer URL is configured
// (--issuer-url), one for the whole deployment: every node must be
// reachable under it.
//
// # Accounts
//
// Outbound identity federation is off for an account until
// EnableOutboundWebIdentityFederation; the record "issuer/accounts/<acct>"
// exists while it is on. Nodes follow it through the same watch.
//
// Private keys never leave this package: they are not logged, not part of
// an error, and a signingKey prints as redacted.
package issuer
