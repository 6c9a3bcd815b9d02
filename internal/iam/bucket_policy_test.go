package iam

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/policy"
	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/testutil/syncio"
)

const (
	bucket = "photos"
	// publicRead is the S3 User Guide's "grant read-only permission to
	// anonymous users" example for the test bucket.
	publicRead = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "PublicRead",
      "Effect": "Allow",
      "Principal": "*",
      "Action": ["s3:GetObject", "s3:GetObjectVersion"],
      "Resource": ["arn:aws:s3:::photos/*"]
    }
  ]
}`
	publicReadCompact = `{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:GetObjectVersion"],"Resource":["arn:aws:s3:::photos/*"]}]}`
	denyDelete        = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::photos/*"}]}`
)

// wantS3Error fails unless err is an *awserr.Error with exactly code,
// status and message.
func wantS3Error(t *testing.T, err error, code string, status int, message string) {
	t.Helper()
	var e *awserr.Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v (%T), want %s", err, err, code)
	}
	if e.Code != code || e.Status != status || e.Message != message {
		t.Fatalf("error = %s %d %q, want %s %d %q", e.Code, e.Status, e.Message, code, status, message)
	}
}

func TestBucketPolicyRoundTrip(t *testing.T) {
	repo, st := newTestRepo(t)
	ctx := testCtx(t)

	_, err := repo.GetBucketPolicy(ctx, acct, bucket)
	wantS3Error(t, err, "NoSuchBucketPolicy", 404, "The bucket policy does not exist")

	rev, err := repo.PutBucketPolicy(ctx, acct, bucket, publicRead)
	if err != nil || rev <= 0 {
		t.Fatalf("PutBucketPolicy = %d, %v", rev, err)
	}
	got, err := repo.GetBucketPolicy(ctx, acct, bucket)
	if err != nil {
		t.Fatal(err)
	}
	if got.Document != publicReadCompact || got.Revision != rev || got.Account != acct || got.Bucket != bucket {
		t.Fatalf("GetBucketPolicy = %+v, want the compact document at revision %d", got, rev)
	}
	kv, err := st.Get(ctx, "accounts/"+acct+"/bucket-policies/"+bucket)
	if err != nil || kv.Revision != rev {
		t.Fatalf("stored at the documented key: %v, %v", kv, err)
	}

	// The same document again (in another layout) writes nothing.
	again, err := repo.PutBucketPolicy(ctx, acct, bucket, publicReadCompact)
	if err != nil || again != rev {
		t.Fatalf("re-put = %d, %v; want the stored revision %d", again, err, rev)
	}
	if _, storeRev, _ := st.List(ctx, KeyPrefix); storeRev != rev {
		t.Fatalf("a no-op put wrote: store revision %d, want %d", storeRev, rev)
	}

	// A put replaces the policy.
	rev2, err := repo.PutBucketPolicy(ctx, acct, bucket, denyDelete)
	if err != nil || rev2 <= rev {
		t.Fatalf("replacing put = %d, %v", rev2, err)
	}
	if got, _ := repo.GetBucketPolicy(ctx, acct, bucket); got.Document != denyDelete || got.Revision != rev2 {
		t.Fatalf("after replace: %+v", got)
	}

	// Policies are per account and per bucket.
	if _, err := repo.GetBucketPolicy(ctx, otherAcct, bucket); err == nil {
		t.Fatal("another account sees the policy")
	}
	if _, err := repo.GetBucketPolicy(ctx, acct, "photos2"); err == nil {
		t.Fatal("another bucket sees the policy")
	}

	if err := repo.DeleteBucketPolicy(ctx, acct, bucket); err != nil {
		t.Fatal(err)
	}
	_, err = repo.GetBucketPolicy(ctx, acct, bucket)
	wantS3Error(t, err, "NoSuchBucketPolicy", 404, "The bucket policy does not exist")
	// Deleting nothing succeeds, as S3 answers 204.
	if err := repo.DeleteBucketPolicy(ctx, acct, bucket); err != nil {
		t.Fatalf("second delete: %v", err)
	}
}

func TestBucketPolicyTargets(t *testing.T) {
	repo, _ := newTestRepo(t)
	ctx := testCtx(t)
	for _, name := range []string{
		"", "ab", strings.Repeat("a", 64), "Photos", "pho_tos", "a/b", "../photos", "photos/", "-photos", "photos-",
		".photos", "pho..tos", "192.168.5.4", "xn--photos", "sthree-photos", "amzn-s3-demo-photos", "photos-s3alias",
		"photos--ol-s3", "photos.mrap", "photos--x-s3", "photos--table-s3", "pho tos", "pho\x00tos", "phötos",
	} {
		_, err := repo.PutBucketPolicy(ctx, acct, name, publicRead)
		wantS3Error(t, err, "InvalidBucketName", 400, "The specified bucket is not valid.")
		_, err = repo.GetBucketPolicy(ctx, acct, name)
		wantS3Error(t, err, "InvalidBucketName", 400, "The specified bucket is not valid.")
		wantS3Error(t, repo.DeleteBucketPolicy(ctx, acct, name), "InvalidBucketName", 400, "The specified bucket is not valid.")
	}
	for _, name := range []string{"abc", strings.Repeat("a", 63), "my.bucket-1", "1.2.3", "192.168.5.4a"} {
		if !ValidBucketName(name) {
			t.Errorf("ValidBucketName(%q) = false", name)
		}
	}
	for _, account := range []string{"", "12345678901", "1234567890123", "accounts/x", "12345678901a"} {
		_, err := repo.PutBucketPolicy(ctx, account, bucket, publicRead)
		var e *awserr.Error
		if !errors.As(err, &e) || e.Code != "InternalFailure" || e.Status != 500 {
			t.Errorf("account %q: %v", account, err)
		}
	}
}

// policyDoc wraps statements (JSON text) in a 2012-10-17 policy.
func policyDoc(statements ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(statements, ",") + `]}`
}

// stmt builds one statement from its parts (JSON member text each).
func stmt(members ...string) string { return "{" + strings.Join(members, ",") + "}" }

const (
	allow     = `"Effect":"Allow"`
	anyone    = `"Principal":"*"`
	getObject = `"Action":"s3:GetObject"`
	inBucket  = `"Resource":"arn:aws:s3:::photos/*"`
)

func TestBucketPolicyValidation(t *testing.T) {
	const (
		invalidJSON = "This policy contains invalid Json"
		firstByte   = "Policies must be valid JSON and the first byte must be '{'"
		badResource = "Policy has invalid resource"
		badAction   = "Policy has invalid action"
		badPrinc    = "Invalid principal in policy"
		badKey      = "Policy has an invalid condition key"
		tooLarge    = "Policy exceeds the maximum allowed document size."
	)
	principal := func(p string) string { return policyDoc(stmt(allow, `"Principal":`+p, getObject, inBucket)) }
	resource := func(r string) string { return policyDoc(stmt(allow, anyone, getObject, `"Resource":`+r)) }
	action := func(a string) string { return policyDoc(stmt(allow, anyone, `"Action":`+a, inBucket)) }
	condition := func(c string) string {
		return policyDoc(stmt(allow, anyone, getObject, inBucket, `"Condition":`+c))
	}
	// nested is a document nested n levels deep inside a statement.
	nested := func(n int) string {
		return policyDoc(stmt(allow, anyone, getObject, inBucket, `"Condition":`+strings.Repeat(`{"a":`, n)+`1`+strings.Repeat(`}`, n)))
	}
	cases := []struct {
		name, doc, message string
	}{
		// JSON.
		{"empty", "", firstByte},
		{"whitespace only", " \n\t", firstByte},
		{"array", "[" + publicReadCompact + "]", firstByte},
		{"string", `"{}"`, firstByte},
		{"byte order mark", "\ufeff" + publicReadCompact, firstByte},
		{"trailing comma", `{"Version":"2012-10-17",}`, invalidJSON},
		{"truncated", publicReadCompact[:40], invalidJSON},
		{"trailing data", publicReadCompact + "{}", invalidJSON},
		{"two documents", publicReadCompact + publicReadCompact, invalidJSON},
		{"comment", "{/*x*/" + publicReadCompact[1:], invalidJSON},
		{"invalid UTF-8", strings.Replace(publicReadCompact, "PublicRead", "Public\xffRead", 1), invalidJSON},
		{"duplicate top-level key", `{"Version":"2012-10-17","Version":"2008-10-17","Statement":` + stmt(allow, anyone, getObject, inBucket) + `}`, invalidJSON},
		{"duplicate Effect", policyDoc(stmt(`"Effect":"Deny"`, allow, anyone, getObject, inBucket)), invalidJSON},
		{"duplicate Resource", policyDoc(stmt(allow, anyone, getObject, `"Resource":"arn:aws:s3:::other/*"`, inBucket)), invalidJSON},
		{"duplicate key by escape", policyDoc(stmt(`"Effect":"Deny"`, `"Eff\u0065ct":"Allow"`, anyone, getObject, inBucket)), invalidJSON},
		{"deep nesting", nested(100), invalidJSON},
		{"very deep nesting", strings.Repeat(`{"a":`, 20000), invalidJSON},
		{"huge", strings.Repeat(`{"a":`, 1<<20), tooLarge},
		// Size.
		{"over the parser's bound", `{"Id":"` + strings.Repeat("x", policy.MaxDocumentBytes) + `"}`, tooLarge},
		// Grammar.
		{"no Statement", `{"Version":"2012-10-17"}`, "Missing required field Statement"},
		{"empty Statement", `{"Version":"2012-10-17","Statement":[]}`, "Could not parse the policy: Statement is empty!"},
		{"bad Version", `{"Version":"2020-01-01","Statement":[` + stmt(allow, anyone, getObject, inBucket) + `]}`, "The policy must contain a valid version string"},
		{"Version not a string", `{"Version":2012,"Statement":[` + stmt(allow, anyone, getObject, inBucket) + `]}`, "The policy must contain a valid version string"},
		{"unknown top-level field", `{"Version":"2012-10-17","Foo":1,"Statement":[` + stmt(allow, anyone, getObject, inBucket) + `]}`, "Unknown field Foo"},
		{"unknown statement field", policyDoc(stmt(allow, anyone, getObject, inBucket, `"Bar":1`)), "Unknown field Bar"},
		{"bad effect", policyDoc(stmt(`"Effect":"hello"`, anyone, getObject, inBucket)), "Invalid effect: hello"},
		{"no Effect", policyDoc(stmt(anyone, getObject, inBucket)), "Missing required field Effect"},
		{"no Action", policyDoc(stmt(allow, anyone, inBucket)), "Missing required field Action"},
		{"no Resource", policyDoc(stmt(allow, anyone, getObject)), "Missing required field Resource"},
		{"no Principal", policyDoc(stmt(allow, getObject, inBucket)), "Missing required field Principal"},
		{"duplicate Sid", policyDoc(stmt(`"Sid":"a"`, allow, anyone, getObject, inBucket), stmt(`"Sid":"a"`, allow, anyone, getObject, inBucket)), "Statement IDs (SID) in a single policy must be unique."},
		// Principals.
		{"principal word", principal(`"bob"`), badPrinc},
		{"principal empty object", principal(`{}`), badPrinc},
		{"principal unknown type", principal(`{"Foo":"x"}`), badPrinc},
		{"principal number", principal(`1`), badPrinc},
		{"principal empty list", principal(`{"AWS":[]}`), badPrinc},
		{"principal wildcard role", principal(`{"AWS":"arn:aws:iam::123456789012:role/*"}`), badPrinc},
		{"principal S3 ARN", principal(`{"AWS":"arn:aws:s3:::photos"}`), badPrinc},
		{"principal policy ARN", principal(`{"AWS":"arn:aws:iam::123456789012:policy/p"}`), badPrinc},
		{"principal unique ID", principal(`{"AWS":"AIDAJQABLZS4A3QDU576Q"}`), badPrinc},
		{"principal short account", principal(`{"AWS":"12345678901"}`), badPrinc},
		{"principal bad session", principal(`{"AWS":"arn:aws:sts::123456789012:assumed-role/r"}`), badPrinc},
		{"principal other partition", principal(`{"AWS":"arn:aws-cn:iam::123456789012:root"}`), badPrinc},
		{"principal second of list bad", principal(`{"AWS":["123456789012","arn:aws:iam::123456789012:group/g"]}`), badPrinc},
		{"bad NotPrincipal", policyDoc(stmt(`"Effect":"Deny"`, `"NotPrincipal":{"AWS":"arn:aws:s3:::x"}`, getObject, inBucket)), badPrinc},
		{"Principal and NotPrincipal", policyDoc(stmt(allow, anyone, `"NotPrincipal":{"AWS":"123456789012"}`, getObject, inBucket)), badPrinc},
		// Actions.
		{"action without vendor", action(`"invalid_action"`), badAction},
		{"IAM action", action(`"iam:CreateUser"`), badAction},
		{"STS NotAction", policyDoc(stmt(allow, anyone, `"NotAction":"sts:*"`, inBucket)), badAction},
		{"one action of many", action(`["s3:GetObject","ec2:RunInstances"]`), badAction},
		{"action with space", action(`"s3:Get Object"`), badAction},
		{"action two colons", action(`"s3:Get:Object"`), badAction},
		{"vendor wildcard", action(`"s*:GetObject"`), badAction},
		{"empty action name", action(`"s3:"`), badAction},
		{"empty action list", action(`[]`), badAction},
		{"Action and NotAction", policyDoc(stmt(allow, anyone, getObject, `"NotAction":"s3:PutObject"`, inBucket)), badAction},
		// Resources.
		{"resource star", resource(`"*"`), badResource},
		{"resource all buckets", resource(`"arn:aws:s3:::*"`), badResource},
		{"resource all objects everywhere", resource(`"arn:aws:s3:::*/*"`), badResource},
		{"resource other bucket", resource(`"arn:aws:s3:::other/*"`), badResource},
		{"resource bucket wildcard", resource(`"arn:aws:s3:::photos*"`), badResource},
		{"resource bucket ?", resource(`"arn:aws:s3:::photo?/*"`), badResource},
		{"resource longer bucket", resource(`"arn:aws:s3:::photosx/*"`), badResource},
		{"resource bucket with suffix", resource(`"arn:aws:s3:::photos-backup"`), badResource},
		{"resource bucket in upper case", resource(`"arn:aws:s3:::PHOTOS/*"`), badResource},
		{"resource variable bucket", resource(`"arn:aws:s3:::${aws:username}/*"`), badResource},
		{"resource other partition", resource(`"arn:aws-cn:s3:::photos/*"`), badResource},
		{"resource region", resource(`"arn:aws:s3:us-east-1::photos/*"`), badResource},
		{"resource not an ARN", resource(`"photos/*"`), badResource},
		{"resource IAM", resource(`"arn:aws:iam::123456789012:role/x"`), badResource},
		{"resource one of many", resource(`["arn:aws:s3:::photos/*","arn:aws:s3:::other/*"]`), badResource},
		{"NotResource other bucket", policyDoc(stmt(allow, anyone, getObject, `"NotResource":"arn:aws:s3:::other/*"`)), badResource},
		{"NotResource star", policyDoc(stmt(`"Effect":"Deny"`, anyone, getObject, `"NotResource":"*"`)), badResource},
		{"Resource and NotResource", policyDoc(stmt(allow, anyone, getObject, inBucket, `"NotResource":"arn:aws:s3:::photos"`)), badResource},
		// Condition keys.
		{"EC2 condition key", condition(`{"StringEquals":{"ec2:ResourceTag/team":"a"}}`), badKey},
		{"condition key without vendor", condition(`{"StringEquals":{"team":"a"}}`), badKey},
		{"condition key vendor only", condition(`{"StringEquals":{"s3:":"a"}}`), badKey},
		{"empty condition key", condition(`{"StringEquals":{"":"a"}}`), badKey},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseBucketPolicy(bucket, c.doc)
			wantS3Error(t, err, "MalformedPolicy", 400, c.message)
		})
	}

	// The repository refuses them too, and stores nothing.
	repo, st := newTestRepo(t)
	ctx := testCtx(t)
	for _, c := range cases {
		_, err := repo.PutBucketPolicy(ctx, acct, bucket, c.doc)
		wantS3Error(t, err, "MalformedPolicy", 400, c.message)
	}
	if kvs, _, _ := st.List(ctx, KeyPrefix); len(kvs) != 0 {
		t.Fatalf("refused policies were stored: %v", kvs)
	}
}

