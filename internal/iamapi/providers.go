package iamapi

import (
	"context"

	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/awsquery"
	"github.com/stsd/stsd/internal/iam"
)

// The OpenID Connect provider actions. Providers are authorized on their
// ARN, the list on "*". The stsd extensions of a
// provider (JWKS URL, static JWKS) are set by bootstrap files and, through
// the API, by tags with reserved keys (providers_settings.go); the other
// updates keep them.

// createProvider registers a provider. Member violations are reported
// together first (phase 1, in IAM's order: clientIDList, thumbprintList,
// url, tags), then the first of the URL rule, the thumbprint and client-ID
// quotas and the tag rules (phase 2, in that order).
// ThumbprintList is optional, as in current IAM.
func (s *Service) createProvider(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	url, urlErr := x.required("Url", "url")
	if urlErr == nil {
		urlErr = iam.ValidateProviderURL(url, s.deps.URL)
	}
	clientIDs, _ := x.list("ClientIDList")
	thumbprints, _ := x.list("ThumbprintList")
	tags, _ := x.tags("Tags")
	clientErr := iam.ValidateClientIDs(clientIDs)
	thumbErr := iam.ValidateThumbprints(thumbprints)
	tagErr := iam.ValidateTags(tags)
	var v awserr.Violations
	v.Members(clientErr, thumbErr, urlErr, tagErr)
	v.Rules(urlErr, thumbErr, clientErr, tagErr)
	if err := iam.Checked(&v); err != nil {
		return nil, err
	}
	want := iam.OIDCProvider{Account: x.account, URL: url, ClientIDs: clientIDs, Thumbprints: thumbprints}
	if err := applyProviderTags(&want, tags); err != nil {
		return nil, err
	}
	p, err := s.repo(x).CreateProvider(ctx, want)
	if err != nil {
		return nil, err
	}
	result := []awsquery.Node{awsquery.Str("OpenIDConnectProviderArn", p.ARN())}
	if all := iam.ProviderTags(p); len(all) > 0 {
		result = append(result, tagNodes("Tags", sortedTags(all)))
	}
	return &awsquery.Response{Result: result}, nil
}

// providerParam reads, checks and resolves the provider ARN of an action
// that has no other members.
func (x *exchange) providerParam(missing func(string) error) (string, error) {
	arn, err := x.providerARNParam()
	if err != nil {
		return "", err
	}
	return arn, x.checkProviderARN(arn, missing)
}

// getProvider returns a provider: Url without its scheme, as IAM does.
func (s *Service) getProvider(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	arn, err := x.providerParam(providerNotFound)
	if err != nil {
		return nil, err
	}
	p, err := s.repo(x).GetProvider(ctx, arn)
	if err != nil {
		return nil, err
	}
	return &awsquery.Response{Result: []awsquery.Node{
		awsquery.Str("Url", p.HostPath()),
		stringMembers("ClientIDList", p.ClientIDs),
		stringMembers("ThumbprintList", p.Thumbprints),
		awsquery.Time("CreateDate", p.CreateDate),
		tagNodes("Tags", sortedTags(iam.ProviderTags(p))),
	}}, nil
}

// listProviders lists the account's provider ARNs (IAM does not paginate
// this list).
func (s *Service) listProviders(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	ps, err := s.repo(x).ListProviders(ctx, x.account)
	if err != nil {
		return nil, err
	}
	items := make([]awsquery.Node, 0, len(ps))
	for _, p := range ps { // sorted by URL without scheme, hence by ARN
		items = append(items, awsquery.Struct("member", awsquery.Str("Arn", p.ARN())))
	}
	return &awsquery.Response{Result: []awsquery.Node{awsquery.List("OpenIDConnectProviderList", items...)}}, nil
}

// deleteProvider deletes a provider; a second delete is NoSuchEntity, as
// IAM answers (despite its documentation calling the action idempotent).
// The call returns once the node's snapshot no longer has the provider, so
// tokens from it are refused here from then on.
func (s *Service) deleteProvider(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	arn, err := x.providerParam(providerNotFoundOnDelete)
	if err != nil {
		return nil, err
	}
	if err := s.repo(x).DeleteProvider(ctx, arn); err != nil {
		return nil, err
	}
	return &awsquery.Response{NoResult: true}, nil
}
