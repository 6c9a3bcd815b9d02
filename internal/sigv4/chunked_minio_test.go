package sigv4

import (
	"bytes"
	"strings"
	"testing"
)

// minio-go (pkg/signer, v7.4.1) ends its checksum trailer with LF then
// CRLF, "x-amz-checksum-crc32:…\n\r\n", in both trailer modes; S3 accepts
// it, so the reader does too: the same data and verified trailer as the
// CRLF form. Everything else about the line stays strict.
func TestChunkedMinioGoTrailerFraming(t *testing.T) {
	req, key := awsSeedRequest(t)
	data := testData(24000, 9)
	crc := "x-amz-checksum-crc32:" + testChecksum(t, "x-amz-checksum-crc32", data)
	minioForm := func(b []byte) []byte {
		if !bytes.Contains(b, []byte(crc+"\r\n")) {
			t.Fatalf("no trailer line in %q", b[len(b)-200:])
		}
		return bytes.Replace(b, []byte(crc+"\r\n"), []byte(crc+"\n\r\n"), 1)
	}
	for _, mode := range []string{StreamingSignedPayloadTrailer, StreamingUnsignedPayloadTrailer} {
		t.Run(mode, func(t *testing.T) {
			c := Chunked{Mode: mode, DecodedLength: int64(len(data)), Trailer: "x-amz-checksum-crc32"}
			body := minioForm(encodeChunked(t, mode, req, key, data, []int{10000, 9000, 5000}, crc))
			for _, size := range []int{1, 333, 1 << 16} {
				out, err := readChunked(t, bytes.NewReader(body), req, c, key, size)
				if err != nil || !bytes.Equal(out, data) {
					t.Fatalf("read size %d: %d bytes, %v", size, len(out), err)
				}
			}
			cr, err := NewChunkedReader(bytes.NewReader(body), req, c, key)
			if err != nil {
				t.Fatal(err)
			}
			var sink bytes.Buffer
			if _, err := sink.ReadFrom(cr); err != nil {
				t.Fatal(err)
			}
			if name, value := cr.Trailer(); name+":"+value != crc {
				t.Fatalf("trailer %s:%s, want %s", name, value, crc)
			}
		})
	}

	signedBody := func() []byte {
		return minioForm(encodeChunked(t, StreamingSignedPayloadTrailer, req, key, data, []int{10000, 9000, 5000}, crc))
	}
	signed := Chunked{Mode: StreamingSignedPayloadTrailer, DecodedLength: int64(len(data)), Trailer: "x-amz-checksum-crc32"}
	for _, tc := range []struct {
		name   string
		body   []byte
		code   string
		status int
		msg    string
	}{
		// The signature still covers the checksum.
		{"checksum changed", bytes.Replace(signedBody(), []byte(crc), []byte("x-amz-checksum-crc32:AAAAAA=="), 1),
			CodeSignatureDoesNotMatch, 403, msgS3SignatureMismatch},
		// An LF alone (no CRLF after it) is framing, as before.
		{"LF alone", bytes.Replace(signedBody(), []byte(crc+"\n\r\n"), []byte(crc+"\n"), 1),
			CodeIncompleteBody, 400, msgBodyTerminated},
		// LF then CRLF ends a trailing header, never an empty line.
		{"empty line in the LF form", bytes.Replace(signedBody(), []byte(crc+"\n\r\n"), []byte(crc+"\r\n\n\r\n"), 1),
			CodeMalformedTrailer, 400, msgMalformedTrailer},
		// The signature line keeps its CRLF: LF CRLF there is the same
		// line, and the body then lacks its final empty line.
		{"signature line in the LF form", func() []byte {
			b := signedBody()
			return append(b[:len(b)-4:len(b)-4], "\n\r\n"...)
		}(), CodeMalformedTrailer, 400, msgMalformedTrailer},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if strings.Count(string(tc.body), "x-amz-trailer-signature:") != 1 {
				t.Fatal("the case lost its signature line")
			}
			_, err := readChunked(t, bytes.NewReader(tc.body), req, signed, key, 333)
			assertError(t, tc.name, err, tc.code, tc.status, tc.msg)
		})
	}
}
