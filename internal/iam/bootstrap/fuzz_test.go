package bootstrap

import (
	"os"
	"testing"
)

// FuzzParse: no bootstrap file content may make Parse panic or hang.
func FuzzParse(f *testing.F) {
	example, err := os.ReadFile("testdata/example.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(example)
	f.Add([]byte("roles:\n  - name: a\n    trust_policy: {a: &x [1, *x]}\n"))
	f.Add([]byte("oidc_providers: [{url: 'https://x', static_jwks: {keys: []}, tags: {a: ~}}]"))
	f.Add([]byte("managed_policies: [{name: p, document: {Version: 2012-10-17, Statement: []}}]"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse(data, "fuzz.yaml", dir, Options{})
		if err == nil && file == nil {
			t.Fatal("nil file without error")
		}
	})
}
