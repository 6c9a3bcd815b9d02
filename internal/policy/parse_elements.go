package policy

import (
	"fmt"
	"strings"
)

func (b *builder) principals(s *Statement, stmt, principal, notPrincipal *jsonValue) {
	v, name := principal, "Principal"
	switch {
	case principal != nil && notPrincipal != nil:
		b.ps.add(notPrincipal.start, "Statement cannot contain both Principal and NotPrincipal")
		return
	case principal == nil && notPrincipal == nil:
		if b.kind == KindTrust || b.kind == KindResource {
			b.ps.add(stmt.start, "Missing required field Principal")
		}
		return
	case notPrincipal != nil:
		v, name = notPrincipal, "NotPrincipal"
	}
	if b.kind == KindIdentity {
		b.ps.add(v.start, "Has prohibited field %s", name)
		return
	}
	set := &principalSet{}
	switch v.kind {
	case jsonString:
		if v.text != "*" {
			b.ps.add(v.start, "Invalid principal in policy: %q", v.text)
			return
		}
		set.any = true
	case jsonObject:
		if len(v.members) == 0 {
			b.ps.add(v.start, "Invalid principal in policy: %s must name at least one principal", name)
			return
		}
		for _, m := range v.members {
			b.principalType(set, m)
		}
	default:
		b.ps.add(v.start, "%s must be \"*\" or an object, not %s", name, v.kind)
		return
	}
	s.principal = set
	s.notPrincipal = notPrincipal != nil
}

func (b *builder) principalType(set *principalSet, m jsonMember) {
	var list *[]string
	switch m.key {
	case "AWS":
		list = &set.aws
	case "Federated":
		list = &set.federated
	case "Service":
		list = &set.service
	case "CanonicalUser":
		list = &set.canonical
	default:
		b.ps.add(m.keyStart, "Invalid principal in policy: unknown principal type %q", m.key)
		return
	}
	for _, item := range b.stringList(m.value, "Principal "+m.key) {
		if !b.checkLength(item, "Principal") {
			continue
		}
		val := item.text
		if m.key == "AWS" && val == "*" {
			set.awsAny = true
			continue
		}
		if err := checkPrincipalValue(m.key, val); err != nil {
			b.ps.add(item.start, "Invalid principal in policy: %q:%q", m.key, val)
			continue
		}
		*list = append(*list, val)
	}
}

// checkPrincipalValue rejects values IAM rejects: empty values, wildcards
// other than a lone "*" for AWS, and AWS values that are neither a
// 12-digit account nor an ARN.
func checkPrincipalValue(typ, val string) error {
	if val == "" || strings.ContainsAny(val, "*?") {
		return fmt.Errorf("invalid")
	}
	if typ == "AWS" && !strings.HasPrefix(val, "arn:") && !isAccountID(val) && !isUniqueID(val) {
		return fmt.Errorf("invalid")
	}
	return nil
}

func isAccountID(s string) bool { return len(s) == 12 && isAllDigits(s) }

// isUniqueID accepts IAM unique IDs (AIDA…, AROA…), which IAM stores when
// the named principal was deleted.
func isUniqueID(s string) bool {
	if len(s) < 16 || len(s) > 128 || !strings.HasPrefix(s, "A") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func (b *builder) conditions(s *Statement, v *jsonValue) {
	if v.kind != jsonObject {
		b.ps.add(v.start, "Condition must be an object, not %s", v.kind)
		return
	}
	entries := 0
	for _, op := range v.members {
		info, q, ifExists, err := parseOperator(op.key)
		if err != nil {
			b.ps.add(op.keyStart, "%s", err.Error())
			continue
		}
		if op.value.kind != jsonObject {
			b.ps.add(op.value.start, "Condition %s must map condition keys to values, not %s", op.key, op.value.kind)
			continue
		}
		if len(op.value.members) == 0 {
			b.ps.add(op.value.start, "Condition %s must contain at least one condition key", op.key)
			continue
		}
		for _, kv := range op.value.members {
			entries++
			if entries > MaxConditionEntries {
				b.ps.add(kv.keyStart, "Condition has more than %d entries", MaxConditionEntries)
				return
			}
			c := &condition{operator: op.key, kind: info.kind, negated: info.negated, ifExists: ifExists,
				qualifier: q, key: kv.key, lkey: strings.ToLower(kv.key)}
			if b.conditionKey(c, kv) {
				b.conditionValues(c, kv.value)
				s.conditions = append(s.conditions, c)
			}
		}
	}
}

func (b *builder) conditionKey(c *condition, kv jsonMember) bool {
	switch {
	case len(kv.key) > MaxConditionKeyBytes:
		b.ps.add(kv.keyStart, "Condition key is %d bytes; the limit is %d", len(kv.key), MaxConditionKeyBytes)
		return false
	case kv.key == "":
		b.ps.add(kv.keyStart, "Condition key must not be empty")
		return false
	}
	b.noteKeyLower(kv.key, c.lkey)
	return true
}

func (b *builder) conditionValues(c *condition, v *jsonValue) {
	items := []*jsonValue{v}
	if v.kind == jsonArray {
		items = v.items
		if len(items) > MaxValuesPerElement {
			b.ps.add(v.start, "Condition key %s has %d values; the limit is %d", c.key, len(items), MaxValuesPerElement)
			return
		}
	}
	for _, item := range items {
		switch item.kind {
		case jsonString, jsonNumber, jsonBool:
		default:
			b.ps.add(item.start, "Condition key %s values must be strings, numbers or booleans, not %s", c.key, item.kind)
			continue
		}
		if !b.checkLength(item, "Condition") {
			continue
		}
		tpl, err := parseTemplate(item.text, b.pol.variables)
		if err != nil {
			b.ps.add(item.start, "%s", err.Error())
			continue
		}
		for _, k := range tpl.variableKeys() {
			b.noteKey(k)
		}
		cv, err := c.compileValue(tpl)
		if err != nil {
			b.ps.add(item.start, "Condition %s key %s: %s", c.operator, c.key, err.Error())
			continue
		}
		c.values = append(c.values, cv)
	}
}
