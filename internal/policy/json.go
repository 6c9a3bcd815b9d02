package policy

import (
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// The policy grammar needs what encoding/json hides: duplicate keys, member
// order and byte positions. This is a small strict JSON (RFC 8259) parser
// that keeps them, with a depth limit.

type jsonKind uint8

const (
	jsonNull jsonKind = iota
	jsonBool
	jsonNumber
	jsonString
	jsonArray
	jsonObject
)

func (k jsonKind) String() string {
	switch k {
	case jsonNull:
		return "null"
	case jsonBool:
		return "boolean"
	case jsonNumber:
		return "number"
	case jsonString:
		return "string"
	case jsonArray:
		return "array"
	default:
		return "object"
	}
}

type jsonValue struct {
	kind       jsonKind
	start, end int    // byte offsets of the first byte and one past the last
	text       string // decoded string, raw number, "true"/"false"
	items      []*jsonValue
	members    []jsonMember
}

type jsonMember struct {
	key      string
	keyStart int
	value    *jsonValue
}

// jsonSyntaxError is a JSON grammar violation at an offset.
type jsonSyntaxError struct {
	offset int
	msg    string
}

type jsonParser struct {
	doc  []byte
	text string // doc as a string: unescaped strings are substrings of it
	pos  int
	err  *jsonSyntaxError
	slab []jsonValue // values are allocated in chunks

	// Members and items are collected on stacks and copied to exact-size
	// slices carved from chunks, so growing them allocates nothing.
	memberStack []jsonMember
	itemStack   []*jsonValue
	memberSlab  []jsonMember
	itemSlab    []*jsonValue
}

func (p *jsonParser) finishMembers(base int) []jsonMember {
	n := len(p.memberStack) - base
	if n > len(p.memberSlab) {
		p.memberSlab = make([]jsonMember, max(n, min(1024, max(16, len(p.doc)/40))))
	}
	out := p.memberSlab[:n:n]
	p.memberSlab = p.memberSlab[n:]
	copy(out, p.memberStack[base:])
	p.memberStack = p.memberStack[:base]
	return out
}

func (p *jsonParser) finishItems(base int) []*jsonValue {
	n := len(p.itemStack) - base
	if n > len(p.itemSlab) {
		p.itemSlab = make([]*jsonValue, max(n, min(1024, max(16, len(p.doc)/60))))
	}
	out := p.itemSlab[:n:n]
	p.itemSlab = p.itemSlab[n:]
	copy(out, p.itemStack[base:])
	p.itemStack = p.itemStack[:base]
	return out
}

func (p *jsonParser) newValue(kind jsonKind, start int) *jsonValue {
	if len(p.slab) == 0 {
		// About one value per 12 bytes of policy JSON; at least 32.
		p.slab = make([]jsonValue, max(32, min(4096, (len(p.doc)-p.pos)/12)))
	}
	v := &p.slab[0]
	p.slab = p.slab[1:]
	v.kind, v.start = kind, start
	return v
}

func parseJSON(doc []byte) (*jsonValue, *jsonSyntaxError) {
	p := &jsonParser{doc: doc, text: string(doc)}
	p.skipSpace()
	v := p.value(0)
	if p.err != nil {
		return nil, p.err
	}
	p.skipSpace()
	if p.pos < len(p.doc) {
		p.fail(p.pos, "unexpected %s after the end of the JSON document", p.describe())
		return nil, p.err
	}
	return v, nil
}

func (p *jsonParser) fail(offset int, format string, args ...any) {
	if p.err == nil {
		p.err = &jsonSyntaxError{offset: offset, msg: fmt.Sprintf(format, args...)}
	}
}

func (p *jsonParser) describe() string {
	if p.pos >= len(p.doc) {
		return "end of input"
	}
	c := p.doc[p.pos]
	if c >= 0x20 && c < 0x7f {
		return fmt.Sprintf("character '%c'", c)
	}
	return fmt.Sprintf("byte 0x%02x", c)
}

func (p *jsonParser) skipSpace() {
	for p.pos < len(p.doc) {
		switch p.doc[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *jsonParser) value(depth int) *jsonValue {
	if depth >= MaxJSONDepth {
		p.fail(p.pos, "JSON nested deeper than %d levels", MaxJSONDepth)
		return nil
	}
	if p.pos >= len(p.doc) {
		p.fail(p.pos, "unexpected end of input: expected a value")
		return nil
	}
	switch c := p.doc[p.pos]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		start := p.pos
		s, ok := p.str()
		if !ok {
			return nil
		}
		v := p.newValue(jsonString, start)
		v.end, v.text = p.pos, s
		return v
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	case c == 't':
		return p.literal("true", jsonBool)
	case c == 'f':
		return p.literal("false", jsonBool)
	case c == 'n':
		return p.literal("null", jsonNull)
	default:
		p.fail(p.pos, "unexpected %s: expected a value (object, array, string, number, true, false or null)", p.describe())
		return nil
	}
}

func (p *jsonParser) literal(word string, kind jsonKind) *jsonValue {
	start := p.pos
	if !strings.HasPrefix(p.text[p.pos:], word) {
		p.fail(p.pos, "unexpected %s: expected a value (object, array, string, number, true, false or null)", p.describe())
		return nil
	}
	p.pos += len(word)
	v := p.newValue(kind, start)
	v.end = p.pos
	if kind == jsonBool {
		v.text = word
	}
	return v
}

func (p *jsonParser) number() *jsonValue {
	start := p.pos
	digits := func() int {
		n := 0
		for p.pos < len(p.doc) && p.doc[p.pos] >= '0' && p.doc[p.pos] <= '9' {
			p.pos++
			n++
		}
		return n
	}
	if p.doc[p.pos] == '-' {
		p.pos++
	}
	intStart := p.pos
	if n := digits(); n == 0 {
		p.fail(p.pos, "invalid number: expected a digit")
		return nil
	} else if n > 1 && p.doc[intStart] == '0' {
		p.fail(intStart, "invalid number: leading zero")
		return nil
	}
	if p.pos < len(p.doc) && p.doc[p.pos] == '.' {
		p.pos++
		if digits() == 0 {
			p.fail(p.pos, "invalid number: expected a digit after the decimal point")
			return nil
		}
	}
	if p.pos < len(p.doc) && (p.doc[p.pos] == 'e' || p.doc[p.pos] == 'E') {
		p.pos++
		if p.pos < len(p.doc) && (p.doc[p.pos] == '+' || p.doc[p.pos] == '-') {
			p.pos++
		}
		if digits() == 0 {
			p.fail(p.pos, "invalid number: expected a digit in the exponent")
			return nil
		}
	}
	v := p.newValue(jsonNumber, start)
	v.end, v.text = p.pos, p.text[start:p.pos]
	return v
}

// str parses a string starting at the opening quote.
func (p *jsonParser) str() (string, bool) {
	p.pos++ // opening quote
	start := p.pos
	// Fast path: no escapes.
	for p.pos < len(p.doc) {
		c := p.doc[p.pos]
		if c == '"' {
			s := p.doc[start:p.pos]
			if !utf8.Valid(s) {
				p.fail(start, "invalid UTF-8 in string")
				return "", false
			}
			p.pos++
			return p.text[start : p.pos-1], true
		}
		if c == '\\' || c < 0x20 {
			break
		}
		p.pos++
	}
	var b strings.Builder
	b.Write(p.doc[start:p.pos])
	for p.pos < len(p.doc) {
		c := p.doc[p.pos]
		switch {
		case c == '"':
			p.pos++
			s := b.String()
			if !utf8.ValidString(s) {
				p.fail(start, "invalid UTF-8 in string")
				return "", false
			}
			return s, true
		case c < 0x20:
			p.fail(p.pos, "control character 0x%02x in string: it must be escaped", c)
			return "", false
		case c == '\\':
			if !p.escape(&b) {
				return "", false
			}
		default:
			b.WriteByte(c)
			p.pos++
		}
	}
	p.fail(p.pos, "unexpected end of input: unterminated string")
	return "", false
}

func (p *jsonParser) escape(b *strings.Builder) bool {
	at := p.pos
	p.pos++
	if p.pos >= len(p.doc) {
		p.fail(p.pos, "unexpected end of input: unterminated string")
		return false
	}
	c := p.doc[p.pos]
	p.pos++
	switch c {
	case '"', '\\', '/':
		b.WriteByte(c)
	case 'b':
		b.WriteByte('\b')
	case 'f':
		b.WriteByte('\f')
	case 'n':
		b.WriteByte('\n')
	case 'r':
		b.WriteByte('\r')
	case 't':
		b.WriteByte('\t')
	case 'u':
		r, ok := p.hex4()
		if !ok {
			p.fail(at, "invalid \\u escape in string")
			return false
		}
		if utf16.IsSurrogate(r) {
			if p.pos+1 < len(p.doc) && p.doc[p.pos] == '\\' && p.doc[p.pos+1] == 'u' {
				p.pos += 2
				r2, ok := p.hex4()
				if !ok {
					p.fail(at, "invalid \\u escape in string")
					return false
				}
				r = utf16.DecodeRune(r, r2)
			} else {
				r = utf8.RuneError
			}
		}
		b.WriteRune(r)
	default:
		p.fail(at, "invalid escape '\\%c' in string", c)
		return false
	}
	return true
}

func (p *jsonParser) hex4() (rune, bool) {
	if p.pos+4 > len(p.doc) {
		return 0, false
	}
	var r rune
	for _, c := range p.doc[p.pos : p.pos+4] {
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

func (p *jsonParser) array(depth int) *jsonValue {
	v := p.newValue(jsonArray, p.pos)
	p.pos++
	p.skipSpace()
	if p.pos < len(p.doc) && p.doc[p.pos] == ']' {
		p.pos++
		v.end = p.pos
		return v
	}
	base := len(p.itemStack)
	for {
		p.skipSpace()
		item := p.value(depth + 1)
		if p.err != nil {
			return nil
		}
		p.itemStack = append(p.itemStack, item)
		p.skipSpace()
		if p.pos >= len(p.doc) {
			p.fail(p.pos, "unexpected end of input: expected ',' or ']'")
			return nil
		}
		switch p.doc[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			v.end = p.pos
			v.items = p.finishItems(base)
			return v
		default:
			p.fail(p.pos, "unexpected %s: expected ',' or ']'", p.describe())
			return nil
		}
	}
}

func (p *jsonParser) object(depth int) *jsonValue {
	v := p.newValue(jsonObject, p.pos)
	var seen map[string]struct{}
	p.pos++
	p.skipSpace()
	if p.pos < len(p.doc) && p.doc[p.pos] == '}' {
		p.pos++
		v.end = p.pos
		return v
	}
	base := len(p.memberStack)
	for {
		p.skipSpace()
		if p.pos >= len(p.doc) || p.doc[p.pos] != '"' {
			p.fail(p.pos, "unexpected %s: expected a field name in double quotes", p.describe())
			return nil
		}
		keyStart := p.pos
		key, ok := p.str()
		if !ok {
			return nil
		}
		if isDuplicate(p.memberStack[base:], &seen, key) {
			p.fail(keyStart, "duplicate field %q", key)
			return nil
		}
		p.skipSpace()
		if p.pos >= len(p.doc) || p.doc[p.pos] != ':' {
			p.fail(p.pos, "unexpected %s: expected ':'", p.describe())
			return nil
		}
		p.pos++
		p.skipSpace()
		val := p.value(depth + 1)
		if p.err != nil {
			return nil
		}
		p.memberStack = append(p.memberStack, jsonMember{key: key, keyStart: keyStart, value: val})
		p.skipSpace()
		if p.pos >= len(p.doc) {
			p.fail(p.pos, "unexpected end of input: expected ',' or '}'")
			return nil
		}
		switch p.doc[p.pos] {
		case ',':
			p.pos++
		case '}':
			p.pos++
			v.end = p.pos
			v.members = p.finishMembers(base)
			return v
		default:
			p.fail(p.pos, "unexpected %s: expected ',' or '}'", p.describe())
			return nil
		}
	}
}

// isDuplicate reports whether key is already a member; it switches from a
// linear scan to a set for large objects so that checking stays linear.
func isDuplicate(members []jsonMember, seen *map[string]struct{}, key string) bool {
	const linearLimit = 8
	if len(members) < linearLimit {
		for _, m := range members {
			if m.key == key {
				return true
			}
		}
		return false
	}
	if *seen == nil {
		*seen = make(map[string]struct{}, 2*len(members))
		for _, m := range members {
			(*seen)[m.key] = struct{}{}
		}
	}
	if _, ok := (*seen)[key]; ok {
		return true
	}
	(*seen)[key] = struct{}{}
	return false
}
