package devmode

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"regexp"
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
