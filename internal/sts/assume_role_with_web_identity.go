package sts

import (
	"context"
	"net/http"
	"time"

	"github.com/stsd/stsd/internal/arn"
	"github.com/stsd/stsd/internal/audit"
	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/awsquery"
	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/oidc"
	"github.com/stsd/stsd/internal/policy"
)

// Trust-policy actions an AssumeRoleWithWebIdentity call needs.
const (
	actionAssume            = "sts:AssumeRoleWithWebIdentity"
	actionTagSession        = "sts:TagSession"
	actionSetSourceIdentity = "sts:SetSourceIdentity"
)

// assumeRoleWithWebIdentity: validate → find the role (missing: AccessDenied,
// existence never leaked) → find the provider by iss in the role's account →
// verify the token → build the request context → evaluate the trust policy →
// check the duration → mint → respond (sts-contract §2–§8).
func (s *Service) assumeRoleWithWebIdentity(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	in, verr := parseWebIdentityInput(x.call.Params)
	if verr != nil {
		return nil, verr
	}
	x.event.RequestParameters = webIdentityAuditParameters(in)
	roleARN, aerr := parseRoleARN(in.RoleArn)
	if aerr != nil {
		return nil, aerr
	}
	snap := s.deps.Snapshot()
	rv, found := snap.Role(roleARN)
	if !found {
		return nil, accessDenied("role_not_found")
	}
	role := rv.Role
	x.event.RecipientAccountID = role.Account
	if in.ProviderID != "" {
		return s.assumeWithOAuthToken(ctx, x, in, roleARN, snap, rv)
	}

	var view *iam.ProviderView
	var provider *oidc.Provider
	id, err := s.deps.Verifier.Verify(ctx, in.WebIdentityToken, func(iss string) (*oidc.Provider, bool) {
		var ok bool
		provider, view, ok = s.providers.lookup(snap, role.Account, iss)
		return provider, ok
	})
	if err != nil {
		return nil, fromOIDC(err)
	}
	x.event.UserIdentity = &audit.UserIdentity{
		Type:             "WebIdentityUser",
		PrincipalID:      view.ARN + ":" + id.Audience + ":" + id.Subject,
		UserName:         id.Subject,
		IdentityProvider: view.ARN,
	}
	authorizedByIdp, rerr := checkRolesClaim(id.Claims, in.RoleArn)
	if rerr != nil {
		return nil, rerr
	}
	session, serr := readSessionClaims(id.Claims)
	if serr != nil {
		return nil, serr
	}
	if perr := in.checkGrammar(); perr != nil {
		return nil, perr
	}

	now := s.deps.Now()
	pctx := trustContext(&trustInput{call: x.call, role: role, provider: provider, hostPath: view.HostPath,
		id: id, in: in, session: session, authorizedByIdp: authorizedByIdp, now: now})
	if err := s.authorizeTrust(x, rv, view.ARN, pctx, session); err != nil {
		return nil, err
	}
	if err := checkSessionRequest(snap, role, in.PolicyArns, in.DurationSeconds); err != nil {
		return nil, err
	}
	return s.mint(x, mintInput{roleARN: roleARN, role: role, provider: view.ARN, subject: id.Subject, audience: id.Audience,
		webIdentity: persistentWebIdentityKeys(view.HostPath, id), in: in, session: session, now: now})
}

// authorizeTrust evaluates the trust policy for every action the call needs:
// sts:AssumeRoleWithWebIdentity, plus sts:TagSession when the token carries
// session tags and sts:SetSourceIdentity when it carries a source identity.
func (s *Service) authorizeTrust(x *exchange, rv *iam.RoleView, providerARN string, pctx *policy.Context, sc *sessionClaims) *awserr.Error {
	if rv.Trust == nil {
		return accessDenied("trust_policy_invalid")
	}
	actions := []string{actionAssume}
	if len(sc.Tags) > 0 {
		actions = append(actions, actionTagSession)
	}
	if sc.SourceIdentity != "" {
		actions = append(actions, actionSetSourceIdentity)
	}
	trust := policy.Named{Name: "trust:" + rv.Role.Name, Policy: rv.Trust}
	var d policy.Decision
	for _, act := range actions {
		policy.EvaluateTrustInto(&d, policy.Request{
			Action: act, Resource: rv.ARN, Principal: policy.FederatedPrincipal(providerARN), Context: pctx,
		}, trust)
		x.decision = audit.PolicyDecision(act, &d)
		if d.Effect != policy.Allowed {
			x.decision.Reason = "trust_policy_" + d.Effect.String()
			return accessDenied(x.decision.Reason)
		}
	}
	return nil
}

