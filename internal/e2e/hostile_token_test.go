package e2e

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/testutil/fakeidp"
)

// Hostile tokens — claims of the wrong JSON type, bytes outside the
// base64url alphabet — are answered 4xx, never 5xx: every SDK retries a
// 5xx, and a request that can never succeed must not look retryable.

// outcome is what one AssumeRoleWithWebIdentity call must answer: 200, or
// the exact error code, status, message and internal reason code.
type outcome struct {
	status  int
	code    string
	message string
	reason  string
}

var (
	accepted       = outcome{status: 200}
	invalidClaim   = outcome{400, "InvalidIdentityToken", msgNotValidated, "invalid_claim"}
	malformedToken = outcome{400, "InvalidIdentityToken", msgNotValidated, "malformed"}
	badTagClaim    = outcome{400, "InvalidIdentityToken", msgNotValidated, "invalid_session_tag_claim"}
	wrongAudience  = outcome{400, "InvalidIdentityToken", "Incorrect token audience", "wrong_audience"}
	roleNotInClaim = outcome{400, "InvalidIdentityToken", "The target role ARN is not present in the roles claim of the identity token", "role_not_in_roles_claim"}
	transitiveKey  = outcome{400, "InvalidParameterValue", "The specified transitive tag key must be included in the requested tags.", "transitive_key_not_tagged"}
	trustDenied    = outcome{403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity", "trust_policy_implicitDeny"}
)

func missingClaim(name string) outcome {
	return outcome{400, "InvalidIdentityToken", "Missing a required claim: " + name, "missing_claim"}
}

// jsonTypes are the six JSON types, in the order of the want arrays below.
var jsonTypes = [6]string{"null", "bool", "object", "array", "number", "string"}

// typedValue is a value of JSON type i; the string is str.
func typedValue(i int, str string) any {
	return [6]any{nil, true, map[string]any{"a": "b"}, []any{"x"}, 42, str}[i]
}

// expect sends a token and asserts the outcome: status, code, message,
// Type and request id of the error body, and the internal reason code the
// node logged for that request id.
func (n *node) expect(t *testing.T, roleARN, token string, want outcome) {
	t.Helper()
	status, header, body := n.post(arwwi(roleARN, "s1", token), nil)
	if want.status == 200 {
		if status != 200 || !strings.Contains(body, "<AssumedRoleId>") {
			t.Fatalf("want 200, got %d\n%s", status, body)
		}
		return
	}
	wantError(t, status, header, body, want.status, want.code, want.message)
	var e errorBody
	if err := xml.Unmarshal([]byte(body), &e); err != nil {
		t.Fatal(err)
	}
	if got := n.loggedReason(t, e.ReqID); got != want.reason {
		t.Errorf("logged reason = %q, want %q", got, want.reason)
	}
}

// loggedReason returns the reason code of the "request failed" log line of
// requestID; the line is written just after the response, so it polls.
func (n *node) loggedReason(t *testing.T, requestID string) string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		for line := range strings.SplitSeq(n.logs.String(), "\n") {
			var l struct {
				Msg       string `json:"msg"`
				RequestID string `json:"request_id"`
				Reason    string `json:"reason"`
			}
			if json.Unmarshal([]byte(line), &l) == nil && l.Msg == "request failed" && l.RequestID == requestID {
				return l.Reason
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no log line for request %s", requestID)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// validClaims are the claims of an acceptable token at the node's clock.
func (n *node) validClaims() map[string]any {
	now := n.clock.Now().Unix()
	return map[string]any{"iss": n.idp.Issuer(), "sub": "u", "aud": aud, "iat": now, "exp": now + 3600}
}

// A sub of null, true, {} or ["x"] answered 500 InternalFailure (an
// imitation of what AWS was seen doing), whatever the rest of the token:
// also with a junk signature and when expired. It is 400 now.
func TestHostileSubIsNever5xx(t *testing.T) {
	n := startNode(t, nodeOptions{})
	roleARN := n.role("app", n.trustFor(), 3600)
	now := n.clock.Now().Unix()
	for _, sub := range []any{nil, true, map[string]any{}, []any{"x"}} {
		for _, variant := range []string{"signed", "junk signature", "expired", "expired with junk signature"} {
			t.Run(fmt.Sprintf("%s/%v", variant, sub), func(t *testing.T) {
				claims := n.validClaims()
				claims["sub"] = sub
				if strings.HasPrefix(variant, "expired") {
					claims["iat"], claims["exp"] = now-7200, now-3600
				}
				token := n.idp.Mint(claims)
				if strings.Contains(variant, "junk") {
					token = token[:strings.LastIndexByte(token, '.')+1] + "QUFBQQ"
				}
				n.expect(t, roleARN, token, invalidClaim)
			})
		}
	}
	t.Run("empty sub is missing", func(t *testing.T) {
		claims := n.validClaims()
		claims["sub"] = ""
		n.expect(t, roleARN, n.idp.Mint(claims), missingClaim("sub"))
	})
}

// Every claim stsd reads, with a value of each JSON type, through the STS
// handler: the answer is 200 or an exact 4xx, never 5xx.
func TestHostileClaimTypesAnswer4xx(t *testing.T) {
	n := startNode(t, nodeOptions{})
	roleARN := n.role("app", n.trustFor("sts:TagSession", "sts:SetSourceIdentity"), 3600)
	now := n.clock.Now().Unix()
	expired := outcome{400, "ExpiredTokenException",
		"Token expired: current date/time " + strconv.FormatInt(now, 10) + " must be before the expiration date/time 42", "expired"}
	top := func(name string) func(map[string]any, any) {
		return func(c map[string]any, v any) { c[name] = v }
	}
	inTags := func(path ...string) func(map[string]any, any) {
		return func(c map[string]any, v any) {
			tags := map[string]any{"principal_tags": map[string]any{"team": []any{"a"}}}
			if path[0] == "principal_tags" && len(path) == 2 {
				tags["principal_tags"].(map[string]any)[path[1]] = v
			} else {
				tags[path[0]] = v
			}
			c["https://aws.amazon.com/tags"] = tags
		}
	}
	rows := []struct {
		claim string
		set   func(map[string]any, any)
		str   string
		want  [6]outcome // null, bool, object, array ["x"], number 42, string
	}{
		{"iss", top("iss"), "x", [6]outcome{invalidClaim, invalidClaim, invalidClaim, invalidClaim, invalidClaim,
			{400, "InvalidIdentityToken", "No OpenIDConnect provider found in your account for x", "issuer_unknown"}}},
		{"aud", top("aud"), "x", [6]outcome{missingClaim("aud"), invalidClaim, invalidClaim, wrongAudience, invalidClaim, wrongAudience}},
		{"azp", top("azp"), "x", [6]outcome{invalidClaim, invalidClaim, invalidClaim, invalidClaim, invalidClaim, wrongAudience}},
		{"sub", top("sub"), "x", [6]outcome{invalidClaim, invalidClaim, invalidClaim, invalidClaim, accepted, accepted}},
		{"iat", top("iat"), "x", [6]outcome{invalidClaim, invalidClaim, invalidClaim, invalidClaim, accepted, invalidClaim}},
		{"exp", top("exp"), "x", [6]outcome{invalidClaim, invalidClaim, invalidClaim, invalidClaim, expired, invalidClaim}},
		{"nbf", top("nbf"), "x", [6]outcome{invalidClaim, invalidClaim, invalidClaim, invalidClaim, accepted, invalidClaim}},
		{"amr", top("amr"), "x", [6]outcome{accepted, invalidClaim, invalidClaim, accepted, invalidClaim, accepted}},
		{"tags", top("https://aws.amazon.com/tags"), "x", [6]outcome{accepted, badTagClaim, accepted, badTagClaim, badTagClaim, badTagClaim}},
		{"tags.principal_tags", inTags("principal_tags"), "x", [6]outcome{accepted, badTagClaim, badTagClaim, badTagClaim, badTagClaim, badTagClaim}},
		{"tags.principal_tags.team", inTags("principal_tags", "team"), "x", [6]outcome{badTagClaim, badTagClaim, badTagClaim, accepted, badTagClaim, badTagClaim}},
		{"tags.transitive_tag_keys", inTags("transitive_tag_keys"), "x", [6]outcome{accepted, badTagClaim, badTagClaim, transitiveKey, badTagClaim, badTagClaim}},
		{"flattened principal tag", top("https://aws.amazon.com/tags/principal_tags/team"), "x", [6]outcome{badTagClaim, badTagClaim, badTagClaim, badTagClaim, badTagClaim, accepted}},
		{"flattened transitive keys", top("https://aws.amazon.com/tags/transitive_tag_keys"), "x", [6]outcome{accepted, badTagClaim, badTagClaim, transitiveKey, badTagClaim, badTagClaim}},
		{"source_identity", top("https://aws.amazon.com/source_identity"), "admin", [6]outcome{accepted, badTagClaim, badTagClaim, badTagClaim, badTagClaim, accepted}},
		{"roles", top("https://aws.amazon.com/roles"), "x", [6]outcome{accepted, roleNotInClaim, roleNotInClaim, roleNotInClaim, roleNotInClaim, roleNotInClaim}},
	}
	for _, r := range rows {
		for i, typ := range jsonTypes {
			t.Run(r.claim+"/"+typ, func(t *testing.T) {
				claims := n.validClaims()
				r.set(claims, typedValue(i, r.str))
				n.expect(t, roleARN, n.idp.Mint(claims), r.want[i])
			})
		}
	}
}

// The provider-specific claims that become condition keys (GitHub's here,
// sts-contract §6.2) take any type: non-scalars are simply not exposed. The
// provider is registered with a static JWKS, so nothing is fetched from
// the real GitHub.
func TestHostileConditionKeyClaimTypes(t *testing.T) {
	n := startNode(t, nodeOptions{})
	const ghIssuer = "https://token.actions.githubusercontent.com"
	p, err := n.app.Repo.CreateProvider(context.Background(), iam.OIDCProvider{
		Account: account, URL: ghIssuer, ClientIDs: []string{aud},
		StaticJWKS: string(fakeidp.JWKS(n.idp.PublishedKeys()...)),
	})
	if err != nil {
		t.Fatal(err)
	}
	host := strings.TrimPrefix(ghIssuer, "https://")
	trust := func(condition string) string {
		return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":%q},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{%q:%q%s}}}]}`,
			p.ARN(), host+":aud", aud, condition)
	}
	open := n.role("gh-open", trust(""), 3600)
	strict := n.role("gh-strict", trust(fmt.Sprintf(",%q:%q", host+":repository", "x")), 3600)
	ghClaims := func(name string, v any) map[string]any {
		c := n.validClaims()
		c["iss"] = ghIssuer
		c[name] = v
		return c
	}
	for _, name := range []string{"actor", "actor_id", "enterprise_id", "environment", "job_workflow_ref", "ref",
		"repository", "repository_id", "repository_owner_id", "workflow"} {
		for i, typ := range jsonTypes {
			t.Run(name+"/"+typ, func(t *testing.T) {
				n.expect(t, open, n.idp.Mint(ghClaims(name, typedValue(i, "x"))), accepted)
			})
		}
	}
	for i, typ := range jsonTypes {
		t.Run("condition on repository/"+typ, func(t *testing.T) {
			want := trustDenied
			if typ == "string" {
				want = accepted
			}
			n.expect(t, strict, n.idp.Mint(ghClaims("repository", typedValue(i, "x"))), want)
		})
	}
}

// A byte outside the base64url alphabet anywhere in any segment makes the
// token malformed. Go's decoder skipped '\r' and '\n', so a line break in
// the signature segment was accepted and one token had many spellings.
func TestHostileTokenBytesOutsideBase64URL(t *testing.T) {
	n := startNode(t, nodeOptions{})
	roleARN := n.role("app", n.trustFor(), 3600)
	token := n.idp.Mint(n.validClaims())
	n.expect(t, roleARN, token, accepted)
	parts := strings.Split(token, ".")
	for seg, segName := range []string{"header", "payload", "signature"} {
		for _, bad := range []string{"\r", "\n", "\r\n", " ", "\t", "=", "+", "/", ".", "\x00", "é", "\xff"} {
			t.Run(fmt.Sprintf("%s/%q", segName, bad), func(t *testing.T) {
				p := append([]string(nil), parts...)
				mid := len(p[seg]) / 2
				p[seg] = p[seg][:mid] + bad + p[seg][mid:]
				n.expect(t, roleARN, strings.Join(p, "."), malformedToken)
			})
			t.Run(fmt.Sprintf("%s/%q at the end", segName, bad), func(t *testing.T) {
				p := append([]string(nil), parts...)
				p[seg] += bad
				n.expect(t, roleARN, strings.Join(p, "."), malformedToken)
			})
		}
	}
}
