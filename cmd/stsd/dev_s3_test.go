package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/stsd/stsd/internal/config"
	"github.com/stsd/stsd/internal/testutil/s3backend"
)

// `stsd dev --s3-backend URL` also runs the S3 gateway in front of a real
// versitygw: the printed `aws s3 ls` line, with the demo session's
// credentials, lists the backend's buckets through the gateway (run with
// the AWS CLI when it is installed, else with aws-sdk-go-v2 and the printed
// credentials). Without the backend's key it refuses to start and says
// which variables to set.
func TestDevS3BackendPrintsAWorkingListing(t *testing.T) {
	be := s3backend.Start(t)
	be.CreateBucket(t, "dev-demo")
	bin := buildStsd(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()

	out, err := exec.CommandContext(ctx, bin, "dev", "--addr", "127.0.0.1:0", "--data-dir", t.TempDir(),
		"--s3-addr", "127.0.0.1:0", "--s3-backend", be.URL).CombinedOutput()
	if err == nil || !strings.Contains(string(out), config.S3BackendAccessKeyEnv) || !strings.Contains(string(out), config.S3BackendSecretKeyEnv) {
		t.Errorf("stsd dev --s3-backend without the backend key: %v\n%s", err, out)
	}

	cmd := exec.CommandContext(ctx, bin, "dev", "--addr", "127.0.0.1:0", "--data-dir", t.TempDir(),
		"--s3-addr", "127.0.0.1:0", "--s3-backend", be.URL)
	cmd.Env = append(os.Environ(), config.S3BackendAccessKeyEnv+"="+be.AccessKeyID,
		config.S3BackendSecretKeyEnv+"="+be.SecretAccessKey)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("stsd dev stderr:\n%s", stderr.String())
		}
	}()
	printed := readUntil(t, stdout, "Press Ctrl-C")
	keyID := find(t, printed, `AWS_ACCESS_KEY_ID=(\S+)`)
	secret := find(t, printed, `AWS_SECRET_ACCESS_KEY=(\S+)`)
	token := find(t, printed, `AWS_SESSION_TOKEN=(\S+)`)
	endpoint := find(t, printed, `aws s3 ls --endpoint-url (\S+)`)
	if !strings.HasPrefix(keyID, "ASIA") || !strings.Contains(printed, be.URL) {
		t.Errorf("want a session key (ASIA…) and the backend's URL in:\n%s", printed)
	}

	if aws, err := exec.LookPath("aws"); err == nil {
		home := t.TempDir()
		ls := exec.CommandContext(ctx, aws, "s3", "ls", "--endpoint-url", endpoint)
		ls.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home,
			"AWS_CONFIG_FILE=" + filepath.Join(home, "none"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "none"),
			"AWS_ACCESS_KEY_ID=" + keyID, "AWS_SECRET_ACCESS_KEY=" + secret, "AWS_SESSION_TOKEN=" + token, "AWS_REGION=us-east-1"}
		out, err := ls.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "dev-demo") {
			t.Fatalf("the printed aws s3 ls: %v\n%s", err, out)
		}
		return
	}
	if os.Getenv("STSD_REQUIRE_AWSCLI") != "" {
		t.Fatal("the AWS CLI is required (STSD_REQUIRE_AWSCLI is set) but not installed")
	}
	t.Log("aws CLI not installed; listing with aws-sdk-go-v2 and the printed credentials")
	c := s3.New(s3.Options{Region: "us-east-1", BaseEndpoint: aws.String(endpoint), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(keyID, secret, token)})
	res, err := c.ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil || len(res.Buckets) != 1 || aws.ToString(res.Buckets[0].Name) != "dev-demo" {
		t.Fatalf("ListBuckets through the gateway: %v %+v", err, res)
	}
}
