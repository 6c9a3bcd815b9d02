package bootstrap

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Encode writes f as a bootstrap file that Parse reads back to the same
// entities, preceded by header as "# " comment lines (none if empty).
// Output is deterministic: entities in f's order, keys in schema order,
// inline policies by name, empty values left out, a blank line between
// entries.
//
// A policy document is written as a YAML mapping when that mapping
// converts back to exactly the stored JSON text (compact JSON, as the
// bootstrap file and most tools produce); any other text (pretty-printed
// JSON, other spacing or number forms) is written as the JSON string
// verbatim, so that applying the output never rewrites a document.
func Encode(w io.Writer, f *File, header string) error {
	root := mapNode()
	put(root, "version", scalar("!!int", "1"))
	if len(f.OIDCProviders) > 0 {
		seq := seqNode()
		for i := range f.OIDCProviders {
			n, err := providerNode(&f.OIDCProviders[i])
			if err != nil {
				return err
			}
			seq.Content = append(seq.Content, n)
		}
		put(root, "oidc_providers", seq)
	}
	if len(f.OAuthProviders) > 0 {
		seq := seqNode()
		for i := range f.OAuthProviders {
			seq.Content = append(seq.Content, oauthProviderNode(&f.OAuthProviders[i]))
		}
		put(root, "oauth_providers", seq)
	}
	if len(f.ManagedPolicies) > 0 {
		seq := seqNode()
		for i := range f.ManagedPolicies {
			n, err := policyNode(&f.ManagedPolicies[i])
			if err != nil {
				return err
			}
			seq.Content = append(seq.Content, n)
		}
		put(root, "managed_policies", seq)
	}
	if len(f.Roles) > 0 {
		seq := seqNode()
		for i := range f.Roles {
			n, err := roleNode(&f.Roles[i])
			if err != nil {
				return err
			}
			seq.Content = append(seq.Content, n)
		}
		put(root, "roles", seq)
	}
	var body bytes.Buffer
	enc := yaml.NewEncoder(&body)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return fmt.Errorf("bootstrap: encode: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("bootstrap: encode: %w", err)
	}
	var out bytes.Buffer
	if header != "" {
		for line := range strings.SplitSeq(strings.TrimRight(header, "\n"), "\n") {
			out.WriteString(strings.TrimRight("# "+line, " ") + "\n")
		}
		out.WriteByte('\n')
	}
	spaced(&out, body.Bytes())
	_, err := w.Write(out.Bytes())
	return err
}

// spaced copies the encoder's output, adding a blank line before each
// top-level key but the first and before each entry of a top-level list
// but the first. Only the top two levels start a line with a key or "  - "
// (deeper values, block scalars included, are indented further).
func spaced(out *bytes.Buffer, body []byte) {
	lines := strings.SplitAfter(string(body), "\n")
	first := true
	for i, line := range lines {
		topKey := isTopKey(line) && line[0] != '#'
		entry := strings.HasPrefix(line, "  - ") && i > 0 && !isTopKey(lines[i-1])
		if (topKey && !first) || entry {
			out.WriteByte('\n')
		}
		if topKey {
			first = false
		}
		out.WriteString(line)
	}
}

func isTopKey(line string) bool { return line != "" && line[0] != ' ' && line[0] != '\n' }

func providerNode(p *Provider) (*yaml.Node, error) {
	n := mapNode()
	put(n, "url", str(p.URL))
	putList(n, "client_ids", p.ClientIDs)
	putList(n, "thumbprints", p.Thumbprints)
	putStr(n, "jwks_url", p.JWKSURL)
	switch {
	case p.JWKSFile != "":
		put(n, "jwks_file", str(p.JWKSFile))
	case p.staticJWKS != "" || (p.StaticJWKS != nil && p.StaticJWKS.JSON != ""):
		doc := p.staticJWKS
		if doc == "" {
			doc = p.StaticJWKS.JSON
		}
		d, err := documentNode(doc)
		if err != nil {
			return nil, fmt.Errorf("bootstrap: encode: oidc provider %s: static_jwks: %w", p.URL, err)
		}
		put(n, "static_jwks", d)
	}
	putTags(n, p.Tags)
	return n, nil
}

func policyNode(p *Policy) (*yaml.Node, error) {
	n := mapNode()
	put(n, "name", str(p.Name))
	if p.Path != "/" {
		putStr(n, "path", p.Path)
	}
	putStr(n, "description", p.Description)
	d, err := documentNode(p.Document.JSON)
	if err != nil {
		return nil, fmt.Errorf("bootstrap: encode: managed policy %s: document: %w", p.Name, err)
	}
	put(n, "document", d)
	putTags(n, p.Tags)
	return n, nil
}

