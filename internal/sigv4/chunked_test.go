package sigv4

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"hash/crc64"
	"io"
	"net/http"
	"os"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

// awsStreamingExample is one worked example of testdata/chunked/aws-sigv4-streaming.json.
type awsStreamingExample struct {
	Name             string      `json:"name"`
	Source           string      `json:"source"`
	Secret           string      `json:"secret_access_key"`
	Method           string      `json:"method"`
	Path             string      `json:"path"`
	Headers          [][2]string `json:"headers"`
	DataByte         string      `json:"data_byte"`
	ChunkSizes       []int       `json:"chunk_sizes"`
	Seed             string      `json:"seed_signature"`
	ChunkSignatures  []string    `json:"chunk_signatures"`
	Trailer          string      `json:"trailer"`
	TrailerSignature string      `json:"trailer_signature"`
}

func loadAWSStreamingExamples(t testing.TB) []awsStreamingExample {
	t.Helper()
	raw, err := os.ReadFile("testdata/chunked/aws-sigv4-streaming.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Examples []awsStreamingExample `json:"examples"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Examples) != 2 {
		t.Fatalf("want 2 AWS examples, got %d", len(doc.Examples))
	}
	return doc.Examples
}

// wireRequest serializes a request onto the wire and reads it back with
// net/http's server-side parser, as a handler sees it. The body is not read.
func wireRequest(t testing.TB, method, path string, headers [][2]string, body []byte) *http.Request {
	t.Helper()
	var raw bytes.Buffer
	raw.WriteString(method + " " + path + " HTTP/1.1\r\n")
	length := false
	for _, h := range headers {
		raw.WriteString(h[0] + ": " + h[1] + "\r\n")
		length = length || strings.EqualFold(h[0], "Content-Length")
	}
	if !length && len(body) > 0 {
		// The client sent Transfer-Encoding: chunked, which net/http does
		// not keep in the header map; frame the replay by length.
		fmt.Fprintf(&raw, "Content-Length: %d\r\n", len(body))
	}
	raw.WriteString("\r\n")
	raw.Write(body)
	r, err := http.ReadRequest(bufio.NewReader(&raw))
	if err != nil {
		t.Fatalf("ReadRequest: %v", err)
	}
	return r
}

var awsExampleTime = time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC)

// awsSeedRequest parses the first AWS example's request: a *Request whose
// seed signature AWS published, used to chain test streams.
func awsSeedRequest(t testing.TB) (*Request, [32]byte) {
	t.Helper()
	ex := loadAWSStreamingExamples(t)[0]
	r := wireRequest(t, ex.Method, ex.Path, ex.Headers, nil)
	req, c, err := ParseStreamingRequest(r)
	if err != nil {
		t.Fatalf("ParseStreamingRequest: %v", err)
	}
	if c.Mode != StreamingSignedPayload || c.DecodedLength != 66560 || c.Trailer != "" {
		t.Fatalf("chunked params = %+v", c)
	}
	return req, SigningKey(ex.Secret, req.Scope)
}

// --- a test-only aws-chunked encoder (an oracle independent of chunked.go) ---

type testEncoder struct {
	key     [32]byte
	amzDate string
	scope   string
	prev    string
}

func newTestEncoder(req *Request, key [32]byte) *testEncoder {
	return &testEncoder{key: key, amzDate: req.amzDate, scope: req.Scope.String(), prev: req.signature}
}

func (e *testEncoder) sign(sts string) string {
	m := hmac.New(sha256.New, e.key[:])
	m.Write([]byte(sts))
	e.prev = hex.EncodeToString(m.Sum(nil))
	return e.prev
}

func (e *testEncoder) chunkSignature(data []byte) string {
	h := sha256.Sum256(data)
	empty := sha256.Sum256(nil)
	return e.sign("AWS4-HMAC-SHA256-PAYLOAD\n" + e.amzDate + "\n" + e.scope + "\n" + e.prev + "\n" +
		hex.EncodeToString(empty[:]) + "\n" + hex.EncodeToString(h[:]))
}

