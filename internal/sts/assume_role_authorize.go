package sts

import (
	"github.com/stsd/stsd/internal/audit"
	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/policy"
)

// Actions an AssumeRole call needs: sts:AssumeRole, sts:TagSession when the
// new session gets session tags (the request's or, in a chain, the calling
// session's transitive tags: a probe of real STS found that a trust policy
// without sts:TagSession refuses a plain chained call that inherits
// transitive tags — mahitotsu/gekko_08, multi-hop-propagation), and
// sts:SetSourceIdentity when it gets a source identity ("When you assume a
// role with another role … permissions for sts:SetSourceIdentity are
// required in both the permissions policy of the principal who is assuming
// the role and in the role trust policy of the target role", IAM User
// Guide, "Monitor and control actions taken with assumed roles").
const (
	actionAssumeRole = "sts:AssumeRole"
)

// authorizeAssumeRole decides every action the call needs with the one
// authorization engine, the role's trust policy as the resource-based
// policy. AWS's rules (IAM User Guide, "Policy evaluation logic",
// "Cross-account policy evaluation logic", and the trust-policy notes of
// "Update a role trust policy"):
//
//   - the trust policy must allow the caller: a statement naming its exact
//     ARN (user, or role session ARN), its role (any session of that role),
//     its account (arn:aws:iam::ACCT:root or the bare id) or "*";
//   - naming the exact ARN suffices within the account; naming the role or
//     "*" still leaves the caller's permissions boundary and session
//     policies to allow; naming only the account also needs the caller's
//     identity policies (and boundary, and session policies) to allow the
//     action on the role;
//   - across accounts, both the trust policy and the caller's own policies
//     must allow;
//   - an explicit deny anywhere wins.
//
// Engine.Decide implements exactly this with a resource-based policy; the
// one thing the trust policy adds is that it must allow in every case, so
// a check whose trust policy did not allow is denied even if the caller's
// own policies allow.
func (s *Service) authorizeAssumeRole(x *exchange, rv *iam.RoleView, in *assumeRoleInput, f *sessionFacts) *awserr.Error {
	if rv.Trust == nil {
		return notAuthorizedOn(x.caller.ARN, actionAssumeRole, in.RoleArn, "trust_policy_invalid")
	}
	actions := []string{actionAssumeRole}
	if len(f.tags) > 0 {
		actions = append(actions, actionTagSession)
	}
	if f.sourceIdentity != "" {
		actions = append(actions, actionSetSourceIdentity)
	}
	var resourceKeys []authz.Key
	for _, t := range rv.Role.Tags {
		resourceKeys = append(resourceKeys,
			authz.Key{Name: "iam:ResourceTag/" + t.Key, Values: []string{t.Value}},
			authz.Key{Name: "aws:ResourceTag/" + t.Key, Values: []string{t.Value}})
	}
	checks := make([]authz.Check, len(actions))
	for i, a := range actions {
		checks[i] = authz.Check{Action: a, Resource: rv.ARN, Keys: resourceKeys}
	}
	res := s.deps.Authz.Decide(authz.Request{
		Caller: x.caller, Checks: checks, Env: s.env(x), Keys: assumeRoleKeys(in, f),
		ResourcePolicy: rv.Trust, ResourcePolicyName: "trust:" + rv.Role.Name, ResourceAccount: rv.Role.Account,
	})
	for i := range res.Checks {
		cr := &res.Checks[i]
		x.decision = audit.PolicyDecision(cr.Check.Action, &cr.Decision)
		if cr.Decision.Effect == policy.Allowed && cr.Decision.ResourceAllowed {
			continue
		}
		err := notAuthorized(x.caller.ARN, cr)
		if cr.Decision.Effect == policy.Allowed {
			err.Reason = "trust_policy_implicitDeny"
		}
		// The message names the role as the caller wrote it: the same
		// text as for a role that does not exist.
		cr.Check.Resource = in.RoleArn
		err.Message = authz.DenialMessage(x.caller.ARN, cr)
		x.decision.Reason = err.Reason
		return err
	}
	return nil
}

// assumeRoleKeys are the request's condition keys at AssumeRole time
// (Service Authorization Reference, AWS STS; IAM User Guide, "IAM and AWS
// STS condition context keys"): sts:RoleSessionName, sts:ExternalId,
// sts:SourceIdentity (the new session's: the request's, or the one the
// calling session carries — both aws:SourceIdentity and sts:SourceIdentity
// are then present, as the IAM User Guide's chaining example says),
// sts:TransitiveTagKeys, aws:RequestTag/<key> and aws:TagKeys for every
// session tag, inherited transitive tags included.
func assumeRoleKeys(in *assumeRoleInput, f *sessionFacts) []authz.Key {
	keys := []authz.Key{{Name: "sts:RoleSessionName", Values: []string{in.RoleSessionName}}}
	if in.HasExternalID {
		keys = append(keys, authz.Key{Name: "sts:ExternalId", Values: []string{in.ExternalID}})
	}
	if f.sourceIdentity != "" {
		keys = append(keys, authz.Key{Name: "sts:SourceIdentity", Values: []string{f.sourceIdentity}})
	}
	if len(f.transitive) > 0 {
		keys = append(keys, authz.Key{Name: "sts:TransitiveTagKeys", Values: f.transitive, Multi: true})
	}
	if len(f.tags) > 0 {
		names := make([]string, len(f.tags))
		for i, t := range f.tags {
			keys = append(keys, authz.Key{Name: "aws:RequestTag/" + t.Key, Values: []string{t.Value}})
			names[i] = t.Key
		}
		keys = append(keys, authz.Key{Name: "aws:TagKeys", Values: names, Multi: true})
	}
	return keys
}

// env is what stsd observed of the request, for the engine's global keys.
func (s *Service) env(x *exchange) authz.Env {
	return authz.Env{
		Time:            x.call.Received,
		SourceIP:        x.call.SourceIP,
		SecureTransport: x.call.SecureTransport,
		UserAgent:       x.call.UserAgent,
		RequestedRegion: signingRegion(x.call),
	}
}
