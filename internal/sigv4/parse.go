package sigv4

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Query-string parameter names of the presigned form.
const (
	paramAlgorithm     = "X-Amz-Algorithm"
	paramCredential    = "X-Amz-Credential"
	paramDate          = "X-Amz-Date"
	paramExpires       = "X-Amz-Expires"
	paramSignedHeaders = "X-Amz-SignedHeaders"
	paramSignature     = "X-Amz-Signature"
	paramToken         = "X-Amz-Security-Token"
	paramContentSHA256 = "X-Amz-Content-Sha256"
)

// maxPresignExpires is SigV4's upper bound for X-Amz-Expires (seven days).
const maxPresignExpires = 604800

// authFields are the raw authentication fields of either form.
type authFields struct {
	algorithm, credential, signedHeaders, signature, date string
}

// ParseRequest parses and canonicalizes the SigV4 authentication of r, whose
// body the caller has already read (size-capped) into body. It accepts the
// Authorization header form and the presigned query form. A request with
// neither yields MissingAuthenticationToken. ParseRequest needs no clock and
// no secret; pass the result to Verifier.Verify.
func ParseRequest(r *http.Request, body []byte) (*Request, error) {
	return parseRequest(r, body, true)
}

// ParseRequestWithoutBody parses r when the body is not available to the
// verifier (a proxy's forward-auth subrequest carries headers only). The
// payload hash is the one the client claimed in x-amz-content-sha256 (a
// signed header on every client that sends it), or the hash of an empty
// body when it claimed none. The signature then proves the headers, and
// the claimed hash binds the body for whoever receives it; a client that
// signed a body without sending the header does not verify.
func ParseRequestWithoutBody(r *http.Request) (*Request, error) {
	return parseRequest(r, nil, false)
}

func parseRequest(r *http.Request, body []byte, haveBody bool) (*Request, error) {
	if r == nil || r.URL == nil {
		return nil, errMissingAuth()
	}
	params, qerr := parseQuery(r.URL.RawQuery)
	if qerr != nil {
		return nil, qerr
	}
	authz := r.Header.Values("Authorization")
	_, queryAuth := lookup(params, paramAlgorithm)
	switch {
	case len(authz) > 0 && queryAuth:
		return nil, errIncomplete(msgFoundBoth)
	case len(authz) == 0 && !queryAuth:
		return nil, errMissingAuth()
	}
	if err := checkDuplicates(params); err != nil {
		return nil, err
	}
	req := &Request{Presigned: queryAuth}
	var f authFields
	var err *Error
	if queryAuth {
		f, err = parseQueryAuth(params, req)
	} else {
		f, err = parseHeaderAuth(r, authz)
	}
	if err != nil {
		return nil, err
	}
	if err := req.fill(f); err != nil {
		return nil, err
	}
	if err := req.setSessionToken(r, params); err != nil {
		return nil, err
	}
	payload, err := payloadHash(r, params, req, body, haveBody)
	if err != nil {
		return nil, err
	}
	req.Payload = payload
	req.canonicalHash = canonicalRequestHash(r, params, req, payload)
	return req, nil
}

