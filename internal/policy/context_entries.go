package policy

import (
	"encoding/base64"
	"net/netip"
	"strings"

	"github.com/stsd/stsd/internal/arn"
)

// ContextFromEntries builds a context from IAM ContextEntry values,
// checking each value against its ContextKeyType (string, stringList,
// numeric, numericList, boolean, booleanList, ip, ipList, binary,
// binaryList, date, dateList). Failures are *SimulationError InvalidInput.
func ContextFromEntries(entries []ContextEntry) (*Context, error) {
	c := NewContext()
	for _, e := range entries {
		if e.ContextKeyName == "" {
			return nil, invalidInput("ContextKeyName must not be empty")
		}
		typ := e.ContextKeyType
		base, list := strings.CutSuffix(typ, "List")
		check, ok := contextTypeCheck[base]
		if !ok {
			return nil, invalidInput("Invalid ContextKeyType %q for context key %s", typ, e.ContextKeyName)
		}
		if !list && len(e.ContextKeyValues) != 1 {
			return nil, invalidInput("Context key %s of type %s takes exactly one value, not %d", e.ContextKeyName, typ, len(e.ContextKeyValues))
		}
		for _, v := range e.ContextKeyValues {
			if !check(v) {
				return nil, invalidInput("Invalid value %q for context key %s of type %s", v, e.ContextKeyName, typ)
			}
		}
		if list {
			c.SetList(e.ContextKeyName, e.ContextKeyValues...)
		} else {
			c.Set(e.ContextKeyName, e.ContextKeyValues...)
		}
	}
	return c, nil
}

var contextTypeCheck = map[string]func(string) bool{
	"string":  func(string) bool { return true },
	"numeric": func(s string) bool { _, err := parseNumber(s); return err == nil },
	"boolean": func(s string) bool { _, err := parseBool(s); return err == nil },
	"date":    func(s string) bool { _, err := parseDate(s); return err == nil },
	"ip": func(s string) bool {
		_, err := netip.ParseAddr(s)
		if err != nil {
			_, err = netip.ParsePrefix(s)
		}
		return err == nil
	},
	"binary": func(s string) bool { _, err := base64.StdEncoding.DecodeString(s); return err == nil },
}

// RoleARNFromSession returns arn:<partition>:iam::<account>:role/<name> for
// an assumed-role session ARN (arn:<partition>:sts::<account>:assumed-role/<name>/<session>),
// or "" for any other ARN. The session ARN does not carry the role's path.
func RoleARNFromSession(sessionARN string) string {
	a, ok := arn.Parse(sessionARN)
	if !ok {
		return ""
	}
	name, _, ok := a.AssumedRole()
	if !ok {
		return ""
	}
	return arn.ARN{Partition: a.Partition, Service: "iam", Account: a.Account, Resource: "role/" + name}.String()
}
