package sigv4

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// --- hostile bodies ---

type hostileCase struct {
	name   string
	mode   string
	body   func(valid []byte) []byte
	c      func(c *Chunked)
	code   string
	status int
	msg    string
	limit  int // Read may have returned at most this many (verified) bytes
	// corrupt: the unsigned mode streams data it cannot check before the
	// trailer, so what came out need not be the data's prefix.
	corrupt bool
}

func TestChunkedHostile(t *testing.T) {
	req, key := awsSeedRequest(t)
	// Three data chunks, each with its own content, so a leaked byte is
	// attributable: [0,10000) [10000,19000) [19000,24000).
	data := testData(24000, 7)
	sizes := []int{10000, 9000, 5000}
	const start2, start3, last = 10000, 19000, 24000 - 1
	encode := func(mode, trailer string) []byte {
		return encodeChunked(t, mode, req, key, data, sizes, trailer)
	}
	crc := "x-amz-checksum-crc32:" + testChecksum(t, "x-amz-checksum-crc32", data)
	replace := func(old, new string) func([]byte) []byte {
		return func(b []byte) []byte {
			if !bytes.Contains(b, []byte(old)) {
				t.Fatalf("%q not in body", old)
			}
			return bytes.Replace(b, []byte(old), []byte(new), 1)
		}
	}
	chunkHeader := func(valid []byte, n int) (int, int) { // offsets of the n-th header line (1-based)
		off := 0
		for i := 1; ; i++ {
			end := bytes.Index(valid[off:], []byte("\r\n")) + off
			if i == n {
				return off, end
			}
			size := 0
			fmt.Sscanf(string(valid[off:end]), "%x", &size)
			off = end + 2 + size
			if size > 0 {
				off += 2
			}
		}
	}
	signed := StreamingSignedPayload
	cases := []hostileCase{
		{name: "corrupted data in chunk 2", mode: signed, body: func(b []byte) []byte {
			_, end := chunkHeader(b, 2)
			b[end+2+100] ^= 0xff
			return b
		}, code: CodeSignatureDoesNotMatch, status: 403, msg: msgS3SignatureMismatch, limit: start2},
		{name: "corrupted signature of chunk 2", mode: signed, body: func(b []byte) []byte {
			_, end := chunkHeader(b, 2)
			b[end-1] = flipHexDigit(string(b[end-64 : end]))[10]
			b[end-64+10] = b[end-1]
			return b
		}, code: CodeSignatureDoesNotMatch, status: 403, msg: msgS3SignatureMismatch, limit: start2},
		{name: "chunks 1 and 2 swapped", mode: signed, body: func(b []byte) []byte {
			s2, _ := chunkHeader(b, 2)
			s3, _ := chunkHeader(b, 3)
			return append(append(append([]byte(nil), b[s2:s3]...), b[:s2]...), b[s3:]...)
		}, code: CodeSignatureDoesNotMatch, status: 403, msg: msgS3SignatureMismatch, limit: 0},
		{name: "chunk 2 replayed in place of chunk 3", mode: signed, body: func(b []byte) []byte {
			s2, _ := chunkHeader(b, 2)
			s3, _ := chunkHeader(b, 3)
			return append(append(append([]byte(nil), b[:s3]...), b[s2:s3]...), b[s3:]...)
		}, c: func(c *Chunked) { c.DecodedLength = 10000 + 9000 + 9000 + 5000 }, code: CodeSignatureDoesNotMatch, status: 403, msg: msgS3SignatureMismatch, limit: start3},
		{name: "final chunk signature wrong", mode: signed, body: func(b []byte) []byte {
			_, end := chunkHeader(b, 4)
			copy(b[end-64:end], flipHexDigit(string(b[end-64:end])))
			return b
		}, code: CodeSignatureDoesNotMatch, status: 403, msg: msgS3SignatureMismatch, limit: last},
		{name: "truncated inside chunk 2", mode: signed, body: func(b []byte) []byte {
			_, end := chunkHeader(b, 2)
			return b[:end+2+500]
		}, code: CodeIncompleteBody, status: 400, msg: msgBodyTerminated, limit: start2},
		{name: "truncated in a chunk header", mode: signed, body: func(b []byte) []byte {
			s, _ := chunkHeader(b, 3)
			return b[:s+10]
		}, code: CodeIncompleteBody, status: 400, msg: msgBodyTerminated, limit: start3},
		{name: "final chunk missing", mode: signed, body: func(b []byte) []byte {
			s, _ := chunkHeader(b, 4)
			return b[:s]
		}, code: CodeIncompleteBody, status: 400, msg: msgBodyTerminated, limit: last},
		{name: "final CRLF missing", mode: signed, body: func(b []byte) []byte { return b[:len(b)-2] },
			code: CodeIncompleteBody, status: 400, msg: msgBodyTerminated, limit: last},
		{name: "bytes after the end", mode: signed, body: func(b []byte) []byte { return append(b, 'x') },
			code: CodeIncompleteBody, status: 400, msg: msgBodyTerminated, limit: last},
		{name: "a second body after the end", mode: signed, body: func(b []byte) []byte { return append(b, b...) },
			code: CodeIncompleteBody, status: 400, msg: msgBodyTerminated, limit: last},
		{name: "chunk data not followed by CRLF", mode: signed, body: func(b []byte) []byte {
			s, _ := chunkHeader(b, 2)
			b[s-2] = 'x'
			return b
		}, code: CodeIncompleteBody, status: 400, msg: msgBodyTerminated, limit: 0},
		{name: "LF alone after a chunk header", mode: signed, body: func(b []byte) []byte {
			_, end := chunkHeader(b, 2)
			return append(append(append([]byte(nil), b[:end]...), '\n'), b[end+2:]...)
		}, code: CodeIncompleteBody, status: 400, msg: msgBodyTerminated, limit: start2},
		{name: "signature extension misspelt", mode: signed, body: replace("2328;chunk-signature=", "2328;chunk-signaturx="),
			code: CodeIncompleteBody, status: 400, msg: msgBodyTerminated, limit: start2},
		{name: "another extension before the signature", mode: signed, body: replace("2328;chunk-signature=", "2328;a=b;chunk-signature="),
			code: CodeIncompleteBody, status: 400, msg: msgBodyTerminated, limit: start2},
		{name: "signature in upper case", mode: signed, body: func(b []byte) []byte {
			_, end := chunkHeader(b, 2)
			copy(b[end-64:end], strings.ToUpper(string(b[end-64:end])))
			return b
		}, code: CodeIncompleteBody, status: 400, msg: msgBodyTerminated, limit: start2},
		{name: "size with a sign", mode: signed, body: replace("2328;", "+2328;"), code: CodeIncompleteBody, status: 400, msg: msgBodyTerminated, limit: start2},
		{name: "size with a space", mode: signed, body: replace("2328;", "2328 ;"), code: CodeIncompleteBody, status: 400, msg: msgBodyTerminated, limit: start2},
		{name: "size with 0x", mode: signed, body: replace("2328;", "0x2328;"), code: CodeIncompleteBody, status: 400, msg: msgBodyTerminated, limit: start2},
		{name: "size not hex", mode: signed, body: replace("2328;", "23g8;"), code: CodeIncompleteBody, status: 400, msg: msgBodyTerminated, limit: start2},
		{name: "size empty", mode: signed, body: replace("2328;", ";"), code: CodeIncompleteBody, status: 400, msg: msgBodyTerminated, limit: start2},
		{name: "size of 17 digits", mode: signed, body: replace("2328;", "00000000000002328;"), code: CodeIncompleteBody, status: 400, msg: msgBodyTerminated, limit: start2},
		{name: "size overflowing 64 bits", mode: signed, body: replace("2328;", "ffffffffffffffff;"), code: CodeIncompleteBody, status: 400, msg: msgDecodedLengthMismatch, limit: start2},
		{name: "header line without end", mode: signed, body: func(b []byte) []byte {
			s, _ := chunkHeader(b, 2)
			return append(b[:s:s], bytes.Repeat([]byte("0"), 10000)...)
		}, code: CodeIncompleteBody, status: 400, msg: msgBodyTerminated, limit: start2},
		{name: "decoded length larger than the data", mode: signed, c: func(c *Chunked) { c.DecodedLength++ },
			code: CodeIncompleteBody, status: 400, msg: msgDecodedLengthMismatch, limit: last + 1},
		{name: "decoded length smaller than the data", mode: signed, c: func(c *Chunked) { c.DecodedLength = start3 + 100 },
			code: CodeIncompleteBody, status: 400, msg: msgDecodedLengthMismatch, limit: start3},
		{name: "decoded length zero", mode: signed, c: func(c *Chunked) { c.DecodedLength = 0 },
			code: CodeIncompleteBody, status: 400, msg: msgDecodedLengthMismatch, limit: 0},
		{name: "trailer in the non-trailer mode", mode: signed, body: func(b []byte) []byte {
			return append(b[:len(b)-2:len(b)-2], []byte(crc+"\r\n\r\n")...)
		}, code: CodeMalformedTrailer, status: 400, msg: msgMalformedTrailer, limit: last},

		// unsigned mode
		{name: "unsigned: corrupted data", mode: StreamingUnsignedPayloadTrailer, body: func(b []byte) []byte {
			b[start3+100] ^= 0x40 // inside chunk 3's data (headers are short)
			return b
		}, code: CodeBadDigest, status: 400, msg: "The CRC32 you specified did not match the calculated checksum.", limit: last, corrupt: true},
		{name: "unsigned: a chunk signature", mode: StreamingUnsignedPayloadTrailer, body: replace("2328\r\n", "2328;chunk-signature="+strings.Repeat("0", 64)+"\r\n"),
			code: CodeIncompleteBody, status: 400, msg: msgBodyTerminated, limit: start2},
		{name: "unsigned: any extension", mode: StreamingUnsignedPayloadTrailer, body: replace("2328\r\n", "2328;x\r\n"),
			code: CodeIncompleteBody, status: 400, msg: msgBodyTerminated, limit: start2},
		{name: "unsigned: trailer not declared", mode: StreamingUnsignedPayloadTrailer, c: func(c *Chunked) { c.Trailer = "x-amz-checksum-crc32c" },
			code: CodeMalformedTrailer, status: 400, msg: msgMalformedTrailer, limit: last},
		{name: "unsigned: trailer sent, none declared", mode: StreamingUnsignedPayloadTrailer, c: func(c *Chunked) { c.Trailer = "" },
			code: CodeMalformedTrailer, status: 400, msg: msgMalformedTrailer, limit: last},
		{name: "unsigned: declared trailer missing", mode: StreamingUnsignedPayloadTrailer, body: replace(crc+"\r\n", ""),
			code: CodeMalformedTrailer, status: 400, msg: msgMalformedTrailer, limit: last},
		{name: "unsigned: trailer twice", mode: StreamingUnsignedPayloadTrailer, body: replace(crc+"\r\n", crc+"\r\n"+crc+"\r\n"),
			code: CodeMalformedTrailer, status: 400, msg: msgMalformedTrailer, limit: last},
		{name: "unsigned: trailer without colon", mode: StreamingUnsignedPayloadTrailer, body: replace("x-amz-checksum-crc32:", "x-amz-checksum-crc32"),
			code: CodeMalformedTrailer, status: 400, msg: msgMalformedTrailer, limit: last},
		{name: "unsigned: trailer name in upper case", mode: StreamingUnsignedPayloadTrailer, body: replace("x-amz-checksum-crc32:", "X-Amz-Checksum-Crc32:"),
			code: CodeMalformedTrailer, status: 400, msg: msgMalformedTrailer, limit: last},
		{name: "unsigned: space before the value", mode: StreamingUnsignedPayloadTrailer, body: replace("x-amz-checksum-crc32:", "x-amz-checksum-crc32: "),
			code: CodeInvalidRequest, status: 400, msg: "Value for x-amz-checksum-crc32 trailing header is invalid.", limit: last},
		{name: "unsigned: checksum not base64", mode: StreamingUnsignedPayloadTrailer, body: replace(crc, "x-amz-checksum-crc32:!!!!!!!!"),
			code: CodeInvalidRequest, status: 400, msg: "Value for x-amz-checksum-crc32 trailing header is invalid.", limit: last},
		{name: "unsigned: checksum of the wrong size", mode: StreamingUnsignedPayloadTrailer, body: replace(crc, "x-amz-checksum-crc32:AAAAAAAA"),
			code: CodeInvalidRequest, status: 400, msg: "Value for x-amz-checksum-crc32 trailing header is invalid.", limit: last},
		{name: "unsigned: trailer signature", mode: StreamingUnsignedPayloadTrailer, body: replace(crc+"\r\n", crc+"\r\nx-amz-trailer-signature:"+strings.Repeat("0", 64)+"\r\n"),
			code: CodeMalformedTrailer, status: 400, msg: msgMalformedTrailer, limit: last},
		{name: "unsigned: endless trailer", mode: StreamingUnsignedPayloadTrailer, body: replace(crc+"\r\n", crc+strings.Repeat("\r\nx-a:b", 1000)+"\r\n"),
			code: CodeMalformedTrailer, status: 400, msg: msgMalformedTrailer, limit: last},
		{name: "unsigned: trailer line too long", mode: StreamingUnsignedPayloadTrailer, body: replace(crc+"\r\n", crc+strings.Repeat("A", 5000)+"\r\n"),
			code: CodeMalformedTrailer, status: 400, msg: msgMalformedTrailer, limit: last},
		// Unsigned chunks are streamed: a truncated body is noticed where it
		// ends, and only the data's last byte is certain to be withheld.
		{name: "unsigned: truncated", mode: StreamingUnsignedPayloadTrailer, body: func(b []byte) []byte { return b[:start2+30] },
			code: CodeIncompleteBody, status: 400, msg: msgBodyTerminated, limit: start2 + 30},
		{name: "unsigned: truncated before the last byte", mode: StreamingUnsignedPayloadTrailer, body: func(b []byte) []byte {
			i := bytes.LastIndex(b, []byte("\r\n0\r\n"))
			return b[:i-1]
		}, code: CodeIncompleteBody, status: 400, msg: msgBodyTerminated, limit: last},
		{name: "unsigned: bytes after the end", mode: StreamingUnsignedPayloadTrailer, body: func(b []byte) []byte { return append(b, "\r\n"...) },
			code: CodeIncompleteBody, status: 400, msg: msgBodyTerminated, limit: last},

		// signed trailer mode
		{name: "signed trailer: checksum changed", mode: StreamingSignedPayloadTrailer, body: replace(crc, "x-amz-checksum-crc32:AAAAAA=="),
			code: CodeSignatureDoesNotMatch, status: 403, msg: msgS3SignatureMismatch, limit: last},
		{name: "signed trailer: signature missing", mode: StreamingSignedPayloadTrailer, body: func(b []byte) []byte {
			i := bytes.Index(b, []byte("x-amz-trailer-signature:"))
			return append(b[:i:i], "\r\n"...)
		}, code: CodeMalformedTrailer, status: 400, msg: msgMalformedTrailer, limit: last},
		{name: "signed trailer: signature before the trailer", mode: StreamingSignedPayloadTrailer, body: func(b []byte) []byte {
			i := bytes.Index(b, []byte("x-amz-trailer-signature:"))
			sig := string(b[i : len(b)-2])
			j := bytes.Index(b, []byte(crc))
			return []byte(string(b[:j]) + sig + crc + "\r\n\r\n")
		}, code: CodeMalformedTrailer, status: 400, msg: msgMalformedTrailer, limit: last},
		{name: "signed trailer: signature of another request", mode: StreamingSignedPayloadTrailer, body: func(b []byte) []byte {
			i := bytes.Index(b, []byte("x-amz-trailer-signature:")) + len("x-amz-trailer-signature:")
			copy(b[i:], flipHexDigit(string(b[i:i+64])))
			return b
		}, code: CodeSignatureDoesNotMatch, status: 403, msg: msgS3SignatureMismatch, limit: last},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			trailer := ""
			c := Chunked{Mode: tc.mode, DecodedLength: int64(len(data))}
			if tc.mode != StreamingSignedPayload {
				trailer, c.Trailer = crc, "x-amz-checksum-crc32"
			}
			body := encode(tc.mode, trailer)
			if tc.body != nil {
				body = tc.body(body)
			}
			if tc.c != nil {
				tc.c(&c)
			}
			for _, size := range []int{1, 333, 1 << 16} {
				out, err := readChunked(t, bytes.NewReader(body), req, c, key, size)
				assertError(t, tc.name, err, tc.code, tc.status, tc.msg)
				if len(out) > tc.limit {
					t.Fatalf("read size %d: %d bytes returned, at most %d may be", size, len(out), tc.limit)
				}
				if !tc.corrupt && !bytes.Equal(out, data[:len(out)]) {
					t.Fatalf("read size %d: returned bytes are not the data's prefix", size)
				}
			}
		})
	}
}