func roleNode(r *Role) (*yaml.Node, error) {
	n := mapNode()
	put(n, "name", str(r.Name))
	if r.Path != "/" {
		putStr(n, "path", r.Path)
	}
	putStr(n, "description", r.Description)
	if r.MaxSessionDuration != 0 {
		put(n, "max_session_duration", scalar("!!int", strconv.Itoa(r.MaxSessionDuration)))
	}
	d, err := documentNode(r.TrustPolicy.JSON)
	if err != nil {
		return nil, fmt.Errorf("bootstrap: encode: role %s: trust_policy: %w", r.Name, err)
	}
	put(n, "trust_policy", d)
	if len(r.InlinePolicies) > 0 {
		m := mapNode()
		names := make([]string, 0, len(r.InlinePolicies))
		for name := range r.InlinePolicies {
			names = append(names, name)
		}
		slices.Sort(names)
		for _, name := range names {
			d, err := documentNode(r.InlinePolicies[name].JSON)
			if err != nil {
				return nil, fmt.Errorf("bootstrap: encode: role %s: inline policy %s: %w", r.Name, name, err)
			}
			put(m, name, d)
		}
		put(n, "inline_policies", m)
	}
	if len(r.ManagedPolicies) > 0 {
		seq := seqNode()
		for _, ref := range r.ManagedPolicies {
			seq.Content = append(seq.Content, str(ref))
		}
		put(n, "managed_policies", seq)
	}
	putStr(n, "permissions_boundary", r.PermissionsBoundary)
	putTags(n, r.Tags)
	return n, nil
}

func mapNode() *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode} }
func seqNode() *yaml.Node { return &yaml.Node{Kind: yaml.SequenceNode} }

func scalar(tag, value string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: value}
}

// str is a string scalar; the encoder quotes it when a plain scalar would
// read back as another type ("true", "42", "2012-10-17").
func str(s string) *yaml.Node { return scalar("!!str", s) }

func put(m *yaml.Node, key string, v *yaml.Node) { m.Content = append(m.Content, str(key), v) }

func putStr(m *yaml.Node, key, v string) {
	if v != "" {
		put(m, key, str(v))
	}
}

// putList writes a list of strings in flow style ([a, b]).
func putList(m *yaml.Node, key string, vs []string) {
	if len(vs) == 0 {
		return
	}
	seq := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, v := range vs {
		seq.Content = append(seq.Content, str(v))
	}
	put(m, key, seq)
}

func putTags(m *yaml.Node, tags Tags) {
	if len(tags) == 0 {
		return
	}
	t := mapNode()
	for _, tag := range tags {
		put(t, tag.Key, str(tag.Value))
	}
	put(m, "tags", t)
}

// documentNode renders a JSON document as a YAML mapping if the mapping
// reads back (through Document.UnmarshalYAML) to exactly doc, and as a
// string holding doc otherwise.
func documentNode(doc string) (*yaml.Node, error) {
	if n, err := jsonToNode(doc); err == nil && n.Kind == yaml.MappingNode && readsBackAs(n, doc) {
		return n, nil
	}
	n := str(doc)
	if !readsBackAs(n, doc) {
		return nil, errors.New("the document cannot be written in YAML exactly")
	}
	return n, nil
}

func readsBackAs(n *yaml.Node, doc string) bool {
	data, err := yaml.Marshal(n)
	if err != nil {
		return false
	}
	var d Document
	return yaml.Unmarshal(data, &d) == nil && d.JSON == doc
}

// dateLike matches the strings YAML would read as a date when plain;
// Document.UnmarshalYAML keeps them as strings, so they need no quotes.
var dateLike = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)

// shortScalars reports whether a list is scalars short enough to read
// well on one line, unquoted.
func shortScalars(ns []*yaml.Node) bool {
	width := 0
	for _, n := range ns {
		if n.Kind != yaml.ScalarNode {
			return false
		}
		width += len(n.Value) + 2
	}
	if len(ns) == 0 || width > 60 {
		return false
	}
	// Only when no element needs quotes there (the emitter quotes any
	// scalar with a colon in flow style: ['s3:GetObject'] reads worse
	// than a block list).
	out, err := yaml.Marshal(&yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle, Content: ns})
	return err == nil && !bytes.ContainsAny(out, `'"`)
}

// jsonToNode parses JSON into a YAML node tree, keeping key order,
// duplicate keys and number text.
func jsonToNode(doc string) (*yaml.Node, error) {
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	n, err := jsonValue(dec, 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("trailing data after the JSON value")
	}
	return n, nil
}

func jsonValue(dec *json.Decoder, depth int) (*yaml.Node, error) {
	if depth > maxDocumentDepth {
		return nil, errors.New("too deep")
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch v := tok.(type) {
	case json.Delim:
		switch v {
		case '{':
			m := mapNode()
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				key, ok := k.(string)
				if !ok {
					return nil, errors.New("object key is not a string")
				}
				val, err := jsonValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				m.Content = append(m.Content, str(key), val)
			}
			_, err := dec.Token() // '}'
			return m, err
		case '[':
			s := seqNode()
			for dec.More() {
				val, err := jsonValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				s.Content = append(s.Content, val)
			}
			_, err := dec.Token() // ']'
			if shortScalars(s.Content) {
				s.Style = yaml.FlowStyle // [s3:GetObject, s3:ListBucket]
			}
			return s, err
		}
		return nil, errors.New("unexpected delimiter")
	case string:
		if dateLike.MatchString(v) {
			return scalar("!!timestamp", v), nil
		}
		return str(v), nil
	case json.Number:
		if strings.ContainsAny(v.String(), ".eE") {
			return scalar("!!float", v.String()), nil
		}
		return scalar("!!int", v.String()), nil
	case bool:
		return scalar("!!bool", strconv.FormatBool(v)), nil
	case nil:
		return scalar("!!null", "null"), nil
	}
	return nil, fmt.Errorf("unexpected JSON token %v", tok)
}
