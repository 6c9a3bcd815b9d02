package policy

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// refMatch is an obviously correct (exponential) reference matcher for
// small inputs: '*' any run, '?' one byte, '\' escapes.
func refMatch(p, s string, fold bool) bool {
	if p == "" {
		return s == ""
	}
	switch {
	case p[0] == '\\' && len(p) > 1:
		return s != "" && eqByte(p[1], s[0], fold) && refMatch(p[2:], s[1:], fold)
	case p[0] == '*':
		for i := 0; i <= len(s); i++ {
			if refMatch(p[1:], s[i:], fold) {
				return true
			}
		}
		return false
	case p[0] == '?':
		return s != "" && refMatch(p[1:], s[1:], fold)
	default:
		return s != "" && eqByte(p[0], s[0], fold) && refMatch(p[1:], s[1:], fold)
	}
}

func eqByte(a, b byte, fold bool) bool {
	return a == b || fold && lowerASCII(a) == lowerASCII(b)
}

func TestGlobTable(t *testing.T) {
	// Rules: IAM User Guide, reference_policies_elements_action ("use
	// wildcards (* or ?) ... case insensitive") and
	// reference_policies_elements_resource ("Using wildcards in resource
	// ARNs": '*' any combination of characters, '?' any single character).
	tests := []struct {
		pattern, s string
		fold, want bool
	}{
		{"s3:*", "s3:GetObject", true, true},
		{"s3:Get*", "S3:GETOBJECT", true, true},
		{"iam:*AccessKey*", "iam:ListAccessKeys", true, true},
		{"iam:*AccessKey*", "iam:ListUsers", true, false},
		{"s3:Get?bject", "s3:GetObject", true, true},
		{"s3:Get?bject", "s3:Getbject", true, false},
		{"s3:GetObject", "s3:GetObjectAcl", true, false},
		{"*", "", false, true},
		{"", "", false, true},
		{"", "a", false, false},
		{"a*b*c", "abc", false, true},
		{"a*b*c", "aXbYc", false, true},
		{"a*b*c", "acb", false, false},
		{"a*b", "ab-b", false, true},
		{"example?bucket/*", "example1bucket/key", false, true},
		{"example?bucket/*", "examplebucket/key", false, false},
		{"Bob", "bob", false, false},
		{`a\*b`, "a*b", false, true},
		{`a\*b`, "axb", false, false},
		{"*?", "", false, false},
		{"?*", "x", false, true},
	}
	for _, tc := range tests {
		g := compileGlob(tc.pattern, tc.fold)
		if got := g.match(tc.s); got != tc.want {
			t.Errorf("glob %q fold=%v match %q = %v, want %v", tc.pattern, tc.fold, tc.s, got, tc.want)
		}
	}
}

// TestGlobProperty compares the matcher with the reference on random
// patterns and strings over a small alphabet, including segments longer
// than 64 bytes (multi-word Shift-And).
func TestGlobProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alpha := "aAb*?:\\"
	gen := func(n int, pattern bool) string {
		var b strings.Builder
		for range n {
			c := alpha[r.IntN(len(alpha))]
			if !pattern && (c == '*' || c == '?' || c == '\\') {
				c = 'a'
			}
			b.WriteByte(c)
		}
		return b.String()
	}
	for i := 0; i < 20000; i++ {
		p := gen(r.IntN(9), true)
		s := gen(r.IntN(12), false)
		fold := i%2 == 0
		if got, want := compileGlob(p, fold).match(s), refMatch(p, s, fold); got != want {
			t.Fatalf("glob %q fold=%v match %q = %v, reference %v", p, fold, s, got, want)
		}
	}
	// Long segments with '?' exercise the multi-word state.
	for i := 0; i < 300; i++ {
		seg := strings.Repeat("a", 60+r.IntN(80))
		b := []byte(seg)
		b[r.IntN(len(b))] = '?'
		p := "*" + string(b) + "b*"
		s := gen(r.IntN(40), false) + strings.Repeat("a", len(seg)) + "b" + gen(r.IntN(5), false)
		if r.IntN(3) == 0 {
			s = strings.Repeat("a", len(seg)+r.IntN(50))
		}
		for _, fold := range []bool{false, true} {
			if got, want := compileGlob(p, fold).match(s), refMatch(p, s, fold); got != want {
				t.Fatalf("long glob %q fold=%v match %q = %v, reference %v", p, fold, s, got, want)
			}
		}
	}
}

