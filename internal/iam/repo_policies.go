package iam

import (
	"context"
	"strconv"
	"strings"
	"time"
)

func errPolicyExists(name string) error { return &Error{Reason: ReasonPolicyExists, Subject: name} }

func errNoSuchPolicy(arn string) error { return &Error{Reason: ReasonPolicyNotFound, Subject: arn} }

// CreatePolicy validates and stores a new managed policy whose version v1,
// holding document, is the default. Empty Path becomes "/"; PolicyID and
// dates are assigned. Names are unique per account ignoring case.
func (r *Repo) CreatePolicy(ctx context.Context, p ManagedPolicy, document string) (*ManagedPolicy, error) {
	if p.Path == "" {
		p.Path = "/"
	}
	now := r.timestamp()
	p.PolicyID = NewPolicyID()
	p.CreateDate, p.UpdateDate = now, now
	p.Versions = []PolicyVersion{{VersionID: "v1", Document: document, CreateDate: now}}
	p.DefaultVersionID = "v1"
	p.NextVersion = 2
	if err := p.Validate(); err != nil {
		return nil, err
	}
	v := &p
	if err := create(ctx, r.st, PolicyKey(p.Account, p.Name), v, func() error { return errPolicyExists(p.Name) }); err != nil {
		return nil, err
	}
	return v, nil
}

// policyKeyFromARN returns the store key of a customer managed policy ARN
// and the path the ARN names (checked against the stored path).
func policyKeyFromARN(arn string) (key, path string, err error) {
	account, path, name, ok := ParseEntityARN(arn, "policy")
	if !ok {
		return "", "", errInvalidARN()
	}
	return PolicyKey(account, name), path, nil
}

// GetPolicy returns the managed policy with the ARN (name ignoring case,
// path exact), or KindNotFound.
func (r *Repo) GetPolicy(ctx context.Context, arn string) (*ManagedPolicy, error) {
	key, path, err := policyKeyFromARN(arn)
	if err != nil {
		return nil, err
	}
	p, err := get[ManagedPolicy](ctx, r.st, key, func() error { return errNoSuchPolicy(arn) })
	if err != nil {
		return nil, err
	}
	if p.Path != path {
		return nil, errNoSuchPolicy(arn)
	}
	return p, nil
}

// UpdatePolicy applies mutate to the stored policy with compare-and-swap
// (see UpdateRole). The account, name, path, ID and creation date cannot
// change; UpdateDate is set when something changed.
func (r *Repo) UpdatePolicy(ctx context.Context, arn string, mutate func(*ManagedPolicy) error) (*ManagedPolicy, error) {
	key, path, err := policyKeyFromARN(arn)
	if err != nil {
		return nil, err
	}
	return update[ManagedPolicy](ctx, r.st, key, func() error { return errNoSuchPolicy(arn) },
		func(p *ManagedPolicy) error {
			if p.Path != path {
				return errNoSuchPolicy(arn)
			}
			return mutate(p)
		},
		func(before, after *ManagedPolicy) error {
			if before.Account != after.Account || before.Name != after.Name || before.Path != after.Path ||
				before.PolicyID != after.PolicyID || !before.CreateDate.Equal(after.CreateDate) {
				return &Error{Reason: ReasonPolicyImmutable}
			}
			if !policyContentEqual(before, after) {
				after.UpdateDate = r.timestamp()
			}
			return after.Validate()
		})
}

func policyContentEqual(a, b *ManagedPolicy) bool {
	if a.Description != b.Description || a.DefaultVersionID != b.DefaultVersionID ||
		a.NextVersion != b.NextVersion || len(a.Versions) != len(b.Versions) || len(a.Tags) != len(b.Tags) {
		return false
	}
	for i := range a.Versions {
		if a.Versions[i].VersionID != b.Versions[i].VersionID || a.Versions[i].Document != b.Versions[i].Document {
			return false
		}
	}
	for i := range a.Tags {
		if a.Tags[i] != b.Tags[i] {
			return false
		}
	}
	return true
}

