package creds

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestMasterKeyGeneratedOnce(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	key, path, created, err := LoadOrCreateMasterKey(dir, envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	if !created || path != filepath.Join(dir, "master.key") || key.Len() != 32 {
		t.Fatalf("created=%v path=%q len=%d", created, path, key.Len())
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("mode %04o, want 0600", info.Mode().Perm())
	}
	again, path2, created2, err := LoadOrCreateMasterKey(dir, envOf(nil))
	if err != nil || created2 || path2 != path || !again.Equal(key) {
		t.Fatalf("second load: created=%v err=%v same=%v", created2, err, again.Equal(key))
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("data dir holds %d entries, want only master.key", len(entries))
	}
}

func TestMasterKeyConcurrentCreate(t *testing.T) {
	dir := t.TempDir()
	var wg sync.WaitGroup
	keys := make([][]byte, 8)
	for i := range keys {
		wg.Go(func() {
			k, _, _, err := LoadOrCreateMasterKey(dir, envOf(nil))
			if err != nil {
				t.Error(err)
				return
			}
			keys[i] = k.Reveal()
		})
	}
	wg.Wait()
	for _, k := range keys[1:] {
		if !bytes.Equal(k, keys[0]) {
			t.Fatal("concurrent starts got different master keys")
		}
	}
}

func TestMasterKeyFromEnvironment(t *testing.T) {
	raw := bytes.Repeat([]byte{7}, 32)
	dir := t.TempDir()
	for _, enc := range []string{base64.StdEncoding.EncodeToString(raw), base64.RawStdEncoding.EncodeToString(raw), " " + base64.StdEncoding.EncodeToString(raw) + "\n"} {
		key, path, created, err := LoadOrCreateMasterKey(dir, envOf(map[string]string{"STSD_MASTER_KEY": enc}))
		if err != nil || path != "" || created || !bytes.Equal(key.Reveal(), raw) {
			t.Fatalf("env key: path=%q created=%v err=%v", path, created, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "master.key")); !os.IsNotExist(err) {
		t.Error("a key file was written although the environment has the key")
	}
	// The environment wins over an existing file.
	if _, _, _, err := LoadOrCreateMasterKey(dir, envOf(nil)); err != nil {
		t.Fatal(err)
	}
	key, path, _, err := LoadOrCreateMasterKey(dir, envOf(map[string]string{"STSD_MASTER_KEY": base64.StdEncoding.EncodeToString(raw)}))
	if err != nil || path != "" || !bytes.Equal(key.Reveal(), raw) {
		t.Fatalf("environment did not win: path=%q err=%v", path, err)
	}
}

func TestMasterKeyRejects(t *testing.T) {
	short := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("s"), 16))
	long := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("L"), 33))
	tests := []struct {
		name, env, want string
	}{
		{"bad base64", "not*base64!secretvalue", "creds: STSD_MASTER_KEY is not valid base64"},
		{"16 bytes", short, "creds: STSD_MASTER_KEY decodes to 16 bytes, want 32"},
		{"33 bytes", long, "creds: STSD_MASTER_KEY decodes to 33 bytes, want 32"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, _, err := LoadOrCreateMasterKey(t.TempDir(), envOf(map[string]string{"STSD_MASTER_KEY": tt.env}))
			if err == nil || err.Error() != tt.want {
				t.Fatalf("error = %v, want %q", err, tt.want)
			}
			if strings.Contains(err.Error(), tt.env) || strings.Contains(err.Error(), "secretvalue") {
				t.Error("error shows the value")
			}
		})
	}

	dir := t.TempDir()
	path := filepath.Join(dir, "master.key")
	fileTests := []struct {
		name    string
		content string
		mode    os.FileMode
		want    string
	}{
		{"group readable", base64.StdEncoding.EncodeToString(make([]byte, 32)), 0o640,
			"creds: master key file " + path + " has mode 0640; it must not be readable by group or others (chmod 600)"},
		{"short file", short, 0o600, "creds: master key file " + path + " decodes to 16 bytes, want 32"},
		{"garbage file", "%%%secretvalue", 0o600, "creds: master key file " + path + " is not valid base64"},
	}
	for _, tt := range fileTests {
		t.Run(tt.name, func(t *testing.T) {
			if err := os.WriteFile(path, []byte(tt.content), tt.mode); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, tt.mode); err != nil {
				t.Fatal(err)
			}
			_, _, _, err := LoadOrCreateMasterKey(dir, envOf(nil))
			if err == nil || err.Error() != tt.want {
				t.Fatalf("error = %v, want %q", err, tt.want)
			}
			if strings.Contains(err.Error(), tt.content) {
				t.Error("error shows the file content")
			}
		})
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(path, 0o700); err != nil {
		t.Fatal(err)
	}
	_, _, _, err := LoadOrCreateMasterKey(dir, envOf(nil))
	if want := "creds: master key file " + path + " is not a regular file"; err == nil || err.Error() != want {
		t.Errorf("directory: error = %v, want %q", err, want)
	}
}
