package creds

import (
	"testing"

	"github.com/stsd/stsd/internal/store/memstore"
)

func benchKeyring(b *testing.B) *Keyring {
	b.Helper()
	k, err := OpenKeyring(b.Context(), memstore.New(), newMaster(b), KeyringOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { k.Close() })
	return k
}

func benchmarkSeal(b *testing.B, s *Session) {
	k := benchKeyring(b)
	b.ReportAllocs()
	size := 0
	for b.Loop() {
		tok, err := k.Seal(s, SealOptions{})
		if err != nil {
			b.Fatal(err)
		}
		size = tok.Len()
	}
	b.ReportMetric(float64(size), "token-bytes")
}

// benchmarkOpen measures the first Open of a token: decode, find the key,
// open (Keyring.open, without openedCache).
func benchmarkOpen(b *testing.B, s *Session) {
	k := benchKeyring(b)
	tok, err := k.Seal(s, SealOptions{})
	if err != nil {
		b.Fatal(err)
	}
	token := tok.Reveal()
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := k.open(b.Context(), k.state.Load(), token); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpenCached: Keyring.Open of a token opened before (the
// caller's next request), answered from openedCache.
func BenchmarkOpenCached(b *testing.B) {
	k := benchKeyring(b)
	tok, err := k.Seal(typicalSession(), SealOptions{})
	if err != nil {
		b.Fatal(err)
	}
	token := tok.Reveal()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := k.Open(b.Context(), token); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSealTypical: the session AssumeRoleWithWebIdentity issues for a
// GitHub Actions job (provider ARN, aud, sub).
func BenchmarkSealTypical(b *testing.B) { benchmarkSeal(b, typicalSession()) }

// BenchmarkOpenTypical: what every request signed with that session pays.
func BenchmarkOpenTypical(b *testing.B) { benchmarkOpen(b, typicalSession()) }

// BenchmarkSealFull and BenchmarkOpenFull: tags, source identity, session
// policy and policy ARNs as well.
func BenchmarkSealFull(b *testing.B) { benchmarkSeal(b, fullSession()) }

func BenchmarkOpenFull(b *testing.B) { benchmarkOpen(b, fullSession()) }

// BenchmarkSealOpenParallel: sealing and opening from every core at once.
func BenchmarkSealOpenParallel(b *testing.B) {
	k := benchKeyring(b)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		s := typicalSession()
		for pb.Next() {
			tok, err := k.Seal(s, SealOptions{})
			if err != nil {
				b.Error(err)
				return
			}
			if _, err := k.Open(b.Context(), tok.Reveal()); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkMintTypical: a fresh key pair plus the seal, as the STS layer
// mints a session.
func BenchmarkMintTypical(b *testing.B) {
	k := benchKeyring(b)
	s := typicalSession()
	b.ReportAllocs()
	for b.Loop() {
		s.AccessKeyID = NewTemporaryAccessKeyID()
		s.SecretAccessKey = NewSecretAccessKey()
		if _, err := k.Seal(s, SealOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
