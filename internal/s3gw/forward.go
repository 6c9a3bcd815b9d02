package s3gw

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/secret"
	"github.com/stsd/stsd/internal/sigv4"
)

// Backend is the S3-compatible store behind the gateway and the key the
// gateway signs with.
type Backend struct {
	// URL is the backend's endpoint (scheme, host, optional base path);
	// requests go to it path style.
	URL             *url.URL
	Region          string
	AccessKeyID     string
	SecretAccessKey secret.String
	// Client sends the requests; it must not follow redirects (the
	// backend's answer goes to the client as it is).
	Client *http.Client

	// key is the derived signing key of the current day (SigV4 keys are
	// per date, region and service): deriving it takes four HMACs, so
	// it is derived once a day, not per request.
	key atomic.Pointer[datedKey]
}

type datedKey struct {
	date string // YYYYMMDD (UTC)
	key  [32]byte
}

// sign signs req for the backend with its key at the wall clock.
func (b *Backend) sign(req *http.Request, payloadHash string) error {
	// The backend checks the signing time against its own clock: sign with
	// the wall clock, never the gateway's (a test clock may be anywhere).
	now := time.Now().UTC()
	scope := sigv4.ScopeFor(now, b.Region, "s3")
	k := b.key.Load()
	if k == nil || k.date != scope.Date {
		k = &datedKey{date: scope.Date, key: sigv4.SigningKey(b.SecretAccessKey.Reveal(), scope)}
		b.key.Store(k)
	}
	return sigv4.SignS3(req, b.AccessKeyID, &k.key, b.Region, now, payloadHash)
}

