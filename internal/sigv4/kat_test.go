package sigv4

import (
	"net/http/httptest"
	"testing"
	"time"
)

// TestKnownAnswerVectors checks vectors from AWS's published
// SigV4 test suite (example credentials from AWS documentation): an
// implementation-independent known answer.
func TestKnownAnswerVectors(t *testing.T) {
	for _, tc := range []struct{ name, target, signature string }{
		{"get-vanilla", "/", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
		{"get-vanilla-query-order-key-case", "/?Param2=value2&Param1=value1", "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"},
	} {
		r := httptest.NewRequest("GET", "http://example.amazonaws.com"+tc.target, nil)
		r.Header.Set("X-Amz-Date", "20150830T123600Z")
		r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature="+tc.signature)
		req, err := ParseRequest(r, nil)
		if err != nil {
			t.Fatal(err)
		}
		v := &Verifier{Now: func() time.Time { return time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC) }}
		if err := v.Verify(req, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"); err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}
