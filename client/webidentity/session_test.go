package webidentity

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func testSession() *Session {
	size := int32(6)
	return &Session{
		AccessKeyID: "ASIAEXAMPLEEXAMPLE01", SecretAccessKey: "secret-access-key-value", SessionToken: "session-token-value",
		Expiration:    time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC),
		AssumedRoleID: "AROAEXAMPLE:ci", AssumedRoleARN: "arn:aws:sts::111122223333:assumed-role/app/ci",
		SubjectFromWebIdentityToken: "repo:org/app:ref:refs/heads/main", Provider: "arn:aws:iam::111122223333:oidc-provider/idp",
		Audience: "sts.amazonaws.com", PackedPolicySize: &size,
	}
}

// A session printed, logged or marshalled by accident shows neither the
// secret access key nor the session token.
func TestSessionRedactsItself(t *testing.T) {
	s := testSession()
	var outputs []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		outputs = append(outputs, fmt.Sprintf(verb, s), fmt.Sprintf(verb, *s))
	}
	outputs = append(outputs, fmt.Sprint(s), fmt.Sprintln(*s), fmt.Sprintf("%v", []*Session{s}), fmt.Sprintf("%+v", struct{ S Session }{*s}))
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("got", "session", *s, "ptr", s)
	slog.New(slog.NewTextHandler(&logged, nil)).Info("got", "session", *s)
	outputs = append(outputs, logged.String())
	js, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	outputs = append(outputs, string(js))
	for _, out := range outputs {
		if strings.Contains(out, s.SecretAccessKey) || strings.Contains(out, s.SessionToken) {
			t.Errorf("a secret leaked: %s", out)
		}
	}
	if !strings.Contains(string(js), `"SecretAccessKey":"[REDACTED]"`) || !strings.Contains(string(js), `"AccessKeyId":"ASIAEXAMPLEEXAMPLE01"`) {
		t.Errorf("json.Marshal = %s", js)
	}
	if got := fmt.Sprintf("%T", StaticToken("x")); got != "webidentity.StaticToken" {
		t.Errorf("%%T = %s", got)
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		if out := fmt.Sprintf(verb, StaticToken("eyJ.secret.token")); strings.Contains(out, "secret") {
			t.Errorf("%s of a StaticToken: %s", verb, out)
		}
		gh := &GitHubActions{RequestToken: "request-secret", RequestURL: "https://x"}
		if out := fmt.Sprintf(verb, gh) + fmt.Sprintf(verb, Options{Token: gh}); strings.Contains(out, "request-secret") {
			t.Errorf("%s of a GitHubActions: %s", verb, out)
		}
	}
}

// AnswerJSON is the STS answer in the AWS CLI's shape, and the file cache
// reads it back unchanged.
func TestAnswerJSONRoundTrip(t *testing.T) {
	s := testSession()
	out, err := s.AnswerJSON()
	if err != nil {
		t.Fatal(err)
	}
	want := `{
    "Credentials": {
        "AccessKeyId": "ASIAEXAMPLEEXAMPLE01",
        "SecretAccessKey": "secret-access-key-value",
        "SessionToken": "session-token-value",
        "Expiration": "2026-11-22T10:00:00Z"
    },
    "SubjectFromWebIdentityToken": "repo:org/app:ref:refs/heads/main",
    "AssumedRoleUser": {
        "AssumedRoleId": "AROAEXAMPLE:ci",
        "Arn": "arn:aws:sts::111122223333:assumed-role/app/ci"
    },
    "PackedPolicySize": 6,
    "Provider": "arn:aws:iam::111122223333:oidc-provider/idp",
    "Audience": "sts.amazonaws.com"
}`
	if string(out) != want {
		t.Fatalf("AnswerJSON =\n%s\nwant\n%s", out, want)
	}
	back, err := sessionFromAnswer(out)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := back.AnswerJSON(); string(again) != want {
		t.Fatalf("round trip =\n%s", again)
	}
}

func TestCredentialProcessJSONAndEnvironment(t *testing.T) {
	s := testSession()
	out, err := s.CredentialProcessJSON()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Version":1,"AccessKeyId":"ASIAEXAMPLEEXAMPLE01","SecretAccessKey":"secret-access-key-value","SessionToken":"session-token-value","Expiration":"2026-11-22T10:00:00Z"}`
	if string(out) != want {
		t.Errorf("CredentialProcessJSON = %s", out)
	}
	env := strings.Join(s.Environment(), "\n")
	wantEnv := "AWS_ACCESS_KEY_ID=ASIAEXAMPLEEXAMPLE01\nAWS_SECRET_ACCESS_KEY=secret-access-key-value\nAWS_SESSION_TOKEN=session-token-value\nAWS_CREDENTIAL_EXPIRATION=2026-11-22T10:00:00Z"
	if env != wantEnv {
		t.Errorf("Environment =\n%s", env)
	}
	c := s.AWS()
	if c.AccountID != "111122223333" || !c.CanExpire || !c.Expires.Equal(s.Expiration) || c.Source != CredentialSource {
		t.Errorf("AWS() = %+v", c)
	}
}

func TestAccountOf(t *testing.T) {
	for arn, want := range map[string]string{
		"arn:aws:sts::111122223333:assumed-role/a/b": "111122223333",
		"arn:aws:sts::": "",
		"":              "",
		"not-an-arn":    "",
	} {
		if got := accountOf(arn); got != want {
			t.Errorf("accountOf(%q) = %q, want %q", arn, got, want)
		}
	}
}
