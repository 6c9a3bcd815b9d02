package s3gw

import (
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/sigv4"
)

// Operation is a classified S3 request: the S3 API operation and the IAM
// checks Amazon S3 performs for it.
type Operation struct {
	// Name is the S3 API operation ("GetObject", "ListObjectsV2", …).
	Name string
	// Bucket and Key are the addressed bucket and the URL-decoded key,
	// exactly as S3 names the object ("" for bucket and service
	// operations). The key is literal: "a/../b" is the key "a/../b".
	Bucket, Key string
	// VersionID is the ?versionId= value, "" when absent.
	VersionID string
	// VirtualHosted is true when the bucket came from the Host header.
	VirtualHosted bool
	// CopySource is the parsed x-amz-copy-source of CopyObject and
	// UploadPartCopy, nil otherwise. Forward CopySource.Header(), never the
	// client's header, so the backend copies exactly what was authorized.
	CopySource *CopySource
	// AuthType is s3:authType: AuthTypeHeader, AuthTypeQuery, or "" for an
	// unsigned request.
	AuthType string
	// Checks are the (action, resource, keys) the request needs. Empty for
	// DeleteObjects, whose checks come from its body (DeleteChecks);
	// authz.Engine.Decide denies a request with no checks.
	Checks []authz.Check
	// Keys are the request-wide S3 condition keys (s3:authType,
	// s3:signatureversion, s3:x-amz-content-sha256, s3:TlsVersion) for
	// authz.Request.Keys. Add SignatureAgeKey once the signature is
	// verified.
	Keys []authz.Key
	// Body says whether the body names more to authorize (BodyDelete,
	// BodyTagging).
	Body BodyKind

	rule         *operationRule
	pool         keyPool
	deleteExtras []string
}

// CopySource is a decoded x-amz-copy-source.
type CopySource struct {
	Bucket, Key, VersionID string
}

// ARN is the source object's resource ARN.
func (c *CopySource) ARN() string { return objectARN(c.Bucket, c.Key) }

// Header is the canonical x-amz-copy-source value: "/bucket/key" with the
// key URI-encoded as SigV4 encodes it (every byte but A–Z a–z 0–9 - _ . ~
// and "/" percent-encoded, so "+" can never be read as a space), then
// "?versionId=…" when a version is named.
func (c *CopySource) Header() string {
	s := "/" + c.Bucket + "/" + uriEncode(c.Key, false)
	if c.VersionID != "" {
		s += "?versionId=" + uriEncode(c.VersionID, true)
	}
	return s
}

// arnPrefix starts every S3 resource ARN ([SAR] resource types bucket
// "arn:${Partition}:s3:::${BucketName}" and object
// "arn:${Partition}:s3:::${BucketName}/${ObjectName}").
const arnPrefix = "arn:aws:s3:::"

func bucketARN(b string) string    { return arnPrefix + b }
func objectARN(b, k string) string { return arnPrefix + b + "/" + k }

// maxKeyBytes is S3's key length limit: "The name for a key is a sequence
// of Unicode characters whose UTF-8 encoding is at most 1,024 bytes long"
// (S3 User Guide, "Naming Amazon S3 objects").
const maxKeyBytes = 1024

// modifierParams are query parameters that modify an operation rather
// than select one (S3 API Reference, the URI request parameters of
// ListObjects, ListObjectsV2, ListObjectVersions, ListMultipartUploads,
// ListParts, ListBuckets, GetObject, HeadObject). x-id is the operation
// hint aws-sdk-go-v2 adds ("?x-id=GetObject"); S3 ignores it. Parameters
// starting "x-amz-" are headers hoisted into a presigned URL and the
// SigV4 query authentication parameters.
var modifierParams = map[string]bool{
	"prefix": true, "delimiter": true, "max-keys": true, "marker": true, "encoding-type": true,
	"continuation-token": true, "fetch-owner": true, "start-after": true,
	"key-marker": true, "version-id-marker": true, "upload-id-marker": true, "max-uploads": true,
	"max-parts": true, "part-number-marker": true, "max-buckets": true, "bucket-region": true,
	"versionId": true, "x-id": true,
	"response-cache-control": true, "response-content-disposition": true, "response-content-encoding": true,
	"response-content-language": true, "response-content-type": true, "response-expires": true,
}

// request is a request being classified.
type request struct {
	r       *http.Request
	params  map[string]string // modifier parameters by name
	subs    map[string]string // subresource parameters by name
	hoisted map[string]string // x-amz-* query parameters by lower-case name
}

