package sts

import (
	"errors"
	"net/http"
	"time"

	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/awsquery"
	"github.com/stsd/stsd/internal/creds"
	"github.com/stsd/stsd/internal/secret"
)

// issued is a session sealed into its token: what every action that
// issues credentials answers with.
type issued struct {
	sess        *creds.Session
	token       secret.String
	size        int // bytes of the session token
	utilization int // percent of the 4,096-byte cap
}

// newSession starts a session of account issued at now for duration
// seconds, with a fresh key pair whose id names the account (GetAccessKeyInfo).
func newSession(account string, now time.Time, duration int) (*creds.Session, *awserr.Error) {
	id, err := creds.NewTemporaryAccessKeyIDFor(account)
	if err != nil {
		return nil, awserr.InternalFailure(err)
	}
	at := now.UTC().Truncate(time.Second)
	return &creds.Session{
		AccountID: account, AccessKeyID: id, SecretAccessKey: creds.NewSecretAccessKey(),
		IssuedAt: at, Expiry: at.Add(time.Duration(duration) * time.Second),
	}, nil
}

// issue seals the session. A session that does not fit the 4,096-byte
// token is AWS's PackedPolicyTooLarge 400, with the percentage of the
// allotted space it would take.
func (s *Service) issue(sess *creds.Session, minimumSize int) (*issued, *awserr.Error) {
	token, err := s.deps.Keyring.Seal(sess, creds.SealOptions{MinimumSize: minimumSize})
	var tooLarge *creds.TokenTooLargeError
	if errors.As(err, &tooLarge) {
		return nil, awserr.Newf("PackedPolicyTooLarge", http.StatusBadRequest,
			"Packed policy consumes %d%% of allotted space, please use smaller policy.", tooLarge.Utilization()).
			WithReason("session_token_too_large", nil)
	}
	if err != nil {
		return nil, awserr.InternalFailure(err)
	}
	size := len(token.Reveal())
	return &issued{sess: sess, token: token, size: size, utilization: creds.TokenUtilization(size)}, nil
}

// credentials is the Credentials member, in the order of AWS's samples.
func (is *issued) credentials() awsquery.Node {
	return awsquery.Struct("Credentials",
		awsquery.Str("SessionToken", is.token.Reveal()),
		awsquery.Str("SecretAccessKey", is.sess.SecretAccessKey.Reveal()),
		awsquery.Time("Expiration", is.sess.Expiry),
		awsquery.Str("AccessKeyId", is.sess.AccessKeyID))
}

// packedPolicySize is PackedPolicySize: present only when session
// policies or session tags were involved (sts-contract §1.5, §3.1), equal
// to the token's utilization.
func (is *issued) packedPolicySize(involved bool) awsquery.Node {
	if !involved {
		return awsquery.Absent("PackedPolicySize")
	}
	return awsquery.Int("PackedPolicySize", int64(is.utilization))
}

// sizeMembers are SessionTokenSize and SessionTokenUtilization (see
// docs/sts.md, "Response members beyond botocore's model").
func (is *issued) sizeMembers() []awsquery.Node {
	return []awsquery.Node{
		awsquery.Int("SessionTokenSize", int64(is.size)),
		awsquery.Int("SessionTokenUtilization", int64(is.utilization)),
	}
}

// audit is the credentials as an audit event shows them: the key id and
// the expiry, never the secret or the token.
func (is *issued) audit() auditCredentials {
	return auditCredentials{AccessKeyID: is.sess.AccessKeyID, Expiration: is.sess.Expiry}
}
