package oidc

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"math/big"
)

var (
	errKeyTypeMismatch = errors.New("key type or curve does not fit the header alg")
	errSignature       = errors.New("signature does not verify")
)

// digest hashes the signing input with the algorithm's hash without
// allocating a hash.Hash.
func digest(h crypto.Hash, input string) []byte {
	switch h {
	case crypto.SHA256:
		d := sha256.Sum256([]byte(input))
		return d[:]
	case crypto.SHA384:
		d := sha512.Sum384([]byte(input))
		return d[:]
	default:
		d := sha512.Sum512([]byte(input))
		return d[:]
	}
}

// verifySignature checks sig over input with key, which must be of the type
// (and curve) that alg requires: the header can never make an RSA key verify
// an ECDSA signature or choose a weaker curve.
func verifySignature(alg *algorithm, key crypto.PublicKey, input string, sig []byte) error {
	switch alg.kind {
	case kindRSA:
		pub, ok := key.(*rsa.PublicKey)
		if !ok {
			return errKeyTypeMismatch
		}
		if len(sig) != pub.Size() {
			return errSignature
		}
		if rsa.VerifyPKCS1v15(pub, alg.hash, digest(alg.hash, input), sig) != nil {
			return errSignature
		}
		return nil
	case kindEC:
		pub, ok := key.(*ecdsa.PublicKey)
		if !ok || pub.Curve != alg.curve {
			return errKeyTypeMismatch
		}
		size := (pub.Curve.Params().BitSize + 7) / 8
		if len(sig) != 2*size {
			return errSignature
		}
		r := new(big.Int).SetBytes(sig[:size])
		s := new(big.Int).SetBytes(sig[size:])
		if !ecdsa.Verify(pub, digest(alg.hash, input), r, s) {
			return errSignature
		}
		return nil
	}
	return errKeyTypeMismatch
}
