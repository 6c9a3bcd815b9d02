package s3gw

import (
	"bytes"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/iam"
)

// FuzzClassify attacks the classifier with hostile methods, hosts, paths,
// queries and headers: it must never panic, every failure is an
// *awserr.Error, and every success names an operation whose checks all
// have an action and a resource under arn:aws:s3:::, with the resource's
// key equal to the decoded key.
func FuzzClassify(f *testing.F) {
	seeds := []struct{ method, host, uri, hdr string }{
		{"GET", "h", "/", ""},
		{"GET", "data.s3.example.com", "/a/b", ""},
		{"GET", "h", "/data?list-type=2&prefix=a%2Fb&delimiter=%2F&max-keys=10", ""},
		{"PUT", "h", "/data/k", "x-amz-copy-source: src/a%20b?versionId=1"},
		{"PUT", "h", "/data/k?partNumber=1&uploadId=u", "x-amz-copy-source: /src/k"},
		{"PUT", "h", "/data/k?x-amz-acl=public-read&X-Amz-Algorithm=AWS4-HMAC-SHA256", "x-amz-tagging: a=1&b=2"},
		{"POST", "h", "/data?delete", "x-amz-bypass-governance-retention: true"},
		{"POST", "h", "/data/k?uploads&uploadId=", ""},
		{"DELETE", "h", "/data/k?versionId=v&tagging", ""},
		{"GET", "h", "/data/%2E%2E/%2F?acl", ""},
		{"HEAD", "[::1]:1", "//", ""},
		{"PUT", "h", "/data", "x-amz-grant-full-control: id=1"},
	}
	for _, s := range seeds {
		f.Add(s.method, s.host, s.uri, s.hdr)
	}
	f.Fuzz(func(t *testing.T, method, host, uri, hdr string) {
		u, err := url.ParseRequestURI(uri)
		if err != nil {
			return
		}
		r := &http.Request{Method: method, Host: host, URL: u, Header: http.Header{}}
		for line := range strings.SplitSeq(hdr, "\n") {
			if name, value, ok := strings.Cut(line, ":"); ok {
				r.Header.Add(strings.TrimSpace(name), strings.TrimSpace(value))
			}
		}
		op, err := Classify(r, "s3.example.com")
		if err != nil {
			var ae *awserr.Error
			if !errors.As(err, &ae) || ae.Code == "" || ae.Status < 400 {
				t.Fatalf("error %v is not an S3 error", err)
			}
			return
		}
		if op.Name == "" {
			t.Fatal("no operation name")
		}
		if op.Body != BodyDelete && len(op.Checks) == 0 {
			t.Fatalf("%s has no checks", op.Name)
		}
		for _, c := range op.Checks {
			if !strings.HasPrefix(c.Action, "s3:") || !strings.HasPrefix(c.Resource, arnPrefix) {
				t.Fatalf("bad check %+v", c)
			}
		}
		if op.Key != "" && op.CopySource == nil && op.Checks[0].Resource != objectARN(op.Bucket, op.Key) {
			t.Fatalf("resource %q for bucket %q key %q", op.Checks[0].Resource, op.Bucket, op.Key)
		}
		if op.Bucket != "" && !iam.ValidBucketName(op.Bucket) || len(op.Key) > maxKeyBytes {
			t.Fatalf("accepted bucket %q key of %d bytes", op.Bucket, len(op.Key))
		}
		if cs := op.CopySource; cs != nil {
			back, err := parseCopySource(cs.Header())
			if err != nil || *back != *cs {
				t.Fatalf("copy source %+v does not round-trip: %+v %v", cs, back, err)
			}
		}
	})
}

// FuzzParseDelete: no panic; a parsed body has 1 to 1,000 keys, each
// non-empty and within the key limit, and its checks are one per key.
func FuzzParseDelete(f *testing.F) {
	f.Add([]byte(cliDelete))
	f.Add([]byte(`<?xml version="1.0"?><Delete><Object><Key>a</Key><ETag>e</ETag></Object><Quiet>false</Quiet></Delete>`))
	f.Add([]byte(`<Delete><Object><Key>&lt;&#x1F600;</Key><VersionId>v</VersionId></Object></Delete>`))
	op, err := Classify(newReq("POST", "h", "/data?delete"), "")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		d, err := ParseDelete(bytes.NewReader(body))
		if err != nil {
			var ae *awserr.Error
			if !errors.As(err, &ae) || ae.Status != 400 {
				t.Fatalf("error %v", err)
			}
			return
		}
		if n := len(d.Objects); n < 1 || n > MaxDeleteObjects {
			t.Fatalf("%d objects", n)
		}
		checks := op.DeleteChecks(d)
		for i, o := range d.Objects {
			if o.Key == "" || len(o.Key) > maxKeyBytes {
				t.Fatalf("key %q", o.Key)
			}
			if len(checks[i].Checks) != 1 || checks[i].Checks[0].Resource != objectARN("data", o.Key) {
				t.Fatalf("checks %+v", checks[i])
			}
		}
	})
}

// FuzzParseTagging: no panic; at most 10 unique, non-empty keys.
func FuzzParseTagging(f *testing.F) {
	f.Add([]byte(`<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		tags, err := ParseTagging(bytes.NewReader(body))
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, tg := range tags {
			if tg.Key == "" || seen[tg.Key] {
				t.Fatalf("tags %+v", tags)
			}
			seen[tg.Key] = true
		}
		if len(tags) > maxObjectTags {
			t.Fatalf("%d tags", len(tags))
		}
	})
}
