package iamapi

import (
	"context"

	"github.com/stsd/stsd/internal/iam"
)

// users is the holder of an IAM user's policies: its inline policies
// (PutUserPolicy, GetUserPolicy, DeleteUserPolicy, ListUserPolicies), its
// attached managed policies (AttachUserPolicy, DetachUserPolicy,
// ListAttachedUserPolicies) and its permissions boundary
// (PutUserPermissionsBoundary, DeleteUserPermissionsBoundary).
var users = holder{
	kind: "user", nameParam: "UserName", nameMember: "userName",
	checkName: iam.ValidateUserName, checkExisting: iam.ValidateExistingUserName,
	load: func(ctx context.Context, r *iam.Repo, account, name string) (*heldPolicies, error) {
		u, err := r.GetUser(ctx, account, name)
		if err != nil {
			return nil, err
		}
		return userPolicies(u), nil
	},
	update: func(ctx context.Context, r *iam.Repo, account, name string, mutate func(*heldPolicies) error) error {
		_, err := r.UpdateUser(ctx, account, name, func(u *iam.User) error { return mutate(userPolicies(u)) })
		return err
	},
}

func userPolicies(u *iam.User) *heldPolicies {
	return &heldPolicies{name: u.Name, inline: &u.InlinePolicies, managed: &u.ManagedPolicyARNs, boundary: &u.PermissionsBoundaryARN}
}