func TestBucketPolicyAccepted(t *testing.T) {
	for _, doc := range []string{
		publicRead,
		"\n  " + publicReadCompact + "\n",
		`{"Version":"2008-10-17","Statement":` + stmt(allow, anyone, getObject, inBucket) + `}`,
		`{"Statement":[` + stmt(allow, anyone, getObject, inBucket) + `]}`,
		`{"Id":"p1","Version":"2012-10-17","Statement":[` + stmt(`"Sid":"Any chars - allowed."`, allow, anyone, getObject, inBucket) + `]}`,
		policyDoc(stmt(allow, `"Principal":{"AWS":"*"}`, `"Action":["s3:*"]`, `"Resource":["arn:aws:s3:::photos","arn:aws:s3:::photos/*"]`)),
		policyDoc(stmt(allow, `"Principal":{"AWS":["123456789012","arn:aws:iam::210987654321:root","arn:aws:iam::123456789012:user/ci/deploy","arn:aws:iam::123456789012:role/reader","arn:aws:sts::123456789012:assumed-role/reader/job-1"]}`, `"Action":["S3:GetObject","s3:List*","s3:Get?bject"]`, `"Resource":"arn:aws:s3:::photos/${aws:username}/*"`)),
		policyDoc(stmt(allow, `"Principal":{"Service":"cloudfront.amazonaws.com"}`, getObject, inBucket)),
		policyDoc(stmt(allow, `"Principal":{"CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}`, getObject, inBucket)),
		policyDoc(stmt(`"Effect":"Deny"`, `"NotPrincipal":{"AWS":"arn:aws:iam::123456789012:role/reader"}`, `"NotAction":"s3:List*"`, `"Resource":"arn:aws:s3:::photos/secret/*"`)),
		policyDoc(stmt(allow, `"NotPrincipal":{"AWS":"123456789012"}`, getObject, inBucket)),
		policyDoc(stmt(allow, anyone, `"Action":"*"`, `"NotResource":"arn:aws:s3:::photos/private/*"`)),
		policyDoc(stmt(allow, anyone, `"Action":"s3:ListBucket"`, `"Resource":"arn:aws:s3:::photos"`,
			`"Condition":{"StringLike":{"s3:prefix":["home/${aws:username}/*"]},"IpAddress":{"aws:SourceIp":"192.0.2.0/24"},"Bool":{"AWS:SecureTransport":"true"}}`)),
	} {
		if _, err := ParseBucketPolicy(bucket, doc); err != nil {
			t.Errorf("ParseBucketPolicy(%s) = %v", doc, err)
		}
	}
}

