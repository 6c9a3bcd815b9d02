package e2e

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// s3HostilePolicy lets the role use data/blue/*, except blue/secret/*.
const s3HostilePolicy = `{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":["s3:GetObject","s3:PutObject","s3:DeleteObject"],"Resource":"arn:aws:s3:::data/blue/*"},
 {"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::data/blue/secret/*"}]}`

// rawS3 sends hand-framed requests to the gateway's listener.
type rawS3 struct {
	t     *testing.T
	n     *s3Node
	creds aws.Credentials
}

// sign returns a request for target (path and query as sent), signed as
// the SDK signs S3 requests (the path as written, never normalized) with
// payload as x-amz-content-sha256.
func (r rawS3) sign(method, target, payload string) *http.Request {
	r.t.Helper()
	req, err := http.NewRequest(method, r.n.app.S3URL+target, nil)
	if err != nil {
		r.t.Fatal(err)
	}
	req.Header.Set("X-Amz-Content-Sha256", payload)
	if err := v4.NewSigner().SignHTTP(context.Background(), r.creds, req, payload, "s3", "us-east-1", time.Now(),
		func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }); err != nil {
		r.t.Fatal(err)
	}
	return req
}

// send writes req's request line and headers (plus Content-Length when
// length >= 0 and extra header lines), then body, half-closes the
// connection when closeWrite, and reads the answer. Status 0 means the
// gateway closed the connection without answering.
func (r rawS3) send(req *http.Request, length int64, extra string, body []byte, closeWrite bool) (int, string) {
	r.t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(r.n.app.S3URL, "http://"))
	if err != nil {
		r.t.Fatal(err)
	}
	defer conn.Close()
	var head strings.Builder
	head.WriteString(req.Method + " " + req.URL.RequestURI() + " HTTP/1.1\r\nHost: " + req.Host + "\r\n")
	for k, vs := range req.Header {
		for _, v := range vs {
			head.WriteString(k + ": " + v + "\r\n")
		}
	}
	if length >= 0 {
		fmt.Fprintf(&head, "Content-Length: %d\r\n", length)
	}
	head.WriteString(extra + "\r\n")
	go func() {
		// Written concurrently: the gateway may answer before reading it all.
		_, _ = conn.Write([]byte(head.String()))
		_, _ = conn.Write(body)
		if closeWrite {
			_ = conn.(*net.TCPConn).CloseWrite()
		}
	}()
	_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// wantXML asserts an S3 error answer's status, code and message (given
// unescaped).
func wantXML(t *testing.T, status int, body string, wantStatus int, code, message string) {
	t.Helper()
	var escaped strings.Builder
	_ = xml.EscapeText(&escaped, []byte(message))
	if status != wantStatus || !strings.Contains(body, "<Code>"+code+"</Code><Message>"+escaped.String()+"</Message>") {
		t.Fatalf("got %d %s, want %d %s %q", status, body, wantStatus, code, message)
	}
}

