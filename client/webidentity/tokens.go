package webidentity

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"runtime"
	"strings"
)

// MaxTokenBytes bounds what a token source reads. STS accepts web identity
// tokens of up to 20,000 characters; the bound leaves room for whitespace.
const MaxTokenBytes = 64 << 10

// A TokenSource supplies the web identity token for each exchange. Errors
// must not contain the token.
type TokenSource interface {
	Token(ctx context.Context) (string, error)
}

// A CacheIdentifier is a TokenSource whose tokens are minted afresh on
// every call but all stand for one identity for the life of the source
// (GitHubActions: one job). CacheID names that identity in a cache key, so
// a cached session is found without asking for a token. CacheID must not
// contain the token. Sources that are not CacheIdentifiers are keyed by
// the SHA-256 of the token they return, so a cached session is only ever
// reused for the very token it was issued for.
type CacheIdentifier interface {
	CacheID() string
}

// StaticToken is a token given literally.
type StaticToken string

// Token returns the token.
func (s StaticToken) Token(context.Context) (string, error) {
	return cleanToken(string(s), "the web identity token")
}

// TokenFile reads the token from a file on every call; a Kubernetes
// projected service-account token, refreshed by the kubelet, is the usual
// one (AWS_WEB_IDENTITY_TOKEN_FILE).
type TokenFile string

// Token reads the file.
func (f TokenFile) Token(context.Context) (string, error) {
	file, err := os.Open(string(f))
	if err != nil {
		return "", fmt.Errorf("web identity token file: %w", err)
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, MaxTokenBytes+1))
	if err != nil {
		return "", fmt.Errorf("web identity token file %s: %w", string(f), err)
	}
	if len(data) > MaxTokenBytes {
		return "", fmt.Errorf("web identity token file %s is larger than %d bytes", string(f), MaxTokenBytes)
	}
	return cleanToken(string(data), "web identity token file "+string(f))
}

// TokenEnv reads the token from an environment variable, such as a GitLab
// CI id_tokens variable.
type TokenEnv struct {
	Name   string
	Getenv func(string) string // nil means os.Getenv
}

// Token reads the variable.
func (e TokenEnv) Token(context.Context) (string, error) {
	getenv := e.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	v := getenv(e.Name)
	if v == "" {
		return "", fmt.Errorf("environment variable %s is not set or empty", e.Name)
	}
	if len(v) > MaxTokenBytes {
		return "", fmt.Errorf("environment variable %s is longer than %d bytes", e.Name, MaxTokenBytes)
	}
	return cleanToken(v, "environment variable "+e.Name)
}

// TokenCommand runs a command line with the system shell (sh -c, or
// cmd /C on Windows) on every call and takes its standard output as the
// token, e.g. `gcloud auth print-identity-token --audiences=…`. The
// command's standard error goes to Stderr (discarded when nil).
type TokenCommand struct {
	Line   string
	Stderr io.Writer
}

// Token runs the command. Its error names neither the command line nor
// its output, either of which could hold a secret.
func (c TokenCommand) Token(ctx context.Context) (string, error) {
	if strings.TrimSpace(c.Line) == "" {
		return "", errors.New("the token command is empty")
	}
	var cmd *exec.Cmd
	if runtime.GOOS == "windows" {
		cmd = exec.CommandContext(ctx, "cmd", "/C", c.Line)
	} else {
		cmd = exec.CommandContext(ctx, "sh", "-c", c.Line)
	}
	out := &limitedBuffer{limit: MaxTokenBytes}
	cmd.Stdout = out
	cmd.Stderr = c.Stderr
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return "", fmt.Errorf("the token command failed: %s", exit.ProcessState)
		}
		return "", errors.New("the token command could not run: " + err.Error())
	}
	if out.over {
		return "", fmt.Errorf("the token command printed more than %d bytes", MaxTokenBytes)
	}
	return cleanToken(out.String(), "the token command's output")
}

// limitedBuffer keeps the first limit bytes and notes whether more came.
// The buffer is a field, not embedded: an embedded bytes.Buffer's
// ReadFrom would let io.Copy bypass Write and its limit.
type limitedBuffer struct {
	buf   bytes.Buffer
	limit int
	over  bool
}

func (b *limitedBuffer) String() string { return b.buf.String() }

func (b *limitedBuffer) Write(p []byte) (int, error) {
	n := len(p)
	if room := b.limit - b.buf.Len(); len(p) > room {
		b.over = true
		p = p[:max(room, 0)]
	}
	b.buf.Write(p)
	return n, nil
}

// cleanToken trims surrounding whitespace and refuses an empty token or
// one with characters no JWT has (a token file holding something else).
func cleanToken(tok, what string) (string, error) {
	tok = strings.TrimSpace(tok)
	if tok == "" {
		return "", fmt.Errorf("%s is empty", what)
	}
	for i := 0; i < len(tok); i++ {
		if c := tok[i]; c <= ' ' || c >= 0x7f {
			return "", fmt.Errorf("%s is not a token: it contains whitespace or non-ASCII characters", what)
		}
	}
	return tok, nil
}

// String implements fmt.Stringer without the token.
func (s StaticToken) String() string { return redacted }

// GoString implements fmt.GoStringer without the token.
func (s StaticToken) GoString() string { return "webidentity.StaticToken(" + redacted + ")" }

// Format implements fmt.Formatter for every verb without the token.
func (s StaticToken) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		_, _ = fmt.Fprint(f, s.GoString())
		return
	}
	_, _ = fmt.Fprint(f, redacted)
}

// LogValue implements slog.LogValuer without the token.
func (s StaticToken) LogValue() slog.Value { return slog.StringValue(redacted) }
