package strictjson

import (
	"reflect"
	"testing"
)

// TestStrings runs string literals through both outputs (Parse on the bare
// literal, DecodeObject on {"k":literal}) and compares with encoding/json
// wherever it accepts them too.
func TestStrings(t *testing.T) {
	tests := []struct {
		name string
		lit  string // a JSON string literal, the whole document
		want string // the decoded string, when accepted
		msg  string // the error, when rejected
		at   int    // the error's offset in lit
		// stdOnly: encoding/json accepts what we reject, and decodes it to
		// want.
		stdOnly bool
		// open: the literal runs to the end of the document, so
		// DecodeObject reads {"k": and the literal, with no closing brace.
		open bool
	}{
		{name: "plain", lit: `"abc"`, want: "abc"},
		{name: "empty", lit: `""`, want: ""},
		{name: "short escapes", lit: `"\"\\\/\b\f\n\r\t"`, want: "\"\\/\b\f\n\r\t"},
		{name: "escape between text", lit: `"a\nb\tc"`, want: "a\nb\tc"},
		{name: "u escape", lit: `"\u00e9\u00C9"`, want: "éÉ"},
		{name: "u escape of NUL", lit: `"\u0000"`, want: "\x00"},
		{name: "u escape of a 3-byte rune", lit: `"\u20ac"`, want: "€"},
		{name: "surrogate pair", lit: `"\ud83d\ude00"`, want: "😀"},
		{name: "surrogate pair upper-case hex", lit: `"\uD83D\uDE00x"`, want: "😀x"},
		{name: "highest pair", lit: `"\udbff\udfff"`, want: "\U0010FFFF"},
		{name: "lone high at the end", lit: `"\ud800"`, want: "\uFFFD"},
		{name: "lone high before text", lit: `"\ud800x"`, want: "\uFFFDx"},
		{name: "lone high before a short escape", lit: `"\ud800\n"`, want: "\uFFFD\n"},
		{name: "high then a non-surrogate escape", lit: `"\ud800\u0041"`, want: "\uFFFDA"},
		{name: "high then a pair", lit: `"\ud800\ud83d\ude00"`, want: "\uFFFD😀"},
		{name: "two highs", lit: `"\ud800\ud800"`, want: "\uFFFD\uFFFD"},
		{name: "lone low", lit: `"\udc00"`, want: "\uFFFD"},
		{name: "lone low then an escape", lit: `"\udc00\u0041"`, want: "\uFFFDA"},
		{name: "low then high (reversed pair)", lit: `"\ude00\ud83d"`, want: "\uFFFD\uFFFD"},
		{name: "two lows", lit: `"\udc00\udfff"`, want: "\uFFFD\uFFFD"},
		{name: "high then bad hex", lit: `"\ud800\u12G4"`, msg: `invalid \u escape in string`, at: 7},
		{name: "bad hex", lit: `"\u12G4"`, msg: `invalid \u escape in string`, at: 1},
		{name: "short hex at the end", lit: `"\u12"`, msg: `invalid \u escape in string`, at: 1},
		{name: "unknown escape", lit: `"\x"`, msg: `invalid escape '\x' in string`, at: 1},
		{name: "escaped single quote", lit: `"\'"`, msg: `invalid escape '\'' in string`, at: 1},
		{name: "backslash at the end", lit: `"\`, msg: "unexpected end of input: unterminated string", at: 2, open: true},
		{name: "unterminated", lit: `"abc`, msg: "unexpected end of input: unterminated string", at: 4, open: true},
		{name: "unterminated after an escape", lit: `"a\n`, msg: "unexpected end of input: unterminated string", at: 4, open: true},
		{name: "raw tab", lit: "\"a\tb\"", msg: "control character 0x09 in string: it must be escaped", at: 2},
		{name: "raw NUL", lit: "\"\x00\"", msg: "control character 0x00 in string: it must be escaped", at: 1},
		{name: "raw newline after an escape", lit: "\"\\n\n\"", msg: "control character 0x0a in string: it must be escaped", at: 3},
		{name: "raw DEL", lit: "\"\x7f\"", want: "\x7f"},
		{name: "raw UTF-8", lit: `"é😀€"`, want: "é😀€"},
		{name: "raw U+FFFD", lit: "\"\uFFFD\"", want: "\uFFFD"},
		// encoding/json replaces invalid UTF-8 with U+FFFD; both callers
		// reject it (RFC 8259 §8.1: JSON text is UTF-8), at the string.
		{name: "invalid byte", lit: "\"\xff\"", msg: "invalid UTF-8 in string", at: 1, want: "\uFFFD", stdOnly: true},
		{name: "truncated sequence", lit: "\"a\xe2\x82\"", msg: "invalid UTF-8 in string", at: 1, want: "a\uFFFD\uFFFD", stdOnly: true},
		{name: "overlong slash", lit: "\"\xc0\xaf\"", msg: "invalid UTF-8 in string", at: 1, want: "\uFFFD\uFFFD", stdOnly: true},
		{name: "UTF-8-encoded surrogate", lit: "\"\xed\xa0\x80\"", msg: "invalid UTF-8 in string", at: 1, want: "\uFFFD\uFFFD\uFFFD", stdOnly: true},
		{name: "invalid byte after an escape", lit: "\"\\n\xff\"", msg: "invalid UTF-8 in string", at: 1, want: "\n\uFFFD", stdOnly: true},
		// The string's own errors come first; UTF-8 is checked at its end.
		{name: "invalid byte then raw tab", lit: "\"\xff\t\"", msg: "control character 0x09 in string: it must be escaped", at: 2},
		{name: "invalid byte then bad escape", lit: "\"\xff\\x\"", msg: `invalid escape '\x' in string`, at: 2},
		{name: "invalid byte, unterminated", lit: "\"\xff", msg: "unexpected end of input: unterminated string", at: 2, open: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			std, stdErr := stdDecode([]byte(tc.lit))
			if tc.msg == "" || tc.stdOnly {
				if stdErr != nil {
					t.Fatalf("encoding/json: %v", stdErr)
				}
				if std != tc.want {
					t.Fatalf("encoding/json decodes %q, the table says %q", std, tc.want)
				}
			} else if stdErr == nil {
				t.Fatalf("encoding/json accepts it (%q) and so should we", std)
			}

			tree, treeErr := parseAny(t, []byte(tc.lit), wide)
			doc, shift := objectDoc(tc.lit)
			if tc.open {
				doc = doc[:len(doc)-1]
			}
			obj, objErr := DecodeObject([]byte(doc), wide)
			if tc.msg == "" {
				if treeErr != nil || objErr != nil {
					t.Fatalf("Parse: %v; DecodeObject: %v", treeErr, objErr)
				}
				if tree != tc.want {
					t.Errorf("Parse = %q, want %q", tree, tc.want)
				}
				if !reflect.DeepEqual(obj, map[string]any{"k": tc.want}) {
					t.Errorf("DecodeObject = %q, want %q", obj, tc.want)
				}
				return
			}
			for _, out := range []struct {
				name  string
				err   error
				shift int
			}{{"Parse", treeErr, 0}, {"DecodeObject", objErr, shift}} {
				if out.err == nil {
					t.Errorf("%s accepted it", out.name)
					continue
				}
				se := syntaxError(t, out.err)
				if se.Msg != tc.msg || se.Offset != tc.at+out.shift {
					t.Errorf("%s: %q at %d, want %q at %d", out.name, se.Msg, se.Offset, tc.msg, tc.at+out.shift)
				}
			}
		})
	}
}

