package webidentity_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/stsd/stsd/client/webidentity"
	"github.com/stsd/stsd/internal/testutil/fakeidp"
	"github.com/stsd/stsd/internal/testutil/stsdnode"
)

const (
	aud         = "sts.amazonaws.com"
	assumeEvent = "AssumeRoleWithWebIdentity"
	readRoles   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GetRole","iam:ListRoles"],"Resource":"*"}]}`
)

// fixture is a node with role "app" trusting the fake IdP's tokens for
// aud, and a token file holding such a token.
type fixture struct {
	node      *stsdnode.Node
	roleARN   string
	tokenFile string
	token     string
}

func newFixture(t *testing.T, o stsdnode.Options) *fixture {
	t.Helper()
	n := stsdnode.Start(t, o)
	f := &fixture{node: n}
	f.roleARN = n.Role("app", n.AudienceTrust(aud), map[string]string{"read-roles": readRoles})
	f.token = n.IdP.Mint(n.IdP.Claims("repo:org/app:ref:refs/heads/main", aud))
	f.tokenFile = filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(f.tokenFile, []byte(f.token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) options(session string) webidentity.Options {
	return webidentity.Options{
		Endpoint: f.node.URL, RoleARN: f.roleARN, RoleSessionName: session,
		Token: webidentity.TokenFile(f.tokenFile),
	}
}

// The provider, wrapped in the SDK's cache, signs real STS and IAM calls
// to stsd; the SDK asks it once while the session is fresh.
func TestProviderSignsSDKCalls(t *testing.T) {
	f := newFixture(t, stsdnode.Options{})
	creds, err := webidentity.NewCredentialsCache(f.options("ci"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	stsClient := sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(f.node.URL), Credentials: creds})
	iamClient := iam.New(iam.Options{Region: "us-east-1", BaseEndpoint: aws.String(f.node.URL), Credentials: creds})
	for range 2 {
		who, err := stsClient.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			t.Fatal(err)
		}
		if got := aws.ToString(who.Arn); got != "arn:aws:sts::111122223333:assumed-role/app/ci" {
			t.Fatalf("Arn = %s", got)
		}
		role, err := iamClient.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("app")})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(role.Role.Arn) != f.roleARN {
			t.Fatalf("GetRole = %s", aws.ToString(role.Role.Arn))
		}
	}
	events := f.node.WaitCount("GetRole", 2)
	if n := f.node.Count(assumeEvent); n != 1 {
		t.Fatalf("%d AssumeRoleWithWebIdentity requests, want 1: %v", n, events)
	}
	c, err := creds.Retrieve(ctx)
	if err != nil || c.AccountID != stsdnode.Account || c.Source != webidentity.CredentialSource || !c.CanExpire {
		t.Fatalf("Retrieve = %+v, %v", c, err)
	}
	assertNoSecrets(t, f.node.Logs.String(), f.token, c.SecretAccessKey, c.SessionToken)
}

