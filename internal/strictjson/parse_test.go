package strictjson

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// TestSyntaxErrors: each grammar rule with its exact message and offset,
// from both outputs where the document is an object.
func TestSyntaxErrors(t *testing.T) {
	tests := []struct {
		doc    string
		msg    string
		offset int
		objMsg string // DecodeObject's message, when it differs
	}{
		{doc: ``, msg: "unexpected end of input: expected a value"},
		{doc: `   `, msg: "unexpected end of input: expected a value", offset: 3},
		{doc: `{`, msg: "unexpected end of input: expected a field name in double quotes", offset: 1},
		{doc: `{"a"`, msg: "unexpected end of input: expected ':'", offset: 4},
		{doc: `{"a":`, msg: "unexpected end of input: expected a value", offset: 5},
		{doc: `{"a":1`, msg: "unexpected end of input: expected ',' or '}'", offset: 6},
		{doc: `{a:1}`, msg: "unexpected character 'a': expected a field name in double quotes", offset: 1},
		{doc: `{"a" 1}`, msg: "unexpected character '1': expected ':'", offset: 5},
		{doc: `{"a":1,}`, msg: "unexpected character '}': expected a field name in double quotes", offset: 7},
		{doc: `{"a":1 "b":2}`, msg: "unexpected character '\"': expected ',' or '}'", offset: 7},
		{doc: `{"a":[1 2]}`, msg: "unexpected character '2': expected ',' or ']'", offset: 8},
		{doc: `{"a":[1,]}`, msg: "unexpected character ']': expected a value (object, array, string, number, true, false or null)", offset: 8},
		{doc: `{"a":[1`, msg: "unexpected end of input: expected ',' or ']'", offset: 7},
		{doc: `{"a":'x'}`, msg: "unexpected character ''': expected a value (object, array, string, number, true, false or null)", offset: 5},
		{doc: "{\"a\":\x01}", msg: "unexpected byte 0x01: expected a value (object, array, string, number, true, false or null)", offset: 5},
		{doc: "{\"a\":\xff}", msg: "unexpected byte 0xff: expected a value (object, array, string, number, true, false or null)", offset: 5},
		{doc: "\xef\xbb\xbf{}", msg: "unexpected byte 0xef: expected a value (object, array, string, number, true, false or null)"},
		{doc: "{\f}", msg: "unexpected byte 0x0c: expected a field name in double quotes", offset: 1},
		{doc: `{"a":1,"a":2}`, msg: `duplicate field "a"`, offset: 7},
		{doc: `{"sub":1,"s\u0075b":2}`, msg: `duplicate field "sub"`, offset: 9},
		{doc: `{"a":{"b":[{"c":1,"c":1}]}}`, msg: `duplicate field "c"`, offset: 18},
		// The first error in document order wins: the duplicate comes
		// before the bad escape in its value.
		{doc: `{"a":1,"a":"\x"}`, msg: `duplicate field "a"`, offset: 7},
		{doc: `{} {}`, msg: "unexpected character '{' after the end of the JSON document", offset: 3,
			objMsg: "trailing data after the JSON object: unexpected character '{'"},
		{doc: `{}x`, msg: "unexpected character 'x' after the end of the JSON document", offset: 2,
			objMsg: "trailing data after the JSON object: unexpected character 'x'"},
	}
	for _, tc := range tests {
		_, err := parseAny(t, []byte(tc.doc), wide)
		if err == nil {
			t.Errorf("Parse(%q): no error", tc.doc)
		} else if se := syntaxError(t, err); se.Msg != tc.msg || se.Offset != tc.offset {
			t.Errorf("Parse(%q): %q at %d, want %q at %d", tc.doc, se.Msg, se.Offset, tc.msg, tc.offset)
		}
		if !strings.HasPrefix(strings.TrimLeft(tc.doc, " "), "{") {
			continue
		}
		want := tc.msg
		if tc.objMsg != "" {
			want = tc.objMsg
		}
		_, err = DecodeObject([]byte(tc.doc), wide)
		if err == nil {
			t.Errorf("DecodeObject(%q): no error", tc.doc)
		} else if se := syntaxError(t, err); se.Msg != want || se.Offset != tc.offset {
			t.Errorf("DecodeObject(%q): %q at %d, want %q at %d", tc.doc, se.Msg, se.Offset, want, tc.offset)
		}
	}
}

