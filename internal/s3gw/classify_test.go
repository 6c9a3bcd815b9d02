package s3gw

import (
	"crypto/tls"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/stsd/stsd/internal/authz"
)

const (
	sigHeader = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261202/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=0123"
)

// newReq builds a request as the server sees it: target is the request
// URI exactly as sent; headers are "name: value" lines. Every request is
// SigV4-header signed with an empty-payload hash unless it sets its own
// Authorization (or "-auth" to send none).
func newReq(method, host, target string, headers ...string) *http.Request {
	r := httptest.NewRequest(method, target, nil)
	r.Host = host
	r.Header.Set("Authorization", sigHeader)
	r.Header.Set("X-Amz-Content-Sha256", emptySHA256)
	for _, h := range headers {
		if h == "-auth" {
			r.Header.Del("Authorization")
			r.Header.Del("X-Amz-Content-Sha256")
			continue
		}
		name, value, _ := strings.Cut(h, ": ")
		r.Header.Add(name, value)
	}
	return r
}

// fmtChecks renders checks one a line: "action resource key=value …",
// keys in order, multivalued keys as key=[a b].
func fmtChecks(cs []authz.Check) []string {
	out := []string{}
	for _, c := range cs {
		out = append(out, strings.TrimSpace(c.Action+" "+c.Resource+" "+fmtKeys(c.Keys)))
	}
	return out
}

func fmtKeys(ks []authz.Key) string {
	var parts []string
	for _, k := range ks {
		v := strings.Join(k.Values, " ")
		if k.Multi {
			v = "[" + v + "]"
		}
		parts = append(parts, k.Name+"="+v)
	}
	return strings.Join(parts, " ")
}

const hdrKeys = "s3:authType=REST-HEADER s3:signatureversion=AWS4-HMAC-SHA256 s3:x-amz-content-sha256=" + emptySHA256

