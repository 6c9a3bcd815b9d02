package iamapi

import "github.com/stsd/stsd/internal/iam"

// Resource finders: the ARN an action is authorized against, as IAM builds
// it. They read parameters without validating them (validation belongs to
// the action and runs after authorization, as in IAM); an entity's path
// comes from the snapshot, "/" when the entity does not exist.

// anyResource is for actions IAM authorizes on "*" (List*, Simulate*).
func anyResource(*exchange) string { return "*" }

// roleResource is arn:aws:iam::<acct>:role<path><RoleName>; CreateRole's
// path is its Path parameter.
func roleResource(x *exchange) string {
	name := x.params.Value("RoleName")
	if x.call.Action == "CreateRole" {
		return iam.RoleARN(x.account, pathOr(x.params.Value("Path")), name)
	}
	path := "/"
	if r, ok := x.snap.RoleByName(x.account, name); ok {
		path = r.Role.Path
	}
	return iam.RoleARN(x.account, path, name)
}

// userResource is arn:aws:iam::<acct>:user<path><UserName>. Without a
// UserName (access-key actions), it is the calling user itself.
func userResource(x *exchange) string {
	name, ok := x.params.Get("UserName")
	if x.call.Action == "CreateUser" {
		return iam.UserARN(x.account, pathOr(x.params.Value("Path")), name)
	}
	if !ok && x.caller.User != nil {
		return x.caller.ARN
	}
	path := "/"
	if u, ok := x.snap.UserByName(x.account, name); ok {
		path = u.User.Path
	}
	return iam.UserARN(x.account, path, name)
}

// policyResource is the PolicyArn parameter; for CreatePolicy the ARN the
// policy will have.
func policyResource(x *exchange) string {
	if x.call.Action == "CreatePolicy" {
		return iam.PolicyARN(x.account, pathOr(x.params.Value("Path")), x.params.Value("PolicyName"))
	}
	return x.params.Value("PolicyArn")
}

// providerResource is the OpenIDConnectProviderArn parameter; for
// CreateOpenIDConnectProvider the ARN the provider will have.
func providerResource(x *exchange) string {
	if x.call.Action == "CreateOpenIDConnectProvider" {
		return iam.ProviderARN(x.account, x.params.Value("Url"))
	}
	return x.params.Value("OpenIDConnectProviderArn")
}

func pathOr(p string) string {
	if p == "" {
		return "/"
	}
	return p
}
