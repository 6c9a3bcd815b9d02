// Package iamapi implements the IAM Query API (version 2010-05-08) that
// operators use to manage stsd: OIDC providers, roles, managed policies,
// users and their access keys, groups, and the policy simulator. One file per group
// of actions; the dispatcher in this file owns the steps every action
// shares — authenticate the SigV4 signature (service "iam"), run the few
// checks IAM makes before authorization, find the resource, authorize the
// caller with the policy engine (root may do anything), run the action,
// wait until the node's snapshot shows the write, and record exactly one
// audit event. Actions return a response tree or an error; errors are
// rendered to IAM's codes in one place (errors.go).
package iamapi

import (
	"context"
	"log/slog"
	"time"

	"github.com/stsd/stsd/internal/audit"
	"github.com/stsd/stsd/internal/authn"
	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/awsquery"
	"github.com/stsd/stsd/internal/creds"
	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/issuer"
)

// Version and Namespace of the IAM API.
const (
	Version   = "2010-05-08"
	Namespace = "https://iam.amazonaws.com/doc/2010-05-08/"
)

// SigningRegion is the only region IAM requests may be signed for: IAM is a
// global service whose requests are signed for us-east-1 ("If you use a
// service like IAM that uses a globally unique endpoint, use the default
// region (us-east-1)", AWS General Reference, "Elements of an AWS API
// request signature"); AWS answers any other scope with
// SignatureDoesNotMatch "Credential should be scoped to a valid region,
// not '<region>'. ". STS accepts any region (or the configured ones).
const SigningRegion = "us-east-1"

// visibleWait bounds how long a write waits for the node's own snapshot to
// show it, so a role created here is assumable here as soon as the call
// returns. Other nodes follow through their watches.
const visibleWait = 2 * time.Second

// Deps are the services the IAM actions use, passed explicitly.
type Deps struct {
	// Repo reads and writes the store: admin reads are consistent with
	// admin writes.
	Repo *iam.Repo
	// Cache is the node's snapshot: callers' policies for authorization, and
	// the revision a write waits for.
	Cache *iam.Cache
	Authn *authn.Authenticator
	// Authz decides every call's authorization.
	Authz   *authz.Engine
	Secrets *creds.SecretWrapper
	Audit   *audit.Logger
	// Issuer holds the accounts' outbound identity federation switch
	// (Enable/Disable/GetOutboundWebIdentityFederationInfo); nil when no
	// issuer URL is configured.
	Issuer *issuer.Issuer
	// URL says which provider URLs CreateOpenIDConnectProvider accepts.
	URL    iam.URLOptions
	Now    func() time.Time
	Logger *slog.Logger
}

// Service is the IAM API.
type Service struct {
	deps    Deps
	actions map[string]action
}

// action is one IAM action: how to find the resource it is authorized
// against, and what it does.
type action struct {
	readOnly bool
	// validate, when set, runs after authentication and before
	// authorization, for the few checks IAM makes first (a request that
	// names no resource to authorize). Member validation belongs to run.
	validate func(x *exchange) error
	// resource finds the entity the caller must be allowed the action on
	// (nil: "*").
	resource finder
	run      func(ctx context.Context, x *exchange) (*awsquery.Response, error)
}

// exchange is one call in flight.
type exchange struct {
	call     *awsquery.Call
	params   awsquery.Params
	caller   *authn.Caller
	account  string // the caller's account: every entity lives in it
	snap     *iam.Snapshot
	target   target // what the action is authorized against
	event    *audit.Event
	decision audit.Decision
	// wrote is the store revision of the action's last write (0: none),
	// which the dispatcher waits for in the node's snapshot.
	wrote int64
}

// New builds the IAM service.
func New(deps Deps) *Service {
	s := &Service{deps: deps, actions: map[string]action{}}
	for _, group := range []map[string]action{
		s.providerActions(), s.roleActions(), s.entityPolicyActions(), s.policyActions(),
		s.userActions(), s.accessKeyActions(), s.simulateActions(), s.groupActions(),
		s.policyTagActions(), s.outboundFederationActions(),
	} {
		for name, a := range group {
			if _, dup := s.actions[name]; dup {
				panic("iamapi: action registered twice: " + name)
			}
			s.actions[name] = a
		}
	}
	return s
}

