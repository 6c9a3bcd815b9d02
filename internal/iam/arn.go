package iam

import "github.com/stsd/stsd/internal/arn"

const iamARNPrefix = "arn:aws:iam::"

// RoleARN returns arn:aws:iam::<acct>:role<path><name>.
func RoleARN(account, path, name string) string {
	return iamARNPrefix + account + ":role" + path + name
}

// UserARN returns arn:aws:iam::<acct>:user<path><name>.
func UserARN(account, path, name string) string {
	return iamARNPrefix + account + ":user" + path + name
}

// GroupARN returns arn:aws:iam::<acct>:group<path><name>.
func GroupARN(account, path, name string) string {
	return iamARNPrefix + account + ":group" + path + name
}

// PolicyARN returns arn:aws:iam::<acct>:policy<path><name>.
func PolicyARN(account, path, name string) string {
	return iamARNPrefix + account + ":policy" + path + name
}

// ProviderARN returns arn:aws:iam::<acct>:oidc-provider/<url without scheme>.
func ProviderARN(account, providerURL string) string {
	return iamARNPrefix + account + ":oidc-provider/" + TrimScheme(providerURL)
}

// IsAccountID reports whether s is a 12-digit account ID.
func IsAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ParseEntityARN splits arn:aws:iam::<acct>:<kind><path><name> for kind
// "role", "user", "group" or "policy": path is "/" or "/a/b/", name the last
// segment. ok is false if the ARN does not name such an entity of stsd's:
// another partition (stsd's entities are all in arn.AWS, see package arn),
// service, kind or region, an account that is not 12 digits, or an empty
// name.
func ParseEntityARN(s, kind string) (account, path, name string, ok bool) {
	a, ok := arn.Parse(s)
	if !ok {
		return "", "", "", false
	}
	return entityOf(a, kind)
}

// entityOf is ParseEntityARN for an ARN already parsed.
func entityOf(a arn.ARN, kind string) (account, path, name string, ok bool) {
	if a.Partition != arn.AWS || !IsAccountID(a.Account) {
		return "", "", "", false
	}
	path, name, ok = a.Entity(kind)
	if !ok {
		return "", "", "", false
	}
	return a.Account, path, name, true
}

// ParseProviderARN splits arn:aws:iam::<acct>:oidc-provider/<url without
// scheme>, with ParseEntityARN's partition and account rules.
func ParseProviderARN(s string) (account, hostPath string, ok bool) {
	a, ok := arn.Parse(s)
	if !ok || a.Partition != arn.AWS || !IsAccountID(a.Account) {
		return "", "", false
	}
	hostPath, ok = a.OIDCProvider()
	if !ok {
		return "", "", false
	}
	return a.Account, hostPath, true
}

// ValidatePolicyARN checks a managed policy ARN given as an attachment or a
// permissions boundary: the model's 20..2048 characters, then the shape
// arn:aws:iam::<acct>:policy/<path><name> (KindInvalidInput otherwise). AWS
// managed policies (account "aws") are accepted as references.
func ValidatePolicyARN(member, arn string) error {
	if vs := lengthViolations(nil, member, arn, 20, 2048); len(vs) > 0 {
		return NewValidationError(vs...)
	}
	if _, path, name, ok := parsePolicyRef(arn); !ok || !isPolicyPath(path) || validateName("policyName", name, MaxPolicyNameLength) != nil {
		return &Error{Reason: ReasonInvalidARN, Subject: arn}
	}
	return nil
}

// parsePolicyRef is ParseEntityARN for policies that also accepts the
// "aws" pseudo-account of AWS managed policies.
func parsePolicyRef(s string) (account, path, name string, ok bool) {
	a, ok := arn.Parse(s)
	if !ok {
		return "", "", "", false
	}
	if a.Partition == arn.AWS && a.Account == "aws" {
		path, name, ok = a.Entity("policy")
		return "aws", path, name, ok
	}
	return entityOf(a, "policy")
}
