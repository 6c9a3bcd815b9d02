package authn

import (
	"context"
	"net/http"

	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/creds"
	"github.com/stsd/stsd/internal/sigv4"
)

// Errors of SigningKey. The key is a parameter of the request rather than
// the credentials that signed it, so every problem with it is a 400 with a
// message that says which problem it is (the caller is a service allowed to
// derive keys, not the key's owner); the codes are AWS's for each problem.
var (
	errSKUnknown = awserr.New("InvalidClientTokenId", http.StatusBadRequest,
		"The access key ID is not valid: stsd knows no such key.")
	errSKInactive = awserr.New("InvalidClientTokenId", http.StatusBadRequest,
		"The access key is inactive.")
	errSKTokenMissing = awserr.New("InvalidClientTokenId", http.StatusBadRequest,
		"A temporary access key ID needs its session token.")
	errSKTokenInvalid = awserr.New("InvalidClientTokenId", http.StatusBadRequest,
		"The session token is not valid.")
	errSKTokenMismatch = awserr.New("InvalidClientTokenId", http.StatusBadRequest,
		"The session token does not belong to the access key ID.")
	errSKTokenNotTemporary = awserr.New("InvalidClientTokenId", http.StatusBadRequest,
		"A session token was given with a long-term access key ID.")
	errSKExpired = awserr.New("ExpiredToken", http.StatusBadRequest,
		"The session token is expired.")
)

// SigningKey finds the caller that owns accessKeyID without a signature —
// a session through sessionToken (opened with the keyring, and it must
// belong to that key), an IAM user's active long-term key, or the account's
// root key — and returns the SigV4 signing key its secret derives for scope
// (sigv4.SigningKey). The secret itself never leaves this package. The
// scope is the caller's to validate; an expired session is refused, and a
// session's key must not be trusted past Caller.Session.Expiry by whoever
// uses it.
func (a *Authenticator) SigningKey(ctx context.Context, accessKeyID, sessionToken string, scope sigv4.Scope) (*Caller, [32]byte, error) {
	var key [32]byte
	temporary := creds.ClassifyAccessKeyID(accessKeyID) == creds.AccessKeyTemporary
	if !temporary && sessionToken != "" {
		return nil, key, errSKTokenNotTemporary.WithReason("session_token_with_long_term_key", nil)
	}
	caller, sec, err := a.identify(ctx, &sigv4.Request{AccessKeyID: accessKeyID, SessionToken: sessionToken})
	if err != nil {
		return nil, key, signingKeyError(err)
	}
	if caller.Session != nil && caller.Session.Expired(a.Now()) {
		return nil, key, errSKExpired.WithReason("session_expired", nil)
	}
	return caller, sigv4.SigningKey(sec.Reveal(), scope), nil
}

// signingKeyError restates identify's answer (AWS's texts for a signed
// request) for a key named in a request body.
func signingKeyError(err error) error {
	e := awserr.As(err)
	var out *awserr.Error
	switch e.Reason {
	case "session_token_missing":
		out = errSKTokenMissing
	case "session_token_key_mismatch":
		out = errSKTokenMismatch
	case "access_key_inactive":
		out = errSKInactive
	case "access_key_unknown", "access_key_user_missing":
		out = errSKUnknown
	default:
		if e.Status >= 500 {
			return e
		}
		out = errSKTokenInvalid // session_token_<why the keyring refused it>
	}
	return out.WithReason(e.Reason, e.Cause)
}
