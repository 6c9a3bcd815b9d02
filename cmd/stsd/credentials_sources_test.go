package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// sessionARN runs `stsd credentials --format json` and returns the
// session's ARN.
func (f *credFixture) sessionARN(args []string, extra ...string) string {
	f.t.Helper()
	out := f.ok(f.stsd(append([]string{"credentials", "--format", "json"}, args...), extra...))
	var answer struct {
		Credentials     struct{ SecretAccessKey, SessionToken string }
		AssumedRoleUser struct{ Arn string }
	}
	if err := json.Unmarshal([]byte(out.stdout), &answer); err != nil {
		f.t.Fatalf("%v: %s", err, out.stdout)
	}
	f.addSecrets(answer.Credentials.SecretAccessKey, answer.Credentials.SessionToken)
	return answer.AssumedRoleUser.Arn
}

// The job token of GitHub Actions, requested from a local server playing
// ACTIONS_ID_TOKEN_REQUEST_URL, is exchanged for a role that trusts one
// repository's main branch and one workflow; the second run takes the
// session from the cache without asking GitHub or stsd.
func TestGitHubActionsTokenSource(t *testing.T) {
	f := newCredFixture(t)
	const (
		requestToken = "ghs-request-token-secret"
		audience     = "stsd.example"
		sub          = "repo:org/app:ref:refs/heads/main"
		workflow     = "org/app/.github/workflows/deploy.yml@refs/heads/main"
	)
	f.addSecrets(requestToken)
	var issued atomic.Int32
	var minted []string
	github := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "bearer "+requestToken || r.URL.Query().Get("api-version") != "2.0" {
			http.Error(w, `{"message":"Unauthorized"}`, http.StatusUnauthorized)
			return
		}
		claims := f.node.IdP.Claims(sub, r.URL.Query().Get("audience"))
		claims["job_workflow_ref"] = workflow
		claims["repository"] = "org/app"
		claims["ref"] = "refs/heads/main"
		tok := f.node.IdP.Mint(claims)
		issued.Add(1)
		minted = append(minted, tok)
		fmt.Fprintf(w, `{"count":%d,"value":%q}`, len(tok), tok)
	}))
	defer github.Close()
	// The fake issuer is not token.actions.githubusercontent.com, so only
	// aud and sub are condition keys here; the recipes test covers
	// job_workflow_ref under GitHub's issuer.
	roleARN := f.node.Role("gh-deploy", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"${PROVIDER_ARN}"},`+
		`"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"${ISSUER}:aud":"`+audience+`","${ISSUER}:sub":"`+sub+`"}}}]}`, nil)
	env := []string{"ACTIONS_ID_TOKEN_REQUEST_URL=" + github.URL + "/idtoken?api-version=2.0", "ACTIONS_ID_TOKEN_REQUEST_TOKEN=" + requestToken}
	args := []string{"--endpoint-url", f.node.URL, "--role-arn", roleARN, "--github-actions", "--audience", audience}

	for range 2 {
		if arn := f.sessionARN(args, env...); arn != "arn:aws:sts::111122223333:assumed-role/gh-deploy/GitHubActions" {
			t.Fatalf("session ARN = %s", arn)
		}
	}
	f.addSecrets(minted...)
	if issued.Load() != 1 {
		t.Fatalf("GitHub was asked for %d tokens, want 1 (the second run is cached)", issued.Load())
	}
	// The default audience is sts.amazonaws.com, which this role refuses.
	r := f.stsd(append([]string{"credentials", "--no-cache"}, args[:5]...), env...)
	f.addSecrets(minted...)
	if r.code != 254 || r.stderr != "An error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation: Not authorized to perform sts:AssumeRoleWithWebIdentity\n" {
		t.Fatalf("default audience: exit %d, stderr %q", r.code, r.stderr)
	}
	events := f.node.WaitCount(assumeEvent, 2)
	if strings.Join(events, " ") != assumeEvent+" "+assumeEvent {
		t.Fatalf("events = %v", events)
	}

	// GitHub refusing the request token.
	r = f.stsd(append([]string{"credentials", "--no-cache"}, args...), env[0], "ACTIONS_ID_TOKEN_REQUEST_TOKEN=wrong")
	if r.code != 255 || r.stderr != "stsd: GitHub Actions token request: HTTP 401 Unauthorized\n" {
		t.Fatalf("refused: exit %d, stderr %q", r.code, r.stderr)
	}
	// Outside a job with id-token: write.
	r = f.stsd(append([]string{"credentials"}, args...))
	if r.code != 252 || r.stderr != "stsd: ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set: run in a GitHub Actions job with `permissions: id-token: write`\n" {
		t.Fatalf("no job: exit %d, stderr %q", r.code, r.stderr)
	}
}

// The SDKs' web-identity environment alone, a GitLab id_tokens variable,
// another environment variable and a command each supply the token.
func TestOtherTokenSources(t *testing.T) {
	f := newCredFixture(t)
	gitlabToken := f.node.IdP.Mint(f.node.IdP.Claims("project_path:group/app:ref_type:branch:ref:main", credAud))
	f.addSecrets(gitlabToken)
	role := "arn:aws:sts::111122223333:assumed-role/deploy/"
	for _, tc := range []struct {
		name string
		args []string
		env  []string
		want string
	}{
		{"AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE", nil, []string{"AWS_ENDPOINT_URL_STS=" + f.node.URL, "AWS_ROLE_ARN=" + f.roleARN,
			"AWS_WEB_IDENTITY_TOKEN_FILE=" + f.tokenFile, "AWS_ROLE_SESSION_NAME=from-env"}, role + "from-env"},
		{"AWS_ENDPOINT_URL, no session name", nil, []string{"AWS_ENDPOINT_URL=" + f.node.URL, "AWS_ROLE_ARN=" + f.roleARN,
			"AWS_WEB_IDENTITY_TOKEN_FILE=" + f.tokenFile}, role + "stsd-credentials"},
		{"flags override the environment", []string{"--endpoint-url", f.node.URL, "--role-session-name", "flag"},
			[]string{"AWS_ENDPOINT_URL_STS=http://127.0.0.1:1", "AWS_ROLE_ARN=" + f.roleARN, "AWS_WEB_IDENTITY_TOKEN_FILE=/nonexistent",
				"AWS_ROLE_SESSION_NAME=from-env", "TOKEN=" + f.token}, role + "flag"},
		{"--gitlab", []string{"--endpoint-url", f.node.URL, "--role-arn", f.roleARN, "--gitlab", "STSD_ID_TOKEN"},
			[]string{"STSD_ID_TOKEN=" + gitlabToken}, role + "GitLabCI"},
		{"--token-env", []string{"--endpoint-url", f.node.URL, "--role-arn", f.roleARN, "--token-env", "MY_TOKEN", "--role-session-name", "env"},
			[]string{"MY_TOKEN=" + f.token}, role + "env"},
		{"--token-command", []string{"--endpoint-url", f.node.URL, "--role-arn", f.roleARN, "--token-command", "cat " + f.tokenFile,
			"--role-session-name", "cmd"}, nil, role + "cmd"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := tc.args
			if tc.name == "flags override the environment" {
				args = append(args, "--token-env", "TOKEN")
			}
			if got := f.sessionARN(append(args, "--no-cache"), tc.env...); got != tc.want {
				t.Fatalf("session ARN = %s, want %s", got, tc.want)
			}
		})
	}
}
