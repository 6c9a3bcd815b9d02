package policy

import (
	"strings"
	"testing"
)

func TestJSONSyntax(t *testing.T) {
	// RFC 8259 rules the parser enforces, each with its exact message and
	// offset.
	tests := []struct {
		doc    string
		msg    string
		offset int
	}{
		{``, "unexpected end of input: expected a value", 0},
		{`{"a":01}`, "invalid number: leading zero", 5},
		{`{"a":1.}`, "invalid number: expected a digit after the decimal point", 7},
		{`{"a":1e}`, "invalid number: expected a digit in the exponent", 7},
		{`{"a":-}`, "invalid number: expected a digit", 6},
		{`{"a":tru}`, "unexpected character 't': expected a value (object, array, string, number, true, false or null)", 5},
		{`{"a":"\x"}`, "invalid escape '\\x' in string", 6},
		{`{"a":"\u12G4"}`, "invalid \\u escape in string", 6},
		{"{\"a\":\"x\ty\"}", "control character 0x09 in string: it must be escaped", 7},
		{"{\"a\":\"\xff\"}", "invalid UTF-8 in string", 6},
		{`{"a":"x`, "unexpected end of input: unterminated string", 7},
		{`{a:1}`, "unexpected character 'a': expected a field name in double quotes", 1},
		{`{"a" 1}`, "unexpected character '1': expected ':'", 5},
		{`{"a":1,}`, "unexpected character '}': expected a field name in double quotes", 7},
		{`[1 2]`, "unexpected character '2': expected ',' or ']'", 3},
		{"\xef\xbb\xbf{}", "unexpected byte 0xef: expected a value (object, array, string, number, true, false or null)", 0},
		{`{} {}`, "unexpected character '{' after the end of the JSON document", 3},
	}
	for _, tc := range tests {
		_, err := parseJSON([]byte(tc.doc))
		if err == nil {
			t.Errorf("%q: no error", tc.doc)
			continue
		}
		if err.msg != tc.msg || err.offset != tc.offset {
			t.Errorf("%q: error %q at %d, want %q at %d", tc.doc, err.msg, err.offset, tc.msg, tc.offset)
		}
	}
}

func TestJSONValues(t *testing.T) {
	v, err := parseJSON([]byte(`{"s":"a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00", "n":-1.5E+3, "t":true, "f":false, "z":null, "l":[], "o":{}}`))
	if err != nil {
		t.Fatal(err.msg)
	}
	want := map[string]string{"s": "a\"\\/\b\f\n\r\té😀", "n": "-1.5E+3", "t": "true", "f": "false", "z": "", "l": "", "o": ""}
	kinds := map[string]jsonKind{"s": jsonString, "n": jsonNumber, "t": jsonBool, "f": jsonBool, "z": jsonNull, "l": jsonArray, "o": jsonObject}
	for _, m := range v.members {
		if m.value.text != want[m.key] || m.value.kind != kinds[m.key] {
			t.Errorf("%s = %q (%s), want %q (%s)", m.key, m.value.text, m.value.kind, want[m.key], kinds[m.key])
		}
	}
	// Many keys: the duplicate check switches to a set and stays exact.
	var b strings.Builder
	b.WriteString("{")
	for i := 0; i < 50; i++ {
		b.WriteString(`"k` + itoa(i) + `":1,`)
	}
	b.WriteString(`"k7":2}`)
	if _, err := parseJSON([]byte(b.String())); err == nil || err.msg != `duplicate field "k7"` {
		t.Errorf("duplicate among many keys: %v", err)
	}
}

func TestJSONSurrogates(t *testing.T) {
	// A surrogate escape that is not the first half of a pair is U+FFFD
	// and the escape after it stands alone, as in encoding/json (the
	// parser before strictjson swallowed it). strictjson's tests cover the
	// rest of the lexer.
	for lit, want := range map[string]string{
		`"\ud83d\ude00"`:       "😀",
		`"\ud800"`:             "\uFFFD",
		`"\ud800\u0041"`:       "\uFFFDA",
		`"\udc00\u0041"`:       "\uFFFDA",
		`"\ud800\ud83d\ude00"`: "\uFFFD😀",
	} {
		v, err := parseJSON([]byte(`{"s":` + lit + `}`))
		if err != nil {
			t.Errorf("%s: %s", lit, err.msg)
			continue
		}
		if got := v.members[0].value.text; got != want {
			t.Errorf("%s = %q, want %q", lit, got, want)
		}
	}
}

func TestTemplates(t *testing.T) {
	tests := []struct {
		in, err string
	}{
		{"${}", "empty policy variable ${}"},
		{"${aws:username,'x}", "invalid default value in policy variable ${aws:username,'x}: it must be in single quotes"},
		{strings.Repeat("${a:b}", MaxVariablesPerValue+1), "more than 32 policy variables in one value"},
		{"${aws:username", ""}, // no closing brace: literal text
	}
	for _, tc := range tests {
		_, err := parseTemplate(tc.in, true)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tc.err {
			t.Errorf("%q: error %q, want %q", tc.in, got, tc.err)
		}
	}
	tpl, _ := parseTemplate("a/${aws:username}/${*}", true)
	c := NewContext()
	c.Set("aws:username", "x*y")
	buf, _, ok := tpl.resolve(nil, c, true)
	if !ok || string(buf) != `a/x\*y/\*` {
		t.Errorf("glob resolve = %q %v", buf, ok)
	}
	buf, _, _ = tpl.resolve(nil, c, false)
	if string(buf) != "a/x*y/*" {
		t.Errorf("plain resolve = %q", buf)
	}
}
