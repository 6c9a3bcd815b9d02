// Package authn authenticates SigV4-signed API calls: it parses the
// signature, finds the secret for the access key — the account's root key,
// an IAM user's long-term key from the IAM snapshot, or a session whose
// token the keyring opens — verifies the signature, and
// returns the caller. Each failure is the AWS error a client expects
// (InvalidClientTokenId, ExpiredToken, SignatureDoesNotMatch, …).
package authn

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/stsd/stsd/internal/audit"
	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/awsquery"
	"github.com/stsd/stsd/internal/creds"
	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/secret"
	"github.com/stsd/stsd/internal/sigv4"
)

// Kind is the kind of authenticated caller.
type Kind string

// Caller kinds, named as CloudTrail's userIdentity.type. A GetSessionToken
// session is the user (KindUser) or the root (KindRoot) it was issued to,
// with Session set.
const (
	KindRoot          Kind = "Root"
	KindAssumedRole   Kind = "AssumedRole"
	KindUser          Kind = "IAMUser"
	KindFederatedUser Kind = "FederatedUser"
)

// Caller is who signed the request.
type Caller struct {
	Kind        Kind
	Account     string
	ARN         string // arn:aws:iam::<acct>:root, …:assumed-role/<role>/<session>, …:user/<path><name>, …:federated-user/<name>
	UserID      string // <acct>, <RoleId>:<session>, AIDA…, <acct>:<name>
	AccessKeyID string
	// Session is set for every caller that signed with temporary
	// credentials: role sessions, GetSessionToken sessions (KindUser,
	// KindRoot) and federated users.
	Session *creds.Session
	// User is the IAM user for KindUser, and the user who federated for
	// KindFederatedUser (nil when the root did). For a session whose user
	// was deleted since, it holds only the name and id the session
	// carries, so that the user's policies resolve to nothing.
	User *iam.UserView
}

// Temporary reports whether the caller signed with session credentials.
func (c *Caller) Temporary() bool { return c.Session != nil }

// RootCredentials are the account's root access key.
type RootCredentials struct {
	AccountID   string
	AccessKeyID string
	Secret      secret.String
}

// Authenticator verifies signed requests for one service: its Verifier
// lists that service ("sts" or "iam") in Services.
type Authenticator struct {
	Verifier *sigv4.Verifier
	Keyring  *creds.Keyring
	Root     RootCredentials
	Now      func() time.Time
	// Snapshot and Secrets find IAM users' access keys and open their
	// wrapped secrets; without them only root and sessions authenticate.
	Snapshot func() *iam.Snapshot
	Secrets  *creds.SecretWrapper
}

// Errors with AWS's exact texts.
var (
	errInvalidToken = awserr.New("InvalidClientTokenId", http.StatusForbidden,
		"The security token included in the request is invalid")
	errExpiredToken = awserr.New("ExpiredToken", http.StatusForbidden,
		"The security token included in the request is expired")
)

// Authenticate verifies the call's signature. The clock and the scope are
// checked before the session token is opened, so an expired or misscoped
// request is reported as such before InvalidClientTokenId, as AWS does.
func (a *Authenticator) Authenticate(ctx context.Context, call *awsquery.Call) (*Caller, error) {
	req, err := sigv4.ParseRequest(call.HTTP, call.Body)
	if err != nil {
		return nil, FromSigV4(err)
	}
	return a.AuthenticateParsed(ctx, req)
}

// AuthenticateParsed is Authenticate for a request the caller parsed
// itself (the front doors, which may not have the body).
func (a *Authenticator) AuthenticateParsed(ctx context.Context, req *sigv4.Request) (*Caller, error) {
	if err := a.Verifier.Precheck(req); err != nil {
		return nil, FromSigV4(err)
	}
	caller, key, err := a.identify(ctx, req)
	if err != nil {
		return nil, err
	}
	if err := a.Verifier.Verify(req, key.Reveal()); err != nil {
		return nil, FromSigV4(err)
	}
	if caller.Session != nil && caller.Session.Expired(a.Now()) {
		return nil, errExpiredToken.WithReason("session_expired", nil)
	}
	if req.Scope.Service == "iam" && refusedByIAM(caller.Session) {
		return nil, errInvalidToken.WithReason("session_kind_refused_by_iam", nil)
	}
	return caller, nil
}

// refusedByIAM reports whether IAM refuses the session's credentials.
// GetSessionToken's credentials "cannot call any IAM API operations unless
// MFA authentication information is included in the request" (stsd has no
// MFA devices, so none is), and GetFederationToken's "cannot call any IAM
// operations using the CLI or the AWS API" (STS API Reference,
// GetSessionToken and GetFederationToken, "Permissions"). AWS answers such
// calls InvalidClientTokenId 403 "The security token included in the
// request is invalid" (captured in cloudyr/aws.iam#15 and
// 99designs/aws-vault#1056), as if the token were unknown to IAM.
func refusedByIAM(s *creds.Session) bool {
	return s != nil && s.Kind != creds.KindRoleSession
}

