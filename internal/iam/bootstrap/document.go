package bootstrap

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/stsd/stsd/internal/iam"
)

// Bounds on documents written as YAML (aliases could otherwise expand a
// small file into a huge document).
const (
	maxDocumentBytes = 256 << 10
	maxDocumentDepth = 32
)

// Document is a JSON document written either as a YAML mapping (converted
// to JSON, key order kept) or as a string holding JSON text (kept verbatim).
type Document struct {
	JSON string
	// Set reports whether the key was present.
	Set bool
}

// UnmarshalYAML implements yaml.Unmarshaler.
func (d *Document) UnmarshalYAML(n *yaml.Node) error {
	d.Set = true
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!str" {
		d.JSON = n.Value
		return nil
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		d.JSON = ""
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return typeError(n, "expected a mapping or a string holding JSON")
	}
	var b bytes.Buffer
	if err := writeJSON(&b, n, 0); err != nil {
		return typeError(n, err.Error())
	}
	d.JSON = b.String()
	return nil
}

func typeError(n *yaml.Node, msg string) error {
	return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: %s", n.Line, msg)}}
}

// writeJSON renders a YAML node as JSON: mappings keep their key order,
// plain scalars keep their YAML type (a date-like scalar such as 2012-10-17
// stays a string).
func writeJSON(b *bytes.Buffer, n *yaml.Node, depth int) error {
	if depth > maxDocumentDepth {
		return fmt.Errorf("document nested deeper than %d levels", maxDocumentDepth)
	}
	if b.Len() > maxDocumentBytes {
		return fmt.Errorf("document larger than %d bytes", maxDocumentBytes)
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) != 1 {
			return fmt.Errorf("empty document")
		}
		return writeJSON(b, n.Content[0], depth+1)
	case yaml.AliasNode:
		return writeJSON(b, n.Alias, depth+1)
	case yaml.MappingNode:
		b.WriteByte('{')
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode || k.ShortTag() == "!!merge" {
				return fmt.Errorf("line %d: mapping keys must be plain strings", k.Line)
			}
			if i > 0 {
				b.WriteByte(',')
			}
			writeString(b, k.Value)
			b.WriteByte(':')
			if err := writeJSON(b, n.Content[i+1], depth+1); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	case yaml.SequenceNode:
		b.WriteByte('[')
		for i, c := range n.Content {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := writeJSON(b, c, depth+1); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case yaml.ScalarNode:
		return writeScalar(b, n)
	default:
		return fmt.Errorf("line %d: unsupported YAML node", n.Line)
	}
	return nil
}

func writeScalar(b *bytes.Buffer, n *yaml.Node) error {
	switch n.ShortTag() {
	case "!!null":
		b.WriteString("null")
	case "!!bool":
		var v bool
		if err := n.Decode(&v); err != nil {
			return err
		}
		b.WriteString(strconv.FormatBool(v))
	case "!!int":
		var v int64
		if err := n.Decode(&v); err != nil {
			writeString(b, n.Value) // beyond int64: keep the text
			return nil
		}
		b.WriteString(strconv.FormatInt(v, 10))
	case "!!float":
		var v float64
		if err := n.Decode(&v); err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
			return fmt.Errorf("line %d: %q is not a JSON number", n.Line, n.Value)
		}
		b.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
	default: // !!str, !!timestamp, !!binary: the text as written
		writeString(b, n.Value)
	}
	return nil
}

func writeString(b *bytes.Buffer, s string) {
	enc, _ := json.Marshal(s)
	b.Write(enc)
}

// Tags is a mapping of tag keys to values, kept in file order. Scalar
// values of any YAML type are taken as written (true → "true").
type Tags []iam.Tag

// UnmarshalYAML implements yaml.Unmarshaler.
func (t *Tags) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return typeError(n, "tags must be a mapping of keys to values")
	}
	out := make(Tags, 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode || v.Kind != yaml.ScalarNode {
			return typeError(k, "tag keys and values must be scalars")
		}
		val := v.Value
		if v.ShortTag() == "!!null" {
			val = ""
		}
		out = append(out, iam.Tag{Key: k.Value, Value: val})
	}
	*t = out
	return nil
}
