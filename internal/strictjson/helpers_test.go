package strictjson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
)

// anyBuilder builds what encoding/json's Decoder with UseNumber makes, so
// Parse's results compare with DeepEqual. It checks every position Parse
// hands it against the document: a value's text decodes (with
// encoding/json) to the value itself, a key's offset is its opening quote.
type anyBuilder struct {
	doc []byte
	err error // the first position that did not check out
}

func (b *anyBuilder) fail(format string, args ...any) {
	if b.err == nil {
		b.err = fmt.Errorf(format, args...)
	}
}

func (b *anyBuilder) check(kind Kind, start, end int, v any) any {
	if start < 0 || end > len(b.doc) || start >= end {
		b.fail("%s at [%d,%d) outside the document (%d bytes)", kind, start, end, len(b.doc))
		return v
	}
	dec := json.NewDecoder(bytes.NewReader(b.doc[start:end]))
	dec.UseNumber()
	var again any
	if err := dec.Decode(&again); err != nil || dec.InputOffset() != int64(end-start) {
		b.fail("%s at [%d,%d) is %q, not one value: %v", kind, start, end, b.doc[start:end], err)
	} else if !reflect.DeepEqual(again, v) {
		b.fail("%s at [%d,%d) is %q: decodes to %#v, Parse gave %#v", kind, start, end, b.doc[start:end], again, v)
	}
	return v
}

func (b *anyBuilder) Scalar(kind Kind, start, end int, text string) any {
	var v any
	switch kind {
	case String:
		v = text
	case Number:
		v = json.Number(text)
	case Bool:
		v = text == "true"
	case Null:
		if text != "" {
			b.fail("null with text %q", text)
		}
	default:
		b.fail("Scalar called with kind %s", kind)
	}
	return b.check(kind, start, end, v)
}

func (b *anyBuilder) Array(start, end int, items []any) any {
	return b.check(Array, start, end, append([]any{}, items...))
}

func (b *anyBuilder) Object(start, end int, members []Member[any]) any {
	m := make(map[string]any, len(members))
	for _, mem := range members {
		if mem.KeyStart < start || mem.KeyStart >= end || b.doc[mem.KeyStart] != '"' {
			b.fail("key %q: offset %d is not an opening quote inside [%d,%d)", mem.Key, mem.KeyStart, start, end)
		}
		m[mem.Key] = mem.Value
	}
	if len(m) != len(members) {
		b.fail("object at %d: Parse handed over duplicate keys", start)
	}
	return b.check(Object, start, end, m)
}

// parseAny parses doc into encoding/json's shapes, failing t if a
// position is wrong.
func parseAny(t testing.TB, doc []byte, lim Limits) (any, error) {
	t.Helper()
	b := &anyBuilder{doc: doc}
	v, err := Parse[any](doc, lim, b)
	if err == nil && b.err != nil {
		t.Fatalf("%q: %v", doc, b.err)
	}
	return v, err
}

// stdDecode is encoding/json's answer for doc: the value with UseNumber, or
// an error if encoding/json rejects the document.
func stdDecode(doc []byte) (any, error) {
	if !json.Valid(doc) {
		return nil, fmt.Errorf("encoding/json rejects %q", doc)
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}

// shape is what an oracle independent of this package (encoding/json's
// token stream) finds in a document encoding/json accepts: its nesting
// depth as Limits counts it, and whether an object repeats a member name.
type shape struct {
	depth     int
	duplicate bool
}

func stdShape(doc []byte) (shape, error) {
	type frame struct {
		object bool
		keys   map[string]bool
		keyNow bool // the next token of this object is a key
	}
	var s shape
	var stack []*frame
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber() // numbers beyond float64 are valid JSON (found by the fuzzer)
	for {
		tok, err := dec.Token()
		if err != nil {
			if err.Error() == "EOF" {
				return s, nil
			}
			return s, err
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			continue
		}
		if n := len(stack); n > 0 && stack[n-1].object {
			top := stack[n-1]
			if top.keyNow {
				key := tok.(string)
				s.duplicate = s.duplicate || top.keys[key]
				top.keys[key] = true
				top.keyNow = false
				continue
			}
			top.keyNow = true
		}
		s.depth = max(s.depth, len(stack)+1)
		if d, ok := tok.(json.Delim); ok {
			stack = append(stack, &frame{object: d == '{', keys: map[string]bool{}, keyNow: true})
		}
	}
}

// objectDoc wraps a JSON value as the member "k" of an object, so
// DecodeObject can read it; shift is how far offsets move.
func objectDoc(value string) (doc string, shift int) {
	return `{"k":` + value + `}`, len(`{"k":`)
}

func syntaxError(t *testing.T, err error) *SyntaxError {
	t.Helper()
	se, ok := err.(*SyntaxError)
	if !ok {
		t.Fatalf("error %v (%T) is not a *SyntaxError", err, err)
	}
	return se
}

var wide = Limits{MaxDepth: 64, MaxBytes: 1 << 20}
