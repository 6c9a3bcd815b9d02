package sts

import (
	"context"
	"time"

	"github.com/stsd/stsd/internal/authn"
	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/awsquery"
	"github.com/stsd/stsd/internal/creds"
)

// GetSessionToken, as the STS API Reference documents it:
//
//   - called with an IAM user's or the account root's long-term keys;
//     session credentials get AccessDenied "Cannot call GetSessionToken with
//     session credentials" (errors_caller.go);
//   - DurationSeconds durationSecondsType 900..129,600, default 43,200 for
//     users; the root's sessions are "restricted to a maximum of 3,600
//     seconds (one hour). If the duration is longer than one hour, the
//     session for AWS account owners defaults to one hour" — not an error;
//     the root's default is an hour too;
//   - "No permissions are required for users to perform this operation";
//   - SerialNumber and TokenCode authenticate with an MFA device; stsd has
//     none, so any is one "not associated with this user": AccessDenied
//     msgMFAFailed, as AWS answers for a serial number it does not know;
//   - the credentials have the user's (or root's) permissions, without IAM
//     and STS but AssumeRole and GetCallerIdentity (authn, authz);
//   - the answer is Credentials alone.
const (
	userSessionDefault = 43200
	userSessionMax     = 129600
	rootSessionMax     = 3600
)

// ownedBy makes sess the session of the long-term caller c (GetSessionToken,
// GetFederationToken): a root session lasts at most rootSessionMax, and
// that long when no duration was given (STS API Reference,
// GetSessionToken and GetFederationToken, DurationSeconds: "Sessions for
// AWS account owners are restricted to a maximum of 3,600 seconds"); a
// user's session names the user.
func ownedBy(sess *creds.Session, c *authn.Caller, duration int, given bool) {
	switch c.Kind {
	case authn.KindRoot:
		if duration > rootSessionMax || !given {
			sess.Expiry = sess.IssuedAt.Add(rootSessionMax * time.Second)
		}
	case authn.KindUser:
		u := c.User.User
		sess.UserName, sess.UserID, sess.UserPath = u.Name, u.UserID, u.Path
	}
}

func (s *Service) getSessionToken(_ context.Context, x *exchange) (*awsquery.Response, error) {
	c := x.caller
	x.event.RecipientAccountID = c.Account
	var v awserr.Violations
	p := x.call.Params
	_, given := p.Get("DurationSeconds")
	duration := intMember(&v, p, "DurationSeconds", "durationSeconds", minDuration, userSessionMax, userSessionDefault)
	serial, code := parseMFA(&v, p)
	minSize := intMember(&v, p, "MinimumSessionTokenSize", "minimumSessionTokenSize", 0, maxTokenSize, 0)
	if err := v.Err(); err != nil {
		return nil, err
	}
	params := &getSessionTokenParameters{SerialNumber: serial}
	if given {
		params.DurationSeconds = duration
	}
	x.event.RequestParameters = params
	if c.Temporary() {
		return nil, sessionCredentialsRefused("GetSessionToken")
	}
	if serial != "" || code != "" {
		return nil, awserr.AccessDenied(msgMFAFailed).WithReason("mfa_device_unknown", nil)
	}
	sess, err := newSession(c.Account, s.deps.Now(), duration)
	if err != nil {
		return nil, err
	}
	sess.Kind = creds.KindUserSession
	ownedBy(sess, c, duration, given)
	is, err := s.issue(sess, minSize)
	if err != nil {
		return nil, err
	}
	x.event.ResponseElements = &credentialsOnlyElements{Credentials: is.audit()}
	return &awsquery.Response{Action: "GetSessionToken", Namespace: Namespace,
		Result: append([]awsquery.Node{is.credentials()}, is.sizeMembers()...)}, nil
}

// The audit views: never the MFA code, the secret key or the token.
type getSessionTokenParameters struct {
	DurationSeconds int    `json:"durationSeconds,omitempty"`
	SerialNumber    string `json:"serialNumber,omitempty"`
}

type credentialsOnlyElements struct {
	Credentials auditCredentials `json:"credentials"`
}
