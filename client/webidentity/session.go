package webidentity

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// redacted is what every accidental rendering of a secret shows.
const redacted = "[REDACTED]"

// CredentialSource is the Source of the aws.Credentials a Provider returns.
const CredentialSource = "StsdWebIdentity"

// Session is the answer of AssumeRoleWithWebIdentity. Printing, logging or
// marshalling it with encoding/json redacts the secret access key and the
// session token; AnswerJSON and CredentialProcessJSON write them.
type Session struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	Expiration      time.Time

	AssumedRoleID               string // AssumedRoleUser.AssumedRoleId: ROLEID:session-name
	AssumedRoleARN              string // AssumedRoleUser.Arn
	SubjectFromWebIdentityToken string
	Provider                    string
	Audience                    string
	SourceIdentity              string
	PackedPolicySize            *int32
}

// AWS returns the session as the SDK's credentials.
func (s *Session) AWS() aws.Credentials {
	return aws.Credentials{
		AccessKeyID:     s.AccessKeyID,
		SecretAccessKey: s.SecretAccessKey,
		SessionToken:    s.SessionToken,
		Source:          CredentialSource,
		CanExpire:       true,
		Expires:         s.Expiration,
		AccountID:       accountOf(s.AssumedRoleARN),
	}
}

// accountOf is the account field of an ARN, or "".
func accountOf(arn string) string {
	field := 0
	start := 0
	for i := 0; i < len(arn); i++ {
		if arn[i] != ':' {
			continue
		}
		field++
		if field == 4 {
			start = i + 1
		}
		if field == 5 {
			return arn[start:i]
		}
	}
	return ""
}

// answer is the JSON of the STS answer, shaped as the AWS CLI prints
// `aws sts assume-role-with-web-identity --output json`.
type answer struct {
	Credentials struct {
		AccessKeyID     string `json:"AccessKeyId"`
		SecretAccessKey string `json:"SecretAccessKey"`
		SessionToken    string `json:"SessionToken"`
		Expiration      string `json:"Expiration"`
	} `json:"Credentials"`
	SubjectFromWebIdentityToken string `json:"SubjectFromWebIdentityToken,omitempty"`
	AssumedRoleUser             struct {
		AssumedRoleID string `json:"AssumedRoleId"`
		ARN           string `json:"Arn"`
	} `json:"AssumedRoleUser"`
	PackedPolicySize *int32 `json:"PackedPolicySize,omitempty"`
	Provider         string `json:"Provider,omitempty"`
	Audience         string `json:"Audience,omitempty"`
	SourceIdentity   string `json:"SourceIdentity,omitempty"`
}

// AnswerJSON is the STS answer as JSON, with the secret access key and the
// session token: {"Credentials":{"AccessKeyId",…,"Expiration"},
// "SubjectFromWebIdentityToken","AssumedRoleUser":{"AssumedRoleId","Arn"},
// "PackedPolicySize","Provider","Audience","SourceIdentity"}.
func (s *Session) AnswerJSON() ([]byte, error) {
	return json.MarshalIndent(s.answer(), "", "    ")
}

func (s *Session) answer() answer {
	var a answer
	a.Credentials.AccessKeyID = s.AccessKeyID
	a.Credentials.SecretAccessKey = s.SecretAccessKey
	a.Credentials.SessionToken = s.SessionToken
	a.Credentials.Expiration = s.Expiration.UTC().Format(time.RFC3339)
	a.SubjectFromWebIdentityToken = s.SubjectFromWebIdentityToken
	a.AssumedRoleUser.AssumedRoleID = s.AssumedRoleID
	a.AssumedRoleUser.ARN = s.AssumedRoleARN
	a.PackedPolicySize = s.PackedPolicySize
	a.Provider, a.Audience, a.SourceIdentity = s.Provider, s.Audience, s.SourceIdentity
	return a
}

