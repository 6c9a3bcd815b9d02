package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// buildStsd compiles the binary the README runs.
func buildStsd(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "stsd")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// `stsd dev` — the README's first command — prints a command that works:
// the printed AssumeRoleWithWebIdentity call succeeds (through the AWS CLI
// when it is installed, else as the same HTTP request), and `stsd dev token`
// mints tokens that work too.
func TestDevPrintsAWorkingCommand(t *testing.T) {
	bin := buildStsd(t)
	dataDir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "dev", "--addr", "127.0.0.1:0", "--data-dir", dataDir)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	}()

	printed := readUntil(t, stdout, "Press Ctrl-C")
	endpoint := find(t, printed, `--endpoint-url (\S+)`)
	roleARN := find(t, printed, `--role-arn (\S+)`)
	token := find(t, printed, `--web-identity-token (\S+)`)
	if !strings.Contains(printed, "stsd dev token --data-dir "+dataDir) {
		t.Errorf("the instructions do not show how to mint more tokens:\n%s", printed)
	}

	if aws, err := exec.LookPath("aws"); err == nil {
		out, err := exec.CommandContext(ctx, aws, "sts", "assume-role-with-web-identity", "--endpoint-url", endpoint,
			"--role-arn", roleARN, "--role-session-name", "dev-session", "--web-identity-token", token, "--output", "json").CombinedOutput()
		if err != nil || !strings.Contains(string(out), `"AssumedRoleId"`) {
			t.Fatalf("aws sts assume-role-with-web-identity: %v\n%s", err, out)
		}
	} else {
		t.Log("aws CLI not installed; sending the printed call as HTTP")
		assumeOverHTTP(t, endpoint, roleARN, token)
	}

	more, err := exec.CommandContext(ctx, bin, "dev", "token", "--data-dir", dataDir, "--sub", "someone").Output()
	if err != nil {
		t.Fatalf("stsd dev token: %v", err)
	}
	assumeOverHTTP(t, endpoint, roleARN, strings.TrimSpace(string(more)))
}

func assumeOverHTTP(t *testing.T, endpoint, roleARN, token string) {
	t.Helper()
	resp, err := http.PostForm(endpoint, url.Values{
		"Action": {"AssumeRoleWithWebIdentity"}, "Version": {"2011-06-15"},
		"RoleArn": {roleARN}, "RoleSessionName": {"dev-session"}, "WebIdentityToken": {token},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !bytes.Contains(body, []byte("<AssumedRoleId>")) {
		t.Fatalf("%d\n%s", resp.StatusCode, body)
	}
}

func readUntil(t *testing.T, r io.Reader, marker string) string {
	t.Helper()
	var b strings.Builder
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 64<<10)
	for sc.Scan() {
		b.WriteString(sc.Text() + "\n")
		if strings.Contains(sc.Text(), marker) {
			return b.String()
		}
	}
	t.Fatalf("stsd dev stopped before printing %q:\n%s", marker, b.String())
	return ""
}

func find(t *testing.T, text, pattern string) string {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("%s not found in:\n%s", pattern, text)
	}
	return m[1]
}

// `stsd policy validate` exits non-zero and names the problem and its place.
func TestPolicyValidateExitStatus(t *testing.T) {
	bin := buildStsd(t)
	dir := t.TempDir()
	good, bad := filepath.Join(dir, "good.json"), filepath.Join(dir, "bad.json")
	_ = os.WriteFile(good, []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`), 0o600)
	_ = os.WriteFile(bad, []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEqualz":{"a":"b"}}}]}`), 0o600)
	if out, err := exec.Command(bin, "policy", "validate", good).CombinedOutput(); err != nil {
		t.Errorf("valid policy: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "policy", "validate", good, bad).CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 || !strings.Contains(string(out), bad+":1:") || !strings.Contains(string(out), "Invalid Condition type : StringEqualz") {
		t.Errorf("invalid policy: %v\n%s", err, out)
	}
}

// `stsd serve` answers /healthz, generates its root credentials into the data
// directory (printing the path), and exits 0 on SIGTERM.
func TestServeHealthzAndGracefulSIGTERM(t *testing.T) {
	bin := buildStsd(t)
	dataDir := t.TempDir()
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data-dir", dataDir, "--log-format", "text")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	printed := readUntil(t, stderr, "stsd: serving")
	endpoint := find(t, printed, `stsd: serving (\S+)`)
	if !strings.Contains(printed, filepath.Join(dataDir, "root-credentials")) {
		t.Errorf("the generated root credentials' path was not printed:\n%s", printed)
	}
	resp, err := http.Get(endpoint + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", resp, err)
	}
	resp.Body.Close()
	go func() { _, _ = io.Copy(io.Discard, stderr) }()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("stsd serve after SIGTERM: %v, want exit status 0", err)
		}
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("stsd serve did not stop on SIGTERM")
	}
	if fi, err := os.Stat(filepath.Join(dataDir, "root-credentials")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("root-credentials: %v %v, want mode 0600", fi, err)
	}
}