// With a Cache, a second provider (another process) reuses the session
// and makes no STS request; a different session name, token or policy is
// a different entry.
func TestProviderFileCache(t *testing.T) {
	f := newFixture(t, stsdnode.Options{})
	cache := webidentity.FileCache{Dir: filepath.Join(t.TempDir(), "cache")}
	var cacheErrors []error
	session := func(o webidentity.Options) *webidentity.Session {
		t.Helper()
		o.Cache = cache
		o.CacheErrors = func(err error) { cacheErrors = append(cacheErrors, err) }
		p, err := webidentity.New(o)
		if err != nil {
			t.Fatal(err)
		}
		s, err := p.Session(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	first := session(f.options("ci"))
	second := session(f.options("ci"))
	if second.AccessKeyID != first.AccessKeyID || second.SessionToken != first.SessionToken {
		t.Fatal("the second session is not the cached one")
	}
	other := session(f.options("other-session"))
	if other.AccessKeyID == first.AccessKeyID {
		t.Fatal("a different session name reused the cached session")
	}
	if events := f.node.WaitCount(assumeEvent, 2); !slices.Equal(events, []string{assumeEvent, assumeEvent}) {
		t.Fatalf("events = %v, want two exchanges for three sessions", events)
	}
	withPolicy := f.options("ci")
	withPolicy.Policy = readRoles
	session(withPolicy)
	f.node.WaitCount(assumeEvent, 3)

	// A new token in the file (another identity, or a rotation) is a new entry.
	newToken := f.node.IdP.Mint(f.node.IdP.Claims("repo:org/other:ref:refs/heads/main", aud))
	if err := os.WriteFile(f.tokenFile, []byte(newToken), 0o600); err != nil {
		t.Fatal(err)
	}
	if s := session(f.options("ci")); s.AccessKeyID == first.AccessKeyID {
		t.Fatal("a different token reused the cached session")
	}
	f.node.WaitCount(assumeEvent, 4)
	if len(cacheErrors) != 0 {
		t.Fatalf("cache errors: %v", cacheErrors)
	}
	entries, err := os.ReadDir(cache.Dir)
	if err != nil || len(entries) != 4 {
		t.Fatalf("cache entries: %v %v", entries, err)
	}
	for _, e := range entries {
		assertNoSecrets(t, e.Name(), f.token, newToken, first.SecretAccessKey, first.SessionToken)
	}
}

// A cached session is reused while it has more than five minutes left, and
// replaced once it has less. stsd's clock runs behind the client's, so a
// 15-minute session has 6 (or 4) minutes left when it arrives.
func TestProviderRefreshWindow(t *testing.T) {
	for _, tc := range []struct {
		behind   time.Duration
		requests int
	}{
		{9 * time.Minute, 1},  // 6 minutes left: reused
		{11 * time.Minute, 2}, // 4 minutes left: replaced
	} {
		t.Run(tc.behind.String(), func(t *testing.T) {
			now := func() time.Time { return time.Now().Add(-tc.behind) }
			f := newFixture(t, stsdnode.Options{Now: now, IdP: fakeidp.New(t, fakeidp.Options{Now: now})})
			o := f.options("ci")
			o.DurationSeconds = 900
			o.Cache = webidentity.FileCache{Dir: t.TempDir()}
			p, err := webidentity.New(o)
			if err != nil {
				t.Fatal(err)
			}
			for range 2 {
				if _, err := p.Session(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
			// A third exchange (another session name) is the marker: once its
			// event is written, the earlier ones are too.
			o.RoleSessionName, o.Cache = "marker", nil
			marker, _ := webidentity.New(o)
			if _, err := marker.Session(context.Background()); err != nil {
				t.Fatal(err)
			}
			if events := f.node.WaitCount(assumeEvent, tc.requests+1); len(events) != tc.requests+1 {
				t.Fatalf("events = %v, want %d exchanges and the marker", events, tc.requests)
			}
		})
	}
}

// STS errors reach the caller as the SDK's API error, with stsd's code,
// status and message; nothing is cached and nothing names the token.
func TestProviderSTSErrors(t *testing.T) {
	f := newFixture(t, stsdnode.Options{})
	for _, tc := range []struct {
		name     string
		mutate   func(*webidentity.Options)
		code     string
		status   int
		message  string
		badToken string
	}{
		{"wrong audience", func(o *webidentity.Options) {
			o.Token = webidentity.StaticToken(f.node.IdP.Mint(f.node.IdP.Claims("repo:org/app:ref:refs/heads/main", "someone-else")))
		}, "InvalidIdentityToken", http.StatusBadRequest, "Incorrect token audience", ""},
		{"trust denies", func(o *webidentity.Options) {
			o.RoleARN = f.node.Role("strict", strings.Replace(f.node.AudienceTrust(aud), `"StringEquals":{`, `"StringEquals":{"${ISSUER}:sub":"repo:org/other:ref:refs/heads/main",`, 1), nil)
		}, "AccessDenied", http.StatusForbidden, "Not authorized to perform sts:AssumeRoleWithWebIdentity", ""},
		{"too short", func(o *webidentity.Options) { o.DurationSeconds = 899 }, "ValidationError", http.StatusBadRequest,
			"1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := f.options("ci")
			tc.mutate(&o)
			dir := t.TempDir()
			o.Cache = webidentity.FileCache{Dir: dir}
			p, err := webidentity.New(o)
			if err != nil {
				t.Fatal(err)
			}
			_, err = p.Retrieve(context.Background())
			var api smithy.APIError
			var resp *awshttp.ResponseError
			if !errors.As(err, &api) || !errors.As(err, &resp) {
				t.Fatalf("err = %v", err)
			}
			if api.ErrorCode() != tc.code || api.ErrorMessage() != tc.message || resp.HTTPStatusCode() != tc.status {
				t.Fatalf("got %s %d %q, want %s %d %q", api.ErrorCode(), resp.HTTPStatusCode(), api.ErrorMessage(), tc.code, tc.status, tc.message)
			}
			tok, _ := o.Token.Token(context.Background())
			assertNoSecrets(t, err.Error(), tok)
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Fatalf("an error was cached: %v", entries)
			}
		})
	}
}

func TestNewRefusesIncompleteOptions(t *testing.T) {
	_, err := webidentity.New(webidentity.Options{DurationSeconds: -1})
	want := "no endpoint: set the URL of stsd\nno role ARN\nno role session name\nno web identity token source\nthe duration is negative"
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v", err)
	}
	_, err = webidentity.New(webidentity.Options{Endpoint: "stsd.example:8080", RoleARN: "a", RoleSessionName: "b", Token: webidentity.StaticToken("t")})
	if err == nil || err.Error() != `the endpoint "stsd.example:8080" is not an http(s) URL` {
		t.Fatalf("err = %v", err)
	}
}

func assertNoSecrets(t *testing.T, text string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			t.Fatalf("a secret (%d bytes) appears in %q", len(s), text)
		}
	}
}
