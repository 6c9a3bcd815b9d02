package iam

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/stsd/stsd/internal/policy"
	"github.com/stsd/stsd/internal/store"
)

// Bucket policies are S3 resource-based policies that stsd keeps itself, so
// that the S3 gateway enforces them in front of any backend (docs/s3-gateway.md): the
// gateway answers PutBucketPolicy, GetBucketPolicy and DeleteBucketPolicy
// from the store and never forwards them. One policy per (account, bucket),
// at accounts/<acct>/bucket-policies/<bucket>, under KeyPrefix so the Cache
// watches it with every IAM entity; the snapshot holds each one parsed.
//
// Errors are *Error values of the bucket-policy reasons
// (Reason.BucketPolicy), ReasonConcurrentChange, or ReasonStoreFailure
// with the store error as Cause, so errors.Is(err, store.ErrUnavailable)
// still works; the gateway answers each with S3's code, status and message
// (internal/s3gw).

const kindBucketPolicies = "bucket-policies"

// BucketPolicyKey is the store key of a bucket's policy.
func BucketPolicyKey(account, bucket string) string {
	return entityKey(account, kindBucketPolicies, bucket)
}

// BucketPolicy is a bucket policy as stored.
type BucketPolicy struct {
	Account string `json:"account"`
	Bucket  string `json:"bucket"`
	// Document is the policy as accepted, with the whitespace between JSON
	// tokens removed (the form S3 measures against its 20 KB limit); it is
	// what GetBucketPolicy returns. S3 too answers GetBucketPolicy with a
	// re-serialized document rather than the bytes sent.
	Document string `json:"document"`
	// Revision is the store revision of the stored value (not stored).
	Revision int64 `json:"-"`
}

func (x *BucketPolicy) setRevision(rev int64) { x.Revision = rev }

// BucketPolicyView is a bucket policy with its document parsed when the
// snapshot was built.
type BucketPolicyView struct {
	Policy *BucketPolicy
	// Document is the parsed policy; BucketDenyAll, with Err saying why, if
	// the stored document no longer passes ParseBucketPolicy.
	Document *policy.Policy
	Err      error
}

