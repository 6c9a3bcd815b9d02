package s3backend

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"github.com/minio/minio-go/v7"
	miniocreds "github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/stsd/stsd/internal/testutil/sdkhttp"
)

// TestBackendServesS3 runs the three Go clients the gateway tests use
// against versitygw: the SDK creates a bucket and puts and gets an object,
// the file is on disk where Path says, and minio-go lists it.
func TestBackendServesS3(t *testing.T) {
	b := Start(t)
	if b.Region != "us-east-1" || len(b.AccessKeyID) != 20 || len(b.SecretAccessKey) != 40 {
		t.Fatalf("backend %+v: want region us-east-1 and a 20/40-character key pair", b)
	}
	ctx := context.Background()
	b.CreateBucket(t, "data")

	body := []byte("hello from the SDK\n")
	_, err := b.Client().PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String("data"), Key: aws.String("team-a/report.txt"), Body: bytes.NewReader(body),
	})
	if err != nil {
		t.Fatal(err)
	}
	got, ok := b.GetObject(t, "data", "team-a/report.txt")
	if !ok || !bytes.Equal(got, body) {
		t.Fatalf("GetObject = %q, %v; want %q", got, ok, body)
	}
	onDisk, err := os.ReadFile(b.Path("data", "team-a/report.txt"))
	if err != nil || !bytes.Equal(onDisk, body) {
		t.Fatalf("on disk: %q, %v; want %q", onDisk, err, body)
	}
	if _, ok := b.GetObject(t, "data", "team-a/absent.txt"); ok {
		t.Fatal("GetObject found an object never put")
	}

	mc, err := minio.New(b.URL[len("http://"):], &minio.Options{
		Creds:        miniocreds.NewStaticV4(b.AccessKeyID, b.SecretAccessKey, ""),
		Region:       b.Region,
		BucketLookup: minio.BucketLookupPath,
		MaxRetries:   1,
	})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for obj := range mc.ListObjects(ctx, "data", minio.ListObjectsOptions{Recursive: true}) {
		if obj.Err != nil {
			t.Fatal(obj.Err)
		}
		keys = append(keys, fmt.Sprintf("%s=%d", obj.Key, obj.Size))
	}
	if len(keys) != 1 || keys[0] != "team-a/report.txt=19" {
		t.Fatalf("minio-go lists %q, want [team-a/report.txt=19]", keys)
	}

	// minio-go's own upload (streaming signature) reaches the disk too.
	_, err = mc.PutObject(ctx, "data", "minio.txt", bytes.NewReader(body), int64(len(body)), minio.PutObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := b.GetObject(t, "data", "minio.txt"); !ok || !bytes.Equal(got, body) {
		t.Fatalf("object put by minio-go = %q, %v; want %q", got, ok, body)
	}
}

// TestBackendChecksSignatures proves the backend verifies what it is sent,
// as the gateway's re-signing relies on: a wrong secret is refused with S3's
// code and message. An unknown key is refused too, but not as S3 does
// (403 InvalidAccessKeyId): versitygw v1.8.0 answers 404
// XAdminUserNotFound, its own code.
func TestBackendChecksSignatures(t *testing.T) {
	b := Start(t)
	b.CreateBucket(t, "data")
	for _, tc := range []struct {
		name, key, secret string
		status            int
		code, message     string
	}{
		{"wrong secret", b.AccessKeyID, b.SecretAccessKey[1:] + "x", http.StatusForbidden, "SignatureDoesNotMatch",
			"The request signature we calculated does not match the signature you provided. Check your key and signing method."},
		{"unknown key", "AKIAUNKNOWNUNKNOWN00", b.SecretAccessKey, http.StatusNotFound, "XAdminUserNotFound",
			"No user exists with the provided access key ID."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := s3.New(s3.Options{
				Region: b.Region, BaseEndpoint: aws.String(b.URL), UsePathStyle: true,
				Credentials:      credentials.NewStaticCredentialsProvider(tc.key, tc.secret, ""),
				HTTPClient:       sdkhttp.Client(10 * time.Second),
				RetryMaxAttempts: 1,
			})
			_, err := c.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String("data")})
			var apiErr smithy.APIError
			if !errors.As(err, &apiErr) || apiErr.ErrorCode() != tc.code || apiErr.ErrorMessage() != tc.message {
				t.Fatalf("got %v, want %s %q", err, tc.code, tc.message)
			}
			var re interface{ HTTPStatusCode() int }
			if !errors.As(err, &re) || re.HTTPStatusCode() != tc.status {
				t.Fatalf("got %v, want status %d", err, tc.status)
			}
		})
	}
}

// TestBackendStopsWithTheTest checks the cleanup: once the (sub)test that
// started versitygw ends, nothing answers on its address.
func TestBackendStopsWithTheTest(t *testing.T) {
	var url string
	t.Run("run", func(t *testing.T) { url = Start(t).URL })
	client := &http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get(url + "/")
	if err == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		t.Fatalf("versitygw still answers on %s after its test ended: %s", url, resp.Status)
	}
}
