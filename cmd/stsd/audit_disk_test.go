package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// mountTinyFS mounts a 1 MiB tmpfs for the test (root only), or skips.
func mountTinyFS(t *testing.T) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a small file system needs root")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v %s", dir, err, out)
		}
	})
	return dir
}

// `stsd serve --audit-fail-closed` with its audit log on a file system
// that fills up: once a write fails (ENOSPC), STS answers 503
// ServiceUnavailable with no detail and the failure is logged once; once
// there is room, the refusal is written, the node serves again, and the
// line the failed write cut short does not spoil the next one.
func TestServeFailsClosedOnAFullDisk(t *testing.T) {
	disk := mountTinyFS(t)
	bin := buildStsd(t)
	logPath := filepath.Join(t.TempDir(), "stderr.log")
	stderr, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer stderr.Close()
	auditLog := filepath.Join(disk, "audit.log")
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data-dir", t.TempDir(), "--audit-log", auditLog,
		"--audit-fail-closed", "--audit-max-size-mb", "1", "--audit-max-backups", "1")
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	endpoint := waitLog(t, logPath, `stsd: serving (\S+)`)

	filler := filepath.Join(disk, "filler")
	_ = os.WriteFile(filler, make([]byte, 2<<20), 0o600) // fills the disk (ENOSPC expected)
	code := 0
	for range 100 {
		if code = statusOf(t, endpoint); code == http.StatusServiceUnavailable {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if code != http.StatusServiceUnavailable {
		t.Fatalf("with the audit disk full the node still answers %d", code)
	}
	body := post(t, endpoint)
	if !strings.Contains(body, "<Code>ServiceUnavailable</Code>") || !strings.Contains(body, "<Message>The request has failed due to a temporary failure of the server.</Message>") ||
		strings.Contains(body, "space") || strings.Contains(body, disk) {
		t.Errorf("refusal body:\n%s", body)
	}

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	for range 100 {
		if code = statusOf(t, endpoint); code != http.StatusServiceUnavailable {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if code != http.StatusForbidden { // the role does not exist: AccessDenied
		t.Fatalf("after the disk has room again: %d, want the usual 403", code)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	logs, _ := os.ReadFile(logPath)
	if n := strings.Count(string(logs), `"msg":"audit log write failed","error":"write `+auditLog+`: no space left on device"`); n != 1 {
		t.Errorf("%d failure log lines, want 1:\n%s", n, logs)
	}
	f, err := os.Open(auditLog)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	var refusal, served, torn int
	for sc.Scan() {
		var e struct {
			ErrorCode string `json:"errorCode"`
			Decision  struct{ Reason, Detail string }
		}
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			torn++ // at most the line the failed write cut short
			continue
		}
		switch {
		case e.ErrorCode == "ServiceUnavailable" && e.Decision.Reason == "audit_write_failed" && strings.Contains(e.Decision.Detail, "no space left on device"):
			refusal++
		case e.ErrorCode == "AccessDenied" && refusal > 0:
			served++
		}
	}
	if refusal == 0 || served == 0 || torn > 1 {
		t.Errorf("audit log: %d refusals recorded, %d served calls after them, %d unparseable lines; want ≥ 1, ≥ 1, ≤ 1", refusal, served, torn)
	}
}

// statusOf sends one AssumeRoleWithWebIdentity (a 3 KB user agent, so that
// each event needs new blocks) and returns the status.
func statusOf(t *testing.T, endpoint string) int {
	t.Helper()
	resp := send(t, endpoint)
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

func post(t *testing.T, endpoint string) string {
	t.Helper()
	resp := send(t, endpoint)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}

func send(t *testing.T, endpoint string) *http.Response {
	t.Helper()
	form := url.Values{"Action": {"AssumeRoleWithWebIdentity"}, "Version": {"2011-06-15"}, "RoleArn": {"arn:aws:iam::000000000000:role/none"},
		"RoleSessionName": {"disk"}, "WebIdentityToken": {"not-a-token"}}
	req, err := http.NewRequest(http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", strings.Repeat("u", 3000))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// waitLog waits until the file at path matches pattern and returns the
// first group.
func waitLog(t *testing.T, path, pattern string) string {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		raw, _ := os.ReadFile(path)
		if strings.Contains(string(raw), "stsd: serving") {
			return find(t, string(raw), pattern)
		}
	}
	raw, _ := os.ReadFile(path)
	t.Fatalf("stsd serve did not start:\n%s", raw)
	return ""
}
