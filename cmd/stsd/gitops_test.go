package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// run runs the binary and returns its stdout, stderr and exit code.
func run(t *testing.T, bin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatalf("%s %v: %v", bin, args, err)
	}
	return o.String(), e.String(), code
}

// exampleFile copies the bootstrap package's example file (and the key
// set it names) into a new directory.
func exampleFile(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"example.yaml", "cluster-jwks.json"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "internal", "iam", "bootstrap", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "example.yaml")
}

func writeFile(t *testing.T, path, content string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// `stsd apply FILE` then `stsd export`: the export applies as "No
// changes.", --dry-run changes nothing, apply deletes what the file no
// longer lists, and a bad file or a data directory held by a running node
// exit non-zero with a clear message.
func TestExportApply(t *testing.T) {
	bin := buildStsd(t)
	dataDir := filepath.Join(t.TempDir(), "data")
	file := exampleFile(t)

	t.Run("export of an empty store", func(t *testing.T) {
		out, errOut, code := run(t, bin, "export", "--data-dir", filepath.Join(t.TempDir(), "empty"))
		if code != 0 || !strings.HasSuffix(out, "\nversion: 1\n") ||
			errOut != "stsd: account 000000000000 has no OIDC providers, managed policies or roles in this store (are --data-dir and --account-id right?)\n" {
			t.Fatalf("export: exit %d\n%s%s", code, out, errOut)
		}
	})

	t.Run("apply then export round trip", func(t *testing.T) {
		out, errOut, code := run(t, bin, "apply", file, "--data-dir", dataDir)
		if code != 0 || !strings.Contains(out, "+ role gha-deploy (arn:aws:iam::000000000000:role/ci/gha-deploy)\n") ||
			!strings.HasSuffix(out, "\nPlan: 7 to create, 0 to update, 0 to delete.\nApplied: 7 created, 0 updated, 0 deleted.\n") {
			t.Fatalf("apply: exit %d\n%s%s", code, out, errOut)
		}
		exported, errOut, code := run(t, bin, "export", "--data-dir", dataDir)
		if code != 0 || !strings.Contains(exported, "# Users and access keys are not part of this file") ||
			!strings.Contains(exported, "  - name: gha-deploy\n") || strings.Contains(exported, "AKIA") {
			t.Fatalf("export: exit %d\n%s%s", code, exported, errOut)
		}
		again := writeFile(t, filepath.Join(t.TempDir(), "exported.yaml"), exported)
		if out, errOut, code := run(t, bin, "apply", again, "--data-dir", dataDir); code != 0 || out != "No changes.\n" {
			t.Fatalf("apply of the export: exit %d\n%s%s", code, out, errOut)
		}
		if second, _, _ := run(t, bin, "export", "--data-dir", dataDir); second != exported {
			t.Fatalf("second export differs:\n%s\n---\n%s", exported, second)
		}
	})

	t.Run("dry run changes nothing; apply deletes", func(t *testing.T) {
		before, _, _ := run(t, bin, "export", "--data-dir", dataDir)
		src, _ := os.ReadFile(file)
		i := strings.Index(string(src), "  - name: pod-reader")
		edited := writeFile(t, filepath.Join(filepath.Dir(file), "edited.yaml"),
			strings.Replace(string(src[:i]), "max_session_duration: 7200", "max_session_duration: 3600", 1))
		want := "~ role gha-deploy: max_session_duration: 7200 → 3600\n" +
			"- role pod-reader (arn:aws:iam::000000000000:role/pod-reader)\n\n" +
			"Plan: 0 to create, 1 to update, 1 to delete.\n"
		out, errOut, code := run(t, bin, "apply", edited, "--dry-run", "--data-dir", dataDir)
		if code != 0 || out != want+"Dry run: nothing was changed.\n" {
			t.Fatalf("apply --dry-run: exit %d\n%s%s", code, out, errOut)
		}
		if after, _, _ := run(t, bin, "export", "--data-dir", dataDir); after != before {
			t.Fatalf("--dry-run changed the store:\n%s\n---\n%s", before, after)
		}
		out, errOut, code = run(t, bin, "apply", edited, "--data-dir", dataDir)
		if code != 0 || out != want+"Applied: 0 created, 1 updated, 1 deleted.\n" {
			t.Fatalf("apply: exit %d\n%s%s", code, out, errOut)
		}
		if after, _, _ := run(t, bin, "export", "--data-dir", dataDir); strings.Contains(after, "pod-reader") || strings.Contains(after, "7200") {
			t.Fatalf("export after apply:\n%s", after)
		}
	})

	t.Run("bad file", func(t *testing.T) {
		dir := t.TempDir()
		bad := writeFile(t, filepath.Join(dir, "bad.yaml"), "roles:\n  - name: bad name\n    max_session_duration: 60\n")
		fresh := filepath.Join(dir, "data")
		out, errOut, code := run(t, bin, "apply", bad, "--data-dir", fresh)
		for _, want := range []string{
			"stsd: bootstrap: 3 problem(s):\n",
			bad + ":2:11: roles[0].name: ValidationError: 1 validation error detected: Value 'bad name' at 'roleName' failed to satisfy constraint",
			bad + ":3:27: roles[0].max_session_duration: ValidationError",
			bad + ":2:5: roles[0]: trust_policy is required",
		} {
			if !strings.Contains(errOut, want) {
				t.Errorf("stderr lacks %q", want)
			}
		}
		if code != 1 || out != "" {
			t.Errorf("apply of a bad file: exit %d, stdout %q\n%s", code, out, errOut)
		}
		if _, err := os.Stat(fresh); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("a bad file created the data directory: %v", err)
		}
		if _, errOut, code := run(t, bin, "apply", filepath.Join(dir, "missing.yaml"), "--data-dir", fresh); code != 1 || !strings.Contains(errOut, "missing.yaml: no such file or directory") {
			t.Errorf("apply of a missing file: exit %d\n%s", code, errOut)
		}
	})

	t.Run("data directory in use", func(t *testing.T) {
		serve := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data-dir", dataDir, "--log-format", "text")
		stderr, err := serve.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := serve.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() {
			_ = serve.Process.Signal(os.Interrupt)
			done := make(chan struct{})
			go func() { _ = serve.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(30 * time.Second):
				_ = serve.Process.Kill()
			}
		}()
		readUntil(t, stderr, "stsd: serving")
		want := "stsd: the data directory " + dataDir + " is in use by a running stsd; stop it, or use a shared etcd store\n"
		for _, args := range [][]string{{"export"}, {"apply", file, "--dry-run"}} {
			out, errOut, code := run(t, bin, append(args, "--data-dir", dataDir)...)
			if code != 1 || out != "" || errOut != want {
				t.Errorf("%v while serving: exit %d, stdout %q, stderr %q", args, code, out, errOut)
			}
		}
	})
}
