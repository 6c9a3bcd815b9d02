package oidc

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"

	jose "github.com/go-jose/go-jose/v4"
)

// JWKS limits (AWS: at most 100 RSA and 100 EC keys; RSA of at least 2048
// bits). go-jose caps RSA moduli at 4096 bits.
const (
	maxRSAKeys    = 100
	maxECKeys     = 100
	minRSABits    = 2048
	maxSkipReport = 8
)

// keyMaterial is a parsed, filtered key set. It is immutable once built.
type keyMaterial struct {
	byKID map[string]crypto.PublicKey
	// single is the only usable key, for tokens without a kid.
	single      crypto.PublicKey
	usable      int
	rsaOverflow bool // more than maxRSAKeys RSA keys: RSA tokens fail
	ecOverflow  bool // more than maxECKeys EC keys: EC tokens fail
	skipped     []string
}

// jwkHead holds the members read before a key is handed to go-jose.
type jwkHead struct {
	Kty    string          `json:"kty"`
	Use    string          `json:"use"`
	KeyOps json.RawMessage `json:"key_ops"`
	Kid    string          `json:"kid"`
	D      json.RawMessage `json:"d"`
	K      json.RawMessage `json:"k"`
}

var errNoUsableKeys = errors.New("JWKS holds no usable signing key")

// parseJWKS parses a JWK Set and keeps the keys usable for verification:
// RSA (2048..4096 bits) and EC P-256/384/521 public keys, not marked for
// encryption, without key_ops, whose x5c (when present) matches the key.
// Unusable keys are skipped, as RFC 7517 §5 recommends. Later duplicates of
// a kid replace earlier ones (AWS's behaviour). Cost is linear in len(data).
func parseJWKS(data []byte) (*keyMaterial, error) {
	// The strict pass rejects duplicate members anywhere, so this parser,
	// encoding/json and go-jose cannot read different keys from one document.
	if _, err := decodeStrictObject(data); err != nil {
		return nil, fmt.Errorf("JWKS is not a strict JSON object: %w", err)
	}
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(data, &set); err != nil {
		return nil, fmt.Errorf("JWKS is not valid JSON: %w", err)
	}
	km := &keyMaterial{byKID: make(map[string]crypto.PublicKey, len(set.Keys))}
	var rsaCount, ecCount int
	for i, raw := range set.Keys {
		jwk, why := usableKey(raw, func(kty string) bool {
			if kty == "RSA" {
				if rsaCount++; rsaCount > maxRSAKeys {
					km.rsaOverflow = true
					return false
				}
			} else if ecCount++; ecCount > maxECKeys {
				km.ecOverflow = true
				return false
			}
			return true
		})
		if why != "" {
			km.skip(i, why)
		}
		if jwk != nil {
			km.byKID[jwk.KeyID] = jwk.Key
		}
	}
	km.finish()
	if km.usable == 0 && !km.rsaOverflow && !km.ecOverflow {
		return nil, errNoUsableKeys
	}
	return km, nil
}

func (km *keyMaterial) skip(i int, why string) {
	if len(km.skipped) < maxSkipReport {
		km.skipped = append(km.skipped, fmt.Sprintf("key %d: %s", i, why))
	}
}

// finish drops the keys of an overflowing type and records the single key.
func (km *keyMaterial) finish() {
	for kid, k := range km.byKID {
		_, isRSA := k.(*rsa.PublicKey)
		if (isRSA && km.rsaOverflow) || (!isRSA && km.ecOverflow) {
			delete(km.byKID, kid)
		}
	}
	km.usable = len(km.byKID)
	if km.usable == 1 {
		for _, k := range km.byKID {
			km.single = k
		}
	}
}

// lookup finds the key for a token: by kid, or the only key when the token
// has none. found is false when no key matches.
func (km *keyMaterial) lookup(alg *algorithm, kid string) (key crypto.PublicKey, tooMany, found bool) {
	if (alg.kind == kindRSA && km.rsaOverflow) || (alg.kind == kindEC && km.ecOverflow) {
		return nil, true, false
	}
	if kid == "" {
		if km.single != nil {
			return km.single, false, true
		}
		return nil, false, false
	}
	key, found = km.byKID[kid]
	return key, false, found
}

// usableKey parses one JWK of a set and returns it when it is usable for
// verification, else why not ("" when count refused it: the set has too
// many keys of its type). count is called once the key's type is known to
// be RSA or EC, before the key is parsed.
func usableKey(raw json.RawMessage, count func(kty string) bool) (*jose.JSONWebKey, string) {
	var head jwkHead
	if err := json.Unmarshal(raw, &head); err != nil {
		return nil, "not a JSON object"
	}
	switch {
	case head.Kty != "RSA" && head.Kty != "EC":
		return nil, "kty " + truncate(head.Kty, 16) + " not supported"
	case head.Use != "" && head.Use != "sig":
		return nil, "use " + truncate(head.Use, 16)
	case len(head.KeyOps) > 0:
		return nil, "key_ops present"
	case len(head.D) > 0 || len(head.K) > 0:
		return nil, "private key material"
	}
	if !count(head.Kty) {
		return nil, ""
	}
	var jwk jose.JSONWebKey
	if err := jwk.UnmarshalJSON(raw); err != nil {
		return nil, err.Error()
	}
	if !jwk.IsPublic() {
		return nil, "private key material"
	}
	switch k := jwk.Key.(type) {
	case *rsa.PublicKey:
		if k.N.BitLen() < minRSABits {
			return nil, fmt.Sprintf("RSA key of %d bits", k.N.BitLen())
		}
	case *ecdsa.PublicKey:
	default:
		return nil, "unsupported key type"
	}
	return &jwk, ""
}