// TestClassifyOperations: one real request per operation — the AWS CLI's
// (botocore 1.43, captured against a recording server) or
// aws-sdk-go-v2 s3 v1.115.0's shape (its serializers add ?x-id=<Op>) —
// and the exact checks S3 makes for it.
func TestClassifyOperations(t *testing.T) {
	const h = "localhost:9000"
	cases := []struct {
		name   string
		req    *http.Request
		op     string
		checks []string
	}{
		{"cli list-buckets", newReq("GET", h, "/"), "ListBuckets",
			[]string{"s3:ListAllMyBuckets arn:aws:s3:::*"}},
		{"sdk ListBuckets", newReq("GET", h, "/?x-id=ListBuckets&max-buckets=10"), "ListBuckets",
			[]string{"s3:ListAllMyBuckets arn:aws:s3:::*"}},
		{"cli list-objects-v2", newReq("GET", h, "/data?list-type=2&delimiter=%2F&prefix=team%2Fa%2Bb&encoding-type=url"), "ListObjectsV2",
			[]string{"s3:ListBucket arn:aws:s3:::data s3:prefix=team/a+b s3:delimiter=/"}},
		{"sdk ListObjectsV2 trailing slash", newReq("GET", h, "/data/?list-type=2&max-keys=100&prefix="), "ListObjectsV2",
			[]string{"s3:ListBucket arn:aws:s3:::data s3:prefix= s3:max-keys=100"}},
		{"cli list-objects", newReq("GET", h, "/data?max-keys=5&encoding-type=url"), "ListObjects",
			[]string{"s3:ListBucket arn:aws:s3:::data s3:max-keys=5"}},
		{"cli list-object-versions", newReq("GET", h, "/data?versions&encoding-type=url&prefix=p%2F"), "ListObjectVersions",
			[]string{"s3:ListBucketVersions arn:aws:s3:::data s3:prefix=p/"}},
		{"cli list-multipart-uploads", newReq("GET", h, "/data?uploads"), "ListMultipartUploads",
			[]string{"s3:ListBucketMultipartUploads arn:aws:s3:::data"}},
		{"cli head-bucket", newReq("HEAD", h, "/data"), "HeadBucket",
			[]string{"s3:ListBucket arn:aws:s3:::data"}},
		{"cli get-bucket-location", newReq("GET", h, "/data?location"), "GetBucketLocation",
			[]string{"s3:GetBucketLocation arn:aws:s3:::data"}},
		{"get-bucket-versioning", newReq("GET", h, "/data?versioning"), "GetBucketVersioning",
			[]string{"s3:GetBucketVersioning arn:aws:s3:::data"}},
		{"get-bucket-acl", newReq("GET", h, "/data?acl"), "GetBucketAcl",
			[]string{"s3:GetBucketAcl arn:aws:s3:::data"}},
		{"get-bucket-tagging", newReq("GET", h, "/data?tagging"), "GetBucketTagging",
			[]string{"s3:GetBucketTagging arn:aws:s3:::data"}},
		{"cli get-bucket-policy", newReq("GET", h, "/data?policy"), "GetBucketPolicy",
			[]string{"s3:GetBucketPolicy arn:aws:s3:::data"}},
		{"cli put-bucket-policy", newReq("PUT", h, "/data?policy"), "PutBucketPolicy",
			[]string{"s3:PutBucketPolicy arn:aws:s3:::data"}},
		{"cli delete-bucket-policy", newReq("DELETE", h, "/data?policy"), "DeleteBucketPolicy",
			[]string{"s3:DeleteBucketPolicy arn:aws:s3:::data"}},
		{"get-bucket-policy-status", newReq("GET", h, "/data?policyStatus"), "GetBucketPolicyStatus",
			[]string{"s3:GetBucketPolicyStatus arn:aws:s3:::data"}},
		{"create-bucket", newReq("PUT", h, "/newbucket"), "CreateBucket",
			[]string{"s3:CreateBucket arn:aws:s3:::newbucket"}},
		{"create-bucket with acl and object lock", newReq("PUT", h, "/newbucket",
			"x-amz-acl: private", "x-amz-bucket-object-lock-enabled: true", "x-amz-object-ownership: BucketOwnerEnforced"), "CreateBucket",
			[]string{"s3:CreateBucket arn:aws:s3:::newbucket s3:x-amz-acl=private s3:x-amz-object-ownership=BucketOwnerEnforced",
				"s3:PutBucketAcl arn:aws:s3:::newbucket s3:x-amz-acl=private",
				"s3:PutBucketObjectLockConfiguration arn:aws:s3:::newbucket",
				"s3:PutBucketVersioning arn:aws:s3:::newbucket",
				"s3:PutBucketOwnershipControls arn:aws:s3:::newbucket"}},
		{"create-bucket object lock false", newReq("PUT", h, "/newbucket", "x-amz-bucket-object-lock-enabled: False"), "CreateBucket",
			[]string{"s3:CreateBucket arn:aws:s3:::newbucket"}},
		{"delete-bucket", newReq("DELETE", h, "/data"), "DeleteBucket",
			[]string{"s3:DeleteBucket arn:aws:s3:::data"}},
		{"cli delete-objects (checks from the body)", newReq("POST", h, "/data?delete"), "DeleteObjects", []string{}},

		{"cli get-object versioned, escaped %", newReq("GET", h, "/data/a/b%252Fc?versionId=v1", "x-amz-checksum-mode: ENABLED"), "GetObject",
			[]string{"s3:GetObjectVersion arn:aws:s3:::data/a/b%2Fc s3:VersionId=v1"}},
		{"sdk GetObject", newReq("GET", h, "/data/dir/file.txt?x-id=GetObject"), "GetObject",
			[]string{"s3:GetObject arn:aws:s3:::data/dir/file.txt"}},
		{"get object part", newReq("GET", h, "/data/k?partNumber=2&response-content-type=text%2Fplain"), "GetObject",
			[]string{"s3:GetObject arn:aws:s3:::data/k"}},
		{"cli head-object", newReq("HEAD", h, "/data/k"), "HeadObject",
			[]string{"s3:GetObject arn:aws:s3:::data/k"}},
		{"head-object version null", newReq("HEAD", h, "/data/k?versionId=null"), "HeadObject",
			[]string{"s3:GetObjectVersion arn:aws:s3:::data/k s3:VersionId=null"}},
		{"cli put-object with acl and tagging", newReq("PUT", h, "/data/dir/x.txt", "x-amz-acl: public-read",
			"x-amz-checksum-crc32: 7W96eg==", "x-amz-sdk-checksum-algorithm: CRC32", "x-amz-tagging: team=blue&env=prod"), "PutObject",
			[]string{"s3:PutObject arn:aws:s3:::data/dir/x.txt s3:x-amz-acl=public-read s3:RequestObjectTag/team=blue s3:RequestObjectTag/env=prod s3:RequestObjectTagKeys=[team env]",
				"s3:PutObjectAcl arn:aws:s3:::data/dir/x.txt s3:x-amz-acl=public-read",
				"s3:PutObjectTagging arn:aws:s3:::data/dir/x.txt s3:RequestObjectTag/team=blue s3:RequestObjectTag/env=prod s3:RequestObjectTagKeys=[team env]"}},
		{"sdk PutObject with sse, storage class, grant, lock", newReq("PUT", h, "/data/k?x-id=PutObject",
			"x-amz-server-side-encryption: aws:kms", "x-amz-server-side-encryption-aws-kms-key-id: key-1",
			"x-amz-storage-class: STANDARD_IA", "x-amz-grant-read: id=abc",
			"x-amz-object-lock-mode: GOVERNANCE", "x-amz-object-lock-retain-until-date: 2030-01-01T00:00:00Z",
			"x-amz-object-lock-legal-hold: ON"), "PutObject",
			[]string{"s3:PutObject arn:aws:s3:::data/k s3:x-amz-server-side-encryption=aws:kms s3:x-amz-server-side-encryption-aws-kms-key-id=key-1 s3:x-amz-storage-class=STANDARD_IA " +
				"s3:object-lock-mode=GOVERNANCE s3:object-lock-retain-until-date=2030-01-01T00:00:00Z s3:object-lock-legal-hold=ON s3:x-amz-grant-read=id=abc",
				"s3:PutObjectAcl arn:aws:s3:::data/k s3:x-amz-grant-read=id=abc",
				"s3:PutObjectRetention arn:aws:s3:::data/k s3:object-lock-mode=GOVERNANCE s3:object-lock-retain-until-date=2030-01-01T00:00:00Z",
				"s3:PutObjectLegalHold arn:aws:s3:::data/k s3:object-lock-legal-hold=ON"}},
		{"cli copy-object versioned source", newReq("PUT", h, "/data/dst", "x-amz-copy-source: src/a%2520b?versionId=V2"), "CopyObject",
			[]string{"s3:PutObject arn:aws:s3:::data/dst s3:x-amz-copy-source=src/a%20b",
				"s3:GetObjectVersion arn:aws:s3:::src/a%20b s3:VersionId=V2"}},
		{"sdk CopyObject leading slash, directive", newReq("PUT", h, "/data/dst?x-id=CopyObject",
			"x-amz-copy-source: /src/dir/a%2Bb.txt", "x-amz-metadata-directive: REPLACE"), "CopyObject",
			[]string{"s3:PutObject arn:aws:s3:::data/dst s3:x-amz-copy-source=src/dir/a+b.txt s3:x-amz-metadata-directive=REPLACE",
				"s3:GetObject arn:aws:s3:::src/dir/a+b.txt"}},
		{"cli delete-object", newReq("DELETE", h, "/data/k"), "DeleteObject",
			[]string{"s3:DeleteObject arn:aws:s3:::data/k"}},
		{"sdk DeleteObject version, bypass governance", newReq("DELETE", h, "/data/k?versionId=3&x-id=DeleteObject",
			"x-amz-bypass-governance-retention: true"), "DeleteObject",
			[]string{"s3:DeleteObjectVersion arn:aws:s3:::data/k s3:VersionId=3",
				"s3:BypassGovernanceRetention arn:aws:s3:::data/k"}},
		{"cli create-multipart-upload", newReq("POST", h, "/data/big?uploads"), "CreateMultipartUpload",
			[]string{"s3:PutObject arn:aws:s3:::data/big"}},
		{"create-multipart-upload with tagging", newReq("POST", h, "/data/big?uploads=", "x-amz-tagging: a=1"), "CreateMultipartUpload",
			[]string{"s3:PutObject arn:aws:s3:::data/big s3:RequestObjectTag/a=1 s3:RequestObjectTagKeys=[a]",
				"s3:PutObjectTagging arn:aws:s3:::data/big s3:RequestObjectTag/a=1 s3:RequestObjectTagKeys=[a]"}},
		{"cli upload-part", newReq("PUT", h, "/data/big?partNumber=3&uploadId=U1"), "UploadPart",
			[]string{"s3:PutObject arn:aws:s3:::data/big"}},
		{"sdk UploadPart", newReq("PUT", h, "/data/big?partNumber=10000&uploadId=U1&x-id=UploadPart"), "UploadPart",
			[]string{"s3:PutObject arn:aws:s3:::data/big"}},
		{"cli upload-part-copy", newReq("PUT", h, "/data/big?partNumber=2&uploadId=U1", "x-amz-copy-source: src/part"), "UploadPartCopy",
			[]string{"s3:PutObject arn:aws:s3:::data/big s3:x-amz-copy-source=src/part",
				"s3:GetObject arn:aws:s3:::src/part"}},
		{"cli complete-multipart-upload", newReq("POST", h, "/data/big?uploadId=U1"), "CompleteMultipartUpload",
			[]string{"s3:PutObject arn:aws:s3:::data/big"}},
		{"cli abort-multipart-upload", newReq("DELETE", h, "/data/big?uploadId=U1"), "AbortMultipartUpload",
			[]string{"s3:AbortMultipartUpload arn:aws:s3:::data/big"}},
		{"cli list-parts", newReq("GET", h, "/data/big?uploadId=U1"), "ListParts",
			[]string{"s3:ListMultipartUploadParts arn:aws:s3:::data/big"}},
		{"sdk ListParts", newReq("GET", h, "/data/big?max-parts=5&uploadId=U1&x-id=ListParts"), "ListParts",
			[]string{"s3:ListMultipartUploadParts arn:aws:s3:::data/big"}},
		{"cli get-object-tagging", newReq("GET", h, "/data/k?tagging"), "GetObjectTagging",
			[]string{"s3:GetObjectTagging arn:aws:s3:::data/k"}},
		{"get-object-tagging version", newReq("GET", h, "/data/k?tagging&versionId=v"), "GetObjectTagging",
			[]string{"s3:GetObjectVersionTagging arn:aws:s3:::data/k s3:VersionId=v"}},
		{"cli put-object-tagging", newReq("PUT", h, "/data/k?tagging"), "PutObjectTagging",
			[]string{"s3:PutObjectTagging arn:aws:s3:::data/k"}},
		{"cli delete-object-tagging", newReq("DELETE", h, "/data/k?tagging"), "DeleteObjectTagging",
			[]string{"s3:DeleteObjectTagging arn:aws:s3:::data/k"}},
		{"get-object-acl", newReq("GET", h, "/data/k?acl"), "GetObjectAcl",
			[]string{"s3:GetObjectAcl arn:aws:s3:::data/k"}},
		{"put-object-acl version", newReq("PUT", h, "/data/k?acl&versionId=v", "x-amz-acl: private"), "PutObjectAcl",
			[]string{"s3:PutObjectVersionAcl arn:aws:s3:::data/k s3:VersionId=v s3:x-amz-acl=private"}},

		// Keys are literal: no dot-segment resolution, "+" is a plus, %2F a
		// slash inside the key.
		{"dot segments kept", newReq("GET", h, "/data/a/../b/./c"), "GetObject",
			[]string{"s3:GetObject arn:aws:s3:::data/a/../b/./c"}},
		{"plus is not space", newReq("GET", h, "/data/a+b%20c"), "GetObject",
			[]string{"s3:GetObject arn:aws:s3:::data/a+b c"}},
		{"encoded slash", newReq("GET", h, "/data/a%2Fb"), "GetObject",
			[]string{"s3:GetObject arn:aws:s3:::data/a/b"}},
		{"empty segments", newReq("GET", h, "/data//x/"), "GetObject",
			[]string{"s3:GetObject arn:aws:s3:::data//x/"}},
		{"unicode key", newReq("GET", h, "/data/%E2%82%AC/%F0%9F%98%80"), "GetObject",
			[]string{"s3:GetObject arn:aws:s3:::data/€/😀"}},
		{"wildcard characters are literal", newReq("GET", h, "/data/*?x-id=GetObject"), "GetObject",
			[]string{"s3:GetObject arn:aws:s3:::data/*"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			op, err := Classify(tc.req, "")
			if err != nil {
				t.Fatalf("Classify: %v", err)
			}
			if op.Name != tc.op {
				t.Errorf("op = %q, want %q", op.Name, tc.op)
			}
			if got := fmtChecks(op.Checks); !slices.Equal(got, tc.checks) {
				t.Errorf("checks:\n got  %q\n want %q", got, tc.checks)
			}
			if got := fmtKeys(op.Keys); got != hdrKeys {
				t.Errorf("request keys = %q, want %q", got, hdrKeys)
			}
		})
	}
}