// Classify maps an S3 REST request to its operation and IAM checks.
// domain is the gateway's base domain for virtual-hosted-style requests
// ("s3.example.com": a Host of "bucket.s3.example.com" addresses bucket);
// "" disables them. Path-style always works. Errors are *awserr.Error
// values carrying S3's code, status and message.
func Classify(r *http.Request, domain string) (*Operation, error) {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodPost, http.MethodDelete:
	default:
		return nil, errMethodNotAllowed()
	}
	op := &Operation{}
	if err := op.address(r, domain); err != nil {
		return nil, err
	}
	rq, err := parseQuery(r)
	if err != nil {
		return nil, err
	}
	tgt := object
	switch {
	case op.Bucket == "":
		tgt = service
	case op.Key == "":
		tgt = bucket
	}
	rule, err := rq.match(r.Method, tgt)
	if err != nil {
		return nil, err
	}
	op.rule, op.Name, op.Body = rule, rule.Op, rule.Body
	if err := op.validateParams(rq); err != nil {
		return nil, err
	}
	if err := op.requestKeys(rq); err != nil {
		return nil, err
	}
	if err := op.buildPool(rq); err != nil {
		return nil, err
	}
	return op, op.buildChecks(rq, tgt)
}

// address sets Bucket, Key and VirtualHosted from the Host and the path.
// The path is split at its first "/" while still encoded, then each part
// is percent-decoded ("+" stays "+", "%2F" is a "/" inside the key): S3
// keys are the decoded bytes, and no "." or ".." segment is resolved.
func (op *Operation) address(r *http.Request, domain string) error {
	if r.URL == nil || r.URL.Opaque != "" {
		return errInvalidURI("s3_uri_opaque")
	}
	path := r.URL.EscapedPath()
	if !strings.HasPrefix(path, "/") {
		return errInvalidURI("s3_uri_relative")
	}
	path = path[1:]
	var rawBucket, rawKey string
	if b, ok := virtualBucket(r.Host, domain); ok {
		op.VirtualHosted = true
		rawBucket, rawKey = b, path
	} else {
		rawBucket, rawKey, _ = strings.Cut(path, "/")
	}
	b, err := url.PathUnescape(rawBucket)
	if err != nil {
		return errInvalidURI("s3_uri_escape")
	}
	k, err := url.PathUnescape(rawKey)
	if err != nil {
		return errInvalidURI("s3_uri_escape")
	}
	if b == "" {
		if k != "" {
			return errInvalidBucketName()
		}
		return nil
	}
	if !iam.ValidBucketName(b) {
		return errInvalidBucketName()
	}
	if err := checkKey(k); err != nil {
		return err
	}
	op.Bucket, op.Key = b, k
	return nil
}

// checkKey applies S3's key rules: at most 1,024 bytes of UTF-8.
func checkKey(k string) error {
	if len(k) > maxKeyBytes {
		return errKeyTooLong()
	}
	if !utf8.ValidString(k) {
		// S3 keys are Unicode; S3 documents no code for undecodable bytes,
		// so the URI is refused as unparseable.
		return errInvalidURI("s3_key_utf8")
	}
	return nil
}

// virtualBucket returns the bucket of a virtual-hosted-style Host
// ("bucket.DOMAIN", any port, one trailing dot allowed; S3 User Guide,
// "Virtual hosting of buckets"). The domain compares without case; the
// bucket part is kept as sent, so an upper-case one fails the name rules.
func virtualBucket(host, domain string) (string, bool) {
	domain = strings.TrimSuffix(strings.TrimPrefix(domain, "."), ".")
	if domain == "" || host == "" {
		return "", false
	}
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(host, ".")
	if len(host) <= len(domain)+1 || !strings.EqualFold(host[len(host)-len(domain):], domain) ||
		host[len(host)-len(domain)-1] != '.' {
		return "", false
	}
	return host[:len(host)-len(domain)-1], true
}

// parseQuery splits the raw query into modifier, subresource and hoisted
// header parameters. A parameter named twice is refused: S3 defines no
// meaning for it, and the gateway and the backend must not read different
// values.
func parseQuery(r *http.Request) (*request, error) {
	rq := &request{r: r, params: map[string]string{}, subs: map[string]string{}, hoisted: map[string]string{}}
	for part := range strings.SplitSeq(r.URL.RawQuery, "&") {
		if part == "" {
			continue
		}
		rawName, rawValue, _ := strings.Cut(part, "=")
		name, err1 := url.QueryUnescape(rawName)
		value, err2 := url.QueryUnescape(rawValue)
		if err1 != nil || err2 != nil {
			return nil, errInvalidURI("s3_query_escape")
		}
		dest := rq.subs
		switch lower := strings.ToLower(name); {
		case strings.HasPrefix(lower, "x-amz-"):
			dest, name = rq.hoisted, lower
		case modifierParams[name]:
			dest = rq.params
		}
		if _, dup := dest[name]; dup {
			// Our message: S3 documents none for a repeated parameter.
			return nil, errInvalidArgument("Query parameter "+strconv.Quote(name)+" is repeated.", "s3_query_repeated")
		}
		dest[name] = value
	}
	return rq, nil
}

// match returns the first table row for the request.
func (rq *request) match(method string, tgt target) (*operationRule, error) {
	names := make([]string, 0, len(rq.subs))
	for n := range rq.subs {
		names = append(names, n)
	}
	sort.Strings(names)
	q := strings.Join(names, "&")
	for i := range operations {
		row := &operations[i]
		if row.Method != method || row.Target != tgt || row.Query != q {
			continue
		}
		if row.Header != "" {
			if _, ok, err := rq.header(row.Header); err != nil {
				return nil, err
			} else if !ok {
				continue
			}
		}
		return row, nil
	}
	return nil, errNotImplemented("s3_unknown_operation")
}

