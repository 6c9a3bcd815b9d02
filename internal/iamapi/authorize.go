package iamapi

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/stsd/stsd/internal/audit"
	"github.com/stsd/stsd/internal/authn"
	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/policy"
)

// authorize decides whether the caller may perform the action on the
// exchange's target. Root may do anything. IAM users are bound by their
// inline and attached policies and their permissions boundary; role
// sessions by the role's policies and boundary intersected with the session
// policies.
func (s *Service) authorize(ctx context.Context, x *exchange) error {
	action := "iam:" + x.call.Action
	resource := x.target.arn
	if x.caller.Kind == authn.KindRoot {
		x.decision = audit.Decision{Effect: policy.Allowed.String(), Detail: "root"}
		return nil
	}
	reqCtx, err := s.requestContext(ctx, x)
	if err != nil {
		return err
	}
	set := policySet(x.snap, x.caller)
	d := policy.Evaluate(policy.Request{Action: action, Resource: resource, Context: reqCtx}, set)
	x.decision = audit.PolicyDecision(action, &d)
	if d.Effect == policy.Allowed {
		return nil
	}
	msg := "User: " + x.caller.ARN + " is not authorized to perform: " + action + " on resource: " + resource
	if d.Effect == policy.ExplicitDeny {
		msg += " with an explicit deny in an identity-based policy"
	}
	x.decision.Reason = "not_authorized_" + d.Effect.String()
	return awserr.AccessDenied(msg).WithReason(x.decision.Reason, nil)
}

// policySet gathers the caller's policies from the snapshot. A policy that
// does not parse or no longer exists grants nothing (fail closed).
func policySet(snap *iam.Snapshot, c *authn.Caller) policy.Set {
	var set policy.Set
	switch c.Kind {
	case authn.KindUser:
		u := c.User
		if cur, ok := snap.UserByName(c.Account, u.User.Name); ok {
			u = cur // the user's policies as of now, not as of authentication
		}
		set.Identity = append(set.Identity, u.Inline...)
		set.Identity = append(set.Identity, managed(snap, u.User.ManagedPolicyARNs)...)
		set.Boundary = boundary(snap, u.User.PermissionsBoundaryARN)
	case authn.KindAssumedRole:
		sess := c.Session
		role, ok := snap.RoleByName(c.Account, sess.RoleName)
		if !ok || role.Role.RoleID != sess.RoleID {
			return set // the role is gone (or recreated): nothing is allowed
		}
		set.Identity = append(set.Identity, role.Inline...)
		set.Identity = append(set.Identity, managed(snap, role.Role.ManagedPolicyARNs)...)
		set.Boundary = boundary(snap, role.Role.PermissionsBoundaryARN)
		set.Session = sessionPolicies(snap, sess.Policy, sess.PolicyARNs)
	}
	return set
}

// managed resolves attached managed policies to their parsed default
// versions.
func managed(snap *iam.Snapshot, arns []string) []policy.Named {
	var out []policy.Named
	for _, arn := range arns {
		if v, ok := snap.ManagedPolicy(arn); ok && v.Document != nil {
			out = append(out, policy.Named{Name: arn, Policy: v.Document})
		}
	}
	return out
}

// boundary is the permissions boundary layer. A boundary that is set but
// cannot be resolved allows nothing.
func boundary(snap *iam.Snapshot, arn string) []policy.Named {
	if arn == "" {
		return nil
	}
	if v, ok := snap.ManagedPolicy(arn); ok && v.Document != nil {
		return []policy.Named{{Name: arn, Policy: v.Document}}
	}
	return []policy.Named{{Name: arn, Policy: iam.DenyAll}}
}

// sessionPolicies is the session layer: the inline session policy and the
// managed session policies, if any were passed when the session was made.
func sessionPolicies(snap *iam.Snapshot, inline string, arns []string) []policy.Named {
	if inline == "" && len(arns) == 0 {
		return nil
	}
	var out []policy.Named
	if inline != "" {
		p, err := policy.ParseAs([]byte(inline), policy.KindIdentity)
		if err != nil {
			p = iam.DenyAll
		}
		out = append(out, policy.Named{Name: "session-policy", Policy: p})
	}
	for _, arn := range arns {
		if v, ok := snap.ManagedPolicy(arn); ok && v.Document != nil {
			out = append(out, policy.Named{Name: arn, Policy: v.Document})
		}
	}
	if len(out) == 0 {
		out = append(out, policy.Named{Name: "session-policy", Policy: iam.DenyAll})
	}
	return out
}

