package sts

import (
	"context"

	"github.com/stsd/stsd/internal/audit"
	"github.com/stsd/stsd/internal/authn"
	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/awsquery"
)

// msgProvidedContexts is stsd's answer to ProvidedContexts: trusted
// context assertions are signed and encrypted by AWS STS for a context
// provider such as IAM Identity Center (STS API Reference, AssumeRole,
// ProvidedContexts); stsd has no context provider, so no assertion can be
// valid. AWS's text for an assertion it cannot use was not found.
const msgProvidedContexts = "ProvidedContexts is not supported: this service has no context providers, so it cannot validate trusted context assertions."

// assumeRole: validate → refuse the root, federated users, MFA and
// provided contexts → find the role (missing: AccessDenied, as for a trust
// policy that does not allow) → role chaining (duration, tags, source
// identity) → the inline policy's grammar → authorize (trust policy and
// the caller's policies, through the engine) → PolicyArns → duration
// against the role's maximum → mint (STS API Reference, AssumeRole).
func (s *Service) assumeRole(_ context.Context, x *exchange) (*awsquery.Response, error) {
	c := x.caller
	x.event.RecipientAccountID = c.Account
	in, verr := parseAssumeRoleInput(x.call.Params)
	if verr != nil {
		return nil, verr
	}
	x.event.RequestParameters = assumeRoleAuditParameters(in)
	switch c.Kind {
	case authn.KindRoot:
		return nil, awserr.AccessDenied(msgRootCannotAssume).WithReason("root_cannot_assume_role", nil)
	case authn.KindFederatedUser:
		// GetFederationToken's credentials "cannot call any STS operations
		// except GetCallerIdentity"; the engine's restriction says so.
		return nil, s.restricted(x, actionAssumeRole, in.RoleArn)
	}
	if in.SerialNumber != "" || in.TokenCode != "" {
		return nil, awserr.AccessDenied(msgMFAFailed).WithReason("mfa_device_unknown", nil)
	}
	if in.ProvidedContexts > 0 {
		return nil, invalidParameterValue(msgProvidedContexts).WithReason("provided_contexts_unsupported", nil)
	}
	roleARN, aerr := parseRoleARN(in.RoleArn)
	if aerr != nil {
		return nil, aerr
	}
	snap := s.deps.Snapshot()
	rv, found := snap.Role(roleARN)
	if !found {
		return nil, notAuthorizedOn(c.ARN, actionAssumeRole, in.RoleArn, "role_not_found")
	}
	role := rv.Role
	x.event.RecipientAccountID = role.Account
	facts, ferr := chainFacts(c, in)
	if ferr != nil {
		return nil, ferr
	}
	if err := in.checkGrammar(); err != nil {
		return nil, err
	}
	if err := s.authorizeAssumeRole(x, rv, in, facts); err != nil {
		return nil, err
	}
	if err := checkSessionRequest(snap, role, in.PolicyArns, in.DurationSeconds); err != nil {
		return nil, err
	}

	sess, err := newSession(role.Account, s.deps.Now(), in.DurationSeconds)
	if err != nil {
		return nil, err
	}
	sess.Partition, sess.RoleID, sess.RoleName, sess.RolePath = roleARN.Partition, role.RoleID, role.Name, role.Path
	sess.SessionName = in.RoleSessionName
	sess.SourceIdentity, sess.Tags, sess.TransitiveTagKeys = facts.sourceIdentity, facts.tags, facts.transitive
	sess.Policy, sess.PolicyARNs = in.Policy, in.PolicyArns
	is, err := s.issue(sess, in.MinimumSessionTokenSize)
	if err != nil {
		return nil, err
	}
	assumedARN, assumedID := sess.AssumedRoleARN(), sess.AssumedRoleID()
	x.event.ResponseElements = &assumeRoleResponseElements{
		Credentials:     is.audit(),
		AssumedRoleUser: auditAssumedRoleUser{ARN: assumedARN, AssumedRoleID: assumedID},
		SourceIdentity:  sess.SourceIdentity,
	}
	// Members in the order of the API reference's sample response.
	return &awsquery.Response{Action: "AssumeRole", Namespace: Namespace, Result: append([]awsquery.Node{
		awsquery.OptStr("SourceIdentity", sess.SourceIdentity),
		awsquery.Struct("AssumedRoleUser",
			awsquery.Str("Arn", assumedARN),
			awsquery.Str("AssumedRoleId", assumedID)),
		is.credentials(),
		is.packedPolicySize(in.any() || len(sess.Tags) > 0),
	}, is.sizeMembers()...)}, nil
}

// restricted answers a call the caller's kind of credentials may not make
// (authz's restrictions): AccessDenied with the engine's decision, so the
// audit event names the restriction.
func (s *Service) restricted(x *exchange, action, resource string) *awserr.Error {
	res := s.deps.Authz.Decide(authz.Request{Caller: x.caller, Checks: []authz.Check{{Action: action, Resource: resource}}, Env: s.env(x)})
	cr := &res.Checks[0]
	x.decision = audit.PolicyDecision(action, &cr.Decision)
	if res.Allowed { // no restriction applied: still not callable here
		return notAuthorizedOn(x.caller.ARN, action, resource, "caller_kind_refused")
	}
	err := notAuthorized(x.caller.ARN, cr)
	x.decision.Reason = err.Reason
	return err
}

// The audit views of AssumeRole's input and output: never the secret key,
// the session token or the MFA code.
type assumeRoleRequestParameters struct {
	RoleArn                 string     `json:"roleArn"`
	RoleSessionName         string     `json:"roleSessionName"`
	DurationSeconds         int        `json:"durationSeconds,omitempty"`
	Policy                  string     `json:"policy,omitempty"`
	PolicyArns              []string   `json:"policyArns,omitempty"`
	Tags                    []auditTag `json:"tags,omitempty"`
	TransitiveTagKeys       []string   `json:"transitiveTagKeys,omitempty"`
	ExternalID              string     `json:"externalId,omitempty"`
	SerialNumber            string     `json:"serialNumber,omitempty"`
	SourceIdentity          string     `json:"sourceIdentity,omitempty"`
	ProvidedContexts        int        `json:"providedContextsCount,omitempty"`
	MinimumSessionTokenSize int        `json:"minimumSessionTokenSize,omitempty"`
}

// RoleParameter is the role the call names, for the console's activity
// feed.
func (p *assumeRoleRequestParameters) RoleParameter() string { return p.RoleArn }

type assumeRoleResponseElements struct {
	Credentials     auditCredentials     `json:"credentials"`
	AssumedRoleUser auditAssumedRoleUser `json:"assumedRoleUser"`
	SourceIdentity  string               `json:"sourceIdentity,omitempty"`
}

type auditTag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

func assumeRoleAuditParameters(in *assumeRoleInput) *assumeRoleRequestParameters {
	p := &assumeRoleRequestParameters{
		RoleArn: in.RoleArn, RoleSessionName: in.RoleSessionName, Policy: in.Policy, PolicyArns: in.PolicyArns,
		TransitiveTagKeys: in.TransitiveTagKeys, ExternalID: in.ExternalID, SerialNumber: in.SerialNumber,
		SourceIdentity: in.SourceIdentity, ProvidedContexts: in.ProvidedContexts, MinimumSessionTokenSize: in.MinimumSessionTokenSize,
	}
	if in.DurationGiven {
		p.DurationSeconds = in.DurationSeconds
	}
	for _, t := range in.Tags {
		p.Tags = append(p.Tags, auditTag{Key: t.Key, Value: t.Value})
	}
	return p
}
