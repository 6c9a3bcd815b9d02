package e2e

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// s3CopyPolicy reads data/src/* (and its versions under src/versioned/),
// writes data/dst/*, and reads the other bucket's objects.
const s3CopyPolicy = `{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::data/src/*","arn:aws:s3:::other/*"]},
 {"Effect":"Allow","Action":"s3:GetObjectVersion","Resource":"arn:aws:s3:::data/src/versioned/*"},
 {"Effect":"Allow","Action":["s3:PutObject","s3:AbortMultipartUpload"],"Resource":"arn:aws:s3:::data/dst/*"}]}`

// CopyObject and UploadPartCopy need s3:GetObject on the source
// (s3:GetObjectVersion when it names a version) and s3:PutObject on the
// destination: each missing one is AccessDenied naming it, and nothing is
// written. A source bucket whose policy denies the caller refuses the copy
// although the identity policy allows the read.
func TestS3GatewayCopy(t *testing.T) {
	n := startS3Node(t, s3NodeOptions{})
	n.backend.CreateBucket(t, "other")
	src := patterned(6 << 20) // over 5 MiB: a part of its own
	n.backend.PutObject(t, "data", "src/a", src)
	n.backend.PutObject(t, "data", "secret/a", []byte("secret"))
	n.backend.PutObject(t, "other", "a", []byte("other bucket"))
	role := n.s3Role("copier", map[string]string{"s3": s3CopyPolicy})
	c := n.s3Client(n.s3Session(role, "cp", nil, ""))
	ctx := context.Background()
	user := "User: arn:aws:sts::" + account + ":assumed-role/copier/cp is not authorized to perform: "
	onDisk := func(bucket, key string, want []byte) {
		t.Helper()
		got, err := os.ReadFile(n.backend.Path(bucket, key))
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("backend holds %d bytes of %s/%s (%v), want %d", len(got), bucket, key, err, len(want))
		}
	}
	absent := func(bucket, key string) {
		t.Helper()
		if _, err := os.Stat(n.backend.Path(bucket, key)); !os.IsNotExist(err) {
			t.Fatalf("%s/%s is on the backend (%v)", bucket, key, err)
		}
	}
	copyObject := func(source, dst string) error {
		_, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("data"), Key: aws.String(dst), CopySource: aws.String(source)})
		return err
	}

	t.Run("CopyObject", func(t *testing.T) {
		if err := copyObject("data/src/a", "dst/a"); err != nil {
			t.Fatalf("allowed copy: %v", err)
		}
		onDisk("data", "dst/a", src)
		if err := copyObject("other/a", "dst/from-other"); err != nil {
			t.Fatalf("copy across buckets: %v", err)
		}
		onDisk("data", "dst/from-other", []byte("other bucket"))
		// A source key with a space and a plus, URL-encoded as S3 wants:
		// the literal key is authorized and copied ("+" is not a space).
		n.backend.PutObject(t, "data", "src/a b+c", []byte("plus"))
		n.backend.PutObject(t, "data", "src/a b c", []byte("spaces"))
		if err := copyObject("data/src/a%20b%2Bc", "dst/plus"); err != nil {
			t.Fatalf("copy of an encoded key: %v", err)
		}
		onDisk("data", "dst/plus", []byte("plus"))

		// No s3:GetObject on the source.
		wantS3Error(t, copyObject("data/secret/a", "dst/b"), "AccessDenied", http.StatusForbidden,
			user+`s3:GetObject on resource: "arn:aws:s3:::data/secret/a" because no identity-based policy allows the s3:GetObject action`)
		absent("data", "dst/b")
		// No s3:PutObject on the destination.
		wantS3Error(t, copyObject("data/src/a", "elsewhere/a"), "AccessDenied", http.StatusForbidden,
			user+`s3:PutObject on resource: "arn:aws:s3:::data/elsewhere/a" because no identity-based policy allows the s3:PutObject action`)
		absent("data", "elsewhere/a")
		// A version of the source needs s3:GetObjectVersion, which
		// s3:GetObject does not give.
		wantS3Error(t, copyObject("data/src/a?versionId=v1", "dst/c"), "AccessDenied", http.StatusForbidden,
			user+`s3:GetObjectVersion on resource: "arn:aws:s3:::data/src/a" because no identity-based policy allows the s3:GetObjectVersion action`)
		absent("data", "dst/c")
		// With s3:GetObjectVersion the request reaches the backend, whose
		// bucket has no versioning: its answer passes through.
		n.backend.PutObject(t, "data", "src/versioned/a", []byte("v"))
		err := copyObject("data/src/versioned/a?versionId=v1", "dst/d")
		if err == nil {
			t.Fatal("a copy of a version the backend does not have succeeded")
		}
		// versitygw's answer, passed through.
		wantS3Error(t, err, "InvalidArgument", http.StatusBadRequest, "Invalid version id specified")
		absent("data", "dst/d")
	})

	t.Run("UploadPartCopy", func(t *testing.T) {
		up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("data"), Key: aws.String("dst/mp")})
		if err != nil {
			t.Fatal(err)
		}
		part := func(n int32, source, rng string) (*s3.UploadPartCopyOutput, error) {
			in := &s3.UploadPartCopyInput{Bucket: aws.String("data"), Key: aws.String("dst/mp"), UploadId: up.UploadId,
				PartNumber: aws.Int32(n), CopySource: aws.String(source)}
			if rng != "" {
				in.CopySourceRange = aws.String(rng)
			}
			return c.UploadPartCopy(ctx, in)
		}
		p1, err := part(1, "data/src/a", "bytes=0-5242879")
		if err != nil {
			t.Fatalf("allowed part copy: %v", err)
		}
		p2, err := part(2, "other/a", "")
		if err != nil {
			t.Fatalf("allowed part copy from the other bucket: %v", err)
		}
		_, err = part(3, "data/secret/a", "")
		wantS3Error(t, err, "AccessDenied", http.StatusForbidden,
			user+`s3:GetObject on resource: "arn:aws:s3:::data/secret/a" because no identity-based policy allows the s3:GetObject action`)
		_, err = part(3, "data/src/a?versionId=v1", "")
		wantS3Error(t, err, "AccessDenied", http.StatusForbidden,
			user+`s3:GetObjectVersion on resource: "arn:aws:s3:::data/src/a" because no identity-based policy allows the s3:GetObjectVersion action`)
		if _, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("data"), Key: aws.String("dst/mp"),
			UploadId: up.UploadId, MultipartUpload: &s3types.CompletedMultipartUpload{Parts: []s3types.CompletedPart{
				{PartNumber: aws.Int32(1), ETag: p1.CopyPartResult.ETag}, {PartNumber: aws.Int32(2), ETag: p2.CopyPartResult.ETag},
			}}}); err != nil {
			t.Fatalf("complete: %v", err)
		}
		onDisk("data", "dst/mp", append(append([]byte(nil), src[:5<<20]...), "other bucket"...))

		// A destination the role may not write.
		_, err = c.UploadPartCopy(ctx, &s3.UploadPartCopyInput{Bucket: aws.String("data"), Key: aws.String("elsewhere/mp"),
			UploadId: aws.String("not-checked-before-authorization"), PartNumber: aws.Int32(1), CopySource: aws.String("data/src/a")})
		wantS3Error(t, err, "AccessDenied", http.StatusForbidden,
			user+`s3:PutObject on resource: "arn:aws:s3:::data/elsewhere/mp" because no identity-based policy allows the s3:PutObject action`)
	})

	t.Run("source bucket policy denies", func(t *testing.T) {
		deny := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"` + role + `"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::other/*"}]}`
		if _, err := n.rootS3().PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("other"), Policy: aws.String(deny)}); err != nil {
			t.Fatal(err)
		}
		msg := user + `s3:GetObject on resource: "arn:aws:s3:::other/a" with an explicit deny in a resource-based policy`
		wantS3Error(t, copyObject("other/a", "dst/denied"), "AccessDenied", http.StatusForbidden, msg)
		absent("data", "dst/denied")
		up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("data"), Key: aws.String("dst/mp2")})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.UploadPartCopy(ctx, &s3.UploadPartCopyInput{Bucket: aws.String("data"), Key: aws.String("dst/mp2"),
			UploadId: up.UploadId, PartNumber: aws.Int32(1), CopySource: aws.String("other/a")})
		wantS3Error(t, err, "AccessDenied", http.StatusForbidden, msg)
		if _, err := c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String("data"), Key: aws.String("dst/mp2"), UploadId: up.UploadId}); err != nil {
			t.Fatal(err)
		}
		// Copies from a bucket without that policy still work.
		if err := copyObject("data/src/a", "dst/still"); err != nil {
			t.Fatalf("a copy from the other source: %v", err)
		}
	})
}