// TestVirtualHosted: with a domain, Host "bucket.DOMAIN" names the bucket
// and the whole path is the key; other hosts stay path-style.
func TestVirtualHosted(t *testing.T) {
	cases := []struct {
		host, target, domain string
		vhost                bool
		bucket, key, op      string
	}{
		{"data.s3.example.com", "/dir/k", "s3.example.com", true, "data", "dir/k", "GetObject"},
		{"data.s3.example.com:8443", "/", "s3.example.com", true, "data", "", "ListObjects"},
		{"DATA.S3.Example.com", "/", "s3.example.com", true, "", "", ""}, // upper-case bucket: invalid
		{"data.s3.example.com.", "/k", ".s3.example.com.", true, "data", "k", "GetObject"},
		{"my.dotted.bucket.s3.example.com", "/k", "s3.example.com", true, "my.dotted.bucket", "k", "GetObject"},
		{"s3.example.com", "/data/k", "s3.example.com", false, "data", "k", "GetObject"},
		{"s3.example.com:443", "/", "s3.example.com", false, "", "", "ListBuckets"},
		{"10.0.0.1:9000", "/data/k", "s3.example.com", false, "data", "k", "GetObject"},
		{"evils3.example.com", "/data/k", "s3.example.com", false, "data", "k", "GetObject"},
		{"data.s3.example.com", "/data/k", "", false, "data", "k", "GetObject"},
		{"data.s3.example.com", "//k", "s3.example.com", true, "data", "/k", "GetObject"},
		{"[::1]:9000", "/data", "s3.example.com", false, "data", "", "ListObjects"},
	}
	for _, tc := range cases {
		t.Run(tc.host+tc.target, func(t *testing.T) {
			op, err := Classify(newReq("GET", tc.host, tc.target), tc.domain)
			if tc.op == "" {
				if err == nil || !strings.HasPrefix(err.Error(), "InvalidBucketName:") {
					t.Fatalf("err = %v, want InvalidBucketName", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if op.VirtualHosted != tc.vhost || op.Bucket != tc.bucket || op.Key != tc.key || op.Name != tc.op {
				t.Errorf("got vhost=%v bucket=%q key=%q op=%s", op.VirtualHosted, op.Bucket, op.Key, op.Name)
			}
		})
	}
}

// TestRequestKeys: the request-wide keys for each way of signing.
func TestRequestKeys(t *testing.T) {
	presigned := "/data/pre/key.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20261202%2Fus-east-1%2Fs3%2Faws4_request" +
		"&X-Amz-Date=20261202T215633Z&X-Amz-Expires=600&X-Amz-SignedHeaders=host&X-Amz-Signature=786f"
	r := newReq("GET", "h", presigned, "-auth")
	r.TLS = &tls.ConnectionState{Version: tls.VersionTLS13}
	op, err := Classify(r, "")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fmtKeys(op.Keys), "s3:authType=REST-QUERY-STRING s3:signatureversion=AWS4-HMAC-SHA256 s3:TlsVersion=1.3"; got != want {
		t.Errorf("presigned keys = %q, want %q", got, want)
	}
	if got := fmtChecks(op.Checks); !slices.Equal(got, []string{"s3:GetObject arn:aws:s3:::data/pre/key.txt"}) {
		t.Errorf("checks = %q", got)
	}

	// Unsigned: no auth keys (the gateway refuses it before authorizing).
	op, err = Classify(newReq("GET", "h", "/data/k", "-auth"), "")
	if err != nil || len(op.Keys) != 0 || op.AuthType != "" {
		t.Errorf("unsigned: keys %v auth %q err %v", op.Keys, op.AuthType, err)
	}
	// SigV2 header: authType but no signatureversion of SigV4.
	op, err = Classify(newReq("GET", "h", "/data/k", "-auth", "Authorization: AWS AKID:sig"), "")
	if err != nil || fmtKeys(op.Keys) != "s3:authType=REST-HEADER" {
		t.Errorf("sigv2: keys %q err %v", fmtKeys(op.Keys), err)
	}
}

// TestPresignedHoistedHeaders: a presigned URL may carry x-amz-* headers
// as query parameters; S3 applies them, so they imply the same actions
// and keys as headers.
func TestPresignedHoistedHeaders(t *testing.T) {
	r := newReq("PUT", "h", "/data/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=c&X-Amz-Signature=s&x-amz-acl=public-read&X-Amz-Tagging=a%3D1", "-auth")
	op, err := Classify(r, "")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"s3:PutObject arn:aws:s3:::data/k s3:x-amz-acl=public-read s3:RequestObjectTag/a=1 s3:RequestObjectTagKeys=[a]",
		"s3:PutObjectAcl arn:aws:s3:::data/k s3:x-amz-acl=public-read",
		"s3:PutObjectTagging arn:aws:s3:::data/k s3:RequestObjectTag/a=1 s3:RequestObjectTagKeys=[a]",
	}
	if got := fmtChecks(op.Checks); !slices.Equal(got, want) {
		t.Errorf("checks:\n got  %q\n want %q", got, want)
	}
	// A hoisted x-amz-copy-source makes a presigned PUT a CopyObject.
	r = newReq("PUT", "h", "/data/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&x-amz-copy-source=other%2Fsecret", "-auth")
	op, err = Classify(r, "")
	if err != nil || op.Name != "CopyObject" || op.CopySource.ARN() != "arn:aws:s3:::other/secret" {
		t.Fatalf("hoisted copy source: %+v %v", op, err)
	}
}

func TestCopySourceHeader(t *testing.T) {
	cs := &CopySource{Bucket: "src", Key: "a b+c/ü?&=%", VersionID: "v+1/2"}
	if got, want := cs.Header(), "/src/a%20b%2Bc/%C3%BC%3F%26%3D%25?versionId=v%2B1%2F2"; got != want {
		t.Errorf("Header() = %q, want %q", got, want)
	}
	back, err := parseCopySource(cs.Header())
	if err != nil || *back != *cs {
		t.Errorf("round trip: %+v %v", back, err)
	}
}

func TestSignatureAgeKey(t *testing.T) {
	r := newReq("GET", "h", "/data/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=s", "-auth")
	op, err := Classify(r, "")
	if err != nil {
		t.Fatal(err)
	}
	now := mustTime(t, "2026-12-02T22:00:00Z")
	k, ok := SignatureAgeKey(op, now.Add(-90500e6), now) // 90.5 s
	if !ok || fmtKeys([]authz.Key{k}) != "s3:signatureAge=90500" {
		t.Errorf("age key = %v %v", k, ok)
	}
	if k, ok := SignatureAgeKey(op, now.Add(1e9), now); !ok || k.Values[0] != "0" {
		t.Errorf("future signing time: %v %v", k, ok)
	}
	hop, _ := Classify(newReq("GET", "h", "/data/k"), "")
	if _, ok := SignatureAgeKey(hop, now, now); ok {
		t.Error("header-signed request got s3:signatureAge")
	}
}

func ExampleClassify() {
	r := httptest.NewRequest("GET", "/data?list-type=2&prefix=home%2Falice%2F&delimiter=%2F", nil)
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=…")
	op, _ := Classify(r, "")
	fmt.Println(op.Name)
	for _, c := range op.Checks {
		fmt.Println(c.Action, c.Resource, fmtKeys(c.Keys))
	}
	// Output:
	// ListObjectsV2
	// s3:ListBucket arn:aws:s3:::data s3:prefix=home/alice/ s3:delimiter=/
}
