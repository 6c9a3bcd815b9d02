package sigv4

import (
	"net/http"
)

// S3's texts for the payload-hash header (Amazon S3 API Reference,
// "Common Request Headers": x-amz-content-sha256 "is required for all AWS
// Signature Version 4 requests"). The missing-header message is S3's; the
// invalid-value message is S3's as S3-compatible servers reproduce it.
const (
	msgS3MissingContentSHA256 = "Missing required header for this request: x-amz-content-sha256"
	msgS3BadContentSHA256     = "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, " +
		"STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, " +
		"STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER or a valid sha256 value."
)

// ParseS3Request parses the SigV4 authentication of a request to an S3
// endpoint whose body is streamed on rather than read: the payload hash is
// the client's x-amz-content-sha256 claim, which the receiver of the body
// must check (a hex digest) or which leaves the body unsigned
// (UNSIGNED-PAYLOAD), as on S3. The Authorization header form must carry
// the claim (S3 requires it); a presigned URL without one signs
// UNSIGNED-PAYLOAD. An aws-chunked claim (STREAMING-…) belongs to
// ParseStreamingRequest. The canonical path follows S3's rule when the
// scope's service is "s3" (see appendS3CanonicalURI).
func ParseS3Request(r *http.Request) (*Request, error) {
	if r == nil || r.URL == nil {
		return nil, errMissingAuth()
	}
	claims := r.Header.Values("X-Amz-Content-Sha256")
	if len(claims) == 0 && len(r.Header.Values("Authorization")) > 0 {
		return nil, newError(CodeInvalidRequest, http.StatusBadRequest, msgS3MissingContentSHA256)
	}
	if len(claims) == 1 && claims[0] != UnsignedPayload && !isHexSHA256(claims[0]) {
		return nil, newError(CodeInvalidArgument, http.StatusBadRequest, msgS3BadContentSHA256)
	}
	return parseRequest(r, nil, false)
}
