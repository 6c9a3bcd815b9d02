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

// uriEncode appends s percent-encoded per SigV4: everything but A-Z a-z 0-9
// '-' '_' '.' '~' is encoded as %XX with upper-case hex; '/' is kept when
// keepSlash is set.
func uriEncode(b *strings.Builder, s string, keepSlash bool) {
	const hexDigits = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isUnreserved(c) || (keepSlash && c == '/') {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
}

func isUnreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~'
}

// writeCanonicalQuery writes the canonical query string: every parameter
// except skip, names and values re-encoded, sorted by name then value.
func writeCanonicalQuery(b *strings.Builder, params []queryParam, skip string) {
	encoded := make([][2]string, 0, len(params))
	var tmp strings.Builder
	for _, p := range params {
		if skip != "" && p.name == skip {
			continue
		}
		tmp.Reset()
		uriEncode(&tmp, p.name, false)
		n := tmp.String()
		tmp.Reset()
		uriEncode(&tmp, p.value, false)
		encoded = append(encoded, [2]string{n, tmp.String()})
	}
	slices.SortFunc(encoded, func(a, b [2]string) int {
		if c := strings.Compare(a[0], b[0]); c != 0 {
			return c
		}
		return strings.Compare(a[1], b[1])
	})
	for i, kv := range encoded {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(kv[0])
		b.WriteByte('=')
		b.WriteString(kv[1])
	}
}

// writeCanonicalURI writes the canonical path: the raw (escaped) path with
// dot segments removed (RFC 3986 §5.2.4), then URI-encoded once more, as AWS
// does for every service but S3.
func writeCanonicalURI(b *strings.Builder, escapedPath string) {
	p := removeDotSegments(escapedPath)
	if p == "" || p[0] != '/' {
		p = "/" + p
	}
	uriEncode(b, p, true)
}

// writeS3CanonicalURI writes the canonical path of a request signed for
// S3, which differs from every other service: the path is not normalized
// and each segment is URI-encoded once ("Normalize URI paths according to
// RFC 3986 … with the exception of Amazon S3"; "Each path segment must be
// URI-encoded twice … except for Amazon S3 which only gets URI-encoded
// once", IAM User Guide, "Create a signed AWS API request"). The client's
// escaping is not trusted: each segment is decoded and encoded again, so
// "%7e" and "~" sign alike and "%2F" stays an encoded slash inside a key.
func writeS3CanonicalURI(b *strings.Builder, escapedPath string) {
	if escapedPath == "" {
		b.WriteByte('/')
		return
	}
	for i, seg := range strings.Split(escapedPath, "/") {
		if i > 0 {
			b.WriteByte('/')
		}
		if dec, err := url.PathUnescape(seg); err == nil {
			seg = dec
		} // else: net/http refuses a malformed escape before a handler runs
		uriEncode(b, seg, false)
	}
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

// writeCanonicalHeaders writes "name:value\n" for each signed header: values
// trimmed, runs of spaces collapsed, several values joined by commas. The
// host header comes from r.Host (Go moves it out of r.Header).
func writeCanonicalHeaders(b *strings.Builder, r *http.Request, signed []string) {
	for _, name := range signed {
		b.WriteString(name)
		b.WriteByte(':')
		if name == "host" {
			host := r.Host
			if host == "" && r.URL != nil {
				host = r.URL.Host
			}
			writeTrimmed(b, host)
		} else {
			for i, v := range headerValues(r.Header, name) {
				if i > 0 {
					b.WriteByte(',')
				}
				writeTrimmed(b, v)
			}
		}
		b.WriteByte('\n')
	}
}

// headerValues returns the values of the lower-case header name without
// allocating for the canonical key when it is short.
func headerValues(h http.Header, name string) []string {
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

// writeTrimmed writes v without leading/trailing white space and with each
// run of spaces collapsed to one.
func writeTrimmed(b *strings.Builder, v string) {
	v = strings.TrimSpace(v)
	space := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == ' ' {
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteByte(c)
	}
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
