package policy

import (
	"errors"

	"github.com/stsd/stsd/internal/strictjson"
)

// The policy grammar needs what encoding/json hides: duplicate keys, member
// order and byte positions. strictjson.Parse reads the document strictly
// (RFC 8259) within MaxDocumentBytes and MaxJSONDepth; this file builds the
// tree the rest of the package walks.

type jsonKind = strictjson.Kind

const (
	jsonNull   = strictjson.Null
	jsonBool   = strictjson.Bool
	jsonNumber = strictjson.Number
	jsonString = strictjson.String
	jsonArray  = strictjson.Array
	jsonObject = strictjson.Object
)

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

var jsonLimits = strictjson.Limits{MaxDepth: MaxJSONDepth, MaxBytes: MaxDocumentBytes}

func parseJSON(doc []byte) (*jsonValue, *jsonSyntaxError) {
	v, err := strictjson.Parse(doc, jsonLimits, &treeBuilder{docLen: len(doc)})
	if err != nil {
		var se *strictjson.SyntaxError
		if !errors.As(err, &se) {
			return nil, &jsonSyntaxError{msg: err.Error()}
		}
		return nil, &jsonSyntaxError{offset: se.Offset, msg: se.Msg}
	}
	return v, nil
}

// treeBuilder allocates values, members and items in chunks carved into
// exact-size slices, so a document costs a handful of allocations.
type treeBuilder struct {
	docLen     int
	slab       []jsonValue
	memberSlab []jsonMember
	itemSlab   []*jsonValue
}

func (t *treeBuilder) newValue(kind jsonKind, start, end int) *jsonValue {
	if len(t.slab) == 0 {
		// About one value per 12 bytes of policy JSON; at least 32.
		t.slab = make([]jsonValue, max(32, min(4096, (t.docLen-start)/12)))
	}
	v := &t.slab[0]
	t.slab = t.slab[1:]
	v.kind, v.start, v.end = kind, start, end
	return v
}

func (t *treeBuilder) Scalar(kind jsonKind, start, end int, text string) *jsonValue {
	v := t.newValue(kind, start, end)
	v.text = text
	return v
}

func (t *treeBuilder) Array(start, end int, items []*jsonValue) *jsonValue {
	v := t.newValue(jsonArray, start, end)
	if n := len(items); n > 0 {
		if n > len(t.itemSlab) {
			t.itemSlab = make([]*jsonValue, max(n, min(1024, max(16, t.docLen/60))))
		}
		v.items = t.itemSlab[:n:n]
		t.itemSlab = t.itemSlab[n:]
		copy(v.items, items)
	}
	return v
}

func (t *treeBuilder) Object(start, end int, members []strictjson.Member[*jsonValue]) *jsonValue {
	v := t.newValue(jsonObject, start, end)
	if n := len(members); n > 0 {
		if n > len(t.memberSlab) {
			t.memberSlab = make([]jsonMember, max(n, min(1024, max(16, t.docLen/40))))
		}
		v.members = t.memberSlab[:n:n]
		t.memberSlab = t.memberSlab[n:]
		for i, m := range members {
			v.members[i] = jsonMember{key: m.Key, keyStart: m.KeyStart, value: m.Value}
		}
	}
	return v
}
