package sigv4

import (
	"net/http"
	"net/url"
	"testing"
)

// A date before 1970 (year 1 is time's zero value) and a credential without
// an access key id are rejected at parse time (both found by FuzzParseRequest).
func TestParseRejectsZeroDateAndEmptyAccessKey(t *testing.T) {
	for name, c := range map[string]struct{ auth, date, msg string }{
		"year one": {"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/00010101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00", "00010101T000000Z",
			"Date must be in ISO-8601 'basic format'. Got '00010101T000000Z'. See http://en.wikipedia.org/wiki/ISO_8601"},
		"no access key id": {"AWS4-HMAC-SHA256 Credential=/20261122/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00", "20261122T000000Z",
			"Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '/20261122/us-east-1/sts/aws4_request'"},
	} {
		t.Run(name, func(t *testing.T) {
			r := &http.Request{Method: http.MethodPost, URL: &url.URL{Path: "/"}, Host: "sts.example.test", Header: http.Header{}}
			r.Header.Set("Authorization", c.auth)
			r.Header.Set("X-Amz-Date", c.date)
			_, err := ParseRequest(r, nil)
			e, ok := err.(*Error)
			if !ok || e.Code != CodeIncompleteSignature || e.Status != 400 || e.Message != c.msg {
				t.Errorf("got %#v, want IncompleteSignature 400 %q", err, c.msg)
			}
		})
	}
}
