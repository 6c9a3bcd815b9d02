package s3gw

import (
	"crypto/tls"
	"strconv"
	"strings"
	"time"

	"github.com/stsd/stsd/internal/authz"
)

// S3 condition keys the gateway supplies ([SAR] "Condition keys for
// Amazon S3"; S3 User Guide "Amazon S3 condition key examples"; S3 API
// Reference "Amazon S3 Signature Version 4 Authentication Specific Policy
// Keys"). Names are case-insensitive in IAM; these are the spellings AWS
// documents.
const (
	keyPrefix               = "s3:prefix"
	keyDelimiter            = "s3:delimiter"
	keyMaxKeys              = "s3:max-keys"
	keyVersionID            = "s3:VersionId"
	keyACL                  = "s3:x-amz-acl"
	keyCopySource           = "s3:x-amz-copy-source"
	keyMetadataDirective    = "s3:x-amz-metadata-directive"
	keySSE                  = "s3:x-amz-server-side-encryption"
	keySSEKMSKeyID          = "s3:x-amz-server-side-encryption-aws-kms-key-id"
	keyStorageClass         = "s3:x-amz-storage-class"
	keyWebsiteRedirect      = "s3:x-amz-website-redirect-location"
	keyObjectOwnership      = "s3:x-amz-object-ownership"
	keyLockMode             = "s3:object-lock-mode"
	keyLockRetainUntil      = "s3:object-lock-retain-until-date"
	keyLockLegalHold        = "s3:object-lock-legal-hold"
	keyRequestObjectTag     = "s3:RequestObjectTag/" // family: s3:RequestObjectTag/<tag key>
	keyRequestObjectTagKeys = "s3:RequestObjectTagKeys"

	// Request-wide keys (every S3 action lists them in [SAR]).
	keyAuthType         = "s3:authType"
	keySignatureVersion = "s3:signatureversion"
	keySignatureAge     = "s3:signatureAge"
	keyTLSVersion       = "s3:TlsVersion"
	keyContentSHA256    = "s3:x-amz-content-sha256"
)

var (
	grantKeys       = []string{"s3:x-amz-grant-read", "s3:x-amz-grant-read-acp", "s3:x-amz-grant-write-acp", "s3:x-amz-grant-full-control"}
	bucketGrantKeys = append([]string{"s3:x-amz-grant-write"}, grantKeys...)
)

// headerKeys maps the request headers whose value becomes a condition key
// unchanged to that key.
var headerKeys = []struct{ Header, Key string }{
	{"x-amz-acl", keyACL},
	{"x-amz-grant-read", "s3:x-amz-grant-read"},
	{"x-amz-grant-write", "s3:x-amz-grant-write"},
	{"x-amz-grant-read-acp", "s3:x-amz-grant-read-acp"},
	{"x-amz-grant-write-acp", "s3:x-amz-grant-write-acp"},
	{"x-amz-grant-full-control", "s3:x-amz-grant-full-control"},
	{"x-amz-metadata-directive", keyMetadataDirective},
	{"x-amz-server-side-encryption", keySSE},
	{"x-amz-server-side-encryption-aws-kms-key-id", keySSEKMSKeyID},
	{"x-amz-storage-class", keyStorageClass},
	{"x-amz-website-redirect-location", keyWebsiteRedirect},
	{"x-amz-object-ownership", keyObjectOwnership},
	{"x-amz-object-lock-mode", keyLockMode},
	{"x-amz-object-lock-retain-until-date", keyLockRetainUntil},
	{"x-amz-object-lock-legal-hold", keyLockLegalHold},
}

// queryKeys maps listing parameters to their keys ([SAR] ListBucket,
// ListBucketVersions). A parameter sent empty ("?prefix=") supplies the
// empty string, as S3's console-listing policy example relies on
// ("s3:prefix": ["", "home/"]); an absent parameter supplies no key.
var queryKeys = []struct{ Param, Key string }{
	{"prefix", keyPrefix},
	{"delimiter", keyDelimiter},
	{"max-keys", keyMaxKeys},
}

// keyPool is the condition keys a request supplies, in a fixed order;
// each check takes the ones its action lists in actionKeys.
type keyPool []authz.Key

func (p *keyPool) add(name string, values ...string) {
	*p = append(*p, authz.Key{Name: name, Values: values})
}

// forAction returns the pool's keys that action takes, nil if none.
func (p keyPool) forAction(action string) []authz.Key {
	names := actionKeys[action]
	var out []authz.Key
	for _, n := range names {
		family := strings.HasSuffix(n, "/")
		for _, k := range p {
			if family && len(k.Name) > len(n) && strings.EqualFold(k.Name[:len(n)], n) ||
				!family && strings.EqualFold(k.Name, n) {
				out = append(out, k)
			}
		}
	}
	return out
}

// tlsVersions spells a negotiated TLS version as s3:TlsVersion's numeric
// values ("1.2", "1.3"; S3 knowledge-center policy "NumericLessThan":
// {"s3:TlsVersion": 1.2}).
var tlsVersions = map[uint16]string{
	tls.VersionTLS10: "1.0",
	tls.VersionTLS11: "1.1",
	tls.VersionTLS12: "1.2",
	tls.VersionTLS13: "1.3",
}

// Values of s3:authType ([API] "Signature Version 4 Authentication
// Specific Policy Keys": REST-HEADER, REST-QUERY-STRING, POST).
const (
	AuthTypeHeader = "REST-HEADER"
	AuthTypeQuery  = "REST-QUERY-STRING"
)

// sigV4Algorithm is s3:signatureversion's value for Signature Version 4.
const sigV4Algorithm = "AWS4-HMAC-SHA256"

// SignatureAgeKey returns s3:signatureAge — "the length of time, in
// milliseconds, that a signature is valid in an authenticated request"
// ([API] Signature Version 4 Authentication Specific Policy Keys), the
// time from signedAt (the verified X-Amz-Date) to now. S3 documents the
// key for presigned URLs (and presigned POST) only, so it is supplied for
// REST-QUERY-STRING requests and ok is false for others. A signing time in
// the future counts as age 0.
func SignatureAgeKey(op *Operation, signedAt, now time.Time) (k authz.Key, ok bool) {
	if op == nil || op.AuthType != AuthTypeQuery {
		return authz.Key{}, false
	}
	age := now.Sub(signedAt).Milliseconds()
	if age < 0 {
		age = 0
	}
	return authz.Key{Name: keySignatureAge, Values: []string{strconv.FormatInt(age, 10)}}, true
}
