// Package iamapi implements the IAM Query API (version 2010-05-08) that
// operators use to manage stsd: OIDC providers, roles, managed policies,
// users and their access keys, groups, and the policy simulator. Every
// action is one row of the action table (actions.go); its handler is in the
// file of the resource it serves. The dispatcher in this file owns the
// steps every action shares — authenticate the SigV4 signature (service
// "iam"), run the few checks IAM makes before authorization, find the
// resource, authorize the caller with the policy engine (root may do
// anything), run the action, wait until the node's snapshot shows the
// write, and record exactly one audit event. Actions return a response tree
// or an error; errors are rendered to IAM's codes in one place (errors.go).
package iamapi

import (
	"context"
	"log/slog"
	"maps"
	"slices"
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
	// admin writes. Actions use it only through Service.repo, which
	// records every write for the dispatcher to wait for.
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
	// recording is the repository the call reads and writes through
	// (Service.repo): Deps.Repo recording, in writes, the store revision
	// of every write the call makes (deletes included), which the
	// dispatcher waits for in the node's snapshot before the call returns.
	recording *iam.Repo
	writes    iam.Writes
}

// New builds the IAM service.
func New(deps Deps) *Service {
	s := &Service{deps: deps}
	s.actions = s.actionTable()
	return s
}

// Actions lists the actions served (for metric labels).
func (s *Service) Actions() []string { return slices.Collect(maps.Keys(s.actions)) }

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
		if x.target, err = a.resource(ctx, s.repo(x), x); err != nil {
			return nil, err
		}
	}
	if err := s.authorize(ctx, x); err != nil {
		return nil, err
	}
	resp, err := a.run(ctx, x)
	if rev := x.writes.Last(); rev > 0 {
		s.waitVisible(ctx, rev)
	}
	if err != nil {
		return nil, err
	}
	if resp != nil {
		resp.Action, resp.Namespace = x.call.Action, Namespace
	}
	return resp, nil
}

// repo is the repository of the call: every action reads and writes
// through it, so that the dispatcher waits for each write it makes.
func (s *Service) repo(x *exchange) *iam.Repo {
	if x.recording == nil {
		x.recording = s.deps.Repo.Recording(&x.writes)
	}
	return x.recording
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