// NewBackendClient is the HTTP client the gateway uses by default: no
// overall timeout (objects are large), bounded connection set-up, and
// redirects returned to the caller instead of followed.
//
// Its connections close with a reset (SO_LINGER 0), not an orderly FIN:
// when a client's body fails mid-upload the transport abandons the
// connection, and a backend must see that as an error. Some backends take
// a FIN part-way through a Content-Length body as the body's end and keep
// the truncated object (versitygw v1.8.0 did, about one upload in forty);
// a reset is never mistaken for a complete request.
func NewBackendClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	dialer := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	t.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dialer.DialContext(ctx, network, addr)
		if tcp, ok := c.(*net.TCPConn); ok {
			_ = tcp.SetLinger(0)
		}
		return c, err
	}
	t.ResponseHeaderTimeout = 5 * time.Minute
	t.MaxIdleConnsPerHost = 64
	return &http.Client{
		Transport:     t,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// hopByHop are the headers of one connection (RFC 9110 §7.6.1), never
// forwarded either way.
var hopByHop = []string{"Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate",
	"Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade"}

// clientAuthHeaders are the client's authentication, replaced by the
// gateway's own signature for the backend.
var clientAuthHeaders = []string{"Authorization", "X-Amz-Date", "X-Amz-Security-Token", "X-Amz-Content-Sha256",
	"X-Amz-Decoded-Content-Length", "X-Amz-Trailer", "Expect", "Content-Length"}

// notForwarded holds the hop-by-hop and client authentication headers by
// their canonical names, the form net/http gives every request header.
var notForwarded = func() map[string]bool {
	m := map[string]bool{}
	for _, name := range append(append([]string(nil), hopByHop...), clientAuthHeaders...) {
		m[http.CanonicalHeaderKey(name)] = true
	}
	return m
}()

// isClientAuthHeader reports whether name is one of clientAuthHeaders,
// so a presigned URL cannot hoist one past their removal.
func isClientAuthHeader(name string) bool {
	for _, h := range clientAuthHeaders {
		if strings.EqualFold(h, name) {
			return true
		}
	}
	return false
}

// presignParams are the SigV4 query authentication parameters, removed
// from a presigned request's query before it is signed again.
var presignParams = map[string]bool{"x-amz-algorithm": true, "x-amz-credential": true, "x-amz-date": true,
	"x-amz-expires": true, "x-amz-signedheaders": true, "x-amz-signature": true, "x-amz-security-token": true,
	"x-amz-content-sha256": true}

// outgoing is what the gateway sends the backend for one request.
type outgoing struct {
	body   io.Reader
	length int64
	// claim is the payload hash signed for the backend.
	claim string
	// header overrides (set after the client's headers are copied).
	set http.Header
	// reencoded drops the client's digest headers: the body is the
	// gateway's, not the client's (DeleteObjects).
	reencoded bool
}

// forward sends the authorized request to the backend, signed with the
// backend's key, and streams the answer back unchanged. body replaces the
// client's body when the gateway re-encoded it (DeleteObjects).
func (x *exchange) forward(body *outgoing, rewrite func(*http.Response) error) {
	out := body
	if out == nil {
		var err error
		if out, err = x.outgoingBody(); err != nil {
			x.fail(err)
			return
		}
	}
	req, err := x.backendRequest(out)
	if err != nil {
		x.fail(err)
		return
	}
	resp, err := x.g.deps.Backend.Client.Do(req)
	if err != nil {
		x.fail(x.bodyError(err, errBackendUnreachable(err)))
		return
	}
	defer resp.Body.Close()
	if rewrite != nil && resp.StatusCode == http.StatusOK {
		if err := rewrite(resp); err != nil {
			x.fail(err)
			return
		}
	}
	h := x.w.Header()
	for k, v := range resp.Header {
		if k == "X-Amz-Request-Id" {
			continue // the gateway's id stands; the backend's is in x-amz-id-2
		}
		h[k] = v
	}
	if rid := resp.Header.Get("X-Amz-Request-Id"); rid != "" {
		h.Set("X-Amz-Id-2", rid)
	}
	for _, name := range hopByHop {
		delete(h, name)
	}
	x.status = resp.StatusCode
	x.w.WriteHeader(resp.StatusCode)
	if x.r.Method != http.MethodHead {
		buf := copyBuffers.Get().(*[]byte)
		n, _ := io.CopyBuffer(writerOnly{x.w}, resp.Body, *buf)
		copyBuffers.Put(buf)
		x.bytesOut = n
	}
}

// copyBuffers are the buffers backend answers are copied through.
var copyBuffers = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// writerOnly hides the ResponseWriter's ReadFrom from io.CopyBuffer: that
// path flushes the headers in a write of their own and copies through a
// 32 KiB buffer it allocates per answer, so a 1 KiB object cost two
// syscalls and two large allocations (scripts/bench-s3.sh measures it).
type writerOnly struct{ io.Writer }

// bodyError prefers the client body's own failure (a bad chunk signature,
// a checksum that does not match, a body shorter than declared) over the
// transport error it caused.
func (x *exchange) bodyError(err error, fallback *awserr.Error) error {
	var se *sigv4.Error
	if errors.As(err, &se) {
		return s3AuthError(se)
	}
	if x.in != nil && x.in.chunked != nil {
		if _, cerr := x.in.chunked.Read(nil); cerr != nil && !errors.Is(cerr, io.EOF) {
			return x.bodyError(cerr, fallback)
		}
	}
	var ae *awserr.Error
	if errors.As(err, &ae) {
		return ae
	}
	// The client's body failing is the cause even when the backend request
	// failed otherwise first: a client that half-closes its connection
	// after a short body also cancels the request's context, which the
	// transport may report before the body's own error.
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, errShortBody) || x.bodyFailed.Load() {
		return errIncompleteBody("short_body")
	}
	return fallback
}

// outgoingBody is the client's body as the backend gets it: the bytes as
// sent under the client's own hex digest or UNSIGNED-PAYLOAD, or the
// verified data of an aws-chunked upload, re-framed with its checksum
// trailer when it has one.
func (x *exchange) outgoingBody() (*outgoing, error) {
	in := x.in
	if in.chunked == nil {
		if in.length < 0 && bodyMethod(x.r.Method) {
			return nil, errMissingContentLength()
		}
		length := max(in.length, 0)
		return &outgoing{body: exactly(in.body, length), length: length, claim: in.claim}, nil
	}
	return reframe(in.chunked, in.length, x.r.Header.Get("X-Amz-Trailer")), nil
}

func bodyMethod(m string) bool { return m == http.MethodPut || m == http.MethodPost }