// sessionFromAnswer parses AnswerJSON's output.
func sessionFromAnswer(data []byte) (*Session, error) {
	var a answer
	if err := json.Unmarshal(data, &a); err != nil {
		return nil, err
	}
	exp, err := time.Parse(time.RFC3339, a.Credentials.Expiration)
	if err != nil {
		return nil, err
	}
	if a.Credentials.AccessKeyID == "" || a.Credentials.SecretAccessKey == "" || a.Credentials.SessionToken == "" {
		return nil, fmt.Errorf("incomplete credentials")
	}
	return &Session{
		AccessKeyID: a.Credentials.AccessKeyID, SecretAccessKey: a.Credentials.SecretAccessKey,
		SessionToken: a.Credentials.SessionToken, Expiration: exp,
		AssumedRoleID: a.AssumedRoleUser.AssumedRoleID, AssumedRoleARN: a.AssumedRoleUser.ARN,
		SubjectFromWebIdentityToken: a.SubjectFromWebIdentityToken, PackedPolicySize: a.PackedPolicySize,
		Provider: a.Provider, Audience: a.Audience, SourceIdentity: a.SourceIdentity,
	}, nil
}

// CredentialProcessJSON is the session in the format the AWS CLI and SDKs
// expect from a credential_process command:
// {"Version":1,"AccessKeyId","SecretAccessKey","SessionToken","Expiration"},
// Expiration in RFC 3339 UTC.
func (s *Session) CredentialProcessJSON() ([]byte, error) {
	return json.Marshal(struct {
		Version         int    `json:"Version"`
		AccessKeyID     string `json:"AccessKeyId"`
		SecretAccessKey string `json:"SecretAccessKey"`
		SessionToken    string `json:"SessionToken"`
		Expiration      string `json:"Expiration"`
	}{1, s.AccessKeyID, s.SecretAccessKey, s.SessionToken, s.Expiration.UTC().Format(time.RFC3339)})
}

// Environment is the session as the variables every AWS SDK reads:
// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN and
// AWS_CREDENTIAL_EXPIRATION (RFC 3339 UTC), in that order, as NAME=VALUE.
func (s *Session) Environment() []string {
	return []string{
		"AWS_ACCESS_KEY_ID=" + s.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY=" + s.SecretAccessKey,
		"AWS_SESSION_TOKEN=" + s.SessionToken,
		"AWS_CREDENTIAL_EXPIRATION=" + s.Expiration.UTC().Format(time.RFC3339),
	}
}

// redactedCopy is the session with its secrets replaced.
func (s Session) redactedCopy() redactedSession {
	a := s.answer()
	if a.Credentials.SecretAccessKey != "" {
		a.Credentials.SecretAccessKey = redacted
	}
	if a.Credentials.SessionToken != "" {
		a.Credentials.SessionToken = redacted
	}
	return redactedSession(a)
}

// redactedSession has no methods, so printing it cannot recurse.
type redactedSession answer

// String implements fmt.Stringer without the secrets.
func (s Session) String() string { return fmt.Sprintf("%+v", s.redactedCopy()) }

// GoString implements fmt.GoStringer without the secrets.
func (s Session) GoString() string { return "webidentity.Session" + s.String() }

// Format implements fmt.Formatter for every verb without the secrets.
func (s Session) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		_, _ = fmt.Fprint(f, s.GoString())
		return
	}
	_, _ = fmt.Fprint(f, s.String())
}

// LogValue implements slog.LogValuer without the secrets.
func (s Session) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("AccessKeyId", s.AccessKeyID),
		slog.String("SecretAccessKey", redacted),
		slog.String("SessionToken", redacted),
		slog.Time("Expiration", s.Expiration),
		slog.String("AssumedRoleArn", s.AssumedRoleARN),
	)
}

// MarshalJSON implements json.Marshaler without the secrets; AnswerJSON
// writes them.
func (s Session) MarshalJSON() ([]byte, error) { return json.Marshal(s.redactedCopy()) }
