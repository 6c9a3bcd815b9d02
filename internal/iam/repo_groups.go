package iam

import (
	"context"
	"slices"
)

func errGroupExists(name string) error { return &Error{Reason: ReasonGroupExists, Subject: name} }

func errNoSuchGroup(name string) error { return &Error{Reason: ReasonGroupNotFound, Subject: name} }

// errMembersFirst is the KindDeleteConflict for a group that has members,
// and for a user that belongs to a group: IAM answers both alike.
func errMembersFirst() error { return &Error{Reason: ReasonGroupMembers} }

// CreateGroup validates and stores a new group (Path "/" by default;
// GroupID and CreateDate assigned). Names are unique per account ignoring
// case.
func (r *Repo) CreateGroup(ctx context.Context, g Group) (*Group, error) {
	if g.Path == "" {
		g.Path = "/"
	}
	g.GroupID = NewGroupID()
	g.CreateDate = r.timestamp()
	g.ManagedPolicyARNs = Dedupe(g.ManagedPolicyARNs)
	if err := g.Validate(); err != nil {
		return nil, err
	}
	v := &g
	if err := create(ctx, r.st, GroupKey(g.Account, g.Name), v, func() error { return errGroupExists(g.Name) }); err != nil {
		return nil, err
	}
	return v, nil
}

// GetGroup returns the group with the name (ignoring case), or KindNotFound.
func (r *Repo) GetGroup(ctx context.Context, account, name string) (*Group, error) {
	return get[Group](ctx, r.st, GroupKey(account, name), func() error { return errNoSuchGroup(name) })
}

// UpdateGroup applies mutate with compare-and-swap (see UpdateRole). The
// account, name, path, ID and creation date cannot change here; RenameGroup
// changes the name and path.
func (r *Repo) UpdateGroup(ctx context.Context, account, name string, mutate func(*Group) error) (*Group, error) {
	return update[Group](ctx, r.st, GroupKey(account, name), func() error { return errNoSuchGroup(name) }, mutate,
		func(before, after *Group) error {
			if before.Account != after.Account || before.Name != after.Name || before.Path != after.Path ||
				before.GroupID != after.GroupID || !before.CreateDate.Equal(after.CreateDate) {
				return &Error{Reason: ReasonGroupImmutable}
			}
			after.ManagedPolicyARNs = Dedupe(after.ManagedPolicyARNs)
			return after.Validate()
		})
}

// RenameGroup gives the group a new name and path; its ID, policies and
// members stay (members name it by ID). KindAlreadyExists when another
// group has the new name.
func (r *Repo) RenameGroup(ctx context.Context, account, name, newName, newPath string) (*Group, error) {
	return rename(ctx, r.st, renameSpec[Group, *Group]{
		oldKey: GroupKey(account, name), newKey: GroupKey(account, newName),
		missing: func() error { return errNoSuchGroup(name) },
		exists:  func() error { return errGroupExists(newName) },
		change: func(g *Group) error {
			g.Name, g.Path = newName, newPath
			g.ManagedPolicyARNs = Dedupe(g.ManagedPolicyARNs)
			return g.Validate()
		},
	})
}

// DeleteGroup deletes the group. Like IAM it refuses (KindDeleteConflict)
// while the group has members, inline policies or attached policies
// (members are checked by listing the account's users just before the
// delete; a user added meanwhile keeps an ID that names nothing).
func (r *Repo) DeleteGroup(ctx context.Context, account, name string) error {
	users, err := r.ListUsers(ctx, account)
	if err != nil {
		return err
	}
	return remove[Group](ctx, r.st, GroupKey(account, name), func() error { return errNoSuchGroup(name) },
		func(g *Group) error {
			switch {
			case slices.ContainsFunc(users, func(u *User) bool { return slices.Contains(u.GroupIDs, g.GroupID) }):
				return errMembersFirst()
			case len(g.InlinePolicies) > 0:
				return &Error{Reason: ReasonHasInlinePolicies}
			case len(g.ManagedPolicyARNs) > 0:
				return &Error{Reason: ReasonHasAttachedPolicies}
			}
			return nil
		})
}

// ListGroups returns the account's groups sorted by lower-cased name.
func (r *Repo) ListGroups(ctx context.Context, account string) ([]*Group, error) {
	return list[Group](ctx, r.st, AccountPrefix(account)+kindGroups+"/")
}

// GroupMembers returns the account's users that belong to the group,
// sorted by lower-cased name.
func (r *Repo) GroupMembers(ctx context.Context, g *Group) ([]*User, error) {
	users, err := r.ListUsers(ctx, g.Account)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(users, func(u *User) bool { return !slices.Contains(u.GroupIDs, g.GroupID) }), nil
}

// UserGroups returns the groups the user belongs to, in the order it
// joined them; memberships of groups that no longer exist are left out.
func (r *Repo) UserGroups(ctx context.Context, u *User) ([]*Group, error) {
	groups, err := r.ListGroups(ctx, u.Account)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*Group, len(groups))
	for _, g := range groups {
		byID[g.GroupID] = g
	}
	out := make([]*Group, 0, len(u.GroupIDs))
	for _, id := range u.GroupIDs {
		if g := byID[id]; g != nil {
			out = append(out, g)
		}
	}
	return out, nil
}

// AddUserToGroup makes the user a member of the group; a member already
// is left as it is. KindNotFound for an unknown group or user;
// KindLimitExceeded beyond 10 groups per user. Memberships of groups deleted
// since are dropped from the user on the way.
func (r *Repo) AddUserToGroup(ctx context.Context, account, groupName, userName string) (*User, error) {
	g, err := r.GetGroup(ctx, account, groupName)
	if err != nil {
		return nil, err
	}
	groups, err := r.ListGroups(ctx, account)
	if err != nil {
		return nil, err
	}
	exists := make(map[string]bool, len(groups))
	for _, x := range groups {
		exists[x.GroupID] = true
	}
	return r.UpdateUser(ctx, account, userName, func(u *User) error {
		u.GroupIDs = slices.DeleteFunc(u.GroupIDs, func(id string) bool { return !exists[id] && id != g.GroupID })
		if !slices.Contains(u.GroupIDs, g.GroupID) {
			u.GroupIDs = append(u.GroupIDs, g.GroupID)
		}
		if len(u.GroupIDs) == 0 {
			u.GroupIDs = nil
		}
		return nil
	})
}

// RemoveUserFromGroup ends the user's membership of the group; a user that
// is no member is left as it is (IAM answers success too). KindNotFound
// for an unknown group or user.
func (r *Repo) RemoveUserFromGroup(ctx context.Context, account, groupName, userName string) (*User, error) {
	g, err := r.GetGroup(ctx, account, groupName)
	if err != nil {
		return nil, err
	}
	return r.UpdateUser(ctx, account, userName, func(u *User) error {
		u.GroupIDs = slices.DeleteFunc(u.GroupIDs, func(id string) bool { return id == g.GroupID })
		if len(u.GroupIDs) == 0 {
			u.GroupIDs = nil
		}
		return nil
	})
}
