package policy

import (
	"fmt"
	"strings"
)

// template is a policy value that may contain policy variables
// (${aws:username}, ${aws:username, 'default'}, ${*}, ${?}, ${$}).
type template struct {
	raw   string
	parts []templatePart // nil when the value has no variables
}

type templatePart struct {
	literal string // literal text (when key == "")
	globbed string // the literal text in compileGlob's internal form
	key     string // lower-cased context key
	name    string // the key as written
	def     string // default value
	hasDef  bool
}

// parseTemplate splits a value into literal text and variables. With
// substitute false (Version 2008-10-17 or none) the value is literal.
// Special variables ${*}, ${?} and ${$} become literal text.
func parseTemplate(s string, substitute bool) (template, error) {
	t := template{raw: s}
	if !substitute || !strings.Contains(s, "${") {
		return t, nil
	}
	rest := s
	var lit, glb strings.Builder
	vars := 0
	for {
		i := strings.Index(rest, "${")
		if i < 0 {
			lit.WriteString(rest)
			glb.WriteString(escapeBackslashes(rest))
			break
		}
		end := strings.IndexByte(rest[i:], '}')
		if end < 0 {
			// No closing brace: the rest is literal text, as in IAM.
			lit.WriteString(rest)
			glb.WriteString(escapeBackslashes(rest))
			break
		}
		lit.WriteString(rest[:i])
		glb.WriteString(escapeBackslashes(rest[:i]))
		body := rest[i+2 : i+end]
		rest = rest[i+end+1:]
		switch body {
		case "*", "?", "$":
			lit.WriteString(body)
			glb.Write(escapeGlob(nil, body))
			continue
		}
		part, err := parseVariable(body)
		if err != nil {
			return t, err
		}
		vars++
		if vars > MaxVariablesPerValue {
			return t, fmt.Errorf("more than %d policy variables in one value", MaxVariablesPerValue)
		}
		if lit.Len() > 0 {
			t.parts = append(t.parts, templatePart{literal: lit.String(), globbed: glb.String()})
			lit.Reset()
			glb.Reset()
		}
		t.parts = append(t.parts, part)
	}
	if lit.Len() > 0 || len(t.parts) == 0 {
		t.parts = append(t.parts, templatePart{literal: lit.String(), globbed: glb.String()})
	}
	return t, nil
}

// parseVariable parses "key" or "key, 'default'".
func parseVariable(body string) (templatePart, error) {
	name, def, hasDef := strings.Cut(body, ",")
	name = strings.TrimSpace(name)
	if name == "" {
		return templatePart{}, fmt.Errorf("empty policy variable ${%s}", body)
	}
	p := templatePart{key: strings.ToLower(name), name: name}
	if hasDef {
		def = strings.TrimSpace(def)
		if len(def) < 2 || def[0] != '\'' || def[len(def)-1] != '\'' {
			return templatePart{}, fmt.Errorf("invalid default value in policy variable ${%s}: it must be in single quotes", body)
		}
		p.def, p.hasDef = def[1:len(def)-1], true
	}
	return p, nil
}

// staticValue is the value after substituting ${*}, ${?}, ${$}; valid
// only when hasVariables is false.
func (t *template) staticValue() string {
	if t.parts == nil {
		return t.raw
	}
	return t.parts[0].literal
}

// staticGlob is staticValue in compileGlob's internal form.
func (t *template) staticGlob() string {
	if t.parts == nil {
		return escapeBackslashes(t.raw)
	}
	return t.parts[0].globbed
}

// hasVariables reports whether resolving needs the context.
func (t *template) hasVariables() bool {
	for _, p := range t.parts {
		if p.key != "" {
			return true
		}
	}
	return false
}

// resolve substitutes the variables into buf. asGlob escapes substituted
// values (and literal backslashes) for compileGlob, so that substituted text
// is literal. It reports false, with the variable's name, when a variable
// has no value: its key is missing (or multivalued, which cannot be a
// variable) and it has no default. The value is then null and matches
// nothing (see condition.eval and Statement.matchResource).
func (t *template) resolve(buf []byte, ctx *Context, asGlob bool) ([]byte, string, bool) {
	for _, p := range t.parts {
		if p.key == "" {
			if asGlob {
				buf = append(buf, p.globbed...)
			} else {
				buf = append(buf, p.literal...)
			}
			continue
		}
		v, ok := ctx.lookup(p.key)
		val := ""
		switch {
		case ok && !v.multi && len(v.values) == 1:
			val = v.values[0]
		case p.hasDef:
			val = p.def
		default:
			return buf, p.name, false
		}
		if asGlob {
			buf = escapeGlob(buf, val)
		} else {
			buf = append(buf, val...)
		}
	}
	return buf, "", true
}

// variableKeys lists the context keys the template reads.
func (t *template) variableKeys() []string {
	var out []string
	for _, p := range t.parts {
		if p.key != "" {
			out = append(out, p.name)
		}
	}
	return out
}

// shape is the value with every variable replaced by one placeholder
// character, in compileGlob's internal form: the value's structure (its
// colons and wildcards) as written, whatever the variables resolve to.
func (t *template) shape() string {
	if t.parts == nil {
		return escapeBackslashes(t.raw)
	}
	var b strings.Builder
	for _, p := range t.parts {
		if p.key == "" {
			b.WriteString(p.globbed)
		} else {
			b.WriteByte('x')
		}
	}
	return b.String()
}
