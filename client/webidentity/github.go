package webidentity

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
)

// DefaultGitHubAudience is the audience GitHubActions asks for when none
// is given: the one aws-actions/configure-aws-credentials asks for and the
// AWS documentation's trust policies check.
const DefaultGitHubAudience = "sts.amazonaws.com"

// GitHubActions requests the job's OIDC token from GitHub Actions: a GET
// of ACTIONS_ID_TOKEN_REQUEST_URL with audience=Audience, authorized by
// ACTIONS_ID_TOKEN_REQUEST_TOKEN. GitHub sets both variables in jobs with
// `permissions: id-token: write`. Each call mints a new token; all of a
// job's tokens share its CacheID.
type GitHubActions struct {
	RequestURL   string       // ACTIONS_ID_TOKEN_REQUEST_URL
	RequestToken string       // ACTIONS_ID_TOKEN_REQUEST_TOKEN; a secret
	Audience     string       // "" means DefaultGitHubAudience
	HTTPClient   *http.Client // nil means http.DefaultClient
}

// NewGitHubActions reads the request URL and token from the environment
// (getenv nil means os.Getenv).
func NewGitHubActions(audience string, getenv func(string) string) (*GitHubActions, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	g := &GitHubActions{
		RequestURL:   getenv("ACTIONS_ID_TOKEN_REQUEST_URL"),
		RequestToken: getenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN"),
		Audience:     audience,
	}
	if g.RequestURL == "" || g.RequestToken == "" {
		return nil, errors.New("ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set: " +
			"run in a GitHub Actions job with `permissions: id-token: write`")
	}
	if _, err := g.requestURL(); err != nil {
		return nil, err
	}
	return g, nil
}

// CacheID names the job (its token request URL) and the audience.
func (g *GitHubActions) CacheID() string {
	return "github-actions\x00" + g.RequestURL + "\x00" + g.audience()
}

func (g *GitHubActions) audience() string {
	if g.Audience == "" {
		return DefaultGitHubAudience
	}
	return g.Audience
}

// requestURL is RequestURL with the audience parameter. The bearer token
// travels only over HTTPS, or plain HTTP to a loopback address.
func (g *GitHubActions) requestURL() (string, error) {
	u, err := url.Parse(g.RequestURL)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", errors.New("ACTIONS_ID_TOKEN_REQUEST_URL is not an http(s) URL")
	}
	if u.Scheme == "http" {
		ip := net.ParseIP(u.Hostname())
		if u.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return "", errors.New("ACTIONS_ID_TOKEN_REQUEST_URL must use https (plain http only to a loopback address)")
		}
	}
	q := u.Query()
	q.Set("audience", g.audience())
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// Token requests a token for the audience.
func (g *GitHubActions) Token(ctx context.Context) (string, error) {
	target, err := g.requestURL()
	if err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return "", errors.New("GitHub Actions token request: " + err.Error())
	}
	req.Header.Set("Authorization", "bearer "+g.RequestToken)
	req.Header.Set("Accept", "application/json; api-version=2.0")
	client := g.HTTPClient
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("GitHub Actions token request: %w", redactURLError(err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxTokenBytes+1))
	if err != nil {
		return "", fmt.Errorf("GitHub Actions token request: reading the answer: %w", redactURLError(err))
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GitHub Actions token request: HTTP %s", resp.Status)
	}
	if len(body) > MaxTokenBytes {
		return "", fmt.Errorf("GitHub Actions token request: the answer is larger than %d bytes", MaxTokenBytes)
	}
	var answer struct {
		Value string `json:"value"`
	}
	if err := json.Unmarshal(body, &answer); err != nil {
		return "", errors.New("GitHub Actions token request: the answer is not JSON")
	}
	if answer.Value == "" {
		return "", errors.New("GitHub Actions token request: the answer has no value")
	}
	return cleanToken(answer.Value, "the GitHub Actions token")
}

// redactURLError drops the URL (with its query) from a client error.
func redactURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// String describes the source without its request token.
func (g *GitHubActions) String() string {
	return "webidentity.GitHubActions(audience " + g.audience() + ")"
}

// Format implements fmt.Formatter for every verb without the request token.
func (g *GitHubActions) Format(f fmt.State, _ rune) { _, _ = fmt.Fprint(f, g.String()) }

// LogValue implements slog.LogValuer without the request token.
func (g *GitHubActions) LogValue() slog.Value { return slog.StringValue(g.String()) }
