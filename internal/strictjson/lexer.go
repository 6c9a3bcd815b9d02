package strictjson

import (
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Limits bound a document. A zero field admits nothing, so a forgotten
// limit fails closed.
type Limits struct {
	// MaxDepth is the deepest a value may be nested: the top-level value
	// is at depth 1 and the members and items of an object or array at
	// depth d are at depth d+1.
	MaxDepth int
	// MaxBytes is the longest document accepted.
	MaxBytes int
}

func (lim Limits) checkSize(doc []byte) error {
	if len(doc) > lim.MaxBytes {
		return &SyntaxError{Offset: lim.MaxBytes, Msg: fmt.Sprintf("document is %d bytes; the limit is %d", len(doc), lim.MaxBytes)}
	}
	return nil
}

// SyntaxError is a violation of the JSON grammar, or of a Limits, at a
// byte offset.
type SyntaxError struct {
	Offset int    // offset of the first byte in error
	Msg    string // what is wrong, without the offset
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("invalid JSON at offset %d: %s", e.Offset, e.Msg)
}

// Kind is the type of a JSON value.
type Kind uint8

// The kinds of JSON values.
const (
	Null Kind = iota
	Bool
	Number
	String
	Array
	Object
)

// String names the kind as a message to a person would: "null",
// "boolean", "number", "string", "array" or "object".
func (k Kind) String() string {
	switch k {
	case Null:
		return "null"
	case Bool:
		return "boolean"
	case Number:
		return "number"
	case String:
		return "string"
	case Array:
		return "array"
	default:
		return "object"
	}
}

// lexer reads the tokens of one document: whitespace, literals, numbers and
// strings. Both parsers (Parse and DecodeObject) embed it and add only the
// grammar of arrays and objects. Strings without escapes and numbers are
// substrings of text, so they cost no allocation.
type lexer struct {
	text string
	pos  int
}

func (l *lexer) errorf(offset int, format string, args ...any) *SyntaxError {
	return &SyntaxError{Offset: offset, Msg: fmt.Sprintf(format, args...)}
}

// expected reports what the byte at pos is and what should be there.
func (l *lexer) expected(what string) *SyntaxError {
	return l.errorf(l.pos, "unexpected %s: expected %s", l.describe(), what)
}

func (l *lexer) depthError(max int) *SyntaxError {
	return l.errorf(l.pos, "JSON nested deeper than %d levels", max)
}

// describe names the byte at pos for a message.
func (l *lexer) describe() string {
	if l.pos >= len(l.text) {
		return "end of input"
	}
	c := l.text[l.pos]
	if c >= 0x20 && c < 0x7f {
		return fmt.Sprintf("character '%c'", c)
	}
	return fmt.Sprintf("byte 0x%02x", c)
}

func (l *lexer) skipSpace() {
	for l.pos < len(l.text) {
		switch l.text[l.pos] {
		case ' ', '\t', '\n', '\r':
			l.pos++
		default:
			return
		}
	}
}

const expectedValue = "a value (object, array, string, number, true, false or null)"

// scalar reads the string, number, true, false or null at pos; pos is
// before the end of the text. The text is the decoded string, the number
// as written, "true", "false", or "" for null.
func (l *lexer) scalar() (Kind, string, *SyntaxError) {
	switch c := l.text[l.pos]; {
	case c == '"':
		s, err := l.str()
		return String, s, err
	case c == '-' || (c >= '0' && c <= '9'):
		s, err := l.number()
		return Number, s, err
	case c == 't':
		return Bool, "true", l.literal("true")
	case c == 'f':
		return Bool, "false", l.literal("false")
	case c == 'n':
		return Null, "", l.literal("null")
	}
	return Null, "", l.expected(expectedValue)
}

func (l *lexer) literal(word string) *SyntaxError {
	if !strings.HasPrefix(l.text[l.pos:], word) {
		return l.expected(expectedValue)
	}
	l.pos += len(word)
	return nil
}

// number reads exactly RFC 8259's number grammar and returns the text.
func (l *lexer) number() (string, *SyntaxError) {
	start := l.pos
	if l.text[l.pos] == '-' {
		l.pos++
	}
	intStart := l.pos
	if n := l.digits(); n == 0 {
		return "", l.errorf(l.pos, "invalid number: expected a digit")
	} else if n > 1 && l.text[intStart] == '0' {
		return "", l.errorf(intStart, "invalid number: leading zero")
	}
	if l.pos < len(l.text) && l.text[l.pos] == '.' {
		l.pos++
		if l.digits() == 0 {
			return "", l.errorf(l.pos, "invalid number: expected a digit after the decimal point")
		}
	}
	if l.pos < len(l.text) && (l.text[l.pos] == 'e' || l.text[l.pos] == 'E') {
		l.pos++
		if l.pos < len(l.text) && (l.text[l.pos] == '+' || l.text[l.pos] == '-') {
			l.pos++
		}
		if l.digits() == 0 {
			return "", l.errorf(l.pos, "invalid number: expected a digit in the exponent")
		}
	}
	return l.text[start:l.pos], nil
}

func (l *lexer) digits() int {
	start := l.pos
	for l.pos < len(l.text) && l.text[l.pos] >= '0' && l.text[l.pos] <= '9' {
		l.pos++
	}
	return l.pos - start
}

// str reads the string whose opening quote is at pos and returns it
// unescaped. Raw bytes must be valid UTF-8; that is checked once the string
// is otherwise complete, so a control character or a bad escape is
// reported first, at its own offset.
func (l *lexer) str() (string, *SyntaxError) {
	start := l.pos + 1
	ascii := true
	for i := start; i < len(l.text); i++ {
		c := l.text[i]
		if !stringSpecial[c] {
			continue
		}
		switch {
		case c == '"':
			l.pos = i + 1
			s := l.text[start:i] // a substring: no copy
			if !ascii && !utf8.ValidString(s) {
				return "", l.errorf(start, "invalid UTF-8 in string")
			}
			return s, nil
		case c == '\\':
			l.pos = i
			return l.unescape(start, ascii)
		case c < 0x20:
			return "", l.errorf(i, "control character 0x%02x in string: it must be escaped", c)
		}
		ascii = false
	}
	return "", l.errorf(len(l.text), "unexpected end of input: unterminated string")
}

// stringSpecial marks the bytes a string scan stops at: the closing quote,
// a backslash, control characters and bytes of multi-byte UTF-8.
var stringSpecial = func() (t [256]bool) {
	for c := range t {
		t[c] = c == '"' || c == '\\' || c < 0x20 || c >= utf8.RuneSelf
	}
	return t
}()

// unescape finishes a string that starts at start and has an escape at
// pos. It allocates once: the decoded string is never longer than the raw
// one.
func (l *lexer) unescape(start int, ascii bool) (string, *SyntaxError) {
	var b strings.Builder
	b.Grow(l.rawLen(start))
	b.WriteString(l.text[start:l.pos])
	for {
		if err := l.escape(&b); err != nil {
			return "", err
		}
		run := l.pos
		for l.pos < len(l.text) {
			c := l.text[l.pos]
			if stringSpecial[c] {
				if c < utf8.RuneSelf {
					break
				}
				ascii = false
			}
			l.pos++
		}
		b.WriteString(l.text[run:l.pos])
		if l.pos >= len(l.text) {
			return "", l.errorf(l.pos, "unexpected end of input: unterminated string")
		}
		switch c := l.text[l.pos]; {
		case c == '"':
			l.pos++
			s := b.String()
			// Escapes decode to whole UTF-8 sequences, so s is valid
			// exactly when the raw bytes between them are.
			if !ascii && !utf8.ValidString(s) {
				return "", l.errorf(start, "invalid UTF-8 in string")
			}
			return s, nil
		case c < 0x20:
			return "", l.errorf(l.pos, "control character 0x%02x in string: it must be escaped", c)
		}
	}
}

// rawLen is the length of the string's raw text from start to its closing
// quote, or to the end of the text if there is none.
func (l *lexer) rawLen(start int) int {
	i := l.pos
	for i < len(l.text) && l.text[i] != '"' {
		if l.text[i] == '\\' {
			i++
		}
		i++
	}
	return min(i, len(l.text)) - start
}

// escape decodes the escape sequence at pos into b.
func (l *lexer) escape(b *strings.Builder) *SyntaxError {
	at := l.pos
	if at+1 >= len(l.text) {
		return l.errorf(len(l.text), "unexpected end of input: unterminated string")
	}
	c := l.text[at+1]
	l.pos = at + 2
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
		r, ok := hex4(l.text[l.pos:])
		if !ok {
			return l.errorf(at, "invalid \\u escape in string")
		}
		l.pos += 4
		if utf16.IsSurrogate(r) {
			r = l.pair(r)
		}
		b.WriteRune(r)
	default:
		return l.errorf(at, "invalid escape '\\%c' in string", c)
	}
	return nil
}

// pair completes the surrogate r: a high surrogate followed by a \u escape
// of a low one is the pair's code point and consumes that escape. Anything
// else (a lone low surrogate, a high one at the end of the string or
// followed by any other character or escape) is U+FFFD and consumes
// nothing more, so a following escape is decoded on its own — what
// encoding/json does.
func (l *lexer) pair(r rune) rune {
	rest := l.text[l.pos:]
	if r < 0xDC00 && len(rest) >= 6 && rest[0] == '\\' && rest[1] == 'u' {
		if lo, ok := hex4(rest[2:]); ok && lo >= 0xDC00 && lo <= 0xDFFF {
			l.pos += 6
			return utf16.DecodeRune(r, lo)
		}
	}
	return utf8.RuneError
}

// hex4 decodes the four hex digits at the start of s.
func hex4(s string) (rune, bool) {
	if len(s) < 4 {
		return 0, false
	}
	var r rune
	for i := range 4 {
		c := s[i]
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
	return r, true
}