func TestBucketPolicySizeLimit(t *testing.T) {
	// sized returns a policy whose compact form is n bytes.
	sized := func(n int) string {
		base := policyDoc(stmt(`"Sid":""`, allow, anyone, getObject, inBucket))
		return strings.Replace(base, `"Sid":""`, `"Sid":"`+strings.Repeat("x", n-len(base))+`"`, 1)
	}
	if doc := sized(MaxBucketPolicyBytes); len(doc) != MaxBucketPolicyBytes {
		t.Fatalf("sized = %d bytes", len(doc))
	}
	if _, err := ParseBucketPolicy(bucket, sized(MaxBucketPolicyBytes)); err != nil {
		t.Fatalf("a 20,480-byte policy: %v", err)
	}
	_, err := ParseBucketPolicy(bucket, sized(MaxBucketPolicyBytes+1))
	wantS3Error(t, err, "MalformedPolicy", 400, "Policy exceeds the maximum allowed document size.")
	// Whitespace does not count, as on S3: 20,480 bytes of policy
	// pretty-printed to 30,000 and more are accepted, and stored compact.
	padded := strings.ReplaceAll(sized(MaxBucketPolicyBytes), ",", ",\n        ")
	padded = strings.Replace(padded, "{", "{"+strings.Repeat(" ", 10000), 1)
	if len(padded) < 30000 {
		t.Fatalf("padded = %d bytes", len(padded))
	}
	repo, _ := newTestRepo(t)
	ctx := testCtx(t)
	if _, err := repo.PutBucketPolicy(ctx, acct, bucket, padded); err != nil {
		t.Fatalf("padded policy: %v", err)
	}
	if got, _ := repo.GetBucketPolicy(ctx, acct, bucket); got.Document != sized(MaxBucketPolicyBytes) {
		t.Fatalf("stored %d bytes, want the compact form", len(got.Document))
	}
	// Many statements, each small, past 20 KB.
	many := make([]string, 200)
	for i := range many {
		many[i] = stmt(fmt.Sprintf(`"Sid":"s%d"`, i), allow, anyone, getObject, inBucket)
	}
	_, err = ParseBucketPolicy(bucket, policyDoc(many...))
	wantS3Error(t, err, "MalformedPolicy", 400, "Policy exceeds the maximum allowed document size.")
}

