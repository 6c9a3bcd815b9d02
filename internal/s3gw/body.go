package s3gw

import (
	"encoding/xml"
	"errors"
	"io"
	"strings"

	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/awserr"
)

// s3Namespace is the XML namespace of S3's request bodies; a body may also
// use none (the SDKs send it, hand-written requests often do not).
const s3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/"

// MaxDeleteObjects is S3's limit: "The request can contain a list of up to
// 1,000 keys" ([API] DeleteObjects).
const MaxDeleteObjects = 1000

// MaxDeleteBody bounds a Delete body. 1,000 keys of 1,024 bytes, each
// byte escaped at most as "&#xNN;"-sized references, with version IDs and
// markup, stay under it; a larger body is refused before parsing further.
const MaxDeleteBody = 8 << 20

// MaxTaggingBody bounds a Tagging body: 10 tags of 128-character keys and
// 256-character values (S3 User Guide, "Categorizing your storage using
// tags") escaped as above stay well under it.
const MaxTaggingBody = 64 << 10

// ObjectID is one <Object> of a Delete body. ETag, LastModifiedTime and
// Size are the conditions of a conditional delete ([API] ObjectIdentifier);
// they are kept to be forwarded, and do not change the checks.
type ObjectID struct {
	Key, VersionID, ETag, LastModifiedTime, Size string
}

// Delete is a parsed DeleteObjects body.
type Delete struct {
	Objects []ObjectID
	Quiet   bool
}

// ObjectChecks are the checks for one key of a DeleteObjects request.
type ObjectChecks struct {
	Object ObjectID
	Checks []authz.Check
}

// DeleteChecks returns, for each key of d in order, the checks S3 makes:
// s3:DeleteObject on arn:aws:s3:::bucket/key, or s3:DeleteObjectVersion
// with s3:VersionId when the key names a VersionId ([API] DeleteObjects,
// "Permissions"), plus the header-implied actions of the request
// (x-amz-bypass-governance-retention). It returns nil for an operation
// other than DeleteObjects.
func (op *Operation) DeleteChecks(d *Delete) []ObjectChecks {
	if op == nil || op.Body != BodyDelete || d == nil {
		return nil
	}
	out := make([]ObjectChecks, len(d.Objects))
	for i, o := range d.Objects {
		res := objectARN(op.Bucket, o.Key)
		var pool keyPool
		action := "s3:DeleteObject"
		if o.VersionID != "" {
			action = "s3:DeleteObjectVersion"
			pool.add(keyVersionID, o.VersionID)
		}
		checks := []authz.Check{checkOf(action, res, pool.forAction(action))}
		for _, a := range op.deleteExtras {
			checks = append(checks, checkOf(a, res, pool.forAction(a)))
		}
		out[i] = ObjectChecks{Object: o, Checks: checks}
	}
	return out
}

// TaggingChecks returns the checks of a PutObjectTagging request once its
// body is parsed: the operation's checks with s3:RequestObjectTag/<key>
// and s3:RequestObjectTagKeys describing tags. It returns the checks
// unchanged for any other operation.
func (op *Operation) TaggingChecks(tags []Tag) []authz.Check {
	if op == nil || op.Body != BodyTagging {
		return op.checksOrNil()
	}
	t := *op
	t.pool = append(keyPool(nil), op.pool...)
	t.addTags(tags)
	out := make([]authz.Check, len(op.Checks))
	for i, c := range op.Checks {
		out[i] = checkOf(c.Action, c.Resource, t.pool.forAction(c.Action))
	}
	return out
}

func (op *Operation) checksOrNil() []authz.Check {
	if op == nil {
		return nil
	}
	return op.Checks
}

