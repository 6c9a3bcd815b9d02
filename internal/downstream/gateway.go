package downstream

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/stsd/stsd/internal/awserr"
)

// API Gateway's model of a request, shared by every door that answers as
// API Gateway does (forward-auth here, Envoy ext_authz in package
// extauthz): which methods, hosts, API ids, stages, regions and paths an
// execute-api ARN can name, and API Gateway's error answers.

// Bounds of the client request's parts.
const (
	MaxClientURI = 8 << 10
	maxNameLen   = 128
	maxMethodLen = 32
	maxHostLen   = 255
)

// API Gateway's texts (its gateway responses) and stsd's for refused paths.
const (
	// MsgInternal is API Gateway's body text for its own failures.
	MsgInternal         = "Internal server error"
	msgMissingAuthToken = "Missing Authentication Token"
	msgInvalidToken     = "The security token included in the request is invalid."
	msgBadRegion        = "Credential should be scoped to a valid region. "
	msgBadURI           = "The request URI is not valid."
	msgURITooLong       = "The request URI is too long."
	msgDotSegment       = "The request path must not contain '.' or '..' segments."
	msgEncodedSlash     = "The request path must not contain an encoded '/' or a '\\'."
	msgEmptySegment     = "The request path must not contain empty segments ('//')."
)

// ValidName reports whether s is an API id or stage name: 1 to 128 of
// A-Z a-z 0-9 - _ . (and $ for stages: HTTP APIs' "$default"), and not a
// dot segment.
func ValidName(s string, dollar bool) bool {
	if s == "" || len(s) > maxNameLen || s == "." || s == ".." {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '_', c == '.':
		case c == '$' && dollar:
		default:
			return false
		}
	}
	return true
}

// ValidRegion reports whether s looks like a region name (us-east-1).
func ValidRegion(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// CheckRegion rejects a signature scoped to a region that cannot be part of
// an ARN, or to another region than the one the forward-auth URL pins, with
// AWS's SignatureDoesNotMatch wording.
func CheckRegion(region, pinned string) *awserr.Error {
	if !ValidRegion(region) {
		return awserr.New("SignatureDoesNotMatch", http.StatusForbidden, msgBadRegion).WithReason("sigv4_bad_region", nil)
	}
	if pinned != "" && region != pinned {
		return awserr.New("SignatureDoesNotMatch", http.StatusForbidden,
			"Credential should be scoped to a valid region, not '"+region+"'. ").WithReason("sigv4_wrong_region", nil)
	}
	return nil
}

// PathError is a client request-target ParseClientPath refuses: Kind
// names the rule ("uri_too_long", "bad_uri", "empty_segment",
// "encoded_slash", "dot_segment") for a door's reason code, Message is
// the client's answer.
type PathError struct {
	Kind, Message string
}

// ParseClientPath checks the client's request-target and returns it
// parsed, with the ARN path (decoded, without the leading slash). Refused:
// anything but origin-form, bytes outside printable ASCII, a fragment, a
// '.' or '..' segment (also percent-encoded, also with a ";param" suffix),
// an encoded '/' or any '\', an empty segment, a path that decodes to a
// control character or to invalid UTF-8, more than MaxClientURI bytes.
// The upstream and the ARN then see the same path: no normalization by
// either can turn an allowed path into another one.
func ParseClientPath(uri string) (*url.URL, string, *PathError) {
	if len(uri) > MaxClientURI {
		return nil, "", &PathError{"uri_too_long", msgURITooLong}
	}
	if uri == "" || uri[0] != '/' {
		return nil, "", &PathError{"bad_uri", msgBadURI}
	}
	for i := 0; i < len(uri); i++ {
		if c := uri[i]; c <= ' ' || c >= 0x7f || c == '#' {
			return nil, "", &PathError{"bad_uri", msgBadURI}
		}
	}
	rawPath, _, _ := strings.Cut(uri, "?")
	segs := strings.Split(rawPath[1:], "/")
	decoded := make([]string, len(segs))
	for i, seg := range segs {
		if seg == "" && i < len(segs)-1 {
			return nil, "", &PathError{"empty_segment", msgEmptySegment}
		}
		s, err := url.PathUnescape(seg)
		if err != nil || !utf8.ValidString(s) || hasControl(s) {
			return nil, "", &PathError{"bad_uri", msgBadURI}
		}
		if strings.ContainsAny(s, "/\\") {
			return nil, "", &PathError{"encoded_slash", msgEncodedSlash}
		}
		if base, _, _ := strings.Cut(s, ";"); base == "." || base == ".." {
			return nil, "", &PathError{"dot_segment", msgDotSegment}
		}
		decoded[i] = s
	}
	u, err := url.ParseRequestURI(uri)
	if err != nil {
		return nil, "", &PathError{"bad_uri", msgBadURI}
	}
	return u, strings.Join(decoded, "/"), nil
}

func hasControl(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return true
		}
	}
	return false
}