// checkSessionRequest checks what a trusted caller asks of the session, in
// AWS's order: every PolicyArns entry (checkPolicyArns), then
// DurationSeconds against the role's MaxSessionDuration (ValidationError
// 400 "The requested DurationSeconds exceeds the MaxSessionDuration set
// for this role.", STS API Reference, AssumeRole and
// AssumeRoleWithWebIdentity, DurationSeconds).
func checkSessionRequest(snap *iam.Snapshot, role *iam.Role, policyArns []string, durationSeconds int) *awserr.Error {
	if err := checkPolicyArns(snap, role.Account, policyArns); err != nil {
		return err
	}
	if durationSeconds > maxDurationOf(role) {
		return durationTooLong()
	}
	return nil
}

// durationTooLong is the error of a DurationSeconds above the role's
// maximum.
func durationTooLong() *awserr.Error {
	return awserr.ValidationError(msgDurationTooLong).WithReason("duration_exceeds_role_max", nil)
}

// checkPolicyArns requires every PolicyArns entry to name a customer
// managed policy of the role's account that exists now, with a default
// version that parses.
//
// AWS documents that "the policies must exist in the same account as the
// role" (botocore's STS model, PolicyArns) but not what it answers when one
// does not (sts-contract §14, question 3; no capture was found). Issuing
// the session anyway would give a session whose session-policy layer grants
// nothing — every later request silently denied. stsd refuses instead:
// InvalidParameterValue 400 (STS's code for a parameter value it cannot
// use, never retried by SDKs) with IAM's own wording for a policy ARN that
// names nothing, "Policy <arn> does not exist or is not attachable.". A
// policy of another account, an AWS managed policy ARN (stsd has none) and
// a malformed ARN answer the same, so nothing about other accounts is
// revealed. The check runs after the trust policy allowed the call, so
// only a caller the role trusts learns whether a policy exists.
func checkPolicyArns(snap *iam.Snapshot, account string, arns []string) *awserr.Error {
	for _, policyARN := range arns {
		var v *iam.PolicyView
		// The account's own managed policies, and the AWS managed
		// policies stsd builds in ("You can use AWS managed policies or
		// customer managed policies" as session policies, STS API
		// Reference, PolicyArns).
		acct, _, _, ok := iam.ParseEntityARN(policyARN, "policy")
		if ok && acct == account || iam.IsAWSManagedARN(policyARN) {
			v, _ = snap.ManagedPolicy(policyARN)
		}
		if v == nil || v.Document == nil || v.Err != nil {
			return awserr.New("InvalidParameterValue", http.StatusBadRequest,
				"Policy "+policyARN+" does not exist or is not attachable.").WithReason("policy_arn_not_found", nil)
		}
	}
	return nil
}

type mintInput struct {
	roleARN arn.ARN // the RoleArn parameter, parsed
	role    *iam.Role
	// provider is the Provider member and the session's federated
	// provider: an OIDC provider's ARN, or an OAuth provider's id.
	provider string
	// subject and audience are SubjectFromWebIdentityToken and Audience.
	subject, audience string
	// webIdentity are the web-identity keys the session keeps.
	webIdentity map[string][]string
	in          *webIdentityInput
	session     *sessionClaims
	now         time.Time
}

