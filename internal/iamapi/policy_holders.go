package iamapi

import (
	"context"

	"github.com/stsd/stsd/internal/awsquery"
	"github.com/stsd/stsd/internal/iam"
)

// The policies of roles, users and groups — inline policies, attached
// managed policies and (roles and users) the permissions boundary — are
// one implementation for every kind of identity: a holder says how to
// name, read and change a role (role_policies.go), a user
// (user_policies.go) or a group (group_policies.go), and each handler
// (inline_policies.go, attached_policies.go) is written once against it.
// The action table (actions.go) names, for each action, the handler and
// the holder it runs with: PutRolePolicy is putInlinePolicy(roles).

// holder is a kind of IAM identity that holds policies.
type holder struct {
	kind       string // "role", "user", "group": as IAM's messages name it
	nameParam  string // RoleName, UserName, GroupName
	nameMember string // roleName, userName, groupName
	// checkName validates the name where the model uses the entity's name
	// type (attach, detach, boundary); checkExisting where it uses the
	// existing-entity type (inline policies: existingUserNameType for users).
	checkName     func(string) error
	checkExisting func(string) error
	// load reads the entity's policies; update changes them with
	// compare-and-swap (the entity is validated, quotas included).
	load   func(ctx context.Context, r *iam.Repo, account, name string) (*heldPolicies, error)
	update func(ctx context.Context, r *iam.Repo, account, name string, mutate func(*heldPolicies) error) error
}

// holderRun is a handler made for one holder.
type holderRun = func(ctx context.Context, x *exchange) (*awsquery.Response, error)

// heldPolicies points into a role, user or group: a mutation changes the
// entity. A group has no permissions boundary (boundary is nil).
type heldPolicies struct {
	name     string // the entity's name as stored
	inline   *map[string]string
	managed  *[]string
	boundary *string
}

// entityName reads and checks the holder's name parameter.
func (x *exchange) entityName(h holder, check func(string) error) (string, error) {
	return x.validParam(h.nameParam, h.nameMember, check)
}
