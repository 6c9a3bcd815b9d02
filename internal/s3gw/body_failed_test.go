package s3gw

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/iotest"
)

// A client body that fails to arrive is IncompleteBody even when the
// backend request failed with another error first (a client half-closing
// after a short body also cancels the request's context).
func TestBodyErrorPrefersTheClientsBody(t *testing.T) {
	fallback := awsErr("ServiceUnavailable", http.StatusServiceUnavailable, "Service is unable to handle request.", "backend_unreachable")
	x := &exchange{}
	body := countingBody{ReadCloser: io.NopCloser(iotest.ErrReader(io.ErrUnexpectedEOF)), n: &x.bytesIn, failed: &x.bodyFailed}
	wantErr(t, x.bodyError(context.Canceled, fallback), "ServiceUnavailable", 503, "Service is unable to handle request.")
	if _, err := body.Read(make([]byte, 1)); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatal(err)
	}
	wantErr(t, x.bodyError(context.Canceled, fallback), "IncompleteBody", 400,
		"You did not provide the number of bytes specified by the Content-Length HTTP header.")

	// The end of a complete body is not a failure.
	y := &exchange{}
	ok := countingBody{ReadCloser: io.NopCloser(strings.NewReader("abc")), n: &y.bytesIn, failed: &y.bodyFailed}
	if b, err := io.ReadAll(ok); err != nil || string(b) != "abc" || y.bytesIn.Load() != 3 {
		t.Fatalf("%q %v %d", b, err, y.bytesIn.Load())
	}
	wantErr(t, y.bodyError(context.Canceled, fallback), "ServiceUnavailable", 503, "")
}
