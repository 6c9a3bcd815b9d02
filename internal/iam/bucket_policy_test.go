package iam

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

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

// wantBucketError fails unless err is an *Error of reason whose Subject
// is value — or, for ReasonBucketPolicyGrammar, whose Detail is value (the
// grammar's problem) — and nothing else. S3's answer to each reason is
// pinned by internal/s3gw's TestBucketPolicyAnswers.
func wantBucketError(t *testing.T, err error, reason Reason, value string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v (%T), want %s", err, err, reason)
	}
	subject, detail := value, ""
	if reason == ReasonBucketPolicyGrammar {
		subject, detail = "", value
	}
	if e.Reason != reason || e.Subject != subject || e.Detail != detail {
		t.Fatalf("error = %s %q %q, want %s %q %q", e.Reason, e.Subject, e.Detail, reason, subject, detail)
	}
}

func TestBucketPolicyRoundTrip(t *testing.T) {
	repo, st := newTestRepo(t)
	ctx := testCtx(t)

	_, err := repo.GetBucketPolicy(ctx, acct, bucket)
	wantBucketError(t, err, ReasonBucketPolicyNotFound, bucket)

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
	wantBucketError(t, err, ReasonBucketPolicyNotFound, bucket)
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
		wantBucketError(t, err, ReasonInvalidBucketName, name)
		_, err = repo.GetBucketPolicy(ctx, acct, name)
		wantBucketError(t, err, ReasonInvalidBucketName, name)
		wantBucketError(t, repo.DeleteBucketPolicy(ctx, acct, name), ReasonInvalidBucketName, name)
	}
	for _, name := range []string{"abc", strings.Repeat("a", 63), "my.bucket-1", "1.2.3", "192.168.5.4a"} {
		if !ValidBucketName(name) {
			t.Errorf("ValidBucketName(%q) = false", name)
		}
	}
	// An invalid account is the caller's bug, not the client's: an error
	// with no reason, which an API answers as an internal failure.
	for _, account := range []string{"", "12345678901", "1234567890123", "accounts/x", "12345678901a"} {
		_, err := repo.PutBucketPolicy(ctx, account, bucket, publicRead)
		var e *Error
		if err == nil || errors.As(err, &e) {
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
	// value is the error's Subject, or, for a problem of the grammar, its
	// Detail (S3's wording of each: internal/s3gw's
	// TestBucketPolicyMessages).
	cases := []struct {
		name, doc string
		reason    Reason
		value     string
	}{
		// JSON.
		{"empty", "", ReasonBucketPolicyNotObject, ""},
		{"whitespace only", " \n\t", ReasonBucketPolicyNotObject, ""},
		{"array", "[" + publicReadCompact + "]", ReasonBucketPolicyNotObject, ""},
		{"string", `"{}"`, ReasonBucketPolicyNotObject, ""},
		{"byte order mark", "\ufeff" + publicReadCompact, ReasonBucketPolicyNotObject, ""},
		{"trailing comma", `{"Version":"2012-10-17",}`, ReasonBucketPolicyNotJSON, ""},
		{"truncated", publicReadCompact[:40], ReasonBucketPolicyNotJSON, ""},
		{"trailing data", publicReadCompact + "{}", ReasonBucketPolicyNotJSON, ""},
		{"two documents", publicReadCompact + publicReadCompact, ReasonBucketPolicyNotJSON, ""},
		{"comment", "{/*x*/" + publicReadCompact[1:], ReasonBucketPolicyNotJSON, ""},
		{"invalid UTF-8", strings.Replace(publicReadCompact, "PublicRead", "Public\xffRead", 1), ReasonBucketPolicyNotJSON, ""},
		{"duplicate top-level key", `{"Version":"2012-10-17","Version":"2008-10-17","Statement":` + stmt(allow, anyone, getObject, inBucket) + `}`, ReasonBucketPolicyNotJSON, ""},
		{"duplicate Effect", policyDoc(stmt(`"Effect":"Deny"`, allow, anyone, getObject, inBucket)), ReasonBucketPolicyNotJSON, ""},
		{"duplicate Resource", policyDoc(stmt(allow, anyone, getObject, `"Resource":"arn:aws:s3:::other/*"`, inBucket)), ReasonBucketPolicyNotJSON, ""},
		{"duplicate key by escape", policyDoc(stmt(`"Effect":"Deny"`, `"Eff\u0065ct":"Allow"`, anyone, getObject, inBucket)), ReasonBucketPolicyNotJSON, ""},
		{"deep nesting", nested(100), ReasonBucketPolicyNotJSON, ""},
		{"very deep nesting", strings.Repeat(`{"a":`, 20000), ReasonBucketPolicyNotJSON, ""},
		{"huge", strings.Repeat(`{"a":`, 1<<20), ReasonBucketPolicySize, ""},
		// Size.
		{"over the parser's bound", `{"Id":"` + strings.Repeat("x", policy.MaxDocumentBytes) + `"}`, ReasonBucketPolicySize, ""},
		// Grammar.
		{"no Statement", `{"Version":"2012-10-17"}`, ReasonBucketPolicyGrammar, "Missing required field Statement"},
		{"empty Statement", `{"Version":"2012-10-17","Statement":[]}`, ReasonBucketPolicyGrammar, "Statement must contain at least one statement"},
		{"bad Version", `{"Version":"2020-01-01","Statement":[` + stmt(allow, anyone, getObject, inBucket) + `]}`, ReasonBucketPolicyGrammar, `Invalid Version "2020-01-01": must be "2012-10-17" or "2008-10-17"`},
		{"Version not a string", `{"Version":2012,"Statement":[` + stmt(allow, anyone, getObject, inBucket) + `]}`, ReasonBucketPolicyGrammar, "Version must be a string"},
		{"unknown top-level field", `{"Version":"2012-10-17","Foo":1,"Statement":[` + stmt(allow, anyone, getObject, inBucket) + `]}`, ReasonBucketPolicyGrammar, "Unknown field Foo"},
		{"unknown statement field", policyDoc(stmt(allow, anyone, getObject, inBucket, `"Bar":1`)), ReasonBucketPolicyGrammar, "Unknown field Bar"},
		{"bad effect", policyDoc(stmt(`"Effect":"hello"`, anyone, getObject, inBucket)), ReasonBucketPolicyGrammar, "Invalid effect: hello. Effect must be Allow or Deny"},
		{"no Effect", policyDoc(stmt(anyone, getObject, inBucket)), ReasonBucketPolicyGrammar, "Missing required field Effect"},
		{"no Action", policyDoc(stmt(allow, anyone, inBucket)), ReasonBucketPolicyGrammar, "Policy statement must contain actions."},
		{"no Resource", policyDoc(stmt(allow, anyone, getObject)), ReasonBucketPolicyGrammar, "Policy statement must contain resources."},
		{"no Principal", policyDoc(stmt(allow, getObject, inBucket)), ReasonBucketPolicyGrammar, "Missing required field Principal"},
		{"duplicate Sid", policyDoc(stmt(`"Sid":"a"`, allow, anyone, getObject, inBucket), stmt(`"Sid":"a"`, allow, anyone, getObject, inBucket)), ReasonBucketPolicyGrammar, "Statement IDs (SID) in a single policy must be unique."},
		// Principals.
		{"principal word", principal(`"bob"`), ReasonBucketPolicyGrammar, `Invalid principal in policy: "bob"`},
		{"principal empty object", principal(`{}`), ReasonBucketPolicyGrammar, "Invalid principal in policy: Principal must name at least one principal"},
		{"principal unknown type", principal(`{"Foo":"x"}`), ReasonBucketPolicyGrammar, `Invalid principal in policy: unknown principal type "Foo"`},
		{"principal number", principal(`1`), ReasonBucketPolicyGrammar, `Principal must be "*" or an object, not number`},
		{"principal empty list", principal(`{"AWS":[]}`), ReasonBucketPolicyGrammar, "Principal AWS must not be an empty list"},
		{"principal wildcard role", principal(`{"AWS":"arn:aws:iam::123456789012:role/*"}`), ReasonBucketPolicyGrammar, `Invalid principal in policy: "AWS":"arn:aws:iam::123456789012:role/*"`},
		{"principal S3 ARN", principal(`{"AWS":"arn:aws:s3:::photos"}`), ReasonBucketPolicyPrincipal, "arn:aws:s3:::photos"},
		{"principal policy ARN", principal(`{"AWS":"arn:aws:iam::123456789012:policy/p"}`), ReasonBucketPolicyPrincipal, "arn:aws:iam::123456789012:policy/p"},
		{"principal unique ID", principal(`{"AWS":"AIDAJQABLZS4A3QDU576Q"}`), ReasonBucketPolicyPrincipal, "AIDAJQABLZS4A3QDU576Q"},
		{"principal short account", principal(`{"AWS":"12345678901"}`), ReasonBucketPolicyGrammar, `Invalid principal in policy: "AWS":"12345678901"`},
		{"principal bad session", principal(`{"AWS":"arn:aws:sts::123456789012:assumed-role/r"}`), ReasonBucketPolicyPrincipal, "arn:aws:sts::123456789012:assumed-role/r"},
		{"principal other partition", principal(`{"AWS":"arn:aws-cn:iam::123456789012:root"}`), ReasonBucketPolicyPrincipal, "arn:aws-cn:iam::123456789012:root"},
		{"principal second of list bad", principal(`{"AWS":["123456789012","arn:aws:iam::123456789012:group/g"]}`), ReasonBucketPolicyPrincipal, "arn:aws:iam::123456789012:group/g"},
		{"bad NotPrincipal", policyDoc(stmt(`"Effect":"Deny"`, `"NotPrincipal":{"AWS":"arn:aws:s3:::x"}`, getObject, inBucket)), ReasonBucketPolicyPrincipal, "arn:aws:s3:::x"},
		{"Principal and NotPrincipal", policyDoc(stmt(allow, anyone, `"NotPrincipal":{"AWS":"123456789012"}`, getObject, inBucket)), ReasonBucketPolicyGrammar, "Statement cannot contain both Principal and NotPrincipal"},
		// Actions.
		{"action without vendor", action(`"invalid_action"`), ReasonBucketPolicyGrammar, "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."},
		{"IAM action", action(`"iam:CreateUser"`), ReasonBucketPolicyAction, "iam:CreateUser"},
		{"STS NotAction", policyDoc(stmt(allow, anyone, `"NotAction":"sts:*"`, inBucket)), ReasonBucketPolicyAction, "sts:*"},
		{"one action of many", action(`["s3:GetObject","ec2:RunInstances"]`), ReasonBucketPolicyAction, "ec2:RunInstances"},
		{"action with space", action(`"s3:Get Object"`), ReasonBucketPolicyAction, "s3:Get Object"},
		{"action two colons", action(`"s3:Get:Object"`), ReasonBucketPolicyGrammar, "Actions/Condition can contain only one colon."},
		{"vendor wildcard", action(`"s*:GetObject"`), ReasonBucketPolicyGrammar, "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."},
		{"empty action name", action(`"s3:"`), ReasonBucketPolicyGrammar, "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."},
		{"empty action list", action(`[]`), ReasonBucketPolicyGrammar, "Action must not be an empty list"},
		{"Action and NotAction", policyDoc(stmt(allow, anyone, getObject, `"NotAction":"s3:PutObject"`, inBucket)), ReasonBucketPolicyGrammar, "Statement cannot contain both Action and NotAction"},
		// Resources.
		{"resource star", resource(`"*"`), ReasonBucketPolicyResource, "*"},
		{"resource all buckets", resource(`"arn:aws:s3:::*"`), ReasonBucketPolicyResource, "arn:aws:s3:::*"},
		{"resource all objects everywhere", resource(`"arn:aws:s3:::*/*"`), ReasonBucketPolicyResource, "arn:aws:s3:::*/*"},
		{"resource other bucket", resource(`"arn:aws:s3:::other/*"`), ReasonBucketPolicyResource, "arn:aws:s3:::other/*"},
		{"resource bucket wildcard", resource(`"arn:aws:s3:::photos*"`), ReasonBucketPolicyResource, "arn:aws:s3:::photos*"},
		{"resource bucket ?", resource(`"arn:aws:s3:::photo?/*"`), ReasonBucketPolicyResource, "arn:aws:s3:::photo?/*"},
		{"resource longer bucket", resource(`"arn:aws:s3:::photosx/*"`), ReasonBucketPolicyResource, "arn:aws:s3:::photosx/*"},
		{"resource bucket with suffix", resource(`"arn:aws:s3:::photos-backup"`), ReasonBucketPolicyResource, "arn:aws:s3:::photos-backup"},
		{"resource bucket in upper case", resource(`"arn:aws:s3:::PHOTOS/*"`), ReasonBucketPolicyResource, "arn:aws:s3:::PHOTOS/*"},
		{"resource variable bucket", resource(`"arn:aws:s3:::${aws:username}/*"`), ReasonBucketPolicyResource, "arn:aws:s3:::${aws:username}/*"},
		{"resource other partition", resource(`"arn:aws-cn:s3:::photos/*"`), ReasonBucketPolicyResource, "arn:aws-cn:s3:::photos/*"},
		{"resource region", resource(`"arn:aws:s3:us-east-1::photos/*"`), ReasonBucketPolicyResource, "arn:aws:s3:us-east-1::photos/*"},
		{"resource not an ARN", resource(`"photos/*"`), ReasonBucketPolicyGrammar, `Resource photos/* must be in ARN format or "*".`},
		{"resource IAM", resource(`"arn:aws:iam::123456789012:role/x"`), ReasonBucketPolicyResource, "arn:aws:iam::123456789012:role/x"},
		{"resource one of many", resource(`["arn:aws:s3:::photos/*","arn:aws:s3:::other/*"]`), ReasonBucketPolicyResource, "arn:aws:s3:::other/*"},
		{"NotResource other bucket", policyDoc(stmt(allow, anyone, getObject, `"NotResource":"arn:aws:s3:::other/*"`)), ReasonBucketPolicyResource, "arn:aws:s3:::other/*"},
		{"NotResource star", policyDoc(stmt(`"Effect":"Deny"`, anyone, getObject, `"NotResource":"*"`)), ReasonBucketPolicyResource, "*"},
		{"Resource and NotResource", policyDoc(stmt(allow, anyone, getObject, inBucket, `"NotResource":"arn:aws:s3:::photos"`)), ReasonBucketPolicyGrammar, "Statement cannot contain both Resource and NotResource"},
		// Condition keys.
		{"EC2 condition key", condition(`{"StringEquals":{"ec2:ResourceTag/team":"a"}}`), ReasonBucketPolicyConditionKey, "ec2:ResourceTag/team"},
		{"condition key without vendor", condition(`{"StringEquals":{"team":"a"}}`), ReasonBucketPolicyConditionKey, "team"},
		{"condition key vendor only", condition(`{"StringEquals":{"s3:":"a"}}`), ReasonBucketPolicyConditionKey, "s3:"},
		{"empty condition key", condition(`{"StringEquals":{"":"a"}}`), ReasonBucketPolicyGrammar, "Condition key must not be empty"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseBucketPolicy(bucket, c.doc)
			wantBucketError(t, err, c.reason, c.value)
		})
	}

	// The repository refuses them too, and stores nothing.
	repo, st := newTestRepo(t)
	ctx := testCtx(t)
	for _, c := range cases {
		_, err := repo.PutBucketPolicy(ctx, acct, bucket, c.doc)
		wantBucketError(t, err, c.reason, c.value)
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
	wantBucketError(t, err, ReasonBucketPolicySize, "")
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
	wantBucketError(t, err, ReasonBucketPolicySize, "")
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

	// Every round lost: ReasonConcurrentChange (S3's 409
	// OperationAborted), nothing written.
	f = &flakyStore{Store: st}
	f.conflicts.Store(-1)
	repo = NewRepo(f, RepoOptions{})
	_, err := repo.PutBucketPolicy(ctx, acct, bucket, denyDelete)
	wantBucketError(t, err, ReasonConcurrentChange, "")
	if got := f.swaps.Load(); got != maxCASAttempts {
		t.Fatalf("%d compare-and-swaps, want %d", got, maxCASAttempts)
	}
	if got, _ := NewRepo(st, RepoOptions{}).GetBucketPolicy(ctx, acct, bucket); got.Document != publicReadCompact {
		t.Fatalf("aborted put wrote: %+v", got)
	}

	// A store failure is ReasonStoreFailure (S3's 500), the cause kept for
	// errors.Is.
	repo = NewRepo(&flakyStore{Store: st, getErr: fmt.Errorf("etcd: %w", store.ErrUnavailable)}, RepoOptions{})
	for _, err := range []error{
		func() error { _, err := repo.PutBucketPolicy(ctx, acct, bucket, publicRead); return err }(),
		func() error { _, err := repo.GetBucketPolicy(ctx, acct, bucket); return err }(),
	} {
		wantBucketError(t, err, ReasonStoreFailure, "")
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
// refusal is a bucket-policy reason of KindMalformedPolicy (S3's
// MalformedPolicy), and every accepted policy stays in its bucket.
func FuzzParseBucketPolicy(f *testing.F) {
	f.Add(publicRead)
	f.Add(denyDelete)
	f.Add(policyDoc(stmt(allow, `"NotPrincipal":{"AWS":"123456789012"}`, `"NotAction":"s3:Get*"`, `"NotResource":"arn:aws:s3:::photos/x"`)))
	f.Add(`{"Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"arn:aws:s3:::photos"}}`)
	f.Fuzz(func(t *testing.T, doc string) {
		p, err := ParseBucketPolicy(bucket, doc)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Kind() != KindMalformedPolicy || !e.Reason.BucketPolicy() {
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

// TestValidBucketName: S3's general purpose bucket naming rules, the one
// rule the S3 gateway and the bucket-policy store apply.
func TestValidBucketName(t *testing.T) {
	good := []string{"abc", "docexamplebucket1", "log-delivery-march-2020", "my-hosted-content",
		"docexamplewebsite.com", "www.docexamplewebsite.com", "my.example.s3.bucket", strings.Repeat("a", 63),
		"1.2.3", "1.2.3.4a", "xn-ok", "s3alias", "a-s3alias-b"}
	bad := []string{"", "ab", strings.Repeat("a", 64), "doc_example_bucket", "DocExampleBucket", "doc-example-bucket-",
		"-abc", ".abc", "abc.", "a..b", "192.168.5.4", "001.002.003.004", "xn--abc", "sthree-abc",
		"sthree-configurator-x", "amzn-s3-demo-bucket", "abc-s3alias", "abc--ol-s3", "abc.mrap", "abc--x-s3",
		"abc--table-s3", "ab c", "abc/", "ab\x00c", "ä-bucket"}
	for _, b := range good {
		if !ValidBucketName(b) {
			t.Errorf("ValidBucketName(%q) = false", b)
		}
	}
	for _, b := range bad {
		if ValidBucketName(b) {
			t.Errorf("ValidBucketName(%q) = true", b)
		}
	}
}
