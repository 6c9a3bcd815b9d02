package e2e

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// A role limited to its team's prefix through a principal tag from the
// token (ABAC): `arn:aws:s3:::data/${aws:PrincipalTag/team}/*`.
const s3TeamPolicy = `{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::data/${aws:PrincipalTag/team}/*"},
 {"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::data","Condition":{"StringLike":{"s3:prefix":"${aws:PrincipalTag/team}/*"}}}]}`

func teamClaims(team string) map[string]any {
	return map[string]any{"https://aws.amazon.com/tags": map[string]any{"principal_tags": map[string]any{"team": []string{team}}}}
}

// The SDK with its default checksums puts, gets, heads and lists through
// the gateway with a web-identity session; the object is on the backend's
// disk; what the policy does not allow is AccessDenied with AWS's message
// and never reaches the backend.
func TestS3GatewaySDK(t *testing.T) {
	n := startS3Node(t, s3NodeOptions{})
	role := n.s3Role("team", map[string]string{"s3": s3TeamPolicy})
	creds := n.s3Session(role, "ci", teamClaims("blue"), "")
	c := n.s3Client(creds)
	ctx := context.Background()
	body := bytes.Repeat([]byte("stsd-gateway "), 10000) // 130 kB: several chunks

	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("data"), Key: aws.String("blue/report.txt"),
		Body: bytes.NewReader(body)}); err != nil {
		t.Fatalf("put: %v", err)
	}
	onDisk, err := os.ReadFile(n.backend.Path("data", "blue/report.txt"))
	if err != nil || !bytes.Equal(onDisk, body) {
		t.Fatalf("backend holds %d bytes (%v), want %d", len(onDisk), err, len(body))
	}
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("data"), Key: aws.String("blue/report.txt")})
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	got, _ := io.ReadAll(out.Body)
	out.Body.Close()
	if !bytes.Equal(got, body) {
		t.Fatalf("get returned %d bytes, want %d", len(got), len(body))
	}
	ranged, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("data"), Key: aws.String("blue/report.txt"),
		Range: aws.String("bytes=0-9")})
	if err != nil {
		t.Fatalf("ranged get: %v", err)
	}
	got, _ = io.ReadAll(ranged.Body)
	ranged.Body.Close()
	if string(got) != "stsd-gatew" {
		t.Fatalf("range answered %q", got)
	}
	if _, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("data"), Key: aws.String("blue/report.txt")}); err != nil {
		t.Fatalf("head: %v", err)
	}
	list, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("data"), Prefix: aws.String("blue/")})
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	if len(list.Contents) != 1 || *list.Contents[0].Key != "blue/report.txt" {
		t.Fatalf("list: %+v", list.Contents)
	}

	sessionARN := "arn:aws:sts::" + account + ":assumed-role/team/ci"
	// Another team's prefix: denied, and nothing written.
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("data"), Key: aws.String("red/x"), Body: strings.NewReader("no")})
	wantS3Error(t, err, "AccessDenied", http.StatusForbidden, "User: "+sessionARN+
		" is not authorized to perform: s3:PutObject on resource: \"arn:aws:s3:::data/red/x\" because no identity-based policy allows the s3:PutObject action")
	if _, err := os.Stat(n.backend.Path("data", "red/x")); !os.IsNotExist(err) {
		t.Fatalf("a denied put reached the backend: %v", err)
	}
	// Listing outside the prefix the condition allows.
	_, err = c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("data"), Prefix: aws.String("red/")})
	wantS3Error(t, err, "AccessDenied", http.StatusForbidden, "")
	_, err = c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("data")})
	wantS3Error(t, err, "AccessDenied", http.StatusForbidden, "")
	// A HEAD that is denied has no body: the SDK sees the status.
	_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("data"), Key: aws.String("red/x")})
	if err == nil || !strings.Contains(err.Error(), "403") {
		t.Fatalf("denied head: %v", err)
	}
	// A missing object is the backend's own answer, passed through.
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("data"), Key: aws.String("blue/missing")})
	wantS3Error(t, err, "NoSuchKey", http.StatusNotFound, "")
}

// Over TLS the SDK sends its default STREAMING-UNSIGNED-PAYLOAD-TRAILER
// uploads with a CRC32 trailer: the gateway verifies the trailer, frames
// the data again for the backend with the same checksum, and the backend
// stores it (HeadObject with checksum mode returns it).
func TestS3GatewaySDKOverTLS(t *testing.T) {
	n := startS3Node(t, s3NodeOptions{tls: true})
	if !strings.HasPrefix(n.app.S3URL, "https://") {
		t.Fatalf("gateway URL %s", n.app.S3URL)
	}
	role := n.s3Role("team", map[string]string{"s3": s3TeamPolicy})
	c := n.s3Client(n.s3Session(role, "ci", teamClaims("blue"), ""))
	ctx := context.Background()
	body := bytes.Repeat([]byte("trailer "), 50000) // 400 kB
	put, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("data"), Key: aws.String("blue/tls.bin"),
		Body: bytes.NewReader(body)})
	if err != nil {
		t.Fatalf("put: %v", err)
	}
	if put.ChecksumCRC32 == nil {
		t.Fatal("the SDK sent no CRC32 trailer: this test no longer exercises the trailer path")
	}
	onDisk, err := os.ReadFile(n.backend.Path("data", "blue/tls.bin"))
	if err != nil || !bytes.Equal(onDisk, body) {
		t.Fatalf("backend holds %d bytes (%v)", len(onDisk), err)
	}
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("data"), Key: aws.String("blue/tls.bin"),
		ChecksumMode: "ENABLED"})
	if err != nil {
		t.Fatalf("head: %v", err)
	}
	if head.ChecksumCRC32 == nil || *head.ChecksumCRC32 != *put.ChecksumCRC32 {
		t.Fatalf("backend checksum %v, client's %v", head.ChecksumCRC32, *put.ChecksumCRC32)
	}
}
