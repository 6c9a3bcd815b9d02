package s3gw

import (
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/stsd/stsd/internal/sigv4"
)

// reframeChunk is the data size of each chunk the gateway sends the
// backend in STREAMING-UNSIGNED-PAYLOAD-TRAILER framing.
const reframeChunk = 64 << 10

// reframe turns a verified aws-chunked upload into what the backend
// gets. Without a checksum trailer the data goes as a plain body of the
// decoded length, UNSIGNED-PAYLOAD (every byte was verified by its chunk
// signature, or is unsigned as the client chose). With one, the data is
// framed again as STREAMING-UNSIGNED-PAYLOAD-TRAILER so the backend
// receives, and stores, the client's checksum; the gateway has already
// compared it with the data when it sends it (ChunkedReader verifies the
// trailer before returning io.EOF). The backend's signature covers the
// headers; the framing carries no chunk signatures.
func reframe(cr *sigv4.ChunkedReader, decoded int64, trailer string) *outgoing {
	size, ok := checksumSize(trailer)
	if !ok {
		return &outgoing{body: exactly(cr, decoded), length: decoded, claim: sigv4.UnsignedPayload}
	}
	e := &chunkEncoder{src: exactly(cr, decoded), cr: cr, left: decoded}
	return &outgoing{
		body:   e,
		length: framedLength(decoded, trailer, size),
		claim:  sigv4.StreamingUnsignedPayloadTrailer,
		set: http.Header{
			"Content-Encoding":             {"aws-chunked"},
			"X-Amz-Decoded-Content-Length": {strconv.FormatInt(decoded, 10)},
			"X-Amz-Trailer":                {trailer},
		},
	}
}

// checksumSize is the digest size of a checksum trailer name.
func checksumSize(trailer string) (int, bool) {
	switch trailer {
	case "x-amz-checksum-crc32", "x-amz-checksum-crc32c":
		return 4, true
	case "x-amz-checksum-crc64nvme":
		return 8, true
	case "x-amz-checksum-sha1":
		return 20, true
	case "x-amz-checksum-sha256":
		return 32, true
	}
	return 0, false
}

// framedLength is the exact byte length of the re-framed body: each chunk
// "hex-size CRLF data CRLF", the final "0 CRLF", the trailer line
// "name:base64 CRLF" and the closing CRLF.
func framedLength(decoded int64, trailer string, digest int) int64 {
	n := int64(0)
	full := decoded / reframeChunk
	n += full * int64(len(strconv.FormatInt(reframeChunk, 16))+2+reframeChunk+2)
	if rest := decoded % reframeChunk; rest > 0 {
		n += int64(len(strconv.FormatInt(rest, 16))) + 2 + rest + 2
	}
	n += 3 // "0\r\n"
	n += int64(len(trailer)+1+base64.StdEncoding.EncodedLen(digest)) + 2
	n += 2
	return n
}

// chunkEncoder frames src for the backend, ending with the verified
// checksum trailer.
type chunkEncoder struct {
	src  io.Reader
	cr   *sigv4.ChunkedReader
	left int64
	pend []byte // framing and data ready to be read
	buf  []byte
	done bool
}

func (e *chunkEncoder) Read(p []byte) (int, error) {
	for len(e.pend) == 0 {
		if e.done {
			return 0, io.EOF
		}
		if err := e.fill(); err != nil {
			return 0, err
		}
	}
	n := copy(p, e.pend)
	e.pend = e.pend[n:]
	return n, nil
}

// fill frames the next chunk, or the last chunk and the trailer.
func (e *chunkEncoder) fill() error {
	if e.left > 0 {
		size := min(e.left, reframeChunk)
		if e.buf == nil {
			e.buf = make([]byte, 0, reframeChunk+32)
		}
		b := strconv.AppendInt(e.buf[:0], size, 16)
		b = append(b, '\r', '\n')
		start := len(b)
		b = b[:start+int(size)]
		if _, err := io.ReadFull(e.src, b[start:]); err != nil {
			return err
		}
		e.left -= size
		e.pend = append(b, '\r', '\n')
		return nil
	}
	// The data is all read; one more read makes the chunked reader verify
	// the final chunk and the trailer.
	if _, err := e.cr.Read(make([]byte, 1)); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	name, value := e.cr.Trailer()
	if name == "" {
		return errShortBody
	}
	e.pend = []byte("0\r\n" + name + ":" + value + "\r\n\r\n")
	e.done = true
	return nil
}
