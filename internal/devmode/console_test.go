package devmode

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stsd/stsd/internal/config"
)

// stsd dev prints the web console's URL, and the console answers there.
func TestDevPrintsTheConsoleURL(t *testing.T) {
	cfg := config.Default()
	cfg.Addr = "127.0.0.1:0"
	cfg.DataDir = t.TempDir()
	n, err := Start(context.Background(), Options{Config: cfg, Out: io.Discard, Getenv: func(string) string { return "" },
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	var out bytes.Buffer
	if err := n.PrintInstructions(&out); err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`Web console:\s+(http://\S+/console/) \(sign in with the root key in \S+root-credentials\)`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no console URL in:\n%s", out.String())
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(m[1])
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/console/signin?next=%2Fconsole%2F" {
		t.Fatalf("GET %s: %d %s", m[1], resp.StatusCode, resp.Header.Get("Location"))
	}
}

// In stsd dev the token playground mints a development token for the
// subject asked and explains it: for the demo role it would be issued.
func TestDevPlaygroundMintsTokens(t *testing.T) {
	cfg := config.Default()
	cfg.Addr = "127.0.0.1:0"
	cfg.DataDir = t.TempDir()
	n, err := Start(context.Background(), Options{Config: cfg, Out: io.Discard, Getenv: func(string) string { return "" },
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	page := func(method, path string, form url.Values) string {
		t.Helper()
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req, _ := http.NewRequest(method, n.App.URL+path, body)
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	token := func(body string) string {
		t.Helper()
		m := csrf.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no CSRF token in %.300s", body)
		}
		return m[1]
	}
	root := n.App.Root
	page("POST", "/console/signin", url.Values{"csrf": {token(page("GET", "/console/signin", nil))},
		"access_key_id": {root.AccessKeyID}, "secret_access_key": {root.Secret.Reveal()}})
	form := page("GET", "/console/playground", nil)
	if !strings.Contains(form, `id="mint"`) {
		t.Fatalf("no mint button in dev mode: %.500s", form)
	}
	got := page("POST", "/console/playground", url.Values{"csrf": {token(form)}, "mint": {"1"}, "subject": {"alice"},
		"role": {"arn:aws:iam::000000000000:role/demo"}})
	if !strings.Contains(got, "Credentials would be issued.") || !regexp.MustCompile(`<textarea[^>]*>eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+</textarea>`).MatchString(got) ||
		!strings.Contains(got, "&#34;alice&#34;") {
		t.Fatalf("minted playground: %.3000s", got)
	}
}
