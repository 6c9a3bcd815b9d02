package config

import (
	"strings"
	"testing"
)

// allow_cross_host_oidc_redirects is off by default and set by the file or
// the flag, the flag winning.
func TestAllowCrossHostOIDCRedirects(t *testing.T) {
	tests := []struct {
		name, file string
		args       []string
		want       bool
	}{
		{"default", "", nil, false},
		{"file", "allow_cross_host_oidc_redirects: true\n", nil, true},
		{"flag", "", []string{"--allow-cross-host-oidc-redirects"}, true},
		{"flag overrides the file", "allow_cross_host_oidc_redirects: true\n", []string{"--allow-cross-host-oidc-redirects=false"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := resolve(t, tt.file, tt.args...)
			if err != nil {
				t.Fatal(err)
			}
			if c.AllowCrossHostOIDCRedirects != tt.want {
				t.Fatalf("AllowCrossHostOIDCRedirects = %v, want %v", c.AllowCrossHostOIDCRedirects, tt.want)
			}
		})
	}
}

// A value that is not a boolean is reported with the key's name.
func TestAllowCrossHostOIDCRedirectsNotABool(t *testing.T) {
	_, err := resolve(t, "allow_cross_host_oidc_redirects: sometimes\n")
	want := "cannot unmarshal !!str `sometimes` into bool"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v, want it to contain %q", err, want)
	}
}
