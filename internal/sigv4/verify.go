package sigv4

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// DefaultMaxSkew is AWS's allowed difference between the signing time and the
// server's clock.
const DefaultMaxSkew = 15 * time.Minute

// Verifier checks parsed requests against a clock, the accepted credential
// scopes and a secret access key. The zero value accepts any region and
// service, with a 15-minute skew, against time.Now.
type Verifier struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// MaxSkew is the allowed clock difference; 0 means DefaultMaxSkew.
	MaxSkew time.Duration
	// Regions lists the accepted scope regions; empty accepts any, including "".
	Regions []string
	// Services lists the accepted scope services; empty accepts any. The
	// first one is named in the wrong-service message, so use one Verifier
	// per service when the message matters.
	Services []string
	// EnforcePresignedExpires makes a presigned request expire at
	// X-Amz-Date + X-Amz-Expires (S3 semantics: AccessDenied "Request has
	// expired."). Off by default, because STS ignores X-Amz-Expires and
	// honours a presigned request for MaxSkew around X-Amz-Date; EKS-style
	// tokens signed with X-Amz-Expires=60 are used for up to 15 minutes.
	EnforcePresignedExpires bool
}

func (v *Verifier) now() time.Time {
	if v.Now != nil {
		return v.Now()
	}
	return time.Now()
}

func (v *Verifier) maxSkew() time.Duration {
	if v.MaxSkew > 0 {
		return v.MaxSkew
	}
	return DefaultMaxSkew
}

// Precheck applies every check that needs no secret: the signing time
// against the clock, then the credential scope (region, service, terminator
// and date). Call it before looking up the access key so that, as on AWS,
// an expired or mis-scoped request is reported before an unknown key.
// Verify calls it too.
func (v *Verifier) Precheck(req *Request) error {
	if req == nil || len(req.amzDate) != len(amzDateLayout) {
		return errMissingAuth() // not a Request produced by ParseRequest
	}
	if err := v.checkTime(req); err != nil {
		return err
	}
	if err := v.checkScope(req); err != nil {
		return err
	}
	return nil
}

func (v *Verifier) checkTime(req *Request) *Error {
	now := v.now().UTC().Truncate(time.Second)
	skew := v.maxSkew()
	if req.Presigned && v.EnforcePresignedExpires && req.Expires > 0 && now.After(req.Date.Add(req.Expires)) {
		return newError(CodeAccessDenied, http.StatusForbidden, msgPresignedExpired)
	}
	lateOK := req.Presigned && v.EnforcePresignedExpires && req.Expires > 0
	var err *Error
	if !lateOK && req.Date.Before(now.Add(-skew)) {
		err = errMismatch("Signature expired: " + req.amzDate + " is now earlier than " +
			now.Add(-skew).Format(amzDateLayout) + " (" + now.Format(amzDateLayout) + " - " + skewText(skew) + ".)")
	} else if req.Date.After(now.Add(skew)) {
		err = errMismatch("Signature not yet current: " + req.amzDate + " is still later than " +
			now.Add(skew).Format(amzDateLayout) + " (" + now.Format(amzDateLayout) + " + " + skewText(skew) + ".)")
	}
	if err != nil {
		err.Skewed = true
		return err
	}
	return nil
}

func skewText(d time.Duration) string {
	if d%time.Minute == 0 {
		return strconv.FormatInt(int64(d/time.Minute), 10) + " min"
	}
	return strconv.FormatInt(int64(d/time.Second), 10) + " sec"
}

func (v *Verifier) checkScope(req *Request) *Error {
	var msg string
	s := req.Scope
	if len(v.Regions) > 0 && !slices.Contains(v.Regions, s.Region) {
		msg += "Credential should be scoped to a valid region, not '" + s.Region + "'. "
	}
	if len(v.Services) > 0 && !slices.Contains(v.Services, s.Service) {
		msg += "Credential should be scoped to correct service: '" + v.Services[0] + "'. "
	}
	if s.Terminator != Terminator {
		msg += "Credential should be scoped with a valid terminator: '" + Terminator + "', not '" + s.Terminator + "'. "
	}
	if s.Date != req.amzDate[:8] {
		msg += "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '" +
			s.Date + "' != '" + req.amzDate[:8] + "', from '" + req.amzDate + "'. "
	}
	if msg != "" {
		return errMismatch(msg)
	}
	return nil
}

// Verify runs Precheck and then recomputes the signature with
// secretAccessKey, comparing in constant time. It returns nil or an *Error.
func (v *Verifier) Verify(req *Request, secretAccessKey string) error {
	if err := v.Precheck(req); err != nil {
		return err
	}
	var want [64]byte
	req.computeSignature(secretAccessKey, &want)
	if !hmac.Equal(want[:], []byte(req.signature)) {
		return errMismatch(msgSignatureMismatch)
	}
	return nil
}

// computeSignature writes the lower-case hex signature of req into dst.
func (req *Request) computeSignature(secret string, dst *[64]byte) {
	var key, next [32]byte
	var buf [256]byte
	k := append(buf[:0], "AWS4"...)
	k = append(k, secret...)
	hmacSHA256(&key, k, []byte(req.Scope.Date))
	hmacSHA256(&next, key[:], []byte(req.Scope.Region))
	hmacSHA256(&key, next[:], []byte(req.Scope.Service))
	hmacSHA256(&next, key[:], []byte(req.Scope.Terminator))

	sts := append(buf[:0], Algorithm+"\n"...)
	sts = append(sts, req.amzDate...)
	sts = append(sts, '\n')
	sts = append(sts, req.Scope.Date...)
	sts = append(sts, '/')
	sts = append(sts, req.Scope.Region...)
	sts = append(sts, '/')
	sts = append(sts, req.Scope.Service...)
	sts = append(sts, '/')
	sts = append(sts, req.Scope.Terminator...)
	sts = append(sts, '\n')
	var hexHash [64]byte
	hex.Encode(hexHash[:], req.canonicalHash[:])
	sts = append(sts, hexHash[:]...)
	var sig [32]byte
	hmacSHA256(&sig, next[:], sts)
	hex.Encode(dst[:], sig[:])
}

// hmacSHA256 computes HMAC-SHA256(key, msg) into dst. Short inputs (the
// common case) use stack buffers and sha256.Sum256; longer ones fall back
// to crypto/hmac.
func hmacSHA256(dst *[32]byte, key, msg []byte) {
	const block = sha256.BlockSize
	if len(key) > block || len(msg) > 256 {
		hmacSHA256Slow(dst, key, msg)
		return
	}
	var pad [block + 256]byte
	for i := range block {
		var k byte
		if i < len(key) {
			k = key[i]
		}
		pad[i] = k ^ 0x36
	}
	n := copy(pad[block:], msg)
	inner := sha256.Sum256(pad[:block+n])
	var outer [block + sha256.Size]byte
	for i := range block {
		var k byte
		if i < len(key) {
			k = key[i]
		}
		outer[i] = k ^ 0x5c
	}
	copy(outer[block:], inner[:])
	*dst = sha256.Sum256(outer[:])
}

// hmacSHA256Slow handles long keys and messages with crypto/hmac. It copies
// its inputs so that the fast path's stack buffers do not escape.
func hmacSHA256Slow(dst *[32]byte, key, msg []byte) {
	m := hmac.New(sha256.New, bytes.Clone(key))
	m.Write(bytes.Clone(msg))
	copy(dst[:], m.Sum(nil))
}
