package sts_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	stssdk "github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/stsd/stsd/internal/app"
	"github.com/stsd/stsd/internal/store/memstore"
	"github.com/stsd/stsd/internal/testutil/stsdnode"
)

// The OAuth provider of these tests: stsd's client id and secret hold
// characters RFC 6749 §2.3.1 has form-encoded before base64.
const (
	oauthID           = "auth.example.com"
	oauthClientID     = "stsd:client 1"
	oauthClientSecret = "Sx+/=&%é secret-value-9f2c"
	oauthSecretEnv    = "AUTH_EXAMPLE_CLIENT_SECRET"
	msgIDPUnreachable = "The request could not be fulfilled because the identity provider (IDP) that was asked to verify the incoming identity token could not be reached. This is often a transient error caused by network conditions. Retry the request a limited number of times so that you don't exceed the request rate. If the error persists, the identity provider might be down or not responding."
)

// Access tokens the fake introspection server knows; the prefix picks the
// answer.
const (
	tokActive      = "active-7b1e2c9d4f"
	tokActive2     = "active-second-0a9b8c"
	tokInactive    = "inactive-55aa66bb"
	tokSlow        = "slow-91c2d3e4"
	tokBig         = "big-3f4e5d6c"
	tokHTML        = "html-8e7d6c5b"
	tok5xx         = "fail-1a2b3c4d"
	tokNoSub       = "nosub-77ee88ff"
	tokOtherApp    = "active-otherapp-1234"
	tokOtherSecret = "active-unused-on-nosecret"
)

// introspectionServer is a fake RFC 7662 endpoint on a real HTTP server.
// It checks each request (method, content type, form, Basic credentials)
// and counts them per token.
type introspectionServer struct {
	*httptest.Server
	mu       sync.Mutex
	hits     map[string]int
	problems []string
}

