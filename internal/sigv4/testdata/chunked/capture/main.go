// Captures the aws-chunked bodies real clients send (aws-sdk-go-v2 service/s3, minio-go).
package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/minio/minio-go/v7"
	mcreds "github.com/minio/minio-go/v7/pkg/credentials"
)

const (
	akid   = "AKIDCHUNKEDTEST00001"
	secret = "chunked/test/secret/key/not/real/0000000"
)

type capture struct {
	Client   string              `json:"client"`
	Note     string              `json:"note"`
	Method   string              `json:"method"`
	URL      string              `json:"url"`
	Host     string              `json:"host"`
	Header   map[string][]string `json:"header"`
	Body     []byte              `json:"body"`
	DataLen  int                 `json:"data_len"`
	DataSeed byte                `json:"data_seed"`
}

var (
	mu   sync.Mutex
	last capture
)

func handler(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	mu.Lock()
	last = capture{Method: r.Method, URL: r.URL.RequestURI(), Host: r.Host, Header: r.Header.Clone(), Body: b}
	mu.Unlock()
	w.Header().Set("ETag", `"d41d8cd98f00b204e9800998ecf8427e"`)
	w.WriteHeader(200)
}

func data(n int, seed byte) []byte {
	d := make([]byte, n)
	x := uint32(seed) + 1
	for i := range d {
		x = x*1664525 + 1013904223
		d[i] = byte(x >> 24)
	}
	return d
}

func main() {
	plain := httptest.NewServer(http.HandlerFunc(handler))
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(handler))
	out := json.NewEncoder(os.Stdout)
	ctx := context.Background()
	insecure := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}

	sizes := []int{1, 20 * 1024}
	algs := []types.ChecksumAlgorithm{types.ChecksumAlgorithmCrc32, types.ChecksumAlgorithmCrc32c, types.ChecksumAlgorithmCrc64nvme, types.ChecksumAlgorithmSha1, types.ChecksumAlgorithmSha256}
	for _, srv := range []struct {
		name string
		url  string
	}{{"https", tlsSrv.URL}} {
		cl := s3.New(s3.Options{
			Region: "us-east-1", BaseEndpoint: aws.String(srv.url), UsePathStyle: true,
			Credentials: credentials.NewStaticCredentialsProvider(akid, secret, "sessiontoken-not-real"),
			HTTPClient:  insecure,
		})
		for _, n := range sizes {
			for i, alg := range algs {
				seed := byte(n%251) + byte(i)
				in := &s3.PutObjectInput{Bucket: aws.String("bucket"), Key: aws.String("key"), Body: io.NopCloser(bytes.NewReader(data(n, seed)))}
				// an io.Reader without Seek/Len forces the SDK to stream (aws-chunked)
				in.Body = struct{ io.Reader }{bytes.NewReader(data(n, seed))}
				in.ContentLength = aws.Int64(int64(n))
				if alg != "" {
					in.ChecksumAlgorithm = alg
				}
				if _, err := cl.PutObject(ctx, in); err != nil {
					fmt.Fprintln(os.Stderr, "sdk", srv.name, n, alg, err)
					continue
				}
				mu.Lock()
				c := last
				mu.Unlock()
				c.Client = "aws-sdk-go-v2/service/s3 v1.115.0"
				c.Note = fmt.Sprintf("PutObject over %s, %d bytes, ChecksumAlgorithm=%q, unseekable body", srv.name, n, alg)
				c.DataLen, c.DataSeed = n, seed
				out.Encode(c)
			}
		}
	}
	// minio-go
	for _, n := range []int{0, 1, 100 * 1024} {
		for i, ck := range []minio.ChecksumType{minio.ChecksumNone} {
			seed := byte(n%251) + 100 + byte(i)
			mc, err := minio.New(strings.TrimPrefix(plain.URL, "http://"), &minio.Options{Creds: mcreds.NewStaticV4(akid, secret, ""), Region: "us-east-1", BucketLookup: minio.BucketLookupPath})
			if err != nil {
				panic(err)
			}
			opts := minio.PutObjectOptions{}
			if ck != minio.ChecksumNone {
				opts.AutoChecksum = ck
				opts.Checksum = ck
			}
			_, err = mc.PutObject(ctx, "bucket", "key", bytes.NewReader(data(n, seed)), int64(n), opts)
			if err != nil {
				fmt.Fprintln(os.Stderr, "minio", n, ck, err)
			}
			mu.Lock()
			c := last
			mu.Unlock()
			c.Client = "minio-go v7.4.1"
			c.Note = fmt.Sprintf("PutObject over http, %d bytes, checksum %v", n, ck)
			c.DataLen, c.DataSeed = n, seed
			out.Encode(c)
		}
	}
}
