package iamapi

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Actions reach the repository only through the call's recording view
// (Service.repo), so every write an action makes is waited for: only the
// dispatcher (service.go) touches Deps.Repo.
func TestOnlyTheDispatcherUsesDepsRepo(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f == "service.go" || strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(src), "deps.Repo") {
			t.Errorf("%s uses deps.Repo: use the call's s.repo(x), whose writes the dispatcher waits for", f)
		}
	}
}
