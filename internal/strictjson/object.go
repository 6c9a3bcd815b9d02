package strictjson

import (
	"encoding/json"
	"errors"
	"strings"
	"unicode/utf8"
)

// ErrNotObject is DecodeObject's answer to a document whose value is not
// an object.
var ErrNotObject = errors.New("JSON value is not an object")

// DecodeObject decodes doc, which must be one JSON object, in a single pass
// into what encoding/json's Decoder with UseNumber produces: map[string]any,
// []any, string, json.Number, bool and nil. Unlike encoding/json it rejects
// duplicate member names at every level, invalid UTF-8, trailing data and
// anything beyond lim. Failures are *SyntaxError (duplicate keys quoted in
// them are cut to 64 bytes) or ErrNotObject.
//
// It is on the token-verification hot path: the document is copied to a
// string once, and strings without escapes and numbers are substrings of
// that copy, so they allocate nothing of their own.
func DecodeObject(doc []byte, lim Limits) (map[string]any, error) {
	if err := lim.checkSize(doc); err != nil {
		return nil, err
	}
	text := string(doc)
	// Size the top-level map once: every member needs a ':'.
	d := objectDecoder{lexer: lexer{text: text}, maxDepth: lim.MaxDepth, topSize: min(strings.Count(text, ":"), 64)}
	d.skipSpace()
	if d.pos >= len(text) || text[d.pos] != '{' {
		return nil, ErrNotObject
	}
	if lim.MaxDepth < 1 {
		return nil, d.depthError(lim.MaxDepth)
	}
	obj, err := d.object(1)
	if err != nil {
		return nil, err
	}
	d.skipSpace()
	if d.pos != len(text) {
		return nil, d.errorf(d.pos, "trailing data after the JSON object: unexpected %s", d.describe())
	}
	return obj, nil
}

type objectDecoder struct {
	lexer
	maxDepth int
	topSize  int
}

// value decodes the value at pos (after any whitespace).
func (d *objectDecoder) value(depth int) (any, *SyntaxError) {
	if depth > d.maxDepth {
		return nil, d.depthError(d.maxDepth)
	}
	if d.pos >= len(d.text) {
		return nil, d.errorf(d.pos, "unexpected end of input: expected a value")
	}
	switch d.text[d.pos] {
	case '{':
		obj, err := d.object(depth)
		if err != nil {
			return nil, err
		}
		return obj, nil
	case '[':
		arr, err := d.array(depth)
		if err != nil {
			return nil, err
		}
		return arr, nil
	}
	kind, text, err := d.scalar()
	if err != nil {
		return nil, err
	}
	switch kind {
	case String:
		return text, nil
	case Number:
		return json.Number(text), nil
	case Bool:
		return text == "true", nil
	}
	return nil, nil
}

func (d *objectDecoder) object(depth int) (map[string]any, *SyntaxError) {
	size := 4
	if depth == 1 {
		size = d.topSize
	}
	obj := make(map[string]any, size)
	d.pos++
	d.skipSpace()
	if d.pos < len(d.text) && d.text[d.pos] == '}' {
		d.pos++
		return obj, nil
	}
	for {
		d.skipSpace()
		if d.pos >= len(d.text) || d.text[d.pos] != '"' {
			return nil, d.expected("a field name in double quotes")
		}
		keyStart := d.pos
		key, err := d.str()
		if err != nil {
			return nil, err
		}
		if _, dup := obj[key]; dup {
			return nil, d.errorf(keyStart, "duplicate field %q", truncate(key, 64))
		}
		d.skipSpace()
		if d.pos >= len(d.text) || d.text[d.pos] != ':' {
			return nil, d.expected("':'")
		}
		d.pos++
		d.skipSpace()
		val, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		obj[key] = val
		d.skipSpace()
		if d.pos >= len(d.text) {
			return nil, d.expected("',' or '}'")
		}
		switch d.text[d.pos] {
		case ',':
			d.pos++
		case '}':
			d.pos++
			return obj, nil
		default:
			return nil, d.expected("',' or '}'")
		}
	}
}

func (d *objectDecoder) array(depth int) ([]any, *SyntaxError) {
	arr := []any{}
	d.pos++
	d.skipSpace()
	if d.pos < len(d.text) && d.text[d.pos] == ']' {
		d.pos++
		return arr, nil
	}
	for {
		d.skipSpace()
		val, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		arr = append(arr, val)
		d.skipSpace()
		if d.pos >= len(d.text) {
			return nil, d.expected("',' or ']'")
		}
		switch d.text[d.pos] {
		case ',':
			d.pos++
		case ']':
			d.pos++
			return arr, nil
		default:
			return nil, d.expected("',' or ']'")
		}
	}
}

// truncate shortens s to at most n bytes on a rune boundary, marking the
// cut: keys come from untrusted documents and end up in logs.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