// BucketDenyAll stands in for a stored bucket policy that no longer parses
// (written under a rule since tightened, or damaged): it denies every action
// to every principal, the account root included. iam.DenyAll cannot serve
// here: it names no Principal, and the engine skips resource-policy
// statements without one, so as a bucket policy it would deny nothing and
// silently drop the stored policy's Deny statements (fail open). Until an
// operator puts a valid policy or deletes it (the gateway must let the
// bucket owner's root do both, as S3 does whatever the policy says), the
// bucket is closed, and the cache logs why.
var BucketDenyAll = func() *policy.Policy {
	p, err := policy.ParseAs([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}]}`), policy.KindResource)
	if err != nil {
		panic(err)
	}
	return p
}()

func checkBucketPolicyTarget(account, bucket string) error {
	if !IsAccountID(account) {
		// The gateway passes the authenticated owner's account: anything
		// else is a bug, never a client error.
		return fmt.Errorf("bucket policy: invalid account %q", account)
	}
	if !ValidBucketName(bucket) {
		return &Error{Reason: ReasonInvalidBucketName, Subject: bucket}
	}
	return nil
}

// PutBucketPolicy validates doc as S3 validates a bucket policy for bucket
// (ParseBucketPolicy) and stores it, replacing any policy the bucket has. It
// returns the store revision of the write (of the stored value when doc
// equals it already), which Cache.WaitRevision takes for read-your-writes.
// Concurrent puts are serialized by compare-and-swap: the last one wins and
// none fails unless every round is lost (ReasonConcurrentChange).
func (r *Repo) PutBucketPolicy(ctx context.Context, account, bucket, doc string) (int64, error) {
	if err := checkBucketPolicyTarget(account, bucket); err != nil {
		return 0, err
	}
	compact, err := checkBucketPolicy(bucket, doc)
	if err != nil {
		return 0, err
	}
	data, err := json.Marshal(&BucketPolicy{Account: account, Bucket: bucket, Document: compact})
	if err != nil {
		return 0, serviceFailure(err)
	}
	key := BucketPolicyKey(account, bucket)
	for range maxCASAttempts {
		var expected int64
		kv, err := r.st.Get(ctx, key)
		switch {
		case err == nil:
			if bytes.Equal(kv.Value, data) {
				return kv.Revision, nil
			}
			expected = kv.Revision
		case errors.Is(err, store.ErrNotFound):
		default:
			return 0, serviceFailure(err)
		}
		rev, err := r.st.CompareAndSwap(ctx, key, expected, data)
		if errors.Is(err, store.ErrConflict) {
			continue
		}
		if err != nil {
			return 0, serviceFailure(err)
		}
		return rev, nil
	}
	return 0, errConcurrent()
}

// GetBucketPolicy returns the bucket's policy as stored, or
// ReasonBucketPolicyNotFound. It reads the store, not the snapshot: an
// admin read that must see the last write.
func (r *Repo) GetBucketPolicy(ctx context.Context, account, bucket string) (*BucketPolicy, error) {
	if err := checkBucketPolicyTarget(account, bucket); err != nil {
		return nil, err
	}
	kv, err := r.st.Get(ctx, BucketPolicyKey(account, bucket))
	if errors.Is(err, store.ErrNotFound) {
		return nil, &Error{Reason: ReasonBucketPolicyNotFound, Subject: bucket}
	}
	if err != nil {
		return nil, serviceFailure(err)
	}
	var p BucketPolicy
	if err := decodeValue(kv, &p); err != nil {
		return nil, serviceFailure(err)
	}
	return &p, nil
}

// DeleteBucketPolicy removes the bucket's policy. Deleting a policy that
// does not exist succeeds, as S3's DeleteBucketPolicy answers 204 either
// way. A recording repository (Repo.Recording) records the delete's
// revision for Cache.WaitRevision; another caller that needs the snapshot
// to reflect it waits with Cache.WaitFor and Snapshot.BucketPolicy.
func (r *Repo) DeleteBucketPolicy(ctx context.Context, account, bucket string) error {
	if err := checkBucketPolicyTarget(account, bucket); err != nil {
		return err
	}
	// Unconditional: whatever policy is there when the delete lands is the
	// one the caller meant to remove.
	_, err := r.st.Delete(ctx, BucketPolicyKey(account, bucket))
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return serviceFailure(err)
	}
	return nil
}

// BucketPolicy returns the bucket's policy parsed, for the engine's
// Request.ResourcePolicy: BucketDenyAll when the stored document does not
// parse (fail closed), false when the bucket has no policy.
func (s *Snapshot) BucketPolicy(account, bucket string) (*policy.Policy, bool) {
	v, ok := s.BucketPolicyView(account, bucket)
	if !ok {
		return nil, false
	}
	return v.Document, true
}

// BucketPolicyView returns the bucket's policy with its stored form and
// parse error.
func (s *Snapshot) BucketPolicyView(account, bucket string) (*BucketPolicyView, bool) {
	a := s.accounts[account]
	if a == nil {
		return nil, false
	}
	v, ok := a.bucketPolicies[bucket]
	return v, ok
}

// putBucketPolicy adds a stored bucket policy to the snapshot being built.
// Unlike a role, whose corrupt value leaves it out of the snapshot (no role,
// no access), a bucket policy left out would lift its Deny statements, so a
// value that does not even decode stands as BucketDenyAll too.
func (b *builder) putBucketPolicy(account, bucket string, kv store.KV) error {
	var p BucketPolicy
	var v *BucketPolicyView
	if err := decodeValue(kv, &p); err != nil {
		v = &BucketPolicyView{Policy: &BucketPolicy{Account: account, Bucket: bucket, Revision: kv.Revision},
			Document: BucketDenyAll, Err: err}
	} else {
		v = newBucketPolicyView(account, bucket, &p)
	}
	if v.Err != nil {
		b.problems = append(b.problems, fmt.Errorf("iam cache: bucket policy of %s in %s denies everything: %w", bucket, account, v.Err))
	}
	b.account(account).bucketPolicies[bucket] = v
	return nil
}

func newBucketPolicyView(account, bucket string, p *BucketPolicy) *BucketPolicyView {
	v := &BucketPolicyView{Policy: p}
	if p.Account != account || p.Bucket != bucket {
		v.Document, v.Err = BucketDenyAll, fmt.Errorf("stored for %s/%s under the key of %s/%s", p.Account, p.Bucket, account, bucket)
		return v
	}
	v.Document, v.Err = ParseBucketPolicy(bucket, p.Document)
	if v.Err != nil {
		v.Document = BucketDenyAll // fail closed: never lose the policy's denies
	}
	return v
}
