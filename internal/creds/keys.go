package creds

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/stsd/stsd/internal/secret"
)

// Store layout of the keyring.
const (
	// KeyringPrefix holds everything the keyring stores.
	KeyringPrefix = "keyring/"
	keysPrefix    = KeyringPrefix + "keys/"
	primaryPath   = KeyringPrefix + "primary"
)

// MasterKeySize is the length of the master key in bytes.
const MasterKeySize = 32

const keyMaterialSize = 32

// tokenKey is one unwrapped token key held in memory.
type tokenKey struct {
	id        KeyID
	aead      cipher.AEAD
	created   time.Time
	openUntil time.Time // zero while not retired
	revision  int64     // store revision of the record
}

// keyRecord is how a key is stored (JSON; not on the hot path).
type keyRecord struct {
	Version   int    `json:"v"`
	ID        string `json:"id"`
	Created   int64  `json:"created"`
	OpenUntil int64  `json:"openUntil,omitempty"`
	// Wrapped is nonce ‖ AES-256-GCM(master key, material), with the
	// record's id in the additional data.
	Wrapped []byte `json:"wrapped"`
}

// primaryRecord names the key every node seals with.
type primaryRecord struct {
	ID    string `json:"id"`
	Since int64  `json:"since"`
}

func keyPath(id KeyID) string { return keysPrefix + id.String() }

// newWrapAEAD builds the AEAD that wraps token keys with the master key.
func newWrapAEAD(master secret.Bytes) (cipher.AEAD, error) {
	if master.Len() != MasterKeySize {
		return nil, fmt.Errorf("creds: master key is %d bytes, want %d", master.Len(), MasterKeySize)
	}
	block, err := aes.NewCipher(master.Reveal())
	if err != nil {
		return nil, fmt.Errorf("creds: master key: %w", err)
	}
	return cipher.NewGCMWithRandomNonce(block)
}

// deriveTokenAEAD derives the per-key token AEAD from its material, read
// in place (the callers clear it).
func deriveTokenAEAD(id KeyID, material []byte) (cipher.AEAD, error) {
	return secret.DeriveAEAD(material, "stsd session token v1 "+id.String())
}

func wrapAD(id KeyID) []byte { return []byte("stsd keyring key v1 " + id.String()) }

// newKeyRecord makes a fresh key: random id and material, wrapped.
func newKeyRecord(wrap cipher.AEAD, now time.Time) (keyRecord, KeyID) {
	var id KeyID
	rand.Read(id[:])
	material := make([]byte, keyMaterialSize)
	rand.Read(material)
	defer clear(material)
	return keyRecord{
		Version: 1,
		ID:      id.String(),
		Created: now.Unix(),
		Wrapped: wrap.Seal(nil, nil, material, wrapAD(id)),
	}, id
}

// errKeyRecord: a stored record that is not a key record.
var errKeyRecord = errors.New("creds: malformed keyring record")

// decodeKeyRecord parses and unwraps a stored key. A record the master key
// cannot unwrap yields ErrMasterKeyMismatch.
func decodeKeyRecord(wrap cipher.AEAD, path string, value []byte, revision int64) (*tokenKey, keyRecord, error) {
	var rec keyRecord
	if err := json.Unmarshal(value, &rec); err != nil || rec.Version != 1 {
		return nil, rec, fmt.Errorf("%w at %s", errKeyRecord, path)
	}
	id, ok := parseKeyID(rec.ID)
	if !ok || path != keyPath(id) {
		return nil, rec, fmt.Errorf("%w at %s", errKeyRecord, path)
	}
	material, err := wrap.Open(nil, nil, rec.Wrapped, wrapAD(id))
	if err != nil {
		return nil, rec, fmt.Errorf("%w (key %s)", ErrMasterKeyMismatch, id)
	}
	defer clear(material)
	if len(material) != keyMaterialSize {
		return nil, rec, fmt.Errorf("%w at %s", errKeyRecord, path)
	}
	aead, err := deriveTokenAEAD(id, material)
	if err != nil {
		return nil, rec, err
	}
	k := &tokenKey{id: id, aead: aead, created: time.Unix(rec.Created, 0), revision: revision}
	if rec.OpenUntil != 0 {
		k.openUntil = time.Unix(rec.OpenUntil, 0)
	}
	return k, rec, nil
}

func decodePrimary(value []byte) (primaryRecord, KeyID, error) {
	var rec primaryRecord
	if err := json.Unmarshal(value, &rec); err != nil {
		return rec, KeyID{}, fmt.Errorf("%w at %s", errKeyRecord, primaryPath)
	}
	id, ok := parseKeyID(rec.ID)
	if !ok {
		return rec, id, fmt.Errorf("%w at %s", errKeyRecord, primaryPath)
	}
	return rec, id, nil
}

// keyIDFromPath returns the id of a key path, or false for other paths.
func keyIDFromPath(path string) (KeyID, bool) {
	rest, ok := strings.CutPrefix(path, keysPrefix)
	if !ok {
		return KeyID{}, false
	}
	return parseKeyID(rest)
}

// encodeJSON marshals the keyring's records (plain structs of strings,
// ints and bytes, which always marshal).
func encodeJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}
