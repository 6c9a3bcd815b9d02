package e2e

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// vhostClient is an HTTP client whose every connection goes to the
// gateway's address, whatever host name the request names: what DNS for
// *.s3.local pointing at the gateway would do.
func (n *s3Node) vhostClient() *http.Client {
	addr := strings.TrimPrefix(n.app.S3URL, "http://")
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	return &http.Client{Transport: tr, Timeout: time.Minute}
}

// hostRecorder records the Host of each request it sends.
type hostRecorder struct {
	next  http.RoundTripper
	hosts []string
}

func (h *hostRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	h.hosts = append(h.hosts, host)
	return h.next.RoundTrip(r)
}

// Virtual-hosted style: with s3.domain "s3.local" the SDK, not using path
// style, names the bucket in the Host ("data.s3.local:PORT"). Puts, gets,
// lists, deletes and presigned URLs work; the key is the whole path (a
// path naming another bucket is a key of the Host's bucket); the policy
// sees the Host's bucket; a Host whose bucket part is not a valid bucket
// name is InvalidBucketName; path style still works on the same node.
func TestS3GatewayVirtualHosted(t *testing.T) {
	n := startS3Node(t, s3NodeOptions{domain: "s3.local"})
	n.backend.CreateBucket(t, "other")
	role := n.s3Role("team", map[string]string{"s3": s3TeamPolicy})
	creds := n.s3Session(role, "vh", teamClaims("blue"), "")
	port := n.app.S3URL[strings.LastIndexByte(n.app.S3URL, ':')+1:]
	hc := n.vhostClient()
	rec := &hostRecorder{next: hc.Transport}
	c := n.s3Client(creds, func(o *s3.Options) {
		o.UsePathStyle = false
		o.BaseEndpoint = aws.String("http://s3.local:" + port)
		o.HTTPClient = &http.Client{Transport: rec, Timeout: time.Minute}
	})
	ctx := context.Background()
	body := bytes.Repeat([]byte("virtual "), 4096)

	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("data"), Key: aws.String("blue/v.txt"), Body: bytes.NewReader(body)}); err != nil {
		t.Fatalf("put: %v", err)
	}
	if len(rec.hosts) != 1 || rec.hosts[0] != "data.s3.local:"+port {
		t.Fatalf("the SDK sent Host %v: the test no longer exercises virtual-hosted style", rec.hosts)
	}
	if got, err := os.ReadFile(n.backend.Path("data", "blue/v.txt")); err != nil || !bytes.Equal(got, body) {
		t.Fatalf("backend holds %d bytes (%v)", len(got), err)
	}
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("data"), Key: aws.String("blue/v.txt")})
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	got, _ := io.ReadAll(out.Body)
	out.Body.Close()
	if !bytes.Equal(got, body) {
		t.Fatalf("get: %d bytes", len(got))
	}
	list, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("data"), Prefix: aws.String("blue/")})
	if err != nil || len(list.Contents) != 1 || *list.Contents[0].Key != "blue/v.txt" {
		t.Fatalf("list: %v %+v", err, list)
	}
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("data"), Key: aws.String("red/v.txt"), Body: strings.NewReader("x")})
	wantS3Error(t, err, "AccessDenied", http.StatusForbidden, "User: arn:aws:sts::"+account+
		":assumed-role/team/vh is not authorized to perform: s3:PutObject on resource: \"arn:aws:s3:::data/red/v.txt\" because no identity-based policy allows the s3:PutObject action")

	// Presigned in virtual-hosted style, fetched with plain net/http.
	ps, err := s3.NewPresignClient(c).PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("data"), Key: aws.String("blue/v.txt")},
		s3.WithPresignExpires(5*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(ps.URL, "http://data.s3.local:"+port+"/blue/v.txt?") {
		t.Fatalf("presigned URL %s", redactQuery(ps.URL))
	}
	resp, err := hc.Get(ps.URL)
	if err != nil {
		t.Fatal(err)
	}
	got, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Equal(got, body) {
		t.Fatalf("presigned GET: %d, %d bytes", resp.StatusCode, len(got))
	}

	if _, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("data"), Delete: &s3types.Delete{
		Objects: []s3types.ObjectIdentifier{{Key: aws.String("blue/v.txt")}}}}); err != nil {
		t.Fatalf("delete-objects: %v", err)
	}

	// Raw requests, signed as the SDK signs them, with the Host chosen.
	signed := func(method, host, path string, body []byte) *http.Request {
		req, err := http.NewRequest(method, "http://"+host+path, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
		if err := v4.NewSigner().SignHTTP(ctx, creds, req, "UNSIGNED-PAYLOAD", "s3", "us-east-1", time.Now(),
			func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }); err != nil {
			t.Fatal(err)
		}
		return req
	}
	send := func(req *http.Request) (int, string) {
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	// In virtual-hosted style the whole path is the key: "/other/blue/x"
	// on data.s3.local is the key "other/blue/x" of the bucket data, which
	// the role may not write; it is never the bucket "other".
	status, text := send(signed("PUT", "data.s3.local:"+port, "/other/blue/x", []byte("x")))
	if status != http.StatusForbidden || !strings.Contains(text, "<Message>User: arn:aws:sts::"+account+
		":assumed-role/team/vh is not authorized to perform: s3:PutObject on resource: &#34;arn:aws:s3:::data/other/blue/x&#34;") {
		t.Fatalf("path naming another bucket: %d %s", status, text)
	}
	if _, err := os.Stat(n.backend.Path("other", "blue/x")); !os.IsNotExist(err) {
		t.Fatalf("written to the other bucket: %v", err)
	}
	// Host names that are not valid buckets.
	for _, host := range []string{"Data.s3.local", "da_ta.s3.local", "ab.s3.local", "192.168.5.4.s3.local", "a..b.s3.local"} {
		status, text := send(signed("GET", host+":"+port, "/blue/v.txt", nil))
		if status != http.StatusBadRequest || !strings.Contains(text, "<Code>InvalidBucketName</Code><Message>The specified bucket is not valid.</Message>") {
			t.Fatalf("Host %s: %d %s", host, status, text)
		}
	}
	// Path style on the same node: the domain itself, and an address.
	for _, host := range []string{"s3.local:" + port, strings.TrimPrefix(n.app.S3URL, "http://")} {
		status, text := send(signed("PUT", host, "/data/blue/path-style", []byte("p")))
		if status != http.StatusOK {
			t.Fatalf("path style on %s: %d %s", host, status, text)
		}
	}
	if got, err := os.ReadFile(n.backend.Path("data", "blue/path-style")); err != nil || string(got) != "p" {
		t.Fatalf("path-style put: %q %v", got, err)
	}
}
