package sts

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/stsd/stsd/internal/audit"
	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/awsquery"
	"github.com/stsd/stsd/internal/policy"
)

// GetWebIdentityToken: stsd as an OpenID Connect issuer, as AWS STS is one
// for outbound identity federation. Sources: STS API Reference
// "GetWebIdentityToken"; botocore's STS model (1.43.11) for shapes and
// errors; IAM User Guide "Getting started with outbound identity
// federation", "Controlling access with IAM policies", "Understanding
// token claims"; the Service Authorization Reference for STS.
//
//   - Signed. Callers are IAM principals: role sessions, IAM users, and the
//     root. GetSessionToken and GetFederationToken credentials may not call
//     it (they may call no STS action but AssumeRole/GetCallerIdentity and
//     GetCallerIdentity respectively): the engine's restriction policies
//     deny it.
//   - The caller needs sts:GetWebIdentityToken, and sts:TagGetWebIdentityToken
//     to pass Tags, from its own policies (neither has a resource type:
//     resource "*"). Condition keys: sts:IdentityTokenAudience (every
//     audience, multivalued), sts:DurationSeconds, sts:SigningAlgorithm,
//     aws:RequestTag/<key> and aws:TagKeys.
//   - The account must have outbound identity federation enabled
//     (EnableOutboundWebIdentityFederation): otherwise
//     OutboundWebIdentityFederationDisabledException 403
//     "OutboundWebIdentityFederation is disabled." (captured from AWS).
//   - A token may not outlive the session that asks for it:
//     SessionDurationEscalationException 403.
//   - The claims set is at most maxJWTPayload bytes:
//     JWTPayloadSizeExceededException 400.
//   - Answer: WebIdentityToken (the JWT) and Expiration (iat +
//     DurationSeconds).
const (
	actionGetWebIdentityToken    = "sts:GetWebIdentityToken"
	actionTagGetWebIdentityToken = "sts:TagGetWebIdentityToken"
)

// Exact texts of GetWebIdentityToken's own errors.
const (
	// Captured from AWS (a published read-only probe in us-east-1,
	// 2026-09-26, of an account without the feature).
	msgOutboundDisabled = "OutboundWebIdentityFederation is disabled."
	// AWS's texts were not found; these are the model's descriptions of
	// the exceptions.
	msgSessionDurationEscalation = "The requested token duration would extend the session beyond its original expiration time."
	msgJWTPayloadTooLarge        = "The requested token payload size exceeds the maximum allowed size. Reduce the number of request tags included in the GetWebIdentityToken API call to reduce the token payload size."
)

func (s *Service) getWebIdentityToken(_ context.Context, x *exchange) (*awsquery.Response, error) {
	c := x.caller
	x.event.RecipientAccountID = c.Account
	in, verr := parseWebIdentityTokenInput(x.call.Params)
	if verr != nil {
		return nil, verr
	}
	params := &getWebIdentityTokenParameters{Audience: in.Audience, SigningAlgorithm: in.SigningAlgorithm}
	if in.DurationGiven {
		params.DurationSeconds = in.DurationSeconds
	}
	for _, t := range in.Tags {
		params.Tags = append(params.Tags, auditTag{Key: t.Key, Value: t.Value})
	}
	x.event.RequestParameters = params
	if err := checkTagRules(in.Tags, nil); err != nil {
		return nil, err
	}
	if err := s.authorizeWebIdentityToken(x, in); err != nil {
		return nil, err
	}
	is := s.deps.Issuer
	if is == nil || !is.Enabled(c.Account) {
		return nil, awserr.New("OutboundWebIdentityFederationDisabledException", http.StatusForbidden, msgOutboundDisabled).
			WithReason("outbound_federation_disabled", nil)
	}
	now := s.deps.Now()
	if sess := c.Session; sess != nil && now.Add(time.Duration(in.DurationSeconds)*time.Second).After(sess.Expiry) {
		return nil, awserr.New("SessionDurationEscalationException", http.StatusForbidden, msgSessionDurationEscalation).
			WithReason("token_outlives_session", nil)
	}
	payload, exp := buildWebIdentityClaims(is.URL(), c, s.deps.Snapshot(), in, signingRegion(x.call), now)
	if len(payload) > maxJWTPayload {
		return nil, awserr.New("JWTPayloadSizeExceededException", http.StatusBadRequest, msgJWTPayloadTooLarge).
			WithReason("jwt_payload_"+strconv.Itoa(len(payload))+"_bytes", nil)
	}
	token, kid, err := is.Sign(in.SigningAlgorithm, payload)
	if err != nil {
		return nil, awserr.InternalFailure(err)
	}
	x.event.ResponseElements = &getWebIdentityTokenElements{Expiration: exp, KeyID: kid}
	return &awsquery.Response{Action: "GetWebIdentityToken", Namespace: Namespace, Result: []awsquery.Node{
		awsquery.Str("WebIdentityToken", token),
		awsquery.Time("Expiration", exp),
	}}, nil
}

// authorizeWebIdentityToken asks the engine for sts:GetWebIdentityToken,
// and sts:TagGetWebIdentityToken when the request has tags, with the
// request's condition keys. sts:DurationSeconds is the token's lifetime
// whether the caller passed it or took the default, so a policy capping
// it also holds for requests that leave it out.
func (s *Service) authorizeWebIdentityToken(x *exchange, in *webIdentityTokenInput) *awserr.Error {
	keys := []authz.Key{
		{Name: "sts:IdentityTokenAudience", Values: in.Audience, Multi: true},
		{Name: "sts:DurationSeconds", Values: []string{strconv.Itoa(in.DurationSeconds)}},
		{Name: "sts:SigningAlgorithm", Values: []string{in.SigningAlgorithm}},
	}
	checks := []authz.Check{{Action: actionGetWebIdentityToken}}
	if len(in.Tags) > 0 {
		names := make([]string, len(in.Tags))
		for i, t := range in.Tags {
			keys = append(keys, authz.Key{Name: "aws:RequestTag/" + t.Key, Values: []string{t.Value}})
			names[i] = t.Key
		}
		keys = append(keys, authz.Key{Name: "aws:TagKeys", Values: names, Multi: true})
		checks = append(checks, authz.Check{Action: actionTagGetWebIdentityToken})
	}
	res := s.deps.Authz.Decide(authz.Request{Caller: x.caller, Checks: checks, Env: s.env(x), Keys: keys})
	for i := range res.Checks {
		cr := &res.Checks[i]
		x.decision = audit.PolicyDecision(cr.Check.Action, &cr.Decision)
		if cr.Decision.Effect != policy.Allowed {
			x.decision.Reason = "not_authorized_" + cr.Decision.Effect.String()
			return awserr.AccessDenied(actionDenialMessage(x.caller.ARN, cr.Check.Action, &cr.Decision)).WithReason(x.decision.Reason, nil)
		}
	}
	return nil
}

// getWebIdentityTokenParameters is the audit event's requestParameters:
// every member as passed.
type getWebIdentityTokenParameters struct {
	Audience         []string   `json:"audience"`
	DurationSeconds  int        `json:"durationSeconds,omitempty"`
	SigningAlgorithm string     `json:"signingAlgorithm"`
	Tags             []auditTag `json:"tags,omitempty"`
}

// getWebIdentityTokenElements is the audit event's responseElements: the
// expiry and the kid that signed, never the token (the model marks
// webIdentityTokenType sensitive).
type getWebIdentityTokenElements struct {
	Expiration time.Time `json:"expiration"`
	KeyID      string    `json:"keyId"`
}
