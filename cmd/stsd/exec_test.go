package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// `stsd exec` runs the command with the session in its environment, in
// place of earlier credentials, and exits with the command's status.
func TestExecPassesCredentialsAndExitStatus(t *testing.T) {
	f := newCredFixture(t)
	creds := parseCredentialProcess(t, f.ok(f.stsd(append([]string{"credentials"}, f.flags()...))).stdout)
	f.addSecrets(creds.SecretAccessKey, creds.SessionToken)

	script := `printf '%s\n' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$AWS_SESSION_TOKEN" "$AWS_CREDENTIAL_EXPIRATION" "${AWS_SECURITY_TOKEN-unset}" "$1"; exit 7`
	args := append(append([]string{"exec"}, f.flags()...), "--", "sh", "-c", script, "sh", "--endpoint-url")
	r := f.stsd(args, "AWS_ACCESS_KEY_ID=AKIAOLDOLDOLDOLDOLD1", "AWS_SESSION_TOKEN=old", "AWS_SECURITY_TOKEN=old")
	want := strings.Join([]string{creds.AccessKeyID, creds.SecretAccessKey, creds.SessionToken, creds.Expiration, "unset", "--endpoint-url"}, "\n") + "\n"
	if r.code != 7 || r.stdout != want || r.stderr != "" {
		t.Fatalf("exit %d\nstdout %q\nwant   %q\nstderr %q", r.code, r.stdout, want, r.stderr)
	}
	if got := f.node.Count(assumeEvent); got != 1 {
		t.Fatalf("%d exchanges, want 1 (exec reuses the cache)", got)
	}

	r = f.stsd(append(append([]string{"exec"}, f.flags()...), "--", "true"))
	if r.code != 0 {
		t.Fatalf("true: exit %d %q", r.code, r.stderr)
	}
	r = f.stsd(append(append([]string{"exec"}, f.flags()...), "--", "no-such-command-xyz"))
	if r.code != 252 || r.stderr != "stsd: exec: \"no-such-command-xyz\": executable file not found in $PATH\n" {
		t.Fatalf("missing command: exit %d %q", r.code, r.stderr)
	}
	r = f.stsd(append([]string{"exec"}, f.flags()...))
	if r.code != 252 || r.stderr != "stsd: no command: stsd exec [flags] -- COMMAND [ARGS...]\n" {
		t.Fatalf("no command: exit %d %q", r.code, r.stderr)
	}
}

// The AWS CLI run by `stsd exec` calls stsd as the role, from the
// environment alone.
func TestExecAWSCLI(t *testing.T) {
	aws := awsCLI(t)
	f := newCredFixture(t)
	if err := os.WriteFile(filepath.Join(f.home, "aws-config"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	args := append(append([]string{"exec"}, f.flags("--role-session-name", "exec")...), "--",
		aws, "sts", "get-caller-identity", "--endpoint-url", f.node.URL, "--region", "us-east-1", "--output", "json")
	out := f.ok(f.stsd(args))
	var who struct{ Arn string }
	if err := json.Unmarshal([]byte(out.stdout), &who); err != nil || who.Arn != "arn:aws:sts::111122223333:assumed-role/deploy/exec" {
		t.Fatalf("%v: %s", err, out.stdout)
	}
}
