package oidc

import (
	"encoding/json"
	"testing"

	"github.com/stsd/stsd/internal/testutil/fakeidp"
)

func TestVerifyAllAlgorithms(t *testing.T) {
	for _, tls := range []bool{false, true} {
		for _, alg := range []string{"RS256", "RS384", "RS512", "ES256", "ES384", "ES512"} {
			name := alg
			if tls {
				name += "/https"
			}
			t.Run(name, func(t *testing.T) {
				e := newEnv(t, fakeidp.Options{TLS: tls, Algs: []string{alg}})
				claims := e.claims()
				claims["amr"] = []string{"mfa", "pwd"}
				claims["repository_id"] = 123456789012345678
				id, err := e.verify(e.idp.Mint(claims))
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				if id.Subject != "repo:org/app:ref:refs/heads/main" || id.Audience != testAud || id.Issuer != e.idp.Issuer() {
					t.Fatalf("identity = %+v", id)
				}
				if id.Provider != e.prov || len(id.OriginalAudience) != 1 || id.OriginalAudience[0] != testAud {
					t.Fatalf("provider/oaud = %+v", id)
				}
				if id.Algorithm != alg || id.KeyID != e.idp.SigningKey(alg).KID {
					t.Fatalf("alg/kid = %q/%q", id.Algorithm, id.KeyID)
				}
				if len(id.AMR) != 2 || id.AMR[0] != "mfa" {
					t.Fatalf("amr = %v", id.AMR)
				}
				if got := id.Claims["repository_id"]; got != json.Number("123456789012345678") {
					t.Fatalf("integer claim = %#v, want exact json.Number", got)
				}
				if !id.IssuedAt.Equal(e.clock.Now()) || !id.Expiry.Equal(e.clock.Now().Add(3600e9)) || !id.NotBefore.IsZero() {
					t.Fatalf("times = %v %v %v", id.IssuedAt, id.Expiry, id.NotBefore)
				}
			})
		}
	}
}
