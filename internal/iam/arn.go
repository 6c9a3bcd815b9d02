package iam

import "strings"

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
// segment. ok is false if the ARN does not have that shape (wrong
// partition, service, kind, account, or an empty name).
func ParseEntityARN(arn, kind string) (account, path, name string, ok bool) {
	rest, found := strings.CutPrefix(arn, iamARNPrefix)
	if !found || len(rest) < 13 || rest[12] != ':' || !IsAccountID(rest[:12]) {
		return "", "", "", false
	}
	account = rest[:12]
	res, found := strings.CutPrefix(rest[13:], kind)
	if !found || len(res) < 2 || res[0] != '/' {
		return "", "", "", false
	}
	i := strings.LastIndexByte(res, '/')
	path, name = res[:i+1], res[i+1:]
	if name == "" {
		return "", "", "", false
	}
	return account, path, name, true
}

// ParseProviderARN splits arn:aws:iam::<acct>:oidc-provider/<url without
// scheme>.
func ParseProviderARN(arn string) (account, hostPath string, ok bool) {
	rest, found := strings.CutPrefix(arn, iamARNPrefix)
	if !found || len(rest) < 13 || rest[12] != ':' || !IsAccountID(rest[:12]) {
		return "", "", false
	}
	hostPath, found = strings.CutPrefix(rest[13:], "oidc-provider/")
	if !found || hostPath == "" {
		return "", "", false
	}
	return rest[:12], hostPath, true
}

// ValidatePolicyARN checks a managed policy ARN given as an attachment or a
// permissions boundary: the model's 20..2048 characters, then the shape
// arn:aws:iam::<acct>:policy/<path><name> (InvalidInput otherwise). AWS
// managed policies (account "aws") are accepted as references.
func ValidatePolicyARN(member, arn string) error {
	if vs := lengthViolations(nil, member, arn, 20, 2048); len(vs) > 0 {
		return NewValidationError(vs...)
	}
	if _, path, name, ok := parsePolicyRef(arn); !ok || !isPolicyPath(path) || validateName("policyName", name, MaxPolicyNameLength) != nil {
		return newError(CodeInvalidInput, "ARN "+arn+" is not valid.")
	}
	return nil
}

// parsePolicyRef is ParseEntityARN for policies that also accepts the
// "aws" pseudo-account of AWS managed policies.
func parsePolicyRef(arn string) (account, path, name string, ok bool) {
	if rest, found := strings.CutPrefix(arn, "arn:aws:iam::aws:policy/"); found {
		i := strings.LastIndexByte(rest, '/')
		path, name = "/"+rest[:i+1], rest[i+1:]
		return "aws", path, name, name != ""
	}
	return ParseEntityARN(arn, "policy")
}
