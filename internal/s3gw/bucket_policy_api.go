package s3gw

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/stsd/stsd/internal/authn"
	"github.com/stsd/stsd/internal/iam"
)

// maxPolicyUpload bounds a PutBucketPolicy body as it arrives: S3 measures
// its 20 KB limit with the whitespace between tokens removed, so a valid
// policy may arrive larger; beyond this it cannot be valid.
const maxPolicyUpload = 1 << 20

// visibleWait bounds how long a bucket policy write waits to be visible
// in this node's snapshot, so the next request sees it.
const visibleWait = 5 * time.Second

// bucketPolicy answers PutBucketPolicy, GetBucketPolicy and
// DeleteBucketPolicy from stsd's store; they never reach the backend.
// The bucket owner's root may always call them, whatever the policy says:
// "the root principal of the bucket owner account can perform the
// GetBucketPolicy, PutBucketPolicy, and DeleteBucketPolicy API actions,
// even if their bucket policy explicitly denies the root principal's
// access" (S3 API Reference, PutBucketPolicy, GetBucketPolicy,
// DeleteBucketPolicy). That is also how a bucket closed by a stored
// policy that no longer parses (iam.BucketDenyAll) is reopened.
func (x *exchange) bucketPolicy() {
	owner := x.in.caller.Kind == authn.KindRoot && x.in.caller.Account == x.g.deps.Account
	if !owner && !x.authorize(x.op.Checks) {
		return
	}
	if err := x.g.bucketExists(x.ctx, x.op.Bucket); err != nil {
		x.fail(err)
		return
	}
	repo, account, bucket := x.g.deps.Repo, x.g.deps.Account, x.op.Bucket
	switch x.op.Name {
	case "GetBucketPolicy":
		p, err := repo.GetBucketPolicy(x.ctx, account, bucket)
		if err != nil {
			x.fail(err)
			return
		}
		h := x.w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("Content-Length", strconv.Itoa(len(p.Document)))
		x.status = http.StatusOK
		x.w.WriteHeader(http.StatusOK)
		if x.r.Method != http.MethodHead {
			n, _ := x.w.Write([]byte(p.Document))
			x.bytesOut = int64(n)
		}
	case "PutBucketPolicy":
		doc, err := x.readBody(maxPolicyUpload, s3Error(&iam.Error{Reason: iam.ReasonBucketPolicySize}))
		if err != nil {
			x.fail(err)
			return
		}
		rev, err := repo.PutBucketPolicy(x.ctx, account, bucket, string(doc))
		if err != nil {
			x.fail(err)
			return
		}
		x.waitVisible(func(s *iam.Snapshot) bool { return s.Revision() >= rev })
		x.noContent()
	case "DeleteBucketPolicy":
		if err := repo.DeleteBucketPolicy(x.ctx, account, bucket); err != nil {
			x.fail(err)
			return
		}
		x.waitVisible(func(s *iam.Snapshot) bool { _, ok := s.BucketPolicyView(account, bucket); return !ok })
		x.noContent()
	}
}

// waitVisible waits until this node's snapshot shows the write, so the
// caller's next request is decided under it (read-your-writes).
func (x *exchange) waitVisible(cond func(*iam.Snapshot) bool) {
	ctx, cancel := context.WithTimeout(x.ctx, visibleWait)
	defer cancel()
	if err := x.g.deps.Cache.WaitFor(ctx, cond); err != nil {
		x.g.deps.Logger.Warn("bucket policy write not yet visible in the snapshot", "request_id", x.id, "err", err)
	}
}

func (x *exchange) noContent() {
	x.status = http.StatusNoContent
	x.w.WriteHeader(http.StatusNoContent)
}

// bucketExists asks the backend whether the bucket exists (HeadBucket),
// so a policy is never kept for a bucket that is not there: S3 answers
// NoSuchBucket (404, "The specified bucket does not exist").
func (g *Gateway) bucketExists(ctx context.Context, bucket string) error {
	x := &exchange{g: g, ctx: ctx, op: &Operation{Name: "HeadBucket", Bucket: bucket},
		r: &http.Request{Method: http.MethodHead, Header: http.Header{}, URL: &url.URL{}}}
	req, err := x.backendRequest(&outgoing{claim: emptySHA256})
	if err != nil {
		return err
	}
	resp, err := g.deps.Backend.Client.Do(req)
	if err != nil {
		return errBackendUnreachable(err)
	}
	resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return awsErr("NoSuchBucket", http.StatusNotFound, "The specified bucket does not exist", "no_such_bucket")
	case resp.StatusCode >= 300:
		return errInternal("backend_head_bucket_"+strconv.Itoa(resp.StatusCode), nil)
	}
	return nil
}

// emptySHA256 is the SHA-256 of an empty body.
const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
