package s3gw

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"

	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/sigv4"
)

// readBody reads a body the gateway must understand before it authorizes
// or answers (DeleteObjects, PutObjectTagging, PutBucketPolicy), at most
// max bytes (tooBig otherwise), and proves it: an aws-chunked body is
// verified chunk by chunk as it is read; a hex x-amz-content-sha256 must
// be the body's digest (S3's XAmzContentSHA256Mismatch otherwise);
// UNSIGNED-PAYLOAD leaves it unsigned, as the client chose.
func (x *exchange) readBody(max int64, tooBig *awserr.Error) ([]byte, error) {
	in := x.in
	if in.chunked == nil && in.length < 0 {
		return nil, awsErr("MissingContentLength", http.StatusLengthRequired,
			"You must provide the Content-Length HTTP header.", "no_content_length")
	}
	if in.length > max {
		return nil, tooBig
	}
	body, err := io.ReadAll(io.LimitReader(exactly(in.body, in.length), max+1))
	if err != nil {
		return nil, x.bodyError(err, awsErr("IncompleteBody", http.StatusBadRequest,
			"You did not provide the number of bytes specified by the Content-Length HTTP header.", "short_body"))
	}
	if int64(len(body)) > max {
		return nil, tooBig
	}
	if in.chunked != nil {
		// Read the final chunk and the trailer: only then is every byte
		// verified.
		if _, err := in.chunked.Read(make([]byte, 1)); err != io.EOF {
			return nil, x.bodyError(err, awsErr("IncompleteBody", http.StatusBadRequest,
				"You did not provide the number of bytes specified by the Content-Length HTTP header.", "chunked_tail"))
		}
	} else if in.claim != sigv4.UnsignedPayload {
		sum := sha256.Sum256(body)
		if hex.EncodeToString(sum[:]) != in.claim {
			return nil, awsErr(sigv4.CodeContentSHA256Mismatch, http.StatusBadRequest,
				"The provided 'x-amz-content-sha256' header does not match what was computed.", "content_sha256_mismatch")
		}
	}
	return body, nil
}

// bytesBody is an outgoing body the gateway holds in memory, signed with
// its own digest.
func bytesBody(b []byte, set http.Header) *outgoing {
	sum := sha256.Sum256(b)
	return &outgoing{body: bytes.NewReader(b), length: int64(len(b)), claim: hex.EncodeToString(sum[:]), set: set}
}
