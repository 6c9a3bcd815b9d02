package iamapi

import (
	"context"
	"strings"

	"github.com/stsd/stsd/internal/awsquery"
	"github.com/stsd/stsd/internal/iam"
)

// IAM groups: CreateGroup, GetGroup (with its members), ListGroups,
// UpdateGroup, DeleteGroup, AddUserToGroup, RemoveUserFromGroup and
// ListGroupsForUser. A group's policies are group_policies.go's; its
// members' permissions include them (authz).

// groupListResource is what ListGroups is authorized on, as ListUsers:
// arn:aws:iam::<acct>:group<PathPrefix> ("group/" without a prefix).
func groupListResource(x *exchange) string {
	return iam.GroupARN(x.account, pathOr(x.params.Value("PathPrefix")), "")
}

// groupNode renders IAM's Group shape under name.
func groupNode(name string, g *iam.Group) awsquery.Node {
	return awsquery.Struct(name,
		awsquery.Str("Path", g.Path),
		awsquery.Str("GroupName", g.Name),
		awsquery.Str("GroupId", g.GroupID),
		awsquery.Str("Arn", g.ARN()),
		awsquery.Time("CreateDate", g.CreateDate),
	)
}

// groupNameParam reads and validates the required GroupName.
func (x *exchange) groupNameParam() (string, error) {
	return x.validParam("GroupName", "groupName", groupNameCheck)
}

// createGroup is CreateGroup: names are unique in the account ignoring
// case.
func (s *Service) createGroup(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	g := iam.Group{Account: x.account, Path: "/"}
	var pathErr error
	if p, ok := x.optional("Path"); ok {
		g.Path, pathErr = p, iam.ValidatePath("path", p)
	}
	name, nameErr := x.groupNameParam()
	if err := iam.Join(pathErr, nameErr); err != nil {
		return nil, err
	}
	g.Name = name
	created, err := s.repo(x).CreateGroup(ctx, g)
	if err != nil {
		return nil, err
	}
	return &awsquery.Response{Result: []awsquery.Node{groupNode("Group", created)}}, nil
}

// getGroup is GetGroup: the group and its members (as ListUsers lists
// them), in name order, a page of members at a time.
func (s *Service) getGroup(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	name, nameErr := x.groupNameParam()
	pr, pageErr := x.pageParams()
	if err := iam.Join(nameErr, pageErr); err != nil {
		return nil, err
	}
	g, err := s.repo(x).GetGroup(ctx, x.account, name)
	if err != nil {
		return nil, err
	}
	members, err := s.repo(x).GroupMembers(ctx, g)
	if err != nil {
		return nil, err
	}
	page, next := paginate(members, func(u *iam.User) string { return strings.ToLower(u.Name) }, pr)
	items := make([]awsquery.Node, len(page))
	for i, u := range page {
		items[i] = userNode("member", u, userAsListed)
	}
	result := []awsquery.Node{groupNode("Group", g), awsquery.List("Users", items...)}
	return &awsquery.Response{Result: append(result, pageNodes(next)...)}, nil
}

// listGroups is ListGroups: the groups whose path starts with PathPrefix,
// in name order, a page at a time.
func (s *Service) listGroups(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	prefix, sent := x.optional("PathPrefix")
	var prefixErr error
	if sent {
		prefixErr = iam.ValidatePathPrefix("pathPrefix", prefix)
	}
	pr, pageErr := x.pageParams()
	if err := iam.Join(prefixErr, pageErr); err != nil {
		return nil, err
	}
	all, err := s.repo(x).ListGroups(ctx, x.account)
	if err != nil {
		return nil, err
	}
	matching := all[:0]
	for _, g := range all {
		if strings.HasPrefix(g.Path, prefix) {
			matching = append(matching, g)
		}
	}
	return groupList(matching, pr), nil
}

// groupList renders a page of groups in name order (ListGroups,
// ListGroupsForUser).
func groupList(groups []*iam.Group, pr pageRequest) *awsquery.Response {
	page, next := paginate(groups, func(g *iam.Group) string { return strings.ToLower(g.Name) }, pr)
	items := make([]awsquery.Node, len(page))
	for i, g := range page {
		items[i] = groupNode("member", g)
	}
	return &awsquery.Response{Result: append([]awsquery.Node{awsquery.List("Groups", items...)}, pageNodes(next)...)}
}

// updateGroup is UpdateGroup: a new name, a new path, or both. The group
// keeps its ID, policies and members. As IAM requires, the caller must be
// allowed iam:UpdateGroup on the group under its new name and path as
// well.
func (s *Service) updateGroup(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	return s.rename(ctx, x, renamable{
		name: x.groupNameParam, newNameParam: "NewGroupName",
		validateNewName: func(n string) error { return iam.ValidateGroupName("newGroupName", n) },
		current: func(r *iam.Repo, name string) (string, string, error) {
			g, err := r.GetGroup(ctx, x.account, name)
			if err != nil {
				return "", "", err
			}
			return g.Name, g.Path, nil
		},
		arn: iam.GroupARN,
		rename: func(r *iam.Repo, name, newName, newPath string) error {
			_, err := r.RenameGroup(ctx, x.account, name, newName, newPath)
			return err
		},
	})
}

// deleteGroup is DeleteGroup: DeleteConflict while the group has members,
// inline policies or attached policies.
func (s *Service) deleteGroup(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	name, err := x.groupNameParam()
	if err != nil {
		return nil, err
	}
	if err := s.repo(x).DeleteGroup(ctx, x.account, name); err != nil {
		return nil, err
	}
	return &awsquery.Response{NoResult: true}, nil
}

// membershipParams are the GroupName and UserName of AddUserToGroup and
// RemoveUserFromGroup (existingUserNameType).
func (x *exchange) membershipParams() (group, user string, err error) {
	group, e1 := x.groupNameParam()
	user, e2 := x.validParam("UserName", "userName", iam.ValidateExistingUserName)
	return group, user, iam.Join(e1, e2)
}

// addUserToGroup is AddUserToGroup; adding a member again changes
// nothing. At most 10 groups per user (LimitExceeded).
func (s *Service) addUserToGroup(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	group, user, err := x.membershipParams()
	if err != nil {
		return nil, err
	}
	if _, err := s.repo(x).AddUserToGroup(ctx, x.account, group, user); err != nil {
		return nil, err
	}
	return &awsquery.Response{NoResult: true}, nil
}

// removeUserFromGroup is RemoveUserFromGroup; removing a user that is no
// member changes nothing and succeeds, as in IAM.
func (s *Service) removeUserFromGroup(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	group, user, err := x.membershipParams()
	if err != nil {
		return nil, err
	}
	if _, err := s.repo(x).RemoveUserFromGroup(ctx, x.account, group, user); err != nil {
		return nil, err
	}
	return &awsquery.Response{NoResult: true}, nil
}

// listGroupsForUser is ListGroupsForUser: the user's groups in name
// order, a page at a time.
func (s *Service) listGroupsForUser(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	name, nameErr := x.validParam("UserName", "userName", iam.ValidateExistingUserName)
	pr, pageErr := x.pageParams()
	if err := iam.Join(nameErr, pageErr); err != nil {
		return nil, err
	}
	u, err := s.repo(x).GetUser(ctx, x.account, name)
	if err != nil {
		return nil, err
	}
	groups, err := s.repo(x).UserGroups(ctx, u)
	if err != nil {
		return nil, err
	}
	return groupList(groups, pr), nil
}
