package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/testutil/stsdnode"
)

const (
	credAud      = "sts.amazonaws.com"
	assumeEvent  = "AssumeRoleWithWebIdentity"
	readRolesDoc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GetRole","iam:ListRoles"],"Resource":"*"}]}`
)

// credFixture is a real stsd with role "deploy" trusting the fake IdP's
// tokens for sts.amazonaws.com, the built binary, a token file, and a
// clean environment with its own HOME and cache directory.
type credFixture struct {
	t         *testing.T
	bin       string
	node      *stsdnode.Node
	roleARN   string
	token     string
	tokenFile string
	home      string
	cacheHome string
	env       map[string]string
	// secrets collects every token and secret handed out, for the check
	// that none reaches a log, an error or a file name.
	secrets []string
}

func newCredFixture(t *testing.T) *credFixture {
	t.Helper()
	f := &credFixture{t: t, bin: buildStsd(t), node: stsdnode.Start(t, stsdnode.Options{ClientIDs: []string{credAud, "stsd.example"}})}
	f.roleARN = f.node.Role("deploy", f.node.AudienceTrust(credAud), map[string]string{"read-roles": readRolesDoc})
	f.token = f.node.IdP.Mint(f.node.IdP.Claims("system:serviceaccount:ci:deployer", credAud))
	f.secrets = append(f.secrets, f.token)
	f.home = t.TempDir()
	f.cacheHome = filepath.Join(f.home, ".cache")
	f.tokenFile = filepath.Join(f.home, "token")
	if err := os.WriteFile(f.tokenFile, []byte(f.token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f.env = map[string]string{
		"PATH":                        os.Getenv("PATH"),
		"HOME":                        f.home,
		"XDG_CACHE_HOME":              f.cacheHome,
		"AWS_CONFIG_FILE":             filepath.Join(f.home, "aws-config"),
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(f.home, "aws-credentials"),
		"AWS_EC2_METADATA_DISABLED":   "true",
		"AWS_PAGER":                   "",
	}
	t.Cleanup(f.checkNoSecretsInLogs)
	return f
}

// flags are the stsd credentials flags for role "deploy" and the token file.
func (f *credFixture) flags(extra ...string) []string {
	return append([]string{"--endpoint-url", f.node.URL, "--role-arn", f.roleARN, "--web-identity-token-file", f.tokenFile}, extra...)
}

// result is a finished process.
type result struct {
	stdout, stderr string
	code           int
}

// run runs a program with the fixture's environment plus extra NAME=VALUE
// pairs, and records its output for the secrets check.
func (f *credFixture) run(name string, args []string, extra ...string) result {
	f.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	for k, v := range f.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Env = append(cmd.Env, extra...)
	cmd.Dir = f.home
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	case err != nil:
		f.t.Fatalf("%s: %v", name, err)
	}
	f.assertNoSecrets("the stderr of "+name, r.stderr)
	return r
}

// stsd runs the built binary.
func (f *credFixture) stsd(args []string, extra ...string) result {
	f.t.Helper()
	return f.run(f.bin, args, extra...)
}

// ok fails the test unless r succeeded.
func (f *credFixture) ok(r result) result {
	f.t.Helper()
	if r.code != 0 {
		f.t.Fatalf("exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	return r
}

func (f *credFixture) addSecrets(s ...string) { f.secrets = append(f.secrets, s...) }

func (f *credFixture) assertNoSecrets(where, text string) {
	f.t.Helper()
	for _, s := range f.secrets {
		if s != "" && strings.Contains(text, s) {
			f.t.Errorf("a secret (%d bytes, starting %.4s) appears in %s", len(s), s, where)
		}
	}
}

// checkNoSecretsInLogs greps the node's logs and the cache file names.
func (f *credFixture) checkNoSecretsInLogs() {
	f.assertNoSecrets("stsd's logs", f.node.Logs.String())
	_ = filepath.WalkDir(f.home, func(path string, _ os.DirEntry, err error) error {
		if err == nil {
			f.assertNoSecrets("a file name", path)
		}
		return nil
	})
}

// cacheFiles lists the credentials cache files under a cache home.
func cacheFiles(t *testing.T, cacheHome string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(cacheHome, "stsd", "credentials"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, filepath.Join(cacheHome, "stsd", "credentials", e.Name()))
	}
	return names
}

// awsCLI is Debian's AWS CLI v2 (/usr/bin/aws), else the aws on PATH; the
// test skips without one unless STSD_REQUIRE_AWSCLI is set.
func awsCLI(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat("/usr/bin/aws"); err == nil {
		return "/usr/bin/aws"
	}
	if p, err := exec.LookPath("aws"); err == nil {
		return p
	}
	if os.Getenv("STSD_REQUIRE_AWSCLI") != "" {
		t.Fatal("the AWS CLI is required (STSD_REQUIRE_AWSCLI is set) but not installed")
	}
	t.Skip("aws CLI not installed")
	return ""
}

// python3Boto3 is a python3 that imports boto3 (/usr/bin/python3 with
// Debian's python3-boto3 first); the test skips without one unless
// STSD_REQUIRE_BOTO3 is set.
func python3Boto3(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/python3", "python3"} {
		if exec.Command(p, "-c", "import boto3").Run() == nil {
			return p
		}
	}
	if os.Getenv("STSD_REQUIRE_BOTO3") != "" {
		t.Fatal("python3 with boto3 is required (STSD_REQUIRE_BOTO3 is set) but not installed")
	}
	t.Skip("python3 with boto3 not installed")
	return ""
}

// writeAWSConfig writes the AWS config file with one profile.
func (f *credFixture) writeAWSConfig(profile, credentialProcess string) {
	f.t.Helper()
	text := "[profile " + profile + "]\nregion = us-east-1\ncredential_process = " + credentialProcess + "\n"
	if err := os.WriteFile(f.env["AWS_CONFIG_FILE"], []byte(text), 0o600); err != nil {
		f.t.Fatal(err)
	}
}
