package sigv4

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// FuzzParseRequest feeds hostile Authorization headers, query strings, dates
// and bodies to ParseRequest and Verify: they must never panic, and every
// failure must be an *Error with a code and a 400/403 status.
func FuzzParseRequest(f *testing.F) {
	for _, c := range loadCaptures(f) {
		auth, date := "", ""
		for _, h := range c.Headers {
			switch strings.ToLower(h[0]) {
			case "authorization":
				auth = h[1]
			case "x-amz-date":
				date = h[1]
			}
		}
		_, query, _ := strings.Cut(c.Path, "?")
		f.Add(auth, query, date, []byte(c.Body))
	}
	f.Add("AWS4-HMAC-SHA256 Credential=a/b/c/d/e/, SignedHeaders=host, Signature=00", "a=%zz", "20261122T000000Z", []byte{})
	f.Add("AWS4-X  ,,= ,Credential", "X-Amz-Algorithm=AWS4-HMAC-SHA256&x-amz-algorithm=1", "", []byte("x"))
	f.Add("", "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=k%2F20261122%2F%2Fsts%2Faws4_request&X-Amz-Date=20261122T000000Z&X-Amz-SignedHeaders=host&X-Amz-Signature=0&X-Amz-Expires=-0", "", []byte{})

	clock := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	v := &Verifier{Now: func() time.Time { return clock }, Regions: []string{"us-east-1"}, Services: []string{"sts"}}
	f.Fuzz(func(t *testing.T, auth, query, date string, body []byte) {
		r := &http.Request{
			Method: http.MethodPost,
			URL:    &url.URL{Path: "/", RawQuery: query},
			Host:   "sts.example.test",
			Header: http.Header{},
		}
		if auth != "" {
			r.Header.Set("Authorization", auth)
		}
		if date != "" {
			r.Header.Set("X-Amz-Date", date)
			r.Header.Set("Date", date)
		}
		r.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
		req, err := ParseRequest(r, body)
		if err != nil {
			checkFuzzError(t, err)
			return
		}
		if req.Date.IsZero() || len(req.SignedHeaders) == 0 {
			t.Fatalf("accepted without date or signed headers: %s", req)
		}
		if err := v.Verify(req, "secret"); err != nil {
			checkFuzzError(t, err)
		}
	})
}

func checkFuzzError(t *testing.T, err error) {
	t.Helper()
	e, ok := err.(*Error)
	if !ok || e == nil || e.Code == "" || e.Message == "" || (e.Status != 400 && e.Status != 403) {
		t.Fatalf("bad error %#v", err)
	}
}
