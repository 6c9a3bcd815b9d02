package creds

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"strconv"
)

// Access key ids that name their account.
//
// AWS's key ids carry the account they belong to: the 16 characters after
// the prefix are the base32 (RFC 4648) encoding of 10 bytes, and bits 46..7
// of the first 6 bytes, read as a big-endian integer, are the 12-digit
// account id. GetAccessKeyInfo answers from the key id alone, for keys
// that exist or not ("This operation does not indicate the state of the
// access key", STS API Reference, GetAccessKeyInfo). The layout is not
// documented by AWS; it was published by Tal Be'ery ("A short note on AWS
// KEY ID", 2023) and Aidan Steele, and holds for every key id AWS issued
// since 2019. stsd mints session key ids in the same layout, so a
// stateless node can tell any session key's account.

// keyIDEncoding is unpadded RFC 4648 base32: 10 bytes are 16 characters.
var keyIDEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

const (
	maxAccountID  = 999999999999
	accountShift  = 7
	accountMask   = (uint64(1)<<40 - 1) << accountShift
	keyIDRawBytes = 10
)

// NewTemporaryAccessKeyIDFor returns "ASIA" + 16 characters of [A-Z2-7]
// whose bits name account (a 12-digit account id) as AWS's key ids do; the
// other 40 bits are random.
func NewTemporaryAccessKeyIDFor(account string) (string, error) {
	return newAccountKeyID(TemporaryKeyPrefix, account)
}

func newAccountKeyID(prefix, account string) (string, error) {
	n, err := strconv.ParseUint(account, 10, 64)
	if err != nil || len(account) != 12 || n > maxAccountID {
		return "", fmt.Errorf("creds: %q is not a 12-digit account id", account)
	}
	var raw [keyIDRawBytes]byte
	rand.Read(raw[:]) // never fails (crypto/rand, Go 1.24+)
	var head [8]byte
	copy(head[2:], raw[:6])
	z := binary.BigEndian.Uint64(head[:])
	z = z&^accountMask | n<<accountShift
	binary.BigEndian.PutUint64(head[:], z)
	copy(raw[:6], head[2:])
	return prefix + keyIDEncoding.EncodeToString(raw[:]), nil
}

// AccessKeyIDAccount returns the account an access key id names in AWS's
// layout: any "AKIA"/"ASIA" id of 20 characters of [A-Z2-7] decodes to one;
// false for anything else. Whether the key exists is not its concern.
func AccessKeyIDAccount(id string) (string, bool) {
	if ClassifyAccessKeyID(id) == AccessKeyInvalid {
		return "", false
	}
	raw, err := keyIDEncoding.DecodeString(id[4:])
	if err != nil || len(raw) != keyIDRawBytes {
		return "", false
	}
	var head [8]byte
	copy(head[2:], raw[:6])
	n := (binary.BigEndian.Uint64(head[:]) & accountMask) >> accountShift
	if n > maxAccountID {
		return "", false
	}
	return fmt.Sprintf("%012d", n), true
}