func newIntrospectionServer(t *testing.T) *introspectionServer {
	t.Helper()
	s := &introspectionServer{hits: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(func() {
		s.Close()
		for _, p := range s.problems {
			t.Error("introspection request: " + p)
		}
	})
	return s
}

func (s *introspectionServer) count(token string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[token]
}

func (s *introspectionServer) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	form, _ := url.ParseQuery(string(body))
	tok := form.Get("token")
	s.mu.Lock()
	s.hits[tok]++
	wantAuth := "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(oauthClientID)+":"+url.QueryEscape(oauthClientSecret)))
	for _, p := range []struct {
		ok   bool
		what string
	}{
		{r.Method == http.MethodPost, "method " + r.Method},
		{r.Header.Get("Content-Type") == "application/x-www-form-urlencoded", "content type " + r.Header.Get("Content-Type")},
		{r.Header.Get("Authorization") == wantAuth, "authorization " + r.Header.Get("Authorization")},
		{len(form) == 2 && form.Get("token_type_hint") == "access_token", "form " + string(body)},
	} {
		if !p.ok {
			s.problems = append(s.problems, p.what)
		}
	}
	s.mu.Unlock()
	answer := func(status int, ctype, body string) {
		w.Header().Set("Content-Type", ctype)
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
	exp := time.Now().Add(time.Hour).Unix()
	switch {
	case strings.HasPrefix(tok, "active-otherapp"):
		answer(200, "application/json", `{"active":true,"sub":"user-42","client_id":"other-app","scope":"sts:assume","exp":`+strconv.FormatInt(exp, 10)+`}`)
	case strings.HasPrefix(tok, "active-"):
		answer(200, "application/json; charset=utf-8", `{"active":true,"sub":"user-42","client_id":"web-app","username":"alice",
			"scope":"openid sts:assume","aud":["api.example.com"],"token_type":"Bearer","iss":"https://auth.example.com","exp":`+strconv.FormatInt(exp, 10)+`}`)
	case strings.HasPrefix(tok, "inactive-"):
		answer(200, "application/json", `{"active":false}`)
	case strings.HasPrefix(tok, "nosub-"):
		answer(200, "application/json", `{"active":true,"client_id":"web-app","scope":"sts:assume"}`)
	case strings.HasPrefix(tok, "slow-"):
		select {
		case <-time.After(7 * time.Second):
		case <-r.Context().Done():
		}
		answer(200, "application/json", `{"active":true,"sub":"user-42","client_id":"web-app"}`)
	case strings.HasPrefix(tok, "big-"):
		answer(200, "application/json", `{"active":true,"sub":"user-42","client_id":"web-app","pad":"`+strings.Repeat("x", 70<<10)+`"}`)
	case strings.HasPrefix(tok, "html-"):
		answer(200, "text/html", `{"active":true,"sub":"user-42","client_id":"web-app"}`)
	default:
		answer(503, "application/json", `{"error":"temporarily_unavailable"}`)
	}
}

// oauthNode is a node whose bootstrap file registers OAuth providers
// pointing at srv (auth.example.com), at a closed port (down.example.com)
// and at srv without a secret on this node (nosecret.example.com), and a
// role trusting auth.example.com for the web-app client with the
// sts:assume scope.
func newOAuthNode(t *testing.T, srv *introspectionServer) (*node, *memstore.Store) {
	t.Helper()
	closed := httptest.NewServer(http.NotFoundHandler())
	downURL := closed.URL + "/introspect"
	closed.Close()
	dir := t.TempDir()
	boot := filepath.Join(dir, "stsd.yaml")
	trust := func(condition string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + oauthID +
			`"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":` + condition + `}]}`
	}
	file := `oauth_providers:
  - provider_id: ` + oauthID + `
    introspection_url: ` + srv.URL + `/introspect
    client_id: "` + oauthClientID + `"
    client_secret_env: ` + oauthSecretEnv + `
  - provider_id: down.example.com
    introspection_url: ` + downURL + `
    client_id: "` + oauthClientID + `"
    client_secret_env: ` + oauthSecretEnv + `
  - provider_id: nosecret.example.com
    introspection_url: ` + srv.URL + `/introspect
    client_id: "` + oauthClientID + `"
    client_secret_file: ` + filepath.Join(dir, "absent-secret") + `
roles:
  - name: oauth-app
    trust_policy: '` + trust(`{"StringEquals":{"auth.example.com:app_id":"web-app","auth.example.com:aud":"api.example.com"},"ForAnyValue:StringEquals":{"auth.example.com:scope":"sts:assume"}}`) + `'
  - name: oauth-alice-only
    trust_policy: '` + trust(`{"StringEquals":{"auth.example.com:sub":"someone-else"}}`) + `'
  - name: oauth-user-42
    trust_policy: '` + trust(`{"StringEquals":{"auth.example.com:sub":"user-42","aws:FederatedProvider":"auth.example.com"}}`) + `'
  - name: oauth-down
    trust_policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":["down.example.com","nosecret.example.com"]},"Action":"sts:AssumeRoleWithWebIdentity"}]}'
`
	if err := os.WriteFile(boot, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	st := memstore.New()
	n := startNode(t, stsdnode.Options{Account: account, NoProvider: true, Store: st,
		Env:     map[string]string{oauthSecretEnv: oauthClientSecret},
		Prepare: func(a *app.Options) { a.Config.Bootstrap = boot }})
	return n, st
}

func roleARNOf(name string) string { return "arn:aws:iam::" + account + ":role/" + name }

func (n *node) assumeOAuth(role, providerID, token string) (*stssdk.AssumeRoleWithWebIdentityOutput, error) {
	return n.sts(nil).AssumeRoleWithWebIdentity(context.Background(), &stssdk.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(roleARNOf(role)), RoleSessionName: aws.String("oauth-session"),
		WebIdentityToken: aws.String(token), ProviderId: aws.String(providerID),
	})
}

// An access token the provider reports active gets credentials through
// aws-sdk-go-v2: Provider is the ProviderId, SubjectFromWebIdentityToken
// the introspected sub, Audience the client_id; the answer is cached.
func TestOAuthProviderIdAccepted(t *testing.T) {
	srv := newIntrospectionServer(t)
	n, _ := newOAuthNode(t, srv)
	out, err := n.assumeOAuth("oauth-app", oauthID, tokActive)
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.Provider) != oauthID || aws.ToString(out.SubjectFromWebIdentityToken) != "user-42" ||
		aws.ToString(out.Audience) != "web-app" ||
		aws.ToString(out.AssumedRoleUser.Arn) != "arn:aws:sts::"+account+":assumed-role/oauth-app/oauth-session" {
		t.Fatalf("answer: provider %q subject %q audience %q user %q", aws.ToString(out.Provider),
			aws.ToString(out.SubjectFromWebIdentityToken), aws.ToString(out.Audience), aws.ToString(out.AssumedRoleUser.Arn))
	}
	id, err := n.sts(staticCreds(out.Credentials)).GetCallerIdentity(context.Background(), nil)
	if err != nil || aws.ToString(id.Arn) != "arn:aws:sts::"+account+":assumed-role/oauth-app/oauth-session" {
		t.Fatalf("GetCallerIdentity: %v %v", id, err)
	}
	// The same token again: answered from the cache (under a minute).
	if _, err := n.assumeOAuth("oauth-app", oauthID, tokActive); err != nil {
		t.Fatal(err)
	}
	if got := srv.count(tokActive); got != 1 {
		t.Fatalf("%d introspection requests for one token within a minute, want 1", got)
	}
	// Another client of the provider is not the web-app client the trust
	// policy names.
	_, err = n.assumeOAuth("oauth-app", oauthID, tokOtherApp)
	wantAPIError(t, err, "AccessDenied", 403, "Not authorized to perform sts:AssumeRoleWithWebIdentity")
	_, err = n.assumeOAuth("oauth-alice-only", oauthID, tokActive2)
	wantAPIError(t, err, "AccessDenied", 403, "Not authorized to perform sts:AssumeRoleWithWebIdentity")
	// The subject and the federated provider are keys of the trust policy.
	if _, err := n.assumeOAuth("oauth-user-42", oauthID, tokActive2); err != nil {
		t.Fatal(err)
	}
}

