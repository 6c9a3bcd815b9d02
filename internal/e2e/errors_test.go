package e2e

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stsd/stsd/internal/testutil/fakeidp"
)

type errorBody struct {
	XMLName xml.Name `xml:"ErrorResponse"`
	Type    string   `xml:"Error>Type"`
	Code    string   `xml:"Error>Code"`
	Message string   `xml:"Error>Message"`
	ReqID   string   `xml:"RequestId"`
}

// wantError asserts status, code, message, Type and the request-id header.
func wantError(t *testing.T, status int, header http.Header, body string, wantStatus int, wantCode, wantMessage string) {
	t.Helper()
	var e errorBody
	if err := xml.Unmarshal([]byte(body), &e); err != nil {
		t.Fatalf("error body does not parse (%v):\n%s", err, body)
	}
	if status != wantStatus || e.Code != wantCode || e.Message != wantMessage {
		t.Errorf("got %d %s %q\nwant %d %s %q", status, e.Code, e.Message, wantStatus, wantCode, wantMessage)
	}
	wantType := "Sender"
	if wantStatus >= 500 {
		wantType = "Receiver"
	}
	if e.Type != wantType || e.ReqID == "" || header.Get("x-amzn-RequestId") != e.ReqID {
		t.Errorf("Type %q, RequestId %q, header %q", e.Type, e.ReqID, header.Get("x-amzn-RequestId"))
	}
	if ct := header.Get("Content-Type"); ct != "text/xml" {
		t.Errorf("Content-Type = %q, want text/xml", ct)
	}
}