func (e *testEncoder) trailerSignature(trailers string) string {
	h := sha256.Sum256([]byte(trailers))
	return e.sign("AWS4-HMAC-SHA256-TRAILER\n" + e.amzDate + "\n" + e.scope + "\n" + e.prev + "\n" + hex.EncodeToString(h[:]))
}

// testChecksum computes an S3 checksum with the standard library directly.
func testChecksum(t testing.TB, header string, data []byte) string {
	t.Helper()
	var h hash.Hash
	switch header {
	case "x-amz-checksum-crc32":
		h = crc32.NewIEEE()
	case "x-amz-checksum-crc32c":
		h = crc32.New(crc32.MakeTable(crc32.Castagnoli))
	case "x-amz-checksum-crc64nvme":
		h = crc64.New(crc64.MakeTable(0x9a6c9329ac4bc9b5))
	case "x-amz-checksum-sha1":
		h = sha1.New()
	case "x-amz-checksum-sha256":
		h = sha256.New()
	default:
		t.Fatalf("no checksum %q", header)
	}
	h.Write(data)
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// encodeChunked frames data in chunks of the given sizes (the final empty
// chunk is added), signing them in the signed modes, and appends trailer
// ("name:value", "" for none) with its signature in the signed-trailer mode.
func encodeChunked(t testing.TB, mode string, req *Request, key [32]byte, data []byte, sizes []int, trailer string) []byte {
	t.Helper()
	e := newTestEncoder(req, key)
	signed := mode != StreamingUnsignedPayloadTrailer
	var b bytes.Buffer
	off := 0
	for _, n := range append(append([]int(nil), sizes...), 0) {
		chunk := data[off : off+n]
		off += n
		fmt.Fprintf(&b, "%x", n)
		if signed {
			b.WriteString(";chunk-signature=" + e.chunkSignature(chunk))
		}
		b.WriteString("\r\n")
		if n > 0 {
			b.Write(chunk)
			b.WriteString("\r\n")
		}
	}
	if off != len(data) {
		t.Fatalf("sizes cover %d of %d bytes", off, len(data))
	}
	if trailer != "" {
		b.WriteString(trailer + "\r\n")
	}
	if mode == StreamingSignedPayloadTrailer {
		lines := ""
		if trailer != "" {
			lines = trailer + "\n"
		}
		b.WriteString("x-amz-trailer-signature:" + e.trailerSignature(lines) + "\r\n")
	}
	b.WriteString("\r\n")
	return b.Bytes()
}

// testData returns n deterministic bytes (the generator of testdata/chunked/capture).
func testData(n int, seed byte) []byte {
	d := make([]byte, n)
	x := uint32(seed) + 1
	for i := range d {
		x = x*1664525 + 1013904223
		d[i] = byte(x >> 24)
	}
	return d
}

// readChunked decodes body through a ChunkedReader with reads of readSize
// bytes, returning what Read handed out and the first error (nil at EOF).
func readChunked(t testing.TB, body io.Reader, req *Request, c Chunked, key [32]byte, readSize int) ([]byte, error) {
	t.Helper()
	cr, err := NewChunkedReader(body, req, c, key)
	if err != nil {
		t.Fatalf("NewChunkedReader: %v", err)
	}
	var out []byte
	p := make([]byte, readSize)
	for {
		n, err := cr.Read(p)
		if n < 0 || n > len(p) {
			t.Fatalf("Read returned n=%d for len(p)=%d", n, len(p))
		}
		out = append(out, p[:n]...)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			if n != 0 {
				t.Fatalf("Read returned %d bytes with error %v", n, err)
			}
			// The error is sticky and nothing more comes out.
			if n2, err2 := cr.Read(p); n2 != 0 || err2 != err {
				t.Fatalf("after %v, Read returned %d, %v", err, n2, err2)
			}
			return out, err
		}
		if len(out) > int(c.DecodedLength) {
			t.Fatalf("Read returned %d bytes, more than the decoded length %d", len(out), c.DecodedLength)
		}
	}
}

// --- known answers ---

