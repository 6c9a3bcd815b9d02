package sts

import (
	"context"

	"github.com/stsd/stsd/internal/audit"
	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/awsquery"
	"github.com/stsd/stsd/internal/creds"
	"github.com/stsd/stsd/internal/policy"
)

// GetFederationToken, as the STS API Reference and botocore's model
// document it:
//
//   - Name userNameType 2..32 [\w+=,.@-]* (required); Policy 1..2,048;
//     PolicyArns at most 10; Tags at most 50 (no transitive keys: the
//     credentials cannot assume a role); DurationSeconds 900..129,600,
//     default 43,200; for the root at most 3,600 — a longer one "defaults
//     to one hour", not an error;
//   - called with an IAM user's or the root's long-term keys; session
//     credentials get AccessDenied "Cannot call GetFederationToken with
//     session credentials";
//   - the user needs sts:GetFederationToken on the federated user
//     (arn:aws:sts::ACCT:federated-user/<Name>, the SAR's "user" resource),
//     and sts:TagSession to pass tags, from its own policies;
//   - the session's permissions are the user's policies ∩ the session
//     policies, none without session policies (authz); its principal is
//     arn:aws:sts::ACCT:federated-user/<Name>, its id ACCT:<Name>;
//   - the answer is Credentials, FederatedUser{Arn, FederatedUserId} and
//     PackedPolicySize when policies or tags were passed.
//
// PolicyArns must name managed policies of the user's account
// (checkPolicyArns: "The policies must exist in the same account as the
// IAM user that is requesting federated access").
const (
	actionGetFederationToken = "sts:GetFederationToken"
	maxFederatedName         = 32
)

func (s *Service) getFederationToken(_ context.Context, x *exchange) (*awsquery.Response, error) {
	c := x.caller
	x.event.RecipientAccountID = c.Account
	p := x.call.Params
	var v awserr.Violations
	name := requiredSessionName(&v, p, "Name", "name", maxFederatedName)
	sp := parseSessionPolicies(&v, p, maxSessionPolicyPlaintext)
	_, given := p.Get("DurationSeconds")
	duration := intMember(&v, p, "DurationSeconds", "durationSeconds", minDuration, userSessionMax, userSessionDefault)
	tagList, _ := parseTags(&v, p, false)
	minSize := intMember(&v, p, "MinimumSessionTokenSize", "minimumSessionTokenSize", 0, maxTokenSize, 0)
	if err := v.Err(); err != nil {
		return nil, err
	}
	params := &getFederationTokenParameters{Name: name, Policy: sp.Policy, PolicyArns: sp.PolicyArns}
	if given {
		params.DurationSeconds = duration
	}
	for _, t := range tagList {
		params.Tags = append(params.Tags, auditTag{Key: t.Key, Value: t.Value})
	}
	x.event.RequestParameters = params
	if err := sp.checkPlaintext(); err != nil {
		return nil, err
	}
	if err := checkTagRules(tagList, nil); err != nil {
		return nil, err
	}
	if c.Temporary() {
		return nil, sessionCredentialsRefused("GetFederationToken")
	}
	sess, err := newSession(c.Account, s.deps.Now(), duration)
	if err != nil {
		return nil, err
	}
	sess.Kind, sess.SessionName = creds.KindFederatedUser, name
	if err := s.authorizeFederation(x, sess.FederatedUserARN(), len(tagList) > 0); err != nil {
		return nil, err
	}
	if err := sp.checkGrammar(); err != nil {
		return nil, err
	}
	if err := checkPolicyArns(s.deps.Snapshot(), c.Account, sp.PolicyArns); err != nil {
		return nil, err
	}
	ownedBy(sess, c, duration, given)
	sess.Policy, sess.PolicyARNs, sess.Tags = sp.Policy, sp.PolicyArns, tagList
	is, ierr := s.issue(sess, minSize)
	if ierr != nil {
		return nil, ierr
	}
	arn, id := sess.FederatedUserARN(), sess.FederatedUserID()
	x.event.ResponseElements = &getFederationTokenElements{Credentials: is.audit(), FederatedUser: auditFederatedUser{ARN: arn, FederatedUserID: id}}
	return &awsquery.Response{Action: "GetFederationToken", Namespace: Namespace, Result: append([]awsquery.Node{
		is.credentials(),
		awsquery.Struct("FederatedUser",
			awsquery.Str("Arn", arn),
			awsquery.Str("FederatedUserId", id)),
		is.packedPolicySize(sp.any() || len(tagList) > 0),
	}, is.sizeMembers()...)}, nil
}

// authorizeFederation asks the engine whether the user may federate
// (sts:GetFederationToken, and sts:TagSession with tags) on the federated
// user's ARN. The root is allowed.
func (s *Service) authorizeFederation(x *exchange, federatedARN string, tagged bool) *awserr.Error {
	checks := []authz.Check{{Action: actionGetFederationToken, Resource: federatedARN}}
	if tagged {
		checks = append(checks, authz.Check{Action: actionTagSession, Resource: federatedARN})
	}
	res := s.deps.Authz.Decide(authz.Request{Caller: x.caller, Checks: checks, Env: s.env(x)})
	for i := range res.Checks {
		cr := &res.Checks[i]
		x.decision = audit.PolicyDecision(cr.Check.Action, &cr.Decision)
		if cr.Decision.Effect != policy.Allowed {
			err := notAuthorized(x.caller.ARN, cr)
			x.decision.Reason = err.Reason
			return err
		}
	}
	return nil
}

type getFederationTokenParameters struct {
	Name            string     `json:"name"`
	DurationSeconds int        `json:"durationSeconds,omitempty"`
	Policy          string     `json:"policy,omitempty"`
	PolicyArns      []string   `json:"policyArns,omitempty"`
	Tags            []auditTag `json:"tags,omitempty"`
}

type getFederationTokenElements struct {
	Credentials   auditCredentials   `json:"credentials"`
	FederatedUser auditFederatedUser `json:"federatedUser"`
}

type auditFederatedUser struct {
	ARN             string `json:"arn"`
	FederatedUserID string `json:"federatedUserId"`
}
