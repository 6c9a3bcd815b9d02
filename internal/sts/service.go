// Package sts implements the AWS STS API (version 2011-06-15) as stsd serves
// it: one file per action, and a dispatcher that owns the steps every action
// shares — find the action, authenticate it when it is signed, run it, and
// record exactly one audit event — so no action can skip one. Actions return
// a response tree or an *awserr.Error; they never touch HTTP.
package sts

import (
	"context"
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
	"github.com/stsd/stsd/internal/introspect"
	"github.com/stsd/stsd/internal/issuer"
	"github.com/stsd/stsd/internal/oidc"
)

// Version and Namespace of the STS API.
const (
	Version   = "2011-06-15"
	Namespace = "https://sts.amazonaws.com/doc/2011-06-15/"
)

// Deps are the services the STS actions use, passed explicitly.
type Deps struct {
	// Snapshot returns the current IAM snapshot (roles, providers); the hot
	// path reads nothing else.
	Snapshot func() *iam.Snapshot
	Verifier *oidc.Verifier
	// Introspector asks OAuth 2.0 providers about the access tokens of
	// calls that name a ProviderId; without it such calls are refused.
	Introspector *introspect.Client
	Keyring      *creds.Keyring
	Authn        *authn.Authenticator
	// Authz decides the signed actions that need a permission
	// (DecodeAuthorizationMessage).
	Authz *authz.Engine
	// Issuer signs GetWebIdentityToken's tokens; nil when no issuer URL
	// is configured (the action then answers that the feature is off).
	Issuer *issuer.Issuer
	// Audit records one event per call; nil records nothing.
	Audit *audit.Logger
	Now   func() time.Time
}

// Service is the STS API.
type Service struct {
	deps      Deps
	actions   map[string]action
	providers providerIndex
}

type action struct {
	signed   bool
	readOnly bool
	run      func(ctx context.Context, x *exchange) (*awsquery.Response, error)
}

// exchange is one call in flight: the request, the authenticated caller
// (signed actions), and the audit event the action fills in.
type exchange struct {
	call     *awsquery.Call
	caller   *authn.Caller
	event    *audit.Event
	decision audit.Decision
}

// New builds the STS service.
func New(deps Deps) *Service {
	s := &Service{deps: deps}
	s.actions = map[string]action{
		"AssumeRoleWithWebIdentity":  {run: s.assumeRoleWithWebIdentity},
		"GetCallerIdentity":          {signed: true, readOnly: true, run: s.getCallerIdentity},
		"DecodeAuthorizationMessage": {signed: true, readOnly: true, run: s.decodeAuthorizationMessage},
		"AssumeRole":                 {signed: true, run: s.assumeRole},
		"GetSessionToken":            {signed: true, run: s.getSessionToken},
		"GetFederationToken":         {signed: true, run: s.getFederationToken},
		"GetAccessKeyInfo":           {signed: true, readOnly: true, run: s.getAccessKeyInfo},
		"GetWebIdentityToken":        {signed: true, run: s.getWebIdentityToken},
	}
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
	x := &exchange{call: call, event: call.AuditEvent("sts.amazonaws.com", a.readOnly)}
	resp, err := s.run(ctx, a, x)
	s.deps.Audit.Finish(x.event, x.decision, err)
	return resp, err
}

func (s *Service) run(ctx context.Context, a action, x *exchange) (*awsquery.Response, error) {
	if err := s.deps.Audit.Check(); err != nil { // audit_fail_closed and the audit log failing: act on nothing
		return nil, err
	}
	if a.signed {
		caller, err := s.deps.Authn.Authenticate(ctx, x.call)
		if err != nil {
			return nil, err
		}
		x.caller = caller
		x.event.UserIdentity = caller.AuditIdentity()
	}
	return a.run(ctx, x)
}
