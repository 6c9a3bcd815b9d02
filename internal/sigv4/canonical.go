package sigv4

import (
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
	"strings"
)

// maxQueryParams bounds the query string; real STS/IAM requests carry a few dozen.
const maxQueryParams = 1000

// queryParam is one decoded query-string parameter, in the order sent.
type queryParam struct {
	name, value string
}

// parseQuery decodes a raw query string strictly ('+' is a space, a bad
// percent escape is an error), keeping order and duplicates.
func parseQuery(raw string) ([]queryParam, *Error) {
	if raw == "" {
		return nil, nil
	}
	if strings.Count(raw, "&") >= maxQueryParams {
		return nil, newError(CodeMalformedQueryString, http.StatusBadRequest, msgTooManyParameters)
	}
	params := make([]queryParam, 0, strings.Count(raw, "&")+1)
	for piece := range strings.SplitSeq(raw, "&") {
		if piece == "" {
			continue
		}
		name, value, _ := strings.Cut(piece, "=")
		n, err1 := url.QueryUnescape(name)
		v, err2 := url.QueryUnescape(value)
		if err1 != nil || err2 != nil {
			return nil, newError(CodeMalformedQueryString, http.StatusBadRequest, msgMalformedQuery)
		}
		params = append(params, queryParam{name: n, value: v})
	}
	return params, nil
}

// checkDuplicates rejects a parameter sent twice, and any two X-Amz-*
// parameters whose names differ only in case (a known verifier bypass: a
// second, lower-case x-amz-credential).
func checkDuplicates(params []queryParam) *Error {
	if len(params) < 2 {
		return nil
	}
	seen := make(map[string]struct{}, len(params))
	for _, p := range params {
		key := p.name
		if len(key) >= 6 && strings.EqualFold(key[:6], "x-amz-") {
			key = strings.ToLower(key)
		}
		if _, dup := seen[key]; dup {
			return errDuplicateParam(p.name)
		}
		seen[key] = struct{}{}
	}
	return nil
}

// lookup returns the value of the parameter named exactly name.
func lookup(params []queryParam, name string) (string, bool) {
	for _, p := range params {
		if p.name == name {
			return p.value, true
		}
	}
	return "", false
}

// appendURIEncoded appends s percent-encoded per SigV4: everything but A-Z
// a-z 0-9 '-' '_' '.' '~' is encoded as %XX with upper-case hex; '/' is kept
// when keepSlash is set.
func appendURIEncoded(b []byte, s string, keepSlash bool) []byte {
	const hexDigits = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isUnreserved(c) || (keepSlash && c == '/') {
			b = append(b, c)
			continue
		}
		b = append(b, '%', hexDigits[c>>4], hexDigits[c&15])
	}
	return b
}

func isUnreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~'
}

// writeCanonicalQuery is appendCanonicalQuery into a strings.Builder.
func writeCanonicalQuery(b *strings.Builder, params []queryParam, skip string) {
	b.Write(appendCanonicalQuery(nil, params, skip))
}

// appendCanonicalQuery appends the canonical query string: every parameter
// except skip, names and values re-encoded, sorted by name then value.
func appendCanonicalQuery(b []byte, params []queryParam, skip string) []byte {
	if len(params) == 0 {
		return b
	}
	encoded := make([][2]string, 0, len(params))
	for _, p := range params {
		if skip != "" && p.name == skip {
			continue
		}
		encoded = append(encoded, [2]string{string(appendURIEncoded(nil, p.name, false)), string(appendURIEncoded(nil, p.value, false))})
	}
	slices.SortFunc(encoded, func(a, b [2]string) int {
		if c := strings.Compare(a[0], b[0]); c != 0 {
			return c
		}
		return strings.Compare(a[1], b[1])
	})
	for i, kv := range encoded {
		if i > 0 {
			b = append(b, '&')
		}
		b = append(b, kv[0]...)
		b = append(b, '=')
		b = append(b, kv[1]...)
	}
	return b
}

// writeCanonicalURI is appendCanonicalURI into a strings.Builder.
func writeCanonicalURI(b *strings.Builder, escapedPath string) {
	b.Write(appendCanonicalURI(nil, escapedPath))
}

// appendCanonicalURI appends the canonical path: the raw (escaped) path
// with dot segments removed (RFC 3986 §5.2.4), then URI-encoded once more,
// as AWS does for every service but S3.
func appendCanonicalURI(b []byte, escapedPath string) []byte {
	p := removeDotSegments(escapedPath)
	if p == "" || p[0] != '/' {
		b = append(b, '/')
	}
	return appendURIEncoded(b, p, true)
}

