package iamapi

import (
	"context"

	"github.com/stsd/stsd/internal/awsquery"
	"github.com/stsd/stsd/internal/iam"
)

// listInstanceProfilesForRole is ListInstanceProfilesForRole. stsd has no
// instance profiles (there is no EC2 to hand them to), so an existing
// role's list is empty, as an account without instance profiles answers;
// an unknown role is NoSuchEntity. Terraform's aws_iam_role calls it
// before every delete.
func (s *Service) listInstanceProfilesForRole(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	name, nameErr := x.roleNameParam()
	_, pageErr := x.pageParams()
	if err := iam.Join(nameErr, pageErr); err != nil {
		return nil, err
	}
	if _, err := s.repo(x).GetRole(ctx, x.account, name); err != nil {
		return nil, err
	}
	return &awsquery.Response{Result: append([]awsquery.Node{awsquery.List("InstanceProfiles")}, pageNodes("")...)}, nil
}
