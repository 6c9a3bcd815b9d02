package sigv4

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// mutation changes one signed byte of a capture and names the error it must cause.
type mutation struct {
	name   string
	apply  func(c *capture) bool // false: not applicable to this capture
	code   string
	status int
	msg    string // "" means the generic signature-mismatch message
}

func signedHeaderNames(c capture) []string {
	for _, h := range c.Headers {
		if strings.EqualFold(h[0], "Authorization") {
			_, rest, _ := strings.Cut(h[1], "SignedHeaders=")
			list, _, _ := strings.Cut(rest, ",")
			return strings.Split(list, ";")
		}
	}
	_, rest, _ := strings.Cut(c.Path, "X-Amz-SignedHeaders=")
	list, _, _ := strings.Cut(rest, "&")
	return strings.Split(strings.ReplaceAll(list, "%3B", ";"), ";")
}

// setHeader rewrites every value of the named header with fn.
func setHeader(c *capture, name string, fn func(string) string) bool {
	found := false
	for i, h := range c.Headers {
		if strings.EqualFold(h[0], name) {
			c.Headers[i][1] = fn(h[1])
			found = true
		}
	}
	return found
}

func mismatch(name string, apply func(c *capture) bool) mutation {
	return mutation{name: name, apply: apply, code: CodeSignatureDoesNotMatch, status: 403}
}

// headerMutations changes each signed header's value in a way that survives
// the canonical trimming (content-length keeps its numeric value's meaning for
// net/http but changes its bytes).
func headerMutations(c capture) []mutation {
	var out []mutation
	for _, name := range signedHeaderNames(c) {
		switch name {
		case "content-length":
			out = append(out, mismatch("header content-length", func(c *capture) bool {
				return setHeader(c, name, func(v string) string { return "0" + v })
			}))
		case "x-amz-date":
			out = append(out, mismatch("header x-amz-date +1s", func(c *capture) bool {
				return setHeader(c, name, func(v string) string {
					d, _ := time.Parse(amzDateLayout, v)
					return d.Add(time.Second).Format(amzDateLayout)
				})
			}))
		case "x-amz-content-sha256":
			out = append(out, mutation{name: "header x-amz-content-sha256", code: CodeContentSHA256Mismatch, status: 400,
				msg: msgContentSHA256, apply: func(c *capture) bool {
					return setHeader(c, name, func(v string) string { return strings.Repeat("0", 64) })
				}})
		case "host":
			out = append(out, mismatch("header host", func(c *capture) bool {
				return setHeader(c, name, func(v string) string { return strings.Replace(v, "18080", "18081", 1) })
			}))
		default:
			out = append(out, mismatch("header "+name, func(c *capture) bool {
				return setHeader(c, name, func(v string) string { return v + "x" })
			}))
			out = append(out, mismatch("header "+name+" case", func(c *capture) bool {
				return setHeader(c, name, func(v string) string { return flipCase(v) })
			}))
		}
	}
	return out
}

// flipCase changes the case of the first letter of v (or appends one).
func flipCase(v string) string {
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case 'a' <= c && c <= 'z':
			return v[:i] + string(c-32) + v[i+1:]
		case 'A' <= c && c <= 'Z':
			return v[:i] + string(c+32) + v[i+1:]
		}
	}
	return v + "Z"
}

// queryMutations changes each query parameter (name and value) of a capture.
func queryMutations(c capture) []mutation {
	path, query, ok := strings.Cut(c.Path, "?")
	if !ok {
		return nil
	}
	pieces := strings.Split(query, "&")
	var out []mutation
	for i, p := range pieces {
		name, value, _ := strings.Cut(p, "=")
		rewrite := func(newPiece string) func(c *capture) bool {
			return func(c *capture) bool {
				cp := append([]string(nil), pieces...)
				cp[i] = newPiece
				c.Path = path + "?" + strings.Join(cp, "&")
				return true
			}
		}
		switch name {
		case "X-Amz-Signature":
			out = append(out, mismatch("query signature", rewrite(name+"="+flipHex(value))))
		case "X-Amz-Date":
			d, _ := time.Parse(amzDateLayout, value)
			out = append(out, mismatch("query date +1s", rewrite(name+"="+d.Add(time.Second).Format(amzDateLayout))))
		case "X-Amz-Credential":
			out = append(out, mismatch("query credential region", rewrite(name+"="+strings.Replace(value, "us-east-1", "us-east-2", 1))))
		case "X-Amz-Algorithm":
			out = append(out, mutation{name: "query algorithm", apply: rewrite(name + "=AWS4-HMAC-SHA512"),
				code: CodeIncompleteSignature, status: 400, msg: "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512' (only AWS4-HMAC-SHA256 for now). "})
		case "X-Amz-Expires":
			out = append(out, mismatch("query expires", rewrite(name+"=61")))
		case "X-Amz-SignedHeaders":
			out = append(out, mismatch("query signed headers", rewrite(name+"=accept%3Bhost")))
		default:
			out = append(out, mismatch("query value "+name, rewrite(name+"="+value+"x")))
			out = append(out, mismatch("query name "+name, rewrite(name+"x="+value)))
		}
	}
	out = append(out, mismatch("query extra parameter", func(c *capture) bool {
		c.Path += "&Extra=1"
		return true
	}))
	return out
}

