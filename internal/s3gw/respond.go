package s3gw

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/stsd/stsd/internal/awserr"
)

// newRequestID is an x-amz-request-id: 16 upper-case hex digits, as S3's.
func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return strings.ToUpper(hex.EncodeToString(b[:]))
}

// s3ErrorBody is S3's error document (Amazon S3 API Reference, "Error
// responses", "REST error responses"):
//
//	<Error><Code>NoSuchKey</Code><Message>…</Message><Resource>/b/k</Resource><RequestId>…</RequestId></Error>
type s3ErrorBody struct {
	XMLName      xml.Name `xml:"Error"`
	Code         string   `xml:"Code"`
	Message      string   `xml:"Message"`
	Resource     string   `xml:"Resource,omitempty"`
	RequestID    string   `xml:"RequestId"`
	BadChunkSize string   `xml:"BadChunkSize,omitempty"`
	Chunk        string   `xml:"Chunk,omitempty"`
}

// fail answers err — an *awserr.Error with S3's code, status and message,
// an *iam.Error of the bucket policy operations (answered by
// bucketPolicyAnswers), or any other error as S3's InternalError — as S3's
// XML error document. This is the gateway's one error renderer; the
// backend's own errors pass through forward unchanged. A HEAD answer has
// no body, as on S3.
func (x *exchange) fail(err error) {
	e := s3Error(err)
	if e.Status >= 500 && e.Code == "InternalFailure" {
		e = errInternal(e.Reason, e.Cause)
	}
	if e.Cause != nil || e.Status >= 500 {
		x.g.deps.Logger.Warn("s3 gateway request failed", "request_id", x.id, "code", e.Code,
			"reason", e.Reason, "err", e.Cause)
	}
	x.status, x.answered = e.Status, e
	body := s3ErrorBody{Code: e.Code, Message: e.Message, Resource: x.r.URL.Path, RequestID: x.id}
	if e.Code == "InvalidChunkSizeError" && x.in != nil && x.in.chunked != nil {
		chunk, size := x.in.chunked.BadChunk()
		body.Chunk, body.BadChunkSize = strconv.Itoa(chunk), strconv.FormatInt(size, 10)
	}
	h := x.w.Header()
	h.Set("Content-Type", "application/xml")
	if e.Status == http.StatusMethodNotAllowed {
		h.Set("Allow", "GET, HEAD, PUT, POST, DELETE")
	}
	if x.r.Method == http.MethodHead {
		x.w.WriteHeader(e.Status)
		return
	}
	out, mErr := xml.Marshal(body)
	if mErr != nil {
		out = nil
	}
	out = append([]byte(xml.Header), out...)
	h.Set("Content-Length", strconv.Itoa(len(out)))
	x.w.WriteHeader(e.Status)
	_, _ = x.w.Write(out)
}

// writeXML answers 200 with an XML document the gateway wrote itself.
func (x *exchange) writeXML(v any) {
	out, err := xml.Marshal(v)
	if err != nil {
		x.fail(awserr.InternalFailure(err))
		return
	}
	out = append([]byte(xml.Header), out...)
	h := x.w.Header()
	h.Set("Content-Type", "application/xml")
	h.Set("Content-Length", strconv.Itoa(len(out)))
	x.status = http.StatusOK
	x.w.WriteHeader(http.StatusOK)
	_, _ = x.w.Write(out)
	x.bytesOut = int64(len(out))
}

// finish counts the request and writes its data event.
func (x *exchange) finish(start time.Time) {
	if x.status == 0 {
		x.status = http.StatusOK
	}
	name := "Unknown"
	if x.op != nil {
		name = x.op.Name
	}
	decision := "allowed"
	switch {
	case x.in == nil:
		decision = "unauthenticated"
	case x.denied:
		decision = "denied"
	case x.res.Checks == nil:
		decision = "none"
	}
	x.g.deps.Metrics.observe(name, decision, x.status, x.bytesIn.Load(), x.bytesOut, x.g.deps.Now().Sub(start))
	x.g.record(x, name, decision)
}
