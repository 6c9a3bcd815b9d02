package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The `aws iam …` commands in docs/admin.md work as written against
// `stsd serve`: every ```sh block of the page runs, in order, with the
// environment the page tells the reader to set (STSD, the root credentials
// file, a region). The AWS CLI is required when STSD_REQUIRE_AWSCLI is set
// (CI installs it); otherwise the test skips without it.
func TestAdminDocCommandsRun(t *testing.T) {
	awsCLI, err := exec.LookPath("aws")
	if err != nil {
		if os.Getenv("STSD_REQUIRE_AWSCLI") != "" {
			t.Fatal("the AWS CLI is required (STSD_REQUIRE_AWSCLI is set) but not installed")
		}
		t.Skip("aws CLI not installed")
	}
	blocks := shellBlocks(t, filepath.Join("..", "..", "docs", "admin.md"))
	if len(blocks) < 5 {
		t.Fatalf("docs/admin.md has %d sh blocks; expected the admin walkthrough", len(blocks))
	}
	bin := buildStsd(t)
	dataDir := t.TempDir()
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data-dir", dataDir,
		"--account-id", "123456789012", "--log-format", "text", "--log-level", "warn")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	})
	endpoint := find(t, readUntil(t, stderr, "stsd: serving"), `stsd: serving (\S+)`)
	go func() { _, _ = io.Copy(io.Discard, stderr) }()

	work := t.TempDir()
	env := append(os.Environ(),
		"STSD="+endpoint,
		"AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(dataDir, "root-credentials"),
		"AWS_CONFIG_FILE=/dev/null",
		"AWS_DEFAULT_REGION=us-east-1",
		"AWS_PAGER=",
		"PATH="+filepath.Dir(awsCLI)+string(os.PathListSeparator)+os.Getenv("PATH"),
	)
	// One shell runs every block, so variables set in one block are seen
	// by the next, as when a reader pastes them into one terminal.
	var script strings.Builder
	for i, block := range blocks {
		fmt.Fprintf(&script, "echo '=== docs/admin.md block %d'\n%s", i+1, block)
	}
	// Each aws command starts Python (1–2 s on a busy 2-core machine,
	// and there are dozens): about 200 s alone, so the cap leaves room for
	// a loaded CI run.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	run := exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", script.String())
	run.Dir, run.Env = work, env
	out, err := run.CombinedOutput()
	if err != nil {
		t.Fatalf("docs/admin.md: %v (the last block announced is the one that failed)\n%s", err, out)
	}
	t.Logf("%s", out)
}

// shellBlocks returns the contents of the ```sh fenced blocks of a
// Markdown file, in order.
func shellBlocks(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var blocks []string
	var cur *strings.Builder
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case cur == nil && strings.TrimSpace(line) == "```sh":
			cur = &strings.Builder{}
		case cur != nil && strings.TrimSpace(line) == "```":
			blocks = append(blocks, cur.String())
			cur = nil
		case cur != nil:
			cur.WriteString(line + "\n")
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return blocks
}
