package policy

import (
	"bytes"
	"encoding/base64"
	"net/netip"
	"strconv"
	"strings"
)

// condOutcome is the result of one condition.
type condOutcome uint8

const (
	condTrue condOutcome = iota
	condFalse
	// condUnresolved: a policy variable in a value has no value; the
	// statement does not match.
	condUnresolved
)

// FailReason says why a condition did not hold.
type FailReason uint8

// Reasons a condition failed.
const (
	// FailMissingKey: the key is not in the request context.
	FailMissingKey FailReason = iota + 1
	// FailNoMatch: no value of the key matched a policy value.
	FailNoMatch
	// FailNegatedMatch: a negated operator found a matching value.
	FailNegatedMatch
	// FailNotAllValues: ForAllValues found a context value outside the
	// policy values.
	FailNotAllValues
	// FailNullCheck: the Null operator's expectation was not met.
	FailNullCheck
	// FailUnresolvedVariable: a policy variable had no value.
	FailUnresolvedVariable
)

// String describes the reason.
func (r FailReason) String() string {
	switch r {
	case FailMissingKey:
		return "the key is not in the request context"
	case FailNoMatch:
		return "no value of the key matches a policy value"
	case FailNegatedMatch:
		return "a value of the key matches a policy value of the negated operator"
	case FailNotAllValues:
		return "a value of the key matches no policy value"
	case FailNullCheck:
		return "the key's presence is not what the Null condition requires"
	case FailUnresolvedVariable:
		return "a policy variable has no value in the request context"
	default:
		return "unknown"
	}
}

// eval evaluates the condition against the context. It returns the
// outcome, the reason when false or unresolved, whether the key was
// missing, and the unresolved variable name.
func (c *condition) eval(ctx *Context) (condOutcome, FailReason, bool, string) {
	cv, present := ctx.lookup(c.lkey)
	n := len(cv.values)
	if c.kind == opNull {
		isNull := !present || n == 0
		for _, v := range c.values {
			if v.dynamic {
				rv, name, ok := c.resolveValue(v, ctx)
				if !ok {
					return condUnresolved, FailUnresolvedVariable, false, name
				}
				v = rv
			}
			if v.boolean == isNull && !v.dynamic {
				return condTrue, 0, false, ""
			}
		}
		return condFalse, FailNullCheck, false, ""
	}
	values := c.values
	if c.dynamic {
		resolved := make([]*condValue, 0, len(values))
		for _, v := range values {
			if v.dynamic {
				rv, name, ok := c.resolveValue(v, ctx)
				if !ok {
					return condUnresolved, FailUnresolvedVariable, false, name
				}
				v = rv
			}
			resolved = append(resolved, v)
		}
		values = resolved
	}
	missing := !present || n == 0
	if missing && c.ifExists {
		return condTrue, 0, !present, ""
	}
	switch c.qualifier {
	case qualForAllValues:
		// True when every context value satisfies the operator; an absent
		// or empty key satisfies it vacuously (the documented pitfall).
		for _, s := range cv.values {
			if c.matchAny(values, s) == c.negated {
				if c.negated {
					return condFalse, FailNegatedMatch, false, ""
				}
				return condFalse, FailNotAllValues, false, ""
			}
		}
		return condTrue, 0, !present, ""
	case qualForAnyValue:
		// True when at least one context value satisfies the operator; an
		// absent or empty key never does.
		for _, s := range cv.values {
			if c.matchAny(values, s) != c.negated {
				return condTrue, 0, false, ""
			}
		}
		if missing {
			return condFalse, FailMissingKey, !present, ""
		}
		if c.negated {
			return condFalse, FailNegatedMatch, false, ""
		}
		return condFalse, FailNoMatch, false, ""
	}
	if missing {
		// "If the key that you specify in a policy condition is not present
		// in the request context, the values do not match": positive
		// operators fail and negated operators hold.
		if c.negated {
			return condTrue, 0, !present, ""
		}
		return condFalse, FailMissingKey, !present, ""
	}
	any := false
	for _, s := range cv.values {
		if c.matchAny(values, s) {
			any = true
			break
		}
	}
	switch {
	case any && c.negated:
		return condFalse, FailNegatedMatch, false, ""
	case !any && !c.negated:
		return condFalse, FailNoMatch, false, ""
	}
	return condTrue, 0, false, ""
}

// matchAny reports whether the context value s matches any policy value
// under the non-negated operator.
func (c *condition) matchAny(values []*condValue, s string) bool {
	switch c.kind {
	case opStringEquals:
		for _, v := range values {
			if v.str == s {
				return true
			}
		}
	case opStringEqualsIgnoreCase:
		for _, v := range values {
			if strings.EqualFold(v.str, s) {
				return true
			}
		}
	case opStringLike:
		for _, v := range values {
			if v.glob != nil && v.glob.match(s) {
				return true
			}
		}
	case opNumericEquals, opNumericLessThan, opNumericLessThanEquals, opNumericGreaterThan, opNumericGreaterThanEquals:
		x, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return false
		}
		for _, v := range values {
			if v.dynamic {
				continue
			}
			if compareNumbers(c.kind, x, v.num) {
				return true
			}
		}
	case opDateEquals, opDateLessThan, opDateLessThanEquals, opDateGreaterThan, opDateGreaterThanEquals:
		t, err := parseDate(s)
		if err != nil {
			return false
		}
		for _, v := range values {
			if v.dynamic {
				continue
			}
			if compareInts(c.kind-opDateEquals+opNumericEquals, t.Compare(v.when)) {
				return true
			}
		}
	case opBool:
		b, err := parseBool(s)
		if err != nil {
			return false
		}
		for _, v := range values {
			if !v.dynamic && v.boolean == b {
				return true
			}
		}
	case opBinaryEquals:
		return matchBinary(values, s)
	case opIPAddress:
		a, err := netip.ParseAddr(s)
		if err != nil {
			return false
		}
		a = a.Unmap()
		for _, v := range values {
			if !v.dynamic && v.prefix.IsValid() && v.prefix.Contains(a) {
				return true
			}
		}
	case opArnEquals, opArnLike:
		if !strings.HasPrefix(s, "arn:") {
			return false
		}
		for _, v := range values {
			if v.arn != nil && v.arn.match(s) {
				return true
			}
		}
	}
	return false
}

func matchBinary(values []*condValue, s string) bool {
	var small [512]byte
	var dst []byte
	if n := base64.StdEncoding.DecodedLen(len(s)); n <= len(small) {
		dst = small[:n]
	} else {
		dst = make([]byte, n)
	}
	n, err := base64.StdEncoding.Decode(dst, []byte(s))
	if err != nil {
		return false
	}
	for _, v := range values {
		if !v.dynamic && v.binary != nil && bytes.Equal(v.binary, dst[:n]) {
			return true
		}
	}
	return false
}

func compareNumbers(kind opKind, x, y float64) bool {
	switch kind {
	case opNumericEquals:
		return x == y
	case opNumericLessThan:
		return x < y
	case opNumericLessThanEquals:
		return x <= y
	case opNumericGreaterThan:
		return x > y
	case opNumericGreaterThanEquals:
		return x >= y
	}
	return false
}

// compareInts applies a numeric operator kind to a three-way comparison.
func compareInts(kind opKind, cmp int) bool {
	return compareNumbers(kind, float64(cmp), 0)
}
