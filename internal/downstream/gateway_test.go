package downstream

import (
	"strings"
	"testing"
)

// ParseClientPath is the one path rule of forward-auth and ext_authz.
func TestParseClientPath(t *testing.T) {
	good := map[string]string{
		"/":                     "",
		"/pets":                 "pets",
		"/pets/":                "pets/",
		"/pets/caf%C3%A9?q=%2F": "pets/café",
		"/a;b/c":                "a;b/c",
	}
	for uri, want := range good {
		u, path, ref := ParseClientPath(uri)
		if ref != nil || path != want || u.RequestURI() != uri {
			t.Errorf("%q: got %q %v %v, want %q", uri, path, u, ref, want)
		}
	}
	bad := map[string]string{
		"pets":                                  msgBadURI,
		"*":                                     msgBadURI,
		"http://h/pets":                         msgBadURI,
		"/pets#x":                               msgBadURI,
		"/pe ts":                                msgBadURI,
		"/p\x7fets":                             msgBadURI,
		"/p%ZZ":                                 msgBadURI,
		"/p%00":                                 msgBadURI,
		"/p%C2%85":                              msgBadURI,
		"/p%FF":                                 msgBadURI,
		"/a/../b":                               msgDotSegment,
		"/a/%2e%2E/b":                           msgDotSegment,
		"/a/..;x/b":                             msgDotSegment,
		"/.":                                    msgDotSegment,
		"/a%2fb":                                msgEncodedSlash,
		"/a%5cb":                                msgEncodedSlash,
		"//a":                                   msgEmptySegment,
		"/a//b":                                 msgEmptySegment,
		"/" + strings.Repeat("a", MaxClientURI): msgURITooLong,
	}
	for uri, want := range bad {
		_, _, ref := ParseClientPath(uri)
		if ref == nil || ref.Message != want {
			t.Errorf("%q: got %+v, want %q", uri, ref, want)
		}
	}
}
