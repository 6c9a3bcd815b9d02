package iamapi

import (
	"context"
	"strings"

	"github.com/stsd/stsd/internal/audit"
	"github.com/stsd/stsd/internal/authn"
	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/policy"
)

// authorize decides through the authorization engine whether the caller
// may perform the action on the exchange's target. The engine allows root
// everything and binds IAM users by their policies and boundary, role
// sessions by the role's policies and boundary intersected with the
// session policies.
func (s *Service) authorize(ctx context.Context, x *exchange) error {
	return s.authorizeOn(ctx, x, x.target.arn)
}

// authorizeAlso authorizes the action on a second resource, for the
// actions IAM authorizes on two: renaming a user or group needs the
// permission on the entity under its old and its new name and path
// ("the entity making the request must have permission on Bob and
// Robert", UpdateUser). The request's keys are the target's.
func (s *Service) authorizeAlso(ctx context.Context, x *exchange, arn string) error {
	return s.authorizeOn(ctx, x, arn)
}

func (s *Service) authorizeOn(ctx context.Context, x *exchange, resource string) error {
	action := "iam:" + x.call.Action
	if x.caller.Kind == authn.KindRoot {
		x.decision = audit.Decision{Effect: policy.Allowed.String(), Detail: "root"}
		return nil
	}
	check := authz.Check{Action: action, Resource: resource}
	keys, err := s.requestKeys(ctx, x)
	if err != nil {
		return err
	}
	check.Keys = keys
	res := s.deps.Authz.Decide(authz.Request{
		Caller: x.caller,
		Checks: []authz.Check{check},
		Env: authz.Env{
			Time:            x.call.Received,
			SourceIP:        x.call.SourceIP,
			SecureTransport: x.call.SecureTransport,
			UserAgent:       x.call.UserAgent,
			RequestedRegion: SigningRegion,
		},
	})
	cr := &res.Checks[0]
	x.decision = audit.PolicyDecision(action, &cr.Decision)
	if res.Allowed {
		return nil
	}
	x.decision.Reason = "not_authorized_" + cr.Decision.Effect.String()
	return awserr.AccessDenied(authz.DenialMessage(x.caller.ARN, cr)).WithReason(x.decision.Reason, nil)
}

// requestKeys are the condition keys of the call that the IAM API knows
// and the engine cannot: the request's tags, the target's tags, and the
// entity keys.
func (s *Service) requestKeys(ctx context.Context, x *exchange) ([]authz.Key, error) {
	var keys []authz.Key
	tags, _ := x.params.StructList("Tags", "Key", "Value")
	var tagKeys []string
	for _, t := range tags {
		keys = append(keys, authz.Key{Name: "aws:RequestTag/" + t["Key"], Values: []string{t["Value"]}})
		tagKeys = append(tagKeys, t["Key"])
	}
	if strings.HasPrefix(x.call.Action, "Untag") {
		tagKeys, _ = x.params.List("TagKeys")
	}
	if len(tagKeys) > 0 {
		keys = append(keys, authz.Key{Name: "aws:TagKeys", Values: tagKeys, Multi: true})
	}
	for _, t := range x.target.tags {
		keys = append(keys,
			authz.Key{Name: "aws:ResourceTag/" + t.Key, Values: []string{t.Value}},
			authz.Key{Name: "iam:ResourceTag/" + t.Key, Values: []string{t.Value}})
	}
	return s.entityKeys(ctx, x, keys)
}

// The actions whose authorization context has iam:PolicyARN (the managed
// policy attached or detached) and iam:PermissionsBoundary (the boundary
// the request sets, or the one the role or user has), as the Service
// Authorization Reference's IAM table lists them.
var (
	policyARNActions = map[string]bool{
		"AttachRolePolicy": true, "AttachUserPolicy": true, "AttachGroupPolicy": true,
		"DetachRolePolicy": true, "DetachUserPolicy": true, "DetachGroupPolicy": true,
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

// entityKeys adds the condition keys that name an entity. Each holds the
// canonical ARN of the policy found — its stored spelling — never the
// request's spelling: a Deny on ArnEquals iam:PolicyARN
// …:policy/AttackAdmin must also catch PolicyArn=…:policy/ATTACKADMIN,
// which IAM resolves to the same policy.
func (s *Service) entityKeys(ctx context.Context, x *exchange, keys []authz.Key) ([]authz.Key, error) {
	action := x.call.Action
	if v := x.params.Value("PolicyArn"); v != "" && policyARNActions[action] {
		arn, err := canonicalPolicyARN(ctx, s.repo(x), x, v)
		if err != nil {
			return nil, err
		}
		keys = append(keys, authz.Key{Name: "iam:PolicyARN", Values: []string{arn}})
	}
	if !boundaryActions[action] {
		return keys, nil
	}
	boundary := x.target.boundary
	if v, sent := x.params.Get("PermissionsBoundary"); sent {
		arn, err := canonicalPolicyARN(ctx, s.repo(x), x, v)
		if err != nil {
			return nil, err
		}
		boundary = arn
	}
	if boundary != "" {
		keys = append(keys, authz.Key{Name: "iam:PermissionsBoundary", Values: []string{boundary}})
	}
	return keys, nil
}
