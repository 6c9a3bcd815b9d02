package app_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stsd/stsd/internal/config"
)

// The pprof endpoints are off by default, and when debug_addr is set they
// answer there only, never on the API listener.
func TestDebugListener(t *testing.T) {
	off := startAuditNode(t, io.Discard, nil)
	if off.app.DebugURL != "" {
		t.Fatalf("debug listener on by default: %s", off.app.DebugURL)
	}
	n := startAuditNode(t, io.Discard, func(c *config.Config) { c.DebugAddr = "127.0.0.1:0" })
	get := func(url string) (int, string) {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if status, body := get(n.app.DebugURL + "/debug/pprof/"); status != http.StatusOK || !strings.Contains(body, "goroutine") {
		t.Fatalf("pprof index: %d %.200s", status, body)
	}
	if status, _ := get(n.app.DebugURL + "/debug/pprof/goroutine?debug=1"); status != http.StatusOK {
		t.Fatalf("goroutine profile: %d", status)
	}
	if status, _ := get(n.app.URL + "/debug/pprof/"); status == http.StatusOK {
		t.Fatal("pprof answered on the API listener")
	}
}
