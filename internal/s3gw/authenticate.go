package s3gw

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/stsd/stsd/internal/authn"
	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/downstream"
	"github.com/stsd/stsd/internal/sigv4"
)

// incoming is an authenticated request: who signed it, its parsed
// signature, and the body to read — verified chunk by chunk for an
// aws-chunked upload, the client's bytes otherwise.
type incoming struct {
	caller   *authn.Caller
	sig      *sigv4.Request
	clientIP string
	// body yields the payload's data bytes; length is their number (-1
	// when unknown). For aws-chunked uploads chunked is the verifying
	// reader and length the decoded length.
	body    io.Reader
	length  int64
	chunked *sigv4.ChunkedReader
	// claim is the client's x-amz-content-sha256: a hex digest the
	// backend checks the forwarded body against, UNSIGNED-PAYLOAD, or a
	// STREAMING- mode (the gateway then forwards verified data).
	claim string
}

// authenticate verifies the request's SigV4 signature as S3 does, in every
// payload mode: a hex or UNSIGNED-PAYLOAD claim in the header form, a
// presigned URL, or an aws-chunked upload whose seed signature is checked
// here and whose chunks are checked as the body is read. Every mode takes
// the same steps: the clock and scope first (so a stale request is
// reported before an unknown key, as on AWS), then the caller's signing
// key, then the signature. Errors carry S3's codes and messages.
func (g *Gateway) authenticate(ctx context.Context, r *http.Request) (*incoming, error) {
	in := &incoming{clientIP: downstream.ClientIP(r.RemoteAddr, r.Header.Values("X-Forwarded-For"), g.deps.TrustedProxies)}
	var sig *sigv4.Request
	var chunked sigv4.Chunked
	var err error
	streaming := sigv4.IsStreamingPayload(r.Header.Get("X-Amz-Content-Sha256"))
	if streaming {
		sig, chunked, err = sigv4.ParseStreamingRequest(r)
	} else {
		sig, err = sigv4.ParseS3Request(r)
	}
	if err != nil {
		return nil, s3AuthError(err)
	}
	v := g.deps.Authn.Verifier
	if err := v.Precheck(sig); err != nil {
		return nil, s3AuthError(err)
	}
	caller, key, err := g.deps.Authn.SigningKey(ctx, sig.AccessKeyID, sig.SessionToken, sig.Scope)
	if err != nil {
		return nil, s3AuthError(err)
	}
	if err := v.VerifyWithSigningKey(sig, key); err != nil {
		return nil, s3AuthError(err)
	}
	in.caller, in.sig, in.claim = caller, sig, sig.Payload
	if !streaming {
		in.body, in.length = r.Body, r.ContentLength
		return in, nil
	}
	cr, err := sigv4.NewChunkedReader(r.Body, sig, chunked, key)
	if err != nil {
		return nil, s3AuthError(err)
	}
	in.chunked, in.body, in.length = cr, cr, chunked.DecodedLength
	return in, nil
}

// s3AuthError restates an authentication failure in S3's words (Amazon S3
// API Reference, "Error responses"): S3 names the failures differently
// from STS, whose texts package authn uses.
//   - an unknown, inactive or orphaned access key: InvalidAccessKeyId 403
//     "The AWS Access Key Id you provided does not exist in our records.";
//   - a session token that does not open or does not belong to the key:
//     InvalidToken 400 "The provided token is malformed or otherwise
//     invalid.";
//   - an expired session: ExpiredToken 400 "The provided token has
//     expired.";
//   - a signing time outside 15 minutes: RequestTimeTooSkewed 403 "The
//     difference between the request time and the current time is too
//     large.";
//   - a wrong signature: SignatureDoesNotMatch 403 "The request signature
//     we calculated does not match the signature you provided. Check your
//     key and signing method.";
//   - an expired presigned URL: AccessDenied 403 "Request has expired";
//   - a malformed Authorization header or credential scope:
//     AuthorizationHeaderMalformed 400 with the verifier's explanation,
//     since S3's own texts vary by case.
//
// Everything else (the chunk and payload errors, which already carry S3's
// codes) passes through.
func s3AuthError(err error) *awserr.Error {
	var se *sigv4.Error
	if errors.As(err, &se) {
		switch {
		case se.Skewed:
			return awsErr("RequestTimeTooSkewed", http.StatusForbidden,
				"The difference between the request time and the current time is too large.", "sigv4_skewed")
		case sigv4.IsSignatureMismatch(se):
			return awsErr("SignatureDoesNotMatch", http.StatusForbidden,
				"The request signature we calculated does not match the signature you provided. Check your key and signing method.", "sigv4_mismatch")
		case se.Code == sigv4.CodeSignatureDoesNotMatch, se.Code == sigv4.CodeIncompleteSignature:
			// The credential scope (region, service, terminator, date) or
			// the header's syntax.
			return awsErr("AuthorizationHeaderMalformed", http.StatusBadRequest, "The authorization header is malformed; "+se.Message, "sigv4_malformed")
		case se.Code == sigv4.CodeAccessDenied:
			return awsErr("AccessDenied", http.StatusForbidden, "Request has expired", "presigned_expired")
		case se.Code == sigv4.CodeMissingAuthenticationToken:
			// Anonymous requests are not served: every caller is an IAM
			// user or a role session (docs/s3-gateway.md).
			return errAccessDenied("anonymous")
		}
		return awsErr(se.Code, se.Status, se.Message, "sigv4_"+se.Code)
	}
	e := awserr.As(err)
	switch {
	case e.Reason == "session_expired":
		return awsErr("ExpiredToken", http.StatusBadRequest, "The provided token has expired.", e.Reason)
	case e.Reason == "access_key_unknown" || e.Reason == "access_key_inactive" || e.Reason == "access_key_user_missing" ||
		e.Reason == "session_token_with_long_term_key":
		return awsErr("InvalidAccessKeyId", http.StatusForbidden, "The AWS Access Key Id you provided does not exist in our records.", e.Reason)
	case strings.HasPrefix(e.Reason, "session_token_"):
		return awsErr("InvalidToken", http.StatusBadRequest, "The provided token is malformed or otherwise invalid.", e.Reason)
	}
	return e
}

// errAccessDenied is S3's bare "Access Denied" (an anonymous request).
func errAccessDenied(reason string) *awserr.Error {
	return awsErr("AccessDenied", http.StatusForbidden, "Access Denied", reason)
}