func TestChunkedAWSSeedSignature(t *testing.T) {
	ex := loadAWSStreamingExamples(t)[0]
	req, _ := awsSeedRequest(t)
	v := &Verifier{Now: func() time.Time { return awsExampleTime }, Services: []string{"s3"}}
	if err := v.Verify(req, ex.Secret); err != nil {
		t.Fatalf("AWS's seed signature does not verify: %v", err)
	}
	if req.signature != ex.Seed {
		t.Fatalf("seed = %s", req.signature)
	}
	// The mode string is the signed payload hash: another mode does not verify.
	headers := append([][2]string(nil), ex.Headers...)
	for i := range headers {
		if headers[i][0] == "x-amz-content-sha256" {
			headers[i][1] = StreamingUnsignedPayloadTrailer
		}
	}
	other, _, err := ParseStreamingRequest(wireRequest(t, ex.Method, ex.Path, headers, nil))
	if err != nil {
		t.Fatal(err)
	}
	assertError(t, "other mode", v.Verify(other, ex.Secret), CodeSignatureDoesNotMatch, 403, msgSignatureMismatch)
}

func TestChunkedAWSExamples(t *testing.T) {
	exs := loadAWSStreamingExamples(t)
	seedReq, _ := awsSeedRequest(t)
	for _, ex := range exs {
		t.Run(ex.Name, func(t *testing.T) {
			req := *seedReq
			req.signature = ex.Seed
			key := SigningKey(ex.Secret, req.Scope)
			data := bytes.Repeat([]byte(ex.DataByte), 66560)

			// The body exactly as the page lays it out, signatures as published.
			var body bytes.Buffer
			off := 0
			for i, n := range ex.ChunkSizes {
				fmt.Fprintf(&body, "%x;chunk-signature=%s\r\n", n, ex.ChunkSignatures[i])
				if n > 0 {
					body.Write(data[off : off+n])
					body.WriteString("\r\n")
					off += n
				}
			}
			c := Chunked{Mode: ex.Name, DecodedLength: int64(len(data))}
			wantLen := 66824
			if ex.Trailer != "" {
				body.WriteString(ex.Trailer + "\r\n")
				body.WriteString("x-amz-trailer-signature:" + ex.TrailerSignature + "\r\n")
				c.Trailer, _, _ = strings.Cut(ex.Trailer, ":")
				wantLen = 66946
			}
			body.WriteString("\r\n")
			if body.Len() != wantLen {
				t.Fatalf("body is %d bytes, the example's Content-Length is %d", body.Len(), wantLen)
			}

			// Our test encoder reproduces every published signature.
			trailerLine := ex.Trailer
			if enc := encodeChunked(t, ex.Name, &req, key, data, ex.ChunkSizes[:2], trailerLine); !bytes.Equal(enc, body.Bytes()) {
				t.Fatal("the test encoder does not reproduce AWS's example")
			}
			if ex.Trailer != "" {
				if got := testChecksum(t, c.Trailer, data); "x-amz-checksum-crc32c:"+got != ex.Trailer {
					t.Fatalf("CRC32C of the example = %s", got)
				}
			}

			for _, size := range []int{1, 7, 4096, 1 << 20} {
				out, err := readChunked(t, bytes.NewReader(body.Bytes()), &req, c, key, size)
				if err != nil || !bytes.Equal(out, data) {
					t.Fatalf("read size %d: %d bytes, %v", size, len(out), err)
				}
			}
			out, err := readChunked(t, iotest.OneByteReader(bytes.NewReader(body.Bytes())), &req, c, key, 3)
			if err != nil || !bytes.Equal(out, data) {
				t.Fatalf("one-byte source: %d bytes, %v", len(out), err)
			}

			// A published signature with one digit changed fails at that chunk.
			for i, sig := range ex.ChunkSignatures {
				bad := bytes.Replace(body.Bytes(), []byte(sig), []byte(flipHexDigit(sig)), 1)
				out, err := readChunked(t, bytes.NewReader(bad), &req, c, key, 4096)
				assertError(t, fmt.Sprintf("chunk %d", i+1), err, CodeSignatureDoesNotMatch, 403, msgS3SignatureMismatch)
				if limit := min(65536*i, len(data)-1); len(out) > limit {
					t.Fatalf("chunk %d: %d bytes returned, at most %d verified", i+1, len(out), limit)
				}
			}
			// The wrong signing key fails at the first chunk.
			wrong := SigningKey("not-the-secret", req.Scope)
			out, err = readChunked(t, bytes.NewReader(body.Bytes()), &req, c, wrong, 4096)
			assertError(t, "wrong key", err, CodeSignatureDoesNotMatch, 403, msgS3SignatureMismatch)
			if len(out) != 0 {
				t.Fatalf("wrong key: %d bytes returned", len(out))
			}
		})
	}
}

