package strictjson

import (
	"errors"
	"reflect"
	"testing"
	"unicode/utf8"
)

// fuzzLimits are small enough for the fuzzer to reach the depth limit.
var fuzzLimits = Limits{MaxDepth: 8, MaxBytes: 1 << 16}

// FuzzAgainstEncodingJSON compares both outputs with encoding/json:
//   - whatever Parse or DecodeObject accepts, encoding/json accepts, and
//     decodes (UseNumber) to an equal value;
//   - whatever encoding/json accepts and they reject has invalid UTF-8, a
//     repeated member name or nesting past the limit (found by an oracle
//     on encoding/json's token stream), or is not an object
//     (DecodeObject);
//   - every error is a *SyntaxError inside the document (or ErrNotObject),
//     and every position Parse reports holds the value it describes;
//   - on an object, Parse and DecodeObject accept and reject alike.
func FuzzAgainstEncodingJSON(f *testing.F) {
	for _, s := range []string{
		`{}`, `[]`, `1`, `"x"`, `null`, ` {"a" : [true , false , null , -0.5e+3 , "s"] } `,
		`{"a":[1,2,{"b":null}],"c":"\u00e9\ud83d\ude00\ud800x"}`, `"\ud800\u0041"`, `"\udc00\u0041"`,
		`"\ud800\ud83d\ude00"`, `"\ude00\ud83d"`, `"\ud800\u12G4"`, "\"\xff\"", "\"\xed\xa0\x80\"",
		`{"a":1,"a":2}`, `{"s\u0075b":1,"sub":2}`, `[{"a":1},{"a":1}]`, `{"a":01}`, `{"a":1,}`,
		`{"a":"\x01"}`, "{\"a\":\"\x01\"}", `{"a":tru}`, `{"a":1}x`, `{"a":"\/\b\f\n\r\t\\\""}`,
		`[[[[[[[[1]]]]]]]]`, `[[[[[[[[]]]]]]]]`, `{"a":{"b":{"c":{"d":{"e":{"f":{"g":{}}}}}}}}`,
		`{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k3":9}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		std, stdErr := stdDecode(doc)
		var sh shape
		if stdErr == nil {
			var err error
			if sh, err = stdShape(doc); err != nil {
				t.Fatalf("encoding/json accepts %q but its token stream fails: %v", doc, err)
			}
		}
		// excused: reasons we may reject what encoding/json accepts.
		excused := !utf8.Valid(doc) || sh.duplicate || sh.depth > fuzzLimits.MaxDepth

		b := &anyBuilder{doc: doc}
		tree, treeErr := Parse[any](doc, fuzzLimits, b)
		check := func(name string, got any, err error, notObject bool) {
			if err == nil {
				if stdErr != nil {
					t.Fatalf("%s accepted %q, encoding/json: %v", name, doc, stdErr)
				}
				if !reflect.DeepEqual(got, std) {
					t.Fatalf("%s(%q) = %#v, encoding/json %#v", name, doc, got, std)
				}
				return
			}
			if errors.Is(err, ErrNotObject) && notObject {
				return
			}
			var se *SyntaxError
			if !errors.As(err, &se) || se.Offset < 0 || se.Offset > len(doc) {
				t.Fatalf("%s(%q): error %#v is not a *SyntaxError inside the document", name, doc, err)
			}
			if stdErr == nil && !excused {
				t.Fatalf("%s rejected %q (%v), which encoding/json accepts with no duplicate, depth %d, valid UTF-8",
					name, doc, err, sh.depth)
			}
		}
		check("Parse", tree, treeErr, false)
		if treeErr == nil && b.err != nil {
			t.Fatalf("Parse(%q): %v", doc, b.err)
		}

		obj, objErr := DecodeObject(doc, fuzzLimits)
		_, stdObject := std.(map[string]any)
		var objAny any
		if obj != nil {
			objAny = obj
		}
		check("DecodeObject", objAny, objErr, stdErr != nil || !stdObject)
		if _, isObj := tree.(map[string]any); (treeErr == nil && isObj) != (objErr == nil) {
			t.Fatalf("%q: Parse %v (%T) but DecodeObject %v", doc, treeErr, tree, objErr)
		}
	})
}
