package authz_test

import (
	"testing"

	"github.com/stsd/stsd/internal/authn"
	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/policy"
)

// Bucket policies as the S3 gateway will use them: stored with
// Repo.PutBucketPolicy, read parsed from the snapshot the engine reads, and
// passed as the request's resource policy.

const bucketName = "photos"

// putBucketPolicy stores doc as the test bucket's policy and waits for the
// snapshot to hold it.
func (w *world) putBucketPolicy(doc string) {
	w.t.Helper()
	rev, err := w.repo.PutBucketPolicy(w.ctx, acct, bucketName, doc)
	if err != nil {
		w.t.Fatalf("PutBucketPolicy: %v", err)
	}
	w.wait(rev)
}

// decideS3 decides one S3 check with the bucket's policy from the current
// snapshot, as the gateway will.
func (w *world) decideS3(c *authn.Caller, action, resource string) policy.Outcome {
	w.t.Helper()
	ar := authz.Request{Caller: c, Checks: []authz.Check{{Action: action, Resource: resource}}}
	if p, ok := w.cache.Current().BucketPolicy(acct, bucketName); ok {
		ar.ResourcePolicy, ar.ResourcePolicyName = p, "bucket-policy"
	}
	return w.engine.Decide(ar).Checks[0].Decision.Effect
}

// TestBucketPolicyGrantsAnotherRole: a role with no permissions of its own
// reads the bucket because its policy names the role, and only what the
// policy grants; other roles stay out.
func TestBucketPolicyGrantsAnotherRole(t *testing.T) {
	w := newWorld(t)
	reader := w.session(w.role("reader", entity{}), "job-1", nil)
	other := w.session(w.role("other", entity{}), "job-2", nil)

	// No bucket policy yet: the reader has no permission anywhere.
	if got := w.decideS3(reader, "s3:GetObject", "arn:aws:s3:::photos/a.jpg"); got != implicitDeny {
		t.Fatalf("before the policy: %v", got)
	}
	w.putBucketPolicy(`{"Version":"2012-10-17","Statement":[{"Sid":"ReaderGets","Effect":"Allow",
		"Principal":{"AWS":"arn:aws:iam::111122223333:role/reader"},
		"Action":"s3:GetObject","Resource":"arn:aws:s3:::photos/*"}]}`)

	for _, c := range []struct {
		caller           *authn.Caller
		action, resource string
		want             policy.Outcome
	}{
		{reader, "s3:GetObject", "arn:aws:s3:::photos/a.jpg", allowed},
		{reader, "s3:GetObject", "arn:aws:s3:::photos/deep/dir/b.jpg", allowed},
		{reader, "s3:PutObject", "arn:aws:s3:::photos/a.jpg", implicitDeny},
		{reader, "s3:DeleteObject", "arn:aws:s3:::photos/a.jpg", implicitDeny},
		{reader, "s3:ListBucket", "arn:aws:s3:::photos", implicitDeny},
		// The policy's resources are the bucket's: another bucket's object
		// is not granted, even if a gateway bug passed this policy for it.
		{reader, "s3:GetObject", "arn:aws:s3:::photos2/a.jpg", implicitDeny},
		{reader, "s3:GetObject", "arn:aws:s3:::other/a.jpg", implicitDeny},
		{other, "s3:GetObject", "arn:aws:s3:::photos/a.jpg", implicitDeny},
	} {
		if got := w.decideS3(c.caller, c.action, c.resource); got != c.want {
			t.Errorf("%s %s %s = %v, want %v", c.caller.ARN, c.action, c.resource, got, c.want)
		}
	}

	// Replacing the policy applies to the next decision.
	w.putBucketPolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
		"Principal":{"AWS":"arn:aws:iam::111122223333:role/other"},
		"Action":"s3:GetObject","Resource":"arn:aws:s3:::photos/*"}]}`)
	if got := w.decideS3(reader, "s3:GetObject", "arn:aws:s3:::photos/a.jpg"); got != implicitDeny {
		t.Fatalf("reader after the policy moved to other: %v", got)
	}
	if got := w.decideS3(other, "s3:GetObject", "arn:aws:s3:::photos/a.jpg"); got != allowed {
		t.Fatalf("other after the policy named it: %v", got)
	}

	// Deleting it takes the grant away.
	if err := w.repo.DeleteBucketPolicy(w.ctx, acct, bucketName); err != nil {
		t.Fatal(err)
	}
	if err := w.cache.WaitFor(w.ctx, func(s *iam.Snapshot) bool { _, ok := s.BucketPolicy(acct, bucketName); return !ok }); err != nil {
		t.Fatal(err)
	}
	if got := w.decideS3(other, "s3:GetObject", "arn:aws:s3:::photos/a.jpg"); got != implicitDeny {
		t.Fatalf("after the delete: %v", got)
	}
}

// TestBucketPolicyDenies: an explicit Deny in the bucket policy wins over
// the caller's identity policies, NotPrincipal spares only whom it names,
// and the account root is bound by the Deny too.
func TestBucketPolicyDenies(t *testing.T) {
	w := newWorld(t)
	admin := entity{inline: map[string]string{"s3": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`}}
	owner := w.session(w.role("owner", admin), "s", nil)
	ops := w.session(w.role("ops", admin), "s", nil)
	w.putBucketPolicy(`{"Version":"2012-10-17","Statement":[
		{"Sid":"OnlyOwnerReadsSecrets","Effect":"Deny",
		 "NotPrincipal":{"AWS":["arn:aws:iam::111122223333:role/owner","arn:aws:sts::111122223333:assumed-role/owner/s"]},
		 "Action":"s3:GetObject","Resource":"arn:aws:s3:::photos/secret/*"},
		{"Sid":"NoDeletes","Effect":"Deny","Principal":"*","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::photos/*"}]}`)

	for _, c := range []struct {
		caller           *authn.Caller
		action, resource string
		want             policy.Outcome
	}{
		{owner, "s3:GetObject", "arn:aws:s3:::photos/secret/k", allowed},
		{ops, "s3:GetObject", "arn:aws:s3:::photos/secret/k", explicitDeny},
		{ops, "s3:GetObject", "arn:aws:s3:::photos/public/k", allowed},
		{ops, "s3:DeleteObject", "arn:aws:s3:::photos/public/k", explicitDeny},
		{owner, "s3:DeleteObject", "arn:aws:s3:::photos/secret/k", explicitDeny},
		{root(), "s3:DeleteObject", "arn:aws:s3:::photos/k", explicitDeny},
		{root(), "s3:GetObject", "arn:aws:s3:::photos/secret/k", explicitDeny},
		{root(), "s3:PutObject", "arn:aws:s3:::photos/k", allowed},
	} {
		if got := w.decideS3(c.caller, c.action, c.resource); got != c.want {
			t.Errorf("%s %s %s = %v, want %v", c.caller.ARN, c.action, c.resource, got, c.want)
		}
	}
}

