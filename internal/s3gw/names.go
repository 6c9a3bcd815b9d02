package s3gw

import (
	"net/http"
	"strings"

	"github.com/stsd/stsd/internal/authz"
)

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
