package s3backend

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// RequireEnv names the variable that turns a missing versitygw into a test
// failure instead of a skip; .ci/run sets it to 1.
const RequireEnv = "STSD_REQUIRE_VERSITYGW"

// binary returns the path of the versitygw binary, or skips (fails when
// RequireEnv=1) when there is none.
func binary(t testing.TB) string {
	t.Helper()
	if p, err := exec.LookPath("versitygw"); err == nil {
		return p
	}
	for _, dir := range goBinDirs() {
		p := filepath.Join(dir, "versitygw")
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	const how = "go install github.com/versity/versitygw/cmd/versitygw@v1.8.0"
	if os.Getenv(RequireEnv) == "1" {
		t.Fatalf("versitygw is not installed (%s) and %s=1", how, RequireEnv)
	}
	t.Skipf("versitygw is not installed (%s; %s=1 makes this a failure)", how, RequireEnv)
	return ""
}

// goBinDirs lists where `go install` puts binaries: $GOBIN, then each
// $GOPATH entry's bin, then the default GOPATH ($HOME/go). It reads the
// environment rather than running the go command.
func goBinDirs() []string {
	var dirs []string
	if gobin := os.Getenv("GOBIN"); gobin != "" {
		dirs = append(dirs, gobin)
	}
	for _, p := range filepath.SplitList(os.Getenv("GOPATH")) {
		if p != "" {
			dirs = append(dirs, filepath.Join(p, "bin"))
		}
	}
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, "go", "bin"))
	}
	return compact(dirs)
}

// compact drops repeated entries, keeping the first.
func compact(dirs []string) []string {
	seen := map[string]bool{}
	out := dirs[:0]
	for _, d := range dirs {
		d = strings.TrimRight(d, "/")
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	return out
}