func TestBucketPolicySnapshot(t *testing.T) {
	repo, st := newTestRepo(t)
	ctx := testCtx(t)
	c := startCache(t, st)

	if _, ok := c.Current().BucketPolicy(acct, bucket); ok {
		t.Fatal("policy before any put")
	}
	rev, err := repo.PutBucketPolicy(ctx, acct, bucket, publicRead)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.WaitRevision(ctx, rev); err != nil {
		t.Fatal(err)
	}
	s1 := c.Current()
	p, ok := s1.BucketPolicy(acct, bucket)
	if !ok || p == BucketDenyAll || len(p.Statements) != 1 || p.Statements[0].Sid != "PublicRead" {
		t.Fatalf("BucketPolicy = %v, %v", p, ok)
	}
	if v, _ := s1.BucketPolicyView(acct, bucket); v.Err != nil || v.Policy.Revision != rev || v.Policy.Document != publicReadCompact {
		t.Fatalf("view = %+v", v)
	}
	if d := policy.Evaluate(policy.Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::photos/a.jpg",
		Principal: policy.AWSPrincipal("arn:aws:iam::210987654321:user/x", "")}, policy.Set{Resource: []policy.Named{{Name: "bucket", Policy: p}}}); !d.ResourceAllowed {
		t.Fatalf("the parsed policy does not grant what it says: %+v", d)
	}
	for _, k := range [][2]string{{otherAcct, bucket}, {acct, "photos2"}, {acct, "PHOTOS"}, {"", bucket}} {
		if _, ok := s1.BucketPolicy(k[0], k[1]); ok {
			t.Errorf("BucketPolicy(%q, %q) found a policy", k[0], k[1])
		}
	}

	rev2, err := repo.PutBucketPolicy(ctx, acct, bucket, denyDelete)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.WaitRevision(ctx, rev2); err != nil {
		t.Fatal(err)
	}
	if p, _ := c.Current().BucketPolicy(acct, bucket); p.Statements[0].Effect != policy.Deny {
		t.Fatal("replacement not visible")
	}
	if p, _ := s1.BucketPolicy(acct, bucket); p.Statements[0].Sid != "PublicRead" {
		t.Fatal("a published snapshot changed")
	}

	if err := repo.DeleteBucketPolicy(ctx, acct, bucket); err != nil {
		t.Fatal(err)
	}
	if err := c.WaitFor(ctx, func(s *Snapshot) bool { _, ok := s.BucketPolicy(acct, bucket); return !ok }); err != nil {
		t.Fatal(err)
	}
	if _, ok := s1.BucketPolicy(acct, bucket); !ok {
		t.Fatal("the delete reached an old snapshot")
	}
}