// ValidMethod accepts upper-case HTTP methods: A-Z first, then A-Z 0-9 - _.
// Lower-case is refused so that "delete" cannot slip past a Deny on DELETE
// to an upstream that compares methods without case.
func ValidMethod(m string) bool {
	if m == "" || len(m) > maxMethodLen || m[0] < 'A' || m[0] > 'Z' {
		return false
	}
	for i := 1; i < len(m); i++ {
		c := m[i]
		if !('A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// ValidHost accepts a host[:port] of printable ASCII without '/', '\', '@',
// spaces or quotes.
func ValidHost(h string) bool {
	if h == "" || len(h) > maxHostLen {
		return false
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("/\\@\"'<>#?,", c) >= 0 {
			return false
		}
	}
	return true
}

// MaskAccount writes the account in an ARN as API Gateway does in its
// denial messages: all but the last four digits as '*'.
func MaskAccount(arn, account string) string {
	if len(account) <= 4 {
		return arn
	}
	return strings.Replace(arn, ":"+account+":", ":"+strings.Repeat("*", len(account)-4)+account[len(account)-4:]+":", 1)
}

// GatewayAuthError maps an authentication failure to API Gateway's answer:
// 403 for every client error (API Gateway's INVALID_SIGNATURE,
// EXPIRED_TOKEN, MISSING_AUTHENTICATION_TOKEN gateway responses are all
// 403), {"message": …}, and its x-amzn-ErrorType.
func GatewayAuthError(e *awserr.Error) (status int, key, msg, errType string) {
	if e.Status >= 500 {
		return http.StatusInternalServerError, "message", MsgInternal, "InternalServerErrorException"
	}
	msg = e.Message
	switch e.Code {
	case "MissingAuthenticationToken":
		msg, errType = msgMissingAuthToken, "MissingAuthenticationTokenException"
	case "InvalidClientTokenId":
		msg, errType = msgInvalidToken, "UnrecognizedClientException"
	case "SignatureDoesNotMatch":
		errType = "InvalidSignatureException"
	case "AccessDenied":
		errType = "AccessDeniedException"
	default: // IncompleteSignature, ExpiredToken, XAmzContentSHA256Mismatch, …
		errType = e.Code + "Exception"
	}
	return http.StatusForbidden, "message", msg, errType
}

// RedactAuthorization removes the client's Authorization header(s) from an
// error message (SigV4's IncompleteSignature texts echo it, as AWS does),
// so that it reaches neither the audit log nor the proxy's logs.
func RedactAuthorization(e *awserr.Error, headers ...string) *awserr.Error {
	msg := e.Message
	for _, header := range headers {
		for _, h := range []string{header, strings.TrimSpace(header)} {
			if h != "" {
				msg = strings.ReplaceAll(msg, h, "<redacted>")
			}
		}
	}
	if msg == e.Message {
		return e
	}
	c := *e
	c.Message = msg
	return &c
}

// ASCIIJSONString quotes s as a JSON string of printable ASCII only, so the
// same text is a valid header value.
func ASCIIJSONString(s string) string {
	const hexDigits = "0123456789abcdef"
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	writeU := func(r rune) {
		b.WriteString(`\u`)
		for shift := 12; shift >= 0; shift -= 4 {
			b.WriteByte(hexDigits[(r>>shift)&0xf])
		}
	}
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r >= 0x20 && r < 0x7f:
			b.WriteRune(r)
		case r > 0xffff:
			r -= 0x10000
			writeU(0xd800 + (r>>10)&0x3ff)
			writeU(0xdc00 + r&0x3ff)
		default:
			writeU(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
