package s3gw

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/policy"
)

// The backend's query: SigV4 query authentication removed in any case,
// hoisted x-amz-* parameters returned as headers, the rest re-encoded as
// SigV4 encodes (so "+" and " " cannot be confused).
func TestBackendQuery(t *testing.T) {
	q, h := backendQuery("X-Amz-Algorithm=AWS4-HMAC-SHA256&x-amz-credential=a%2Fb&X-Amz-Signature=00&prefix=a+b%2Bc&uploads=&x-amz-acl=private&X-Amz-Security-Token=tok")
	if q != "prefix=a%20b%2Bc&uploads=" {
		t.Errorf("query %q", q)
	}
	if len(h) != 1 || h["x-amz-acl"] != "private" {
		t.Errorf("hoisted %v", h)
	}
	if q, h := backendQuery(""); q != "" || len(h) != 0 {
		t.Errorf("empty: %q %v", q, h)
	}
}

func TestStripAWSChunked(t *testing.T) {
	for in, want := range map[string]string{"aws-chunked": "", "aws-chunked,gzip": "gzip", "gzip, AWS-Chunked": "gzip", "": ""} {
		if got := stripAWSChunked([]string{in}); got != want {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
}

// framedLength is exactly the number of bytes the encoder frames: a wrong
// Content-Length would make the backend refuse or truncate the upload.
func TestFramedLengthMatchesEncoder(t *testing.T) {
	for _, trailer := range []string{"x-amz-checksum-crc32", "x-amz-checksum-sha256", "x-amz-checksum-crc64nvme"} {
		size, _ := checksumSize(trailer)
		for _, n := range []int64{0, 1, reframeChunk - 1, reframeChunk, reframeChunk + 1, 3*reframeChunk + 17} {
			// The chunks and the final line, as fill writes them, with a
			// trailer value of the algorithm's length.
			var b strings.Builder
			for left := n; left > 0; left -= min(left, reframeChunk) {
				c := min(left, reframeChunk)
				b.WriteString(strconv.FormatInt(c, 16) + "\r\n" + strings.Repeat("x", int(c)) + "\r\n")
			}
			b.WriteString("0\r\n" + trailer + ":" + strings.Repeat("A", (size+2)/3*4) + "\r\n\r\n")
			if got := framedLength(n, trailer, size); got != int64(b.Len()) {
				t.Errorf("%s, %d bytes: framedLength %d, framed %d", trailer, n, got, b.Len())
			}
		}
	}
}

// S3's access-denied text names the layer that allowed nothing.
func TestDenialMessage(t *testing.T) {
	cr := func(d policy.Decision) *authz.CheckResult {
		return &authz.CheckResult{Check: authz.Check{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"}, Decision: d}
	}
	const prefix = `User: arn:aws:sts::111122223333:assumed-role/r/s is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::b/k"`
	for _, c := range []struct {
		d    policy.Decision
		want string
	}{
		{policy.Decision{Effect: policy.ImplicitDeny}, " because no identity-based policy allows the s3:GetObject action"},
		{policy.Decision{Effect: policy.ImplicitDeny, IdentityAllowed: true, SessionAllowed: true}, " because no permissions boundary allows the s3:GetObject action"},
		{policy.Decision{Effect: policy.ImplicitDeny, IdentityAllowed: true, BoundaryAllowed: true}, " because no session policy allows the s3:GetObject action"},
		{policy.Decision{Effect: policy.ExplicitDeny}, " with an explicit deny in an identity-based policy"},
	} {
		if got := denialMessage("arn:aws:sts::111122223333:assumed-role/r/s", cr(c.d)); got != prefix+c.want {
			t.Errorf("got %q", got)
		}
	}
}
