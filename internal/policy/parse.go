package policy

import (
	"sort"
	"strings"
)

// Parse parses and validates a policy document with the grammar rules only
// (KindAny). On failure the error is a *ParseError listing every problem.
func Parse(doc []byte) (*Policy, error) {
	return ParseAs(doc, KindAny)
}

// ParseAs parses a document and applies the rules of a policy kind on top
// of the grammar (see Kind). On failure the error is a *ParseError.
func ParseAs(doc []byte, kind Kind) (*Policy, error) {
	ps := &problems{lines: newLineIndex(doc)}
	if len(doc) > MaxDocumentBytes {
		ps.add(0, "Policy document is %d bytes; the limit is %d", len(doc), MaxDocumentBytes)
		return nil, &ParseError{Problems: ps.list}
	}
	root, serr := parseJSON(doc)
	if serr != nil {
		line, col := ps.lines.position(serr.offset)
		ps.add(serr.offset, "The policy is not in the valid JSON format: %s at line %d, column %d", serr.msg, line, col)
		return nil, &ParseError{Problems: ps.list}
	}
	b := &builder{ps: ps, kind: kind, sids: map[string]bool{}, keys: map[string]bool{}}
	b.pol = &Policy{}
	p := b.policy(root)
	if len(ps.list) > 0 {
		sort.SliceStable(ps.list, func(i, j int) bool { return ps.list[i].Offset < ps.list[j].Offset })
		return nil, &ParseError{Problems: ps.list}
	}
	p.size = len(doc)
	return p, nil
}

type builder struct {
	ps   *problems
	kind Kind
	sids map[string]bool
	keys map[string]bool
	pol  *Policy
}

func (b *builder) policy(root *jsonValue) *Policy {
	p := &Policy{}
	b.pol = p
	if root.kind != jsonObject {
		b.ps.add(root.start, "The policy must be a JSON object, not %s", root.kind)
		return p
	}
	var stmts *jsonValue
	for _, m := range root.members {
		switch m.key {
		case "Version":
			if m.value.kind != jsonString {
				b.ps.add(m.value.start, "Version must be a string")
				continue
			}
			switch m.value.text {
			case Version2012, Version2008:
				p.Version = m.value.text
			default:
				b.ps.add(m.value.start, "Invalid Version %q: must be %q or %q", m.value.text, Version2012, Version2008)
			}
		case "Id":
			if m.value.kind != jsonString {
				b.ps.add(m.value.start, "Id must be a string")
				continue
			}
			p.ID = m.value.text
		case "Statement":
			stmts = m.value
		default:
			b.ps.add(m.keyStart, "Unknown field %s", m.key)
		}
	}
	p.variables = p.Version == Version2012
	if stmts == nil {
		b.ps.add(root.start, "Missing required field Statement")
		return p
	}
	switch stmts.kind {
	case jsonObject:
		b.statement(stmts, 0)
	case jsonArray:
		if len(stmts.items) == 0 {
			b.ps.add(stmts.start, "Statement must contain at least one statement")
		}
		if len(stmts.items) > MaxStatements {
			b.ps.add(stmts.start, "Statement has %d statements; the limit is %d", len(stmts.items), MaxStatements)
			return p
		}
		for i, item := range stmts.items {
			b.statement(item, i)
		}
	default:
		b.ps.add(stmts.start, "Statement must be an object or an array of objects, not %s", stmts.kind)
	}
	return p
}

func (b *builder) statement(v *jsonValue, index int) {
	if v.kind != jsonObject {
		b.ps.add(v.start, "Statement %d must be an object, not %s", index, v.kind)
		return
	}
	s := &Statement{Index: index}
	sl, sc := b.ps.lines.position(v.start)
	el, ec := b.ps.lines.position(v.end - 1)
	s.Start, s.End = Position{sl, sc + 1}, Position{el, ec + 1}
	var action, notAction, resource, notResource, principal, notPrincipal, effect, cond *jsonValue
	for _, m := range v.members {
		switch m.key {
		case "Sid":
			b.sid(s, m.value)
		case "Effect":
			effect = m.value
		case "Action":
			action = m.value
		case "NotAction":
			notAction = m.value
		case "Resource":
			resource = m.value
		case "NotResource":
			notResource = m.value
		case "Principal":
			principal = m.value
		case "NotPrincipal":
			notPrincipal = m.value
		case "Condition":
			cond = m.value
		default:
			b.ps.add(m.keyStart, "Unknown field %s", m.key)
		}
	}
	b.effect(s, v, effect)
	b.actions(s, v, action, notAction)
	b.resources(s, v, resource, notResource)
	b.principals(s, v, principal, notPrincipal)
	if cond != nil {
		b.conditions(s, cond)
	}
	b.pol.Statements = append(b.pol.Statements, s)
}

func (b *builder) sid(s *Statement, v *jsonValue) {
	if v.kind != jsonString {
		b.ps.add(v.start, "Sid must be a string")
		return
	}
	s.Sid = v.text
	if (b.kind == KindIdentity || b.kind == KindTrust) && !isAlphanumeric(v.text) {
		b.ps.add(v.start, "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*")
	}
	if v.text != "" {
		if b.sids[v.text] {
			b.ps.add(v.start, "Statement IDs (SID) in a single policy must be unique.")
		}
		b.sids[v.text] = true
	}
}

