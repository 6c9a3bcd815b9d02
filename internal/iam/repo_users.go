package iam

import (
	"context"
	"slices"

	"github.com/stsd/stsd/internal/awserr"
)

func errNoSuchUser(name string) error { return &Error{Reason: ReasonUserNotFound, Subject: name} }

func errNoSuchAccessKey(id string) error { return &Error{Reason: ReasonAccessKeyNotFound, Subject: id} }

// CreateUser validates and stores a new user (Path "/" by default; UserID
// and CreateDate assigned). Names are unique per account ignoring case.
func (r *Repo) CreateUser(ctx context.Context, u User) (*User, error) {
	if u.Path == "" {
		u.Path = "/"
	}
	u.UserID = NewUserID()
	u.CreateDate = r.timestamp()
	u.ManagedPolicyARNs = Dedupe(u.ManagedPolicyARNs)
	if err := u.Validate(); err != nil {
		return nil, err
	}
	v := &u
	if err := create(ctx, r.st, UserKey(u.Account, u.Name), v, func() error {
		return &Error{Reason: ReasonUserExists, Subject: u.Name}
	}); err != nil {
		return nil, err
	}
	return v, nil
}

// GetUser returns the user with the name (ignoring case), or KindNotFound.
func (r *Repo) GetUser(ctx context.Context, account, name string) (*User, error) {
	return get[User](ctx, r.st, UserKey(account, name), func() error { return errNoSuchUser(name) })
}

// UpdateUser applies mutate with compare-and-swap (see UpdateRole). The
// account, name, ID and creation date cannot change.
func (r *Repo) UpdateUser(ctx context.Context, account, name string, mutate func(*User) error) (*User, error) {
	return update[User](ctx, r.st, UserKey(account, name), func() error { return errNoSuchUser(name) }, mutate,
		func(before, after *User) error {
			if before.Account != after.Account || before.Name != after.Name || before.UserID != after.UserID ||
				!before.CreateDate.Equal(after.CreateDate) {
				return &Error{Reason: ReasonUserImmutable}
			}
			after.ManagedPolicyARNs = Dedupe(after.ManagedPolicyARNs)
			return after.Validate()
		})
}

// DeleteUser deletes the user; KindDeleteConflict while it has access keys,
// policies or belongs to a group (access keys and groups are checked by
// listing just before the delete; a membership of a group deleted since
// does not count).
func (r *Repo) DeleteUser(ctx context.Context, account, name string) error {
	keys, err := r.ListAccessKeys(ctx, account, name)
	if err != nil {
		return err
	}
	groups, err := r.ListGroups(ctx, account)
	if err != nil {
		return err
	}
	return remove[User](ctx, r.st, UserKey(account, name), func() error { return errNoSuchUser(name) },
		func(u *User) error {
			switch {
			case len(keys) > 0:
				return &Error{Reason: ReasonHasAccessKeys}
			case len(u.InlinePolicies) > 0:
				return &Error{Reason: ReasonHasInlinePolicies}
			case len(u.ManagedPolicyARNs) > 0:
				return &Error{Reason: ReasonHasAttachedPolicies}
			case slices.ContainsFunc(groups, func(g *Group) bool { return slices.Contains(u.GroupIDs, g.GroupID) }):
				return errMembersFirst()
			}
			return nil
		})
}

// RenameUser gives the user a new name and path (UpdateUser). Its ID,
// creation date, tags, policies, boundary and group memberships stay; its
// access keys follow it to the new name before the old name goes, so they
// authenticate throughout. KindAlreadyExists when another user has the
// new name.
func (r *Repo) RenameUser(ctx context.Context, account, name, newName, newPath string) (*User, error) {
	return rename(ctx, r.st, renameSpec[User, *User]{
		oldKey: UserKey(account, name), newKey: UserKey(account, newName),
		missing: func() error { return errNoSuchUser(name) },
		exists:  func() error { return &Error{Reason: ReasonUserExists, Subject: newName} },
		change: func(u *User) error {
			u.Name, u.Path = newName, newPath
			return u.Validate()
		},
		moved: func(ctx context.Context, u *User) error { return r.moveAccessKeys(ctx, account, name, u.Name) },
	})
}

