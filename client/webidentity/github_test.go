package webidentity

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// githubServer plays ACTIONS_ID_TOKEN_REQUEST_URL: it answers a GET with
// the request token as bearer with {"count":…,"value":TOKEN}.
func githubServer(t *testing.T, answer func(w http.ResponseWriter, r *http.Request)) (*httptest.Server, *atomic.Int32) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		answer(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

func TestGitHubActions(t *testing.T) {
	srv, calls := githubServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.Header.Get("Authorization") != "bearer request-secret" ||
			r.URL.Query().Get("api-version") != "2.0" {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		fmt.Fprintf(w, `{"count":1,"value":"eyJ.%s.sig"}`, r.URL.Query().Get("audience"))
	})
	env := map[string]string{
		"ACTIONS_ID_TOKEN_REQUEST_URL":   srv.URL + "/idtoken?api-version=2.0",
		"ACTIONS_ID_TOKEN_REQUEST_TOKEN": "request-secret",
	}
	getenv := func(k string) string { return env[k] }
	ctx := context.Background()

	gh, err := NewGitHubActions("", getenv)
	if err != nil {
		t.Fatal(err)
	}
	if tok, err := gh.Token(ctx); err != nil || tok != "eyJ.sts.amazonaws.com.sig" {
		t.Fatalf("default audience: %q %v", tok, err)
	}
	custom, _ := NewGitHubActions("https://stsd.example", getenv)
	if tok, err := custom.Token(ctx); err != nil || tok != "eyJ.https://stsd.example.sig" {
		t.Fatalf("custom audience: %q %v", tok, err)
	}
	if gh.CacheID() == custom.CacheID() || strings.Contains(gh.CacheID(), "request-secret") {
		t.Fatalf("CacheID: %q %q", gh.CacheID(), custom.CacheID())
	}
	if calls.Load() != 2 {
		t.Fatalf("%d requests", calls.Load())
	}
}

func TestGitHubActionsRefusals(t *testing.T) {
	ctx := context.Background()
	get := func(t *testing.T, url string) (*GitHubActions, error) {
		t.Helper()
		return NewGitHubActions("", func(k string) string {
			return map[string]string{"ACTIONS_ID_TOKEN_REQUEST_URL": url, "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "request-secret"}[k]
		})
	}
	for _, tc := range []struct{ name, url, want string }{
		{"unset", "", "ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set: run in a GitHub Actions job with `permissions: id-token: write`"},
		{"plain http elsewhere", "http://example.com/idtoken", "ACTIONS_ID_TOKEN_REQUEST_URL must use https (plain http only to a loopback address)"},
		{"not a URL", "ftp://x/y", "ACTIONS_ID_TOKEN_REQUEST_URL is not an http(s) URL"},
		{"no host", "https:///x", "ACTIONS_ID_TOKEN_REQUEST_URL is not an http(s) URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := get(t, tc.url); err == nil || err.Error() != tc.want {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}

	for _, tc := range []struct {
		name   string
		answer func(w http.ResponseWriter, r *http.Request)
		want   string
	}{
		{"forbidden", func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, `{"message":"request-secret is bad"}`, http.StatusForbidden)
		}, "GitHub Actions token request: HTTP 403 Forbidden"},
		{"not JSON", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "<html>") }, "GitHub Actions token request: the answer is not JSON"},
		{"no value", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, `{"count":0}`) }, "GitHub Actions token request: the answer has no value"},
		{"huge", func(w http.ResponseWriter, _ *http.Request) {
			fmt.Fprint(w, `{"value":"`+strings.Repeat("a", MaxTokenBytes)+`"}`)
		}, "GitHub Actions token request: the answer is larger than 65536 bytes"},
		{"spaces", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, `{"value":"a b"}`) },
			"the GitHub Actions token is not a token: it contains whitespace or non-ASCII characters"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := githubServer(t, tc.answer)
			gh, err := get(t, srv.URL+"/idtoken?api-version=2.0")
			if err != nil {
				t.Fatal(err)
			}
			_, err = gh.Token(ctx)
			if err == nil || err.Error() != tc.want {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}

	t.Run("unreachable", func(t *testing.T) {
		srv, _ := githubServer(t, nil)
		srv.Close()
		gh, _ := get(t, srv.URL+"/idtoken?api-version=2.0&secretish=1")
		_, err := gh.Token(ctx)
		host := strings.TrimPrefix(srv.URL, "http://")
		want := "GitHub Actions token request: dial tcp " + host + ": connect: connection refused"
		if err == nil || err.Error() != want {
			t.Fatalf("err = %v, want %q", err, want)
		}
	})
}
