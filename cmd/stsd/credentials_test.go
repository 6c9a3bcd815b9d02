package main

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
)

// credentialProcessOutput is what `stsd credentials` prints by default.
type credentialProcessOutput struct {
	Version         int
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string
	SessionToken    string
	Expiration      string
}

func parseCredentialProcess(t *testing.T, out string) credentialProcessOutput {
	t.Helper()
	var c credentialProcessOutput
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil || c.Version != 1 || !strings.HasPrefix(c.AccessKeyID, "ASIA") ||
		c.SecretAccessKey == "" || c.SessionToken == "" || c.Expiration == "" {
		t.Fatalf("not credential_process output (%v): %s", err, out)
	}
	return c
}

// The AWS CLI, with a profile whose credential_process is `stsd
// credentials`, calls STS and IAM on stsd as the role; the second CLI
// run takes the session from the cache and makes no STS request.
func TestCredentialProcessAWSCLI(t *testing.T) {
	aws := awsCLI(t)
	f := newCredFixture(t)
	f.writeAWSConfig("stsd", f.bin+" credentials "+strings.Join(f.flags("--role-session-name", "cli"), " "))

	out := f.ok(f.run(aws, []string{"--profile", "stsd", "sts", "get-caller-identity", "--endpoint-url", f.node.URL, "--output", "json"}))
	var who struct{ Arn, Account string }
	if err := json.Unmarshal([]byte(out.stdout), &who); err != nil || who.Arn != "arn:aws:sts::111122223333:assumed-role/deploy/cli" || who.Account != "111122223333" {
		t.Fatalf("get-caller-identity: %v\n%s", err, out.stdout)
	}
	out = f.ok(f.run(aws, []string{"--profile", "stsd", "iam", "get-role", "--role-name", "deploy", "--endpoint-url", f.node.URL, "--output", "json"}))
	var role struct{ Role struct{ Arn string } }
	if err := json.Unmarshal([]byte(out.stdout), &role); err != nil || role.Role.Arn != f.roleARN {
		t.Fatalf("iam get-role: %v\n%s", err, out.stdout)
	}
	events := f.node.WaitCount("GetRole", 1)
	if got := f.node.Count(assumeEvent); got != 1 {
		t.Fatalf("%d AssumeRoleWithWebIdentity requests for two CLI runs, want 1: %v", got, events)
	}
	files := cacheFiles(t, f.cacheHome)
	if len(files) != 1 {
		t.Fatalf("cache files: %v", files)
	}
	if fi, err := os.Stat(files[0]); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("cache file mode: %v %v", fi, err)
	}
	cached, _ := os.ReadFile(files[0])
	var answer struct {
		Credentials struct{ SecretAccessKey, SessionToken string }
	}
	_ = json.Unmarshal(cached, &answer)
	f.addSecrets(answer.Credentials.SecretAccessKey, answer.Credentials.SessionToken)
}

// boto3 the same way: two Python processes, one STS request.
func TestCredentialProcessBoto3(t *testing.T) {
	python := python3Boto3(t)
	f := newCredFixture(t)
	f.writeAWSConfig("stsd", f.bin+" credentials "+strings.Join(f.flags("--role-session-name", "boto3"), " "))
	script := `import boto3, json, sys
s = boto3.Session(profile_name="stsd")
who = s.client("sts", endpoint_url=sys.argv[1]).get_caller_identity()
role = s.client("iam", endpoint_url=sys.argv[1]).get_role(RoleName="deploy")
print(json.dumps({"Arn": who["Arn"], "RoleArn": role["Role"]["Arn"]}))
`
	for range 2 {
		out := f.ok(f.run(python, []string{"-c", script, f.node.URL}))
		var got struct{ Arn, RoleArn string }
		if err := json.Unmarshal([]byte(out.stdout), &got); err != nil ||
			got.Arn != "arn:aws:sts::111122223333:assumed-role/deploy/boto3" || got.RoleArn != f.roleARN {
			t.Fatalf("boto3: %v\n%s", err, out.stdout)
		}
	}
	events := f.node.WaitCount("GetRole", 2)
	if got := f.node.Count(assumeEvent); got != 1 {
		t.Fatalf("%d AssumeRoleWithWebIdentity requests for two boto3 runs, want 1: %v", got, events)
	}
}

