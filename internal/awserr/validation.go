package awserr

import (
	"fmt"
	"strings"
)

// Violations collects model-constraint failures and renders them as AWS's
// ValidationError message: "N validation error(s) detected: item; item".
type Violations struct {
	items []string
}

// Add records one failed constraint for a member. value is the raw value the
// client sent, or nil when the member was absent ("Value null at …").
// constraint is the text after "failed to satisfy constraint: ", e.g.
// "Member must have length less than or equal to 64".
func (v *Violations) Add(value *string, member, constraint string) {
	shown := "null"
	if value != nil {
		shown = "'" + *value + "'"
	}
	v.items = append(v.items, fmt.Sprintf("Value %s at '%s' failed to satisfy constraint: %s", shown, member, constraint))
}

// AddHidden records a failed constraint without echoing the value ("Value
// at 'member' …"), for sensitive members such as webIdentityToken.
func (v *Violations) AddHidden(member, constraint string) {
	v.items = append(v.items, fmt.Sprintf("Value at '%s' failed to satisfy constraint: %s", member, constraint))
}

// Len is the number of violations recorded.
func (v *Violations) Len() int { return len(v.items) }

// Err returns nil when nothing was recorded, else the ValidationError.
func (v *Violations) Err() *Error {
	switch len(v.items) {
	case 0:
		return nil
	case 1:
		return ValidationError("1 validation error detected: " + v.items[0])
	default:
		return ValidationError(fmt.Sprintf("%d validation errors detected: %s", len(v.items), strings.Join(v.items, "; ")))
	}
}
