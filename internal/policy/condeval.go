package policy

import (
	"bytes"
	"encoding/base64"
	"net/netip"
	"strconv"
	"strings"
)

// FailReason says why a condition did not hold.
type FailReason uint8

// Reasons a condition failed.
const (
	// FailMissingKey: the key is not in the request context, or (for
	// ForAnyValue) resolves to a null dataset.
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
		return "the key has no value in the request context"
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

// eval evaluates the condition against the context. It reports whether the
// condition holds, the reason when it does not, whether the condition key
// was missing, and the first policy variable in a value that had no value.
//
// A policy variable with no value (IAM User Guide, "IAM policy elements:
// Variables and tags", section "Policy variables with no value"): "the
// value is effectively null. There is no equal or like value." Condition
// operators "like StringEquals or StringLike do not match", and "inverted
// condition operators like StringNotEquals or StringNotLike do match
// against a null value". So a value whose variable has no value (and no
// default) matches no context value: it is left out of the comparison,
// which makes every positive operator fail on it and every negated one
// (StringNotEquals, StringNotEqualsIgnoreCase, StringNotLike,
// NumericNotEquals, DateNotEquals, NotIpAddress, ArnNotEquals, ArnNotLike)
// hold on it; the condition's other values are compared as usual. This is
// about the values: the condition key itself being absent keeps its own
// rules (IfExists, Null, and negated operators holding).
//
// A null dataset ("Single-valued vs. multivalued context keys"): a key
// that is absent, has no values, or has only empty strings. ForAllValues
// "also returns true if there are no context keys in the request or if
// the context key value resolves to a null dataset, such as an empty
// string"; ForAnyValue returns false "for no matching context key or a
// null dataset"; and Null treats such a key as null, as the page's advice
// to guard ForAllValues with Null false requires ("To prevent missing
// context keys or context keys with empty values from evaluating to true,
// you can include the Null condition operator in your policy with a false
// value to check if the context key exists and its value is not null").
func (c *condition) eval(ctx *Context) (holds bool, reason FailReason, keyMissing bool, variable string) {
	cv, present := ctx.lookup(c.lkey)
	values := c.values
	if c.dynamic {
		resolved := make([]*condValue, 0, len(values))
		for _, v := range values {
			if v.dynamic {
				rv, name, ok := c.resolveValue(v, ctx)
				if !ok {
					if variable == "" {
						variable = name
					}
					continue
				}
				v = rv
			}
			resolved = append(resolved, v)
		}
		values = resolved
	}
	// noMatch is the reason a condition that found no match failed: the
	// variable, when a value was lost to one.
	noMatch := func(r FailReason) (bool, FailReason, bool, string) {
		if variable != "" {
			r = FailUnresolvedVariable
		}
		return false, r, false, variable
	}
	n := len(cv.values)
	if c.kind == opNull {
		isNull := !present || n == 0 || allEmpty(cv.values)
		for _, v := range values {
			if !v.dynamic && v.boolean == isNull {
				return true, 0, false, variable
			}
		}
		return noMatch(FailNullCheck)
	}
	missing := !present || n == 0
	if missing && c.ifExists {
		return true, 0, !present, variable
	}
	switch c.qualifier {
	case qualForAllValues:
		// True when every context value satisfies the operator, and for a
		// null dataset (the documented pitfall).
		if missing || allEmpty(cv.values) {
			return true, 0, !present, variable
		}
		for _, s := range cv.values {
			if c.matchAny(values, s) == c.negated {
				if c.negated {
					return false, FailNegatedMatch, false, variable
				}
				return noMatch(FailNotAllValues)
			}
		}
		return true, 0, false, variable
	case qualForAnyValue:
		// True when at least one context value satisfies the operator;
		// never for a null dataset.
		if missing || allEmpty(cv.values) {
			return false, FailMissingKey, !present, variable
		}
		for _, s := range cv.values {
			if c.matchAny(values, s) != c.negated {
				return true, 0, false, variable
			}
		}
		if c.negated {
			return false, FailNegatedMatch, false, variable
		}
		return noMatch(FailNoMatch)
	}
	if missing {
		// "If the key that you specify in a policy condition is not present
		// in the request context, the values do not match": positive
		// operators fail and negated operators hold.
		if c.negated {
			return true, 0, !present, variable
		}
		return false, FailMissingKey, !present, variable
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
		return false, FailNegatedMatch, false, variable
	case !any && !c.negated:
		return noMatch(FailNoMatch)
	}
	return true, 0, false, variable
}

// allEmpty reports whether every value is the empty string (false for no
// values).
func allEmpty(values []string) bool {
	for _, v := range values {
		if v != "" {
			return false
		}
	}
	return len(values) > 0
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
