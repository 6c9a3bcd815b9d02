package policy

import (
	"encoding/base64"
	"fmt"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// opKind is a condition operator family member, always the non-negated
// form; negation is a flag.
type opKind uint8

const (
	opStringEquals opKind = iota + 1
	opStringEqualsIgnoreCase
	opStringLike
	opNumericEquals
	opNumericLessThan
	opNumericLessThanEquals
	opNumericGreaterThan
	opNumericGreaterThanEquals
	opDateEquals
	opDateLessThan
	opDateLessThanEquals
	opDateGreaterThan
	opDateGreaterThanEquals
	opBool
	opBinaryEquals
	opIPAddress
	opArnEquals
	opArnLike
	opNull
)

type opInfo struct {
	kind    opKind
	negated bool
}

// operators lists every IAM condition operator (IAM User Guide,
// reference_policies_elements_condition_operators) without the IfExists
// suffix and set qualifiers.
var operators = map[string]opInfo{
	"StringEquals":              {opStringEquals, false},
	"StringNotEquals":           {opStringEquals, true},
	"StringEqualsIgnoreCase":    {opStringEqualsIgnoreCase, false},
	"StringNotEqualsIgnoreCase": {opStringEqualsIgnoreCase, true},
	"StringLike":                {opStringLike, false},
	"StringNotLike":             {opStringLike, true},
	"NumericEquals":             {opNumericEquals, false},
	"NumericNotEquals":          {opNumericEquals, true},
	"NumericLessThan":           {opNumericLessThan, false},
	"NumericLessThanEquals":     {opNumericLessThanEquals, false},
	"NumericGreaterThan":        {opNumericGreaterThan, false},
	"NumericGreaterThanEquals":  {opNumericGreaterThanEquals, false},
	"DateEquals":                {opDateEquals, false},
	"DateNotEquals":             {opDateEquals, true},
	"DateLessThan":              {opDateLessThan, false},
	"DateLessThanEquals":        {opDateLessThanEquals, false},
	"DateGreaterThan":           {opDateGreaterThan, false},
	"DateGreaterThanEquals":     {opDateGreaterThanEquals, false},
	"Bool":                      {opBool, false},
	"BinaryEquals":              {opBinaryEquals, false},
	"IpAddress":                 {opIPAddress, false},
	"NotIpAddress":              {opIPAddress, true},
	"ArnEquals":                 {opArnEquals, false},
	"ArnNotEquals":              {opArnEquals, true},
	"ArnLike":                   {opArnLike, false},
	"ArnNotLike":                {opArnLike, true},
	"Null":                      {opNull, false},
}

// qualifier is a set operator prefix.
type qualifier uint8

const (
	qualNone qualifier = iota
	qualForAnyValue
	qualForAllValues
)

// condition is one operator/key pair with its values.
type condition struct {
	operator  string // as written
	kind      opKind
	negated   bool
	ifExists  bool
	qualifier qualifier
	key       string // as written
	lkey      string // lower-cased
	values    []*condValue
	dynamic   bool // some value has policy variables
}

// condValue is one policy value, pre-parsed for its operator when static.
type condValue struct {
	tpl     template
	dynamic bool
	str     string
	num     float64
	when    time.Time
	prefix  netip.Prefix
	boolean bool
	binary  []byte
	glob    *glob
	arn     *arnPattern
}

// parseOperator splits "ForAnyValue:StringLikeIfExists".
func parseOperator(name string) (opInfo, qualifier, bool, error) {
	q := qualNone
	base := name
	switch {
	case strings.HasPrefix(base, "ForAnyValue:"):
		q, base = qualForAnyValue, strings.TrimPrefix(base, "ForAnyValue:")
	case strings.HasPrefix(base, "ForAllValues:"):
		q, base = qualForAllValues, strings.TrimPrefix(base, "ForAllValues:")
	}
	ifExists := false
	if info, ok := operators[base]; ok {
		return info, q, false, nil
	}
	if trimmed, ok := strings.CutSuffix(base, "IfExists"); ok {
		if info, ok := operators[trimmed]; ok && info.kind != opNull {
			ifExists = true
			return info, q, ifExists, nil
		}
	}
	return opInfo{}, 0, false, fmt.Errorf("Invalid Condition type : %s", name)
}

// compileValue checks and pre-parses a static policy value for its
// operator; values with policy variables are parsed at evaluation.
func (c *condition) compileValue(tpl template) (*condValue, error) {
	if tpl.hasVariables() {
		// Parsed for the operator after substitution (resolveValue).
		c.dynamic = true
		return &condValue{tpl: tpl, dynamic: true}, nil
	}
	v, err := c.parseValue(tpl.staticValue(), tpl.staticGlob())
	if err != nil {
		return nil, err
	}
	v.tpl = tpl
	return v, nil
}

// parseValue reads a value for the operator; globText is the value in
// compileGlob's internal form, for the wildcard operators.
func (c *condition) parseValue(s, globText string) (*condValue, error) {
	v := &condValue{str: s}
	var err error
	switch c.kind {
	case opStringLike:
		v.glob = compileGlob(globText, false)
	case opArnEquals, opArnLike:
		v.arn = compileARNPattern(globText)
	case opNumericEquals, opNumericLessThan, opNumericLessThanEquals, opNumericGreaterThan, opNumericGreaterThanEquals:
		v.num, err = parseNumber(s)
	case opDateEquals, opDateLessThan, opDateLessThanEquals, opDateGreaterThan, opDateGreaterThanEquals:
		v.when, err = parseDate(s)
	case opBool, opNull:
		v.boolean, err = parseBool(s)
	case opBinaryEquals:
		v.binary, err = parseBinary(s)
	case opIPAddress:
		v.prefix, err = parsePrefix(s)
	}
	return v, err
}

// resolveValue substitutes a dynamic value's variables and parses it. It
// reports false with the variable name when a variable has no value. A
// substituted value the operator cannot read matches nothing.
func (c *condition) resolveValue(v *condValue, ctx *Context) (*condValue, string, bool) {
	asGlob := c.kind == opStringLike || c.kind == opArnLike || c.kind == opArnEquals
	buf, missing, ok := v.tpl.resolve(nil, ctx, asGlob)
	if !ok {
		return nil, missing, false
	}
	s := string(buf)
	plain := s
	if asGlob {
		plainBuf, _, _ := v.tpl.resolve(nil, ctx, false)
		plain = string(plainBuf)
	}
	out, err := c.parseValue(plain, s)
	if err != nil {
		return &condValue{str: plain, dynamic: true}, "", true
	}
	return out, "", true
}

func parseNumber(s string) (float64, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("invalid numeric value %q", s)
	}
	return f, nil
}

