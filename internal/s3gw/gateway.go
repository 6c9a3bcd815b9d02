package s3gw

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"sync/atomic"
	"time"

	"github.com/stsd/stsd/internal/audit"
	"github.com/stsd/stsd/internal/authn"
	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/iam"
)

// Deps are what the gateway uses, passed explicitly.
type Deps struct {
	// Authn verifies requests; its Verifier accepts the scope service
	// "s3" in the gateway's region and enforces X-Amz-Expires.
	Authn  *authn.Authenticator
	Engine *authz.Engine
	// Repo stores bucket policies; Cache holds them parsed in the live
	// snapshot.
	Repo  *iam.Repo
	Cache *iam.Cache
	// Account owns the buckets behind the gateway: aws:ResourceAccount and
	// the account whose root may always manage a bucket's policy.
	Account string
	Backend *Backend
	// Domain is the base domain of virtual-hosted-style requests ("" for
	// path style only).
	Domain string
	// AuditMode says which data events reach Audit.
	AuditMode AuditMode
	Audit     *audit.Logger
	Metrics   *Metrics
	// TrustedProxies are the peers whose X-Forwarded-For is believed for
	// aws:SourceIp.
	TrustedProxies []netip.Prefix
	Now            func() time.Time
	Logger         *slog.Logger
}

// Gateway is the S3 gateway's HTTP handler.
type Gateway struct {
	deps Deps
}

// New returns the gateway handler.
func New(deps Deps) *Gateway {
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.Logger == nil {
		deps.Logger = slog.Default()
	}
	if deps.Audit == nil {
		deps.Audit = audit.Discard()
	}
	if deps.Metrics == nil {
		deps.Metrics = NewMetrics(nil)
	}
	return &Gateway{deps: deps}
}

// exchange is one request through the gateway, from arrival to answer.
type exchange struct {
	g   *Gateway
	w   http.ResponseWriter
	r   *http.Request
	ctx context.Context
	id  string // x-amz-request-id
	op  *Operation
	in  *incoming
	res authz.Result
	// status and byte counts, for metrics and audit.
	status   int
	bytesIn  atomic.Int64 // written by whoever reads the body (the backend transport)
	bytesOut int64
	denied   bool
	// answered is the error the client was answered with (fail), for
	// the audit event: its code, message and internal reason.
	answered *awserr.Error
	// bodyFailed: reading the client's body failed (countingBody).
	bodyFailed atomic.Bool
}

// ServeHTTP classifies, authenticates and authorizes the request, then
// answers it locally (bucket policies) or forwards it to the backend.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	x := &exchange{g: g, w: w, r: r, ctx: r.Context(), id: newRequestID()}
	r.Body = countingBody{ReadCloser: r.Body, n: &x.bytesIn, failed: &x.bodyFailed}
	w.Header().Set("X-Amz-Request-Id", x.id)
	start := g.deps.Now()
	defer func() { x.finish(start) }()

	op, err := Classify(r, g.deps.Domain)
	if err != nil {
		x.fail(err)
		return
	}
	x.op = op
	in, err := g.authenticate(x.ctx, r)
	if err != nil {
		x.fail(err)
		return
	}
	x.in = in
	switch op.Name {
	case "PutBucketPolicy", "GetBucketPolicy", "DeleteBucketPolicy":
		x.bucketPolicy()
	case "DeleteObjects":
		x.deleteObjects()
	case "PutObjectTagging":
		x.putObjectTagging()
	default:
		if !x.authorize(op.Checks) {
			return
		}
		x.forward(nil, nil)
	}
}

// authorize decides checks — with the resolved form of any key a backend
// may resolve (withResolvedKeys) — each under the policy of the bucket its
// resource names, and answers AccessDenied for the first denied one. It
// reports whether every check was allowed.
func (x *exchange) authorize(checks []authz.Check) bool {
	checks, err := withResolvedKeys(checks)
	if err != nil {
		x.fail(err)
		return false
	}
	x.res = x.g.decide(x, checks)
	if denied := x.res.FirstDenied(); denied != nil {
		x.denied = true
		x.fail(awserr.New("AccessDenied", http.StatusForbidden, denialMessage(x.in.caller.ARN, denied)).
			WithReason("not_authorized_"+denied.Decision.Effect.String(), nil))
		return false
	}
	return true
}

// decide evaluates checks with the engine. A request's checks may name
// two buckets (CopyObject's source and destination): each bucket's checks
// are decided under that bucket's policy, as S3 evaluates the source
// bucket's policy for the read and the destination's for the write.
func (g *Gateway) decide(x *exchange, checks []authz.Check) authz.Result {
	keys := x.op.Keys
	if x.in.sig.Presigned {
		if k, ok := SignatureAgeKey(x.op, x.in.sig.Date, g.deps.Now()); ok {
			keys = append(keys[:len(keys):len(keys)], k)
		}
	}
	env := authz.Env{
		Time: g.deps.Now(), SourceIP: x.in.clientIP, SecureTransport: x.r.TLS != nil,
		UserAgent: x.r.Header.Get("User-Agent"), RequestedRegion: x.in.sig.Scope.Region,
	}
	out := authz.Result{Allowed: true}
	for _, group := range byBucket(checks) {
		rp, _ := g.deps.Cache.Current().BucketPolicy(g.deps.Account, group.bucket)
		res := g.deps.Engine.Decide(authz.Request{
			Caller: x.in.caller, Checks: group.checks, Keys: keys, Env: env,
			ResourcePolicy: rp, ResourcePolicyName: "bucket policy of " + group.bucket,
			ResourceAccount: g.deps.Account,
		})
		out.Checks = append(out.Checks, res.Checks...)
		out.Allowed = out.Allowed && res.Allowed
	}
	if len(out.Checks) == 0 {
		out.Allowed = false
	}
	return out
}

type bucketChecks struct {
	bucket string
	checks []authz.Check
}

// byBucket groups checks by the bucket their resource ARN names, in order
// of first appearance ("" for arn:aws:s3:::*, which has no bucket policy).
func byBucket(checks []authz.Check) []bucketChecks {
	var out []bucketChecks
	for _, c := range checks {
		b := strings.TrimPrefix(c.Resource, arnPrefix)
		if i := strings.IndexByte(b, '/'); i >= 0 {
			b = b[:i]
		}
		if b == "*" {
			b = ""
		}
		found := false
		for i := range out {
			if out[i].bucket == b {
				out[i].checks = append(out[i].checks, c)
				found = true
				break
			}
		}
		if !found {
			out = append(out, bucketChecks{bucket: b, checks: []authz.Check{c}})
		}
	}
	return out
}