func TestDecodeObjectNotAnObject(t *testing.T) {
	for _, doc := range []string{``, ` `, `[]`, `"x"`, `1`, `null`, `x`, "\xff{}"} {
		if _, err := DecodeObject([]byte(doc), wide); !errors.Is(err, ErrNotObject) {
			t.Errorf("%q: %v, want ErrNotObject", doc, err)
		}
	}
	got, err := DecodeObject([]byte(" \t\r\n{ \"a\" : [ ] , \"b\" : { } }\n"), wide)
	if err != nil || !reflect.DeepEqual(got, map[string]any{"a": []any{}, "b": map[string]any{}}) {
		t.Errorf("whitespace everywhere: %#v, %v", got, err)
	}
}

func TestDuplicates(t *testing.T) {
	// Past 8 members the check switches to a set and stays exact.
	var b strings.Builder
	b.WriteString("{")
	for i := range 50 {
		b.WriteString(`"k` + strconv.Itoa(i) + `":1,`)
	}
	many := b.String()
	if _, err := parseAny(t, []byte(many+`"k7":2}`), wide); err == nil || syntaxError(t, err).Msg != `duplicate field "k7"` {
		t.Errorf("Parse, duplicate among many keys: %v", err)
	}
	if _, err := DecodeObject([]byte(many+`"k7":2}`), wide); err == nil || syntaxError(t, err).Msg != `duplicate field "k7"` {
		t.Errorf("DecodeObject, duplicate among many keys: %v", err)
	}
	if _, err := parseAny(t, []byte(many+`"k50":2}`), wide); err != nil {
		t.Errorf("Parse, many distinct keys: %v", err)
	}
	// The same name in different objects is no duplicate; nor is a name
	// and its value.
	for _, doc := range []string{`{"a":{"a":1},"b":{"a":2}}`, `{"a":"a"}`, `{"a":[{"a":1},{"a":1}]}`, `{"":1,"\u0000":2}`} {
		if _, err := parseAny(t, []byte(doc), wide); err != nil {
			t.Errorf("Parse(%s): %v", doc, err)
		}
		if _, err := DecodeObject([]byte(doc), wide); err != nil {
			t.Errorf("DecodeObject(%s): %v", doc, err)
		}
	}
	// DecodeObject's documents come from strangers and its errors go to
	// logs: a long key is cut. Parse's go to the policy's author whole.
	long := strings.Repeat("é", 40) // 80 bytes
	doc := `{"` + long + `":1,"` + long + `":2}`
	if _, err := DecodeObject([]byte(doc), wide); err == nil || syntaxError(t, err).Msg != `duplicate field "`+strings.Repeat("é", 32)+`…"` {
		t.Errorf("DecodeObject, long duplicate: %v", err)
	}
	if _, err := parseAny(t, []byte(doc), wide); err == nil || syntaxError(t, err).Msg != `duplicate field "`+long+`"` {
		t.Errorf("Parse, long duplicate: %v", err)
	}
}

