package s3gw

import (
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net/http"
	"strings"

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
		return nil, errMissingContentLength()
	}
	if in.length > max {
		return nil, tooBig
	}
	body, err := io.ReadAll(io.LimitReader(exactly(in.body, in.length), max+1))
	if err != nil {
		return nil, x.bodyError(err, errIncompleteBody("short_body"))
	}
	if int64(len(body)) > max {
		return nil, tooBig
	}
	if in.chunked != nil {
		// Read the final chunk and the trailer: only then is every byte
		// verified.
		if _, err := in.chunked.Read(make([]byte, 1)); err != io.EOF {
			return nil, x.bodyError(err, errIncompleteBody("chunked_tail"))
		}
	} else if in.claim != sigv4.UnsignedPayload {
		sum := sha256.Sum256(body)
		if hex.EncodeToString(sum[:]) != in.claim {
			return nil, awsErr(sigv4.CodeContentSHA256Mismatch, http.StatusBadRequest,
				"The provided 'x-amz-content-sha256' header does not match what was computed.", "content_sha256_mismatch")
		}
	}
	if err := checkDigests(x.r.Header, body); err != nil {
		return nil, err
	}
	return body, nil
}

// checkDigests checks the body against the digests the client sent in
// headers: Content-MD5 and x-amz-checksum-<algorithm>. S3's answers:
// InvalidDigest 400 "The Content-MD5 you specified is not valid." for a
// value that is not a base64 MD5, BadDigest 400 "The Content-MD5 you
// specified did not match what we received." and "The <ALGORITHM> you
// specified did not match the calculated checksum." for a mismatch
// (S3 API Reference, "Error responses").
func checkDigests(h http.Header, body []byte) error {
	if vs := h.Values("Content-Md5"); len(vs) > 0 {
		want, err := base64.StdEncoding.DecodeString(vs[0])
		if len(vs) > 1 || err != nil || len(want) != md5.Size {
			return awsErr("InvalidDigest", http.StatusBadRequest, "The Content-MD5 you specified is not valid.", "content_md5_invalid")
		}
		if sum := md5.Sum(body); !bytes.Equal(sum[:], want) {
			return awsErr("BadDigest", http.StatusBadRequest, "The Content-MD5 you specified did not match what we received.", "content_md5_mismatch")
		}
	}
	for name, vs := range h {
		lower := strings.ToLower(name)
		if !strings.HasPrefix(lower, "x-amz-checksum-") || lower == "x-amz-checksum-type" || lower == "x-amz-checksum-algorithm" {
			continue
		}
		got, ok := sigv4.ChecksumOf(lower, body)
		if !ok {
			continue // not a checksum S3 defines: the backend decides
		}
		if len(vs) != 1 || vs[0] != got {
			alg := strings.ToUpper(strings.TrimPrefix(lower, "x-amz-checksum-"))
			return awsErr("BadDigest", http.StatusBadRequest, "The "+alg+" you specified did not match the calculated checksum.", "checksum_mismatch")
		}
	}
	return nil
}

// clientDigestHeaders are the headers describing the client's body, which
// a body the gateway re-encodes must not carry.
func isClientDigestHeader(name string) bool {
	lower := strings.ToLower(name)
	return lower == "content-md5" || lower == "x-amz-sdk-checksum-algorithm" ||
		(strings.HasPrefix(lower, "x-amz-checksum-") && lower != "x-amz-checksum-type")
}

// bytesBody is an outgoing body the gateway holds in memory, signed with
// its own digest.
func bytesBody(b []byte, set http.Header) *outgoing {
	sum := sha256.Sum256(b)
	return &outgoing{body: bytes.NewReader(b), length: int64(len(b)), claim: hex.EncodeToString(sum[:]), set: set}
}
