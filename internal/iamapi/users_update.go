package iamapi

import (
	"context"
	"slices"

	"github.com/stsd/stsd/internal/awsquery"
	"github.com/stsd/stsd/internal/iam"
)

// UpdateUser and the user tag actions (TagUser, UntagUser, ListUserTags).

// userNameParam reads the required UserName of an existing user
// (existingUserNameType).
func (x *exchange) userNameParam() (string, error) {
	return x.validParam("UserName", "userName", iam.ValidateExistingUserName)
}

// updateUser is UpdateUser: a new name, a new path, or both, with the
// effects IAM documents — the user keeps its unique ID, policies, group
// memberships and access keys (which keep authenticating throughout). As
// IAM requires, the caller must be allowed iam:UpdateUser on the user under
// its new name and path as well. Unlike IAM, stsd does not rewrite trust
// or bucket policies that name the user's old ARN as a principal: such a
// statement no longer matches (docs/admin.md).
func (s *Service) updateUser(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	return s.rename(ctx, x, renamable{
		name: x.userNameParam, newNameParam: "NewUserName", validateNewName: iam.ValidateNewUserName,
		current: func(r *iam.Repo, name string) (string, string, error) {
			u, err := r.GetUser(ctx, x.account, name)
			if err != nil {
				return "", "", err
			}
			return u.Name, u.Path, nil
		},
		arn: iam.UserARN,
		rename: func(r *iam.Repo, name, newName, newPath string) error {
			_, err := r.RenameUser(ctx, x.account, name, newName, newPath)
			return err
		},
	})
}

// renamable is what UpdateUser and UpdateGroup differ in: the entity's
// name parameter, its new-name parameter and rule, how to read its
// current name and path, its ARN, and the rename itself.
type renamable struct {
	name            func() (string, error)
	newNameParam    string
	validateNewName func(string) error
	current         func(r *iam.Repo, name string) (currentName, currentPath string, err error)
	arn             func(account, path, name string) string
	rename          func(r *iam.Repo, name, newName, newPath string) error
}

// rename is UpdateUser and UpdateGroup: the parameters validated together
// (the new name and NewPath only when given), the entity read, the caller
// authorized also on the entity's ARN under its new name and path (as IAM
// requires), then renamed.
func (s *Service) rename(ctx context.Context, x *exchange, e renamable) (*awsquery.Response, error) {
	name, nameErr := e.name()
	newName, hasName := x.optional(e.newNameParam)
	newPath, hasPath := x.optional("NewPath")
	var newNameErr, newPathErr error
	if hasName {
		newNameErr = e.validateNewName(newName)
	}
	if hasPath {
		newPathErr = iam.ValidatePath("newPath", newPath)
	}
	if err := iam.Join(nameErr, newNameErr, newPathErr); err != nil {
		return nil, err
	}
	curName, curPath, err := e.current(s.repo(x), name)
	if err != nil {
		return nil, err
	}
	if !hasName {
		newName = curName
	}
	if !hasPath {
		newPath = curPath
	}
	if err := s.authorizeAlso(ctx, x, e.arn(x.account, newPath, newName)); err != nil {
		return nil, err
	}
	if err := e.rename(s.repo(x), curName, newName, newPath); err != nil {
		return nil, err
	}
	return &awsquery.Response{NoResult: true}, nil
}

// tagUser is TagUser: a tag whose key equals an existing key ignoring
// case replaces it; at most 50 tags (LimitExceeded).
func (s *Service) tagUser(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	name, nameErr := x.userNameParam()
	tags, tagsErr := x.tagsParam()
	if err := iam.Join(nameErr, tagsErr); err != nil {
		return nil, err
	}
	_, err := s.repo(x).UpdateUser(ctx, x.account, name, func(u *iam.User) error {
		merged, err := iam.MergeTags(u.Tags, tags)
		u.Tags = merged
		return err
	})
	if err != nil {
		return nil, err
	}
	return &awsquery.Response{NoResult: true}, nil
}

// untagUser is UntagUser: keys match ignoring case; a key the user does
// not have is ignored.
func (s *Service) untagUser(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	name, nameErr := x.userNameParam()
	keys, keysErr := x.tagKeysParam()
	if err := iam.Join(nameErr, keysErr); err != nil {
		return nil, err
	}
	_, err := s.repo(x).UpdateUser(ctx, x.account, name, func(u *iam.User) error {
		u.Tags = iam.RemoveTags(u.Tags, keys)
		if len(u.Tags) == 0 {
			u.Tags = nil
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &awsquery.Response{NoResult: true}, nil
}

// listUserTags is ListUserTags: the user's tags sorted by key, a page at
// a time.
func (s *Service) listUserTags(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	name, nameErr := x.userNameParam()
	pr, pageErr := x.pageParams()
	if err := iam.Join(nameErr, pageErr); err != nil {
		return nil, err
	}
	u, err := s.repo(x).GetUser(ctx, x.account, name)
	if err != nil {
		return nil, err
	}
	page, next := paginate(slices.Clone(u.Tags), func(t iam.Tag) string { return t.Key }, pr)
	return &awsquery.Response{Result: append([]awsquery.Node{tagNodes("Tags", page)}, pageNodes(next)...)}, nil
}
