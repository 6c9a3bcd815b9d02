package iam

import "context"

func errRoleExists(name string) error { return &Error{Reason: ReasonRoleExists, Subject: name} }

func errNoSuchRole(name string) error { return &Error{Reason: ReasonRoleNotFound, Subject: name} }

// CreateRole validates and stores a new role. Empty Path becomes "/", zero
// MaxSessionDuration becomes 3600; RoleID and CreateDate are assigned
// (any given values are replaced). Role names are unique per account
// ignoring case: KindAlreadyExists otherwise.
func (r *Repo) CreateRole(ctx context.Context, role Role) (*Role, error) {
	if role.Path == "" {
		role.Path = "/"
	}
	if role.MaxSessionDuration == 0 {
		role.MaxSessionDuration = DefaultSessionDuration
	}
	role.RoleID = NewRoleID()
	role.CreateDate = r.timestamp()
	role.ManagedPolicyARNs = Dedupe(role.ManagedPolicyARNs)
	if err := role.Validate(); err != nil {
		return nil, err
	}
	p := &role
	if err := create(ctx, r.st, RoleKey(role.Account, role.Name), p, func() error { return errRoleExists(role.Name) }); err != nil {
		return nil, err
	}
	return p, nil
}

// GetRole returns the role with the name (ignoring case), or KindNotFound.
func (r *Repo) GetRole(ctx context.Context, account, name string) (*Role, error) {
	return get[Role](ctx, r.st, RoleKey(account, name), func() error { return errNoSuchRole(name) })
}

// UpdateRole applies mutate to the stored role and writes it back with
// compare-and-swap (retried on conflict; mutate may run more than once, so
// it must only change the role it is given). The account, name, path, role
// ID and creation date cannot change. The result is validated; a mutation
// that changes nothing writes nothing.
func (r *Repo) UpdateRole(ctx context.Context, account, name string, mutate func(*Role) error) (*Role, error) {
	return update[Role](ctx, r.st, RoleKey(account, name), func() error { return errNoSuchRole(name) }, mutate,
		func(before, after *Role) error {
			if before.Account != after.Account || before.Name != after.Name || before.Path != after.Path ||
				before.RoleID != after.RoleID || !before.CreateDate.Equal(after.CreateDate) {
				return &Error{Reason: ReasonRoleImmutable}
			}
			after.ManagedPolicyARNs = Dedupe(after.ManagedPolicyARNs)
			return after.Validate()
		})
}

// DeleteRole deletes the role. Like IAM it refuses (KindDeleteConflict) while
// the role has inline or attached managed policies.
func (r *Repo) DeleteRole(ctx context.Context, account, name string) error {
	return remove[Role](ctx, r.st, RoleKey(account, name), func() error { return errNoSuchRole(name) },
		func(role *Role) error {
			if len(role.InlinePolicies) > 0 {
				return &Error{Reason: ReasonHasInlinePolicies}
			}
			if len(role.ManagedPolicyARNs) > 0 {
				return &Error{Reason: ReasonHasAttachedPolicies}
			}
			return nil
		})
}

// ListRoles returns the account's roles sorted by lower-cased name.
func (r *Repo) ListRoles(ctx context.Context, account string) ([]*Role, error) {
	return list[Role](ctx, r.st, AccountPrefix(account)+kindRoles+"/")
}
