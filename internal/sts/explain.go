package sts

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/awsquery"
	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/oidc"
	"github.com/stsd/stsd/internal/policy"
)

// ExplainInput is an AssumeRoleWithWebIdentity request to explain, with the
// request facts its context keys are built from.
type ExplainInput struct {
	RoleArn         string
	RoleSessionName string
	DurationSeconds int
	// Token is the web identity token. It is verified, never stored,
	// logged or audited.
	Token           string
	SourceIP        string
	UserAgent       string
	SecureTransport bool
}

// ExplainStep is one step of the exchange and how it ended.
type ExplainStep struct {
	Name   string
	OK     bool
	Detail string
}

// ContextEntry is one key of the trust evaluation's request context.
type ContextEntry struct {
	Key    string
	Values []string
}

// TrustEvaluation is the trust policy decided for one action, with every
// statement evaluated on its own.
type TrustEvaluation struct {
	Action     string
	Decision   policy.Decision
	Statements []policy.StatementTrace
}

// Explanation is every step of an AssumeRoleWithWebIdentity call, up to
// where it stops; nothing is minted and nothing is audited.
type Explanation struct {
	Steps []ExplainStep
	// Header is the token's header and unverified claims (nil when the
	// token is not even a JWS).
	Header   *oidc.TokenHeader
	Provider string // the provider ARN the issuer found
	Identity *oidc.Identity
	Context  []ContextEntry
	Trust    []TrustEvaluation
	// Err is the error the API would answer (nil: it would issue
	// credentials). Its Reason is the internal reason code.
	Err *awserr.Error
}

