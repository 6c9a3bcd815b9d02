package authn

import (
	"context"
	"crypto/subtle"

	"github.com/stsd/stsd/internal/secret"
	"github.com/stsd/stsd/internal/sigv4"
)

// VerifySecret authenticates a long-term access key — the account root's
// or an IAM user's active key — by its secret access key, as the web
// console's sign-in does. The key is found exactly as for a signed request
// (identify), so an unknown, inactive or orphaned key is refused with the
// same InvalidClientTokenId; a wrong secret is SignatureDoesNotMatch's
// counterpart, InvalidClientTokenId with reason "secret_mismatch" (the
// caller must not learn which of the two failed). Temporary keys (ASIA…)
// are refused: a session token is not a sign-in credential.
func (a *Authenticator) VerifySecret(ctx context.Context, accessKeyID string, sec secret.String) (*Caller, error) {
	caller, key, err := a.LongTermCaller(ctx, accessKeyID)
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare([]byte(key.Reveal()), []byte(sec.Reveal())) != 1 {
		return nil, errInvalidToken.WithReason("secret_mismatch", nil)
	}
	return caller, nil
}

// LongTermCaller finds the caller a long-term access key names now, with
// the key's secret: the console re-resolves its signed-in caller on every
// request, so a key deactivated or deleted since sign-in, or a user
// deleted since, ends the console session at once.
func (a *Authenticator) LongTermCaller(ctx context.Context, accessKeyID string) (*Caller, secret.String, error) {
	return a.identify(ctx, &sigv4.Request{AccessKeyID: accessKeyID})
}