func flipHexDigit(s string) string {
	b := []byte(s)
	if b[10] == '0' {
		b[10] = '1'
	} else {
		b[10] = '0'
	}
	return string(b)
}

// CRC-64/NVME's check value (the CRC catalogue: "123456789" → 0xAE8B14860A799888).
func TestCRC64NVMECheckValue(t *testing.T) {
	h := lookupChecksum("x-amz-checksum-crc64nvme").new()
	h.Write([]byte("123456789"))
	if got := binary.BigEndian.Uint64(h.Sum(nil)); got != 0xae8b14860a799888 {
		t.Fatalf("CRC-64/NVME(123456789) = %#x", got)
	}
}

// --- real clients ---

type chunkedCapture struct {
	Client   string      `json:"client"`
	Note     string      `json:"note"`
	Method   string      `json:"method"`
	Path     string      `json:"path"`
	Headers  [][2]string `json:"headers"`
	Body     []byte      `json:"body"`
	DataLen  int         `json:"data_len"`
	DataSeed byte        `json:"data_seed"`
}

const chunkedCaptureSecret = "chunked/test/secret/key/not/real/0000000"

func loadChunkedCaptures(t testing.TB) []chunkedCapture {
	t.Helper()
	var out []chunkedCapture
	for _, f := range []string{"testdata/chunked/aws-sdk-go-v2-s3-1.115.0.jsonl", "testdata/chunked/minio-go-7.4.1.jsonl"} {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for line := range strings.SplitSeq(strings.TrimSpace(string(raw)), "\n") {
			var c chunkedCapture
			if err := json.Unmarshal([]byte(line), &c); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			out = append(out, c)
		}
	}
	return out
}

func (c chunkedCapture) header(name string) string {
	for _, h := range c.Headers {
		if strings.EqualFold(h[0], name) {
			return h[1]
		}
	}
	return ""
}

func TestChunkedCaptures(t *testing.T) {
	modes := map[string]int{}
	trailers := map[string]bool{}
	for _, cp := range loadChunkedCaptures(t) {
		t.Run(cp.Client+"/"+cp.Note, func(t *testing.T) {
			r := wireRequest(t, cp.Method, cp.Path, cp.Headers, cp.Body)
			req, c, err := ParseStreamingRequest(r)
			if err != nil {
				t.Fatalf("ParseStreamingRequest: %v", err)
			}
			modes[c.Mode]++
			when, _ := time.Parse(amzDateLayout, cp.header("X-Amz-Date"))
			v := &Verifier{Now: func() time.Time { return when }}
			if err := v.Verify(req, chunkedCaptureSecret); err != nil {
				t.Fatalf("seed signature: %v", err)
			}
			key := SigningKey(chunkedCaptureSecret, req.Scope)
			data := testData(cp.DataLen, cp.DataSeed)
			cr, err := NewChunkedReader(r.Body, req, c, key)
			if err != nil {
				t.Fatal(err)
			}
			out, err := io.ReadAll(cr)
			if err != nil || !bytes.Equal(out, data) {
				t.Fatalf("decoded %d bytes (want %d): %v", len(out), len(data), err)
			}
			name, value := cr.Trailer()
			if name != c.Trailer {
				t.Fatalf("Trailer() = %q, declared %q", name, c.Trailer)
			}
			if name != "" {
				trailers[name] = true
				// The SDK's value is what our checksum computes (CRC64NVME included).
				if want := testChecksum(t, name, data); value != want {
					t.Fatalf("trailer %s = %s, want %s", name, value, want)
				}
			}

			// Any flipped data byte is caught: by the chunk signature, or by
			// the checksum trailer in the unsigned mode.
			if cp.DataLen > 0 {
				bad := bytes.Clone(cp.Body)
				i := bytes.Index(bad, data)
				bad[i+len(data)/2] ^= 0x01
				out, err := readChunked(t, bytes.NewReader(bad), req, c, key, 4096)
				switch c.Mode {
				case StreamingUnsignedPayloadTrailer:
					alg := lookupChecksum(c.Trailer)
					assertError(t, "flipped byte", err, CodeBadDigest, 400, "The "+alg.name+" you specified did not match the calculated checksum.")
				default:
					assertError(t, "flipped byte", err, CodeSignatureDoesNotMatch, 403, msgS3SignatureMismatch)
				}
				if len(out) >= len(data) {
					t.Fatalf("the whole corrupted object was returned (%d bytes)", len(out))
				}
			}
		})
	}
	if modes[StreamingUnsignedPayloadTrailer] != 10 || modes[StreamingSignedPayload] != 3 {
		t.Fatalf("captured modes = %v", modes)
	}
	if len(trailers) != 5 {
		t.Fatalf("captured trailers = %v", trailers)
	}
}

