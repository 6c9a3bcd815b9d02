package webidentity

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const testKey = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

func TestFileCacheRoundTripAndModes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "stsd", "credentials")
	c := FileCache{Dir: dir}
	if s, err := c.Load(testKey); s != nil || err != nil {
		t.Fatalf("empty cache: %v %v", s, err)
	}
	if err := c.Store(testKey, testSession()); err != nil {
		t.Fatal(err)
	}
	s, err := c.Load(testKey)
	if err != nil || s == nil || s.SecretAccessKey != "secret-access-key-value" || !s.Expiration.Equal(testSession().Expiration) {
		t.Fatalf("Load = %v, %v", s, err)
	}
	fi, err := os.Stat(filepath.Join(dir, testKey+".json"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("file: %v %v", fi, err)
	}
	if di, err := os.Stat(dir); err != nil || di.Mode().Perm() != 0o700 {
		t.Fatalf("dir: %v %v", di, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("leftover files: %v", entries)
	}
}

// Cache files that are not the owner's alone, not regular files, or not
// sessions are never read; the next Store replaces them.
func TestFileCacheRefusals(t *testing.T) {
	dir := t.TempDir()
	c := FileCache{Dir: dir}
	path := filepath.Join(dir, testKey+".json")
	good, _ := testSession().AnswerJSON()

	for _, tc := range []struct {
		name  string
		setup func()
		want  string
	}{
		{"readable by others", func() { must(t, os.WriteFile(path, good, 0o600)); must(t, os.Chmod(path, 0o644)) },
			"credentials cache: " + path + " is accessible to other users (mode 0644); ignoring it"},
		{"symlink", func() {
			target := filepath.Join(t.TempDir(), "elsewhere")
			must(t, os.WriteFile(target, good, 0o600))
			must(t, os.Symlink(target, path))
		}, "credentials cache: " + path + " is not a regular file; ignoring it"},
		{"directory", func() { must(t, os.Mkdir(path, 0o700)) }, "credentials cache: " + path + " is not a regular file; ignoring it"},
		{"garbage", func() { must(t, os.WriteFile(path, []byte("{"), 0o600)) }, "credentials cache: " + path + " is not a cached session; ignoring it"},
		{"no credentials", func() {
			must(t, os.WriteFile(path, []byte(`{"Credentials":{"Expiration":"2030-01-01T00:00:00Z"}}`), 0o600))
		},
			"credentials cache: " + path + " is not a cached session; ignoring it"},
		{"huge", func() { must(t, os.WriteFile(path, []byte(strings.Repeat(" ", maxCacheFileBytes+1)), 0o600)) },
			"credentials cache: " + path + " is too large; ignoring it"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_ = os.RemoveAll(path)
			tc.setup()
			s, err := c.Load(testKey)
			if s != nil || err == nil || err.Error() != tc.want {
				t.Fatalf("Load = %v, %v; want %q", s, err, tc.want)
			}
			if tc.name == "directory" {
				return
			}
			if err := c.Store(testKey, testSession()); err != nil {
				t.Fatal(err)
			}
			if s, err := c.Load(testKey); err != nil || s == nil {
				t.Fatalf("after Store: %v %v", s, err)
			}
		})
	}
	for _, key := range []string{"", "../../etc/passwd", strings.ToUpper(testKey), testKey + "0"} {
		if _, err := c.Load(key); err == nil || err.Error() != "credentials cache: the key is not 64 hex digits" {
			t.Errorf("Load(%q): %v", key, err)
		}
		if err := c.Store(key, testSession()); err == nil {
			t.Errorf("Store(%q) accepted", key)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
