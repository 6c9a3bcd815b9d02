package e2e

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/stsd/stsd/internal/sigv4"
)

// chunkSigned builds a STREAMING-AWS4-HMAC-SHA256-PAYLOAD upload of data
// in chunks of size, signed with c at now, as the SigV4 streaming
// specification chains it; corrupt, when >= 0, flips one byte of that
// chunk after it was signed.
func chunkSigned(t *testing.T, url string, c aws.Credentials, now time.Time, data []byte, size, corrupt int) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Amz-Content-Sha256", sigv4.StreamingSignedPayload)
	req.Header.Set("X-Amz-Decoded-Content-Length", strconv.Itoa(len(data)))
	req.Header.Set("Content-Encoding", "aws-chunked")
	if err := v4.NewSigner().SignHTTP(context.Background(), c, req, sigv4.StreamingSignedPayload, "s3", "us-east-1", now,
		func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }); err != nil {
		t.Fatal(err)
	}
	auth := req.Header.Get("Authorization")
	prev := auth[strings.Index(auth, "Signature=")+len("Signature="):]
	amzDate := now.UTC().Format("20060102T150405Z")
	scope := sigv4.Scope{Date: amzDate[:8], Region: "us-east-1", Service: "s3", Terminator: "aws4_request"}
	key := sigv4.SigningKey(c.SecretAccessKey, scope)
	emptyHash := sha256.Sum256(nil)
	var body bytes.Buffer
	chunk := func(i int, d []byte) {
		h := sha256.Sum256(d)
		sts := "AWS4-HMAC-SHA256-PAYLOAD\n" + amzDate + "\n" + scope.String() + "\n" + prev + "\n" +
			hex.EncodeToString(emptyHash[:]) + "\n" + hex.EncodeToString(h[:])
		m := hmac.New(sha256.New, key[:])
		m.Write([]byte(sts))
		prev = hex.EncodeToString(m.Sum(nil))
		if i == corrupt && len(d) > 0 {
			d = append([]byte(nil), d...)
			d[len(d)/2] ^= 1
		}
		body.WriteString(strconv.FormatInt(int64(len(d)), 16) + ";chunk-signature=" + prev + "\r\n")
		body.Write(d)
		body.WriteString("\r\n")
	}
	i := 0
	for off := 0; off < len(data); off += size {
		chunk(i, data[off:min(off+size, len(data))])
		i++
	}
	chunk(i, nil) // the final, empty chunk
	req.Body = io.NopCloser(bytes.NewReader(body.Bytes()))
	req.ContentLength = int64(body.Len())
	return req
}

// Chunk-signed uploads: every chunk is verified before it is forwarded;
// a corrupted chunk ends the upload with SignatureDoesNotMatch and the
// object never appears on the backend.
func TestS3GatewayChunkSigned(t *testing.T) {
	n := startS3Node(t, s3NodeOptions{})
	role := n.s3Role("team", map[string]string{"s3": s3TeamPolicy})
	creds := n.s3Session(role, "ci", teamClaims("blue"), "")
	data := bytes.Repeat([]byte("0123456789abcdef"), 4096) // 64 KiB: four 16 KiB chunks
	url := n.app.S3URL + "/data/blue/chunked.bin"

	resp, err := http.DefaultClient.Do(chunkSigned(t, url, creds, time.Now(), data, 16<<10, -1))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("chunk-signed upload: %d %s", resp.StatusCode, b)
	}
	if onDisk, err := os.ReadFile(n.backend.Path("data", "blue/chunked.bin")); err != nil || !bytes.Equal(onDisk, data) {
		t.Fatalf("backend holds %d bytes (%v)", len(onDisk), err)
	}

	for _, bad := range []int{0, 2, 3} {
		url := n.app.S3URL + "/data/blue/corrupt-" + strconv.Itoa(bad)
		resp, err := http.DefaultClient.Do(chunkSigned(t, url, creds, time.Now(), data, 16<<10, bad))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(b), "<Code>SignatureDoesNotMatch</Code>") ||
			!strings.Contains(string(b), "<Message>The request signature we calculated does not match the signature you provided. Check your key and signing method.</Message>") {
			t.Fatalf("chunk %d corrupted: %d %s", bad, resp.StatusCode, b)
		}
		if _, err := os.Stat(n.backend.Path("data", "blue/corrupt-"+strconv.Itoa(bad))); !os.IsNotExist(err) {
			t.Fatalf("chunk %d corrupted: the object reached the backend (%v)", bad, err)
		}
	}
}
