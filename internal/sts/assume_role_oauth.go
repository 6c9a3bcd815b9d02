package sts

import (
	"context"
	"errors"
	"net/http"

	"github.com/stsd/stsd/internal/arn"
	"github.com/stsd/stsd/internal/audit"
	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/awsquery"
	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/introspect"
	"github.com/stsd/stsd/internal/policy"
)

// Texts of the OAuth 2.0 (ProviderId) path.
const (
	// msgIDPCommunication is the model's description of
	// IDPCommunicationErrorException (botocore's STS model; aws-sdk-go-v2
	// types/errors.go): AWS's wire text for it was not captured
	// (sts-contract §4.1).
	msgIDPCommunication = "The request could not be fulfilled because the identity provider (IDP) that was asked to verify the incoming identity token could not be reached. This is often a transient error caused by network conditions. Retry the request a limited number of times so that you don't exceed the request rate. If the error persists, the identity provider might be down or not responding."
	// msgRespondedWith is the form of AWS's captured IDPRejectedClaim
	// text, "graph.facebook.com: graph.facebook.com responded with
	// HTTP/1.1 400 Bad Request" (sts-contract §4.1, aws/aws-sdk-js#198):
	// "<ProviderId>: <ProviderId> responded with <what it answered>".
	msgRespondedWith = " responded with "
)

// Reasons of the OAuth path (audit events, logs).
const (
	reasonOAuthProviderUnknown = "oauth_provider_unknown"
	reasonTokenInactive        = "oauth_token_inactive"
	reasonIntrospectionMissing = "introspection_unconfigured"
)

// assumeWithOAuthToken is AssumeRoleWithWebIdentity with a ProviderId
// (sts-contract §5.6): the provider is the account's OAuth provider with
// that id (none: AccessDenied, as AWS answers an unknown ProviderId); the
// token is introspected (RFC 7662); an inactive token is IDPRejectedClaim
// 403, a provider that cannot be reached or answers anything but a usable
// introspection response is IDPCommunicationError 400; then the trust
// policy decides for the principal {"Federated": "<provider id>"} with the
// keys <id>:app_id (client_id), <id>:sub, <id>:aud and <id>:scope.
func (s *Service) assumeWithOAuthToken(ctx context.Context, x *exchange, in *webIdentityInput, roleARN arn.ARN, snap *iam.Snapshot, rv *iam.RoleView) (*awsquery.Response, error) {
	role := rv.Role
	prov, ok := snap.OAuthProvider(role.Account, in.ProviderID)
	if !ok {
		return nil, accessDenied(reasonOAuthProviderUnknown)
	}
	if s.deps.Introspector == nil {
		return nil, accessDenied(reasonIntrospectionMissing)
	}
	if perr := in.checkGrammar(); perr != nil { // cheap checks before the provider is asked
		return nil, perr
	}
	tok, err := s.deps.Introspector.Introspect(ctx, introspect.Endpoint{
		URL: prov.IntrospectionURL, ClientID: prov.ClientID,
		ClientSecret: introspect.SecretSource{Env: prov.ClientSecretEnv, File: prov.ClientSecretFile},
	}, in.WebIdentityToken)
	if err != nil {
		return nil, fromIntrospection(prov.ProviderID, err)
	}
	if !tok.Active {
		return nil, awserr.New("IDPRejectedClaim", http.StatusForbidden,
			prov.ProviderID+": "+prov.ProviderID+msgRespondedWith+"active: false").WithReason(reasonTokenInactive, nil)
	}
	// AWS requires sub of an OIDC token (sts-contract §5.5); the answer
	// here must name the subject and the client the token was issued to,
	// which become SubjectFromWebIdentityToken and Audience.
	if tok.Subject == "" {
		return nil, invalidIdentityToken(msgMissingClaim+"sub").WithReason("introspection_missing_sub", nil)
	}
	if tok.ClientID == "" {
		return nil, invalidIdentityToken(msgMissingClaim+"client_id").WithReason("introspection_missing_client_id", nil)
	}
	x.event.UserIdentity = &audit.UserIdentity{
		Type:             "WebIdentityUser",
		PrincipalID:      prov.ProviderID + ":" + tok.ClientID + ":" + tok.Subject,
		UserName:         tok.Subject,
		IdentityProvider: prov.ProviderID,
	}

	now := s.deps.Now()
	session := &sessionClaims{} // an access token carries no session tags or source identity
	pctx := policy.NewContext()
	p := prov.ProviderID + ":"
	pctx.Set(p+"app_id", tok.ClientID)
	pctx.Set(p+"sub", tok.Subject)
	if len(tok.Audience) > 0 {
		pctx.SetList(p+"aud", tok.Audience...)
	}
	if len(tok.Scope) > 0 {
		pctx.SetList(p+"scope", tok.Scope...)
	}
	requestKeys(pctx, &trustInput{call: x.call, role: role, in: in, session: session, now: now}, prov.ProviderID)
	if err := s.authorizeTrust(x, rv, prov.ProviderID, pctx, session); err != nil {
		return nil, err
	}
	if err := checkSessionRequest(snap, role, in.PolicyArns, in.DurationSeconds); err != nil {
		return nil, err
	}
	keep := map[string][]string{p + "sub": {tok.Subject}}
	if len(tok.Audience) > 0 {
		keep[p+"aud"] = tok.Audience
	}
	return s.mint(x, mintInput{roleARN: roleARN, role: role, provider: prov.ProviderID, subject: tok.Subject, audience: tok.ClientID,
		webIdentity: keep, in: in, session: session, now: now})
}

// fromIntrospection maps a failed introspection to IDPCommunicationError
// 400: an HTTP status other than 200 is reported in AWS's captured form
// ("<id>: <id> responded with HTTP/1.1 503 Service Unavailable"), anything
// else (unreachable, timeout, not JSON, too large, malformed, no client
// secret on this node) with the model's text. The kind is the reason; the
// cause (never the token or the secret) goes to the log and audit event.
func fromIntrospection(providerID string, err error) *awserr.Error {
	var ie *introspect.Error
	if !errors.As(err, &ie) {
		return awserr.InternalFailure(err)
	}
	msg := msgIDPCommunication
	if ie.Kind == introspect.KindStatus {
		msg = providerID + ": " + providerID + msgRespondedWith + ie.StatusLine()
	}
	return awserr.New("IDPCommunicationError", http.StatusBadRequest, msg).WithReason(string(ie.Kind), ie)
}