// ParseDelete reads a DeleteObjects body strictly: one <Delete> root
// (namespace S3's or none) holding 1 to 1,000 <Object> elements, each with
// exactly one non-empty <Key> and at most one <VersionId>, <ETag>,
// <LastModifiedTime> and <Size>, and at most one <Quiet> (true or false).
// Anything else — other elements, attributes, DOCTYPEs, comments, text
// outside the leaves — is MalformedXML; a key over 1,024 bytes is
// KeyTooLongError; a body over MaxDeleteBody is MaxMessageLengthExceeded.
// The gateway must forward a body it encodes from the result, never the
// client's bytes, so the backend deletes exactly the keys authorized.
func ParseDelete(r io.Reader) (*Delete, error) {
	d := &Delete{}
	quiet := false
	err := parseStrict(r, MaxDeleteBody, "Delete", func(p *xmlParser, name string) error {
		switch name {
		case "Object":
			if len(d.Objects) == MaxDeleteObjects {
				return errMalformedXML("s3_delete_too_many")
			}
			o, err := parseObjectID(p)
			if err != nil {
				return err
			}
			d.Objects = append(d.Objects, o)
		case "Quiet":
			if quiet {
				return errMalformedXML("s3_delete_quiet_twice")
			}
			quiet = true
			v, err := p.text()
			if err != nil {
				return err
			}
			switch strings.TrimSpace(v) {
			case "true":
				d.Quiet = true
			case "false":
			default:
				return errMalformedXML("s3_delete_quiet_value")
			}
		default:
			return errMalformedXML("s3_delete_element")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(d.Objects) == 0 {
		return nil, errMalformedXML("s3_delete_empty")
	}
	return d, nil
}

func parseObjectID(p *xmlParser) (ObjectID, error) {
	var o ObjectID
	fields := map[string]*string{"Key": &o.Key, "VersionId": &o.VersionID, "ETag": &o.ETag,
		"LastModifiedTime": &o.LastModifiedTime, "Size": &o.Size}
	seen := map[string]bool{}
	err := p.children(func(name string) error {
		dst, ok := fields[name]
		if !ok || seen[name] {
			return errMalformedXML("s3_delete_object_element")
		}
		seen[name] = true
		v, err := p.text()
		*dst = v
		return err
	})
	if err != nil {
		return o, err
	}
	if o.Key == "" {
		return o, errMalformedXML("s3_delete_no_key")
	}
	if err := checkKey(o.Key); err != nil {
		return o, err
	}
	if seen["VersionId"] && o.VersionID == "" {
		return o, errMalformedXML("s3_delete_empty_version")
	}
	return o, nil
}

// ParseTagging reads a Tagging body (PutObjectTagging) strictly:
// <Tagging><TagSet><Tag><Key/><Value/></Tag>…</TagSet></Tagging>, at most
// 10 tags, keys unique and non-empty.
func ParseTagging(r io.Reader) ([]Tag, error) {
	var tags []Tag
	seenSet := false
	err := parseStrict(r, MaxTaggingBody, "Tagging", func(p *xmlParser, name string) error {
		if name != "TagSet" || seenSet {
			return errMalformedXML("s3_tagging_element")
		}
		seenSet = true
		return p.children(func(name string) error {
			if name != "Tag" {
				return errMalformedXML("s3_tagging_element")
			}
			if len(tags) == maxObjectTags {
				return errInvalidTag("Object tags cannot be greater than 10")
			}
			var t Tag
			var hasKey, hasValue bool
			err := p.children(func(name string) error {
				var err error
				switch {
				case name == "Key" && !hasKey:
					hasKey = true
					t.Key, err = p.text()
				case name == "Value" && !hasValue:
					hasValue = true
					t.Value, err = p.text()
				default:
					err = errMalformedXML("s3_tagging_element")
				}
				return err
			})
			if err != nil {
				return err
			}
			if !hasKey || !hasValue || t.Key == "" {
				return errMalformedXML("s3_tagging_tag")
			}
			for _, o := range tags {
				if o.Key == t.Key {
					// S3's message for a repeated tag key.
					return errInvalidTag("Cannot provide multiple Tags with the same key")
				}
			}
			tags = append(tags, t)
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	if !seenSet {
		return nil, errMalformedXML("s3_tagging_no_tagset")
	}
	return tags, nil
}

// xmlParser reads one strictly shaped XML document.
type xmlParser struct {
	d *xml.Decoder
}

// countingReader fails once more than max bytes are read.
type countingReader struct {
	r       io.Reader
	left    int64
	tooLong bool
}

var errTooLong = errors.New("s3gw: body too long")

func (c *countingReader) Read(b []byte) (int, error) {
	if c.left <= 0 {
		// Probe for one more byte: a body of exactly max bytes is fine.
		var one [1]byte
		n, err := c.r.Read(one[:])
		if n > 0 {
			c.tooLong = true
			return 0, errTooLong
		}
		return 0, err
	}
	if int64(len(b)) > c.left {
		b = b[:c.left]
	}
	n, err := c.r.Read(b)
	c.left -= int64(n)
	return n, err
}

// parseStrict parses a document whose root is root (in S3's namespace or
// none, no attributes but xmlns), calling child for each child element of
// the root.
func parseStrict(r io.Reader, max int64, root string, child func(p *xmlParser, name string) error) (err error) {
	cr := &countingReader{r: r, left: max}
	p := &xmlParser{d: xml.NewDecoder(cr)}
	p.d.Strict = true
	p.d.CharsetReader = nil // only UTF-8 (and its ASCII subset) is accepted
	defer func() {
		if cr.tooLong {
			err = errMaxMessageLength()
		}
	}()
	seenRoot := false
	for first := true; ; first = false {
		tok, err := p.d.Token()
		if err == io.EOF {
			if !seenRoot {
				return errMalformedXML("s3_xml_empty")
			}
			return nil
		}
		if err != nil {
			return asXMLError(err)
		}
		switch t := tok.(type) {
		case xml.ProcInst:
			if t.Target != "xml" || !first { // only a leading XML declaration
				return errMalformedXML("s3_xml_procinst")
			}
		case xml.CharData:
			if strings.TrimSpace(string(t)) != "" {
				return errMalformedXML("s3_xml_text")
			}
		case xml.StartElement:
			if seenRoot || !p.ok(t, root) {
				return errMalformedXML("s3_xml_root")
			}
			seenRoot = true
			if err := p.children(func(name string) error { return child(p, name) }); err != nil {
				return err
			}
		default: // comments, directives (DOCTYPE), stray end elements
			return errMalformedXML("s3_xml_token")
		}
	}
}

// ok reports whether a start element is name, in S3's namespace or none,
// with no attribute but a namespace declaration.
func (p *xmlParser) ok(t xml.StartElement, name string) bool {
	if t.Name.Local != name || t.Name.Space != "" && t.Name.Space != s3Namespace {
		return false
	}
	for _, a := range t.Attr {
		if !(a.Name.Space == "" && a.Name.Local == "xmlns" && a.Value == s3Namespace) {
			return false
		}
	}
	return true
}

// children calls f for each child element of the element just started,
// until its end; f must consume the child up to its end element.
func (p *xmlParser) children(f func(name string) error) error {
	for {
		tok, err := p.d.Token()
		if err != nil {
			return asXMLError(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if !p.ok(t, t.Name.Local) {
				return errMalformedXML("s3_xml_element")
			}
			if err := f(t.Name.Local); err != nil {
				return err
			}
		case xml.EndElement:
			return nil
		case xml.CharData:
			if strings.TrimSpace(string(t)) != "" {
				return errMalformedXML("s3_xml_text")
			}
		default:
			return errMalformedXML("s3_xml_token")
		}
	}
}

// text reads the character data of the element just started, up to its
// end; a child element or any other token is malformed.
func (p *xmlParser) text() (string, error) {
	var sb strings.Builder
	for {
		tok, err := p.d.Token()
		if err != nil {
			return "", asXMLError(err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			sb.Write(t)
		case xml.EndElement:
			return sb.String(), nil
		default:
			return "", errMalformedXML("s3_xml_leaf")
		}
	}
}

func asXMLError(err error) error {
	var ae *awserr.Error
	if errors.As(err, &ae) {
		return ae
	}
	if errors.Is(err, errTooLong) {
		return errMaxMessageLength()
	}
	return errMalformedXML("s3_xml_syntax")
}
