package authz

import (
	"time"

	"github.com/stsd/stsd/internal/authn"
	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/policy"
)

// Engine decides requests against the live IAM snapshot.
type Engine struct {
	snapshot func() *iam.Snapshot
	now      func() time.Time
	parsed   parsedPolicies // inline session policies, parsed once
	callers  callerViews    // what each caller's decisions share
}

// New returns an engine reading policies from snapshot (the cache's
// current snapshot, so a policy change applies to the next decision) with
// now as the clock (nil means time.Now).
func New(snapshot func() *iam.Snapshot, now func() time.Time) *Engine {
	if now == nil {
		now = time.Now
	}
	return &Engine{snapshot: snapshot, now: now}
}

// Check is one (action, resource) pair to decide, with condition keys that
// apply to this resource only (aws:ResourceTag/*, iam:PolicyARN, …).
type Check struct {
	Action   string // "execute-api:Invoke", "iam:CreateRole", "s3:GetObject"
	Resource string // an ARN; "" means "*"
	Keys     []Key
}

// Key is one condition key a requesting service supplies. Multi makes it
// multivalued (aws:TagKeys, a ForAnyValue dataset) even with one value.
type Key struct {
	Name   string
	Values []string
	Multi  bool
}

// Env holds the facts of the request that stsd observed itself; they
// become global condition keys that no caller can supply.
type Env struct {
	// Time is the request time; zero means the engine's clock.
	Time time.Time
	// SourceIP is the client address (aws:SourceIp): the peer, or the
	// address a trusted proxy forwarded. Empty leaves the key absent.
	SourceIP string
	// SecureTransport is aws:SecureTransport (TLS between the client and
	// the front door).
	SecureTransport bool
	// UserAgent is aws:UserAgent; empty leaves it absent.
	UserAgent string
	// RequestedRegion is aws:RequestedRegion: the region of the request's
	// signature scope. Empty leaves it absent.
	RequestedRegion string
}

// Request is what Decide decides.
type Request struct {
	Caller *authn.Caller
	Checks []Check
	Env    Env
	// Keys are request and service condition keys the requesting service
	// supplies for every check; Supplied says which names are honoured, and
	// keys of the web identity providers are never taken from the service.
	Keys []Key
	// ResourcePolicy is a resource-based policy (a bucket policy, an API's
	// resource policy) or nil. ResourcePolicyName names it in
	// explanations.
	ResourcePolicy     *policy.Policy
	ResourcePolicyName string
	// ResourceAccount is the account that owns the resources; empty means
	// the caller's account (aws:ResourceAccount).
	ResourceAccount string
}

// Result is the decision for every check of a request.
type Result struct {
	// Allowed is true when every check is allowed.
	Allowed bool
	Checks  []CheckResult
}

// CheckResult is the decision for one check, with the context it was
// decided in (for explanations and encoded messages).
type CheckResult struct {
	Check    Check
	Decision policy.Decision
	Context  *policy.Context
}

// FirstDenied returns the first check that was not allowed, or nil.
func (r *Result) FirstDenied() *CheckResult {
	for i := range r.Checks {
		if r.Checks[i].Decision.Effect != policy.Allowed {
			return &r.Checks[i]
		}
	}
	return nil
}

// Decide evaluates every check. The account root is allowed everything in
// its own account (same-account requests only; a resource policy's
// explicit deny still applies to it, as AWS documents for bucket policies).
// A request with no caller or no checks is denied.
func (e *Engine) Decide(req Request) Result {
	res := Result{Checks: make([]CheckResult, len(req.Checks))}
	if req.Caller == nil || len(req.Checks) == 0 {
		return res
	}
	snap := e.snapshot()
	view := e.view(snap, req.Caller)
	set := view.st.set
	if req.ResourcePolicy != nil {
		name := req.ResourcePolicyName
		if name == "" {
			name = "resource-policy"
		}
		set.Resource = []policy.Named{{Name: name, Policy: req.ResourcePolicy}}
	}
	if req.Env.Time.IsZero() {
		req.Env.Time = e.now()
	}
	filter := newKeyFilter(snap, &req)
	base := baseContext(&req, view.template, &filter)
	principal := view.principal
	resourceAccount := req.ResourceAccount
	if resourceAccount == "" {
		resourceAccount = req.Caller.Account
	}
	res.Allowed = true
	for i, chk := range req.Checks {
		ctx := base
		if len(chk.Keys) > 0 {
			ctx = base.Derive()
			filter.add(ctx, chk.Keys)
		}
		pr := policy.Request{
			Action: chk.Action, Resource: chk.Resource, Principal: principal,
			ResourceAccount: resourceAccount, Context: ctx,
		}
		cr := &res.Checks[i]
		cr.Check, cr.Context = chk, ctx
		if r := restrictionFor(req.Caller, chk.Action); r != nil {
			policy.EvaluateInto(&cr.Decision, pr, policy.Set{Identity: r})
		} else if req.Caller.Kind == authn.KindRoot && resourceAccount == req.Caller.Account {
			cr.Decision = rootDecision(pr, set)
		} else {
			policy.EvaluateInto(&cr.Decision, pr, set)
		}
		if cr.Decision.Effect != policy.Allowed {
			res.Allowed = false
		}
	}
	return res
}

// rootDecision decides for the account root: allowed unless a resource
// policy denies it explicitly. Identity policies cannot be attached to
// root, so only the resource layer is evaluated.
func rootDecision(pr policy.Request, set policy.Set) policy.Decision {
	var d policy.Decision
	if len(set.Resource) > 0 {
		policy.EvaluateInto(&d, pr, policy.Set{Resource: set.Resource})
		if d.Effect == policy.ExplicitDeny {
			return d
		}
	}
	d = policy.Decision{Effect: policy.Allowed, IdentityAllowed: true, SessionAllowed: true, BoundaryAllowed: true}
	return d
}

// principalOf is the caller as resource policies see it.
func principalOf(c *authn.Caller) policy.Principal {
	roleARN := ""
	if c.Kind == authn.KindAssumedRole {
		roleARN = c.Session.RoleARN()
	}
	return policy.AWSPrincipal(c.ARN, roleARN)
}