// Every rejection of the ProviderId path with its exact code, HTTP status
// and message, through aws-sdk-go-v2 (one attempt: no retries).
func TestOAuthProviderIdRejections(t *testing.T) {
	srv := newIntrospectionServer(t)
	n, _ := newOAuthNode(t, srv)
	notAuthorized := "Not authorized to perform sts:AssumeRoleWithWebIdentity"
	cases := []struct {
		name, role, provider, token string
		code                        string
		status                      int
		message                     string
		asked                       bool // whether the provider is asked
	}{
		{"unknown provider id", "oauth-app", "www.amazon.com", tokActive, "AccessDenied", 403, notAuthorized, false},
		{"provider id of another case", "oauth-app", "AUTH.example.com", tokActive, "AccessDenied", 403, notAuthorized, false},
		{"no such role", "missing", oauthID, tokActive, "AccessDenied", 403, notAuthorized, false},
		{"inactive token", "oauth-app", oauthID, tokInactive, "IDPRejectedClaim", 403,
			"auth.example.com: auth.example.com responded with active: false", true},
		{"5xx", "oauth-app", oauthID, tok5xx, "IDPCommunicationError", 400,
			"auth.example.com: auth.example.com responded with HTTP/1.1 503 Service Unavailable", true},
		{"slow", "oauth-app", oauthID, tokSlow, "IDPCommunicationError", 400, msgIDPUnreachable, true},
		{"oversized", "oauth-app", oauthID, tokBig, "IDPCommunicationError", 400, msgIDPUnreachable, true},
		{"wrong content type", "oauth-app", oauthID, tokHTML, "IDPCommunicationError", 400, msgIDPUnreachable, true},
		{"down", "oauth-down", "down.example.com", tokActive, "IDPCommunicationError", 400, msgIDPUnreachable, false},
		{"no client secret on this node", "oauth-down", "nosecret.example.com", tokOtherSecret, "IDPCommunicationError", 400, msgIDPUnreachable, false},
		{"no sub", "oauth-app", oauthID, tokNoSub, "InvalidIdentityToken", 400, "Missing a required claim: sub", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := srv.count(tc.token)
			start := time.Now()
			_, err := n.assumeOAuth(tc.role, tc.provider, tc.token)
			wantAPIError(t, err, tc.code, tc.status, tc.message)
			if asked := srv.count(tc.token) > before; asked != tc.asked {
				t.Fatalf("provider asked: %v, want %v", asked, tc.asked)
			}
			if took := time.Since(start); took > 6500*time.Millisecond {
				t.Fatalf("took %v: the introspection budget is 5 s", took)
			}
		})
	}
	// Rejections are not cached: the inactive token is asked about again.
	_, _ = n.assumeOAuth("oauth-app", oauthID, tokInactive)
	if got := srv.count(tokInactive); got != 2 {
		t.Fatalf("%d requests for the inactive token, want 2", got)
	}
}

// The client secret is never in the store, the logs, the audit log or
// `stsd export`'s file; access tokens are never in the logs or the audit
// log; the audit event names the web identity user.
func TestOAuthSecretsStayOut(t *testing.T) {
	srv := newIntrospectionServer(t)
	n, st := newOAuthNode(t, srv)
	if _, err := n.assumeOAuth("oauth-app", oauthID, tokActive); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{tokInactive, tok5xx, tokHTML} {
		if _, err := n.assumeOAuth("oauth-app", oauthID, tok); err == nil {
			t.Fatalf("%s accepted", tok)
		}
	}
	kvs, _, err := st.List(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	var stored strings.Builder
	for _, kv := range kvs {
		stored.WriteString(kv.Key + "=" + string(kv.Value) + "\n")
	}
	if !strings.Contains(stored.String(), oauthSecretEnv) {
		t.Fatal("the provider (and its secret's variable) is not in the store")
	}
	audit := n.auditLog()
	logs := n.logs.String()
	for where, text := range map[string]string{"store": stored.String(), "audit log": audit, "logs": logs} {
		for _, secret := range []string{oauthClientSecret, url.QueryEscape(oauthClientSecret),
			base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(oauthClientID) + ":" + url.QueryEscape(oauthClientSecret))),
			tokActive, tokInactive, tok5xx, tokHTML} {
			if strings.Contains(text, secret) {
				t.Errorf("the %s holds %q", where, secret)
			}
		}
	}
	if !strings.Contains(audit, `"type":"WebIdentityUser","principalId":"auth.example.com:web-app:user-42"`) ||
		!strings.Contains(audit, `"identityProvider":"auth.example.com"`) ||
		!strings.Contains(audit, `"errorCode":"IDPRejectedClaim"`) || !strings.Contains(audit, `"reason":"idp_content_type"`) {
		t.Fatalf("audit log:\n%s", audit)
	}
}

