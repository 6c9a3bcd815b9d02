package creds

import (
	"crypto/cipher"
	"encoding/base64"
	"encoding/hex"
	"sync"

	"github.com/stsd/stsd/internal/secret"
	"github.com/stsd/stsd/internal/strictb64"
)

// Token layout (before base64url): version (1 byte) ‖ key id (8 bytes) ‖
// nonce (12) ‖ ciphertext ‖ GCM tag (16). Version and key id are the
// additional data of the seal.
const (
	// TokenVersion1 is the only token format so far.
	TokenVersion1 = 1
	// MaxSessionTokenSize is the hard cap on a session token, in bytes.
	MaxSessionTokenSize = 4096

	keyIDSize    = 8
	headerSize   = 1 + keyIDSize
	sealOverhead = 12 + 16 // cipher.NewGCMWithRandomNonce: nonce + tag
	// minRawToken is the smallest raw token: header, overhead, one field.
	minRawToken = headerSize + sealOverhead + 2
)

// tokenEncoding is unpadded base64url: every character is unreserved in
// URLs (no escaping in a query string, no '+' turned into a space), and
// Strict rejects non-canonical trailing bits; tokens are decoded with
// strictb64, which also rejects the line breaks the decoder would skip, so
// one token has one spelling.
var tokenEncoding = base64.RawURLEncoding.Strict()

// KeyID names one token key; it travels in the clear in every token.
type KeyID [keyIDSize]byte

// String is the key id in hex, as used in store paths and logs.
func (id KeyID) String() string { return hex.EncodeToString(id[:]) }

// parseKeyID is the inverse of KeyID.String.
func parseKeyID(s string) (KeyID, bool) {
	var id KeyID
	if len(s) != 2*keyIDSize {
		return id, false
	}
	if _, err := hex.Decode(id[:], []byte(s)); err != nil {
		return id, false
	}
	return id, true
}

// SealOptions adjust one Seal.
type SealOptions struct {
	// MinimumSize pads the token to at least this many bytes (0..4096,
	// MinimumSessionTokenSize); 0 means no padding.
	MinimumSize int
}

// TokenUtilization is size as a percentage of MaxSessionTokenSize, rounded
// up (SessionTokenUtilization, PackedPolicySize).
func TokenUtilization(size int) int {
	return (size*100 + MaxSessionTokenSize - 1) / MaxSessionTokenSize
}

// rawSizeFor returns the smallest raw length whose encoding is at least n
// bytes long.
func rawSizeFor(n int) int {
	raw := n * 3 / 4
	for tokenEncoding.EncodedLen(raw) < n {
		raw++
	}
	return raw
}

var payloadPool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// sealToken seals s with aead under id.
func sealToken(id KeyID, aead cipher.AEAD, s *Session, opts SealOptions) (secret.String, error) {
	if err := validateForSeal(s); err != nil {
		return secret.String{}, err
	}
	if opts.MinimumSize < 0 || opts.MinimumSize > MaxSessionTokenSize {
		return secret.String{}, &SessionError{Reason: "minimum token size out of range 0..4096"}
	}
	bufp := payloadPool.Get().(*[]byte)
	defer func() {
		clear((*bufp)[:cap(*bufp)]) // the payload held the secret key
		payloadPool.Put(bufp)
	}()
	plain := appendPayload((*bufp)[:0], s)
	raw := headerSize + sealOverhead + len(plain)
	if size := tokenEncoding.EncodedLen(raw); size > MaxSessionTokenSize {
		return secret.String{}, &TokenTooLargeError{Size: size, Limit: MaxSessionTokenSize}
	}
	if want := rawSizeFor(opts.MinimumSize); raw < want {
		// Padding: tag 0, then zeros to the end; any length >= 1 is exact.
		plain = append(plain, make([]byte, want-raw)...)
		raw = want
	}
	*bufp = plain[:0]

	var header [headerSize]byte
	header[0] = TokenVersion1
	copy(header[1:], id[:])
	out := make([]byte, headerSize, raw)
	copy(out, header[:])
	out = aead.Seal(out, nil, plain, header[:])
	return secret.NewString(tokenEncoding.EncodeToString(out)), nil
}

// parseToken decodes a token and checks its size and version; it returns
// the raw bytes and the key id. Nothing is decrypted yet.
func parseToken(token string) ([]byte, KeyID, error) {
	var id KeyID
	if len(token) > MaxSessionTokenSize || len(token) < tokenEncoding.EncodedLen(minRawToken) {
		return nil, id, ErrTokenMalformed
	}
	raw, err := strictb64.DecodeString(tokenEncoding, token)
	if err != nil || len(raw) < minRawToken {
		return nil, id, ErrTokenMalformed
	}
	if raw[0] != TokenVersion1 {
		return nil, id, ErrTokenVersion
	}
	copy(id[:], raw[1:headerSize])
	return raw, id, nil
}

// openRaw authenticates, decrypts and decodes a parsed token.
func openRaw(aead cipher.AEAD, raw []byte) (*Session, error) {
	header := raw[:headerSize]
	plain, err := aead.Open(nil, nil, raw[headerSize:], header)
	if err != nil {
		return nil, ErrTokenTampered
	}
	s, err := decodePayload(plain)
	clear(plain)
	return s, err
}