// TestBucketPolicySnapshotFailsClosed: a stored policy the snapshot cannot
// use stands as BucketDenyAll — never as no policy, which would lift its
// Deny statements.
func TestBucketPolicySnapshotFailsClosed(t *testing.T) {
	_, st := newTestRepo(t)
	ctx := testCtx(t)
	var logs syncio.Buffer
	c := NewCache(st, CacheOptions{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	cctx, cancel := context.WithCancel(ctx)
	t.Cleanup(func() { cancel(); <-c.Done() })
	if err := c.Start(cctx); err != nil {
		t.Fatal(err)
	}
	stored := map[string]string{
		// Valid once, now refused: Resource outside the bucket.
		"legacy": `{"account":"` + acct + `","bucket":"legacy","document":` + quote(policyDoc(stmt(`"Effect":"Deny"`, anyone, getObject, `"Resource":"*"`))) + `}`,
		// Not JSON at all.
		"corrupt": `{"account":`,
		// Stored under another bucket's key.
		"moved": `{"account":"` + acct + `","bucket":"photos","document":` + quote(publicReadCompact) + `}`,
	}
	var last int64
	for b, v := range stored {
		rev, err := st.Put(ctx, BucketPolicyKey(acct, b), []byte(v))
		if err != nil {
			t.Fatal(err)
		}
		last = max(last, rev)
	}
	if err := c.WaitRevision(ctx, last); err != nil {
		t.Fatal(err)
	}
	for b := range stored {
		p, ok := c.Current().BucketPolicy(acct, b)
		v, _ := c.Current().BucketPolicyView(acct, b)
		if !ok || p != BucketDenyAll || v.Err == nil {
			t.Errorf("bucket %s: policy %v, %v, err %v; want BucketDenyAll", b, p, ok, v)
		}
		if !strings.Contains(logs.String(), b) {
			t.Errorf("bucket %s: nothing logged: %s", b, logs.String())
		}
	}
	d := policy.Evaluate(policy.Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::legacy/a",
		Principal: policy.AWSPrincipal("arn:aws:iam::"+acct+":root", "")}, policy.Set{Resource: []policy.Named{{Name: "b", Policy: BucketDenyAll}}})
	if d.Effect != policy.ExplicitDeny {
		t.Fatalf("BucketDenyAll does not deny the root: %+v", d)
	}
}

func quote(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// flakyStore makes the first n CompareAndSwap calls fail with ErrConflict
// (n < 0: all of them), and Get fail with getErr when set.
type flakyStore struct {
	store.Store
	conflicts atomic.Int64
	swaps     atomic.Int64
	getErr    error
}

func (f *flakyStore) CompareAndSwap(ctx context.Context, key string, expected int64, value []byte) (int64, error) {
	f.swaps.Add(1)
	if n := f.conflicts.Load(); n != 0 {
		f.conflicts.Add(-1)
		return 0, store.ErrConflict
	}
	return f.Store.CompareAndSwap(ctx, key, expected, value)
}

func (f *flakyStore) Get(ctx context.Context, key string) (store.KV, error) {
	if f.getErr != nil {
		return store.KV{}, f.getErr
	}
	return f.Store.Get(ctx, key)
}

func TestBucketPolicyCompareAndSwap(t *testing.T) {
	_, st := newTestRepo(t)
	ctx := testCtx(t)

	// Lost rounds are retried.
	f := &flakyStore{Store: st}
	f.conflicts.Store(maxCASAttempts - 1)
	repo := NewRepo(f, RepoOptions{})
	if _, err := repo.PutBucketPolicy(ctx, acct, bucket, publicRead); err != nil {
		t.Fatalf("after %d conflicts: %v", maxCASAttempts-1, err)
	}
	if got := f.swaps.Load(); got != maxCASAttempts {
		t.Fatalf("%d compare-and-swaps, want %d", got, maxCASAttempts)
	}

	// Every round lost: 409 OperationAborted, nothing written.
	f = &flakyStore{Store: st}
	f.conflicts.Store(-1)
	repo = NewRepo(f, RepoOptions{})
	_, err := repo.PutBucketPolicy(ctx, acct, bucket, denyDelete)
	wantS3Error(t, err, "OperationAborted", http.StatusConflict,
		"A conflicting conditional operation is currently in progress against this resource. Try again.")
	if got := f.swaps.Load(); got != maxCASAttempts {
		t.Fatalf("%d compare-and-swaps, want %d", got, maxCASAttempts)
	}
	if got, _ := NewRepo(st, RepoOptions{}).GetBucketPolicy(ctx, acct, bucket); got.Document != publicReadCompact {
		t.Fatalf("aborted put wrote: %+v", got)
	}

	// A store failure is S3's 500, the cause kept for errors.Is.
	repo = NewRepo(&flakyStore{Store: st, getErr: fmt.Errorf("etcd: %w", store.ErrUnavailable)}, RepoOptions{})
	for _, err := range []error{
		func() error { _, err := repo.PutBucketPolicy(ctx, acct, bucket, publicRead); return err }(),
		func() error { _, err := repo.GetBucketPolicy(ctx, acct, bucket); return err }(),
	} {
		wantS3Error(t, err, "InternalError", 500, "We encountered an internal error. Please try again.")
		if !errors.Is(err, store.ErrUnavailable) {
			t.Fatalf("cause lost: %v", err)
		}
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := NewRepo(st, RepoOptions{}).PutBucketPolicy(cctx, acct, bucket, denyDelete); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled put = %v", err)
	}
}

// TestBucketPolicyConcurrentPuts: concurrent writers all succeed and the
// stored policy is one of theirs, whole.
func TestBucketPolicyConcurrentPuts(t *testing.T) {
	repo, _ := newTestRepo(t)
	ctx := testCtx(t)
	docs := make([]string, 8)
	for i := range docs {
		docs[i] = policyDoc(stmt(fmt.Sprintf(`"Sid":"writer%d"`, i), allow, anyone, getObject, inBucket))
	}
	var wg sync.WaitGroup
	errs := make([]error, len(docs))
	for i, d := range docs {
		wg.Go(func() { _, errs[i] = repo.PutBucketPolicy(ctx, acct, bucket, d) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("writer %d: %v", i, err)
		}
	}
	got, err := repo.GetBucketPolicy(ctx, acct, bucket)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, d := range docs {
		found = found || got.Document == d
	}
	if !found {
		t.Fatalf("stored %q, none of the writers'", got.Document)
	}
}

// FuzzParseBucketPolicy: any input is answered without a panic, every
// refusal is a MalformedPolicy, and every accepted policy stays in its
// bucket.
func FuzzParseBucketPolicy(f *testing.F) {
	f.Add(publicRead)
	f.Add(denyDelete)
	f.Add(policyDoc(stmt(allow, `"NotPrincipal":{"AWS":"123456789012"}`, `"NotAction":"s3:Get*"`, `"NotResource":"arn:aws:s3:::photos/x"`)))
	f.Add(`{"Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"arn:aws:s3:::photos"}}`)
	f.Fuzz(func(t *testing.T, doc string) {
		p, err := ParseBucketPolicy(bucket, doc)
		if err != nil {
			var e *awserr.Error
			if !errors.As(err, &e) || e.Code != "MalformedPolicy" || e.Status != 400 {
				t.Fatalf("error %v", err)
			}
			return
		}
		for _, s := range p.Statements {
			for _, r := range s.Resources() {
				if r != "arn:aws:s3:::photos" && !strings.HasPrefix(r, "arn:aws:s3:::photos/") {
					t.Fatalf("accepted resource %q", r)
				}
			}
			if !s.HasPrincipal() {
				t.Fatal("accepted a statement without a principal")
			}
		}
	})
}
