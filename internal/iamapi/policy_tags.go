package iamapi

import (
	"context"
	"slices"

	"github.com/stsd/stsd/internal/awsquery"
	"github.com/stsd/stsd/internal/iam"
)

// The managed-policy tag actions: TagPolicy, UntagPolicy, ListPolicyTags.
// Only the account's own policies can be tagged: an AWS managed policy is
// not the account's to tag (NoSuchEntity, as for any ARN naming no policy
// of the account); its tag list is empty.

// tagPolicy is TagPolicy: a tag whose key equals an existing key ignoring
// case replaces it; at most 50 tags (LimitExceeded).
func (s *Service) tagPolicy(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	arn, arnErr := x.policyARNParam()
	tags, tagsErr := x.tagsParam()
	if err := iam.Join(arnErr, tagsErr); err != nil {
		return nil, err
	}
	return s.changePolicyTags(ctx, x, arn, func(p *iam.ManagedPolicy) error {
		merged, err := iam.MergeTags(p.Tags, tags)
		p.Tags = merged
		return err
	})
}

// untagPolicy is UntagPolicy: keys match ignoring case; a key the policy
// does not have is ignored.
func (s *Service) untagPolicy(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	arn, arnErr := x.policyARNParam()
	keys, keysErr := x.tagKeysParam()
	if err := iam.Join(arnErr, keysErr); err != nil {
		return nil, err
	}
	return s.changePolicyTags(ctx, x, arn, func(p *iam.ManagedPolicy) error {
		p.Tags = iam.RemoveTags(p.Tags, keys)
		if len(p.Tags) == 0 {
			p.Tags = nil
		}
		return nil
	})
}

// changePolicyTags applies change to the account's policy arn names
// (compare-and-swap).
func (s *Service) changePolicyTags(ctx context.Context, x *exchange, arn string, change func(*iam.ManagedPolicy) error) (*awsquery.Response, error) {
	notFound := func() error { return errPolicyNotFound(arn) }
	if err := x.checkOwnPolicyARN(arn, notFound); err != nil {
		return nil, err
	}
	if _, err := s.repo(x).UpdatePolicy(ctx, arn, change); err != nil {
		return nil, policyOrNotFound(err, notFound)
	}
	return &awsquery.Response{NoResult: true}, nil
}

// listPolicyTags is ListPolicyTags: the policy's tags sorted by key, a
// page at a time.
func (s *Service) listPolicyTags(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	arn, arnErr := x.policyARNParam()
	pr, pageErr := x.pageParams()
	if err := iam.Join(arnErr, pageErr); err != nil {
		return nil, err
	}
	p, err := s.getReadablePolicy(ctx, x, arn, func() error { return errPolicyNotFound(arn) })
	if err != nil {
		return nil, err
	}
	page, next := paginate(slices.Clone(p.Tags), func(t iam.Tag) string { return t.Key }, pr)
	return &awsquery.Response{Result: append([]awsquery.Node{tagNodes("Tags", page)}, pageNodes(next)...)}, nil
}