// Every AssumeRoleWithWebIdentity rejection: exact code, HTTP status and
// message (sts-contract §2.2, §4, §5.7, §8).
func TestAssumeRoleWithWebIdentityErrors(t *testing.T) {
	n := startNode(t, nodeOptions{})
	roleARN := n.role("app", n.trustFor(), 3600)
	strict := n.role("strict", fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":%q},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{%q:"repo:org/app:ref:refs/heads/main"}}}]}`,
		n.provider(), n.hostPath()+":sub"), 3600)
	other := fakeidp.New(t, fakeidp.Options{})
	now := n.clock.Now().Unix()
	valid := n.token("u", nil)
	long := strings.Repeat("a", 65)

	cases := []struct {
		name    string
		params  url.Values
		status  int
		code    string
		message string
	}{
		{"role does not exist", arwwi("arn:aws:iam::"+account+":role/nope", "s1", valid), 403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity"},
		{"role in another account", arwwi("arn:aws:iam::999999999999:role/app", "s1", valid), 403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity"},
		{"arn of a user, not a role", arwwi("arn:aws:iam::"+account+":user/app", "s1", valid), 403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity"},
		{"trust condition fails", arwwi(strict, "s1", valid), 403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity"},
		{"malformed role ARN", arwwi("nothing-valid-in-here", "s1", valid), 400, "ValidationError", "nothing-valid-in-here is invalid"},
		{"arn with empty partition", arwwi("arn::b:::something/test-role", "s1", valid), 400, "ValidationError", "arn::b:::something/test-role is invalid"},
		{"session name pattern", arwwi(roleARN, "Session1:2", valid), 400, "ValidationError",
			`1 validation error detected: Value 'Session1:2' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*`},
		{"session name too long", arwwi(roleARN, long, valid), 400, "ValidationError",
			"1 validation error detected: Value '" + long + "' at 'roleSessionName' failed to satisfy constraint: Member must have length less than or equal to 64"},
		{"missing role ARN (minio-go without RoleARN)", url.Values{"Action": {"AssumeRoleWithWebIdentity"}, "Version": {"2011-06-15"}, "WebIdentityToken": {valid}}, 400, "ValidationError",
			"2 validation errors detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null; Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null"},
		{"token too short, value not echoed", arwwi(roleARN, "s1", "abc"), 400, "ValidationError",
			"1 validation error detected: Value at 'webIdentityToken' failed to satisfy constraint: Member must have length greater than or equal to 4"},
		{"duration below 900", with(arwwi(roleARN, "s1", valid), "DurationSeconds", "600"), 400, "ValidationError",
			"1 validation error detected: Value '600' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"},
		{"duration over the role's maximum", with(arwwi(roleARN, "s1", valid), "DurationSeconds", "7200"), 400, "ValidationError",
			"The requested DurationSeconds exceeds the MaxSessionDuration set for this role."},
		{"unknown issuer echoed verbatim", arwwi(roleARN, "s1", other.Mint(other.Claims("u", aud))), 400, "InvalidIdentityToken",
			"No OpenIDConnect provider found in your account for " + other.Issuer()},
		{"audience not registered", arwwi(roleARN, "s1", n.token("u", map[string]any{"aud": "someone-else"})), 400, "InvalidIdentityToken", "Incorrect token audience"},
		{"aud missing", arwwi(roleARN, "s1", n.token("u", map[string]any{"aud": nil})), 400, "InvalidIdentityToken", "Missing a required claim: aud"},
		{"expired beyond the skew", arwwi(roleARN, "s1", n.token("u", map[string]any{"iat": now - 7200, "exp": now - 301})), 400, "ExpiredTokenException",
			"Token expired: current date/time " + strconv.FormatInt(now, 10) + " must be before the expiration date/time " + strconv.FormatInt(now-301, 10)},
		{"bad signature", arwwi(roleARN, "s1", tamper(valid)), 400, "InvalidIdentityToken", msgNotValidated},
		{"session policy malformed", with(arwwi(roleARN, "s1", valid), "Policy", "{not json"), 400, "MalformedPolicyDocument", ""},
		{"OAuth ProviderId path", with(arwwi(roleARN, "s1", valid), "ProviderId", "www.amazon.com"), 403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity"},
		{"roles claim without the role", arwwi(roleARN, "s1", n.token("u", map[string]any{"https://aws.amazon.com/roles": []any{"arn:aws:iam::" + account + ":role/other"}})), 400, "InvalidIdentityToken",
			"The target role ARN is not present in the roles claim of the identity token"},
		{"session tags without sts:TagSession", arwwi(roleARN, "s1", n.token("u", map[string]any{"https://aws.amazon.com/tags": map[string]any{"principal_tags": map[string]any{"team": []any{"a"}}}})), 403, "AccessDenied",
			"Not authorized to perform sts:AssumeRoleWithWebIdentity"},
		{"duplicate tag keys", arwwi(roleARN, "s1", n.token("u", map[string]any{"https://aws.amazon.com/tags": map[string]any{"principal_tags": map[string]any{"Team": []any{"a"}, "team": []any{"b"}}}})), 400, "InvalidParameterValue",
			"Duplicate tag keys found. Please note that Tag keys are case insensitive."},
		{"unknown action", url.Values{"Action": {"AssumeRoleWithSomething"}, "Version": {"2011-06-15"}}, 400, "InvalidAction", "Could not find operation AssumeRoleWithSomething for version 2011-06-15"},
		{"unknown version", url.Values{"Action": {"GetCallerIdentity"}, "Version": {"2099-01-01"}}, 400, "InvalidAction", "Could not find operation GetCallerIdentity for version 2099-01-01"},
		{"missing action", url.Values{"Version": {"2011-06-15"}}, 400, "MissingAction", "Missing Action"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, header, body := n.post(c.params, nil)
			if c.message == "" { // the parser's message is its own; check the code and status
				var e errorBody
				_ = xml.Unmarshal([]byte(body), &e)
				if status != c.status || e.Code != c.code || e.Message == "" {
					t.Fatalf("got %d %s %q", status, e.Code, e.Message)
				}
				return
			}
			wantError(t, status, header, body, c.status, c.code, c.message)
		})
	}
}

const msgNotValidated = "The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request."

func with(v url.Values, k, val string) url.Values {
	v.Set(k, val)
	return v
}

// tamper flips one character of the signature.
// wrongSecret is secret with its first character changed: always
// another secret (replacing it with a fixed "x" left a secret that starts
// with "x" right, about one run in 64).
func wrongSecret(secret string) string {
	if secret[0] == 'x' {
		return "y" + secret[1:]
	}
	return "x" + secret[1:]
}

func tamper(tok string) string {
	b := []byte(tok)
	i := len(b) - 5
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

// A repeated parameter is rejected; a body with the same parameter as the
// URL wins; GET query strings and POSTs with only URL parameters work.
func TestQueryProtocolForms(t *testing.T) {
	n := startNode(t, nodeOptions{})
	roleARN := n.role("app", n.trustFor(), 3600)
	tok := n.token("u", nil)

	body := arwwi(roleARN, "s1", tok).Encode() + "&RoleSessionName=s2"
	req, _ := http.NewRequest(http.MethodPost, n.app.URL+"/", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	status, header, resp := n.do(req)
	wantError(t, status, header, resp, 400, "InvalidQueryParameter", `The parameter "RoleSessionName" is repeated; each parameter may appear only once.`)

	for name, mk := range map[string]func() *http.Request{
		"GET query string (Kong, curl)": func() *http.Request {
			r, _ := http.NewRequest(http.MethodGet, n.app.URL+"/?"+arwwi(roleARN, "s1", tok).Encode(), nil)
			return r
		},
		"POST with parameters in the URL and an empty body": func() *http.Request {
			r, _ := http.NewRequest(http.MethodPost, n.app.URL+"/?"+arwwi(roleARN, "s1", tok).Encode(), nil)
			return r
		},
		"POST body wins over URL, charset, stray auth headers ignored": func() *http.Request {
			r, _ := http.NewRequest(http.MethodPost, n.app.URL+"/?RoleSessionName=bad:name", strings.NewReader(arwwi(roleARN, "s1", tok).Encode()))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAX/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00")
			r.Header.Set("X-Amz-Security-Token", "garbage")
			return r
		},
	} {
		t.Run(name, func(t *testing.T) {
			status, header, body := n.do(mk())
			if status != 200 || !strings.Contains(body, "<AssumedRoleId>") || header.Get("Content-Type") != "text/xml" {
				t.Fatalf("%d %s\n%s", status, header.Get("Content-Type"), body)
			}
		})
	}
}

// Accept: application/json gets the same tree as JSON: Expiration as epoch
// seconds, absent members null; errors as {"Error":{…},"RequestId"}.
func TestJSONMode(t *testing.T) {
	n := startNode(t, nodeOptions{})
	roleARN := n.role("app", n.trustFor(), 3600)
	json := http.Header{"Accept": {"application/json"}}
	status, header, body := n.post(arwwi(roleARN, "s1", n.token("u", nil)), json)
	exp := strconv.FormatInt(n.clock.Now().Add(3600*1e9).Unix(), 10)
	if status != 200 || header.Get("Content-Type") != "application/json" ||
		!strings.Contains(body, `"Expiration":`+exp) || !strings.Contains(body, `"PackedPolicySize":null`) ||
		!strings.HasPrefix(body, `{"AssumeRoleWithWebIdentityResponse":{"AssumeRoleWithWebIdentityResult":{`) {
		t.Errorf("%d %s\n%s", status, header.Get("Content-Type"), body)
	}
	status, _, body = n.post(arwwi("arn:aws:iam::"+account+":role/nope", "s1", n.token("u", nil)), json)
	want := `{"Error":{"Code":"AccessDenied","Message":"Not authorized to perform sts:AssumeRoleWithWebIdentity","Type":"Sender"},"RequestId":"`
	if status != 403 || !strings.HasPrefix(body, want) {
		t.Errorf("%d %s", status, body)
	}
}
