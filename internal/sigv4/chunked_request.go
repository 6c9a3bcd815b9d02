package sigv4

import (
	"net/http"
	"strconv"
	"strings"
)

// Chunked describes an aws-chunked body, as its request headers declare it.
type Chunked struct {
	// Mode is one of the Streaming* constants (x-amz-content-sha256).
	Mode string
	// DecodedLength is x-amz-decoded-content-length: the data bytes once
	// the framing is removed.
	DecodedLength int64
	// Trailer is the checksum trailer declared in x-amz-trailer
	// (lower-case, e.g. "x-amz-checksum-crc32"), or "" when none is.
	Trailer string
}

func (c Chunked) signed() bool {
	return c.Mode == StreamingSignedPayload || c.Mode == StreamingSignedPayloadTrailer
}

// IsStreamingPayload reports whether an x-amz-content-sha256 value names an
// aws-chunked mode, supported or not; such a request goes to
// ParseStreamingRequest rather than ParseRequest.
func IsStreamingPayload(claim string) bool {
	return strings.HasPrefix(claim, "STREAMING-")
}

// ParseStreamingRequest parses the SigV4 authentication of a request whose
// body is aws-chunked, without reading the body. The seed signature (the
// Authorization header's) signs the headers with the mode string as the
// payload hash; verify it with Verifier.Verify or VerifyWithSigningKey
// before reading the body through NewChunkedReader. Only the Authorization
// header form carries chunked uploads; SigV4a (ECDSA) modes are refused with
// NotImplemented.
func ParseStreamingRequest(r *http.Request) (*Request, Chunked, error) {
	var c Chunked
	if r == nil || r.URL == nil {
		return nil, c, errMissingAuth()
	}
	claims := r.Header.Values("X-Amz-Content-Sha256")
	if len(claims) != 1 {
		return nil, c, newError(CodeContentSHA256Mismatch, http.StatusBadRequest, msgContentSHA256)
	}
	switch claims[0] {
	case StreamingSignedPayload, StreamingSignedPayloadTrailer, StreamingUnsignedPayloadTrailer:
		c.Mode = claims[0]
	default:
		if IsStreamingPayload(claims[0]) {
			return nil, c, newError(CodeNotImplemented, http.StatusNotImplemented, msgNotImplemented)
		}
		return nil, c, newError(CodeContentSHA256Mismatch, http.StatusBadRequest, msgContentSHA256)
	}
	if len(r.Header.Values("Authorization")) == 0 {
		// A presigned URL cannot carry the chunk chain's seed (the
		// signature is in the query); S3 documents chunked uploads for the
		// Authorization header only.
		params, qerr := parseQuery(r.URL.RawQuery)
		if qerr != nil {
			return nil, c, qerr
		}
		if _, presigned := lookup(params, paramAlgorithm); presigned {
			return nil, c, newError(CodeNotImplemented, http.StatusNotImplemented, msgNotImplemented)
		}
		return nil, c, errMissingAuth()
	}
	n, err := parseDecodedLength(r.Header.Values("X-Amz-Decoded-Content-Length"))
	if err != nil {
		return nil, c, err
	}
	c.DecodedLength = n
	if c.Trailer, err = parseTrailerHeader(r.Header, c.Mode); err != nil {
		return nil, c, err
	}

	// Parse with every check ParseRequest applies, the payload claim
	// standing in as a well-formed hash; then hash the canonical request
	// again with the claim the client signed: the mode string.
	shadow := *r
	shadow.Header = r.Header.Clone()
	shadow.Header.Set("X-Amz-Content-Sha256", hexSHA256Empty)
	req, perr := parseRequest(&shadow, nil, false)
	if perr != nil {
		return nil, c, perr
	}
	params, qerr := parseQuery(r.URL.RawQuery)
	if qerr != nil {
		return nil, c, qerr
	}
	req.Payload = c.Mode
	req.canonicalHash = canonicalRequestHash(r, params, req, c.Mode)
	return req, c, nil
}

func parseDecodedLength(values []string) (int64, *Error) {
	switch {
	case len(values) == 0:
		return 0, newError(CodeMissingContentLength, http.StatusLengthRequired, msgMissingContentLength)
	case len(values) > 1 || !isDigits(values[0]) || len(values[0]) > 16:
		return 0, newError(CodeInvalidArgument, http.StatusBadRequest, msgBadDecodedLength)
	}
	n, err := strconv.ParseInt(values[0], 10, 64)
	if err != nil || n > maxDecodedLength {
		return 0, newError(CodeInvalidArgument, http.StatusBadRequest, msgBadDecodedLength)
	}
	return n, nil
}

// parseTrailerHeader validates x-amz-trailer: at most one checksum trailer,
// only in a trailer mode, and no x-amz-checksum-* header beside it.
func parseTrailerHeader(h http.Header, mode string) (string, *Error) {
	values := h.Values("X-Amz-Trailer")
	if len(values) == 0 {
		return "", nil
	}
	if mode == StreamingSignedPayload {
		return "", newError(CodeInvalidRequest, http.StatusBadRequest, msgTrailerNotSupported)
	}
	var names []string
	for _, v := range values {
		for name := range strings.SplitSeq(v, ",") {
			if name = strings.ToLower(strings.TrimSpace(name)); name != "" {
				names = append(names, name)
			}
		}
	}
	switch {
	case len(names) == 0:
		return "", nil
	case len(names) > 1:
		return "", newError(CodeInvalidRequest, http.StatusBadRequest, msgSingleChecksum)
	case lookupChecksum(names[0]) == nil:
		return "", newError(CodeInvalidRequest, http.StatusBadRequest, msgTrailerNotSupported)
	}
	for key := range h {
		if strings.HasPrefix(strings.ToLower(key), "x-amz-checksum-") {
			return "", newError(CodeInvalidRequest, http.StatusBadRequest, msgSingleChecksum)
		}
	}
	return names[0], nil
}
