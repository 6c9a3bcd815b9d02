package iamapi

import (
	"context"
	"slices"

	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/awsquery"
	"github.com/stsd/stsd/internal/iam"
)

// clientIDParam reads the required ClientID of Add/RemoveClientID…, with
// the provider ARN: model violations of both together, then the ARN checks.
func (x *exchange) clientIDParam() (arn, clientID string, err error) {
	arn, arnErr := x.providerARNParam()
	clientID, idErr := x.validParam("ClientID", "clientID", func(id string) error {
		return iam.ValidateLength("clientID", id, 1, iam.MaxClientIDLength)
	})
	if err := iam.Join(arnErr, idErr); err != nil {
		return "", "", err
	}
	return arn, clientID, x.checkProviderARN(arn, providerNotFound)
}

// updateProvider applies mutate to the stored provider (compare-and-swap;
// the URL, the creation date and the stsd extensions are left as they
// are) and records the write's revision.
func (s *Service) updateProvider(ctx context.Context, x *exchange, arn string, mutate func(*iam.OIDCProvider) error) (*awsquery.Response, error) {
	if _, err := s.repo(x).UpdateProvider(ctx, arn, mutate); err != nil {
		return nil, err
	}
	return &awsquery.Response{NoResult: true}, nil
}

// addProviderClientID adds an audience; adding one already registered
// changes nothing. More than 100 is LimitExceeded.
func (s *Service) addProviderClientID(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	arn, clientID, err := x.clientIDParam()
	if err != nil {
		return nil, err
	}
	return s.updateProvider(ctx, x, arn, func(p *iam.OIDCProvider) error {
		if !slices.Contains(p.ClientIDs, clientID) {
			p.ClientIDs = append(p.ClientIDs, clientID)
		}
		return nil
	})
}

// removeProviderClientID removes an audience; removing one that is not
// registered changes nothing.
func (s *Service) removeProviderClientID(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	arn, clientID, err := x.clientIDParam()
	if err != nil {
		return nil, err
	}
	return s.updateProvider(ctx, x, arn, func(p *iam.OIDCProvider) error {
		p.ClientIDs = slices.DeleteFunc(p.ClientIDs, func(id string) bool { return id == clientID })
		if len(p.ClientIDs) == 0 {
			p.ClientIDs = nil
		}
		return nil
	})
}

// updateProviderThumbprint replaces the thumbprint list (the lists are not
// merged). The list is required but may be empty.
func (s *Service) updateProviderThumbprint(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	arn, arnErr := x.providerARNParam()
	thumbprints, sent := x.list("ThumbprintList")
	tpErr := nullViolation("thumbprintList")
	if sent {
		tpErr = iam.ValidateThumbprints(thumbprints)
	}
	var v awserr.Violations
	v.Members(arnErr, tpErr)
	v.Rules(x.checkProviderARN(arn, providerNotFound), tpErr)
	if err := iam.Checked(&v); err != nil {
		return nil, err
	}
	return s.updateProvider(ctx, x, arn, func(p *iam.OIDCProvider) error {
		p.Thumbprints = nil
		if len(thumbprints) > 0 {
			p.Thumbprints = thumbprints
		}
		return nil
	})
}

// tagProvider adds or replaces tags (keys compare ignoring case); more than
// 50 in all is LimitExceeded. The reserved stsd: tags set the provider's
// JWKS URL or static key set (applyProviderTags).
func (s *Service) tagProvider(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	arn, arnErr := x.providerARNParam()
	tags, tagErr := x.tagsParam()
	var v awserr.Violations
	v.Members(arnErr, tagErr)
	v.Rules(x.checkProviderARN(arn, providerNotFound), tagErr)
	if err := iam.Checked(&v); err != nil {
		return nil, err
	}
	return s.updateProvider(ctx, x, arn, func(p *iam.OIDCProvider) error {
		merged, err := iam.MergeTags(iam.ProviderTags(p), tags)
		if err != nil {
			return err
		}
		return applyProviderTags(p, merged)
	})
}

// untagProvider removes the tags with the keys (ignoring case); keys the
// provider does not have are ignored. Removing stsd:jwks-url, or every
// part of a static key set, returns the provider to discovery.
func (s *Service) untagProvider(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	arn, arnErr := x.providerARNParam()
	keys, keyErr := x.tagKeysParam()
	if err := iam.Join(arnErr, keyErr); err != nil {
		return nil, err
	}
	if err := x.checkProviderARN(arn, providerNotFound); err != nil {
		return nil, err
	}
	return s.updateProvider(ctx, x, arn, func(p *iam.OIDCProvider) error {
		return applyProviderTags(p, iam.RemoveTags(iam.ProviderTags(p), keys))
	})
}

// listProviderTags lists a provider's tags sorted by key, paginated, the
// reserved ones that show its JWKS settings included.
func (s *Service) listProviderTags(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	arn, arnErr := x.providerARNParam()
	pr, pageErr := x.pageParams()
	if err := iam.Join(arnErr, pageErr); err != nil {
		return nil, err
	}
	if err := x.checkProviderARN(arn, providerNotFound); err != nil {
		return nil, err
	}
	p, err := s.repo(x).GetProvider(ctx, arn)
	if err != nil {
		return nil, err
	}
	page, next := paginate(iam.ProviderTags(p), func(t iam.Tag) string { return t.Key }, pr)
	return &awsquery.Response{Result: append([]awsquery.Node{tagNodes("Tags", page)}, pageNodes(next)...)}, nil
}
