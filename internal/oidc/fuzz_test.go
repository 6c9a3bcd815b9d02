package oidc

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stsd/stsd/internal/testutil/fakeidp"
)

// FuzzDecodeStrictObject checks the strict parser against encoding/json:
// on valid UTF-8 without duplicate names both accept the same documents and
// produce the same values; duplicates are always rejected.
func FuzzDecodeStrictObject(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"a":1}`, `{"a":[1,2,{"b":null}],"c":"\u00e9\ud83d\ude00\ud800x"}`, `{"a":1,"a":2}`,
		`{"s\u0075b":1,"sub":2}`, `{"a":-0.5e+3}`, `{"a":01}`, `{"a":1,}`, `[1]`, `{"a":"\x01"}`,
		`{"a":tru}`, ` {"a" : true , "b":false}  `, `{"a":1}x`, `{"a":"\/\b\f\n\r\t\\\""}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := decodeStrictObject(data)
		if !utf8.Valid(data) {
			if err == nil {
				t.Fatal("accepted invalid UTF-8")
			}
			return
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var want any
		stdErr := dec.Decode(&want)
		if stdErr == nil && dec.More() {
			stdErr = errNotObject // trailing data
		}
		if stdErr == nil {
			if _, err := dec.Token(); err == nil {
				stdErr = errNotObject
			}
		}
		_, isObject := want.(map[string]any)
		stdOK := stdErr == nil && isObject
		if err == nil && !stdOK {
			t.Fatalf("accepted %q, encoding/json: %v", data, stdErr)
		}
		if err != nil {
			return // rejected: a duplicate, depth, or something encoding/json also rejects
		}
		if !reflect.DeepEqual(any(got), want) {
			t.Fatalf("decoded %#v, encoding/json %#v", got, want)
		}
	})
}

// FuzzParseCompact feeds arbitrary tokens to the structural parser.
func FuzzParseCompact(f *testing.F) {
	f.Add("eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0.c2ln")
	f.Add("eyJhbGciOiJub25lIn0.e30.")
	f.Add("a.b.c.d.e")
	f.Add(`{"payload":"x"}`)
	f.Fuzz(func(t *testing.T, token string) {
		tok, err := parseCompact(token)
		if (tok == nil) == (err == nil) {
			t.Fatalf("parseCompact returned %v and %v", tok, err)
		}
		if err != nil && err.Reason != ReasonMalformed && err.Reason != ReasonUnsupportedAlg {
			t.Fatalf("unexpected reason %s", err.Reason)
		}
	})
}

// FuzzParseJWKS feeds arbitrary documents to the JWKS parser.
func FuzzParseJWKS(f *testing.F) {
	key, err := fakeidp.GenerateKey("ES256", fakeidp.WithX5C())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(fakeidp.JWKS(key))
	f.Add([]byte(`{"keys":[{"kty":"RSA","n":"AQAB","e":"AQAB"},{"kty":"oct","k":"AAAA"},{"kty":"EC","crv":"P-256","x":"","y":""}]}`))
	f.Add([]byte(`{"keys":null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		km, err := parseJWKS(data)
		if err == nil && km.usable == 0 && !km.rsaOverflow && !km.ecOverflow {
			t.Fatal("accepted a key set without usable keys")
		}
		if err == nil && km.usable != len(km.byKID) {
			t.Fatal("usable count disagrees with the key map")
		}
	})
}

// FuzzParseDiscovery feeds arbitrary discovery documents.
func FuzzParseDiscovery(f *testing.F) {
	f.Add([]byte(`{"issuer":"https://a.example","jwks_uri":"https://a.example/keys"}`))
	f.Add([]byte(`{"issuer":"https://a.example","issuer":"https://b.example"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		uri, err := parseDiscovery(data, "https://a.example")
		if err == nil && uri == "" {
			t.Fatal("accepted a document without jwks_uri")
		}
	})
}

// FuzzVerify runs whole tokens through a verifier whose provider has a
// static JWKS (no network): it must never panic and never accept a token
// that was not signed by the provider's key.
func FuzzVerify(f *testing.F) {
	idp := fakeidp.New(f, fakeidp.Options{Algs: []string{"ES256"}})
	now := time.Unix(1_800_000_000, 0)
	prov := providerFor(idp)
	prov.StaticJWKS = fakeidp.JWKS(idp.PublishedKeys()...)
	v := NewVerifier(Config{Now: func() time.Time { return now }, AllowHTTPIssuers: true, Logger: quietLogger()})
	f.Cleanup(v.Close)
	claims := map[string]any{"iss": idp.Issuer(), "sub": "s", "aud": testAud, "iat": now.Unix(), "exp": now.Unix() + 60}
	valid := idp.Mint(claims)
	signingInput := valid[:strings.LastIndexByte(valid, '.')+1]
	f.Add(valid)
	f.Add(idp.Mint(claims, fakeidp.Unsigned()))
	f.Fuzz(func(t *testing.T, token string) {
		id, err := v.Verify(context.Background(), token, lookupOf(prov))
		// Only the minted header and payload may verify. (The signature
		// itself is malleable: ECDSA's (r, n-s) verifies too, so anything
		// that deduplicates tokens must key on the signing input or jti.)
		if err == nil && !strings.HasPrefix(token, signingInput) {
			t.Fatalf("accepted a token that was not minted: %+v", id)
		}
	})
}
