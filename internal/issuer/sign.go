package issuer

import (
	"errors"
	"fmt"

	jose "github.com/go-jose/go-jose/v4"
)

// Sign signs payload (a JSON claims set the caller built) as a compact JWS
// with the key that signs alg now. The header is {"alg","kid","typ":"JWT"}.
// It returns the token and the kid that signed it. Signing touches no
// store.
func (is *Issuer) Sign(alg string, payload []byte) (token, kid string, err error) {
	if alg != RS256 && alg != ES384 {
		return "", "", fmt.Errorf("issuer: unsupported algorithm %q", alg)
	}
	k, err := is.current(alg)
	if err != nil {
		return "", "", err
	}
	signer, err := jose.NewSigner(
		jose.SigningKey{Algorithm: jose.SignatureAlgorithm(alg), Key: jose.JSONWebKey{Key: k.private.get(), KeyID: k.kid}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return "", "", errors.New("issuer: preparing the signer failed")
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		return "", "", errors.New("issuer: signing failed")
	}
	token, err = jws.CompactSerialize()
	if err != nil {
		return "", "", errors.New("issuer: serializing the token failed")
	}
	return token, k.kid, nil
}
