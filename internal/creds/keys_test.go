package creds

import (
	"encoding/hex"
	"testing"

	"github.com/stsd/stsd/internal/secret"
)

// countingBytes is n bytes counting up from first: the fixed keys of the
// known-answer tests.
func countingBytes(first byte, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = first + byte(i)
	}
	return b
}

// TestKeyDerivationsAreStable pins the keys derived from the master key and
// from a token key's material: the sealed values below were made by the
// code as it stood before the derivation moved into secret.DeriveAEAD, and
// the tokens and stored access key secrets of every release must still
// open.
func TestKeyDerivationsAreStable(t *testing.T) {
	master := secret.NewBytes(countingBytes(0, MasterKeySize))

	w, err := NewSecretWrapper(master)
	if err != nil {
		t.Fatal(err)
	}
	wrapped, _ := hex.DecodeString("34f760a53e5836bbed70d49f0bf3e8d617810bc7faa6af37968d36189b7096969ca870e361652aec75bcab55f0d849cff268041a131a482ac05e081d160ee1234998c6509c")
	got, err := w.Unwrap("AKIAIOSFODNN7EXAMPLE", wrapped)
	if err != nil || got.Reveal() != "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY" {
		t.Errorf("access key secret sealed by the earlier code: %v", err)
	}

	var id KeyID
	copy(id[:], countingBytes(0xa0, len(id)))
	aead, err := deriveTokenAEAD(id, countingBytes(0x40, keyMaterialSize))
	if err != nil {
		t.Fatal(err)
	}
	sealed, _ := hex.DecodeString("4bc64ceedd30c004b0e799be535da29749c35542d31e8adf555eeea4e74f251ad03c97a678f63556e727df8d5ba20a61f3")
	plain, err := aead.Open(nil, nil, sealed, []byte("ad"))
	if err != nil || string(plain) != "session token payload" {
		t.Errorf("session token key %s of the earlier code: %v", id, err)
	}
}