func TestNumbersAndLiterals(t *testing.T) {
	for _, lit := range []string{"0", "-0", "1", "-12", "1.5", "-0.0e0", "1E+3", "1e-3", "123456789012345678901234567890", "1.7976931348623157e309", "true", "false", "null"} {
		std, err := stdDecode([]byte(lit))
		if err != nil {
			t.Fatalf("%s: encoding/json: %v", lit, err)
		}
		tree, err := parseAny(t, []byte(lit), wide)
		if err != nil || !reflect.DeepEqual(tree, std) {
			t.Errorf("Parse(%s) = %#v, %v; encoding/json %#v", lit, tree, err, std)
		}
		doc, _ := objectDoc(lit)
		obj, err := DecodeObject([]byte(doc), wide)
		if err != nil || !reflect.DeepEqual(obj["k"], std) {
			t.Errorf("DecodeObject(%s) = %#v, %v; encoding/json %#v", doc, obj, err, std)
		}
	}
	for _, tc := range []struct {
		lit, msg string
		at       int
	}{
		{"01", "invalid number: leading zero", 0},
		{"-01", "invalid number: leading zero", 1},
		{"-", "invalid number: expected a digit", 1},
		{"-a", "invalid number: expected a digit", 1},
		{"+1", "unexpected character '+': expected a value (object, array, string, number, true, false or null)", 0},
		{".5", "unexpected character '.': expected a value (object, array, string, number, true, false or null)", 0},
		{"1.", "invalid number: expected a digit after the decimal point", 2},
		{"1.e3", "invalid number: expected a digit after the decimal point", 2},
		{"1e", "invalid number: expected a digit in the exponent", 2},
		{"1e+", "invalid number: expected a digit in the exponent", 3},
		{"tru", "unexpected character 't': expected a value (object, array, string, number, true, false or null)", 0},
		{"nul", "unexpected character 'n': expected a value (object, array, string, number, true, false or null)", 0},
		{"True", "unexpected character 'T': expected a value (object, array, string, number, true, false or null)", 0},
		{"truex", "unexpected character 'x' after the end of the JSON document", 4},
		{"NaN", "unexpected character 'N': expected a value (object, array, string, number, true, false or null)", 0},
	} {
		if _, err := stdDecode([]byte(tc.lit)); err == nil {
			t.Errorf("%s: encoding/json accepts it", tc.lit)
		}
		_, err := parseAny(t, []byte(tc.lit), wide)
		if err == nil {
			t.Errorf("%s: accepted", tc.lit)
			continue
		}
		if se := syntaxError(t, err); se.Msg != tc.msg || se.Offset != tc.at {
			t.Errorf("%s: %q at %d, want %q at %d", tc.lit, se.Msg, se.Offset, tc.msg, tc.at)
		}
	}
}