// backendRequest builds the request for the backend: the operation's
// path (path style), the client's query without its authentication, the
// client's headers without hop-by-hop and authentication headers, the
// authorized copy source, signed with the backend's key.
func (x *exchange) backendRequest(out *outgoing) (*http.Request, error) {
	b := x.g.deps.Backend
	u := *b.URL
	path := strings.TrimSuffix(b.URL.Path, "/") + "/"
	if x.op.Bucket != "" {
		path += x.op.Bucket
		if x.op.Key != "" {
			path += "/" + x.op.Key
		}
	}
	u.Path = path
	u.RawPath = strings.TrimSuffix(b.URL.EscapedPath(), "/") + "/" + escapedTarget(x.op)
	query, hoisted := backendQuery(x.r.URL.RawQuery)
	u.RawQuery = query

	var body io.Reader = http.NoBody
	if out.length != 0 {
		body = out.body
	}
	req, err := http.NewRequestWithContext(x.ctx, x.r.Method, u.String(), body)
	if err != nil {
		return nil, awserr.InternalFailure(err)
	}
	req.ContentLength = out.length
	if out.length == 0 {
		req.Body = http.NoBody
	}
	req.Header = make(http.Header, len(x.r.Header)+4)
	for k, v := range x.r.Header {
		if !notForwarded[k] && !(out.reencoded && isClientDigestHeader(k)) {
			req.Header[k] = v
		}
	}
	for k, v := range hoisted {
		if !isClientAuthHeader(k) && !(out.reencoded && isClientDigestHeader(k)) {
			req.Header.Set(k, v)
		}
	}
	if ce, ok := req.Header["Content-Encoding"]; ok {
		if kept := stripAWSChunked(ce); kept != "" {
			req.Header["Content-Encoding"] = []string{kept}
		} else {
			delete(req.Header, "Content-Encoding")
		}
	}
	if x.op.CopySource != nil {
		req.Header.Set("X-Amz-Copy-Source", x.op.CopySource.Header())
	}
	for k, v := range out.set {
		req.Header[k] = v
	}
	if err := b.sign(req, out.claim); err != nil {
		return nil, awserr.InternalFailure(err)
	}
	return req, nil
}

// escapedTarget is "bucket/key" with the key URI-encoded as SigV4 encodes
// S3 paths, so the backend reads exactly the key that was authorized.
func escapedTarget(op *Operation) string {
	if op.Bucket == "" {
		return ""
	}
	if op.Key == "" {
		return op.Bucket
	}
	return op.Bucket + "/" + uriEncode(op.Key, false)
}

// backendQuery re-encodes the client's query for the backend: the SigV4
// query authentication dropped, and x-amz-* parameters — headers hoisted
// into a presigned URL — returned as headers (S3 reads them as headers).
// The classifier has already refused malformed and repeated parameters.
func backendQuery(raw string) (string, map[string]string) {
	var kept []string
	hoisted := map[string]string{}
	for _, pair := range strings.Split(raw, "&") {
		if pair == "" {
			continue
		}
		name, value, _ := strings.Cut(pair, "=")
		dn, err := url.QueryUnescape(name)
		if err != nil {
			continue
		}
		lower := strings.ToLower(dn)
		if presignParams[lower] {
			continue
		}
		dv, err := url.QueryUnescape(value)
		if err != nil {
			continue
		}
		if strings.HasPrefix(lower, "x-amz-") {
			hoisted[lower] = dv
			continue
		}
		kept = append(kept, uriEncode(dn, true)+"="+uriEncode(dv, true))
	}
	return strings.Join(kept, "&"), hoisted
}

// stripAWSChunked removes aws-chunked from Content-Encoding: it describes
// the client's framing, which the gateway removed.
func stripAWSChunked(values []string) string {
	var kept []string
	for _, v := range values {
		for _, c := range strings.Split(v, ",") {
			c = strings.TrimSpace(c)
			if c != "" && !strings.EqualFold(c, "aws-chunked") {
				kept = append(kept, c)
			}
		}
	}
	return strings.Join(kept, ",")
}

var errShortBody = errors.New("s3gw: request body shorter than its Content-Length")

// exactly reads n bytes of r and fails if r ends earlier, so a short body
// aborts the backend request instead of ending it early.
func exactly(r io.Reader, n int64) io.Reader {
	return &exactReader{r: io.LimitReader(r, n), left: n}
}

type exactReader struct {
	r    io.Reader
	left int64
}

func (e *exactReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	e.left -= int64(n)
	if errors.Is(err, io.EOF) && e.left > 0 {
		return n, errShortBody
	}
	return n, err
}

// contentLength formats a length header.
func contentLength(n int64) string { return strconv.FormatInt(n, 10) }