func TestChunkedSmallChunk(t *testing.T) {
	req, key := awsSeedRequest(t)
	data := testData(30000, 3)
	for _, mode := range []string{StreamingSignedPayload, StreamingUnsignedPayloadTrailer} {
		t.Run(mode, func(t *testing.T) {
			// 10000, then 3 (not the last), then the rest.
			body := encodeChunked(t, mode, req, key, data, []int{10000, 3, 19997}, "")
			c := Chunked{Mode: mode, DecodedLength: int64(len(data))}
			cr, err := NewChunkedReader(bytes.NewReader(body), req, c, key)
			if err != nil {
				t.Fatal(err)
			}
			out, err := io.ReadAll(cr)
			assertError(t, "short chunk", err, CodeInvalidChunkSize, 403, msgChunkTooSmall)
			if len(out) > 10000 {
				t.Fatalf("%d bytes returned, the short chunk's included", len(out))
			}
			if chunk, size := cr.BadChunk(); chunk != 3 || size != 3 {
				t.Fatalf("BadChunk() = %d, %d; S3 reports the chunk after the short one", chunk, size)
			}
			// A short chunk then the end: the data does not add up.
			body = encodeChunked(t, mode, req, key, data[:10003], []int{10000, 3}, "")
			out, err = readChunked(t, bytes.NewReader(body), req, c, key, 4096)
			assertError(t, "short then end", err, CodeIncompleteBody, 400, msgDecodedLengthMismatch)
			if len(out) > 10000 {
				t.Fatalf("%d bytes returned", len(out))
			}
			// Short last chunks are fine, and so is a short single chunk.
			for _, sizes := range [][]int{{10000, 8192, 11808}, {29999, 1}, {30000}} {
				body = encodeChunked(t, mode, req, key, data, sizes, "")
				if out, err := readChunked(t, bytes.NewReader(body), req, c, key, 4096); err != nil || !bytes.Equal(out, data) {
					t.Fatalf("sizes %v: %v", sizes, err)
				}
			}
			small := Chunked{Mode: mode, DecodedLength: 5}
			body = encodeChunked(t, mode, req, key, data[:5], []int{5}, "")
			if out, err := readChunked(t, bytes.NewReader(body), req, small, key, 4096); err != nil || !bytes.Equal(out, data[:5]) {
				t.Fatalf("5-byte object: %v", err)
			}
			empty := Chunked{Mode: mode}
			body = encodeChunked(t, mode, req, key, nil, nil, "")
			if out, err := readChunked(t, bytes.NewReader(body), req, empty, key, 4096); err != nil || len(out) != 0 {
				t.Fatalf("empty object: %v", err)
			}
		})
	}
}