// TestBucketPolicyStoredButInvalidDeniesAll: a stored policy that no longer
// parses closes the bucket to everyone, root included. The test also shows
// why iam.DenyAll could not stand in for it: with no Principal, the engine
// ignores it as a resource policy.
func TestBucketPolicyStoredButInvalidDeniesAll(t *testing.T) {
	w := newWorld(t)
	admin := entity{inline: map[string]string{"s3": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`}}
	ops := w.session(w.role("ops", admin), "s", nil)

	ar := authz.Request{Caller: ops, Checks: []authz.Check{{Action: "s3:GetObject", Resource: "arn:aws:s3:::photos/k"}},
		ResourcePolicy: iam.DenyAll}
	if got := w.engine.Decide(ar).Checks[0].Decision.Effect; got != allowed {
		t.Fatalf("iam.DenyAll as a resource policy = %v; this test's premise changed", got)
	}

	// A Deny stored by an older stsd under a rule since tightened.
	rev, err := w.repo.Store().Put(w.ctx, iam.BucketPolicyKey(acct, bucketName),
		[]byte(`{"account":"111122223333","bucket":"photos","document":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}"}`))
	if err != nil {
		t.Fatal(err)
	}
	w.wait(rev)
	if p, _ := w.cache.Current().BucketPolicy(acct, bucketName); p != iam.BucketDenyAll {
		t.Fatalf("stored invalid policy = %v, want BucketDenyAll", p)
	}
	for _, c := range []*authn.Caller{ops, root()} {
		for _, action := range []string{"s3:GetObject", "s3:PutObject", "s3:ListBucket"} {
			if got := w.decideS3(c, action, "arn:aws:s3:::photos/k"); got != explicitDeny {
				t.Errorf("%s %s = %v, want an explicit deny", c.ARN, action, got)
			}
		}
	}
}
