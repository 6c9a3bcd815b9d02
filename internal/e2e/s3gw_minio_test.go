package e2e

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/minio/minio-go/v7"
	miniocreds "github.com/minio/minio-go/v7/pkg/credentials"
)

// minioClient is a minio-go client for endpoint (scheme://host:port) with
// a session's keys, path style, region us-east-1 (no location lookup),
// retries off.
func minioClient(t *testing.T, endpoint string, c aws.Credentials, tr http.RoundTripper, trailing bool) *minio.Client {
	t.Helper()
	secure := strings.HasPrefix(endpoint, "https://")
	host := strings.TrimPrefix(strings.TrimPrefix(endpoint, "https://"), "http://")
	mc, err := minio.New(host, &minio.Options{
		Creds:  miniocreds.NewStaticV4(c.AccessKeyID, c.SecretAccessKey, c.SessionToken),
		Secure: secure, Region: "us-east-1", BucketLookup: minio.BucketLookupPath, MaxRetries: 1,
		Transport: tr, TrailingHeaders: trailing,
	})
	if err != nil {
		t.Fatal(err)
	}
	return mc
}

// minio-go with a web-identity session through the gateway, in its
// default modes: PutObject (a single PUT and a multipart upload), GetObject,
// ListObjects, RemoveObjects with allowed and denied keys (per-key
// AccessDenied, denied keys stay), PresignedGetObject fetched with plain
// net/http, and a denied PutObject. Run over plain HTTP (where minio-go
// chunk-signs uploads), with trailing headers on (signed chunks with a
// signed checksum trailer), and over HTTPS.
func TestS3GatewayMinioGo(t *testing.T) {
	for _, tc := range []struct {
		name     string
		tls      bool
		trailing bool
		putMode  string // the payload mode of a single PUT
		partMode string // and of UploadPart
	}{
		{"http", false, false, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"},
		// minio-go adds its CRC32C trailer to parts only, ending it with
		// LF CRLF (see sigv4.TestChunkedMinioGoTrailerFraming).
		{"http trailing headers", false, true, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
			"STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER (x-amz-checksum-crc32c)"},
		{"https", true, false, "UNSIGNED-PAYLOAD", "UNSIGNED-PAYLOAD"},
		{"https trailing headers", true, true, "UNSIGNED-PAYLOAD", "STREAMING-UNSIGNED-PAYLOAD-TRAILER (x-amz-checksum-crc32c)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := startS3Node(t, s3NodeOptions{tls: tc.tls})
			role := n.s3Role("mc", map[string]string{"s3": s3CLIPolicy})
			creds := n.s3Session(role, "minio", nil, "")
			var relay *payloadSniffer
			tr := http.DefaultTransport.(*http.Transport).Clone()
			if tc.tls {
				var ca string
				relay, ca = sniffTLS(t, strings.TrimPrefix(n.app.S3URL, "https://"), n.roots)
				tr.TLSClientConfig = &tls.Config{RootCAs: certPoolFromFile(t, ca), MinVersion: tls.VersionTLS12}
			} else {
				relay = sniff(t, strings.TrimPrefix(n.app.S3URL, "http://"))
			}
			mc := minioClient(t, relay.url(), creds, tr, tc.trailing)
			testMinioGo(t, n, mc, tr, tc.putMode, tc.partMode, relay)
		})
	}
}