func TestChunkedOversizeSignedChunk(t *testing.T) {
	req, key := awsSeedRequest(t)
	c := Chunked{Mode: StreamingSignedPayload, DecodedLength: 64 << 20}
	// The header announces 16 MiB + 1; nothing is read or allocated for it.
	body := fmt.Sprintf("%x;chunk-signature=%s\r\n", MaxSignedChunkSize+1, strings.Repeat("0", 64))
	cr, err := NewChunkedReader(strings.NewReader(body), req, c, key)
	if err != nil {
		t.Fatal(err)
	}
	n, err := cr.Read(make([]byte, 10))
	assertError(t, "oversize", err, CodeInvalidChunkSize, 403, msgChunkTooLarge)
	if n != 0 {
		t.Fatal(n)
	}
	// A chunk of exactly the maximum, announced but barely sent, costs at
	// most one growth step of memory.
	body = fmt.Sprintf("%x;chunk-signature=%s\r\nabc", MaxSignedChunkSize, strings.Repeat("0", 64))
	cr, _ = NewChunkedReader(strings.NewReader(body), req, c, key)
	_, err = cr.Read(make([]byte, 10))
	assertError(t, "announced, not sent", err, CodeIncompleteBody, 400, msgBodyTerminated)
	// The largest allowed chunk is accepted.
	data := bytes.Repeat([]byte("z"), MaxSignedChunkSize)
	c.DecodedLength = int64(len(data))
	enc := encodeChunked(t, StreamingSignedPayload, req, key, data, []int{len(data)}, "")
	if out, err := readChunked(t, bytes.NewReader(enc), req, c, key, 1<<20); err != nil || len(out) != len(data) {
		t.Fatalf("16 MiB chunk: %d bytes, %v", len(out), err)
	}
}

func TestChunkedMemoryOnAnnouncedChunk(t *testing.T) {
	req, key := awsSeedRequest(t)
	c := Chunked{Mode: StreamingSignedPayload, DecodedLength: MaxSignedChunkSize}
	// A header announcing the largest chunk, then 1,000 bytes: the reader
	// allocates for what arrives (one growth step), not for the announcement.
	body := fmt.Sprintf("%x;chunk-signature=%s\r\n", MaxSignedChunkSize, strings.Repeat("0", 64)) + strings.Repeat("q", 1000)
	cr, _ := NewChunkedReader(strings.NewReader(body), req, c, key)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := cr.Read(make([]byte, 10))
	runtime.ReadMemStats(&after)
	assertError(t, "announced, not sent", err, CodeIncompleteBody, 400, msgBodyTerminated)
	if got := after.TotalAlloc - before.TotalAlloc; got > 2*signedChunkStep {
		t.Fatalf("allocated %d bytes for 1,000 bytes sent", got)
	}
	if cap(cr.buf) != 0 {
		t.Fatalf("buffer kept after failure: %d", cap(cr.buf))
	}
}

func TestChunkedReadErrors(t *testing.T) {
	req, key := awsSeedRequest(t)
	data := testData(20000, 1)
	c := Chunked{Mode: StreamingSignedPayload, DecodedLength: int64(len(data))}
	body := encodeChunked(t, StreamingSignedPayload, req, key, data, []int{12000, 8000}, "")
	// A source that fails mid-body: framing error, no partial chunk out.
	src := io.MultiReader(bytes.NewReader(body[:15000]), iotest.ErrReader(errors.New("connection reset")))
	out, err := readChunked(t, src, req, c, key, 4096)
	assertError(t, "source error", err, CodeIncompleteBody, 400, msgBodyTerminated)
	if len(out) > 12000 {
		t.Fatalf("%d bytes", len(out))
	}
	// Sources that return data with io.EOF, or in halves, decode the same.
	for name, r := range map[string]io.Reader{
		"DataErrReader": iotest.DataErrReader(bytes.NewReader(body)),
		"HalfReader":    iotest.HalfReader(bytes.NewReader(body)),
	} {
		if out, err := readChunked(t, r, req, c, key, 777); err != nil || !bytes.Equal(out, data) {
			t.Fatalf("%s: %v", name, err)
		}
	}
	// iotest.TestReader checks the io.Reader contract on a valid body.
	cr, _ := NewChunkedReader(bytes.NewReader(body), req, c, key)
	if err := iotest.TestReader(cr, data); err != nil {
		t.Fatal(err)
	}
	// An empty Read is harmless.
	cr, _ = NewChunkedReader(bytes.NewReader(body), req, c, key)
	if n, err := cr.Read(nil); n != 0 || err != nil {
		t.Fatal(n, err)
	}
	// Trailer() is empty before the end.
	if name, _ := cr.Trailer(); name != "" {
		t.Fatal(name)
	}
}

