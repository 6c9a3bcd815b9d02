package arn

import (
	"strings"
	"testing"
)

// FuzzParse: Parse never panics, it accepts exactly the strings that split
// into "arn" and five more fields at colons (the rule every caller used
// before the package), every string it accepts comes back from String
// unchanged, and the helpers never panic on what it accepts.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"arn:aws:iam::123456789012:role/team/app",
		"arn:aws:sts::123456789012:assumed-role/app/s",
		"arn:aws:iam::123456789012:oidc-provider/idp.example.com",
		"arn:aws:iam::123456789012:root",
		"arn:aws:s3:::bucket/a:b",
		"arn:::::", "arn:root", "arn", "", "arn:aws:iam::123456789012",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, ok := Parse(s)
		parts := strings.SplitN(s, ":", 6)
		if want := len(parts) == 6 && parts[0] == "arn"; ok != want {
			t.Fatalf("Parse(%q) ok = %v, want %v", s, ok, want)
		}
		if !ok {
			if a != (ARN{}) {
				t.Fatalf("Parse(%q) failed but returned %+v", s, a)
			}
			return
		}
		if got := a.String(); got != s {
			t.Fatalf("Parse(%q).String() = %q", s, got)
		}
		for _, f := range []string{a.Partition, a.Service, a.Region, a.Account} {
			if strings.Contains(f, ":") {
				t.Fatalf("Parse(%q) = %+v: a field before the resource holds a colon", s, a)
			}
		}
		for _, typ := range []string{"role", "user", "group", "policy"} {
			if path, name, ok := a.Entity(typ); ok && a.Resource != typ+path+name {
				t.Fatalf("Parse(%q).Entity(%q) = %q, %q", s, typ, path, name)
			}
		}
		a.OIDCProvider()
		if role, session, ok := a.AssumedRole(); ok && a.Resource != "assumed-role/"+role+"/"+session {
			t.Fatalf("Parse(%q).AssumedRole() = %q, %q", s, role, session)
		}
		a.IsRoot()
	})
}
