package iam

// MaxGroupNameLength bounds groupNameType (CreateGroup, and every action
// naming an existing group).
const MaxGroupNameLength = 128

// ValidateGroupName checks a group name under the member name given
// ("groupName", "newGroupName"): 1..128 characters of [\w+=,.@-].
func ValidateGroupName(member, name string) error {
	return validateName(member, name, MaxGroupNameLength)
}

// ValidateGroupInlinePoliciesSize enforces the 5,120-character quota on
// the sum of a group's inline policies (ReasonGroupPolicySize).
func ValidateGroupInlinePoliciesSize(groupName string, docs map[string]string) error {
	return validateInlinePoliciesSize(ReasonGroupPolicySize, groupName, docs, MaxGroupInlinePolicySize)
}

// Validate checks a group: name, path, inline policies (grammar and the
// 5,120-character total) and attached policies (at most 10).
func (g *Group) Validate() error {
	if err := Join(ValidateGroupName("groupName", g.Name), ValidatePath("path", g.Path)); err != nil {
		return err
	}
	if err := validateAccount(g.Account); err != nil {
		return err
	}
	if err := validateInlinePolicies(g.InlinePolicies); err != nil {
		return err
	}
	if err := ValidateGroupInlinePoliciesSize(g.Name, g.InlinePolicies); err != nil {
		return err
	}
	return validateAttachments(g.ManagedPolicyARNs, "", ReasonPoliciesPerGroup)
}

// validateGroupCount enforces GroupsPerUser.
func validateGroupCount(ids []string) error {
	if len(ids) > MaxGroupsPerUser {
		return &Error{Reason: ReasonGroupsPerUser}
	}
	return nil
}
