package s3backend

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/stsd/stsd/internal/testutil/sdkhttp"
)

// Client returns an aws-sdk-go-v2 S3 client that talks straight to the
// backend with path-style addressing, signing with the root key. Checksums
// are on as config.LoadDefaultConfig turns them on (s3.New alone leaves them
// off): over plain HTTP a PutObject is signed with the payload's hex SHA-256
// and carries x-amz-checksum-crc32. Request bodies are buffered in memory
// (sdkhttp), so it suits setup and checks, not large benchmarks.
func (b *Backend) Client() *s3.Client {
	return s3.New(s3.Options{
		Region:                     b.Region,
		BaseEndpoint:               aws.String(b.URL),
		UsePathStyle:               true,
		Credentials:                credentials.NewStaticCredentialsProvider(b.AccessKeyID, b.SecretAccessKey, ""),
		HTTPClient:                 sdkhttp.Client(30 * time.Second),
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenSupported,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenSupported,
	})
}

// CreateBucket creates bucket name, owned by the root user.
func (b *Backend) CreateBucket(t testing.TB, name string) {
	t.Helper()
	if _, err := b.Client().CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatalf("create bucket %s on versitygw: %v", name, err)
	}
}

// PutObject stores body as bucket/key directly on the backend.
func (b *Backend) PutObject(t testing.TB, bucket, key string, body []byte) {
	t.Helper()
	_, err := b.Client().PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(body),
	})
	if err != nil {
		t.Fatalf("put %s/%s on versitygw: %v", bucket, key, err)
	}
}

// GetObject reads bucket/key directly from the backend; ok is false when
// the backend answers NoSuchKey.
func (b *Backend) GetObject(t testing.TB, bucket, key string) (body []byte, ok bool) {
	t.Helper()
	out, err := b.Client().GetObject(context.Background(), &s3.GetObjectInput{
		Bucket: aws.String(bucket), Key: aws.String(key),
	})
	var nsk *types.NoSuchKey
	if errors.As(err, &nsk) {
		return nil, false
	}
	if err != nil {
		t.Fatalf("get %s/%s from versitygw: %v", bucket, key, err)
	}
	defer out.Body.Close()
	body, err = io.ReadAll(out.Body)
	if err != nil {
		t.Fatalf("read %s/%s from versitygw: %v", bucket, key, err)
	}
	return body, true
}
