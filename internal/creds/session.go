package creds

import (
	"time"

	"github.com/stsd/stsd/internal/secret"
)

// MaxSessionTags bounds the session tags and the transitive tag keys.
const MaxSessionTags = 50

// DefaultPartition is used to build ARNs when Session.Partition is empty.
const DefaultPartition = "aws"

// Tag is one session tag. Keys keep their case.
type Tag struct {
	Key   string
	Value string
}

// SessionKind says whose session a Session is.
type SessionKind uint8

// Session kinds. The zero value is a role session, so tokens sealed before
// the other kinds existed open as what they are.
const (
	// KindRoleSession: AssumeRoleWithWebIdentity or AssumeRole; the
	// principal is the role session arn:…:sts::<acct>:assumed-role/<role>/<name>.
	KindRoleSession SessionKind = iota
	// KindUserSession: GetSessionToken called by an IAM user (UserName,
	// UserID, UserPath set) or by the account root (they are empty); the
	// principal is the user or the root itself.
	KindUserSession
	// KindFederatedUser: GetFederationToken; the principal is
	// arn:…:sts::<acct>:federated-user/<SessionName>, federated by the IAM
	// user UserName (or by the root when it is empty).
	KindFederatedUser
)

// Session is everything a verifier needs about an issued session; it is
// sealed into the session token. Times have second precision: Seal
// truncates them and Open returns them in UTC.
type Session struct {
	// Kind is whose session this is; the zero value is a role session.
	Kind SessionKind
	// UserName, UserID ("AIDA…") and UserPath name the IAM user of a user
	// session or the user who federated a federated user session; empty
	// for the root's sessions and for role sessions.
	UserName string
	UserID   string
	UserPath string

	// Partition of the role ARN ("aws", "aws-cn", …); empty means "aws".
	Partition string
	// AccountID is the 12-digit account of the role.
	AccountID string
	// RoleID is the role's unique id ("AROA…").
	RoleID string
	// RoleName and RolePath ("/" or "/a/b/") make up the role ARN.
	RoleName string
	RolePath string
	// SessionName is the RoleSessionName, or the Name of a federated user.
	SessionName string

	// AccessKeyID ("ASIA…") and SecretAccessKey are the session's key pair.
	AccessKeyID     string
	SecretAccessKey secret.String

	// IssuedAt is aws:TokenIssueTime; Expiry is Credentials.Expiration.
	IssuedAt time.Time
	Expiry   time.Time

	// SourceIdentity becomes aws:SourceIdentity; empty when not set.
	SourceIdentity string
	// Tags become aws:PrincipalTag/<key> (at most MaxSessionTags).
	Tags []Tag
	// TransitiveTagKeys name the tags that survive role chaining.
	TransitiveTagKeys []string

	// FederatedProvider is aws:FederatedProvider: the OIDC provider ARN or a
	// built-in provider name.
	FederatedProvider string
	// WebIdentity holds the provider-prefixed web-identity keys that persist
	// into the session ("<provider>:aud", ":sub", ":amr", ":oaud", …).
	WebIdentity map[string][]string

	// Policy is the inline session policy; PolicyARNs the managed session
	// policies.
	Policy     string
	PolicyARNs []string
}

// Expired reports whether the session has expired at now. Open does not
// decide expiry; the caller checks it with its own clock and answers
// ExpiredToken.
func (s *Session) Expired(now time.Time) bool { return !now.Before(s.Expiry) }

// partition returns the ARN partition, defaulting to "aws".
func (s *Session) partition() string {
	if s.Partition == "" {
		return DefaultPartition
	}
	return s.Partition
}

// RoleARN is aws:PrincipalArn: arn:<partition>:iam::<acct>:role/<path><name>.
func (s *Session) RoleARN() string {
	path := s.RolePath
	if path == "" {
		path = "/"
	}
	return "arn:" + s.partition() + ":iam::" + s.AccountID + ":role" + path + s.RoleName
}

// AssumedRoleARN is arn:<partition>:sts::<acct>:assumed-role/<name>/<session>
// (the role path is dropped, as AWS does).
func (s *Session) AssumedRoleARN() string {
	return "arn:" + s.partition() + ":sts::" + s.AccountID + ":assumed-role/" + s.RoleName + "/" + s.SessionName
}

// AssumedRoleID is aws:userid: <RoleId>:<RoleSessionName>.
func (s *Session) AssumedRoleID() string { return s.RoleID + ":" + s.SessionName }

// FederatedUserARN is arn:<partition>:sts::<acct>:federated-user/<name>.
func (s *Session) FederatedUserARN() string {
	return "arn:" + s.partition() + ":sts::" + s.AccountID + ":federated-user/" + s.SessionName
}

// FederatedUserID is a federated user's aws:userid: <acct>:<name>.
func (s *Session) FederatedUserID() string { return s.AccountID + ":" + s.SessionName }

// UserARN is the ARN of a user session's principal: the IAM user
// arn:<partition>:iam::<acct>:user/<path><name>, or the root
// arn:<partition>:iam::<acct>:root.
func (s *Session) UserARN() string {
	if s.UserName == "" {
		return "arn:" + s.partition() + ":iam::" + s.AccountID + ":root"
	}
	path := s.UserPath
	if path == "" {
		path = "/"
	}
	return "arn:" + s.partition() + ":iam::" + s.AccountID + ":user" + path + s.UserName
}
