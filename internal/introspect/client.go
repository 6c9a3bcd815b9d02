package introspect

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/stsd/stsd/internal/secret"
)

// Bounds of one introspection.
const (
	// DefaultTimeout bounds one exchange, the body included (the budget
	// STS gives an identity provider, sts-contract §5.3).
	DefaultTimeout = 5 * time.Second
	// MaxBodyBytes bounds an answer; real ones are a few hundred bytes.
	MaxBodyBytes = 64 << 10
	// maxSecretFileBytes bounds a client secret file.
	maxSecretFileBytes = 4 << 10
)

// Endpoint is one provider's introspection endpoint and stsd's client
// credentials for it.
type Endpoint struct {
	URL      string
	ClientID string
	// ClientSecret is read from the environment or a file at each call
	// that is not answered from the cache (see SecretSource).
	ClientSecret SecretSource
}

// SecretSource names where a client secret is read from: an environment
// variable or a file (exactly one is set). The secret itself is never
// stored; a file's content has its trailing line break removed.
type SecretSource struct {
	Env  string
	File string
}

// Client introspects tokens. Its zero value is not usable: HTTP is
// required. It is safe for concurrent use.
type Client struct {
	// HTTP sends the requests; it enforces the network rules (which
	// addresses and redirects are allowed, TLS roots). Its own timeout
	// should not be shorter than Timeout.
	HTTP *http.Client
	// Timeout bounds one exchange (default DefaultTimeout).
	Timeout time.Duration
	// CheckURL, when set, is applied to the endpoint URL before any
	// request (the same rule HTTP applies to redirects).
	CheckURL func(rawURL string) error
	// LookupEnv and ReadFile read client secrets (defaults os.LookupEnv
	// and os.ReadFile).
	LookupEnv func(string) (string, bool)
	ReadFile  func(string) ([]byte, error)
	// Now is the clock of the cache (default time.Now).
	Now func() time.Time

	cache cache
}

// Introspect asks ep whether token is active. An active answer is served
// from the cache when one is fresh. Failures are *Error.
func (c *Client) Introspect(ctx context.Context, ep Endpoint, token string) (*Response, error) {
	now := c.now()
	key := keyFor(&ep, token)
	if r, ok := c.cache.get(key, now); ok {
		return r, nil
	}
	r, err := c.fetch(ctx, &ep, token)
	if err != nil {
		return nil, err
	}
	c.cache.put(key, r, now)
	return r, nil
}

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Client) fetch(ctx context.Context, ep *Endpoint, token string) (*Response, error) {
	if c.CheckURL != nil {
		if err := c.CheckURL(ep.URL); err != nil {
			return nil, &Error{Kind: KindConfig, Cause: fmt.Errorf("introspection URL refused: %w", err)}
		}
	}
	clientSecret, err := c.readSecret(ep.ClientSecret)
	if err != nil {
		return nil, &Error{Kind: KindConfig, Cause: err}
	}
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	form := url.Values{"token": {token}, "token_type_hint": {"access_token"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep.URL, strings.NewReader(form.Encode()))
	if err != nil {
		// The message of url.Parse's error quotes the URL, never the body.
		return nil, &Error{Kind: KindConfig, Cause: errors.New("introspection URL is not a valid URL")}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "stsd-introspect/1")
	req.Header.Set("Authorization", BasicAuthorization(ep.ClientID, clientSecret))
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, transportError(ctx, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, MaxBodyBytes)) // keep the connection reusable
		return nil, &Error{Kind: KindStatus, Status: resp.StatusCode, Proto: fmt.Sprintf("HTTP/%d.%d", resp.ProtoMajor, resp.ProtoMinor)}
	}
	if mt, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return nil, &Error{Kind: KindContentType, Cause: fmt.Errorf("Content-Type %q is not application/json", truncate(resp.Header.Get("Content-Type"), 64))}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxBodyBytes+1))
	if err != nil {
		return nil, transportError(ctx, err)
	}
	if len(body) > MaxBodyBytes {
		return nil, &Error{Kind: KindTooLarge, Cause: fmt.Errorf("body larger than %d bytes", MaxBodyBytes)}
	}
	r, err := Parse(body)
	if err != nil {
		return nil, &Error{Kind: KindMalformed, Cause: err}
	}
	return r, nil
}

// transportError classifies a failed exchange: the deadline, or anything
// else that kept the answer from arriving. The cause is kept without the
// request (url.Error would repeat the URL; never the body).
func transportError(ctx context.Context, err error) *Error {
	if errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil || isTimeout(err) {
		return &Error{Kind: KindTimeout, Cause: err}
	}
	return &Error{Kind: KindUnreachable, Cause: err}
}

func isTimeout(err error) bool {
	var te interface{ Timeout() bool }
	return errors.As(err, &te) && te.Timeout()
}

// BasicAuthorization is the Authorization header of RFC 6749 §2.3.1: the
// client id and the secret each encoded with the
// application/x-www-form-urlencoded algorithm (RFC 6749 Appendix B), joined
// with ":" and base64-encoded.
func BasicAuthorization(clientID string, clientSecret secret.String) string {
	cred := url.QueryEscape(clientID) + ":" + url.QueryEscape(clientSecret.Reveal())
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(cred))
}

// readSecret reads the client secret from its source.
func (c *Client) readSecret(src SecretSource) (secret.String, error) {
	switch {
	case src.Env != "":
		lookup := c.LookupEnv
		if lookup == nil {
			lookup = os.LookupEnv
		}
		v, ok := lookup(src.Env)
		if !ok || v == "" {
			return secret.String{}, fmt.Errorf("the client secret variable %s is not set", src.Env)
		}
		return secret.NewString(v), nil
	case src.File != "":
		read := c.ReadFile
		if read == nil {
			read = readBounded
		}
		data, err := read(src.File)
		if err != nil {
			var pe *os.PathError
			if errors.As(err, &pe) {
				err = pe.Err // the path is named once
			}
			return secret.String{}, fmt.Errorf("the client secret file %s cannot be read: %w", src.File, err)
		}
		if len(data) > maxSecretFileBytes {
			return secret.String{}, fmt.Errorf("the client secret file %s is larger than %d bytes", src.File, maxSecretFileBytes)
		}
		v := strings.TrimSuffix(strings.TrimSuffix(string(data), "\n"), "\r")
		if v == "" {
			return secret.String{}, fmt.Errorf("the client secret file %s is empty", src.File)
		}
		return secret.NewString(v), nil
	}
	return secret.String{}, errors.New("no client secret source is configured")
}

// readBounded reads at most maxSecretFileBytes+1 bytes of a file.
func readBounded(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, maxSecretFileBytes+1))
}

func truncate(s string, n int) string {
	if len(s) > n {
		s = s[:n] + "…"
	}
	return strings.ToValidUTF8(s, "?")
}
