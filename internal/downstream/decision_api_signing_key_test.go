package downstream_test

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/stsd/stsd/internal/downstream"
	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/sigv4"
)

// signingKeyAnswer is /v1/signing-key's answer as a test reads it.
type signingKeyAnswer struct {
	SigningKey  string `json:"signingKey"`
	AccessKeyID string `json:"accessKeyId"`
	Date        string `json:"date"`
	Region      string `json:"region"`
	Service     string `json:"service"`
	Expiration  string `json:"expiration"`
	Principal   struct {
		ARN            string            `json:"arn"`
		Account        string            `json:"account"`
		UserID         string            `json:"userId"`
		Type           string            `json:"type"`
		SourceIdentity string            `json:"sourceIdentity"`
		Tags           map[string]string `json:"tags"`
	} `json:"principal"`
}

func (n *faNode) signingKey(svc aws.Credentials, body map[string]any) answer {
	n.t.Helper()
	b, _ := json.Marshal(body)
	return n.call("/v1/signing-key", svc, "stsd", b)
}

// verifyWithKey signs a request with the SDK for s3 in us-east-1 and
// verifies it knowing only the derived key.
func (n *faNode) verifyWithKey(t *testing.T, creds aws.Credentials, hexKey string) error {
	t.Helper()
	raw, err := hex.DecodeString(hexKey)
	if err != nil || len(raw) != 32 {
		t.Fatalf("signingKey %q", hexKey)
	}
	r, _ := http.NewRequest("PUT", "https://gw.example.test/bucket/key?partNumber=1", nil)
	r = n.sign(creds, r, "s3")
	// as the gateway's server sees it
	req, err := sigv4.ParseRequest(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	v := &sigv4.Verifier{Now: n.clock.Now}
	return v.VerifyWithSigningKey(req, [32]byte(raw))
}

func TestSigningKey(t *testing.T) {
	n := startNode(t)
	svc := n.serviceUser("gw", authorizePolicy)
	creds := n.session(n.role("app", nil), "s1", 900, map[string]any{"https://aws.amazon.com/source_identity": "alice"})
	user := n.serviceUser("alice", "")
	today := n.clock.Now().UTC().Format("20060102")

	t.Run("a session's key", func(t *testing.T) {
		a := n.signingKey(svc, map[string]any{"accessKeyId": creds.AccessKeyID, "sessionToken": creds.SessionToken,
			"date": today, "region": region, "service": "s3"})
		var got signingKeyAnswer
		dec := json.NewDecoder(strings.NewReader(a.body))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&got); err != nil || a.status != 200 {
			t.Fatalf("%d %s (%v)", a.status, a.body, err)
		}
		if got.AccessKeyID != creds.AccessKeyID || got.Date != today || got.Region != region || got.Service != "s3" ||
			got.Principal.ARN != "arn:aws:sts::111122223333:assumed-role/app/s1" || got.Principal.SourceIdentity != "alice" || got.Principal.Type != "AssumedRole" {
			t.Errorf("answer %+v", got)
		}
		if exp, err := time.Parse(time.RFC3339, got.Expiration); err != nil || !exp.Equal(n.clock.Now().Add(900*time.Second).UTC().Truncate(time.Second)) {
			t.Errorf("expiration %q, want %s", got.Expiration, n.clock.Now().Add(900*time.Second).UTC())
		}
		if err := n.verifyWithKey(t, creds, got.SigningKey); err != nil {
			t.Errorf("an SDK-signed request does not verify with the key: %v", err)
		}
		other := n.session(n.role("other", nil), "s2", 900, nil)
		if err := n.verifyWithKey(t, other, got.SigningKey); !sigv4.IsCode(err, sigv4.CodeSignatureDoesNotMatch) {
			t.Errorf("another session's request verified: %v", err)
		}
		if strings.Contains(a.body, creds.SecretAccessKey) {
			t.Error("the answer holds the secret")
		}
	})
	t.Run("an IAM user's key", func(t *testing.T) {
		a := n.signingKey(svc, map[string]any{"accessKeyId": user.AccessKeyID, "date": today, "region": region, "service": "s3"})
		var got signingKeyAnswer
		if err := json.Unmarshal([]byte(a.body), &got); err != nil || a.status != 200 {
			t.Fatalf("%d %s", a.status, a.body)
		}
		if got.Expiration != "" || got.Principal.ARN != "arn:aws:iam::111122223333:user/alice" || got.Principal.Type != "IAMUser" {
			t.Errorf("answer %s", a.body)
		}
		if err := n.verifyWithKey(t, user, got.SigningKey); err != nil {
			t.Errorf("verify: %v", err)
		}
		if strings.Contains(a.body, user.SecretAccessKey) {
			t.Error("the answer holds the secret")
		}
	})
	t.Run("tomorrow and yesterday", func(t *testing.T) {
		for _, d := range []time.Duration{-24 * time.Hour, 24 * time.Hour} {
			day := n.clock.Now().UTC().Add(d).Format("20060102")
			if a := n.signingKey(svc, map[string]any{"accessKeyId": user.AccessKeyID, "date": day, "region": region, "service": "s3"}); a.status != 200 {
				t.Errorf("%s: %d %s", day, a.status, a.body)
			}
		}
	})

	other := n.session(n.role("third", nil), "s3", 900, nil)
	cases := []struct {
		name          string
		body          map[string]any
		status        int
		code, message string
	}{
		{"unknown key", map[string]any{"accessKeyId": "AKIAAAAAAAAAAAAAAAAA", "date": today, "region": region, "service": "s3"},
			400, "InvalidClientTokenId", "The access key ID is not valid: stsd knows no such key."},
		{"not a key", map[string]any{"accessKeyId": "nope", "date": today, "region": region, "service": "s3"},
			400, "InvalidClientTokenId", "The access key ID is not valid: stsd knows no such key."},
		{"temporary key without its token", map[string]any{"accessKeyId": creds.AccessKeyID, "date": today, "region": region, "service": "s3"},
			400, "InvalidClientTokenId", "A temporary access key ID needs its session token."},
		{"another session's token", map[string]any{"accessKeyId": creds.AccessKeyID, "sessionToken": other.SessionToken, "date": today, "region": region, "service": "s3"},
			400, "InvalidClientTokenId", "The session token does not belong to the access key ID."},
		{"garbage token", map[string]any{"accessKeyId": creds.AccessKeyID, "sessionToken": "garbage", "date": today, "region": region, "service": "s3"},
			400, "InvalidClientTokenId", "The session token is not valid."},
		{"token with a long-term key", map[string]any{"accessKeyId": user.AccessKeyID, "sessionToken": creds.SessionToken, "date": today, "region": region, "service": "s3"},
			400, "InvalidClientTokenId", "A session token was given with a long-term access key ID."},
		{"no key", map[string]any{"date": today, "region": region, "service": "s3"},
			400, "ValidationError", "'accessKeyId' is required: the access key ID whose signing key is wanted."},
		{"empty token", map[string]any{"accessKeyId": user.AccessKeyID, "sessionToken": "", "date": today, "region": region, "service": "s3"},
			400, "ValidationError", "'sessionToken' must be the session token of a temporary access key (at most 8192 bytes); leave it out for a long-term key."},
		{"two days ahead", map[string]any{"accessKeyId": user.AccessKeyID, "date": n.clock.Now().UTC().Add(48 * time.Hour).Format("20060102"), "region": region, "service": "s3"},
			400, "ValidationError", "'date' must be within a day of today (" + today + ", UTC)."},
		{"two days back", map[string]any{"accessKeyId": user.AccessKeyID, "date": n.clock.Now().UTC().Add(-48 * time.Hour).Format("20060102"), "region": region, "service": "s3"},
			400, "ValidationError", "'date' must be within a day of today (" + today + ", UTC)."},
		{"date format", map[string]any{"accessKeyId": user.AccessKeyID, "date": n.clock.Now().UTC().Format("2006-01-02"), "region": region, "service": "s3"},
			400, "ValidationError", "'date' is required: the signing day as YYYYMMDD (UTC)."},
		{"no such day", map[string]any{"accessKeyId": user.AccessKeyID, "date": "20260231", "region": region, "service": "s3"},
			400, "ValidationError", "'date' is required: the signing day as YYYYMMDD (UTC)."},
		{"region", map[string]any{"accessKeyId": user.AccessKeyID, "date": today, "region": "US-EAST-1", "service": "s3"},
			400, "ValidationError", "'region' is required: 1 to 32 lower-case letters, digits or '-'."},
		{"service sts", map[string]any{"accessKeyId": user.AccessKeyID, "date": today, "region": region, "service": "sts"},
			400, "ValidationError", "'service' cannot be 'sts', 'iam' or 'stsd': a signing key for stsd's own APIs would sign calls to stsd."},
		{"service iam", map[string]any{"accessKeyId": user.AccessKeyID, "date": today, "region": region, "service": "iam"},
			400, "ValidationError", "'service' cannot be 'sts', 'iam' or 'stsd': a signing key for stsd's own APIs would sign calls to stsd."},
		{"unknown field", map[string]any{"accessKeyId": user.AccessKeyID, "secretAccessKey": "x", "date": today, "region": region, "service": "s3"},
			400, "ValidationError", `Unknown field "secretAccessKey" in the request body.`},
		{"number", map[string]any{"accessKeyId": 1, "date": today, "region": region, "service": "s3"},
			400, "ValidationError", "'accessKeyId' must be a string."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n.signingKey(svc, c.body).wantError(t, c.status, c.code, c.message)
		})
	}
	t.Run("duplicate member", func(t *testing.T) {
		body := `{"accessKeyId":"` + user.AccessKeyID + `","accessKeyId":"` + creds.AccessKeyID + `","date":"` + today + `","region":"us-east-1","service":"s3"}`
		n.call("/v1/signing-key", svc, "stsd", []byte(body)).wantError(t, 400, "SerializationException",
			"The request body is not valid JSON at offset 38: duplicate field \"accessKeyId\".")
	})
	t.Run("inactive key", func(t *testing.T) {
		if _, err := n.iamClient().UpdateAccessKey(context.Background(), &iamsdk.UpdateAccessKeyInput{
			UserName: aws.String("alice"), AccessKeyId: aws.String(user.AccessKeyID), Status: iamtypes.StatusTypeInactive}); err != nil {
			t.Fatal(err)
		}
		n.waitFor(func(s *iam.Snapshot) bool {
			k, _ := s.AccessKey(user.AccessKeyID)
			return k.Status != iam.AccessKeyActive
		})
		n.signingKey(svc, map[string]any{"accessKeyId": user.AccessKeyID, "date": today, "region": region, "service": "s3"}).
			wantError(t, 400, "InvalidClientTokenId", "The access key is inactive.")
	})
	t.Run("expired session", func(t *testing.T) {
		n.clock.Advance(16 * time.Minute)
		defer n.clock.Advance(-16 * time.Minute)
		n.signingKey(svc, map[string]any{"accessKeyId": creds.AccessKeyID, "sessionToken": creds.SessionToken,
			"date": n.clock.Now().UTC().Format("20060102"), "region": region, "service": "s3"}).
			wantError(t, 400, "ExpiredToken", "The session token is expired.")
	})
}