// parseHeaderAuth reads the Authorization header form.
func parseHeaderAuth(r *http.Request, authz []string) (authFields, *Error) {
	var f authFields
	if len(authz) > 1 {
		return f, errIncomplete(msgManyAuthHeaders)
	}
	header := authz[0]
	if !strings.HasPrefix(strings.TrimSpace(header), "AWS4-") {
		return f, errMissingAuth()
	}
	alg, rest, _ := strings.Cut(strings.TrimSpace(header), " ")
	f.algorithm = alg
	var seenCredential, seenSignedHeaders, seenSignature bool
	for piece := range strings.FieldsFuncSeq(rest, func(c rune) bool { return c == ',' || c == ' ' }) {
		key, value, ok := strings.Cut(piece, "=")
		if !ok {
			return f, errNotKeyValue(piece, header)
		}
		var dst *string
		var seen *bool
		switch key {
		case "Credential":
			dst, seen = &f.credential, &seenCredential
		case "SignedHeaders":
			dst, seen = &f.signedHeaders, &seenSignedHeaders
		case "Signature":
			dst, seen = &f.signature, &seenSignature
		default:
			continue // unknown parameters are ignored
		}
		if *seen {
			return f, errIncomplete(msgDuplicateAuthParam + key + "' more than once.")
		}
		*seen = true
		*dst = value
	}
	dates := r.Header.Values("X-Amz-Date")
	if len(dates) > 1 {
		return f, errIncomplete(msgManyDateHeaders)
	}
	if len(dates) == 1 {
		f.date = dates[0]
	}
	var missing strings.Builder
	for _, m := range []struct{ name, value string }{
		{"Credential", f.credential}, {"Signature", f.signature}, {"SignedHeaders", f.signedHeaders},
	} {
		if m.value == "" {
			missing.WriteString("Authorization header requires '" + m.name + "' parameter. ")
		}
	}
	if f.date == "" && r.Header.Get("Date") == "" {
		missing.WriteString("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ")
	}
	if missing.Len() > 0 {
		missing.WriteString("Authorization=" + header)
		return f, errIncomplete(missing.String())
	}
	if f.date == "" {
		t, err := http.ParseTime(r.Header.Get("Date"))
		if err != nil {
			return f, errBadDate(r.Header.Get("Date"))
		}
		f.date = t.UTC().Format(amzDateLayout)
	}
	return f, nil
}

// parseQueryAuth reads the presigned query form.
func parseQueryAuth(params []queryParam, req *Request) (authFields, *Error) {
	var f authFields
	var missing strings.Builder
	for _, m := range []struct {
		name string
		dst  *string
	}{
		{paramAlgorithm, &f.algorithm}, {paramCredential, &f.credential}, {paramSignature, &f.signature},
		{paramSignedHeaders, &f.signedHeaders}, {paramDate, &f.date},
	} {
		*m.dst, _ = lookup(params, m.name)
		if *m.dst == "" {
			missing.WriteString("AWS query-string parameters must include '" + m.name + "'. ")
		}
	}
	if missing.Len() > 0 {
		missing.WriteString("Re-examine the query-string parameters.")
		return f, errIncomplete(missing.String())
	}
	if v, ok := lookup(params, paramExpires); ok {
		secs, err := parseExpires(v)
		if err != nil {
			return f, err
		}
		req.Expires = time.Duration(secs) * time.Second
	}
	return f, nil
}