// Hostile requests through the real listener, each answered with S3's
// code, status and message (ours where S3 documents none), and none of
// them writing to, or deleting from, the backend.
func TestS3GatewayHostileInputs(t *testing.T) {
	n := startS3Node(t, s3NodeOptions{})
	role := n.s3Role("hostile", map[string]string{"s3": s3HostilePolicy})
	creds := n.s3Session(role, "hostile", nil, "")
	raw := rawS3{t: t, n: n, creds: creds}
	ctx := context.Background()
	c := n.s3Client(creds)
	user := "User: arn:aws:sts::" + account + ":assumed-role/hostile/hostile is not authorized to perform: "
	absent := func(bucket, key string) {
		t.Helper()
		if _, err := os.Stat(n.backend.Path(bucket, key)); !os.IsNotExist(err) {
			t.Fatalf("%s/%s is on the backend (%v)", bucket, key, err)
		}
	}
	present := func(bucket, key string) {
		t.Helper()
		if _, ok := n.backend.GetObject(t, bucket, key); !ok {
			t.Fatalf("%s/%s is gone from the backend", bucket, key)
		}
	}
	const incomplete = "You did not provide the number of bytes specified by the Content-Length HTTP header."

	t.Run("body shorter than Content-Length", func(t *testing.T) {
		full := bytes.Repeat([]byte("s"), 64<<10)
		sum := sha256.Sum256(full)
		for i := range 5 {
			for _, payload := range []string{"UNSIGNED-PAYLOAD", hex.EncodeToString(sum[:])} {
				key := "blue/short-" + strconv.Itoa(i) + "-" + payload[:4]
				status, body := raw.send(raw.sign("PUT", "/data/"+key, payload), int64(len(full)), "", full[:len(full)/2], true)
				wantXML(t, status, body, http.StatusBadRequest, "IncompleteBody", incomplete)
				absent("data", key)
			}
		}
	})

	t.Run("body other than its x-amz-content-sha256", func(t *testing.T) {
		// The gateway forwards the client's hex digest and the backend
		// checks the body against it: versitygw's answer, passed through.
		status, body := raw.send(raw.sign("PUT", "/data/blue/tampered", sha256Hex("signed body")), 11, "", []byte("other body!"), false)
		wantXML(t, status, body, http.StatusBadRequest, "XAmzContentSHA256Mismatch",
			"The provided 'x-amz-content-sha256' header does not match what was computed.")
		absent("data", "blue/tampered")
	})

	t.Run("PUT without Content-Length", func(t *testing.T) {
		status, body := raw.send(raw.sign("PUT", "/data/blue/nolength", "UNSIGNED-PAYLOAD"), -1,
			"Transfer-Encoding: chunked\r\n", []byte("5\r\nhello\r\n0\r\n\r\n"), false)
		wantXML(t, status, body, http.StatusLengthRequired, "MissingContentLength", "You must provide the Content-Length HTTP header.")
		absent("data", "blue/nolength")
	})

	t.Run("duplicate authentication headers", func(t *testing.T) {
		for _, tc := range []struct{ header, code, message string }{
			// Our messages: S3 documents none for a repeated header.
			{"X-Amz-Date", "AuthorizationHeaderMalformed", "The authorization header is malformed; The request contains more than one X-Amz-Date header."},
			{"Authorization", "AuthorizationHeaderMalformed", "The authorization header is malformed; The request contains more than one Authorization header."},
			{"X-Amz-Content-Sha256", "InvalidArgument", `Header "x-amz-content-sha256" is repeated.`},
		} {
			for _, same := range []bool{true, false} {
				req := raw.sign("PUT", "/data/blue/dup", "UNSIGNED-PAYLOAD")
				v := req.Header.Get(tc.header)
				if !same {
					v = map[string]string{"X-Amz-Date": "20200101T000000Z", "Authorization": strings.Replace(v, "Signature=", "Signature=0", 1),
						"X-Amz-Content-Sha256": sha256Hex("x")}[tc.header]
				}
				req.Header.Add(tc.header, v)
				status, body := raw.send(req, 1, "", []byte("x"), false)
				wantXML(t, status, body, http.StatusBadRequest, tc.code, tc.message)
				absent("data", "blue/dup")
			}
		}
	})

	t.Run("encoded slashes and dot segments", func(t *testing.T) {
		n.backend.PutObject(t, "data", "red/secret", []byte("red"))
		n.backend.CreateBucket(t, "other")
		for _, tc := range []struct {
			name, target, written, code, message string
			status                               int
		}{
			// The literal key is checked: "red/../blue/x" is not under blue/.
			{"literal key outside the prefix", "/data/red/../blue/x", "blue/x", "AccessDenied",
				user + `s3:PutObject on resource: "arn:aws:s3:::data/red/../blue/x" because no identity-based policy allows the s3:PutObject action`, 403},
			// And the key as the backend resolves it: "blue/../red/x" is red/x.
			{"resolved key outside the prefix", "/data/blue/../red/x", "red/x", "AccessDenied",
				user + `s3:PutObject on resource: "arn:aws:s3:::data/red/x" because no identity-based policy allows the s3:PutObject action`, 403},
			{"encoded slashes", "/data/blue%2F..%2Fred%2Fz", "red/z", "AccessDenied",
				user + `s3:PutObject on resource: "arn:aws:s3:::data/red/z" because no identity-based policy allows the s3:PutObject action`, 403},
			{"dot segment past a deny", "/data/blue/./secret/x", "blue/secret/x", "AccessDenied",
				user + `s3:PutObject on resource: "arn:aws:s3:::data/blue/secret/x" with an explicit deny in an identity-based policy`, 403},
			{"empty segment past a deny", "/data/blue//secret/y", "blue/secret/y", "AccessDenied",
				user + `s3:PutObject on resource: "arn:aws:s3:::data/blue/secret/y" with an explicit deny in an identity-based policy`, 403},
			{"into another bucket", "/data/blue/../../other/y", "", "AccessDenied",
				user + `s3:PutObject on resource: "arn:aws:s3:::other/y" because no identity-based policy allows the s3:PutObject action`, 403},
			{"above every bucket", "/data/blue/../../../y", "", "InvalidArgument", "The object key resolves to a path outside its bucket.", 400},
			{"encoded slash in the bucket", "/data%2Fblue/x", "", "InvalidBucketName", "The specified bucket is not valid.", 400},
		} {
			t.Run(tc.name, func(t *testing.T) {
				status, body := raw.send(raw.sign("PUT", tc.target, "UNSIGNED-PAYLOAD"), 3, "", []byte("bad"), false)
				wantXML(t, status, body, tc.status, tc.code, tc.message)
				if tc.written != "" {
					absent("data", tc.written)
				}
				absent("other", "y")
			})
		}
		// Both forms allowed: written where the backend resolves it.
		status, body := raw.send(raw.sign("PUT", "/data/blue/a/../b", "UNSIGNED-PAYLOAD"), 2, "", []byte("ok"), false)
		if status != http.StatusOK {
			t.Fatalf("dot segments within the prefix: %d %s", status, body)
		}
		if got, ok := n.backend.GetObject(t, "data", "blue/b"); !ok || string(got) != "ok" {
			t.Fatalf("blue/b: %q %t", got, ok)
		}
		// Reads, copies and deletes the same way.
		status, body = raw.send(raw.sign("GET", "/data/blue/../red/secret", "UNSIGNED-PAYLOAD"), -1, "", nil, false)
		wantXML(t, status, body, http.StatusForbidden, "AccessDenied",
			user+`s3:GetObject on resource: "arn:aws:s3:::data/red/secret" because no identity-based policy allows the s3:GetObject action`)
		_, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("data"), Key: aws.String("blue/copy"),
			CopySource: aws.String("data/blue/../red/secret")})
		wantS3Error(t, err, "AccessDenied", http.StatusForbidden,
			user+`s3:GetObject on resource: "arn:aws:s3:::data/red/secret" because no identity-based policy allows the s3:GetObject action`)
		absent("data", "blue/copy")
		out, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("data"), Delete: &s3types.Delete{
			Objects: []s3types.ObjectIdentifier{{Key: aws.String("blue/../red/secret")}}}})
		if err != nil || len(out.Errors) != 1 || *out.Errors[0].Code != "AccessDenied" || *out.Errors[0].Key != "blue/../red/secret" {
			t.Fatalf("delete-objects: %v %+v", err, out)
		}
		present("data", "red/secret")
	})

	t.Run("DeleteObjects body too large", func(t *testing.T) {
		n.backend.PutObject(t, "data", "blue/keep", []byte("keep"))
		doc := []byte(`<Delete><Object><Key>blue/keep</Key></Object>` + strings.Repeat(" ", 8<<20) + `</Delete>`)
		status, body := raw.send(raw.sign("POST", "/data?delete", "UNSIGNED-PAYLOAD"), int64(len(doc)), "", doc, false)
		wantXML(t, status, body, http.StatusBadRequest, "MaxMessageLengthExceeded", "Your request was too big.")
		present("data", "blue/keep")
	})

	t.Run("DeleteObjects with 1,001 keys", func(t *testing.T) {
		objs := make([]s3types.ObjectIdentifier, 1001)
		for i := range objs {
			objs[i] = s3types.ObjectIdentifier{Key: aws.String("blue/keep")}
		}
		_, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("data"), Delete: &s3types.Delete{Objects: objs}})
		wantS3Error(t, err, "MalformedXML", http.StatusBadRequest,
			"The XML you provided was not well-formed or did not validate against our published schema.")
		present("data", "blue/keep")
	})

	t.Run("PutBucketPolicy over 20 KB", func(t *testing.T) {
		root := n.rootS3()
		var stmts []string
		for i := range 140 {
			stmts = append(stmts, fmt.Sprintf(`{"Sid":"S%03d","Effect":"Allow","Principal":{"AWS":%q},"Action":"s3:GetObject","Resource":"arn:aws:s3:::data/prefix-%03d/*"}`,
				i, role, i))
		}
		policy := `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
		if len(policy) <= 20<<10 {
			t.Fatalf("the policy has %d bytes", len(policy))
		}
		_, err := root.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("data"), Policy: aws.String(policy)})
		wantS3Error(t, err, "MalformedPolicy", http.StatusBadRequest, "Policy exceeds the maximum allowed document size.")
		// Past what the gateway reads at all (1 MiB).
		huge := `{"Version":"2012-10-17","Statement":[` + strings.Repeat(stmts[0]+",", (1<<20)/len(stmts[0])+1) + stmts[0] + `]}`
		_, err = root.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("data"), Policy: aws.String(huge)})
		wantS3Error(t, err, "MalformedPolicy", http.StatusBadRequest, "Policy exceeds the maximum allowed document size.")
		_, err = root.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("data")})
		wantS3Error(t, err, "NoSuchBucketPolicy", http.StatusNotFound, "The bucket policy does not exist")
	})

	// Nothing a hostile request sent reached the backend as an object.
	for _, k := range []string{"blue/dup", "blue/nolength", "red/x", "red/z", "blue/x", "blue/secret/x", "blue/secret/y"} {
		absent("data", k)
	}
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