// The calling service needs stsd:DeriveSigningKey; stsd:SigningService and
// stsd:SigningRegion narrow it.
func TestSigningKeyAuthorization(t *testing.T) {
	n := startNode(t)
	user := n.serviceUser("alice", "")
	today := n.clock.Now().UTC().Format("20060102")
	body := func(service string) map[string]any {
		return map[string]any{"accessKeyId": user.AccessKeyID, "date": today, "region": region, "service": service}
	}
	none := n.serviceUser("none", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"stsd:AuthorizeRequest","Resource":"*"}]}`)
	a := n.signingKey(none, body("s3"))
	a.wantError(t, 403, "AccessDenied", "User: arn:aws:iam::111122223333:user/none is not authorized to perform: stsd:DeriveSigningKey on resource: *")
	if a.header.Get(downstream.HeaderAuthorizationMessage) == "" {
		t.Error("no encoded message")
	}
	s3only := n.serviceUser("s3gw", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"stsd:DeriveSigningKey","Resource":"*",
	 "Condition":{"StringEquals":{"stsd:SigningService":"s3","stsd:SigningRegion":"us-east-1"}}}]}`)
	if a := n.signingKey(s3only, body("s3")); a.status != 200 {
		t.Errorf("s3: %d %s", a.status, a.body)
	}
	n.signingKey(s3only, body("execute-api")).wantError(t, 403, "AccessDenied",
		"User: arn:aws:iam::111122223333:user/s3gw is not authorized to perform: stsd:DeriveSigningKey on resource: *")
	n.call("/v1/signing-key", aws.Credentials{}, "", []byte(`{}`)).wantError(t, 403, "MissingAuthenticationToken", "Request is missing Authentication Token")
	if a := n.signingKey(n.rootCreds(), body("s3")); a.status != 200 {
		t.Errorf("root: %d %s", a.status, a.body)
	}
	// No derived key, secret or token in the audit log or the logs.
	var got struct {
		SigningKey string `json:"signingKey"`
	}
	_ = json.Unmarshal([]byte(n.signingKey(s3only, body("s3")).body), &got)
	n.stop()
	all := n.audit.String() + n.logs.String()
	for name, s := range map[string]string{"signing key": got.SigningKey, "secret": user.SecretAccessKey, "service secret": s3only.SecretAccessKey} {
		if s == "" || strings.Contains(all, s) {
			t.Errorf("the %s is in the audit log or the logs (or empty)", name)
		}
	}
	if c := strings.Count(n.audit.String(), `"eventName":"DeriveSigningKey"`); c != 6 {
		t.Errorf("%d DeriveSigningKey events, want 6", c)
	}
	// The events of derived keys name whose key it was.
	owner := regexp.MustCompile(`"keyOwner":\{[^}]*"arn":"arn:aws:iam::111122223333:user/alice"`)
	if c := len(owner.FindAllString(n.audit.String(), -1)); c != 3 {
		t.Errorf("%d events name alice as the key owner, want 3:\n%s", c, n.audit.String())
	}
}
