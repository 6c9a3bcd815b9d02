package sigv4

import (
	"crypto/hmac"
	"encoding/hex"
)

// SigningKey derives SigV4's signing key for one credential scope from a
// secret access key, as the SigV4 specification chains it:
//
//	kDate    = HMAC-SHA256("AWS4" + secret, date)
//	kRegion  = HMAC-SHA256(kDate, region)
//	kService = HMAC-SHA256(kRegion, service)
//	kSigning = HMAC-SHA256(kService, "aws4_request")
//
// The scope's Terminator is ignored: the key is always for aws4_request.
// The key signs every request of that day, region and service and nothing
// else; the secret cannot be recovered from it. The caller validates the
// scope (date format, region and service names).
func SigningKey(secretAccessKey string, scope Scope) [32]byte {
	var key, next [32]byte
	var buf [128]byte
	k := append(buf[:0], "AWS4"...)
	k = append(k, secretAccessKey...)
	hmacSHA256(&key, k, []byte(scope.Date))
	clear(buf[:]) // the secret does not stay on the stack longer than needed
	hmacSHA256(&next, key[:], []byte(scope.Region))
	hmacSHA256(&key, next[:], []byte(scope.Service))
	hmacSHA256(&next, key[:], []byte(Terminator))
	return next
}

// VerifyWithSigningKey is Verify for a caller that holds the request's
// derived signing key (SigningKey for the request's scope) instead of the
// secret access key — a gateway that obtained the key from stsd to check
// aws-chunked uploads itself. It runs Precheck, then recomputes the
// signature with key and compares in constant time. A key for another
// scope does not verify.
func (v *Verifier) VerifyWithSigningKey(req *Request, key [32]byte) error {
	if err := v.Precheck(req); err != nil {
		return err
	}
	var want [64]byte
	req.signWithKey(&key, &want)
	if !hmac.Equal(want[:], []byte(req.signature)) {
		return errMismatch(msgSignatureMismatch)
	}
	return nil
}

// signWithKey writes the lower-case hex signature of req, made with the
// derived signing key, into dst: HMAC(key, string to sign).
func (req *Request) signWithKey(key *[32]byte, dst *[64]byte) {
	var buf [256]byte
	sts := append(buf[:0], Algorithm+"\n"...)
	sts = append(sts, req.amzDate...)
	sts = append(sts, '\n')
	sts = append(sts, req.Scope.String()...)
	sts = append(sts, '\n')
	var hexHash [64]byte
	hex.Encode(hexHash[:], req.canonicalHash[:])
	sts = append(sts, hexHash[:]...)
	var sig [32]byte
	hmacSHA256(&sig, key[:], sts)
	hex.Encode(dst[:], sig[:])
}
