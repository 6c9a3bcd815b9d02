package secret

import (
	"bytes"
	"encoding/hex"
	"testing"
)

// TestDeriveAEADKnownAnswer pins the derivation: HKDF-SHA256 of the key
// with the label, then AES-256-GCM with the nonce in front. What is sealed
// under a label must open in every later release.
func TestDeriveAEADKnownAnswer(t *testing.T) {
	key := make([]byte, 32)
	for i := range key {
		key[i] = byte(i)
	}
	aead, err := NewBytes(key).DeriveAEAD("stsd test label v1")
	if err != nil {
		t.Fatal(err)
	}
	sealed, _ := hex.DecodeString("e775d7b9ae901f8287d539fc5b33fd185b666b2fd47d6ffad36feb61480b0afffc31a4dfef93d044b498be")
	plain, err := aead.Open(nil, nil, sealed, []byte("additional data"))
	if err != nil || string(plain) != "known plaintext" {
		t.Fatalf("known answer: %q, %v", plain, err)
	}
}

func TestDeriveAEADSeparatesLabelsAndKeys(t *testing.T) {
	key := NewBytes(bytes.Repeat([]byte{7}, 32))
	a, err := key.DeriveAEAD("label a")
	if err != nil {
		t.Fatal(err)
	}
	sealed := a.Seal(nil, nil, []byte(plain), nil)
	if again := a.Seal(nil, nil, []byte(plain), nil); bytes.Equal(sealed, again) {
		t.Error("two seals of one plaintext are equal: the nonce is not random")
	}
	if got, err := a.Open(nil, nil, sealed, nil); err != nil || string(got) != plain {
		t.Fatalf("round trip: %v", err)
	}
	b, _ := key.DeriveAEAD("label b")
	if _, err := b.Open(nil, nil, sealed, nil); err == nil {
		t.Error("another label opened the sealed value")
	}
	other, _ := NewBytes(bytes.Repeat([]byte{8}, 32)).DeriveAEAD("label a")
	if _, err := other.Open(nil, nil, sealed, nil); err == nil {
		t.Error("another key opened the sealed value")
	}
	if _, err := (Bytes{}).DeriveAEAD("label a"); err == nil {
		t.Error("a key was derived from the empty secret")
	}
}