// header returns a header's value, taken from the headers or, in a
// presigned URL, from the query parameter of the same name (S3 reads
// hoisted x-amz-* headers from the query); name is lower case. A header
// sent twice, or both ways, is refused so that no two readers can
// disagree on it.
func (rq *request) header(name string) (string, bool, error) {
	vals := sigv4.HeaderValues(rq.r.Header, name)
	qv, inQuery := rq.hoisted[name]
	n := len(vals)
	if inQuery {
		n++
	}
	switch {
	case n == 0:
		return "", false, nil
	case n > 1:
		// Our message: S3 documents none for a repeated header.
		return "", false, errInvalidArgument("Header "+strconv.Quote(strings.ToLower(name))+" is repeated.", "s3_header_repeated")
	case inQuery:
		return qv, true, nil
	}
	return vals[0], true, nil
}

// hasHeaderPrefix reports whether any header or hoisted query parameter
// starts with prefix (lower case).
func (rq *request) hasHeaderPrefix(prefix string) bool {
	for h := range rq.r.Header {
		if strings.HasPrefix(strings.ToLower(h), prefix) {
			return true
		}
	}
	for h := range rq.hoisted {
		if strings.HasPrefix(h, prefix) {
			return true
		}
	}
	return false
}

// validateParams checks the parameters whose values S3 validates before
// authorizing, and those that select the checks.
func (op *Operation) validateParams(rq *request) error {
	if v, ok := rq.subs["list-type"]; ok && v != "2" {
		// S3 knows only list-type=2 (ListObjectsV2).
		return errNotImplemented("s3_list_type")
	}
	if v, ok := rq.params["versionId"]; ok {
		if op.rule.VersionActions == nil {
			return errNotImplemented("s3_version_id_unsupported")
		}
		if v == "" {
			return errInvalidArgument("Version id cannot be the empty string", "s3_version_id_empty")
		}
		op.VersionID = v
	}
	if v, ok := rq.subs["partNumber"]; ok {
		if n, err := strconv.Atoi(v); err != nil || n < 1 || n > 10000 {
			return errInvalidArgument("Part number must be an integer between 1 and 10000, inclusive", "s3_part_number")
		}
	}
	if v, ok := rq.params["max-keys"]; ok {
		if n, err := strconv.ParseInt(v, 10, 32); err != nil || n < 0 {
			return errInvalidArgument("Provided max-keys not an integer or within integer range", "s3_max_keys")
		}
	}
	return nil
}

// requestKeys sets AuthType and the request-wide keys.
func (op *Operation) requestKeys(rq *request) error {
	authHeader := rq.r.Header.Get("Authorization")
	_, queryAuth := rq.hoisted["x-amz-algorithm"]
	for _, p := range []string{"x-amz-credential", "x-amz-signature"} {
		if _, ok := rq.hoisted[p]; ok {
			queryAuth = true
		}
	}
	if len(rq.r.Header.Values("Authorization")) > 0 && queryAuth {
		// S3's message for a request authenticated both ways.
		return errInvalidArgument("Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, "+
			"Signature query string parameter or the Authorization header should be specified", "s3_auth_both")
	}
	switch {
	case queryAuth:
		op.AuthType = AuthTypeQuery
		if rq.hoisted["x-amz-algorithm"] == sigV4Algorithm {
			op.Keys = append(op.Keys, authzKey(keySignatureVersion, sigV4Algorithm))
		}
	case len(rq.r.Header.Values("Authorization")) > 0:
		op.AuthType = AuthTypeHeader
		if strings.HasPrefix(authHeader, sigV4Algorithm+" ") {
			op.Keys = append(op.Keys, authzKey(keySignatureVersion, sigV4Algorithm))
		}
	}
	if op.AuthType != "" {
		op.Keys = append([]authz.Key{authzKey(keyAuthType, op.AuthType)}, op.Keys...)
	}
	// s3:x-amz-content-sha256 comes from the header only ("this condition
	// key doesn't support x-amz-content-sha256 as a query string
	// parameter").
	if vals := rq.r.Header.Values("X-Amz-Content-Sha256"); len(vals) > 1 {
		return errInvalidArgument(`Header "x-amz-content-sha256" is repeated.`, "s3_header_repeated")
	} else if len(vals) == 1 {
		op.Keys = append(op.Keys, authzKey(keyContentSHA256, vals[0]))
	}
	if rq.r.TLS != nil {
		if v, ok := tlsVersions[rq.r.TLS.Version]; ok {
			op.Keys = append(op.Keys, authzKey(keyTLSVersion, v))
		}
	}
	return nil
}

func authzKey(name, value string) authz.Key {
	return authz.Key{Name: name, Values: []string{value}}
}
