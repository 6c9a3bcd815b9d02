package oidc

import (
	"crypto"
	"crypto/elliptic"
	"encoding/base64"
	"strings"

	"github.com/stsd/stsd/internal/strictb64"
)

// Token size bounds (the API's WebIdentityToken constraint is 4..20000).
const (
	minTokenLen = 4
	maxTokenLen = 20000
	maxKIDLen   = 1024
)

type keyKind uint8

const (
	kindRSA keyKind = iota + 1
	kindEC
)

// algorithm is one entry of the allow-list: the header's alg alone picks
// the hash and the key type (and, for ECDSA, the curve).
type algorithm struct {
	name  string
	hash  crypto.Hash
	kind  keyKind
	curve elliptic.Curve // kindEC only
}

// lookupAlg returns the allowed algorithm named by a token header, or nil.
// "none", HS*, PS*, EdDSA and everything else are not allowed.
func lookupAlg(name string) *algorithm {
	switch name {
	case "RS256":
		return &algRS256
	case "RS384":
		return &algRS384
	case "RS512":
		return &algRS512
	case "ES256":
		return &algES256
	case "ES384":
		return &algES384
	case "ES512":
		return &algES512
	}
	return nil
}

// The allow-list. These are read-only descriptors, never modified.
var (
	algRS256 = algorithm{"RS256", crypto.SHA256, kindRSA, nil}
	algRS384 = algorithm{"RS384", crypto.SHA384, kindRSA, nil}
	algRS512 = algorithm{"RS512", crypto.SHA512, kindRSA, nil}
	algES256 = algorithm{"ES256", crypto.SHA256, kindEC, elliptic.P256()}
	algES384 = algorithm{"ES384", crypto.SHA384, kindEC, elliptic.P384()}
	algES512 = algorithm{"ES512", crypto.SHA512, kindEC, elliptic.P521()}
)

// parsedToken is a structurally valid compact JWS whose signature has not
// been checked yet.
type parsedToken struct {
	alg          *algorithm
	kid          string // "" when the header has no kid
	signingInput string // the first two segments exactly as received
	signature    []byte
	claims       map[string]any
}

var b64 = base64.RawURLEncoding.Strict()

// parseCompact performs every check that needs no key: size, compact
// serialization, base64url, strict JSON, the alg allow-list and header rules.
func parseCompact(token string) (*parsedToken, *Error) {
	if len(token) < minTokenLen || len(token) > maxTokenLen {
		return nil, fail(ReasonMalformed, "token length %d outside %d..%d", len(token), minTokenLen, maxTokenLen)
	}
	if token[0] == '{' {
		return nil, fail(ReasonMalformed, "JWS JSON serialization is not accepted")
	}
	dots := strings.Count(token, ".")
	switch {
	case dots == 4:
		return nil, fail(ReasonMalformed, "JWE (encrypted token) is not accepted")
	case dots != 2:
		return nil, fail(ReasonMalformed, "compact JWS needs 3 segments, got %d", dots+1)
	}
	first := strings.IndexByte(token, '.')
	second := first + 1 + strings.IndexByte(token[first+1:], '.')
	headerB64, payloadB64, sigB64 := token[:first], token[first+1:second], token[second+1:]
	if headerB64 == "" || payloadB64 == "" {
		return nil, fail(ReasonMalformed, "empty header or payload segment")
	}
	// One buffer holds the three decoded segments.
	buf := make([]byte, b64.DecodedLen(len(headerB64))+b64.DecodedLen(len(payloadB64))+b64.DecodedLen(len(sigB64)))
	headerJSON, buf, err := decodeSegment(buf, headerB64)
	if err != nil {
		return nil, fail(ReasonMalformed, "header is not base64url: %v", err)
	}
	header, err := decodeStrictObject(headerJSON)
	if err != nil {
		return nil, fail(ReasonMalformed, "header: %v", err)
	}
	alg, kid, herr := checkHeader(header)
	if herr != nil {
		return nil, herr
	}

	if sigB64 == "" {
		return nil, fail(ReasonMalformed, "signature segment is empty")
	}
	signature, buf, err := decodeSegment(buf, sigB64)
	if err != nil {
		return nil, fail(ReasonMalformed, "signature is not base64url: %v", err)
	}
	payload, _, err := decodeSegment(buf, payloadB64)
	if err != nil {
		return nil, fail(ReasonMalformed, "payload is not base64url: %v", err)
	}
	claims, err := decodeStrictObject(payload)
	if err != nil {
		return nil, fail(ReasonMalformed, "payload: %v", err)
	}
	return &parsedToken{
		alg:          alg,
		kid:          kid,
		signingInput: token[:second],
		signature:    signature,
		claims:       claims,
	}, nil
}

// decodeSegment decodes a base64url segment into the front of buf and
// returns the decoded bytes and the rest of buf. Every byte must be in the
// base64url alphabet, line breaks included (strictb64: Go's decoder skips
// '\r' and '\n' even in Strict mode, which would give one token unlimited
// spellings; RFC 7515 §2 and §7.1: a segment is BASE64URL without line
// breaks, whitespace or padding). The error names an offset, never a byte:
// error texts carry no part of a token.
func decodeSegment(buf []byte, segment string) (decoded, rest []byte, err error) {
	n, err := strictb64.Decode(b64, buf, segment)
	if err != nil {
		return nil, nil, err
	}
	return buf[:n:n], buf[n:], nil
}

// checkHeader applies the header rules. jku, x5u, jwk and x5c are ignored:
// keys come only from the provider's registered key set.
func checkHeader(h map[string]any) (*algorithm, string, *Error) {
	rawAlg, ok := h["alg"]
	if !ok {
		return nil, "", fail(ReasonMalformed, "header has no alg")
	}
	name, ok := rawAlg.(string)
	if !ok {
		return nil, "", fail(ReasonMalformed, "header alg is not a string")
	}
	alg := lookupAlg(name)
	if alg == nil {
		return nil, "", fail(ReasonUnsupportedAlg, "alg %q is not allowed", truncate(name, 32))
	}
	if _, ok := h["crit"]; ok {
		return nil, "", fail(ReasonMalformed, "crit header parameter is not supported")
	}
	if _, ok := h["b64"]; ok {
		return nil, "", fail(ReasonMalformed, "b64 header parameter is not supported")
	}
	if _, ok := h["enc"]; ok {
		return nil, "", fail(ReasonMalformed, "enc header parameter: encrypted tokens are not accepted")
	}
	var kid string
	if rawKID, ok := h["kid"]; ok {
		kid, ok = rawKID.(string)
		if !ok {
			return nil, "", fail(ReasonMalformed, "header kid is not a string")
		}
		if len(kid) > maxKIDLen {
			return nil, "", fail(ReasonMalformed, "header kid longer than %d bytes", maxKIDLen)
		}
	}
	return alg, kid, nil
}
