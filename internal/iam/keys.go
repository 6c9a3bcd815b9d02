package iam

import "strings"

// Store key layout.
const (
	// KeyPrefix is the prefix of every key this package writes; the Cache
	// lists and watches it.
	KeyPrefix = "accounts/"

	kindRoles      = "roles"
	kindProviders  = "oidc-providers"
	kindPolicies   = "policies"
	kindUsers      = "users"
	kindGroups     = "groups"
	kindAccessKeys = "access-keys"
)

func entityKey(account, kind, id string) string {
	return KeyPrefix + account + "/" + kind + "/" + id
}

// RoleKey is the store key of a role (names are unique ignoring case).
func RoleKey(account, name string) string {
	return entityKey(account, kindRoles, strings.ToLower(name))
}

// ProviderKey is the store key of a provider: its URL without scheme.
func ProviderKey(account, providerURL string) string {
	return entityKey(account, kindProviders, TrimScheme(providerURL))
}

// PolicyKey is the store key of a managed policy (names unique ignoring case).
func PolicyKey(account, name string) string {
	return entityKey(account, kindPolicies, strings.ToLower(name))
}

// UserKey is the store key of a user (names unique ignoring case).
func UserKey(account, name string) string {
	return entityKey(account, kindUsers, strings.ToLower(name))
}

// GroupKey is the store key of a group (names unique ignoring case).
func GroupKey(account, name string) string {
	return entityKey(account, kindGroups, strings.ToLower(name))
}

// AccessKeyKey is the store key of an access key.
func AccessKeyKey(account, id string) string {
	return entityKey(account, kindAccessKeys, id)
}

// AccountPrefix is the prefix of every key of one account.
func AccountPrefix(account string) string { return KeyPrefix + account + "/" }

// parseKey splits accounts/<acct>/<kind>/<id>; id may contain slashes
// (provider URLs with a path).
func parseKey(key string) (account, kind, id string, ok bool) {
	rest, found := strings.CutPrefix(key, KeyPrefix)
	if !found {
		return "", "", "", false
	}
	account, rest, found = strings.Cut(rest, "/")
	if !found {
		return "", "", "", false
	}
	kind, id, found = strings.Cut(rest, "/")
	if !found || id == "" {
		return "", "", "", false
	}
	return account, kind, id, true
}

func equalFold(a, b string) bool { return strings.EqualFold(a, b) }