func parseBool(s string) (bool, error) {
	switch {
	case strings.EqualFold(s, "true"):
		return true, nil
	case strings.EqualFold(s, "false"):
		return false, nil
	}
	return false, fmt.Errorf("invalid boolean value %q: must be true or false", s)
}

func parseBinary(s string) ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("invalid binary value %q: must be base64", s)
	}
	return b, nil
}

func parsePrefix(s string) (netip.Prefix, error) {
	if strings.IndexByte(s, '/') >= 0 {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("invalid IP address or CIDR range %q", s)
		}
		return netip.PrefixFrom(p.Addr().Unmap(), unmappedBits(p)).Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("invalid IP address or CIDR range %q", s)
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

func unmappedBits(p netip.Prefix) int {
	if p.Addr().Is4In6() {
		return max(0, p.Bits()-96)
	}
	return p.Bits()
}

// dateLayouts are the ISO 8601 forms IAM accepts for Date operators.
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04",
	"2006-01-02",
	"20060102T150405Z",
}

// parseDate reads an ISO 8601 date or a UNIX epoch in seconds.
func parseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s != "" && (s[0] == '-' || (s[0] >= '0' && s[0] <= '9')) && isAllDigits(strings.TrimPrefix(s, "-")) {
		n, err := strconv.ParseInt(s, 10, 64)
		if err == nil {
			return time.Unix(n, 0).UTC(), nil
		}
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("invalid date value %q: must be ISO 8601 or epoch seconds", s)
}

func isAllDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
