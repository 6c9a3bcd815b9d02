package oidc

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// CheckStaticJWKS checks a key set an operator gives a provider through
// the IAM API, before it is stored. A fetched key set skips the keys it
// cannot use (RFC 7517 §5); a static one is refused unless every key is
// usable, so a mistake shows when the set is given, not when a token
// fails: a strict JSON object (no duplicate member anywhere) whose "keys"
// array holds at least one key and at most 100 RSA and 100 EC keys, each
// a public signing key the verifier accepts (RSA of 2048 to 4096 bits, EC
// P-256/384/521, no private or symmetric material, use "sig" or none, no
// key_ops, an x5c that matches the key), with distinct kids. The error
// says what is wrong with which key, without echoing key material.
func CheckStaticJWKS(data []byte) error {
	doc, err := decodeStrictObject(data)
	if err != nil {
		return errors.New("it is not a JSON object without duplicate members")
	}
	if _, ok := doc["keys"].([]any); !ok {
		return errors.New(`it has no "keys" array`)
	}
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(data, &set); err != nil {
		return errors.New("it is not a JSON object")
	}
	if len(set.Keys) == 0 {
		return errors.New(`its "keys" array is empty`)
	}
	kids := map[string]int{}
	var rsaCount, ecCount int
	for i, raw := range set.Keys {
		jwk, why := usableKey(raw, func(kty string) bool {
			if kty == "RSA" {
				rsaCount++
				return rsaCount <= maxRSAKeys
			}
			ecCount++
			return ecCount <= maxECKeys
		})
		switch {
		case jwk == nil && why == "" && rsaCount > maxRSAKeys:
			return fmt.Errorf("it has more than %d RSA keys", maxRSAKeys)
		case jwk == nil && why == "":
			return fmt.Errorf("it has more than %d EC keys", maxECKeys)
		case jwk == nil:
			return fmt.Errorf("key %d: %s", i, why)
		}
		if j, dup := kids[jwk.KeyID]; dup {
			return fmt.Errorf("keys %d and %d have the same kid %s", j, i, strconv.Quote(truncate(jwk.KeyID, 64)))
		}
		kids[jwk.KeyID] = i
	}
	return nil
}