func parseExpires(v string) (int64, *Error) {
	n, err := strconv.ParseInt(v, 10, 64)
	switch {
	case err != nil && strings.HasPrefix(v, "-") && isDigits(v[1:]):
		return 0, errQueryParams(msgExpiresNegative)
	case err != nil && isDigits(v):
		return 0, errQueryParams(msgExpiresTooLarge)
	case err != nil || !isDigits(strings.TrimPrefix(v, "-")):
		return 0, errQueryParams(msgExpiresNotNumber)
	case n < 0:
		return 0, errQueryParams(msgExpiresNegative)
	case n == 0:
		return 0, errQueryParams(msgExpiresZero)
	case n > maxPresignExpires:
		return 0, errQueryParams(msgExpiresTooLarge)
	}
	return n, nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// fill validates the date, algorithm, credential and signed headers.
func (req *Request) fill(f authFields) *Error {
	t, err := time.Parse(amzDateLayout, f.date)
	if err != nil || len(f.date) != len(amzDateLayout) || t.Year() < 1970 {
		return errBadDate(f.date) // year 1 would be time's zero value: "no date"
	}
	names, serr := parseSignedHeaders(f.signedHeaders)
	if serr != nil {
		return serr
	}
	if f.algorithm != Algorithm {
		return errAlgorithm(f.algorithm)
	}
	cred := strings.TrimRight(f.credential, "/")
	parts := strings.Split(cred, "/")
	if len(parts) != 5 || parts[0] == "" {
		return errCredentialParts(f.credential) // no access key id
	}
	req.AccessKeyID = parts[0]
	req.Scope = Scope{Date: parts[1], Region: parts[2], Service: parts[3], Terminator: parts[4]}
	req.Date = t
	req.amzDate = f.date
	req.SignedHeaders = names
	req.signature = f.signature
	return nil
}

// setSessionToken takes the token from the header (header form) or the query
// (presigned form); two tokens are rejected as ambiguous.
func (req *Request) setSessionToken(r *http.Request, params []queryParam) *Error {
	headerTokens := r.Header.Values("X-Amz-Security-Token")
	queryToken, inQuery := lookup(params, paramToken)
	if len(headerTokens) > 1 || (len(headerTokens) == 1 && inQuery) {
		return errIncomplete(msgManyTokens)
	}
	if len(headerTokens) == 1 {
		req.SessionToken = headerTokens[0]
	} else {
		req.SessionToken = queryToken
	}
	return nil
}

// payloadHash returns the hex payload hash for the canonical request. When
// the client sent x-amz-content-sha256 (header, or query on a presigned
// request) it must equal the body's hash; UNSIGNED-PAYLOAD is accepted only
// for an empty body, so no unsigned byte is ever acted on.
func payloadHash(r *http.Request, params []queryParam, req *Request, body []byte, haveBody bool) (string, *Error) {
	sum := sha256.Sum256(body)
	computed := hex.EncodeToString(sum[:])
	claims := r.Header.Values("X-Amz-Content-Sha256")
	if v, ok := lookup(params, paramContentSHA256); ok {
		claims = append(claims[:len(claims):len(claims)], v)
	}
	switch {
	case len(claims) == 0 && req.Presigned && req.Scope.Service == "s3":
		// A presigned S3 URL signs no body: "When you compute the
		// signature [of a presigned URL], you use UNSIGNED-PAYLOAD as the
		// payload hash" (S3 API Reference, "Authenticating Requests: Using
		// Query Parameters (AWS Signature Version 4)").
		return UnsignedPayload, nil
	case len(claims) == 0:
		return computed, nil
	case len(claims) > 1:
		return "", newError(CodeContentSHA256Mismatch, http.StatusBadRequest, msgContentSHA256)
	case !haveBody && (claims[0] == UnsignedPayload || isHexSHA256(claims[0])):
		return claims[0], nil
	case claims[0] == UnsignedPayload && len(body) == 0:
		return UnsignedPayload, nil
	case claims[0] == computed:
		return computed, nil
	}
	return "", newError(CodeContentSHA256Mismatch, http.StatusBadRequest, msgContentSHA256)
}

// canonicalRequestHash builds the canonical request and returns its SHA-256.
// It is built in one buffer — on the stack when it fits in 1 KiB, else
// sized for the common case (the path and the query encoded without
// escapes, the headers as sent) — and hashed in place.
func canonicalRequestHash(r *http.Request, params []queryParam, req *Request, payload string) [32]byte {
	path := r.URL.EscapedPath()
	size := len(r.Method) + len(path) + len(r.URL.RawQuery) + canonicalHeadersSize(r, req.SignedHeaders) +
		len(payload) + len("\n/\n\n\n\n\n")
	var stack [1024]byte
	b := stack[:0]
	if size > len(stack) {
		b = make([]byte, 0, size)
	}
	b = append(b, r.Method...)
	b = append(b, '\n')
	if req.Scope.Service == "s3" {
		b = appendS3CanonicalURI(b, path)
	} else {
		b = appendCanonicalURI(b, path)
	}
	b = append(b, '\n')
	skip := ""
	if req.Presigned {
		skip = paramSignature
	}
	b = appendCanonicalQuery(b, params, skip)
	b = append(b, '\n')
	b = appendCanonicalHeaders(b, r, req.SignedHeaders)
	b = append(b, '\n')
	for i, n := range req.SignedHeaders {
		if i > 0 {
			b = append(b, ';')
		}
		b = append(b, n...)
	}
	b = append(b, '\n')
	b = append(b, payload...)
	return sha256.Sum256(b)
}

// isHexSHA256 reports whether s is 64 lower-case hex digits.
func isHexSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !(s[i] >= '0' && s[i] <= '9' || s[i] >= 'a' && s[i] <= 'f') {
			return false
		}
	}
	return true
}