// appendS3CanonicalURI appends the canonical path of a request signed for
// S3, which differs from every other service: the path is not normalized
// and each segment is URI-encoded once ("Normalize URI paths according to
// RFC 3986 … with the exception of Amazon S3"; "Each path segment must be
// URI-encoded twice … except for Amazon S3 which only gets URI-encoded
// once", IAM User Guide, "Create a signed AWS API request"). The client's
// escaping is not trusted: each segment is decoded and encoded again, so
// "%7e" and "~" sign alike and "%2F" stays an encoded slash inside a key.
func appendS3CanonicalURI(b []byte, escapedPath string) []byte {
	if escapedPath == "" {
		return append(b, '/')
	}
	for i, seg := range strings.Split(escapedPath, "/") {
		if i > 0 {
			b = append(b, '/')
		}
		if dec, err := url.PathUnescape(seg); err == nil {
			seg = dec
		} // else: net/http refuses a malformed escape before a handler runs
		b = appendURIEncoded(b, seg, false)
	}
	return b
}

// removeDotSegments implements RFC 3986 §5.2.4 in linear time.
func removeDotSegments(p string) string {
	if !strings.Contains(p, ".") {
		return p
	}
	segs := strings.Split(p, "/")
	out := make([]string, 0, len(segs))
	for i, s := range segs {
		last := i == len(segs)-1
		switch s {
		case ".":
			if last {
				out = append(out, "")
			}
		case "..":
			if len(out) > 1 {
				out = out[:len(out)-1]
			}
			if last {
				out = append(out, "")
			}
		default:
			out = append(out, s)
		}
	}
	return strings.Join(out, "/")
}

// appendCanonicalHeaders appends "name:value\n" for each signed header:
// values trimmed, runs of spaces collapsed, several values joined by commas.
// The host header comes from r.Host (Go moves it out of r.Header).
func appendCanonicalHeaders(b []byte, r *http.Request, signed []string) []byte {
	for _, name := range signed {
		b = append(b, name...)
		b = append(b, ':')
		if name == "host" {
			b = appendTrimmed(b, requestHost(r))
		} else {
			for i, v := range HeaderValues(r.Header, name) {
				if i > 0 {
					b = append(b, ',')
				}
				b = appendTrimmed(b, v)
			}
		}
		b = append(b, '\n')
	}
	return b
}

// canonicalHeadersSize is about the length appendCanonicalHeaders gives
// plus that of the signed-header list ("a;b;c"); exact when no value
// needs trimming.
func canonicalHeadersSize(r *http.Request, signed []string) int {
	n := 0
	for _, name := range signed {
		n += 2*len(name) + len(":\n;")
		if name == "host" {
			n += len(requestHost(r))
			continue
		}
		for _, v := range HeaderValues(r.Header, name) {
			n += len(v) + len(",")
		}
	}
	return n
}

// requestHost is the host a request was sent to.
func requestHost(r *http.Request) string {
	if r.Host == "" && r.URL != nil {
		return r.URL.Host
	}
	return r.Host
}

// headerValues returns the values of the lower-case header name without
// allocating for the canonical key when it is short.
func HeaderValues(h http.Header, name string) []string {
	var buf [128]byte
	if len(name) > len(buf) {
		return h[textproto.CanonicalMIMEHeaderKey(name)]
	}
	upper := true
	for i := 0; i < len(name); i++ {
		c := name[i]
		if upper && 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		buf[i] = c
		upper = c == '-'
	}
	if v, ok := h[string(buf[:len(name)])]; ok {
		return v
	}
	return h[name] // a header map built by hand with a non-canonical key
}

// writeTrimmed is appendTrimmed into a strings.Builder.
func writeTrimmed(b *strings.Builder, v string) {
	b.Write(appendTrimmed(nil, v))
}

// appendTrimmed appends v without leading/trailing white space and with
// each run of spaces collapsed to one.
func appendTrimmed(b []byte, v string) []byte {
	v = strings.TrimSpace(v)
	space := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == ' ' {
			if !space {
				b = append(b, ' ')
			}
			space = true
			continue
		}
		space = false
		b = append(b, c)
	}
	return b
}

// parseSignedHeaders splits and validates a SignedHeaders value.
func parseSignedHeaders(s string) ([]string, *Error) {
	names := strings.Split(s, ";")
	for i, n := range names {
		if n == "" || !isLowerToken(n) || (i > 0 && names[i-1] >= n) {
			return nil, errIncomplete(msgBadSignedHeaders)
		}
	}
	if _, ok := slices.BinarySearch(names, "host"); !ok {
		return nil, errMismatch(msgHostNotSigned)
	}
	return names, nil
}

// isLowerToken reports whether s is an RFC 7230 token without upper-case letters.
func isLowerToken(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}
