package iam

import (
	"testing"
	"unicode/utf8"
)

// FuzzParseEntityARN: role ARNs come from requests. Parsing never panics,
// and whatever parses rebuilds to the same ARN.
func FuzzParseEntityARN(f *testing.F) {
	for _, s := range []string{
		"arn:aws:iam::123456789012:role/app",
		"arn:aws:iam::123456789012:role/a/b/c/app",
		"arn:aws:iam::123456789012:role/",
		"arn:aws:iam::123456789012:oidc-provider/idp.example.com/x/",
		"arn:aws:iam::aws:policy/ReadOnlyAccess",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, arn string) {
		if a, p, n, ok := ParseEntityARN(arn, "role"); ok {
			if got := RoleARN(a, p, n); got != arn {
				t.Fatalf("RoleARN(%q,%q,%q) = %q, want %q", a, p, n, got, arn)
			}
		}
		if a, hp, ok := ParseProviderARN(arn); ok {
			if got := iamARNPrefix + a + ":oidc-provider/" + hp; got != arn {
				t.Fatalf("provider ARN rebuilt as %q", got)
			}
		}
		_ = ValidatePolicyARN("policyArn", arn)
		_ = ValidateProviderURL(arn, URLOptions{AllowHTTPLoopback: true})
		if err := ValidateRoleName(arn); err == nil && (len(arn) == 0 || utf8.RuneCountInString(arn) > 64) {
			t.Fatalf("ValidateRoleName accepted %q", arn)
		}
		_ = ValidateTags([]Tag{{Key: arn, Value: arn}})
		_ = ValidatePath("path", arn)
		_ = ValidatePolicyPath(arn)
	})
}
