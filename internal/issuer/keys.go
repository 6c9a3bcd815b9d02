package issuer

import (
	"bytes"
	"crypto"
	"crypto/cipher"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/stsd/stsd/internal/secret"
)

// The signing algorithms GetWebIdentityToken offers ("Valid values are
// RS256 (RSA with SHA-256) and ES384 (ECDSA using P-384 curve with
// SHA-384)", STS API Reference).
const (
	RS256 = "RS256"
	ES384 = "ES384"
)

// Algorithms lists them in the order the discovery document names them.
var Algorithms = []string{RS256, ES384}

// rsaBits is the RSA modulus size of RS256 keys (AWS does not publish
// its own).
const rsaBits = 2048

// Store layout.
const (
	// Prefix holds everything the issuer stores.
	Prefix         = "issuer/"
	keysPrefix     = Prefix + "keys/"
	latestPrefix   = Prefix + "latest/"
	accountsPrefix = Prefix + "accounts/"
)

// MasterKeySize is the length of the master key the private keys are
// sealed under.
const MasterKeySize = 32

// privateKey holds a signer so that no printer, logger or encoder can
// reach it: the value lives in a closure.
type privateKey struct{ get func() crypto.Signer }

func (privateKey) String() string               { return secret.Redacted }
func (privateKey) GoString() string             { return secret.Redacted }
func (privateKey) MarshalJSON() ([]byte, error) { return []byte(`"` + secret.Redacted + `"`), nil }

// signingKey is one key in memory.
type signingKey struct {
	kid      string
	alg      string
	created  time.Time
	activate time.Time // when it starts signing
	private  privateKey
	public   jose.JSONWebKey
	revision int64 // store revision of its record
}

// keyRecord is how a key is stored.
type keyRecord struct {
	Version  int    `json:"v"`
	KID      string `json:"kid"`
	Alg      string `json:"alg"`
	Created  int64  `json:"created"`
	Activate int64  `json:"activate"`
	// Sealed is nonce ‖ AES-256-GCM(PKCS #8 private key), with sealAD as
	// additional data.
	Sealed []byte `json:"sealed"`
}

func keyPath(kid string) string    { return keysPrefix + kid }
func latestPath(alg string) string { return latestPrefix + alg }

// newSealAEAD derives the AEAD that seals private keys from the master key.
func newSealAEAD(master secret.Bytes) (cipher.AEAD, error) {
	if master.Len() != MasterKeySize {
		return nil, fmt.Errorf("issuer: master key is %d bytes, want %d", master.Len(), MasterKeySize)
	}
	return master.DeriveAEAD("stsd issuer signing keys v1")
}

func sealAD(kid, alg string) []byte { return []byte("stsd issuer signing key v1 " + kid + " " + alg) }

// newKID makes a key id: the algorithm, a dash and 16 hex digits.
func newKID(alg string) string {
	var b [8]byte
	rand.Read(b[:])
	return alg + "-" + hex.EncodeToString(b[:])
}

// kidAlg returns the algorithm a well-formed key id names.
func kidAlg(kid string) (string, bool) {
	alg, rest, ok := strings.Cut(kid, "-")
	if !ok || (alg != RS256 && alg != ES384) || len(rest) != 16 {
		return "", false
	}
	for i := 0; i < len(rest); i++ {
		if c := rest[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return "", false
		}
	}
	return alg, true
}

// generate makes a private key for alg.
func generate(alg string) (crypto.Signer, error) {
	switch alg {
	case RS256:
		return rsa.GenerateKey(rand.Reader, rsaBits)
	case ES384:
		return ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	}
	return nil, fmt.Errorf("issuer: unsupported algorithm %q", alg)
}

// newKeyRecord makes a fresh key for alg that starts signing at activate.
func newKeyRecord(aead cipher.AEAD, alg string, now, activate time.Time) (keyRecord, error) {
	priv, err := generate(alg)
	if err != nil {
		return keyRecord{}, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return keyRecord{}, errors.New("issuer: encoding a new private key failed")
	}
	defer clear(der)
	kid := newKID(alg)
	return keyRecord{
		Version: 1, KID: kid, Alg: alg, Created: now.Unix(), Activate: activate.Unix(),
		Sealed: aead.Seal(nil, nil, der, sealAD(kid, alg)),
	}, nil
}

// errKeyRecord: a stored value that is not a usable key record. Its text
// never holds key material.
var errKeyRecord = errors.New("issuer: malformed signing key record")

// errKeyUnseal: the master key does not open the record.
var errKeyUnseal = errors.New("issuer: signing key does not open with this master key (every node sharing a store needs the same master key)")

// decodeKeyRecord parses a stored record strictly (unknown members,
// trailing data and a record at another path are refused), opens the
// private key and checks that it is the key its algorithm needs.
func decodeKeyRecord(aead cipher.AEAD, path string, value []byte, revision int64) (*signingKey, error) {
	var rec keyRecord
	dec := json.NewDecoder(bytes.NewReader(value))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rec); err != nil || dec.More() || rec.Version != 1 {
		return nil, fmt.Errorf("%w at %s", errKeyRecord, path)
	}
	alg, ok := kidAlg(rec.KID)
	if !ok || alg != rec.Alg || path != keyPath(rec.KID) || rec.Created <= 0 || rec.Activate <= 0 {
		return nil, fmt.Errorf("%w at %s", errKeyRecord, path)
	}
	der, err := aead.Open(nil, nil, rec.Sealed, sealAD(rec.KID, rec.Alg))
	if err != nil {
		return nil, fmt.Errorf("%w (key %s)", errKeyUnseal, rec.KID)
	}
	defer clear(der)
	parsed, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("%w at %s", errKeyRecord, path)
	}
	signer, ok := parsed.(crypto.Signer)
	if !ok || !fits(alg, signer) {
		return nil, fmt.Errorf("%w at %s", errKeyRecord, path)
	}
	return &signingKey{
		kid: rec.KID, alg: alg,
		created: time.Unix(rec.Created, 0).UTC(), activate: time.Unix(rec.Activate, 0).UTC(),
		private:  privateKey{get: func() crypto.Signer { return signer }},
		public:   jose.JSONWebKey{Key: signer.Public(), KeyID: rec.KID, Algorithm: alg, Use: "sig"},
		revision: revision,
	}, nil
}

// fits reports whether the key is the type and size alg signs with.
func fits(alg string, k crypto.Signer) bool {
	switch alg {
	case RS256:
		r, ok := k.(*rsa.PrivateKey)
		return ok && r.N.BitLen() >= rsaBits
	case ES384:
		e, ok := k.(*ecdsa.PrivateKey)
		return ok && e.Curve == elliptic.P384()
	}
	return false
}

// latestRecord names the newest key of an algorithm: the record nodes
// compare-and-swap to agree on one rotation.
type latestRecord struct {
	KID string `json:"kid"`
}

// encodeJSON marshals the package's records (plain structs, which always
// marshal).
func encodeJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}
