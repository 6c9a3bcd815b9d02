// Package sdkhttp gives tests an *http.Client for aws-sdk-go-v2 clients that
// does not race the SDK's early close of the request body.
//
// smithy-go closes the request body as soon as the transport returns the
// response headers (transport/http/client.go, "HTTP RoundTripper *should*
// close the request body"). When the server answers quickly, net/http's
// write loop can still be finishing the body (its last read checks for EOF);
// that read fails on the closed body, the write loop closes the connection,
// and reading the response body fails with "use of closed network
// connection" although the server answered 200 (aws/aws-sdk-go-v2#1825 and
// #2737; the SDK's answer was to retry net.ErrClosed, which tests with
// RetryMaxAttempts 1 never do). Reading the body into memory before the
// round trip removes the race instead of retrying around it.
package sdkhttp

import (
	"bytes"
	"io"
	"net/http"
	"time"
)

// Client returns a client with its own connection pool whose requests are
// sent from an in-memory copy of their body. A zero timeout means none.
func Client(timeout time.Duration) *http.Client {
	return &http.Client{Transport: Transport(http.DefaultTransport.(*http.Transport).Clone()), Timeout: timeout}
}

// Transport wraps next so that every request body is read fully before the
// round trip.
func Transport(next *http.Transport) http.RoundTripper {
	return bufferedBody{next: next}
}

type bufferedBody struct{ next *http.Transport }

func (b bufferedBody) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return b.next.RoundTrip(r)
	}
	raw, err := io.ReadAll(r.Body)
	_ = r.Body.Close()
	if err != nil {
		return nil, err
	}
	r = r.Clone(r.Context())
	r.Body = io.NopCloser(bytes.NewReader(raw))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(raw)), nil }
	return b.next.RoundTrip(r)
}

// CloseIdleConnections lets (*http.Client).CloseIdleConnections reach the
// wrapped transport.
func (b bufferedBody) CloseIdleConnections() { b.next.CloseIdleConnections() }
