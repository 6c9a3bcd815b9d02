package awsquery

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"
)

type kind uint8

const (
	kindText kind = iota
	kindInt
	kindBool
	kindTime
	kindStruct
	kindList
	kindAbsent
)

// Node is one element of a response tree. Build nodes with Str, Int, Time,
// Struct, List and Absent; the tree renders as Query-protocol XML or JSON.
type Node struct {
	name     string
	kind     kind
	text     string
	num      int64
	time     time.Time
	children []Node
}

// Str is a string member.
func Str(name, value string) Node { return Node{name: name, kind: kindText, text: value} }

// Int is an integer member.
func Int(name string, value int64) Node { return Node{name: name, kind: kindInt, num: value} }

// Bool is a boolean member.
func Bool(name string, value bool) Node {
	n := Node{name: name, kind: kindBool}
	if value {
		n.num = 1
	}
	return n
}

// Time is a timestamp member: ISO-8601 UTC seconds in XML, epoch seconds in JSON.
func Time(name string, t time.Time) Node { return Node{name: name, kind: kindTime, time: t} }

// Struct is a structure member.
func Struct(name string, children ...Node) Node {
	return Node{name: name, kind: kindStruct, children: children}
}

// List is a list member; each item renders as <member> in XML and as an array
// element in JSON (item names are ignored).
func List(name string, items ...Node) Node { return Node{name: name, kind: kindList, children: items} }

// Absent is an optional member that was not set: omitted in XML, null in JSON.
func Absent(name string) Node { return Node{name: name, kind: kindAbsent} }

// OptStr is Str when value is non-empty, else Absent.
func OptStr(name, value string) Node {
	if value == "" {
		return Absent(name)
	}
	return Str(name, value)
}

// Response is a successful answer: the action, its XML namespace and the
// members of its Result (nil when the action has no result element).
type Response struct {
	Action    string
	Namespace string
	Result    []Node
	NoResult  bool // actions such as IAM's DeleteRole have no <…Result>
}

// XMLTimeFormat is how timestamps appear in XML responses.
const XMLTimeFormat = "2006-01-02T15:04:05Z"

// MarshalXML renders the response envelope as AWS does: no XML declaration,
// two-space indentation, ResponseMetadata after the result, a final newline.
func (r *Response) RenderXML(requestID string) []byte {
	var b bytes.Buffer
	b.Grow(2048)
	b.WriteString("<" + r.Action + "Response xmlns=\"" + r.Namespace + "\">\n")
	if !r.NoResult {
		writeXML(&b, Struct(r.Action+"Result", r.Result...), 1)
	}
	writeXML(&b, Struct("ResponseMetadata", Str("RequestId", requestID)), 1)
	b.WriteString("</" + r.Action + "Response>\n")
	return b.Bytes()
}

func writeXML(b *bytes.Buffer, n Node, depth int) {
	if n.kind == kindAbsent {
		return
	}
	indent := func(d int) {
		for range d {
			b.WriteString("  ")
		}
	}
	indent(depth)
	switch n.kind {
	case kindStruct, kindList:
		if len(n.children) == 0 {
			b.WriteString("<" + n.name + "/>\n")
			return
		}
		b.WriteString("<" + n.name + ">\n")
		for _, c := range n.children {
			if n.kind == kindList {
				c.name = "member"
			}
			writeXML(b, c, depth+1)
		}
		indent(depth)
		b.WriteString("</" + n.name + ">\n")
	default:
		b.WriteString("<" + n.name + ">")
		escapeText(b, n.scalarText())
		b.WriteString("</" + n.name + ">\n")
	}
}

// escapeText escapes what XML text content requires (&, <, >, and CR so it
// survives parsing) and replaces characters XML cannot carry with U+FFFD.
// Quotes stay literal, as in AWS's responses.
func escapeText(b *bytes.Buffer, s string) {
	if plainText(s) {
		b.WriteString(s)
		return
	}
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '\r':
			b.WriteString("&#xD;")
		case r == '\t' || r == '\n' || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF:
			b.WriteRune(r)
		default:
			b.WriteRune('\uFFFD')
		}
	}
}

// plainText reports whether s is printable ASCII without &, < and >, the
// common case that needs no escaping.
func plainText(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c > 0x7E || c == '&' || c == '<' || c == '>' {
			return false
		}
	}
	return true
}

func (n Node) scalarText() string {
	switch n.kind {
	case kindInt:
		return strconv.FormatInt(n.num, 10)
	case kindBool:
		return strconv.FormatBool(n.num == 1)
	case kindTime:
		return n.time.UTC().Format(XMLTimeFormat)
	default:
		return n.text
	}
}

// MarshalJSON renders the same tree as JSON, the shape STS returns for
// Accept: application/json: timestamps as epoch seconds, absent members null.
func (r *Response) RenderJSON(requestID string) []byte {
	var b bytes.Buffer
	b.WriteString(`{"` + r.Action + `Response":{`)
	if !r.NoResult {
		writeJSON(&b, Struct(r.Action+"Result", r.Result...), true)
		b.WriteByte(',')
	}
	writeJSON(&b, Struct("ResponseMetadata", Str("RequestId", requestID)), true)
	b.WriteString("}}")
	return b.Bytes()
}

func writeJSON(b *bytes.Buffer, n Node, named bool) {
	if named {
		writeJSONString(b, n.name)
		b.WriteByte(':')
	}
	switch n.kind {
	case kindAbsent:
		b.WriteString("null")
	case kindText:
		writeJSONString(b, n.text)
	case kindInt:
		b.WriteString(strconv.FormatInt(n.num, 10))
	case kindBool:
		b.WriteString(strconv.FormatBool(n.num == 1))
	case kindTime:
		b.WriteString(strconv.FormatInt(n.time.Unix(), 10))
	case kindStruct:
		b.WriteByte('{')
		for i, c := range n.children {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSON(b, c, true)
		}
		b.WriteByte('}')
	case kindList:
		b.WriteByte('[')
		for i, c := range n.children {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSON(b, c, false)
		}
		b.WriteByte(']')
	}
}

func writeJSONString(b *bytes.Buffer, s string) {
	out, _ := json.Marshal(s) // a string always marshals
	b.Write(out)
}

// ErrorXML renders an error in the Query protocol's ErrorResponse envelope,
// RequestId a direct child of the root.
func ErrorXML(namespace, typ, code, message, requestID string) []byte {
	var b bytes.Buffer
	b.WriteString("<ErrorResponse xmlns=\"" + namespace + "\">\n")
	writeXML(&b, Struct("Error", Str("Type", typ), Str("Code", code), Str("Message", message)), 1)
	writeXML(&b, Str("RequestId", requestID), 1)
	b.WriteString("</ErrorResponse>\n")
	return b.Bytes()
}

// ErrorJSON renders an error as STS does in JSON mode.
func ErrorJSON(typ, code, message, requestID string) []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	writeJSON(&b, Struct("Error", Str("Code", code), Str("Message", message), Str("Type", typ)), true)
	b.WriteByte(',')
	writeJSON(&b, Str("RequestId", requestID), true)
	b.WriteByte('}')
	return b.Bytes()
}