// The cache: reused across runs and formats, keyed by session name,
// never read or written with --no-cache; a cache file others can read is
// ignored with a warning and replaced.
func TestCredentialsCache(t *testing.T) {
	f := newCredFixture(t)
	first := parseCredentialProcess(t, f.ok(f.stsd(append([]string{"credentials"}, f.flags()...))).stdout)
	f.addSecrets(first.SecretAccessKey, first.SessionToken)
	again := parseCredentialProcess(t, f.ok(f.stsd(append([]string{"credentials"}, f.flags()...))).stdout)
	if again != first {
		t.Fatalf("the second run did not reuse the session")
	}
	asJSON := f.ok(f.stsd(append([]string{"credentials", "--format", "json"}, f.flags()...))).stdout
	var answer struct {
		Credentials     struct{ AccessKeyId, Expiration string }
		AssumedRoleUser struct{ Arn string }
	}
	if err := json.Unmarshal([]byte(asJSON), &answer); err != nil || answer.Credentials.AccessKeyId != first.AccessKeyID ||
		answer.Credentials.Expiration != first.Expiration || answer.AssumedRoleUser.Arn != "arn:aws:sts::111122223333:assumed-role/deploy/stsd-credentials" {
		t.Fatalf("--format json: %v\n%s", err, asJSON)
	}
	asEnv := f.ok(f.stsd(append([]string{"credentials", "--format", "env"}, f.flags()...))).stdout
	wantEnv := "export AWS_ACCESS_KEY_ID='" + first.AccessKeyID + "'\nexport AWS_SECRET_ACCESS_KEY='" + first.SecretAccessKey +
		"'\nexport AWS_SESSION_TOKEN='" + first.SessionToken + "'\nexport AWS_CREDENTIAL_EXPIRATION='" + first.Expiration + "'\n"
	if asEnv != wantEnv {
		t.Fatalf("--format env:\n%s", asEnv)
	}
	files := cacheFiles(t, f.cacheHome)
	if len(files) != 1 {
		t.Fatalf("cache files: %v", files)
	}
	before, _ := os.ReadFile(files[0])

	// --no-cache asks stsd and leaves the cache alone; in a fresh cache home
	// it creates nothing.
	fresh := t.TempDir()
	noCache := parseCredentialProcess(t, f.ok(f.stsd(append([]string{"credentials", "--no-cache"}, f.flags()...), "XDG_CACHE_HOME="+fresh)).stdout)
	f.addSecrets(noCache.SecretAccessKey, noCache.SessionToken)
	if noCache.AccessKeyID == first.AccessKeyID {
		t.Fatal("--no-cache reused the cached session")
	}
	if entries, _ := os.ReadDir(fresh); len(entries) != 0 {
		t.Fatalf("--no-cache wrote %v", entries)
	}
	f.ok(f.stsd(append([]string{"credentials", "--no-cache"}, f.flags()...)))
	if after, _ := os.ReadFile(files[0]); string(after) != string(before) {
		t.Fatal("--no-cache rewrote the cache file")
	}
	// Another session name is another entry.
	f.ok(f.stsd(append([]string{"credentials", "--role-session-name", "other"}, f.flags()...)))
	if got := cacheFiles(t, f.cacheHome); len(got) != 2 {
		t.Fatalf("cache files: %v", got)
	}
	events := f.node.WaitCount(assumeEvent, 4)
	if !slices.Equal(events, []string{assumeEvent, assumeEvent, assumeEvent, assumeEvent}) {
		t.Fatalf("events = %v, want 4 exchanges (first run, two --no-cache, other session)", events)
	}

	// A cache file readable by others is not trusted.
	if err := os.Chmod(files[0], 0o644); err != nil {
		t.Fatal(err)
	}
	r := f.ok(f.stsd(append([]string{"credentials"}, f.flags()...)))
	want := "stsd: warning: credentials cache: " + files[0] + " is accessible to other users (mode 0644); ignoring it\n"
	if r.stderr != want {
		t.Fatalf("stderr = %q, want %q", r.stderr, want)
	}
	replaced := parseCredentialProcess(t, r.stdout)
	f.addSecrets(replaced.SecretAccessKey, replaced.SessionToken)
	if replaced.AccessKeyID == first.AccessKeyID {
		t.Fatal("the untrusted cache file was used")
	}
	if fi, err := os.Stat(files[0]); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the replaced cache file: %v %v", fi, err)
	}
	f.node.WaitCount(assumeEvent, 5)
}
