package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"errors"
)

// errDeriveEmpty: there is no key to derive from an empty secret.
var errDeriveEmpty = errors.New("secret: cannot derive a key from an empty secret")

// DeriveAEAD derives the AES-256-GCM AEAD that one use of b seals with:
// DeriveAEAD(the secret's bytes, info), read in place.
func (b Bytes) DeriveAEAD(info string) (cipher.AEAD, error) {
	return DeriveAEAD(b.held(), info)
}

// DeriveAEAD derives the AES-256-GCM AEAD that one use of material seals
// with: the 32-byte key is HKDF-SHA256 of material with no salt and info
// as its label, and the AEAD draws a random nonce for every Seal and
// prefixes it to the ciphertext (cipher.NewGCMWithRandomNonce), so callers
// pass a nil nonce. It reads material without copying it, so a caller that
// holds key material in a plain slice (and clears it after) leaves no
// copy behind; Bytes.DeriveAEAD is the same for a held secret.
//
// The label separates the uses of one secret: each use has its own label,
// naming it and its version ("stsd access key secret v1"), and a label
// never changes once something sealed under it has been stored or handed
// out. The derived key is cleared once the cipher is built; the error
// never holds key material.
func DeriveAEAD(material []byte, info string) (cipher.AEAD, error) {
	if len(material) == 0 {
		return nil, errDeriveEmpty
	}
	k, err := hkdf.Key(sha256.New, material, nil, info, 32)
	if err != nil {
		return nil, err
	}
	defer clear(k)
	block, err := aes.NewCipher(k)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCMWithRandomNonce(block)
}