func TestNewChunkedReaderRejects(t *testing.T) {
	req, key := awsSeedRequest(t)
	body := strings.NewReader("")
	_, err := NewChunkedReader(body, nil, Chunked{Mode: StreamingSignedPayload}, key)
	assertError(t, "nil request", err, CodeMissingAuthenticationToken, 403, msgMissingAuthToken)
	_, err = NewChunkedReader(body, &Request{}, Chunked{Mode: StreamingSignedPayload}, key)
	assertError(t, "unparsed request", err, CodeMissingAuthenticationToken, 403, msgMissingAuthToken)
	_, err = NewChunkedReader(body, req, Chunked{Mode: UnsignedPayload}, key)
	assertError(t, "not chunked", err, CodeNotImplemented, 501, msgNotImplemented)
	_, err = NewChunkedReader(body, req, Chunked{Mode: StreamingSignedPayload, DecodedLength: -1}, key)
	assertError(t, "negative length", err, CodeInvalidArgument, 400, msgBadDecodedLength)
	_, err = NewChunkedReader(body, req, Chunked{Mode: StreamingSignedPayload, Trailer: "x-amz-checksum-crc32"}, key)
	assertError(t, "trailer without trailer mode", err, CodeInvalidRequest, 400, msgTrailerNotSupported)
	_, err = NewChunkedReader(body, req, Chunked{Mode: StreamingUnsignedPayloadTrailer, Trailer: "x-amz-checksum-md5"}, key)
	assertError(t, "unknown trailer", err, CodeInvalidRequest, 400, msgTrailerNotSupported)
}

