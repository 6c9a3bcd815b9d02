package s3gw

import (
	"net/http"
	"strings"

	"github.com/stsd/stsd/internal/authz"
)

// ValidBucketName applies S3's naming rules for general purpose buckets
// (S3 User Guide, "General purpose bucket naming rules"):
//   - 3 to 63 characters long;
//   - only lowercase letters, numbers, periods (.) and hyphens (-);
//   - begin and end with a letter or number;
//   - no two adjacent periods;
//   - not formatted as an IP address (192.168.5.4);
//   - not starting with the reserved prefixes xn--, sthree-, amzn-s3-demo-;
//   - not ending with the reserved suffixes -s3alias (access point
//     aliases), --ol-s3 (Object Lambda aliases), .mrap (Multi-Region
//     Access Points), --x-s3 (directory buckets), --table-s3 (table
//     buckets).
//
// The reserved names address things other than a general purpose bucket
// on AWS, which the gateway does not implement, so they are refused on
// every request, not only on CreateBucket. Legacy us-east-1 names (upper
// case, underscores, up to 255 characters) are refused too.
func ValidBucketName(b string) bool {
	if len(b) < 3 || len(b) > 63 {
		return false
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
			return false
		}
	}
	if !alnum(b[0]) || !alnum(b[len(b)-1]) || strings.Contains(b, "..") || ipFormatted(b) {
		return false
	}
	for _, p := range []string{"xn--", "sthree-", "amzn-s3-demo-"} {
		if strings.HasPrefix(b, p) {
			return false
		}
	}
	for _, s := range []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"} {
		if strings.HasSuffix(b, s) {
			return false
		}
	}
	return true
}

func alnum(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }

// ipFormatted reports whether b looks like a dotted-quad IPv4 address
// (four all-digit labels), leading zeros included.
func ipFormatted(b string) bool {
	parts := strings.Split(b, ".")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		if p == "" {
			return false
		}
		for i := 0; i < len(p); i++ {
			if p[i] < '0' || p[i] > '9' {
				return false
			}
		}
	}
	return true
}

// uriEncode percent-encodes every byte but the unreserved characters
// (A–Z a–z 0–9 - _ . ~), and "/" unless encodeSlash, as SigV4's UriEncode
// does (IAM User Guide, "Create a canonical request for Signature Version
// 4").
func uriEncode(s string, encodeSlash bool) string {
	const hex = "0123456789ABCDEF"
	var sb strings.Builder
	sb.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' ||
			c == '-' || c == '_' || c == '.' || c == '~' || c == '/' && !encodeSlash {
			sb.WriteByte(c)
			continue
		}
		sb.WriteByte('%')
		sb.WriteByte(hex[c>>4])
		sb.WriteByte(hex[c&15])
	}
	return sb.String()
}

func checkOf(action, resource string, keys []authz.Key) authz.Check {
	return authz.Check{Action: action, Resource: resource, Keys: keys}
}

func authzMulti(name string, values []string) authz.Key {
	return authz.Key{Name: name, Values: values, Multi: true}
}

// errInvalidTag: S3 "InvalidTag — The tag provided was not a valid tag.
// 400 Bad Request" (S3 API Reference, tagging error codes); the specific
// message is the caller's.
func errInvalidTag(message string) error {
	return awsErr("InvalidTag", http.StatusBadRequest, message, "s3_invalid_tag")
}
