package oidc

import (
	"fmt"
	"strconv"
)

// Reason classifies why a token was rejected. It goes to logs, audit events
// and metrics; the STS layer maps it to AWS's wire code and message (see the
// table in the package documentation). It never reaches the caller verbatim.
type Reason string

// Reasons a token is rejected.
const (
	ReasonMalformed          Reason = "malformed"           // not a compact JWS, bad base64/JSON, duplicate keys, crit, size
	ReasonUnsupportedAlg     Reason = "unsupported_alg"     // header alg outside RS256/384/512, ES256/384/512
	ReasonUnknownKID         Reason = "unknown_kid"         // no usable key with the token's kid (or no kid and not exactly one key)
	ReasonBadSignature       Reason = "bad_signature"       // signature does not verify, or key type does not fit alg
	ReasonIssuerUnknown      Reason = "issuer_unknown"      // no provider registered for iss, or iss scheme not allowed
	ReasonWrongAudience      Reason = "wrong_audience"      // effective audience not in the provider's client IDs
	ReasonAmbiguousAudience  Reason = "ambiguous_audience"  // several aud values and no azp
	ReasonMissingClaim       Reason = "missing_claim"       // iss, sub, aud, iat or exp absent (Error.Claim names it)
	ReasonInvalidClaim       Reason = "invalid_claim"       // a claim has the wrong type (fractional timestamp, sub null…)
	ReasonExpired            Reason = "expired"             // exp + skew is not after now
	ReasonNotYetValid        Reason = "not_yet_valid"       // nbf - skew is after now
	ReasonIssuedInFuture     Reason = "issued_in_future"    // iat - skew is after now
	ReasonTooOld             Reason = "too_old"             // now - iat exceeds the provider's MaxTokenAge
	ReasonKeysUnavailable    Reason = "keys_unavailable"    // discovery/JWKS could not be fetched or parsed, no cached keys
	ReasonThumbprintMismatch Reason = "thumbprint_mismatch" // TLS chain untrusted and no configured thumbprint matches
	ReasonTooManyKeys        Reason = "too_many_keys"       // the JWKS holds more than 100 keys of the token's key type
)

// Error is a rejected token. Its fields are public facts the STS layer needs
// to render AWS's messages; none of them is the token itself.
type Error struct {
	Reason Reason
	// Issuer is the raw iss claim when it was readable (it is echoed by
	// "No OpenIDConnect provider found in your account for <iss>").
	Issuer string
	// Claim names the claim at fault for missing_claim and invalid_claim.
	Claim string
	// Now and ExpiresAt are Unix seconds, set for expired.
	Now       int64
	ExpiresAt int64
	// Age is the token's age in seconds, set for too_old.
	Age int64
	// Cause is the internal detail, for logs only.
	Cause error
}

// Error describes the failure without any part of the token's signature.
func (e *Error) Error() string {
	msg := "oidc: " + string(e.Reason)
	if e.Claim != "" {
		msg += " (claim " + strconv.Quote(e.Claim) + ")"
	}
	if e.Cause != nil {
		msg += ": " + e.Cause.Error()
	}
	return msg
}

// Unwrap returns the internal cause.
func (e *Error) Unwrap() error { return e.Cause }

func fail(reason Reason, format string, args ...any) *Error {
	return &Error{Reason: reason, Cause: fmt.Errorf(format, args...)}
}

func claimErr(reason Reason, claim string, format string, args ...any) *Error {
	return &Error{Reason: reason, Claim: claim, Cause: fmt.Errorf(format, args...)}
}
