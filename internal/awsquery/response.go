package awsquery

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"
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
	num      int64 // an Int's value, a Bool's 0 or 1, a Time's epoch seconds
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

// Time is a timestamp member: ISO-8601 UTC seconds in XML, epoch seconds in
// JSON (both formats carry whole seconds, so only those are kept).
func Time(name string, t time.Time) Node { return Node{name: name, kind: kindTime, num: t.Unix()} }

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

// RenderXML renders the response envelope as AWS does: no XML declaration,
// two-space indentation, ResponseMetadata after the result, a final newline.
// The body is measured first and rendered into one allocation of that size.
func (r *Response) RenderXML(requestID string) []byte {
	meta := [1]Node{Str("RequestId", requestID)}
	size := 2*len(r.Action) + len(r.Namespace) + len("<Response xmlns=\"\">\n</Response>\n") +
		structSize("ResponseMetadata", "", meta[:], 1)
	if !r.NoResult {
		size += structSize(r.Action, "Result", r.Result, 1)
	}
	b := make([]byte, 0, size)
	b = append(b, '<')
	b = append(b, r.Action...)
	b = append(b, "Response xmlns=\""...)
	b = append(b, r.Namespace...)
	b = append(b, "\">\n"...)
	if !r.NoResult {
		b = appendStruct(b, r.Action, "Result", r.Result, false, 1)
	}
	b = appendStruct(b, "ResponseMetadata", "", meta[:], false, 1)
	b = append(b, "</"...)
	b = append(b, r.Action...)
	return append(b, "Response>\n"...)
}

// appendIndent appends depth levels of two-space indentation.
func appendIndent(b []byte, depth int) []byte {
	for range depth {
		b = append(b, "  "...)
	}
	return b
}

// appendStruct appends the element named name+suffix holding children
// (each named member when list is set), or an empty element when there
// are none.
func appendStruct(b []byte, name, suffix string, children []Node, list bool, depth int) []byte {
	b = appendIndent(b, depth)
	b = append(b, '<')
	b = append(b, name...)
	b = append(b, suffix...)
	if len(children) == 0 {
		return append(b, "/>\n"...)
	}
	b = append(b, ">\n"...)
	for _, c := range children {
		if list {
			c.name = "member"
		}
		b = appendXML(b, c, depth+1)
	}
	b = appendIndent(b, depth)
	b = append(b, "</"...)
	b = append(b, name...)
	b = append(b, suffix...)
	return append(b, ">\n"...)
}

// structSize is the length appendStruct gives the element (whatever list is).
func structSize(name, suffix string, children []Node, depth int) int {
	if len(children) == 0 {
		return 2*depth + len(name) + len(suffix) + len("</>\n")
	}
	size := 2*(2*depth+len(name)+len(suffix)) + len("<>\n</>\n")
	for _, c := range children {
		size += xmlSize(c, depth+1)
	}
	return size
}

func appendXML(b []byte, n Node, depth int) []byte {
	switch n.kind {
	case kindAbsent:
		return b
	case kindStruct, kindList:
		return appendStruct(b, n.name, "", n.children, n.kind == kindList, depth)
	}
	b = appendIndent(b, depth)
	b = append(b, '<')
	b = append(b, n.name...)
	b = append(b, '>')
	switch n.kind {
	case kindInt:
		b = strconv.AppendInt(b, n.num, 10)
	case kindBool:
		b = strconv.AppendBool(b, n.num == 1)
	case kindTime:
		b = time.Unix(n.num, 0).UTC().AppendFormat(b, XMLTimeFormat)
	default:
		b = appendEscaped(b, n.text)
	}
	b = append(b, "</"...)
	b = append(b, n.name...)
	return append(b, ">\n"...)
}

// xmlSize is the length appendXML gives n at depth. A list's items are
// renamed member, so their length does not depend on their own names.
func xmlSize(n Node, depth int) int {
	switch n.kind {
	case kindAbsent:
		return 0
	case kindStruct:
		return structSize(n.name, "", n.children, depth)
	case kindList:
		if len(n.children) == 0 {
			return structSize(n.name, "", nil, depth)
		}
		size := 2*(2*depth+len(n.name)) + len("<>\n</>\n")
		for _, c := range n.children {
			c.name = "member"
			size += xmlSize(c, depth+1)
		}
		return size
	}
	size := 2*depth + 2*len(n.name) + len("<></>\n")
	var digits [24]byte
	switch n.kind {
	case kindInt:
		size += len(strconv.AppendInt(digits[:0], n.num, 10))
	case kindBool:
		size += len(strconv.AppendBool(digits[:0], n.num == 1))
	case kindTime:
		size += len(time.Unix(n.num, 0).UTC().AppendFormat(digits[:0], XMLTimeFormat))
	default:
		size += escapedLen(n.text)
	}
	return size
}

// appendEscaped appends s escaped as XML text content requires (&, <, >,
// and CR so it survives parsing), characters XML cannot carry replaced with
// U+FFFD. Quotes stay literal, as in AWS's responses.
func appendEscaped(b []byte, s string) []byte {
	if plainText(s) {
		return append(b, s...)
	}
	for _, r := range s {
		switch {
		case r == '&':
			b = append(b, "&amp;"...)
		case r == '<':
			b = append(b, "&lt;"...)
		case r == '>':
			b = append(b, "&gt;"...)
		case r == '\r':
			b = append(b, "&#xD;"...)
		case xmlChar(r):
			b = utf8.AppendRune(b, r)
		default:
			b = utf8.AppendRune(b, '\uFFFD')
		}
	}
	return b
}

// escapedLen is the length appendEscaped gives s.
func escapedLen(s string) int {
	if plainText(s) {
		return len(s)
	}
	n := 0
	for _, r := range s {
		switch {
		case r == '&', r == '\r':
			n += len("&amp;")
		case r == '<', r == '>':
			n += len("&lt;")
		case xmlChar(r):
			n += utf8.RuneLen(r)
		default:
			n += utf8.RuneLen('\uFFFD')
		}
	}
	return n
}

// xmlChar reports whether XML 1.0 can carry r.
func xmlChar(r rune) bool {
	return r == '\t' || r == '\n' || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
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
		b.WriteString(strconv.FormatInt(n.num, 10))
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
	fields := [3]Node{Str("Type", typ), Str("Code", code), Str("Message", message)}
	id := Str("RequestId", requestID)
	b := make([]byte, 0, len(namespace)+len("<ErrorResponse xmlns=\"\">\n</ErrorResponse>\n")+
		structSize("Error", "", fields[:], 1)+xmlSize(id, 1))
	b = append(b, "<ErrorResponse xmlns=\""...)
	b = append(b, namespace...)
	b = append(b, "\">\n"...)
	b = appendStruct(b, "Error", "", fields[:], false, 1)
	b = appendXML(b, id, 1)
	return append(b, "</ErrorResponse>\n"...)
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