// Actions lists the actions served (for metric labels).
func (s *Service) Actions() []string {
	names := make([]string, 0, len(s.actions))
	for n := range s.actions {
		names = append(names, n)
	}
	return names
}

// Version implements awsquery.API.
func (s *Service) Version() string { return Version }

// Namespace implements awsquery.API.
func (s *Service) Namespace() string { return Namespace }

// Handle is the dispatcher: every action goes through these steps.
func (s *Service) Handle(ctx context.Context, call *awsquery.Call) (*awsquery.Response, error) {
	a, ok := s.actions[call.Action]
	if !ok {
		return nil, awserr.InvalidAction(call.Action, call.Version)
	}
	x := &exchange{call: call, params: call.Params, event: call.AuditEvent("iam.amazonaws.com", a.readOnly)}
	resp, err := s.run(ctx, a, x)
	if err != nil {
		err = toAWS(err)
	}
	s.deps.Audit.Finish(x.event, x.decision, err)
	return resp, err
}

func (s *Service) run(ctx context.Context, a action, x *exchange) (*awsquery.Response, error) {
	if err := s.deps.Audit.Check(); err != nil { // audit_fail_closed and the audit log failing: act on nothing
		return nil, err
	}
	var err error
	caller := x.caller // preset only by Invoke (the console authenticated it)
	if caller == nil {
		if caller, err = s.deps.Authn.Authenticate(ctx, x.call); err != nil {
			return nil, err
		}
	}
	x.caller, x.account, x.snap = caller, caller.Account, s.deps.Cache.Current()
	x.event.UserIdentity = caller.AuditIdentity()
	// Parameters are recorded once the caller is known: an unsigned or
	// mis-signed request could otherwise write up to a whole request body
	// into the audit log for anyone.
	x.event.RequestParameters = requestParameters(x.call.Action, x.params)
	if a.validate != nil {
		if err := a.validate(x); err != nil {
			return nil, err
		}
	}
	x.target = target{arn: "*"}
	if a.resource != nil {
		if x.target, err = a.resource(ctx, s.deps.Repo, x); err != nil {
			return nil, err
		}
	}
	if err := s.authorize(ctx, x); err != nil {
		return nil, err
	}
	resp, err := a.run(ctx, x)
	if err != nil {
		return nil, err
	}
	if x.wrote > 0 {
		s.waitVisible(ctx, x.wrote)
	}
	if resp != nil {
		resp.Action, resp.Namespace = x.call.Action, Namespace
	}
	return resp, nil
}

// waitVisible waits (bounded) until the node's snapshot reflects rev. A
// timeout is not an error: the write is durable, only not yet visible.
func (s *Service) waitVisible(ctx context.Context, rev int64) {
	ctx, cancel := context.WithTimeout(ctx, visibleWait)
	defer cancel()
	if err := s.deps.Cache.WaitRevision(ctx, rev); err != nil && s.deps.Logger != nil {
		s.deps.Logger.WarnContext(ctx, "write not yet visible in the snapshot", "revision", rev, "error", err)
	}
}

// waitSnapshotUntil waits (bounded, like waitVisible) until cond holds for
// the node's snapshot. Deletes use it: a delete has no revision to wait
// for, yet a deleted provider must stop validating tokens, a deleted role
// stop being assumable and a deleted access key or user stop
// authenticating, on this node as soon as the call returns.
func (s *Service) waitSnapshotUntil(ctx context.Context, cond func(*iam.Snapshot) bool) {
	ctx, cancel := context.WithTimeout(ctx, visibleWait)
	defer cancel()
	if err := s.deps.Cache.WaitFor(ctx, cond); err != nil && s.deps.Logger != nil {
		s.deps.Logger.WarnContext(ctx, "delete not yet visible in the snapshot", "error", err)
	}
}

// saw records the revision of a write the action made.
func (x *exchange) saw(rev int64) {
	if rev > x.wrote {
		x.wrote = rev
	}
}
