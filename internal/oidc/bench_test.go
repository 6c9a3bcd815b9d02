package oidc

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"math/big"
	"strings"
	"testing"

	"github.com/stsd/stsd/internal/testutil/fakeidp"
)

// BenchmarkVerifyCached compares a full Verify with cached keys against the
// bare signature check (SHA-256 of the same signing input plus the RSA or
// ECDSA verify) in the same run. The ratio verifier/bare is the overhead of
// parsing, claim checks and key lookup. Reproduce with:
//
//	go test -run '^$' -bench BenchmarkVerifyCached -count 6 ./internal/oidc/
func BenchmarkVerifyCached(b *testing.B) {
	for _, alg := range []string{"RS256", "ES256"} {
		idp := fakeidp.New(b, fakeidp.Options{Algs: []string{alg}})
		v := NewVerifier(Config{AllowHTTPIssuers: true, Logger: quietLogger()})
		b.Cleanup(v.Close)
		prov := providerFor(idp)
		lookup := lookupOf(prov)
		claims := idp.Claims("repo:octo-org/octo-repo:environment:prod", testAud)
		// A realistic GitHub Actions-sized payload.
		for k, val := range map[string]any{
			"ref": "refs/heads/main", "sha": strings.Repeat("a1", 20), "repository": "octo-org/octo-repo",
			"repository_owner": "octo-org", "run_id": 5892145362, "run_number": "17", "workflow": "deploy",
			"actor": "octocat", "event_name": "push", "environment": "prod", "job_workflow_ref": "octo-org/octo-repo/.github/workflows/deploy.yml@refs/heads/main",
		} {
			claims[k] = val
		}
		token := idp.Mint(claims)
		ctx := context.Background()
		if _, err := v.Verify(ctx, token, lookup); err != nil {
			b.Fatal(err)
		}
		b.Run(alg+"/verifier", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := v.Verify(ctx, token, lookup); err != nil {
					b.Fatal(err)
				}
			}
		})
		input := token[:strings.LastIndexByte(token, '.')]
		sig, err := base64.RawURLEncoding.DecodeString(token[len(input)+1:])
		if err != nil {
			b.Fatal(err)
		}
		pub := idp.SigningKey(alg).Signer.Public()
		b.Run(alg+"/bare", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if !bareVerify(pub, input, sig) {
					b.Fatal("bare verify failed")
				}
			}
		})
	}
}

func bareVerify(pub crypto.PublicKey, input string, sig []byte) bool {
	d := sha256.Sum256([]byte(input))
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return rsa.VerifyPKCS1v15(k, crypto.SHA256, d[:], sig) == nil
	case *ecdsa.PublicKey:
		r := new(big.Int).SetBytes(sig[:32])
		s := new(big.Int).SetBytes(sig[32:])
		return ecdsa.Verify(k, d[:], r, s)
	}
	return false
}
