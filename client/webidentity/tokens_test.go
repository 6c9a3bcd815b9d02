package webidentity

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const jwtLike = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"

func TestTokenSources(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good", "  "+jwtLike+"\n")
	empty := write("empty", " \n")
	binary := write("binary", "eyJ\x00abc")
	spaced := write("spaced", "eyJ abc")
	huge := write("huge", strings.Repeat("a", MaxTokenBytes+1))
	env := map[string]string{"TOKEN": jwtLike, "EMPTY": ""}
	getenv := func(k string) string { return env[k] }

	ctx := context.Background()
	for _, tc := range []struct {
		name    string
		src     TokenSource
		want    string
		wantErr string
	}{
		{"static", StaticToken(" " + jwtLike + " "), jwtLike, ""},
		{"static empty", StaticToken(""), "", "the web identity token is empty"},
		{"file", TokenFile(good), jwtLike, ""},
		{"file missing", TokenFile(filepath.Join(dir, "nope")), "", "web identity token file: open " + filepath.Join(dir, "nope") + ": no such file or directory"},
		{"file empty", TokenFile(empty), "", "web identity token file " + empty + " is empty"},
		{"file binary", TokenFile(binary), "", "web identity token file " + binary + " is not a token: it contains whitespace or non-ASCII characters"},
		{"file spaced", TokenFile(spaced), "", "web identity token file " + spaced + " is not a token: it contains whitespace or non-ASCII characters"},
		{"file huge", TokenFile(huge), "", "web identity token file " + huge + " is larger than 65536 bytes"},
		{"file is a directory", TokenFile(dir), "", "web identity token file " + dir + ": read " + dir + ": is a directory"},
		{"env", TokenEnv{Name: "TOKEN", Getenv: getenv}, jwtLike, ""},
		{"env empty", TokenEnv{Name: "EMPTY", Getenv: getenv}, "", "environment variable EMPTY is not set or empty"},
		{"env unset", TokenEnv{Name: "UNSET", Getenv: getenv}, "", "environment variable UNSET is not set or empty"},
		{"command", TokenCommand{Line: "cat " + good}, jwtLike, ""},
		{"command fails", TokenCommand{Line: "echo " + jwtLike + "; exit 3"}, "", "the token command failed: exit status 3"},
		{"command prints nothing", TokenCommand{Line: "true"}, "", "the token command's output is empty"},
		{"command prints too much", TokenCommand{Line: "head -c 70000 /dev/zero | tr '\\0' a"}, "", "the token command printed more than 65536 bytes"},
		{"command empty", TokenCommand{Line: "  "}, "", "the token command is empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.src.Token(ctx)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				if strings.Contains(err.Error(), jwtLike) {
					t.Fatalf("the error names the token: %v", err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Token = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

// A token command is cancelled with its context.
func TestTokenCommandCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := TokenCommand{Line: "sleep 10"}.Token(ctx)
	if err == nil || err.Error() != "the token command could not run: context canceled" {
		t.Fatalf("err = %v", err)
	}
}