// ExplainWebIdentity runs AssumeRoleWithWebIdentity's checks in the
// action's order with the action's own functions — role lookup, the
// verifier (issuer lookup, key and signature, claims), the roles and
// session claims, the trust context and the trust policy — and reports
// each, stopping where the call would fail. It does not mint, audit or
// log anything, and it keeps no part of the token.
func (s *Service) ExplainWebIdentity(ctx context.Context, in ExplainInput) *Explanation {
	ex := &Explanation{}
	step := func(name string, ok bool, format string, args ...any) {
		ex.Steps = append(ex.Steps, ExplainStep{Name: name, OK: ok, Detail: fmt.Sprintf(format, args...)})
	}
	snap := s.deps.Snapshot()
	roleARN, aerr := parseRoleARN(in.RoleArn)
	var rv *iam.RoleView
	found := false
	if aerr == nil {
		rv, found = snap.Role(roleARN)
	}
	if !found {
		step("Role", false, "no role %s", in.RoleArn)
		ex.Err = accessDenied("role_not_found")
		return ex
	}
	step("Role", true, "%s (max session duration %d s)", rv.ARN, maxDurationOf(rv.Role))

	h, err := oidc.Inspect(in.Token)
	if err != nil {
		ex.Err = fromOIDC(err)
		step("Token structure and algorithm", false, "%s", ex.Err.Reason)
		return ex
	}
	ex.Header = h
	step("Token structure and algorithm", true, "alg %s, kid %q", h.Algorithm, h.KeyID)

	var view *iam.ProviderView
	lookup := func(iss string) (*oidc.Provider, bool) {
		var p *oidc.Provider
		var ok bool
		p, view, ok = s.providers.lookup(snap, rv.Role.Account, iss)
		return p, ok
	}
	if _, ok := snap.ProviderByURL(rv.Role.Account, h.Issuer); !ok {
		step("Issuer lookup", false, "no provider registered for iss %q in account %s", h.Issuer, rv.Role.Account)
	} else {
		pv, _ := snap.ProviderByURL(rv.Role.Account, h.Issuer)
		ex.Provider = pv.ARN
		step("Issuer lookup", true, "iss %q is provider %s", h.Issuer, pv.ARN)
	}
	id, verr := s.deps.Verifier.Verify(ctx, in.Token, lookup)
	if verr != nil {
		ex.Err = fromOIDC(verr)
		var oe *oidc.Error
		detail := ex.Err.Reason
		if e, ok := verr.(*oidc.Error); ok {
			oe = e
			if oe.Claim != "" {
				detail += " (claim " + oe.Claim + ")"
			}
		}
		step("Key, signature and claims", false, "%s", detail)
		return ex
	}
	ex.Identity = id
	step("Key, signature and claims", true, "signed by kid %q (%s); sub %q, aud %q", id.KeyID, id.Algorithm, id.Subject, id.Audience)

	authorizedByIdp, rerr := checkRolesClaim(id.Claims, in.RoleArn)
	if rerr != nil {
		ex.Err = rerr
		step("Roles claim", false, "the token's roles claim does not list %s", in.RoleArn)
		return ex
	}
	step("Roles claim", true, "sts:RoleAuthorizedByIdp=%t", authorizedByIdp)
	session, serr := readSessionClaims(id.Claims)
	if serr != nil {
		ex.Err = serr
		step("Session tags and source identity", false, "%s", serr.Message)
		return ex
	}
	step("Session tags and source identity", true, "%d session tags, source identity %q", len(session.Tags), session.SourceIdentity)

	call := &awsquery.Call{SourceIP: in.SourceIP, UserAgent: in.UserAgent, SecureTransport: in.SecureTransport}
	wi := &webIdentityInput{RoleArn: in.RoleArn, RoleSessionName: in.RoleSessionName, DurationSeconds: in.DurationSeconds}
	provider, _ := lookup(id.Issuer)
	pctx := trustContext(&trustInput{call: call, role: rv.Role, provider: provider, hostPath: view.HostPath,
		id: id, in: wi, session: session, authorizedByIdp: authorizedByIdp, now: s.deps.Now()})
	ex.Context = contextEntries(pctx)

	if rv.Trust == nil {
		ex.Err = accessDenied("trust_policy_invalid")
		step("Trust policy", false, "the stored trust policy does not parse: %v", rv.TrustErr)
		return ex
	}
	actions := []string{actionAssume}
	if len(session.Tags) > 0 {
		actions = append(actions, actionTagSession)
	}
	if session.SourceIdentity != "" {
		actions = append(actions, actionSetSourceIdentity)
	}
	trust := policy.Named{Name: "trust:" + rv.Role.Name, Policy: rv.Trust}
	for _, act := range actions {
		req := policy.Request{Action: act, Resource: rv.ARN, Principal: policy.FederatedPrincipal(view.ARN), Context: pctx}
		ev := TrustEvaluation{Action: act, Decision: policy.EvaluateTrust(req, trust), Statements: policy.TraceTrust(req, trust)}
		ex.Trust = append(ex.Trust, ev)
		if ev.Decision.Effect != policy.Allowed {
			ex.Err = accessDenied("trust_policy_" + ev.Decision.Effect.String())
			step("Trust policy: "+act, false, "%s", ev.Decision.Explain())
			return ex
		}
		step("Trust policy: "+act, true, "%s", ev.Decision.Explain())
	}
	if max := maxDurationOf(rv.Role); in.DurationSeconds > max {
		ex.Err = durationTooLong()
		step("Session duration", false, "%d s exceeds the role's maximum %d s", in.DurationSeconds, max)
		return ex
	}
	step("Session duration", true, "%d s (role maximum %d s)", in.DurationSeconds, maxDurationOf(rv.Role))
	return ex
}

func maxDurationOf(r *iam.Role) int {
	if r.MaxSessionDuration == 0 {
		return defaultDuration
	}
	return r.MaxSessionDuration
}

func contextEntries(c *policy.Context) []ContextEntry {
	keys := c.Keys()
	sort.Slice(keys, func(i, j int) bool { return strings.ToLower(keys[i]) < strings.ToLower(keys[j]) })
	out := make([]ContextEntry, 0, len(keys))
	for _, k := range keys {
		v, _, _ := c.Get(k)
		out = append(out, ContextEntry{Key: k, Values: v})
	}
	return out
}