func TestParseStreamingRequestRejects(t *testing.T) {
	ex := loadAWSStreamingExamples(t)[0]
	with := func(edit func(h [][2]string) [][2]string) *http.Request {
		h := edit(append([][2]string(nil), ex.Headers...))
		return wireRequest(t, ex.Method, ex.Path, h, nil)
	}
	set := func(name, value string) func([][2]string) [][2]string {
		return func(h [][2]string) [][2]string {
			for i := range h {
				if strings.EqualFold(h[i][0], name) {
					h[i][1] = value
					return h
				}
			}
			return append(h, [2]string{name, value})
		}
	}
	drop := func(name string) func([][2]string) [][2]string {
		return func(h [][2]string) [][2]string {
			out := h[:0]
			for _, kv := range h {
				if !strings.EqualFold(kv[0], name) {
					out = append(out, kv)
				}
			}
			return out
		}
	}
	add := func(name, value string) func([][2]string) [][2]string {
		return func(h [][2]string) [][2]string { return append(h, [2]string{name, value}) }
	}
	cases := []struct {
		name   string
		r      *http.Request
		code   string
		status int
		msg    string
	}{
		{"no decoded length", with(drop("x-amz-decoded-content-length")), CodeMissingContentLength, 411, msgMissingContentLength},
		{"negative decoded length", with(set("x-amz-decoded-content-length", "-1")), CodeInvalidArgument, 400, msgBadDecodedLength},
		{"decoded length with a sign", with(set("x-amz-decoded-content-length", "+5")), CodeInvalidArgument, 400, msgBadDecodedLength},
		{"decoded length in exponent form", with(set("x-amz-decoded-content-length", "1e3")), CodeInvalidArgument, 400, msgBadDecodedLength},
		{"decoded length too large", with(set("x-amz-decoded-content-length", "99999999999999999")), CodeInvalidArgument, 400, msgBadDecodedLength},
		{"two decoded lengths", with(add("x-amz-decoded-content-length", "5")), CodeInvalidArgument, 400, msgBadDecodedLength},
		{"SigV4a streaming", with(set("x-amz-content-sha256", "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD")), CodeNotImplemented, 501, msgNotImplemented},
		{"unknown streaming mode", with(set("x-amz-content-sha256", "STREAMING-FOO")), CodeNotImplemented, 501, msgNotImplemented},
		{"not streaming", with(set("x-amz-content-sha256", UnsignedPayload)), CodeContentSHA256Mismatch, 400, msgContentSHA256},
		{"no payload claim", with(drop("x-amz-content-sha256")), CodeContentSHA256Mismatch, 400, msgContentSHA256},
		{"two payload claims", with(add("x-amz-content-sha256", StreamingSignedPayload)), CodeContentSHA256Mismatch, 400, msgContentSHA256},
		{"trailer in the non-trailer mode", with(add("x-amz-trailer", "x-amz-checksum-crc32")), CodeInvalidRequest, 400, msgTrailerNotSupported},
		{"unknown trailer", func() *http.Request {
			return with(func(h [][2]string) [][2]string {
				return add("x-amz-trailer", "x-amz-meta-foo")(set("x-amz-content-sha256", StreamingUnsignedPayloadTrailer)(h))
			})
		}(), CodeInvalidRequest, 400, msgTrailerNotSupported},
		{"two trailers", func() *http.Request {
			return with(func(h [][2]string) [][2]string {
				return add("x-amz-trailer", "x-amz-checksum-crc32, x-amz-checksum-sha1")(set("x-amz-content-sha256", StreamingUnsignedPayloadTrailer)(h))
			})
		}(), CodeInvalidRequest, 400, msgSingleChecksum},
		{"trailer and checksum header", func() *http.Request {
			return with(func(h [][2]string) [][2]string {
				h = set("x-amz-content-sha256", StreamingUnsignedPayloadTrailer)(h)
				return add("x-amz-checksum-crc32", "AAAAAA==")(add("x-amz-trailer", "x-amz-checksum-crc32")(h))
			})
		}(), CodeInvalidRequest, 400, msgSingleChecksum},
		{"no authorization", with(drop("Authorization")), CodeMissingAuthenticationToken, 403, msgMissingAuthToken},
		{"presigned", wireRequest(t, "PUT", ex.Path+"?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=a%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-SignedHeaders=host&X-Amz-Signature=00",
			[][2]string{{"Host", "s3.amazonaws.com"}, {"x-amz-content-sha256", StreamingSignedPayload}, {"x-amz-decoded-content-length", "1"}}, nil),
			CodeNotImplemented, 501, msgNotImplemented},
		{"malformed authorization", with(set("Authorization", "AWS4-HMAC-SHA256 Credential=x")), CodeIncompleteSignature, 400, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, _, err := ParseStreamingRequest(tc.r)
			if req != nil {
				t.Fatal("a request came back with the error")
			}
			if tc.msg == "" {
				if !IsCode(err, tc.code) {
					t.Fatalf("err = %v, want %s", err, tc.code)
				}
				return
			}
			assertError(t, tc.name, err, tc.code, tc.status, tc.msg)
		})
	}
	if _, _, err := ParseStreamingRequest(nil); !IsCode(err, CodeMissingAuthenticationToken) {
		t.Fatal(err)
	}
	// Accepted trailer spellings: case and spaces are normalized.
	r := with(func(h [][2]string) [][2]string {
		return add("X-Amz-Trailer", " X-Amz-Checksum-CRC64NVME ")(set("x-amz-content-sha256", StreamingUnsignedPayloadTrailer)(h))
	})
	if _, c, err := ParseStreamingRequest(r); err != nil || c.Trailer != "x-amz-checksum-crc64nvme" || c.Mode != StreamingUnsignedPayloadTrailer {
		t.Fatalf("%+v, %v", c, err)
	}
}

func TestIsStreamingPayload(t *testing.T) {
	for claim, want := range map[string]bool{
		StreamingSignedPayload: true, StreamingUnsignedPayloadTrailer: true, "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD": true,
		UnsignedPayload: false, hexSHA256Empty: false, "": false, "streaming-unsigned-payload-trailer": false,
	} {
		if IsStreamingPayload(claim) != want {
			t.Errorf("IsStreamingPayload(%q) != %t", claim, want)
		}
	}
}
