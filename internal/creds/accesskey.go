package creds

import (
	"crypto/rand"
	"encoding/base64"

	"github.com/stsd/stsd/internal/secret"
)

// Access key id prefixes (IAM identifier prefixes).
const (
	// TemporaryKeyPrefix starts the access key id of a session.
	TemporaryKeyPrefix = "ASIA"
	// LongTermKeyPrefix starts the access key id of a long-term key.
	LongTermKeyPrefix = "AKIA"
)

// AccessKeyIDLength is the length of every access key id minted here.
const AccessKeyIDLength = 20

// SecretAccessKeyLength is the length of every secret access key minted here.
const SecretAccessKeyLength = 40

// base32Alphabet is RFC 4648 base32: [A-Z2-7], the alphabet of AWS key ids.
const base32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

// NewTemporaryAccessKeyID returns "ASIA" + 16 random characters of [A-Z2-7].
func NewTemporaryAccessKeyID() string { return newAccessKeyID(TemporaryKeyPrefix) }

// NewLongTermAccessKeyID returns "AKIA" + 16 random characters of [A-Z2-7].
func NewLongTermAccessKeyID() string { return newAccessKeyID(LongTermKeyPrefix) }

func newAccessKeyID(prefix string) string {
	var random [AccessKeyIDLength - 4]byte
	rand.Read(random[:]) // never fails (crypto/rand, Go 1.24+)
	out := make([]byte, 0, AccessKeyIDLength)
	out = append(out, prefix...)
	for _, b := range random {
		out = append(out, base32Alphabet[b&31]) // 256 is a multiple of 32: unbiased
	}
	return string(out)
}

// NewSecretAccessKey returns 40 characters of standard base64 (30 random
// bytes), the shape of an AWS secret access key.
func NewSecretAccessKey() secret.String {
	var random [SecretAccessKeyLength * 3 / 4]byte
	rand.Read(random[:])
	return secret.NewString(base64.StdEncoding.EncodeToString(random[:]))
}

// AccessKeyKind classifies an access key id by its prefix.
type AccessKeyKind int

const (
	// AccessKeyInvalid: not an access key id this package mints.
	AccessKeyInvalid AccessKeyKind = iota
	// AccessKeyTemporary: "ASIA…", a session's key; it needs a session token.
	AccessKeyTemporary
	// AccessKeyLongTerm: "AKIA…", a long-term key.
	AccessKeyLongTerm
)

// ClassifyAccessKeyID reports whether id has the exact shape of a key id
// minted here (prefix + 16 characters of [A-Z2-7]) and which kind it is.
// It is a cheap pre-check before any lookup.
func ClassifyAccessKeyID(id string) AccessKeyKind {
	if len(id) != AccessKeyIDLength {
		return AccessKeyInvalid
	}
	for i := 4; i < len(id); i++ {
		c := id[i]
		if (c < 'A' || c > 'Z') && (c < '2' || c > '7') {
			return AccessKeyInvalid
		}
	}
	switch id[:4] {
	case TemporaryKeyPrefix:
		return AccessKeyTemporary
	case LongTermKeyPrefix:
		return AccessKeyLongTerm
	}
	return AccessKeyInvalid
}