func TestLimits(t *testing.T) {
	lim := Limits{MaxDepth: 3, MaxBytes: 1 << 10}
	for _, tc := range []struct {
		doc string
		at  int // offset of the depth error, or -1
	}{
		{`[[1]]`, -1},
		{`[[[]]]`, -1}, // the empty array is at depth 3; nothing is at 4
		{`[[{}]]`, -1},
		{`[[[1]]]`, 3},
		{`[[[[]]]]`, 3},
		{`{"a":{"b":1}}`, -1},
		{`{"a":{"b":{}}}`, -1},
		{`{"a":{"b":{"c":1}}}`, 15},
		{`{"a":{"b":[1]}}`, 11},
	} {
		_, treeErr := parseAny(t, []byte(tc.doc), lim)
		errs := map[string]error{"Parse": treeErr}
		if tc.doc[0] == '{' {
			_, errs["DecodeObject"] = DecodeObject([]byte(tc.doc), lim)
		}
		for name, err := range errs {
			switch {
			case tc.at < 0 && err != nil:
				t.Errorf("%s(%s): %v", name, tc.doc, err)
			case tc.at >= 0 && err == nil:
				t.Errorf("%s(%s): accepted", name, tc.doc)
			case tc.at >= 0:
				if se := syntaxError(t, err); se.Msg != "JSON nested deeper than 3 levels" || se.Offset != tc.at {
					t.Errorf("%s(%s): %q at %d, want the depth error at %d", name, tc.doc, se.Msg, se.Offset, tc.at)
				}
			}
		}
	}

	// Size: up to MaxBytes inclusive.
	lim = Limits{MaxDepth: 3, MaxBytes: 9}
	if _, err := DecodeObject([]byte(`{"a":123}`), lim); err != nil {
		t.Errorf("9 bytes: %v", err)
	}
	for name, err := range map[string]error{
		"Parse":        func() error { _, err := parseAny(t, []byte(`{"a":1234}`), lim); return err }(),
		"DecodeObject": func() error { _, err := DecodeObject([]byte(`{"a":1234}`), lim); return err }(),
	} {
		if err == nil || syntaxError(t, err).Msg != "document is 10 bytes; the limit is 9" {
			t.Errorf("%s, 10 bytes: %v", name, err)
		}
	}

	// The zero Limits admits nothing.
	if _, err := parseAny(t, []byte(`1`), Limits{}); err == nil {
		t.Error("Parse with zero Limits accepted a document")
	}
	if _, err := DecodeObject([]byte(`{}`), Limits{}); err == nil {
		t.Error("DecodeObject with zero Limits accepted a document")
	}
	if _, err := DecodeObject([]byte(`{}`), Limits{MaxBytes: 2}); err == nil || syntaxError(t, err).Msg != "JSON nested deeper than 0 levels" {
		t.Errorf("DecodeObject with MaxDepth 0: %v", err)
	}
}

// TestTree checks what Parse hands the Builder: kinds, text, member order,
// offsets.
func TestTree(t *testing.T) {
	doc := []byte(` {"s": "a\u00e9", "n": -1.5E+3, "t": true, "f": false, "z": null, "l": [1, []], "o": {}} `)
	var got []string
	rec := &recorder{log: &got}
	if _, err := Parse[int](doc, wide, rec); err != nil {
		t.Fatal(err)
	}
	want := []string{
		`string [7,16) "aé"`, `number [23,30) "-1.5E+3"`, `boolean [37,41) "true"`, `boolean [48,53) "false"`,
		`null [60,64) ""`, `number [72,73) "1"`, `array [75,77) items []`, `array [71,78) items [5 6]`,
		`object [85,87) members []`,
		`object [1,88) members [s@2=0 n@18=1 t@32=2 f@43=3 z@55=4 l@66=7 o@80=8]`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("builder calls:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// recorder logs each Builder call; a node is its call's index.
type recorder struct{ log *[]string }

func (r *recorder) add(format string, args ...any) int {
	*r.log = append(*r.log, fmt.Sprintf(format, args...))
	return len(*r.log) - 1
}

func (r *recorder) Scalar(kind Kind, start, end int, text string) int {
	return r.add("%s [%d,%d) %q", kind, start, end, text)
}

func (r *recorder) Array(start, end int, items []int) int {
	return r.add("array [%d,%d) items %v", start, end, items)
}

func (r *recorder) Object(start, end int, members []Member[int]) int {
	parts := make([]string, len(members))
	for i, m := range members {
		parts[i] = fmt.Sprintf("%s@%d=%d", m.Key, m.KeyStart, m.Value)
	}
	return r.add("object [%d,%d) members [%s]", start, end, strings.Join(parts, " "))
}

func TestKindString(t *testing.T) {
	want := map[Kind]string{Null: "null", Bool: "boolean", Number: "number", String: "string", Array: "array", Object: "object"}
	for k, s := range want {
		if k.String() != s {
			t.Errorf("%d.String() = %q, want %q", k, k.String(), s)
		}
	}
}

func TestSyntaxErrorText(t *testing.T) {
	err := &SyntaxError{Offset: 7, Msg: `duplicate field "a"`}
	if got := err.Error(); got != `invalid JSON at offset 7: duplicate field "a"` {
		t.Errorf("Error() = %q", got)
	}
}
