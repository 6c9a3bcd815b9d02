package iamapi

import (
	"context"
	"strings"

	"github.com/stsd/stsd/internal/awsquery"
	"github.com/stsd/stsd/internal/iam"
)

// getAccessKeyLastUsed is GetAccessKeyLastUsed: the user that owns the
// key (what Terraform's aws_iam_access_key import reads) and when the key
// was last used. stsd does not record the use of access keys (that would
// be a store write on every signed request), so the answer is the one IAM
// gives for a key not used since it began tracking: ServiceName and Region
// "N/A", no LastUsedDate. A key of no user of the caller's account is
// NoSuchEntity, as the access key actions answer.
func (s *Service) getAccessKeyLastUsed(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	id, err := x.accessKeyIDParam()
	if err != nil {
		return nil, err
	}
	k, err := s.repo(x).GetAccessKey(ctx, x.account, id)
	if err != nil {
		return nil, err
	}
	u, err := s.repo(x).GetUser(ctx, x.account, k.UserName)
	if iam.KindOf(err) == iam.KindNotFound || (err == nil && !strings.EqualFold(u.Name, k.UserName)) {
		return nil, errNoSuchAccessKey(id)
	}
	if err != nil {
		return nil, err
	}
	return &awsquery.Response{Result: []awsquery.Node{
		awsquery.Str("UserName", u.Name),
		awsquery.Struct("AccessKeyLastUsed",
			awsquery.Str("ServiceName", "N/A"),
			awsquery.Str("Region", "N/A")),
	}}, nil
}
