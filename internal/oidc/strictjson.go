package oidc

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// maxJSONDepth bounds nesting in token headers and payloads.
const maxJSONDepth = 32

var (
	errNotObject = errors.New("JSON value is not an object")
	errBadUTF8   = errors.New("JSON text is not valid UTF-8")
)

// decodeStrictObject decodes one JSON object (RFC 8259) in a single linear
// pass. Unlike encoding/json it rejects duplicate member names at every
// level (after unescaping, so "s\u0075b" and "sub" collide), invalid UTF-8,
// trailing data and nesting deeper than maxJSONDepth. Values are what
// encoding/json produces with UseNumber: map[string]any, []any, string,
// json.Number, bool and nil. Lone surrogate escapes become U+FFFD, as in
// encoding/json.
func decodeStrictObject(raw []byte) (map[string]any, error) {
	if !utf8.Valid(raw) {
		return nil, errBadUTF8
	}
	// One copy of the text: unescaped strings and numbers are substrings of
	// it, so they cost no allocation of their own.
	data := string(raw)
	// Size the top-level map once: every member needs a ':'.
	p := jsonParser{data: data, topSize: min(strings.Count(data, ":"), 64)}
	p.skipSpace()
	if p.pos >= len(data) || data[p.pos] != '{' {
		return nil, errNotObject
	}
	obj, err := p.object()
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos != len(data) {
		return nil, p.errorf("trailing data after JSON object")
	}
	return obj, nil
}

type jsonParser struct {
	data    string
	pos     int
	depth   int
	topSize int
}

func (p *jsonParser) errorf(format string, args ...any) error {
	return fmt.Errorf("invalid JSON at offset %d: %s", p.pos, fmt.Sprintf(format, args...))
}

func (p *jsonParser) skipSpace() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *jsonParser) value() (any, error) {
	p.skipSpace()
	if p.pos >= len(p.data) {
		return nil, p.errorf("unexpected end of input")
	}
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		return p.string()
	case c == 't':
		return true, p.literal("true")
	case c == 'f':
		return false, p.literal("false")
	case c == 'n':
		return nil, p.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	}
	return nil, p.errorf("unexpected character %q", p.data[p.pos])
}

func (p *jsonParser) literal(word string) error {
	if !strings.HasPrefix(p.data[p.pos:], word) {
		return p.errorf("invalid literal")
	}
	p.pos += len(word)
	return nil
}

func (p *jsonParser) enter() error {
	p.depth++
	if p.depth > maxJSONDepth {
		return p.errorf("nested deeper than %d", maxJSONDepth)
	}
	p.pos++ // the opening '{' or '['
	return nil
}

func (p *jsonParser) object() (map[string]any, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	size := 4
	if p.depth == 1 {
		size = p.topSize
	}
	obj := make(map[string]any, size)
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		p.depth--
		return obj, nil
	}
	for {
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return nil, p.errorf("expected a member name")
		}
		key, err := p.string()
		if err != nil {
			return nil, err
		}
		if _, dup := obj[key]; dup {
			return nil, fmt.Errorf("duplicate JSON member %q", truncate(key, 64))
		}
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return nil, p.errorf("expected ':'")
		}
		p.pos++
		val, err := p.value()
		if err != nil {
			return nil, err
		}
		obj[key] = val
		p.skipSpace()
		if p.pos >= len(p.data) {
			return nil, p.errorf("unterminated object")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case '}':
			p.pos++
			p.depth--
			return obj, nil
		default:
			return nil, p.errorf("expected ',' or '}'")
		}
	}
}

func (p *jsonParser) array() ([]any, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	arr := []any{}
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		p.depth--
		return arr, nil
	}
	for {
		val, err := p.value()
		if err != nil {
			return nil, err
		}
		arr = append(arr, val)
		p.skipSpace()
		if p.pos >= len(p.data) {
			return nil, p.errorf("unterminated array")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			p.depth--
			return arr, nil
		default:
			return nil, p.errorf("expected ',' or ']'")
		}
	}
}

// number accepts exactly RFC 8259's grammar and keeps the text.
func (p *jsonParser) number() (json.Number, error) {
	start := p.pos
	if p.data[p.pos] == '-' {
		p.pos++
	}
	switch {
	case p.pos < len(p.data) && p.data[p.pos] == '0':
		p.pos++
	case p.pos < len(p.data) && p.data[p.pos] >= '1' && p.data[p.pos] <= '9':
		p.digits()
	default:
		return "", p.errorf("invalid number")
	}
	if p.pos < len(p.data) && p.data[p.pos] == '.' {
		p.pos++
		if p.digits() == 0 {
			return "", p.errorf("invalid number")
		}
	}
	if p.pos < len(p.data) && (p.data[p.pos] == 'e' || p.data[p.pos] == 'E') {
		p.pos++
		if p.pos < len(p.data) && (p.data[p.pos] == '+' || p.data[p.pos] == '-') {
			p.pos++
		}
		if p.digits() == 0 {
			return "", p.errorf("invalid number")
		}
	}
	return json.Number(p.data[start:p.pos]), nil // a substring: no copy
}

func (p *jsonParser) digits() int {
	start := p.pos
	for p.pos < len(p.data) && p.data[p.pos] >= '0' && p.data[p.pos] <= '9' {
		p.pos++
	}
	return p.pos - start
}

// string parses a quoted string; the input is already known to be UTF-8.
func (p *jsonParser) string() (string, error) {
	p.pos++ // the opening quote
	start := p.pos
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		switch {
		case c == '"':
			s := p.data[start:p.pos] // a substring: no copy
			p.pos++
			return s, nil
		case c == '\\':
			return p.escapedString(start)
		case c < 0x20:
			return "", p.errorf("control character in string")
		}
		p.pos++
	}
	return "", p.errorf("unterminated string")
}

func (p *jsonParser) escapedString(start int) (string, error) {
	buf := make([]byte, 0, p.pos-start+16)
	buf = append(buf, p.data[start:p.pos]...)
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		switch {
		case c == '"':
			p.pos++
			return string(buf), nil
		case c < 0x20:
			return "", p.errorf("control character in string")
		case c != '\\':
			buf = append(buf, c)
			p.pos++
			continue
		}
		if p.pos+1 >= len(p.data) {
			return "", p.errorf("unterminated escape")
		}
		esc := p.data[p.pos+1]
		p.pos += 2
		switch esc {
		case '"', '\\', '/':
			buf = append(buf, esc)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, ok := p.hex4()
			if !ok {
				return "", p.errorf("invalid \\u escape")
			}
			buf = utf8.AppendRune(buf, p.surrogate(r))
		default:
			return "", p.errorf("invalid escape")
		}
	}
	return "", p.errorf("unterminated string")
}

// surrogate combines a high surrogate with a following \u low surrogate;
// a lone surrogate becomes U+FFFD (encoding/json's behaviour).
func (p *jsonParser) surrogate(r rune) rune {
	if r < 0xD800 || r > 0xDFFF {
		return r
	}
	if r < 0xDC00 && p.pos+1 < len(p.data) && p.data[p.pos] == '\\' && p.data[p.pos+1] == 'u' {
		save := p.pos
		p.pos += 2
		if lo, ok := p.hex4(); ok && lo >= 0xDC00 && lo <= 0xDFFF {
			return 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00)
		}
		p.pos = save
	}
	return utf8.RuneError
}

func (p *jsonParser) hex4() (rune, bool) {
	if len(p.data)-p.pos < 4 {
		return 0, false
	}
	var r rune
	for i := p.pos; i < p.pos+4; i++ {
		c := p.data[i]
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	p.pos += 4
	return r, true
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
