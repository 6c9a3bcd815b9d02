package policy

// StatementCondition is one condition of a statement as written: the
// operator, the key and the values.
type StatementCondition struct {
	Operator string
	Key      string
	Values   []string
}

// Actions returns the Action (or NotAction, see IsNotAction) values as
// written.
func (s *Statement) Actions() []string {
	out := make([]string, len(s.actions))
	for i, a := range s.actions {
		out[i] = a.raw
	}
	return out
}

// IsNotAction reports whether Actions came from NotAction.
func (s *Statement) IsNotAction() bool { return s.notAction }

// Resources returns the Resource (or NotResource) values as written; nil
// when the statement has neither.
func (s *Statement) Resources() []string {
	if !s.hasResource {
		return nil
	}
	out := make([]string, len(s.resources))
	for i, r := range s.resources {
		out[i] = r.raw
	}
	return out
}

// IsNotResource reports whether Resources came from NotResource.
func (s *Statement) IsNotResource() bool { return s.notResource }

// Conditions returns the statement's conditions as written.
func (s *Statement) Conditions() []StatementCondition {
	out := make([]StatementCondition, len(s.conditions))
	for i, c := range s.conditions {
		vals := make([]string, len(c.values))
		for j, v := range c.values {
			vals[j] = v.tpl.raw
		}
		out[i] = StatementCondition{Operator: c.operator, Key: c.key, Values: vals}
	}
	return out
}
