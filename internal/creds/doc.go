// Package creds mints AWS-style credentials and seals the session token that
// carries everything a verifier needs.
//
// Access keys: temporary key ids are "ASIA" + 16 characters of [A-Z2-7],
// long-term ones "AKIA" + 16; secret access keys are 40 characters of
// base64. All come from crypto/rand.
//
// Session tokens: version ‖ key id (in the clear) ‖ AES-256-GCM sealed
// payload, encoded with unpadded URL-safe base64 (no character needs
// escaping in a header or a query string). The version and key id are the
// additional data of the seal. The payload is a compact tag-length-value
// encoding of a Session, including its secret access key, which therefore
// cannot be recovered without the keyring. A token never exceeds
// MaxSessionTokenSize (4,096) bytes and can be padded up to a minimum size.
//
// Keyring: token keys live in the store under "keyring/", each wrapped with
// AES-256-GCM by the 32-byte master key. The keyring keeps every key in
// memory (Seal and Open touch no store on the hot path), follows other
// nodes' changes through store.Watch, rotates its primary key by itself
// (compare-and-swap on "keyring/primary", so nodes rotating at once agree)
// and deletes retired keys once every session they sealed has expired.
package creds
