package iamapi

import (
	"context"
	"errors"
	"net/http"

	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/awsquery"
	"github.com/stsd/stsd/internal/issuer"
)

// The account switch of outbound identity federation (GetWebIdentityToken),
// as IAM has it (IAM API Reference and botocore's IAM model, 1.43.11):
//
//   - EnableOutboundWebIdentityFederation: no input; answers
//     IssuerIdentifier ("A unique issuer URL for your AWS account that
//     hosts the OpenID Connect (OIDC) discovery endpoints at
//     /.well-known/openid-configuration and /.well-known/jwks.json");
//     FeatureEnabled 409 when it is already on.
//   - DisableOutboundWebIdentityFederation: no input, no output;
//     FeatureDisabled 404 when it is already off. Tokens already issued
//     stay valid until they expire.
//   - GetOutboundWebIdentityFederationInfo: no input; answers
//     IssuerIdentifier and JwtVendingEnabled; FeatureDisabled 404 when off
//     (as captured from AWS for an account that never enabled it).
//
// Each is authorized as iam:<Action> on "*" (the Service Authorization
// Reference lists no resource type). stsd has one issuer URL for the
// whole deployment (--issuer-url), shared by every account, where AWS
// makes one per account: relying parties tell accounts apart by the
// token's sub and aws_account claims.

// Texts of the errors. FeatureDisabled's is AWS's (captured from
// GetOutboundWebIdentityFederationInfo, "Outbound identity federation is
// disabled for account 228478051196"); FeatureEnabled's was not found
// and follows it. msgNoIssuerURL is stsd's: AWS always has an issuer.
const (
	msgFeatureDisabled = "Outbound identity federation is disabled for account "
	msgFeatureEnabled  = "Outbound identity federation is already enabled for account "
	msgNoIssuerURL     = "Outbound identity federation needs an issuer URL: start stsd with --issuer-url (config key issuer_url)."
)

func featureDisabled(account string) error {
	return awserr.New("FeatureDisabled", http.StatusNotFound, msgFeatureDisabled+account).WithReason("outbound_federation_disabled", nil)
}

func (s *Service) enableOutboundFederation(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	is := s.deps.Issuer
	if is == nil {
		return nil, awserr.New("InvalidInput", http.StatusBadRequest, msgNoIssuerURL).WithReason("no_issuer_url", nil)
	}
	err := is.Enable(ctx, x.account)
	if errors.Is(err, issuer.ErrFederationEnabled) {
		return nil, awserr.New("FeatureEnabled", http.StatusConflict, msgFeatureEnabled+x.account).WithReason("outbound_federation_enabled", nil)
	}
	if err != nil {
		return nil, err
	}
	x.event.ResponseElements = map[string]string{"issuerIdentifier": is.URL()}
	return &awsquery.Response{Result: []awsquery.Node{awsquery.Str("IssuerIdentifier", is.URL())}}, nil
}

func (s *Service) disableOutboundFederation(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	is := s.deps.Issuer
	if is == nil {
		return nil, featureDisabled(x.account)
	}
	err := is.Disable(ctx, x.account)
	if errors.Is(err, issuer.ErrFederationDisabled) {
		return nil, featureDisabled(x.account)
	}
	if err != nil {
		return nil, err
	}
	return &awsquery.Response{}, nil
}

func (s *Service) getOutboundFederationInfo(_ context.Context, x *exchange) (*awsquery.Response, error) {
	is := s.deps.Issuer
	if is == nil || !is.Enabled(x.account) {
		return nil, featureDisabled(x.account)
	}
	return &awsquery.Response{Result: []awsquery.Node{
		awsquery.Str("IssuerIdentifier", is.URL()),
		awsquery.Bool("JwtVendingEnabled", true),
	}}, nil
}