func flipHex(s string) string {
	if s == "" {
		return "0"
	}
	if s[0] == '0' {
		return "1" + s[1:]
	}
	return "0" + s[1:]
}

func authHeaderMutation(name string, fn func(string) string) mutation {
	return mismatch(name, func(c *capture) bool { return setHeader(c, "Authorization", fn) })
}

func commonMutations() []mutation {
	return []mutation{
		mismatch("method", func(c *capture) bool {
			if c.Method == http.MethodGet {
				c.Method = http.MethodPost
			} else {
				c.Method = http.MethodPut
			}
			return true
		}),
		mismatch("path", func(c *capture) bool {
			c.Path = "/x" + c.Path
			return true
		}),
		mismatch("path trailing slash", func(c *capture) bool {
			c.Path = "//" + strings.TrimPrefix(c.Path, "/")
			return true
		}),
		mismatch("body", func(c *capture) bool {
			if c.Body == "" || hasHeader(*c, "x-amz-content-sha256") {
				return false
			}
			b := []byte(c.Body)
			b[len(b)/2] ^= 1
			c.Body = string(b)
			return true
		}),
		{name: "body with x-amz-content-sha256", code: CodeContentSHA256Mismatch, status: 400, msg: msgContentSHA256,
			apply: func(c *capture) bool {
				if !hasHeader(*c, "x-amz-content-sha256") {
					return false
				}
				c.Body = strings.ToUpper(c.Body)
				return true
			}},
		authHeaderMutation("authorization signature", func(v string) string {
			head, sig, _ := strings.Cut(v, "Signature=")
			return head + "Signature=" + flipHex(sig)
		}),
		authHeaderMutation("authorization scope region", func(v string) string {
			return strings.Replace(v, "/us-east-1/", "/us-west-2/", 1)
		}),
		authHeaderMutation("authorization scope service", func(v string) string {
			if strings.Contains(v, "/sts/") {
				return strings.Replace(v, "/sts/", "/iam/", 1)
			}
			return strings.Replace(v, "/iam/", "/sts/", 1)
		}),
		authHeaderMutation("authorization drop a signed header", func(v string) string {
			return strings.Replace(v, "content-type;", "", 1)
		}),
		{name: "authorization scope date", code: CodeSignatureDoesNotMatch, status: 403, apply: func(c *capture) bool {
			return setHeader(c, "Authorization", func(v string) string { return strings.Replace(v, "/20261122/", "/20261121/", 1) })
		}, msg: "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20261121' != '20261122', from '%DATE%'. "},
	}
}

func hasHeader(c capture, name string) bool {
	for _, h := range c.Headers {
		if strings.EqualFold(h[0], name) {
			return true
		}
	}
	return false
}

// TestCaptureMutationsFail changes every signed part of every signed capture
// and requires the exact rejection.
func TestCaptureMutationsFail(t *testing.T) {
	total := 0
	for _, base := range loadCaptures(t) {
		if !base.signed() {
			continue
		}
		at := base.amzDate(t)
		muts := append(headerMutations(base), queryMutations(base)...)
		muts = append(muts, commonMutations()...)
		for _, m := range muts {
			c := base.clone()
			if !m.apply(&c) {
				continue
			}
			if c.Path == base.Path && c.Method == base.Method && c.Body == base.Body && equalHeaders(c.Headers, base.Headers) {
				continue // the mutation did not apply to this capture (e.g. no us-east-1 in its scope)
			}
			total++
			_, err := verifyCapture(t, c, at)
			msg := m.msg
			if msg == "" {
				msg = msgSignatureMismatch
			}
			msg = strings.ReplaceAll(msg, "%DATE%", at.Format(amzDateLayout))
			assertError(t, base.name()+" "+m.name, err, m.code, m.status, msg)
		}
	}
	if total < 300 {
		t.Errorf("only %d mutations ran", total)
	}
	t.Logf("%d mutations rejected", total)
}

func equalHeaders(a, b [][2]string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