// AddVersion appends a version holding document, numbered v<NextVersion>,
// and makes it the default if setAsDefault. KindLimitExceeded when the policy
// already has 5 versions.
func (p *ManagedPolicy) AddVersion(document string, setAsDefault bool, now time.Time) (*PolicyVersion, error) {
	if len(p.Versions) >= MaxPolicyVersions {
		return nil, errTooManyVersions()
	}
	if p.NextVersion < 1 {
		p.NextVersion = len(p.Versions) + 1
	}
	v := PolicyVersion{VersionID: "v" + strconv.Itoa(p.NextVersion), Document: document, CreateDate: now.UTC().Truncate(time.Second)}
	p.NextVersion++
	p.Versions = append(p.Versions, v)
	if setAsDefault {
		p.DefaultVersionID = v.VersionID
	}
	return &p.Versions[len(p.Versions)-1], nil
}

// DeleteVersion removes a non-default version. KindDeleteConflict for the
// default version, KindNotFound for an unknown one.
func (p *ManagedPolicy) DeleteVersion(versionID string) error {
	if versionID == p.DefaultVersionID {
		return &Error{Reason: ReasonDefaultVersion}
	}
	for i := range p.Versions {
		if p.Versions[i].VersionID == versionID {
			p.Versions = append(p.Versions[:i], p.Versions[i+1:]...)
			return nil
		}
	}
	return &Error{Reason: ReasonPolicyVersionNotFound, Subject: p.ARN(), Detail: versionID}
}

// DeletePolicy deletes the managed policy. Like IAM it refuses
// (KindDeleteConflict) while the policy has non-default versions or is attached
// to a role, user or group of the account (attachment is checked by
// listing the account's roles, users and groups just before the delete).
func (r *Repo) DeletePolicy(ctx context.Context, arn string) error {
	key, path, err := policyKeyFromARN(arn)
	if err != nil {
		return err
	}
	account, _, _, _ := ParseEntityARN(arn, "policy")
	attached, err := r.policyAttached(ctx, account, arn)
	if err != nil {
		return err
	}
	return remove[ManagedPolicy](ctx, r.st, key, func() error { return errNoSuchPolicy(arn) },
		func(p *ManagedPolicy) error {
			if p.Path != path {
				return errNoSuchPolicy(arn)
			}
			if len(p.Versions) > 1 {
				return &Error{Reason: ReasonHasVersions}
			}
			if attached {
				return &Error{Reason: ReasonPolicyAttached}
			}
			return nil
		})
}

func (r *Repo) policyAttached(ctx context.Context, account, arn string) (bool, error) {
	roles, err := r.ListRoles(ctx, account)
	if err != nil {
		return false, err
	}
	for _, role := range roles {
		if refersTo(role.ManagedPolicyARNs, role.PermissionsBoundaryARN, arn) {
			return true, nil
		}
	}
	users, err := r.ListUsers(ctx, account)
	if err != nil {
		return false, err
	}
	for _, u := range users {
		if refersTo(u.ManagedPolicyARNs, u.PermissionsBoundaryARN, arn) {
			return true, nil
		}
	}
	groups, err := r.ListGroups(ctx, account)
	if err != nil {
		return false, err
	}
	for _, g := range groups {
		if refersTo(g.ManagedPolicyARNs, "", arn) {
			return true, nil
		}
	}
	return false, nil
}

func refersTo(arns []string, boundary, arn string) bool {
	if strings.EqualFold(boundary, arn) {
		return true
	}
	for _, a := range arns {
		if strings.EqualFold(a, arn) {
			return true
		}
	}
	return false
}

// ListPolicies returns the account's managed policies sorted by lower-cased name.
func (r *Repo) ListPolicies(ctx context.Context, account string) ([]*ManagedPolicy, error) {
	return list[ManagedPolicy](ctx, r.st, AccountPrefix(account)+kindPolicies+"/")
}
