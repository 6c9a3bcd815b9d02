package creds

import (
	"crypto/cipher"
	"errors"
	"fmt"

	"github.com/stsd/stsd/internal/secret"
)

// SecretWrapper encrypts the secret access keys of long-term (AKIA) access
// keys for storage: AES-256-GCM under a key derived from the master key,
// with the access key id as additional data, so a wrapped secret cannot be
// moved to another key id. Every node sharing a store shares the master key
// and therefore opens every wrapped secret.
type SecretWrapper struct {
	aead cipher.AEAD
}

// errSecretUnwrap is returned for a wrapped secret that does not open.
var errSecretUnwrap = errors.New("creds: wrapped access key secret does not open (wrong master key or corrupt value)")

// NewSecretWrapper derives the wrapping key from the master key.
func NewSecretWrapper(master secret.Bytes) (*SecretWrapper, error) {
	if master.Len() != MasterKeySize {
		return nil, fmt.Errorf("creds: master key is %d bytes, want %d", master.Len(), MasterKeySize)
	}
	aead, err := master.DeriveAEAD("stsd access key secret v1")
	if err != nil {
		return nil, err
	}
	return &SecretWrapper{aead: aead}, nil
}

// Wrap encrypts the secret of accessKeyID.
func (w *SecretWrapper) Wrap(accessKeyID string, s secret.String) []byte {
	return w.aead.Seal(nil, nil, []byte(s.Reveal()), []byte(accessKeyID))
}

// Unwrap decrypts a secret wrapped for accessKeyID.
func (w *SecretWrapper) Unwrap(accessKeyID string, wrapped []byte) (secret.String, error) {
	plain, err := w.aead.Open(nil, nil, wrapped, []byte(accessKeyID))
	if err != nil {
		return secret.String{}, errSecretUnwrap
	}
	return secret.NewString(string(plain)), nil
}
