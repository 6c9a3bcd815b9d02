// Package authz is stsd's one authorization engine: every decision about
// what an authenticated caller may do goes through Engine.Decide — the IAM
// API's own authorization, STS actions that need a permission, and the
// front doors that decide for other services (forward-auth, Envoy
// ext_authz, the JSON decision API).
//
// Decide takes the caller (an IAM user, a role session or the account
// root), one or more (action, resource) checks, the facts of the request
// that stsd observed itself (Env), condition keys the requesting service
// may supply (Key), and optionally a resource-based policy. It gathers the
// caller's policies from the live IAM snapshot — identity policies (inline
// and attached), the permissions boundary, and for a role session the
// session policies (inline Policy and PolicyArns) — fills every identity
// condition key itself, and evaluates with AWS's same-account policy
// evaluation logic (package policy, IAM User Guide
// "Policy evaluation logic", "Permissions boundaries", "Session policies").
//
// A denial can be sealed into an encoded authorization message that only
// DecodeAuthorizationMessage opens (message.go).
package authz