// mint issues the session and renders the response with every output member.
func (s *Service) mint(x *exchange, m mintInput) (*awsquery.Response, error) {
	sess, err := newSession(m.role.Account, m.now, m.in.DurationSeconds)
	if err != nil {
		return nil, err
	}
	sess.Partition, sess.RoleID, sess.RoleName, sess.RolePath = m.roleARN.Partition, m.role.RoleID, m.role.Name, m.role.Path
	sess.SessionName = m.in.RoleSessionName
	sess.SourceIdentity, sess.Tags, sess.TransitiveTagKeys = m.session.SourceIdentity, m.session.Tags, m.session.TransitiveTagKeys
	sess.FederatedProvider = m.provider
	sess.WebIdentity = m.webIdentity
	sess.Policy, sess.PolicyARNs = m.in.Policy, m.in.PolicyArns
	is, err := s.issue(sess, m.in.MinimumSessionTokenSize)
	if err != nil {
		return nil, err
	}
	assumedARN := sess.AssumedRoleARN()
	assumedID := sess.AssumedRoleID()
	x.event.ResponseElements = &webIdentityResponseElements{
		Credentials:                 is.audit(),
		SubjectFromWebIdentityToken: m.subject,
		AssumedRoleUser:             auditAssumedRoleUser{ARN: assumedARN, AssumedRoleID: assumedID},
		Provider:                    m.provider,
		Audience:                    m.audience,
		SourceIdentity:              sess.SourceIdentity,
	}
	result := append(make([]awsquery.Node, 0, 9),
		awsquery.Str("SubjectFromWebIdentityToken", m.subject),
		awsquery.Str("Audience", m.audience),
		awsquery.Struct("AssumedRoleUser",
			awsquery.Str("Arn", assumedARN),
			awsquery.Str("AssumedRoleId", assumedID)),
		is.credentials(),
		awsquery.OptStr("SourceIdentity", sess.SourceIdentity),
		is.packedPolicySize(m.in.any() || len(sess.Tags) > 0),
		awsquery.Str("Provider", m.provider))
	result = append(result, is.sizeMembers()...)
	return &awsquery.Response{Action: "AssumeRoleWithWebIdentity", Namespace: Namespace, Result: result}, nil
}

// The audit views of the input and output: never the web identity token,
// the secret key or the session token.
type webIdentityRequestParameters struct {
	RoleArn                 string   `json:"roleArn"`
	RoleSessionName         string   `json:"roleSessionName"`
	DurationSeconds         int      `json:"durationSeconds"`
	Policy                  string   `json:"policy,omitempty"`
	PolicyArns              []string `json:"policyArns,omitempty"`
	ProviderID              string   `json:"providerId,omitempty"`
	MinimumSessionTokenSize int      `json:"minimumSessionTokenSize,omitempty"`
}

// RoleParameter is the role the call names, for the console's activity
// feed (without encoding the parameters to JSON to find it).
func (p *webIdentityRequestParameters) RoleParameter() string { return p.RoleArn }

type webIdentityResponseElements struct {
	Credentials                 auditCredentials     `json:"credentials"`
	SubjectFromWebIdentityToken string               `json:"subjectFromWebIdentityToken"`
	AssumedRoleUser             auditAssumedRoleUser `json:"assumedRoleUser"`
	Provider                    string               `json:"provider"`
	Audience                    string               `json:"audience"`
	SourceIdentity              string               `json:"sourceIdentity,omitempty"`
}

type auditCredentials struct {
	AccessKeyID string    `json:"accessKeyId"`
	Expiration  time.Time `json:"expiration"`
}

type auditAssumedRoleUser struct {
	ARN           string `json:"arn"`
	AssumedRoleID string `json:"assumedRoleId"`
}

func webIdentityAuditParameters(in *webIdentityInput) *webIdentityRequestParameters {
	return &webIdentityRequestParameters{
		RoleArn: in.RoleArn, RoleSessionName: in.RoleSessionName, DurationSeconds: in.DurationSeconds,
		Policy: in.Policy, PolicyArns: in.PolicyArns, ProviderID: in.ProviderID,
		MinimumSessionTokenSize: in.MinimumSessionTokenSize,
	}
}
