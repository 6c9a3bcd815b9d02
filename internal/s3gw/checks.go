package s3gw

import (
	"net/url"
	"strings"

	"github.com/stsd/stsd/internal/iam"
)

// buildPool collects the condition keys the request supplies.
func (op *Operation) buildPool(rq *request) error {
	for _, q := range queryKeys {
		if v, ok := rq.params[q.Param]; ok {
			op.pool.add(q.Key, v)
		}
	}
	if op.VersionID != "" {
		op.pool.add(keyVersionID, op.VersionID)
	}
	for _, h := range headerKeys {
		v, ok, err := rq.header(h.Header)
		if err != nil {
			return err
		}
		if ok {
			op.pool.add(h.Key, v)
		}
	}
	if op.rule.Header == "x-amz-copy-source" {
		v, _, err := rq.header("x-amz-copy-source")
		if err != nil {
			return err
		}
		cs, err := parseCopySource(v)
		if err != nil {
			return err
		}
		op.CopySource = cs
		// s3:x-amz-copy-source is "bucket/key", decoded, as in S3's
		// examples ("StringNotLike": {"s3:x-amz-copy-source":
		// "amzn-s3-demo-source-bucket/public/*"}).
		op.pool.add(keyCopySource, cs.Bucket+"/"+cs.Key)
	}
	v, ok, err := rq.header("x-amz-tagging")
	if err != nil {
		return err
	}
	if ok {
		tags, err := parseTaggingHeader(v)
		if err != nil {
			return err
		}
		op.addTags(tags)
	}
	return nil
}

// Tag is one object tag.
type Tag struct{ Key, Value string }

// addTags supplies s3:RequestObjectTag/<key> for each tag and
// s3:RequestObjectTagKeys, multivalued ([SAR]; S3 User Guide "Tagging and
// access control policies").
func (op *Operation) addTags(tags []Tag) {
	keys := make([]string, 0, len(tags))
	for _, t := range tags {
		op.pool.add(keyRequestObjectTag+t.Key, t.Value)
		keys = append(keys, t.Key)
	}
	op.pool = append(op.pool, authzMulti(keyRequestObjectTagKeys, keys))
}

// maxObjectTags is S3's limit: "You can associate up to 10 tags with an
// object" (S3 User Guide, "Categorizing your storage using tags").
const maxObjectTags = 10

// parseTaggingHeader reads x-amz-tagging: "The tag-set must be encoded as
// URL Query parameters" ([API] PutObject), e.g. "Key1=Value1&Key2=Value2".
func parseTaggingHeader(v string) ([]Tag, error) {
	var tags []Tag
	seen := map[string]bool{}
	for part := range strings.SplitSeq(v, "&") {
		if part == "" {
			continue
		}
		rk, rv, _ := strings.Cut(part, "=")
		k, err1 := url.QueryUnescape(rk)
		val, err2 := url.QueryUnescape(rv)
		if err1 != nil || err2 != nil || k == "" || seen[k] {
			// S3's message for a malformed x-amz-tagging.
			return nil, errInvalidArgument("The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.", "s3_tagging_header")
		}
		seen[k] = true
		if len(tags) == maxObjectTags {
			// Our message: S3 answers InvalidTag for too many tags.
			return nil, errInvalidTag("Object tags cannot be greater than 10")
		}
		tags = append(tags, Tag{Key: k, Value: val})
	}
	return tags, nil
}

// parseCopySource reads x-amz-copy-source: "the name of the source bucket
// and the key of the source object, separated by a slash (/)", URL-encoded,
// optionally followed by "?versionId=<id>" ([API] CopyObject). Access
// point ARNs are not implemented.
func parseCopySource(v string) (*CopySource, error) {
	bad := func() error {
		return errInvalidArgument("Copy Source must mention the source bucket and key: sourcebucket/sourcekey", "s3_copy_source")
	}
	v = strings.TrimPrefix(v, "/")
	if strings.HasPrefix(v, "arn:") {
		return nil, errNotImplemented("s3_copy_source_arn")
	}
	path, query, hasQuery := strings.Cut(v, "?")
	rawBucket, rawKey, ok := strings.Cut(path, "/")
	if !ok || rawBucket == "" || rawKey == "" {
		return nil, bad()
	}
	b, err1 := url.PathUnescape(rawBucket)
	k, err2 := url.PathUnescape(rawKey)
	if err1 != nil || err2 != nil {
		return nil, bad()
	}
	cs := &CopySource{Bucket: b, Key: k}
	if hasQuery {
		name, rawVer, _ := strings.Cut(query, "=")
		ver, err := url.QueryUnescape(rawVer)
		if name != "versionId" || err != nil || ver == "" || strings.Contains(rawVer, "&") {
			return nil, bad()
		}
		cs.VersionID = ver
	}
	if !iam.ValidBucketName(b) {
		return nil, errInvalidBucketName()
	}
	if err := checkKey(k); err != nil {
		return nil, err
	}
	return cs, nil
}

// buildChecks sets Checks from the matched row.
func (op *Operation) buildChecks(rq *request, tgt target) error {
	res := arnPrefix + "*"
	switch tgt {
	case bucket:
		res = bucketARN(op.Bucket)
	case object:
		res = objectARN(op.Bucket, op.Key)
	}
	actions := op.rule.Actions
	if op.VersionID != "" {
		actions = op.rule.VersionActions
	}
	for _, a := range actions {
		op.addCheck(a, res)
	}
	extras, err := op.extras(rq)
	if err != nil {
		return err
	}
	if op.Body == BodyDelete {
		op.deleteExtras = extras // DeleteChecks applies them per key
	} else {
		for _, a := range extras {
			op.addCheck(a, res)
		}
	}
	if cs := op.CopySource; cs != nil {
		src := op.rule.Source
		if cs.VersionID != "" {
			src = op.rule.SourceVersion
		}
		for _, a := range src {
			k := keyPool{}
			if cs.VersionID != "" {
				k.add(keyVersionID, cs.VersionID)
			}
			op.Checks = append(op.Checks, checkOf(a, cs.ARN(), k.forAction(a)))
		}
	}
	return nil
}

// extras returns the header-implied actions of the row, once each.
func (op *Operation) extras(rq *request) ([]string, error) {
	var out []string
	for _, x := range op.rule.Extras {
		on := false
		if prefix, ok := strings.CutSuffix(x.Header, "*"); ok {
			on = rq.hasHeaderPrefix(prefix)
		} else {
			v, present, err := rq.header(x.Header)
			if err != nil {
				return nil, err
			}
			on = present && (x.Except == "" || !strings.EqualFold(strings.TrimSpace(v), x.Except))
		}
		if on && !contains(out, x.Action) {
			out = append(out, x.Action)
		}
	}
	return out, nil
}

func (op *Operation) addCheck(action, res string) {
	for _, c := range op.Checks {
		if c.Action == action && c.Resource == res {
			return
		}
	}
	op.Checks = append(op.Checks, checkOf(action, res, op.pool.forAction(action)))
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