// moveAccessKeys gives the access keys of user from to user to.
func (r *Repo) moveAccessKeys(ctx context.Context, account, from, to string) error {
	keys, err := r.ListAccessKeys(ctx, account, from)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if _, err := update[AccessKey](ctx, r.st, AccessKeyKey(account, k.AccessKeyID),
			func() error { return nil }, // deleted meanwhile: nothing to move
			func(k *AccessKey) error { k.UserName = to; return nil },
			func(_, _ *AccessKey) error { return nil }); err != nil {
			return err
		}
	}
	return nil
}

// ListUsers returns the account's users sorted by lower-cased name.
func (r *Repo) ListUsers(ctx context.Context, account string) ([]*User, error) {
	return list[User](ctx, r.st, AccountPrefix(account)+kindUsers+"/")
}

// CreateAccessKey stores a new access key for an existing user: the ID is
// assigned ("AKIA…") unless k.AccessKeyID is set, the status defaults to
// Active. The caller supplies the secret already wrapped. KindLimitExceeded
// beyond 2 keys per user (checked by listing, so two concurrent creates may
// both pass).
func (r *Repo) CreateAccessKey(ctx context.Context, k AccessKey) (*AccessKey, error) {
	if _, err := r.GetUser(ctx, k.Account, k.UserName); err != nil {
		return nil, err
	}
	existing, err := r.ListAccessKeys(ctx, k.Account, k.UserName)
	if err != nil {
		return nil, err
	}
	if len(existing) >= MaxAccessKeysPerUser {
		return nil, &Error{Reason: ReasonAccessKeysPerUser}
	}
	if k.AccessKeyID == "" {
		k.AccessKeyID = NewAccessKeyID()
	}
	if k.Status == "" {
		k.Status = AccessKeyActive
	}
	if err := validateAccessKey(&k); err != nil {
		return nil, err
	}
	k.CreateDate = r.timestamp()
	v := &k
	if err := create(ctx, r.st, AccessKeyKey(k.Account, k.AccessKeyID), v, func() error {
		return &Error{Reason: ReasonAccessKeyExists, Subject: k.AccessKeyID}
	}); err != nil {
		return nil, err
	}
	return v, nil
}

func validateAccessKey(k *AccessKey) error {
	if err := validateAccount(k.Account); err != nil {
		return err
	}
	if k.Status != AccessKeyActive && k.Status != AccessKeyInactive {
		return NewValidationError(awserr.Violation{Member: "status", Value: k.Status,
			Constraint: "Member must satisfy enum value set: [Active, Inactive]"})
	}
	return validationResult(lengthViolations(nil, "accessKeyId", k.AccessKeyID, 16, 128))
}

// GetAccessKey returns the access key, or KindNotFound.
func (r *Repo) GetAccessKey(ctx context.Context, account, id string) (*AccessKey, error) {
	return get[AccessKey](ctx, r.st, AccessKeyKey(account, id), func() error { return errNoSuchAccessKey(id) })
}

// UpdateAccessKey applies mutate with compare-and-swap; only Status and
// WrappedSecret may change.
func (r *Repo) UpdateAccessKey(ctx context.Context, account, id string, mutate func(*AccessKey) error) (*AccessKey, error) {
	return update[AccessKey](ctx, r.st, AccessKeyKey(account, id), func() error { return errNoSuchAccessKey(id) }, mutate,
		func(before, after *AccessKey) error {
			if before.Account != after.Account || before.UserName != after.UserName ||
				before.AccessKeyID != after.AccessKeyID || !before.CreateDate.Equal(after.CreateDate) {
				return &Error{Reason: ReasonAccessKeyImmutable}
			}
			return validateAccessKey(after)
		})
}

// DeleteAccessKey deletes the access key.
func (r *Repo) DeleteAccessKey(ctx context.Context, account, id string) error {
	return remove[AccessKey](ctx, r.st, AccessKeyKey(account, id), func() error { return errNoSuchAccessKey(id) },
		func(*AccessKey) error { return nil })
}

// ListAccessKeys returns the access keys of the user (all users if
// userName is empty), sorted by ID.
func (r *Repo) ListAccessKeys(ctx context.Context, account, userName string) ([]*AccessKey, error) {
	all, err := list[AccessKey](ctx, r.st, AccountPrefix(account)+kindAccessKeys+"/")
	if err != nil || userName == "" {
		return all, err
	}
	out := all[:0]
	for _, k := range all {
		if equalFold(k.UserName, userName) {
			out = append(out, k)
		}
	}
	return out, nil
}
