package sigv4

import (
	"strings"
	"testing"
)

func TestCanonicalURI(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "/"},
		{"/", "/"},
		{"/a/./b/../c", "/a/c"},
		{"/..", "/"},
		{"/a/.", "/a/"},
		{"/a%20b/c", "/a%2520b/c"}, // the escaped path is encoded once more
		{"/~_-.x", "/~_-.x"},
		{"/é", "/%C3%A9"},
		{"//double", "//double"},
	} {
		var b strings.Builder
		writeCanonicalURI(&b, tc.in)
		if b.String() != tc.want {
			t.Errorf("%q: got %q want %q", tc.in, b.String(), tc.want)
		}
	}
}

func TestCanonicalQuery(t *testing.T) {
	for _, tc := range []struct{ raw, skip, want string }{
		{"", "", ""},
		{"b=2&a=1", "", "a=1&b=2"},
		{"a=x+y&c=%7e&d=%2a&e", "", "a=x%20y&c=~&d=%2A&e="},
		{"X-Amz-Signature=abc&a=1", "X-Amz-Signature", "a=1"},
		{"a=b&A=c&_=d", "", "A=c&_=d&a=b"},
		{"k=%E2%9C%93&&", "", "k=%E2%9C%93"},
	} {
		params, err := parseQuery(tc.raw)
		if err != nil {
			t.Fatalf("%q: %v", tc.raw, err)
		}
		var b strings.Builder
		writeCanonicalQuery(&b, params, tc.skip)
		if b.String() != tc.want {
			t.Errorf("%q: got %q want %q", tc.raw, b.String(), tc.want)
		}
	}
}

func TestCanonicalHeaderValue(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"  a   b  ", "a b"},
		{"a\tb", "a\tb"},
		{"", ""},
	} {
		var b strings.Builder
		writeTrimmed(&b, tc.in)
		if b.String() != tc.want {
			t.Errorf("%q: got %q want %q", tc.in, b.String(), tc.want)
		}
	}
}
