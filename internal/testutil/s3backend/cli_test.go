package s3backend

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestBackendWithAWSCLI uploads and lists with the AWS CLI straight
// against versitygw: the pairing the gateway's CLI tests put a gateway
// between.
func TestBackendWithAWSCLI(t *testing.T) {
	awsCLI, err := exec.LookPath("aws")
	if err != nil {
		if os.Getenv("STSD_REQUIRE_AWSCLI") != "" {
			t.Fatal("the AWS CLI is required (STSD_REQUIRE_AWSCLI is set) but not installed")
		}
		t.Skip("the AWS CLI is not installed")
	}
	b := Start(t)
	b.CreateBucket(t, "cli")
	dir := t.TempDir()
	src := filepath.Join(dir, "hello.txt")
	if err := os.WriteFile(src, []byte("hello from the CLI\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	aws := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(awsCLI, append(args, "--endpoint-url", b.URL)...)
		// None of the caller's AWS_* settings (a profile, a session token)
		// may reach the CLI; an empty AWS_PROFILE is itself an error.
		var env []string
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "AWS_") {
				env = append(env, kv)
			}
		}
		cmd.Env = append(env,
			"AWS_ACCESS_KEY_ID="+b.AccessKeyID, "AWS_SECRET_ACCESS_KEY="+b.SecretAccessKey,
			"AWS_DEFAULT_REGION="+b.Region, "AWS_EC2_METADATA_DISABLED=true",
			"AWS_CONFIG_FILE="+filepath.Join(dir, "config"),
			"AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(dir, "credentials"), "AWS_PAGER=")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	aws("s3", "cp", src, "s3://cli/docs/hello.txt")
	if got, err := os.ReadFile(b.Path("cli", "docs/hello.txt")); err != nil || string(got) != "hello from the CLI\n" {
		t.Fatalf("on disk: %q, %v", got, err)
	}
	out := aws("s3", "ls", "s3://cli/docs/")
	if fields := strings.Fields(out); len(fields) != 4 || fields[2] != "19" || fields[3] != "hello.txt" {
		t.Fatalf("aws s3 ls printed %q, want one line: date, time, 19, hello.txt", out)
	}
}