func testMinioGo(t *testing.T, n *s3Node, mc *minio.Client, tr http.RoundTripper, putMode, partMode string, relay *payloadSniffer) {
	ctx := context.Background()
	sessionARN := "arn:aws:sts::" + account + ":assumed-role/mc/minio"
	small := bytes.Repeat([]byte("minio-go "), 20000) // 180 kB: several 64 KiB chunks
	if _, err := mc.PutObject(ctx, "data", "blue/small.bin", bytes.NewReader(small), int64(len(small)), minio.PutObjectOptions{}); err != nil {
		t.Fatalf("PutObject: %v", err)
	}
	big := patterned(11<<20 + 7) // 5 MiB parts: a three-part upload
	if _, err := mc.PutObject(ctx, "data", "blue/big.bin", bytes.NewReader(big), int64(len(big)),
		minio.PutObjectOptions{PartSize: 5 << 20}); err != nil {
		t.Fatalf("multipart PutObject: %v", err)
	}
	for key, want := range map[string][]byte{"blue/small.bin": small, "blue/big.bin": big} {
		if got, err := os.ReadFile(n.backend.Path("data", key)); err != nil || !bytes.Equal(got, want) {
			t.Fatalf("backend holds %d bytes of %s (%v), want %d", len(got), key, err, len(want))
		}
	}
	up := relay.take()
	t.Logf("minio-go PutObject: %s", strings.Join(modes(up), "; "))
	wantMode(t, up, "PUT", "", putMode)
	wantMode(t, up, "PUT", "partNumber&uploadId", partMode)

	obj, err := mc.GetObject(ctx, "data", "blue/big.bin", minio.GetObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(obj)
	obj.Close()
	if err != nil || !bytes.Equal(got, big) {
		t.Fatalf("GetObject: %d bytes (%v), want %d", len(got), err, len(big))
	}

	var keys []string
	for o := range mc.ListObjects(ctx, "data", minio.ListObjectsOptions{Prefix: "blue/", Recursive: true}) {
		if o.Err != nil {
			t.Fatalf("ListObjects: %v", o.Err)
		}
		keys = append(keys, o.Key)
	}
	if strings.Join(keys, ",") != "blue/big.bin,blue/small.bin" {
		t.Fatalf("ListObjects: %v", keys)
	}
	for o := range mc.ListObjects(ctx, "data", minio.ListObjectsOptions{Prefix: "red/", Recursive: true}) {
		wantMinioError(t, o.Err, "AccessDenied", http.StatusForbidden, "User: "+sessionARN+
			" is not authorized to perform: s3:ListBucket on resource: \"arn:aws:s3:::data\" because no identity-based policy allows the s3:ListBucket action")
	}

	// PresignedGetObject, fetched by a client that knows nothing of S3.
	u, err := mc.PresignedGetObject(ctx, "data", "blue/small.bin", 5*time.Minute, nil)
	if err != nil {
		t.Fatal(err)
	}
	plain := &http.Client{Transport: tr, Timeout: time.Minute}
	resp, err := plain.Get(u.String())
	if err != nil {
		t.Fatal(err)
	}
	got, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Equal(got, small) {
		t.Fatalf("presigned GET: %d, %d bytes", resp.StatusCode, len(got))
	}
	// PresignedPutObject, the upload sent by plain net/http.
	for _, key := range []string{"blue/presigned-put", "red/presigned-put"} {
		u, err := mc.PresignedPutObject(ctx, "data", key, 5*time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest(http.MethodPut, u.String(), bytes.NewReader(small))
		resp, err := plain.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		answer, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		_, statErr := os.Stat(n.backend.Path("data", key))
		if key == "blue/presigned-put" {
			if got, err := os.ReadFile(n.backend.Path("data", key)); resp.StatusCode != http.StatusOK || err != nil || !bytes.Equal(got, small) {
				t.Fatalf("presigned PUT: %d %s, backend %d bytes (%v)", resp.StatusCode, answer, len(got), err)
			}
		} else {
			wantXML(t, resp.StatusCode, string(answer), http.StatusForbidden, "AccessDenied", "User: "+sessionARN+
				" is not authorized to perform: s3:PutObject on resource: \"arn:aws:s3:::data/red/presigned-put\" because no identity-based policy allows the s3:PutObject action")
			if !os.IsNotExist(statErr) {
				t.Fatalf("a denied presigned PUT reached the backend: %v", statErr)
			}
		}
	}
	t.Logf("minio-go Get/List/Presigned: %s", strings.Join(modes(relay.take()), "; "))

	// RemoveObjects: minio-go sends Quiet deletes; the denied keys come
	// back as per-key AccessDenied and stay on the backend.
	for _, k := range []string{"red/1", "red/2"} {
		n.backend.PutObject(t, "data", k, []byte(k))
	}
	objs := make(chan minio.ObjectInfo, 4)
	for _, k := range []string{"blue/small.bin", "red/1", "blue/big.bin", "red/2"} {
		objs <- minio.ObjectInfo{Key: k}
	}
	close(objs)
	var denied []string
	for e := range mc.RemoveObjects(ctx, "data", objs, minio.RemoveObjectsOptions{}) {
		wantMinioError(t, e.Err, "AccessDenied", 0, "Access Denied")
		denied = append(denied, e.ObjectName)
	}
	sort.Strings(denied)
	if strings.Join(denied, ",") != "red/1,red/2" {
		t.Fatalf("RemoveObjects denied %v", denied)
	}
	for k, want := range map[string]bool{"blue/small.bin": false, "blue/big.bin": false, "red/1": true, "red/2": true} {
		if _, err := os.Stat(n.backend.Path("data", k)); (err == nil) != want {
			t.Errorf("%s on the backend: %v, want present %t", k, err, want)
		}
	}
	t.Logf("minio-go RemoveObjects: %s", strings.Join(modes(relay.take()), "; "))

	_, err = mc.PutObject(ctx, "data", "red/x", strings.NewReader("no"), 2, minio.PutObjectOptions{})
	wantMinioError(t, err, "AccessDenied", http.StatusForbidden, "User: "+sessionARN+
		" is not authorized to perform: s3:PutObject on resource: \"arn:aws:s3:::data/red/x\" because no identity-based policy allows the s3:PutObject action")
	if _, err := os.Stat(n.backend.Path("data", "red/x")); !os.IsNotExist(err) {
		t.Fatalf("a denied put reached the backend: %v", err)
	}
	relay.take()
}

// wantMinioError asserts minio-go's error response: code, HTTP status (0:
// not checked, a per-key DeleteObjects error has none) and message.
func wantMinioError(t *testing.T, err error, code string, status int, message string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %s", code)
	}
	er := minio.ToErrorResponse(err)
	if er.Code != code || (status != 0 && er.StatusCode != status) || er.Message != message {
		t.Fatalf("want %s %d %q, got %s %d %q", code, status, message, er.Code, er.StatusCode, er.Message)
	}
}

// certPoolFromFile is a pool trusting the PEM certificate in file.
func certPoolFromFile(t *testing.T, file string) *x509.CertPool {
	t.Helper()
	pem, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatalf("no certificate in %s", file)
	}
	return pool
}
