package iamapi

import (
	"context"
	"strings"

	"github.com/stsd/stsd/internal/authn"
	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/awsquery"
	"github.com/stsd/stsd/internal/creds"
	"github.com/stsd/stsd/internal/iam"
)

// The long-term access key actions of IAM users (CreateAccessKey,
// ListAccessKeys, UpdateAccessKey, DeleteAccessKey), authorized on the
// user's ARN (the calling user's own when UserName is omitted; a caller
// that is no IAM user must name one, which is checked before
// authorization, as IAM does). The secret access key is generated here,
// returned once by CreateAccessKey, and stored only wrapped under the
// master key; it never reaches the store in clear, a log line or an audit
// event.

// userNamedOrCaller is the access key actions' check before authorization:
// without UserName the action applies to the calling IAM user, so root and
// role sessions get IAM's ValidationError (not AccessDenied on a user
// without a name).
func userNamedOrCaller(x *exchange) error {
	if _, sent := x.optional("UserName"); !sent && (x.caller.Kind != authn.KindUser || x.caller.User == nil) {
		return errNonUserCredentials()
	}
	return nil
}

// createAccessKey makes a new Active key for the user: at most two per
// user (LimitExceeded beyond).
func (s *Service) createAccessKey(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	name, err := x.accessKeyUserParam()
	if err != nil {
		return nil, err
	}
	user, err := s.repo(x).GetUser(ctx, x.account, name)
	if err != nil {
		return nil, err
	}
	id := creds.NewLongTermAccessKeyID()
	secret := creds.NewSecretAccessKey()
	k, err := s.repo(x).CreateAccessKey(ctx, iam.AccessKey{
		Account: x.account, UserName: user.Name, AccessKeyID: id,
		Status: iam.AccessKeyActive, WrappedSecret: s.deps.Secrets.Wrap(id, secret),
	})
	if err != nil {
		return nil, err
	}
	return &awsquery.Response{Result: []awsquery.Node{awsquery.Struct("AccessKey",
		awsquery.Str("UserName", k.UserName),
		awsquery.Str("AccessKeyId", k.AccessKeyID),
		awsquery.Str("Status", k.Status),
		awsquery.Str("SecretAccessKey", secret.Reveal()),
		awsquery.Time("CreateDate", k.CreateDate),
	)}}, nil
}

// listAccessKeys lists the user's keys (metadata only), sorted by ID and
// paginated.
func (s *Service) listAccessKeys(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	name, nameErr := x.accessKeyUserParam()
	pr, pageErr := x.pageParams()
	if err := iam.Join(nameErr, pageErr); err != nil {
		return nil, err
	}
	user, err := s.repo(x).GetUser(ctx, x.account, name)
	if err != nil {
		return nil, err
	}
	keys, err := s.repo(x).ListAccessKeys(ctx, x.account, user.Name)
	if err != nil {
		return nil, err
	}
	page, next := paginate(keys, func(k *iam.AccessKey) string { return k.AccessKeyID }, pr)
	items := make([]awsquery.Node, len(page))
	for i, k := range page {
		items[i] = awsquery.Struct("member",
			awsquery.Str("UserName", user.Name),
			awsquery.Str("AccessKeyId", k.AccessKeyID),
			awsquery.Str("Status", k.Status),
			awsquery.Time("CreateDate", k.CreateDate),
		)
	}
	return &awsquery.Response{Result: append([]awsquery.Node{awsquery.List("AccessKeyMetadata", items...)}, pageNodes(next)...)}, nil
}

// updateAccessKey sets a key Active or Inactive. An inactive key no longer
// authenticates, on this node as soon as the call returns.
func (s *Service) updateAccessKey(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	id, idErr := x.accessKeyIDParam()
	status, statusErr := x.accessKeyStatusParam()
	name, nameErr := x.accessKeyUserParam()
	if err := iam.Join(idErr, statusErr, nameErr); err != nil {
		return nil, err
	}
	user, err := s.repo(x).GetUser(ctx, x.account, name)
	if err != nil {
		return nil, err
	}
	_, err = s.repo(x).UpdateAccessKey(ctx, x.account, id, func(k *iam.AccessKey) error {
		if !strings.EqualFold(k.UserName, user.Name) {
			return errNoSuchAccessKey(id)
		}
		k.Status = status
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &awsquery.Response{NoResult: true}, nil
}

// deleteAccessKey deletes a key. The call returns once the node's snapshot
// no longer has it, so it stops authenticating here from then on.
func (s *Service) deleteAccessKey(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	id, idErr := x.accessKeyIDParam()
	name, nameErr := x.accessKeyUserParam()
	if err := iam.Join(idErr, nameErr); err != nil {
		return nil, err
	}
	user, err := s.repo(x).GetUser(ctx, x.account, name)
	if err != nil {
		return nil, err
	}
	// The key's user never changes, so checking it before the delete is
	// as good as checking it in the delete.
	k, err := s.repo(x).GetAccessKey(ctx, x.account, id)
	if err != nil {
		return nil, err
	}
	if !strings.EqualFold(k.UserName, user.Name) {
		return nil, errNoSuchAccessKey(id)
	}
	if err := s.repo(x).DeleteAccessKey(ctx, x.account, id); err != nil {
		return nil, err
	}
	return &awsquery.Response{NoResult: true}, nil
}

// errNoSuchAccessKey is IAM's NoSuchEntity for a key the user does not
// have.
func errNoSuchAccessKey(id string) error {
	return &iam.Error{Reason: iam.ReasonAccessKeyNotFound, Subject: id}
}

// errNonUserCredentials is IAM's answer when UserName is omitted by a
// caller that is not an IAM user (root or a role session).
func errNonUserCredentials() error {
	return iamError(iam.KindValidation, "Must specify userName when calling with non-User credentials", nil)
}

// accessKeyUserParam is the UserName the action applies to: the parameter
// when sent (existingUserNameType), else the calling IAM user
// (userNamedOrCaller has made sure there is one).
func (x *exchange) accessKeyUserParam() (string, error) {
	name, sent := x.optional("UserName")
	if !sent {
		return x.caller.User.User.Name, nil
	}
	return name, iam.ValidateExistingUserName(name)
}

// accessKeyIDParam is the required AccessKeyId: 16..128 characters of \w.
func (x *exchange) accessKeyIDParam() (string, error) {
	return x.validParam("AccessKeyId", "accessKeyId", func(id string) error {
		err := iam.ValidateLength("accessKeyId", id, 16, 128)
		if id != "" && !isWordText(id) {
			err = iam.Join(err, iam.NewValidationError(awserr.Violation{Member: "accessKeyId", Value: id,
				Constraint: `Member must satisfy regular expression pattern: [\w]+`}))
		}
		return err
	})
}

// accessKeyStatusParam is the required Status: Active or Inactive.
func (x *exchange) accessKeyStatusParam() (string, error) {
	return x.validParam("Status", "status", func(status string) error {
		return enumViolation("status", status, []string{iam.AccessKeyActive, iam.AccessKeyInactive})
	})
}

// isWordText reports whether every character of s is an ASCII word
// character ([A-Za-z0-9_], Java's \w).
func isWordText(s string) bool {
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_':
		default:
			return false
		}
	}
	return true
}
