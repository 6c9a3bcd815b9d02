package iamapi

import "github.com/stsd/stsd/internal/iam"

// Resource finders: the ARN an action is authorized against, as IAM builds
// it. They read parameters without validating them (validation belongs to
// the action and runs after authorization, as in IAM); an entity's path
// comes from the snapshot, "/" when the entity does not exist.

// anyResource is for actions IAM authorizes on "*" (List*, Simulate*).
func anyResource(*exchange) string { return "*" }

// newRoleResource is the ARN CreateRole's role will have.
func newRoleResource(x *exchange) string {
	return iam.RoleARN(x.account, pathOr(x.params.Value("Path")), x.params.Value("RoleName"))
}

// roleResource is arn:aws:iam::<acct>:role<path><RoleName>.
func roleResource(x *exchange) string {
	name := x.params.Value("RoleName")
	path := "/"
	if r, ok := x.snap.RoleByName(x.account, name); ok {
		path = r.Role.Path
	}
	return iam.RoleARN(x.account, path, name)
}

// newUserResource is the ARN CreateUser's user will have.
func newUserResource(x *exchange) string {
	return iam.UserARN(x.account, pathOr(x.params.Value("Path")), x.params.Value("UserName"))
}

// userResource is arn:aws:iam::<acct>:user<path><UserName>. Without a
// UserName (access-key actions), it is the calling user itself.
func userResource(x *exchange) string {
	name, ok := x.params.Get("UserName")
	if !ok && x.caller.User != nil {
		return x.caller.ARN
	}
	path := "/"
	if u, ok := x.snap.UserByName(x.account, name); ok {
		path = u.User.Path
	}
	return iam.UserARN(x.account, path, name)
}

// newPolicyResource is the ARN CreatePolicy's policy will have.
func newPolicyResource(x *exchange) string {
	return iam.PolicyARN(x.account, pathOr(x.params.Value("Path")), x.params.Value("PolicyName"))
}

// policyResource is the PolicyArn parameter.
func policyResource(x *exchange) string { return x.params.Value("PolicyArn") }

// newProviderResource is the ARN CreateOpenIDConnectProvider's provider
// will have.
func newProviderResource(x *exchange) string {
	return iam.ProviderARN(x.account, x.params.Value("Url"))
}

// providerResource is the OpenIDConnectProviderArn parameter.
func providerResource(x *exchange) string { return x.params.Value("OpenIDConnectProviderArn") }

func pathOr(p string) string {
	if p == "" {
		return "/"
	}
	return p
}
