package oidc

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"

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
		f := newBenchFixture(b, alg)
		b.Run(alg+"/verifier", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := f.v.Verify(f.ctx, f.token, f.lookup); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(alg+"/bare", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if !bareVerify(f.pub, f.input, f.sig) {
					b.Fatal("bare verify failed")
				}
			}
		})
	}
}

// BenchmarkVerifyRatio interleaves one Verify and one bare verify per
// iteration, timing each, and reports the ratio of their medians: machine
// noise (the benchmark host is shared) hits both sides alike and the
// median discards preempted iterations. Reproduce with:
//
//	go test -run '^$' -bench BenchmarkVerifyRatio -count 5 ./internal/oidc/
func BenchmarkVerifyRatio(b *testing.B) {
	for _, alg := range []string{"RS256", "ES256"} {
		f := newBenchFixture(b, alg)
		b.Run(alg, func(b *testing.B) {
			var full, bare []time.Duration
			for b.Loop() {
				t0 := time.Now()
				if _, err := f.v.Verify(f.ctx, f.token, f.lookup); err != nil {
					b.Fatal(err)
				}
				t1 := time.Now()
				if !bareVerify(f.pub, f.input, f.sig) {
					b.Fatal("bare verify failed")
				}
				t2 := time.Now()
				full = append(full, t1.Sub(t0))
				bare = append(bare, t2.Sub(t1))
			}
			mf, mb := median(full), median(bare)
			b.ReportMetric(float64(mf.Nanoseconds()), "verify-p50-ns")
			b.ReportMetric(float64(mb.Nanoseconds()), "bare-p50-ns")
			b.ReportMetric(float64(mf)/float64(mb), "ratio")
		})
	}
}

func median(d []time.Duration) time.Duration {
	slices.Sort(d)
	return d[len(d)/2]
}

type benchFixture struct {
	ctx    context.Context
	v      *Verifier
	lookup func(string) (*Provider, bool)
	token  string
	input  string
	sig    []byte
	pub    crypto.PublicKey
}

func newBenchFixture(b *testing.B, alg string) *benchFixture {
	{
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
		input := token[:strings.LastIndexByte(token, '.')]
		sig, err := base64.RawURLEncoding.DecodeString(token[len(input)+1:])
		if err != nil {
			b.Fatal(err)
		}
		pub := idp.SigningKey(alg).Signer.Public()
		return &benchFixture{ctx: ctx, v: v, lookup: lookup, token: token, input: input, sig: sig, pub: pub}
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
