package oidc

import (
	"unicode/utf8"

	"github.com/stsd/stsd/internal/strictjson"
)

// jsonLimits bound token headers and payloads, discovery documents and
// key sets: nesting, and the size of the largest of them, a fetched body
// (maxBodyBytes; tokens are at most 20,000 bytes).
var jsonLimits = strictjson.Limits{MaxDepth: 32, MaxBytes: 1 << 20}

// errNotObject is the error for a document that is not a JSON object.
var errNotObject = strictjson.ErrNotObject

// decodeStrictObject decodes one JSON object with strictjson.DecodeObject
// (RFC 8259, single linear pass). Unlike encoding/json it rejects duplicate
// member names at every level (after unescaping, so "s\u0075b" and "sub"
// collide), invalid UTF-8, trailing data and anything beyond jsonLimits.
// Values are what encoding/json produces with UseNumber: map[string]any,
// []any, string, json.Number, bool and nil. Lone surrogate escapes become
// U+FFFD, as in encoding/json.
func decodeStrictObject(raw []byte) (map[string]any, error) {
	return strictjson.DecodeObject(raw, jsonLimits)
}

// truncate shortens s for inclusion in an internal error message, on a
// rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
