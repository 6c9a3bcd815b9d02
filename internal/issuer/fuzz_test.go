package issuer

import (
	"testing"
	"time"
)

// FuzzDecodeKeyRecord: a stored value never panics the decoder, and one
// it accepts is a whole key of the algorithm its kid names, stored at its
// own path.
func FuzzDecodeKeyRecord(f *testing.F) {
	aead, err := newSealAEAD(master(7))
	if err != nil {
		f.Fatal(err)
	}
	for _, alg := range Algorithms {
		rec, err := newKeyRecord(aead, alg, time.Unix(1790000000, 0), time.Unix(1790000000, 0))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(keyPath(rec.KID), encodeJSON(rec))
	}
	f.Add("issuer/keys/RS256-0011223344556677", []byte(`{"v":1,"kid":"RS256-0011223344556677","alg":"RS256","created":1,"activate":1,"sealed":"AAAA"}`))
	f.Add("issuer/keys/x", []byte(`{"v":1,"kid":"x","extra":1}`))
	f.Fuzz(func(t *testing.T, path string, value []byte) {
		k, err := decodeKeyRecord(aead, path, value, 1)
		if err != nil {
			return
		}
		if path != keyPath(k.kid) || !fits(k.alg, k.private.get()) || k.public.KeyID != k.kid || !k.public.Valid() {
			t.Fatalf("accepted %q as %s/%s", path, k.kid, k.alg)
		}
	})
}

// FuzzDecodeAccountRecord: the account decoder never panics and accepts
// only version 1 with a time.
func FuzzDecodeAccountRecord(f *testing.F) {
	f.Add([]byte(`{"v":1,"enabledAt":1790000000}`))
	f.Add([]byte(`{"v":1,"enabledAt":1790000000}{}`))
	f.Add([]byte(`{"v":2}`))
	f.Fuzz(func(t *testing.T, value []byte) {
		decodeAccountRecord(value)
	})
}
