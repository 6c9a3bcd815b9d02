package awserr

import (
	"strconv"
	"strings"
)

// ValueForm says how a Violation shows the offending value.
type ValueForm int

const (
	// ValueQuoted renders "Value '<v>' at ...".
	ValueQuoted ValueForm = iota
	// ValueNull renders "Value null at ..." (a required member is missing).
	ValueNull
	// ValueOmitted renders "Value at ..." (list members, sensitive members
	// such as webIdentityToken).
	ValueOmitted
)

// Violation is one failed member constraint, rendered the AWS way:
// "Value '<value>' at '<member>' failed to satisfy constraint: <constraint>".
type Violation struct {
	Member     string
	Value      string
	Form       ValueForm
	Constraint string
}

func (v Violation) String() string {
	var b strings.Builder
	switch v.Form {
	case ValueNull:
		b.WriteString("Value null")
	case ValueOmitted:
		b.WriteString("Value")
	default:
		b.WriteString("Value '")
		b.WriteString(v.Value)
		b.WriteString("'")
	}
	b.WriteString(" at '")
	b.WriteString(v.Member)
	b.WriteString("' failed to satisfy constraint: ")
	b.WriteString(v.Constraint)
	return b.String()
}

// ValidationMessage renders violations as AWS's ValidationError message:
// "N validation error(s) detected: <v1>; <v2>".
func ValidationMessage(vs []Violation) string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(len(vs)))
	if len(vs) == 1 {
		b.WriteString(" validation error detected: ")
	} else {
		b.WriteString(" validation errors detected: ")
	}
	for i, v := range vs {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(v.String())
	}
	return b.String()
}

// Violations collects model-constraint failures of one request.
type Violations struct {
	items []Violation
}

// Add records one failed constraint for a member. value is the raw value the
// client sent, or nil when the member was absent ("Value null at …").
// constraint is the text after "failed to satisfy constraint: ", e.g.
// "Member must have length less than or equal to 64".
func (v *Violations) Add(value *string, member, constraint string) {
	if value == nil {
		v.items = append(v.items, Violation{Member: member, Form: ValueNull, Constraint: constraint})
		return
	}
	v.items = append(v.items, Violation{Member: member, Value: *value, Constraint: constraint})
}

// AddHidden records a failed constraint without echoing the value ("Value
// at 'member' …"), for sensitive members such as webIdentityToken.
func (v *Violations) AddHidden(member, constraint string) {
	v.items = append(v.items, Violation{Member: member, Form: ValueOmitted, Constraint: constraint})
}

// Len is the number of violations recorded.
func (v *Violations) Len() int { return len(v.items) }

// Err returns nil when nothing was recorded, else the ValidationError.
func (v *Violations) Err() *Error {
	if len(v.items) == 0 {
		return nil
	}
	return ValidationError(ValidationMessage(v.items))
}
