package iamapi

import (
	"context"
	"strings"

	"github.com/stsd/stsd/internal/authn"
	"github.com/stsd/stsd/internal/awsquery"
	"github.com/stsd/stsd/internal/iam"
)

// IAM users: CreateUser, GetUser, ListUsers, DeleteUser here; UpdateUser
// and the tag actions in users_update.go; the credentials stsd does not
// have (SSH keys, MFA, login profile, …) in users_credentials.go. A user's
// policies are user_policies.go's; its access keys are accesskeys.go's;
// its groups groups.go's.

// userListResource is what IAM authorizes ListUsers on, as its
// AccessDenied messages show: arn:aws:iam::<acct>:user<PathPrefix>
// ("user/" without a prefix). A policy allowing iam:ListUsers on "*" or on
// "arn:aws:iam::<acct>:user/*" allows it.
func userListResource(x *exchange) string {
	return iam.UserARN(x.account, pathOr(x.params.Value("PathPrefix")), "")
}

// userView says which members of IAM's User shape an action returns.
type userView int

const (
	// userInFull is CreateUser's and GetUser's User: the permissions
	// boundary and tags when set.
	userInFull userView = iota
	// userAsListed is a ListUsers item: IAM leaves out PermissionsBoundary
	// and Tags.
	userAsListed
)

// userNode renders a user as IAM's User shape under name, members in the
// model's order. stsd users have no password: PasswordLastUsed is absent.
func userNode(name string, u *iam.User, v userView) awsquery.Node {
	n := []awsquery.Node{
		awsquery.Str("Path", u.Path),
		awsquery.Str("UserName", u.Name),
		awsquery.Str("UserId", u.UserID),
		awsquery.Str("Arn", u.ARN()),
		awsquery.Time("CreateDate", u.CreateDate),
	}
	if v == userInFull {
		n = append(n, boundaryNode(u.PermissionsBoundaryARN))
		if len(u.Tags) > 0 {
			n = append(n, tagNodes("Tags", u.Tags))
		}
	}
	return awsquery.Struct(name, n...)
}

// createUser creates a user (AIDA… id). A permissions boundary must be a
// managed policy of the account.
func (s *Service) createUser(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	u := iam.User{Account: x.account, Path: "/"}
	var errs []error
	var err error
	if p, ok := x.optional("Path"); ok {
		u.Path = p
		errs = append(errs, iam.ValidatePath("path", p))
	}
	u.Name, err = x.validParam("UserName", "userName", iam.ValidateUserName)
	errs = append(errs, err)
	boundary, hasBoundary, boundaryErr := x.boundaryParam()
	errs = append(errs, boundaryErr)
	u.Tags, _ = x.tags("Tags")
	errs = append(errs, iam.ValidateTags(u.Tags))
	if err := iam.Join(errs...); err != nil {
		return nil, err
	}
	if hasBoundary {
		if u.PermissionsBoundaryARN, err = s.boundaryPolicy(ctx, x, boundary); err != nil {
			return nil, err
		}
	}
	created, err := s.repo(x).CreateUser(ctx, u)
	if err != nil {
		return nil, err
	}
	return &awsquery.Response{Result: []awsquery.Node{userNode("User", created, userInFull)}}, nil
}

// getUser returns the named user, or without UserName the calling user.
// Root gets the account's root user as IAM describes it: the account ID as
// UserId and the root ARN, without UserName, Path or CreateDate (stsd does
// not know when the account was made).
func (s *Service) getUser(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	name, sent := x.optional("UserName")
	if sent {
		if err := iam.ValidateExistingUserName(name); err != nil {
			return nil, err
		}
	} else {
		switch x.caller.Kind {
		case authn.KindRoot:
			return &awsquery.Response{Result: []awsquery.Node{awsquery.Struct("User",
				awsquery.Str("UserId", x.account), awsquery.Str("Arn", x.caller.ARN))}}, nil
		case authn.KindUser:
			name = x.caller.User.User.Name
		default:
			return nil, errNonUserCredentials()
		}
	}
	u, err := s.repo(x).GetUser(ctx, x.account, name)
	if err != nil {
		return nil, err
	}
	return &awsquery.Response{Result: []awsquery.Node{userNode("User", u, userInFull)}}, nil
}

// listUsers lists the account's users whose path starts with PathPrefix,
// in name order (ignoring case), a page at a time.
func (s *Service) listUsers(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	prefix, sent := x.optional("PathPrefix")
	var e1 error
	if sent {
		e1 = iam.ValidatePathPrefix("pathPrefix", prefix)
	}
	pr, e2 := x.pageParams()
	if err := iam.Join(e1, e2); err != nil {
		return nil, err
	}
	all, err := s.repo(x).ListUsers(ctx, x.account)
	if err != nil {
		return nil, err
	}
	matching := all[:0]
	for _, u := range all {
		if strings.HasPrefix(u.Path, prefix) {
			matching = append(matching, u)
		}
	}
	page, next := paginate(matching, func(u *iam.User) string { return strings.ToLower(u.Name) }, pr)
	items := make([]awsquery.Node, len(page))
	for i, u := range page {
		items[i] = userNode("member", u, userAsListed)
	}
	return &awsquery.Response{Result: append([]awsquery.Node{awsquery.List("Users", items...)}, pageNodes(next)...)}, nil
}

// deleteUser deletes a user that has no access keys, no policies and
// belongs to no group (DeleteConflict otherwise, with IAM's messages), then waits (bounded)
// until the node's snapshot no longer holds it, so its keys stop working
// here as soon as the call returns.
func (s *Service) deleteUser(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	name, err := x.validParam("UserName", "userName", iam.ValidateExistingUserName)
	if err != nil {
		return nil, err
	}
	if err := s.repo(x).DeleteUser(ctx, x.account, name); err != nil {
		return nil, err
	}
	return &awsquery.Response{NoResult: true}, nil
}
