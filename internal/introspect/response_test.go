package introspect_test

import (
	"encoding/json"
	"testing"

	"github.com/stsd/stsd/internal/introspect"
)

func TestParse(t *testing.T) {
	ok := []struct {
		body string
		want func(r *introspect.Response) bool
	}{
		{`{"active":false}`, func(r *introspect.Response) bool { return !r.Active && !r.HasExp }},
		{`{"active":true,"aud":"one"}`, func(r *introspect.Response) bool { return len(r.Audience) == 1 && r.Audience[0] == "one" }},
		{`{"active":true,"sub":null,"scope":null,"exp":null}`, func(r *introspect.Response) bool { return r.Subject == "" && !r.HasExp }},
		{`{"active":true,"exp":1700000000.9}`, func(r *introspect.Response) bool { return r.ExpiresAt.Unix() == 1700000000 }},
		{`{"active":true,"exp":0}`, func(r *introspect.Response) bool { return r.HasExp && r.ExpiresAt.Unix() == 0 }},
		{`{"active":true,"scope":" a b\tc "}`, func(r *introspect.Response) bool { return len(r.Scope) == 3 }},
		{`{"active":true,"unknown":{"x":[1,{"y":null}]}}`, func(r *introspect.Response) bool { return r.Active }},
	}
	for _, tc := range ok {
		r, err := introspect.Parse([]byte(tc.body))
		if err != nil || !tc.want(r) {
			t.Errorf("%s: got %+v, %v", tc.body, r, err)
		}
	}
	bad := []string{
		``, `null`, `[]`, `{}`, `{"active":null}`, `{"active":1}`, `{"active":"true"}`,
		`{"active":true,"active":true}`, `{"active":true} {}`, `{"active":true,"sub":1}`,
		`{"active":true,"aud":[1]}`, `{"active":true,"aud":{}}`, `{"active":true,"exp":"1"}`,
		`{"active":true,"exp":-1}`, `{"active":true,"exp":1e300}`, `{"active":true,"scope":["a"]}`,
		`{"active":true,"client_id":false}`, "{\"active\":true,\"sub\":\"\xff\"}",
	}
	for _, b := range bad {
		if r, err := introspect.Parse([]byte(b)); err == nil {
			t.Errorf("%q: parsed %+v, want an error", b, r)
		}
	}
}

// FuzzParse: Parse never panics, and whatever it accepts encoding/json
// reads as an object with the same "active".
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`{"active":true,"scope":"read write","client_id":"app","sub":"u","aud":["a","b"],"exp":4102444800,"iat":1,"nbf":1}`,
		`{"active":false}`, `{"active":true,"aud":"x","exp":1.5}`, `{"active":true,"ext":{"a":[{"b":null}]}}`,
		`{"active":true,"active":false}`, `{"active":"yes"}`, `[]`, `{"active":true,"exp":-0}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := introspect.Parse(body)
		if err != nil {
			return
		}
		var std map[string]any
		if jerr := json.Unmarshal(body, &std); jerr != nil || std["active"] != r.Active {
			t.Fatalf("Parse accepted %q (active %v); encoding/json: %v", body, r.Active, jerr)
		}
		if r.HasExp && r.ExpiresAt.Unix() < 0 {
			t.Fatalf("negative exp from %q", body)
		}
		for _, s := range r.Scope {
			if s == "" {
				t.Fatalf("empty scope value from %q", body)
			}
		}
	})
}