// requestContext holds the global condition keys of the call, the
// caller's principal keys, the target's resource keys, and the request's
// tag and entity keys.
func (s *Service) requestContext(ctx context.Context, x *exchange) (*policy.Context, error) {
	c := policy.NewContext()
	now := x.call.Received
	if s.deps.Now != nil {
		now = s.deps.Now()
	}
	now = now.UTC()
	c.Set("aws:CurrentTime", now.Format(time.RFC3339))
	c.Set("aws:EpochTime", strconv.FormatInt(now.Unix(), 10))
	c.Set("aws:SecureTransport", strconv.FormatBool(x.call.SecureTransport))
	if x.call.SourceIP != "" {
		c.Set("aws:SourceIp", x.call.SourceIP)
	}
	if x.call.UserAgent != "" {
		c.Set("aws:UserAgent", x.call.UserAgent)
	}
	principalContext(c, x.caller)
	requestTagContext(c, x)
	for _, t := range x.target.tags {
		c.Set("aws:ResourceTag/"+t.Key, t.Value)
		c.Set("iam:ResourceTag/"+t.Key, t.Value)
	}
	return c, s.entityContext(ctx, c, x)
}

// The actions whose authorization context has iam:PolicyARN (the managed
// policy attached or detached) and iam:PermissionsBoundary (the boundary
// the request sets, or the one the role or user has), as the Service
// Authorization Reference's IAM table lists them.
var (
	policyARNActions = map[string]bool{
		"AttachRolePolicy": true, "AttachUserPolicy": true,
		"DetachRolePolicy": true, "DetachUserPolicy": true,
	}
	boundaryActions = map[string]bool{
		"CreateRole": true, "CreateUser": true,
		"PutRolePermissionsBoundary": true, "PutUserPermissionsBoundary": true,
		"DeleteRolePermissionsBoundary": true, "DeleteUserPermissionsBoundary": true,
		"AttachRolePolicy": true, "AttachUserPolicy": true,
		"DetachRolePolicy": true, "DetachUserPolicy": true,
		"PutRolePolicy": true, "PutUserPolicy": true,
		"DeleteRolePolicy": true, "DeleteUserPolicy": true,
	}
)

// entityContext sets the condition keys that name an entity. Each holds
// the canonical ARN of the policy found — its stored spelling — never the
// request's spelling: a Deny on ArnEquals iam:PolicyARN
// …:policy/AttackAdmin must also catch PolicyArn=…:policy/ATTACKADMIN,
// which IAM resolves to the same policy.
func (s *Service) entityContext(ctx context.Context, c *policy.Context, x *exchange) error {
	action := x.call.Action
	if v := x.params.Value("PolicyArn"); v != "" && policyARNActions[action] {
		arn, err := canonicalPolicyARN(ctx, s.deps.Repo, x, v)
		if err != nil {
			return err
		}
		c.Set("iam:PolicyARN", arn)
	}
	if !boundaryActions[action] {
		return nil
	}
	boundary := x.target.boundary
	if v, sent := x.params.Get("PermissionsBoundary"); sent {
		arn, err := canonicalPolicyARN(ctx, s.deps.Repo, x, v)
		if err != nil {
			return err
		}
		boundary = arn
	}
	if boundary != "" {
		c.Set("iam:PermissionsBoundary", boundary)
	}
	return nil
}

func principalContext(ctx *policy.Context, c *authn.Caller) {
	ctx.Set("aws:PrincipalAccount", c.Account)
	ctx.Set("aws:userid", c.UserID)
	switch c.Kind {
	case authn.KindUser:
		ctx.Set("aws:PrincipalArn", c.ARN)
		ctx.Set("aws:PrincipalType", "User")
		ctx.Set("aws:username", c.User.User.Name)
		for _, t := range c.User.User.Tags {
			ctx.Set("aws:PrincipalTag/"+t.Key, t.Value)
		}
	case authn.KindAssumedRole:
		sess := c.Session
		ctx.Set("aws:PrincipalType", "AssumedRole")
		ctx.Set("aws:PrincipalArn", sess.RoleARN()) // the role, not the session (IAM's rule)
		ctx.Set("aws:TokenIssueTime", sess.IssuedAt.UTC().Format(time.RFC3339))
		if sess.SourceIdentity != "" {
			ctx.Set("aws:SourceIdentity", sess.SourceIdentity)
		}
		if sess.FederatedProvider != "" {
			ctx.Set("aws:FederatedProvider", sess.FederatedProvider)
		}
		for _, t := range sess.Tags {
			ctx.Set("aws:PrincipalTag/"+t.Key, t.Value)
		}
		for k, vs := range sess.WebIdentity {
			ctx.SetList(k, vs...)
		}
	}
}

// requestTagContext sets aws:RequestTag/<key> and aws:TagKeys for actions
// that carry tags (Create*, Tag*) and aws:TagKeys for Untag*.
func requestTagContext(ctx *policy.Context, x *exchange) {
	tags, _ := x.params.StructList("Tags", "Key", "Value")
	var keys []string
	for _, t := range tags {
		ctx.Set("aws:RequestTag/"+t["Key"], t["Value"])
		keys = append(keys, t["Key"])
	}
	if strings.HasPrefix(x.call.Action, "Untag") {
		keys, _ = x.params.List("TagKeys")
	}
	if len(keys) > 0 {
		ctx.SetList("aws:TagKeys", keys...)
	}
}