// identify finds the caller and the secret the request must be signed with.
func (a *Authenticator) identify(ctx context.Context, req *sigv4.Request) (*Caller, secret.String, error) {
	switch creds.ClassifyAccessKeyID(req.AccessKeyID) {
	case creds.AccessKeyTemporary:
		if req.SessionToken == "" {
			return nil, secret.String{}, errInvalidToken.WithReason("session_token_missing", nil)
		}
		s, err := a.Keyring.Open(ctx, req.SessionToken)
		var rejected *creds.TokenError
		if errors.As(err, &rejected) {
			return nil, secret.String{}, errInvalidToken.WithReason("session_token_"+rejected.Reason, nil)
		}
		if err != nil {
			return nil, secret.String{}, awserr.InternalFailure(err)
		}
		if s.AccessKeyID != req.AccessKeyID {
			return nil, secret.String{}, errInvalidToken.WithReason("session_token_key_mismatch", nil)
		}
		return a.sessionCaller(s), s.SecretAccessKey, nil
	default:
		if a.Root.AccessKeyID != "" && req.AccessKeyID == a.Root.AccessKeyID && req.SessionToken == "" {
			acct := a.Root.AccountID
			return &Caller{Kind: KindRoot, Account: acct, ARN: "arn:aws:iam::" + acct + ":root",
				UserID: acct, AccessKeyID: req.AccessKeyID}, a.Root.Secret, nil
		}
		return a.identifyUser(req)
	}
}

// sessionCaller is the caller a session names (creds.SessionKind).
func (a *Authenticator) sessionCaller(s *creds.Session) *Caller {
	c := &Caller{Account: s.AccountID, AccessKeyID: s.AccessKeyID, Session: s}
	switch s.Kind {
	case creds.KindUserSession:
		if s.UserName == "" {
			c.Kind, c.ARN, c.UserID = KindRoot, s.UserARN(), s.AccountID
			return c
		}
		c.Kind, c.ARN, c.UserID, c.User = KindUser, s.UserARN(), s.UserID, a.sessionUser(s)
	case creds.KindFederatedUser:
		c.Kind, c.ARN, c.UserID = KindFederatedUser, s.FederatedUserARN(), s.FederatedUserID()
		if s.UserName != "" {
			c.User = a.sessionUser(s)
		}
	default:
		c.Kind, c.ARN, c.UserID = KindAssumedRole, s.AssumedRoleARN(), s.AssumedRoleID()
	}
	return c
}

// sessionUser is the live view of the session's user, or — when the user
// was deleted (or replaced by a user of the same name) — a view carrying
// only the session's name and id, whose policies the engine resolves to
// nothing.
func (a *Authenticator) sessionUser(s *creds.Session) *iam.UserView {
	if a.Snapshot != nil {
		if u, ok := a.Snapshot().UserByName(s.AccountID, s.UserName); ok && u.User.UserID == s.UserID {
			return u
		}
	}
	return &iam.UserView{User: &iam.User{Account: s.AccountID, Name: s.UserName, Path: s.UserPath, UserID: s.UserID}, ARN: s.UserARN()}
}

// identifyUser finds an IAM user's active long-term key. An unknown,
// inactive or orphaned key, or one sent with a session token, is
// InvalidClientTokenId, as AWS answers.
func (a *Authenticator) identifyUser(req *sigv4.Request) (*Caller, secret.String, error) {
	if a.Snapshot == nil || a.Secrets == nil || req.SessionToken != "" ||
		creds.ClassifyAccessKeyID(req.AccessKeyID) != creds.AccessKeyLongTerm {
		return nil, secret.String{}, errInvalidToken.WithReason("access_key_unknown", nil)
	}
	snap := a.Snapshot()
	key, ok := snap.AccessKey(req.AccessKeyID)
	if !ok {
		return nil, secret.String{}, errInvalidToken.WithReason("access_key_unknown", nil)
	}
	if key.Status != iam.AccessKeyActive {
		return nil, secret.String{}, errInvalidToken.WithReason("access_key_inactive", nil)
	}
	user, ok := snap.UserByName(key.Account, key.UserName)
	if !ok {
		return nil, secret.String{}, errInvalidToken.WithReason("access_key_user_missing", nil)
	}
	sec, err := a.Secrets.Unwrap(key.AccessKeyID, key.WrappedSecret)
	if err != nil {
		return nil, secret.String{}, awserr.InternalFailure(err)
	}
	return &Caller{Kind: KindUser, Account: key.Account, ARN: user.ARN, UserID: user.User.UserID,
		AccessKeyID: key.AccessKeyID, User: user}, sec, nil
}

// FromSigV4 converts the verifier's error into the API error.
func FromSigV4(err error) *awserr.Error {
	var se *sigv4.Error
	if errors.As(err, &se) {
		return awserr.New(se.Code, se.Status, se.Message).WithReason("sigv4_"+se.Code, nil)
	}
	return awserr.InternalFailure(err)
}

// AuditIdentity is the caller as an audit event's userIdentity.
func (c *Caller) AuditIdentity() *audit.UserIdentity {
	id := &audit.UserIdentity{
		Type: string(c.Kind), PrincipalID: c.UserID, ARN: c.ARN,
		AccountID: c.Account, AccessKeyID: c.AccessKeyID,
	}
	if c.Kind == KindUser && c.User != nil {
		id.UserName = c.User.User.Name
	}
	return id
}
