package iamapi

import (
	"context"

	"github.com/stsd/stsd/internal/awsquery"
	"github.com/stsd/stsd/internal/iam"
)

// The other credentials an IAM user may have in AWS — SSH public keys,
// MFA devices (virtual or not), a console password (login profile),
// signing certificates and service-specific credentials — do not exist in
// stsd. The actions that list or delete them answer as an account without
// any of them answers: empty lists, and DeleteLoginProfile's NoSuchEntity
// for a user without a password. They are served because Terraform's
// aws_iam_user with force_destroy = true makes these calls before
// DeleteUser (after ListGroupsForUser, ListUserPolicies,
// ListAttachedUserPolicies and ListAccessKeys), and treats only
// NoSuchEntity as "nothing to remove".
//
// Like every action they go through the dispatcher: authenticated,
// authorized by the engine (iam:<Action> on the user's ARN; "*" for
// ListVirtualMFADevices, which names no user), audited. A user that does
// not exist is IAM's NoSuchEntity "The user with name X cannot be found.".
// Without UserName they apply to the calling IAM user; root and role
// sessions must name one, as for the access key actions.

// credentialUser is the existing user a credential action names (its
// UserName, checked with the model's name type, or the calling IAM user),
// with the page parameters' violations joined to the name's.
func (s *Service) credentialUser(ctx context.Context, x *exchange, checkName func(string) error, paged bool) (*iam.User, error) {
	name, sent := x.optional("UserName")
	var nameErr, pageErr error
	if !sent {
		name = x.caller.User.User.Name
	} else {
		nameErr = checkName(name)
	}
	if paged {
		_, pageErr = x.pageParams()
	}
	if err := iam.Join(nameErr, pageErr); err != nil {
		return nil, err
	}
	return s.repo(x).GetUser(ctx, x.account, name)
}

// listNoCredentials answers a list of a user's credentials of a kind stsd
// does not have: the empty list named list, not truncated.
func (s *Service) listNoCredentials(list string, checkName func(string) error) func(context.Context, *exchange) (*awsquery.Response, error) {
	return func(ctx context.Context, x *exchange) (*awsquery.Response, error) {
		if _, err := s.credentialUser(ctx, x, checkName, true); err != nil {
			return nil, err
		}
		return emptyList(list), nil
	}
}

// emptyList is a list result with no items and no further page.
func emptyList(list string) *awsquery.Response {
	return &awsquery.Response{Result: append([]awsquery.Node{awsquery.List(list)}, pageNodes("")...)}
}

// deleteLoginProfile is DeleteLoginProfile: stsd users have no console
// password, so an existing user's answer is IAM's NoSuchEntity for a user
// without a login profile.
func (s *Service) deleteLoginProfile(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	u, err := s.credentialUser(ctx, x, iam.ValidateUserName, false)
	if err != nil {
		return nil, err
	}
	return nil, noSuchEntity("Login Profile for User " + u.Name + " cannot be found.")
}

// listVirtualMFADevices lists the account's virtual MFA devices: none.
// AssignmentStatus is checked against its enum.
func (s *Service) listVirtualMFADevices(_ context.Context, x *exchange) (*awsquery.Response, error) {
	_, statusErr := x.enum("AssignmentStatus", "assignmentStatus", "Assigned", "Unassigned", "Any")
	_, pageErr := x.pageParams()
	if err := iam.Join(statusErr, pageErr); err != nil {
		return nil, err
	}
	return emptyList("VirtualMFADevices"), nil
}

// allUsers reports whether ListServiceSpecificCredentials asks for every
// user's credentials (AllUsers=true).
func allUsers(x *exchange) bool {
	b, sent, err := x.boolean("AllUsers", "allUsers")
	return sent && err == nil && b
}

// allUsersOrUserNamed is ListServiceSpecificCredentials' check before
// authorization: AllUsers=true names no user; otherwise as for the other
// credential actions.
func allUsersOrUserNamed(x *exchange) error {
	if allUsers(x) {
		return nil
	}
	return userNamedOrCaller(x)
}

// allUsersOrUserResource authorizes ListServiceSpecificCredentials with
// AllUsers=true on "*", otherwise on the user.
func allUsersOrUserResource(ctx context.Context, repo *iam.Repo, x *exchange) (target, error) {
	if allUsers(x) {
		return target{arn: "*"}, nil
	}
	return userResource(ctx, repo, x)
}

// listServiceSpecificCredentials lists a user's (or, with AllUsers=true,
// every user's) service-specific credentials: none. ServiceName filters
// nothing. AllUsers=true with a UserName is refused, as the API reference
// says they cannot be specified together.
func (s *Service) listServiceSpecificCredentials(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	all, _, allErr := x.boolean("AllUsers", "allUsers")
	name, named := x.optional("UserName")
	var nameErr error
	if named {
		nameErr = iam.ValidateUserName(name)
	}
	_, pageErr := x.pageParams()
	if err := iam.Join(nameErr, allErr, pageErr); err != nil {
		return nil, err
	}
	if all {
		if named {
			return nil, invalidInput("AllUsers cannot be specified together with UserName.")
		}
		return emptyList("ServiceSpecificCredentials"), nil
	}
	if _, err := s.credentialUser(ctx, x, iam.ValidateUserName, false); err != nil {
		return nil, err
	}
	return emptyList("ServiceSpecificCredentials"), nil
}
