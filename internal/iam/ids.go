package iam

import "crypto/rand"

// ID prefixes IAM uses (sts-contract §9).
const (
	RoleIDPrefix      = "AROA"
	UserIDPrefix      = "AIDA"
	GroupIDPrefix     = "AGPA"
	PolicyIDPrefix    = "ANPA"
	AccessKeyIDPrefix = "AKIA"
)

// newID returns prefix followed by n random characters of [A-Z2-7] from
// crypto/rand (n ≤ 26).
func newID(prefix string, n int) string {
	return prefix + rand.Text()[:n]
}

// NewRoleID returns a fresh role ID: "AROA" + 17 characters (21 in all).
func NewRoleID() string { return newID(RoleIDPrefix, 17) }

// NewUserID returns a fresh user ID: "AIDA" + 17 characters.
func NewUserID() string { return newID(UserIDPrefix, 17) }

// NewGroupID returns a fresh group ID: "AGPA" + 17 characters.
func NewGroupID() string { return newID(GroupIDPrefix, 17) }

// NewPolicyID returns a fresh managed policy ID: "ANPA" + 17 characters.
func NewPolicyID() string { return newID(PolicyIDPrefix, 17) }

// NewAccessKeyID returns a fresh long-term access key ID: "AKIA" + 16
// characters (20 in all).
func NewAccessKeyID() string { return newID(AccessKeyIDPrefix, 16) }
