package sigv4

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

// unsignedHeaders are the headers SignS3 leaves out of the signature:
// the signature itself, and headers a client's own transport or a proxy
// on the way may add, change or drop (the AWS SDKs leave out the same
// ones: a signed header changed in transit fails the request).
var unsignedHeaders = []string{"authorization", "user-agent", "x-amzn-trace-id", "expect",
	"connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"}

// SignS3 signs r for an S3-compatible server with SigV4 header
// authentication (Amazon S3 API Reference, "Signature Calculations for
// the Authorization Header: Transferring Payload in a Single Chunk"):
// it sets X-Amz-Date to at, X-Amz-Content-Sha256 to payload (a hex
// SHA-256 of the body, UNSIGNED-PAYLOAD or a STREAMING-… mode) and
// Authorization. It signs host and every header of r except
// unsignedHeaders — S3 requires host, x-amz-content-sha256 and every
// x-amz-* header to be signed and accepts any other. key is
// SigningKey(secret, ScopeFor(at, region, "s3")). The canonical request
// is S3's: the path as r.URL.EscapedPath() gives it, each segment encoded
// once and never normalized.
func SignS3(r *http.Request, accessKeyID string, key *[32]byte, region string, at time.Time, payload string) error {
	params, perr := parseQuery(r.URL.RawQuery)
	if perr != nil {
		return perr
	}
	amzDate := at.UTC().Format(amzDateLayout)
	r.Header.Set("X-Amz-Date", amzDate)
	r.Header.Set("X-Amz-Content-Sha256", payload)
	r.Header.Del("Authorization")

	scope := ScopeFor(at, region, "s3")
	req := &Request{Scope: scope, amzDate: amzDate, SignedHeaders: signableHeaders(r.Header)}
	req.canonicalHash = canonicalRequestHash(r, params, req, payload)
	var sig [64]byte
	req.signWithKey(key, &sig)

	n := len(Algorithm) + len(" Credential=") + len(accessKeyID) + 1 + len(scope.String()) +
		len(", SignedHeaders=") + len(", Signature=") + len(sig)
	for _, h := range req.SignedHeaders {
		n += len(h) + 1
	}
	b := make([]byte, 0, n)
	b = append(b, Algorithm+" Credential="...)
	b = append(b, accessKeyID...)
	b = append(b, '/')
	b = append(b, scope.String()...)
	b = append(b, ", SignedHeaders="...)
	for i, h := range req.SignedHeaders {
		if i > 0 {
			b = append(b, ';')
		}
		b = append(b, h...)
	}
	b = append(b, ", Signature="...)
	b = append(b, sig[:]...)
	r.Header["Authorization"] = []string{string(b)}
	return nil
}

// signableHeaders is the sorted, lower-case list of the headers SignS3
// signs: host and every header of h not in unsignedHeaders.
func signableHeaders(h http.Header) []string {
	names := make([]string, 0, len(h)+1)
	names = append(names, "host")
	for k := range h {
		lower := strings.ToLower(k)
		if lower != "host" && !slices.Contains(unsignedHeaders, lower) {
			names = append(names, lower)
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// ScopeFor is the credential scope of a request signed at t for region
// and service.
func ScopeFor(t time.Time, region, service string) Scope {
	return Scope{Date: t.UTC().Format("20060102"), Region: region, Service: service, Terminator: Terminator}
}
