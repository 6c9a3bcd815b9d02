package iam

// Limits of the user actions.
const (
	// MaxExistingUserNameLength bounds the model's existingUserNameType
	// (GetUser, DeleteUser, the user inline-policy actions), longer than a
	// user name may be when created.
	MaxExistingUserNameLength = 128
)

// ValidateExistingUserName checks a user name naming an existing user
// (existingUserNameType): 1..128 characters of [\w+=,.@-].
func ValidateExistingUserName(name string) error {
	return validateName("userName", name, MaxExistingUserNameLength)
}

// ValidateUserInlinePoliciesSize enforces the 2,048-character quota on the
// sum of a user's inline policies (ReasonUserPolicySize).
func ValidateUserInlinePoliciesSize(userName string, docs map[string]string) error {
	return validateInlinePoliciesSize(ReasonUserPolicySize, userName, docs, MaxUserInlinePolicySize)
}

// ValidateNewUserName checks UpdateUser's NewUserName (userNameType):
// 1..64 characters of [\w+=,.@-].
func ValidateNewUserName(name string) error {
	return validateName("newUserName", name, MaxUserNameLength)
}
