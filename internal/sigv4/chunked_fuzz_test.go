package sigv4

import (
	"bytes"
	"io"
	"net/http"
	"testing"
)

var fuzzChunkedModes = []string{StreamingSignedPayload, StreamingSignedPayloadTrailer, StreamingUnsignedPayloadTrailer}

var fuzzChunkedTrailers = []string{"", "x-amz-checksum-crc32", "x-amz-checksum-crc32c", "x-amz-checksum-crc64nvme", "x-amz-checksum-sha1", "x-amz-checksum-sha256"}

// FuzzChunkedReader feeds arbitrary aws-chunked bodies, declared lengths,
// trailers and read sizes to ChunkedReader. It must never panic; it never
// returns more bytes than the declared length or than the body holds, nor a
// byte with an error; it fails only with an *Error carrying one of S3's
// statuses; its buffer stays within MaxSignedChunkSize; and when it
// succeeds in the unsigned mode the trailer it reports is the checksum of
// what it returned.
func FuzzChunkedReader(f *testing.F) {
	req, key := awsSeedRequest(f)
	data := testData(9000, 5)
	for mi, mode := range fuzzChunkedModes {
		for ti, trailer := range fuzzChunkedTrailers {
			if trailer != "" && mode == StreamingSignedPayload {
				continue
			}
			f.Add(encodeChunked(f, mode, req, key, data, []int{8192, 808}, trailerLine(f, trailer, data)), uint8(mi), uint8(ti), uint32(len(data)), uint16(100))
			f.Add(encodeChunked(f, mode, req, key, data[:3], []int{3}, trailerLine(f, trailer, data[:3])), uint8(mi), uint8(ti), uint32(3), uint16(1))
			f.Add(encodeChunked(f, mode, req, key, nil, nil, trailerLine(f, trailer, nil)), uint8(mi), uint8(ti), uint32(0), uint16(7))
		}
	}
	f.Add([]byte("ffffffffffffffff;chunk-signature=0000000000000000000000000000000000000000000000000000000000000000\r\n"), uint8(0), uint8(0), uint32(1<<31), uint16(4096))
	f.Add([]byte("1000000\r\n"), uint8(2), uint8(0), uint32(1<<30), uint16(4096))
	f.Add([]byte("0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n"), uint8(2), uint8(1), uint32(0), uint16(1))
	f.Add([]byte("0\r\n\r\n\r\n"), uint8(2), uint8(0), uint32(0), uint16(1))

	f.Fuzz(func(t *testing.T, body []byte, modeSel, trailerSel uint8, decoded uint32, readSize uint16) {
		c := Chunked{
			Mode:          fuzzChunkedModes[int(modeSel)%len(fuzzChunkedModes)],
			DecodedLength: int64(decoded),
			Trailer:       fuzzChunkedTrailers[int(trailerSel)%len(fuzzChunkedTrailers)],
		}
		cr, err := NewChunkedReader(bytes.NewReader(body), req, c, key)
		if err != nil {
			if c.Mode == StreamingSignedPayload && c.Trailer != "" && IsCode(err, CodeInvalidRequest) {
				return
			}
			t.Fatalf("NewChunkedReader(%+v): %v", c, err)
		}
		p := make([]byte, int(readSize)%(1<<14)+1)
		var out []byte
		for {
			n, err := cr.Read(p)
			if n < 0 || n > len(p) {
				t.Fatalf("Read returned %d for %d", n, len(p))
			}
			out = append(out, p[:n]...)
			if int64(len(out)) > c.DecodedLength || len(out) > len(body) {
				t.Fatalf("%d bytes out of a %d-byte body declared %d", len(out), len(body), c.DecodedLength)
			}
			if cap(cr.buf) > MaxSignedChunkSize {
				t.Fatalf("buffer of %d bytes", cap(cr.buf))
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				e, ok := err.(*Error)
				if !ok || n != 0 || e.Code == "" || e.Message == "" {
					t.Fatalf("Read: %d, %#v", n, err)
				}
				switch e.Status {
				case http.StatusBadRequest, http.StatusForbidden:
				default:
					t.Fatalf("status %d for %v", e.Status, e)
				}
				if int64(len(out)) == c.DecodedLength && c.DecodedLength > 0 {
					t.Fatalf("the whole object came out before %v", e)
				}
				return
			}
		}
		if int64(len(out)) != c.DecodedLength {
			t.Fatalf("EOF after %d bytes, declared %d", len(out), c.DecodedLength)
		}
		name, value := cr.Trailer()
		if name != c.Trailer {
			t.Fatalf("Trailer() = %q, declared %q", name, c.Trailer)
		}
		if name != "" && value != testChecksum(t, name, out) {
			t.Fatalf("trailer %s:%s is not the checksum of the %d bytes returned", name, value, len(out))
		}
	})
}

// trailerLine is the trailer line for data, or "" when no trailer is declared.
func trailerLine(t testing.TB, trailer string, data []byte) string {
	if trailer == "" {
		return ""
	}
	return trailer + ":" + testChecksum(t, trailer, data)
}
