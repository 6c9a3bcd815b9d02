package iamapi

import (
	"context"

	"github.com/stsd/stsd/internal/iam"
)

// groups is the holder of a group's policies: its inline policies
// (PutGroupPolicy, GetGroupPolicy, DeleteGroupPolicy, ListGroupPolicies)
// and its attached managed policies (AttachGroupPolicy, DetachGroupPolicy,
// ListAttachedGroupPolicies). A group has no permissions boundary.
var groups = holder{
	kind: "group", nameParam: "GroupName", nameMember: "groupName",
	checkName: groupNameCheck, checkExisting: groupNameCheck,
	load: func(ctx context.Context, r *iam.Repo, account, name string) (*heldPolicies, error) {
		g, err := r.GetGroup(ctx, account, name)
		if err != nil {
			return nil, err
		}
		return groupPolicies(g), nil
	},
	update: func(ctx context.Context, r *iam.Repo, account, name string, mutate func(*heldPolicies) error) error {
		_, err := r.UpdateGroup(ctx, account, name, func(g *iam.Group) error { return mutate(groupPolicies(g)) })
		return err
	},
}

func groupPolicies(g *iam.Group) *heldPolicies {
	return &heldPolicies{name: g.Name, inline: &g.InlinePolicies, managed: &g.ManagedPolicyARNs}
}

// groupNameCheck validates a GroupName member (groupNameType).
func groupNameCheck(name string) error { return iam.ValidateGroupName("groupName", name) }
