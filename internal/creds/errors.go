package creds

import (
	"errors"
	"strconv"
)

// TokenError is why a session token was rejected by Open. Every TokenError
// means the token is not a valid token of this keyring; the STS layer answers
// InvalidClientTokenId. Reason is a stable code for logs and audit events.
type TokenError struct {
	Reason string
}

func (e *TokenError) Error() string { return "creds: session token rejected: " + e.Reason }

// The reasons Open rejects a token; compare with errors.Is.
var (
	// ErrTokenMalformed: not base64url, too short or too long.
	ErrTokenMalformed = &TokenError{Reason: "malformed"}
	// ErrTokenVersion: a format version this build does not know.
	ErrTokenVersion = &TokenError{Reason: "unsupported_version"}
	// ErrTokenUnknownKey: no key of the keyring has the token's key id (or
	// the key was retired past its open window).
	ErrTokenUnknownKey = &TokenError{Reason: "unknown_key"}
	// ErrTokenTampered: the seal did not authenticate (modified token or a
	// key id that collides with another key).
	ErrTokenTampered = &TokenError{Reason: "tampered"}
	// ErrTokenPayload: the seal authenticated but the payload is not a valid
	// session (a bug or an incompatible writer).
	ErrTokenPayload = &TokenError{Reason: "invalid_payload"}
)

// TokenTooLargeError: the sealed token would exceed MaxSessionTokenSize.
// The STS layer answers PackedPolicyTooLarge with Utilization().
type TokenTooLargeError struct {
	// Size is the length in bytes the token would have had.
	Size int
	// Limit is MaxSessionTokenSize.
	Limit int
}

func (e *TokenTooLargeError) Error() string {
	return "creds: session token would be " + strconv.Itoa(e.Size) + " bytes, over the " +
		strconv.Itoa(e.Limit) + "-byte limit (" + strconv.Itoa(e.Utilization()) + "% of allotted space)"
}

// Utilization is the size as a percentage of the limit, rounded up.
func (e *TokenTooLargeError) Utilization() int { return TokenUtilization(e.Size) }

// SessionError: Seal was given a session or options it cannot seal.
type SessionError struct {
	// Reason names the problem; it never contains secret values.
	Reason string
}

func (e *SessionError) Error() string { return "creds: cannot seal session: " + e.Reason }

// ErrMasterKeyMismatch: the keyring's keys in the store were wrapped by a
// different master key than the one this node was given.
var ErrMasterKeyMismatch = errors.New("creds: the master key does not unwrap the keyring stored here (the store was set up with a different master key)")