// The AWS CLI's --provider-id: credentials printed, and the rejections
// reported with their code, message and HTTP status.
func TestOAuthProviderIdAWSCLI(t *testing.T) {
	bin, err := exec.LookPath("aws")
	if err != nil {
		if os.Getenv("STSD_REQUIRE_AWSCLI") != "" {
			t.Fatal("the AWS CLI is required (STSD_REQUIRE_AWSCLI is set) but not installed")
		}
		t.Skip("aws CLI not installed")
	}
	srv := newIntrospectionServer(t)
	n, _ := newOAuthNode(t, srv)
	run := func(t *testing.T, providerID, token string, debug bool) (string, string, error) {
		t.Helper()
		args := []string{"sts", "assume-role-with-web-identity", "--role-arn", roleARNOf("oauth-app"),
			"--role-session-name", "cli", "--web-identity-token", token, "--provider-id", providerID,
			"--endpoint-url", n.app.URL, "--region", "us-east-1", "--output", "json"}
		if debug {
			args = append(args, "--debug")
		}
		cmd := exec.Command(bin, args...)
		cmd.Env = []string{
			"PATH=" + filepath.Dir(bin) + string(os.PathListSeparator) + os.Getenv("PATH"), "HOME=" + t.TempDir(),
			"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=", "AWS_EC2_METADATA_DISABLED=true",
			"AWS_MAX_ATTEMPTS=1", // botocore retries IDPCommunicationError
		}
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		return stdout.String(), stderr.String(), err
	}
	t.Run("accepted", func(t *testing.T) {
		stdout, stderr, err := run(t, oauthID, tokActive, false)
		if err != nil {
			t.Fatalf("%v\n%s", err, stderr)
		}
		var out struct {
			Provider, Audience, SubjectFromWebIdentityToken string
			AssumedRoleUser                                 struct{ Arn string }
			Credentials                                     struct{ AccessKeyId, SessionToken string }
		}
		if err := json.Unmarshal([]byte(stdout), &out); err != nil || out.Provider != oauthID || out.Audience != "web-app" ||
			out.SubjectFromWebIdentityToken != "user-42" || out.AssumedRoleUser.Arn != "arn:aws:sts::"+account+":assumed-role/oauth-app/cli" ||
			!strings.HasPrefix(out.Credentials.AccessKeyId, "ASIA") || out.Credentials.SessionToken == "" {
			t.Fatalf("printed %s (%v)", stdout, err)
		}
	})
	for _, tc := range []struct {
		name, provider, token, code string
		status                      int
		message                     string
	}{
		{"unknown provider id", "graph.facebook.com", tokActive, "AccessDenied", 403, "Not authorized to perform sts:AssumeRoleWithWebIdentity"},
		{"inactive", oauthID, tokInactive, "IDPRejectedClaim", 403, "auth.example.com: auth.example.com responded with active: false"},
		{"5xx", oauthID, tok5xx, "IDPCommunicationError", 400, "auth.example.com: auth.example.com responded with HTTP/1.1 503 Service Unavailable"},
		{"wrong content type", oauthID, tokHTML, "IDPCommunicationError", 400, msgIDPUnreachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, err := run(t, tc.provider, tc.token, true)
			retried := "" // botocore retries IDPCommunicationError and says so
			if tc.code == "IDPCommunicationError" {
				retried = " (reached max retries: 0)"
			}
			want := "An error occurred (" + tc.code + ") when calling the AssumeRoleWithWebIdentity operation" + retried + ": " + tc.message
			if err == nil || !strings.Contains(stderr, want) {
				t.Fatalf("%v\n%s\nwant %s", err, lastLines(stderr, 5), want)
			}
			if status := `"POST / HTTP/1.1" ` + strconv.Itoa(tc.status) + ` `; !strings.Contains(stderr, status) {
				t.Fatalf("the CLI's debug log lacks %q", status)
			}
			if n := strings.Count(stderr, `"POST / HTTP/1.1" `); n != 1 {
				t.Fatalf("%d requests, want 1", n)
			}
		})
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