func isAlphanumeric(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

func (b *builder) effect(s *Statement, stmt, v *jsonValue) {
	if v == nil {
		b.ps.add(stmt.start, "Missing required field Effect")
		return
	}
	if v.kind != jsonString {
		b.ps.add(v.start, "Effect must be a string")
		return
	}
	switch v.text {
	case "Allow":
		s.Effect = Allow
	case "Deny":
		s.Effect = Deny
	default:
		b.ps.add(v.start, "Invalid effect: %s. Effect must be Allow or Deny", v.text)
	}
}

// stringList reads a string or a non-empty array of strings.
func (b *builder) stringList(v *jsonValue, element string) []*jsonValue {
	switch v.kind {
	case jsonString:
		return []*jsonValue{v}
	case jsonArray:
		if len(v.items) == 0 {
			b.ps.add(v.start, "%s must not be an empty list", element)
			return nil
		}
		if len(v.items) > MaxValuesPerElement {
			b.ps.add(v.start, "%s has %d values; the limit is %d", element, len(v.items), MaxValuesPerElement)
			return nil
		}
		out := make([]*jsonValue, 0, len(v.items))
		for _, item := range v.items {
			if item.kind != jsonString {
				b.ps.add(item.start, "%s values must be strings, not %s", element, item.kind)
				continue
			}
			out = append(out, item)
		}
		return out
	default:
		b.ps.add(v.start, "%s must be a string or an array of strings, not %s", element, v.kind)
		return nil
	}
}

func (b *builder) checkLength(v *jsonValue, element string) bool {
	if len(v.text) > MaxPatternBytes {
		b.ps.add(v.start, "%s value is %d bytes; the limit is %d", element, len(v.text), MaxPatternBytes)
		return false
	}
	return true
}

func (b *builder) actions(s *Statement, stmt, action, notAction *jsonValue) {
	v, name := action, "Action"
	switch {
	case action != nil && notAction != nil:
		b.ps.add(notAction.start, "Statement cannot contain both Action and NotAction")
		return
	case action == nil && notAction == nil:
		b.ps.add(stmt.start, "Policy statement must contain actions.")
		return
	case notAction != nil:
		v, name = notAction, "NotAction"
		s.notAction = true
	}
	for _, item := range b.stringList(v, name) {
		if !b.checkLength(item, name) {
			continue
		}
		a := item.text
		if strings.Count(a, ":") > 1 {
			b.ps.add(item.start, "Actions/Condition can contain only one colon.")
			continue
		}
		if a != "*" && !validAction(a) {
			b.ps.add(item.start, "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.")
			continue
		}
		s.actions = append(s.actions, newActionPattern(a))
	}
}

// validAction checks "vendor:action" with a non-empty vendor without
// wildcards or spaces.
func validAction(a string) bool {
	vendor, name, ok := strings.Cut(a, ":")
	if !ok || vendor == "" || name == "" || strings.ContainsAny(vendor, "*? ") {
		return false
	}
	return true
}

func (b *builder) resources(s *Statement, stmt, resource, notResource *jsonValue) {
	v, name := resource, "Resource"
	switch {
	case resource != nil && notResource != nil:
		b.ps.add(notResource.start, "Statement cannot contain both Resource and NotResource")
		return
	case resource == nil && notResource == nil:
		if b.kind == KindIdentity || b.kind == KindResource {
			b.ps.add(stmt.start, "Policy statement must contain resources.")
		}
		return
	case notResource != nil:
		v, name = notResource, "NotResource"
		s.notResource = true
	}
	if b.kind == KindTrust {
		b.ps.add(v.start, "Has prohibited field %s", name)
		return
	}
	s.hasResource = true
	for _, item := range b.stringList(v, name) {
		if !b.checkLength(item, name) {
			continue
		}
		tpl, err := parseTemplate(item.text, b.pol.variables)
		if err != nil {
			b.ps.add(item.start, "%s", err.Error())
			continue
		}
		if (b.kind == KindIdentity || b.kind == KindResource) && !isResourceARN(&tpl) {
			// IAM's text, for Resource and NotResource alike.
			b.ps.add(item.start, "Resource %s must be in ARN format or \"*\".", item.text)
			continue
		}
		for _, k := range tpl.variableKeys() {
			b.noteKey(k)
		}
		r := resourcePattern{raw: item.text, tpl: tpl}
		if !tpl.hasVariables() {
			r.static, r.hasStatic = compileARNPatternValue(tpl.staticGlob()), true
		}
		s.resources = append(s.resources, r)
	}
}

func (b *builder) noteKey(k string) { b.noteKeyLower(k, strings.ToLower(k)) }

func (b *builder) noteKeyLower(k, lk string) {
	if !b.keys[lk] {
		b.keys[lk] = true
		b.pol.keys = append(b.pol.keys, k)
	}
}
