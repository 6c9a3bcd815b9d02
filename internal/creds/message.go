package creds

import (
	"context"
	"crypto/cipher"
	"errors"

	"github.com/stsd/stsd/internal/strictb64"
)

// Encoded authorization messages (DecodeAuthorizationMessage) are sealed
// with the session-token keys, in the token layout with their own version
// byte: MessageVersion1 ‖ key id ‖ nonce ‖ ciphertext ‖ tag, base64url.
// The version byte is part of the additional data, so a message never
// opens as a session token and a session token never opens as a message.
const (
	MessageVersion1 = 0x4d // 'M'
	// MaxMessageSize bounds an encoded message, in bytes.
	MaxMessageSize = 64 << 10
)

// ErrMessageInvalid is every rejection of an encoded message: malformed,
// tampered, sealed with an unknown or retired key, or too large.
var ErrMessageInvalid = errors.New("creds: invalid encoded authorization message")

// SealMessage seals plain into an encoded authorization message with the
// primary key.
func (k *Keyring) SealMessage(plain []byte) (string, error) {
	primary := k.state.Load().primary
	return sealMessage(primary.id, primary.aead, plain)
}

func sealMessage(id KeyID, aead cipher.AEAD, plain []byte) (string, error) {
	var header [headerSize]byte
	header[0] = MessageVersion1
	copy(header[1:], id[:])
	out := make([]byte, headerSize, headerSize+sealOverhead+len(plain))
	copy(out, header[:])
	out = aead.Seal(out, nil, plain, header[:])
	enc := tokenEncoding.EncodeToString(out)
	if len(enc) > MaxMessageSize {
		return "", errors.New("creds: authorization message too large to encode")
	}
	return enc, nil
}

// OpenMessage authenticates and decrypts an encoded message. Rejections
// are ErrMessageInvalid; any other error is a store failure while looking
// up a key not yet in memory.
func (k *Keyring) OpenMessage(ctx context.Context, encoded string) ([]byte, error) {
	if len(encoded) > MaxMessageSize {
		return nil, ErrMessageInvalid
	}
	raw, err := strictb64.DecodeString(tokenEncoding, encoded)
	if err != nil || len(raw) < headerSize+sealOverhead || raw[0] != MessageVersion1 {
		return nil, ErrMessageInvalid
	}
	var id KeyID
	copy(id[:], raw[1:headerSize])
	set := k.state.Load()
	key := set.keys[id]
	if key == nil {
		key, err = k.lookup(ctx, id)
		var te *TokenError
		if errors.As(err, &te) {
			return nil, ErrMessageInvalid
		}
		if err != nil {
			return nil, err
		}
	}
	if !k.opens(set, key) {
		return nil, ErrMessageInvalid
	}
	plain, err := key.aead.Open(nil, nil, raw[headerSize:], raw[:headerSize])
	if err != nil {
		return nil, ErrMessageInvalid
	}
	return plain, nil
}
