package iamapi

import (
	"context"
	"slices"

	"github.com/stsd/stsd/internal/awsquery"
	"github.com/stsd/stsd/internal/iam"
)

// tagRole is TagRole: a tag whose key equals an existing key ignoring
// case replaces it; the role may hold at most 50 tags (LimitExceeded).
func (s *Service) tagRole(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	name, nameErr := x.roleNameParam()
	tags, tagsErr := x.tagsParam()
	if err := iam.Join(nameErr, tagsErr); err != nil {
		return nil, err
	}
	_, err := s.repo(x).UpdateRole(ctx, x.account, name, func(r *iam.Role) error {
		merged, err := iam.MergeTags(r.Tags, tags)
		r.Tags = merged
		return err
	})
	if err != nil {
		return nil, err
	}
	return &awsquery.Response{NoResult: true}, nil
}

// untagRole is UntagRole: keys match ignoring case; a key the role does
// not have is ignored.
func (s *Service) untagRole(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	name, nameErr := x.roleNameParam()
	keys, keysErr := x.tagKeysParam()
	if err := iam.Join(nameErr, keysErr); err != nil {
		return nil, err
	}
	_, err := s.repo(x).UpdateRole(ctx, x.account, name, func(r *iam.Role) error {
		r.Tags = iam.RemoveTags(r.Tags, keys)
		if len(r.Tags) == 0 {
			r.Tags = nil
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &awsquery.Response{NoResult: true}, nil
}

// listRoleTags is ListRoleTags: the role's tags sorted by key, a page at
// a time.
func (s *Service) listRoleTags(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	name, nameErr := x.roleNameParam()
	pr, pageErr := x.pageParams()
	if err := iam.Join(nameErr, pageErr); err != nil {
		return nil, err
	}
	r, err := s.repo(x).GetRole(ctx, x.account, name)
	if err != nil {
		return nil, err
	}
	page, next := paginate(slices.Clone(r.Tags), func(t iam.Tag) string { return t.Key }, pr)
	return &awsquery.Response{Result: append([]awsquery.Node{tagNodes("Tags", page)}, pageNodes(next)...)}, nil
}
