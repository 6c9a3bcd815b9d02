package s3gw

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/awserr"
)

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

const (
	msgNotImplemented = "A header you provided implies functionality that is not implemented."
	msgBadBucket      = "The specified bucket is not valid."
	msgBadCopySource  = "Copy Source must mention the source bucket and key: sourcebucket/sourcekey"
	msgPartNumber     = "Part number must be an integer between 1 and 10000, inclusive"
)

// wantErr asserts S3's exact code, status and message.
func wantErr(t *testing.T, err error, code string, status int, message string) {
	t.Helper()
	var e *awserr.Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v, want %s", err, code)
	}
	if e.Code != code || e.Status != status || (message != "" && e.Message != message) {
		t.Fatalf("err = %s %d %q, want %s %d %q", e.Code, e.Status, e.Message, code, status, message)
	}
}

// TestHostileRequests: every request the table does not name exactly is
// refused with S3's code, status and message — never guessed.
func TestHostileRequests(t *testing.T) {
	long := strings.Repeat("k", maxKeyBytes)
	cases := []struct {
		name    string
		req     *http.Request
		code    string
		status  int
		message string
	}{
		{"uploads with uploadId", newReq("POST", "h", "/data/k?uploads&uploadId="), "NotImplemented", 501, msgNotImplemented},
		{"uploads with uploadId on GET", newReq("GET", "h", "/data/k?uploads&uploadId=x"), "NotImplemented", 501, msgNotImplemented},
		{"duplicate subresource", newReq("GET", "h", "/data?uploads&uploads"), "InvalidArgument", 400, `Query parameter "uploads" is repeated.`},
		{"duplicate uploadId", newReq("PUT", "h", "/data/k?partNumber=1&uploadId=a&uploadId=b"), "InvalidArgument", 400, ""},
		{"duplicate versionId", newReq("GET", "h", "/data/k?versionId=a&versionId=b"), "InvalidArgument", 400, ""},
		{"duplicate prefix", newReq("GET", "h", "/data?prefix=a&prefix=b"), "InvalidArgument", 400, ""},
		{"duplicate hoisted header, differing case", newReq("PUT", "h", "/data/k?x-amz-acl=a&X-Amz-Acl=b"), "InvalidArgument", 400, ""},
		{"unknown subresource", newReq("GET", "h", "/data?lifecycle"), "NotImplemented", 501, msgNotImplemented},
		{"unknown object subresource", newReq("PUT", "h", "/data/k?retention"), "NotImplemented", 501, msgNotImplemented},
		{"subresource case matters", newReq("GET", "h", "/data?UPLOADS"), "NotImplemented", 501, msgNotImplemented},
		{"made-up parameter", newReq("GET", "h", "/data/k?foo=bar"), "NotImplemented", 501, msgNotImplemented},
		{"sigv2 presigned url", newReq("GET", "h", "/data/k?AWSAccessKeyId=A&Signature=s&Expires=1", "-auth"), "NotImplemented", 501, msgNotImplemented},
		{"list-type 1", newReq("GET", "h", "/data?list-type=1"), "NotImplemented", 501, msgNotImplemented},
		{"versionId on PutObject", newReq("PUT", "h", "/data/k?versionId=v"), "NotImplemented", 501, msgNotImplemented},
		{"versionId on a listing", newReq("GET", "h", "/data?versionId=v"), "NotImplemented", 501, msgNotImplemented},
		{"empty versionId", newReq("GET", "h", "/data/k?versionId="), "InvalidArgument", 400, "Version id cannot be the empty string"},
		{"POST to an object", newReq("POST", "h", "/data/k"), "NotImplemented", 501, msgNotImplemented},
		{"browser POST upload", newReq("POST", "h", "/data"), "NotImplemented", 501, msgNotImplemented},
		{"PUT service", newReq("PUT", "h", "/"), "NotImplemented", 501, msgNotImplemented},
		{"DELETE with uploads", newReq("DELETE", "h", "/data/k?uploads"), "NotImplemented", 501, msgNotImplemented},
		{"ListParts with partNumber", newReq("GET", "h", "/data/k?uploadId=u&partNumber=1"), "NotImplemented", 501, msgNotImplemented},
		{"UploadPart without uploadId", newReq("PUT", "h", "/data/k?partNumber=1"), "NotImplemented", 501, msgNotImplemented},
		{"copy source on a bucket PUT is CreateBucket, copy on POST not", newReq("POST", "h", "/data/k?uploadId=u&partNumber=1", "x-amz-copy-source: a/b"), "NotImplemented", 501, msgNotImplemented},
		{"PATCH", newReq("PATCH", "h", "/data/k"), "MethodNotAllowed", 405, "The specified method is not allowed against this resource."},
		{"OPTIONS preflight", newReq("OPTIONS", "h", "/data/k"), "MethodNotAllowed", 405, ""},
		{"lower-case method", newReq("get", "h", "/data/k"), "MethodNotAllowed", 405, ""},
		{"part number 0", newReq("PUT", "h", "/data/k?partNumber=0&uploadId=u"), "InvalidArgument", 400, msgPartNumber},
		{"part number 10001", newReq("PUT", "h", "/data/k?partNumber=10001&uploadId=u"), "InvalidArgument", 400, msgPartNumber},
		{"part number not a number", newReq("GET", "h", "/data/k?partNumber=1e3"), "InvalidArgument", 400, msgPartNumber},
		{"max-keys not a number", newReq("GET", "h", "/data?max-keys=ten"), "InvalidArgument", 400, "Provided max-keys not an integer or within integer range"},
		{"max-keys overflow", newReq("GET", "h", "/data?list-type=2&max-keys=99999999999"), "InvalidArgument", 400, ""},
		{"both auth mechanisms", newReq("GET", "h", "/data/k?X-Amz-Algorithm=AWS4-HMAC-SHA256"), "InvalidArgument", 400,
			"Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified"},
		{"repeated copy source", newReq("PUT", "h", "/data/k", "x-amz-copy-source: a/b", "x-amz-copy-source: c/d"), "InvalidArgument", 400, ""},
		{"copy source header and query", newReq("PUT", "h", "/data/k?x-amz-copy-source=c%2Fd", "x-amz-copy-source: a/b"), "InvalidArgument", 400, ""},
		{"repeated acl header", newReq("PUT", "h", "/data/k", "x-amz-acl: private", "x-amz-acl: public-read"), "InvalidArgument", 400, ""},
		{"repeated content sha", newReq("PUT", "h", "/data/k", "x-amz-content-sha256: x"), "InvalidArgument", 400, ""},
		{"copy source without key", newReq("PUT", "h", "/data/k", "x-amz-copy-source: srconly"), "InvalidArgument", 400, msgBadCopySource},
		{"copy source empty key", newReq("PUT", "h", "/data/k", "x-amz-copy-source: /src/"), "InvalidArgument", 400, msgBadCopySource},
		{"copy source bad escape", newReq("PUT", "h", "/data/k", "x-amz-copy-source: src/%zz"), "InvalidArgument", 400, msgBadCopySource},
		{"copy source extra query", newReq("PUT", "h", "/data/k", "x-amz-copy-source: src/k?versionId=1&x=2"), "InvalidArgument", 400, msgBadCopySource},
		{"copy source other query", newReq("PUT", "h", "/data/k", "x-amz-copy-source: src/k?acl"), "InvalidArgument", 400, msgBadCopySource},
		{"copy source empty version", newReq("PUT", "h", "/data/k", "x-amz-copy-source: src/k?versionId="), "InvalidArgument", 400, msgBadCopySource},
		{"copy source bad bucket", newReq("PUT", "h", "/data/k", "x-amz-copy-source: Src/k"), "InvalidBucketName", 400, msgBadBucket},
		{"copy source access point", newReq("PUT", "h", "/data/k", "x-amz-copy-source: arn:aws:s3:us-west-2:123456789012:accesspoint/ap/object/k"), "NotImplemented", 501, msgNotImplemented},
		{"copy source key too long", newReq("PUT", "h", "/data/k", "x-amz-copy-source: src/"+long+"x"), "KeyTooLongError", 400, "Your key is too long."},
		{"tagging duplicate key", newReq("PUT", "h", "/data/k", "x-amz-tagging: a=1&a=2"), "InvalidArgument", 400,
			"The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates."},
		{"tagging empty key", newReq("PUT", "h", "/data/k", "x-amz-tagging: =v"), "InvalidArgument", 400, ""},
		{"tagging bad escape", newReq("PUT", "h", "/data/k", "x-amz-tagging: a=%g1"), "InvalidArgument", 400, ""},
		{"eleven tags", newReq("PUT", "h", "/data/k", "x-amz-tagging: a=1&b=1&c=1&d=1&e=1&f=1&g=1&h=1&i=1&j=1&k=1"), "InvalidTag", 400, "Object tags cannot be greater than 10"},
		{"key 1025 bytes", newReq("GET", "h", "/data/"+long+"x"), "KeyTooLongError", 400, "Your key is too long."},
		{"key 1025 bytes of utf-8", newReq("GET", "h", "/data/"+strings.Repeat("%E2%82%AC", 341)+"xx"), "KeyTooLongError", 400, ""},
		{"key not utf-8", newReq("GET", "h", "/data/%FF%FE"), "InvalidURI", 400, "Couldn't parse the specified URI."},
		{"encoded slash in bucket", newReq("GET", "h", "/data%2Fk"), "InvalidBucketName", 400, msgBadBucket},
		{"empty bucket with key", newReq("GET", "h", "//k"), "InvalidBucketName", 400, msgBadBucket},
		{"bucket too short", newReq("GET", "h", "/ab"), "InvalidBucketName", 400, msgBadBucket},
		{"bucket upper case", newReq("GET", "h", "/Data"), "InvalidBucketName", 400, msgBadBucket},
		{"bucket ip", newReq("GET", "h", "/192.168.5.4/k"), "InvalidBucketName", 400, msgBadBucket},
		{"bucket dot dot", newReq("GET", "h", "/../k"), "InvalidBucketName", 400, msgBadBucket},
		{"bucket percent-encoded dot dot", newReq("GET", "h", "/%2E%2E/k"), "InvalidBucketName", 400, msgBadBucket},
		{"vhost bucket invalid", newReq("GET", "Bad_Bucket.s3.example.com", "/k"), "InvalidBucketName", 400, msgBadBucket},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			op, err := Classify(tc.req, "s3.example.com")
			if err == nil {
				t.Fatalf("accepted as %s %q", op.Name, fmtChecks(op.Checks))
			}
			wantErr(t, err, tc.code, tc.status, tc.message)
		})
	}
}

// TestOpaqueAndRelativeURIs: request URIs that are not an absolute path.
func TestOpaqueAndRelativeURIs(t *testing.T) {
	for _, u := range []*url.URL{{Opaque: "data/k"}, {Path: "data/k"}, {Path: "*"}} {
		r := newReq("GET", "h", "/")
		r.URL = u
		_, err := Classify(r, "")
		wantErr(t, err, "InvalidURI", 400, "Couldn't parse the specified URI.")
	}
}

// TestKeyLimit: exactly 1,024 bytes is allowed.
func TestKeyLimit(t *testing.T) {
	k := strings.Repeat("k", maxKeyBytes)
	op, err := Classify(newReq("GET", "h", "/data/"+k), "")
	if err != nil || op.Key != k {
		t.Fatalf("1024-byte key: %v", err)
	}
}