// TestGlobPathological checks that patterns that make backtracking
// matchers exponential or quadratic stay fast.
func TestGlobPathological(t *testing.T) {
	long := strings.Repeat("a", MaxPatternBytes*8)
	patterns := []string{
		strings.Repeat("*", 1000) + "x",
		strings.Repeat("*a", 1000) + "x",
		"*" + strings.Repeat("a", 1000) + "?x*",
		"*" + strings.Repeat("a?", 500) + "x*",
		"*" + strings.Repeat("a", 62) + "b*",
		"*" + strings.Repeat("a", 2000) + "b*",
		strings.Repeat("*"+strings.Repeat("a", 30)+"b", 60) + "*",
	}
	for _, p := range patterns {
		for _, fold := range []bool{false, true} {
			g := compileGlob(p, fold)
			start := time.Now()
			if g.match(long) {
				t.Fatalf("pattern %.20q… matched", p)
			}
			if d := time.Since(start); d > 200*time.Millisecond {
				t.Errorf("pattern %.20q… took %v", p, d)
			}
		}
	}
}

func TestARNPattern(t *testing.T) {
	// IAM User Guide, reference_policies_elements_resource, "Using
	// wildcards in resource ARNs".
	tests := []struct {
		pattern, arn string
		want         bool
		rule         string
	}{
		{"arn:aws:iam::123456789012:user/accounting/*", "arn:aws:iam::123456789012:user/accounting/bob", true, "path wildcard"},
		{"arn:aws:s3:::amzn-s3-demo-bucket/*/test/*", "arn:aws:s3:::amzn-s3-demo-bucket/1/2/test/3/object.jpg", true, "* expands over / within a segment"},
		{"arn:aws:s3:::amzn-s3-demo-bucket/*/test/*", "arn:aws:s3:::amzn-s3-demo-bucket//test/object.jpg", true, "* matches empty"},
		{"arn:aws:s3:::amzn-s3-demo-bucket/*/test/*", "arn:aws:s3:::amzn-s3-demo-bucket/1-test/object.jpg", false, "the / must be there"},
		{"arn:aws:s3:::amzn-s3-demo-bucket/*/test/*", "arn:aws:s3:::amzn-s3-demo-bucket/test/object.jpg", false, "the first / is literal"},
		{"arn:aws:s3:::example?bucket/*", "arn:aws:s3:::example1bucket/x", true, "? one character"},
		{"arn:aws:s3:::*", "arn:aws:s3:::bucket/key:with:colons", true, "resource segment includes colons"},
		{"arn:aws:s3:*", "arn:aws:s3:::bucket/key", true, "a trailing * of the last segment expands beyond colons"},
		{"arn:aws:*:us-east-1:123456789012:queue1", "arn:aws:sqs:us-east-1:123456789012:queue1", true, "segment wildcard"},
		{"arn:aws:sqs:*:123456789012:queue1", "arn:aws:sqs:us-east-1:999:123456789012:queue1", false, "a mid-pattern * does not cross a colon"},
		{"arn:aws:sqs:us-*-1:123456789012:*", "arn:aws:sqs:us-east-1:123456789012:q", true, "wildcard inside region"},
		{"arn:aws:sqs:us-east-1:123456789012:queue1", "arn:aws:sqs:us-east-1:123456789012:Queue1", false, "case-sensitive"},
		{"arn:aws:iam::123456789012:user/Bob", "arn:aws:iam::123456789012:user/bob", false, "user names are case-sensitive in Resource"},
		{"arn:aws:iam::123456789012:role", "arn:aws:iam::123456789012:role:extra", false, "the resource segment (with its colons) is compared whole"},
		{"arn:aws:iam::123456789012", "arn:aws:iam::123456789012:root", false, "fewer segments do not match more"},
		{"*", "anything", true, "* alone matches all"},
		{"not-an-arn*", "not-an-arn:x", true, "non-ARN patterns match the whole string"},
	}
	for _, tc := range tests {
		if got := compileARNPattern(tc.pattern).match(tc.arn); got != tc.want {
			t.Errorf("%s: %q vs %q = %v, want %v", tc.rule, tc.pattern, tc.arn, got, tc.want)
		}
	}
}
