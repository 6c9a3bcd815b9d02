package iamapi_test

import (
	"context"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/iamapi"
)

// IAM finds roles, users and managed policies whatever the letter case of
// their names, while a policy's Resource and its ARN conditions compare
// with case. These tests prove that every action is authorized against
// the canonical ARN of the entity it finds (its stored spelling), never
// the request's spelling.

// The guarded entities, stored with these spellings.
const (
	guardedRole   = "Guarded-Role"
	guardedUser   = "Guarded-User"
	guardedPolicy = "Guarded-Policy"
	guardedGroup  = "Guarded-Group"
)

var (
	guardedRoleARN   = "arn:aws:iam::" + account + ":role/" + guardedRole
	guardedUserARN   = "arn:aws:iam::" + account + ":user/" + guardedUser
	guardedPolicyARN = "arn:aws:iam::" + account + ":policy/" + guardedPolicy
	guardedGroupARN  = "arn:aws:iam::" + account + ":group/" + guardedGroup
)

// caseTarget says how an action names its entity: the parameters that
// name it in a given spelling, and the canonical ARN it must be
// authorized against.
type caseTarget struct {
	params    func(spell func(string) string) url.Values
	canonical string
}

func roleNamed(spell func(string) string) url.Values {
	return url.Values{"RoleName": {spell(guardedRole)}}
}

func userNamed(spell func(string) string) url.Values {
	return url.Values{"UserName": {spell(guardedUser)}}
}

func groupNamed(spell func(string) string) url.Values {
	return url.Values{"GroupName": {spell(guardedGroup)}}
}

func policyNamed(spell func(string) string) url.Values {
	return url.Values{"PolicyArn": {"arn:aws:iam::" + account + ":policy/" + spell(guardedPolicy)}}
}

// caseTargets lists every action that names an existing role, user or
// managed policy. Provider ARNs are matched exactly (the URL is the
// identity, as the token's iss is compared), so a respelled provider ARN
// finds nothing.
var caseTargets = map[string]caseTarget{}

// caseFree lists the actions that name no existing entity by a
// case-insensitive name: they create one (authorized on the ARN it will
// have), list, simulate custom policies, or name a provider.
var caseFree = map[string]bool{
	"CreateRole": true, "CreateUser": true, "CreatePolicy": true, "CreateOpenIDConnectProvider": true,
	"ListRoles": true, "ListUsers": true, "ListPolicies": true, "ListOpenIDConnectProviders": true,
	"SimulateCustomPolicy":     true,
	"GetOpenIDConnectProvider": true, "DeleteOpenIDConnectProvider": true,
	"AddClientIDToOpenIDConnectProvider": true, "RemoveClientIDFromOpenIDConnectProvider": true,
	"UpdateOpenIDConnectProviderThumbprint": true, "TagOpenIDConnectProvider": true,
	"UntagOpenIDConnectProvider": true, "ListOpenIDConnectProviderTags": true,
	"CreateGroup": true, "ListGroups": true,
	"GetAccessKeyLastUsed":  true, // names an access key, by its exact ID
	"ListVirtualMFADevices": true, // names no user: the account's devices
	// The account's outbound identity federation switch: no entity.
	"EnableOutboundWebIdentityFederation": true, "DisableOutboundWebIdentityFederation": true,
	"GetOutboundWebIdentityFederationInfo": true,
}

func init() {
	for _, a := range []string{"GetRole", "UpdateRole", "UpdateRoleDescription", "UpdateAssumeRolePolicy",
		"DeleteRole", "TagRole", "UntagRole", "ListRoleTags",
		"PutRolePolicy", "GetRolePolicy", "DeleteRolePolicy", "ListRolePolicies",
		"AttachRolePolicy", "DetachRolePolicy", "ListAttachedRolePolicies",
		"PutRolePermissionsBoundary", "DeleteRolePermissionsBoundary", "ListInstanceProfilesForRole"} {
		caseTargets[a] = caseTarget{roleNamed, guardedRoleARN}
	}
	for _, a := range []string{"GetUser", "DeleteUser",
		"PutUserPolicy", "GetUserPolicy", "DeleteUserPolicy", "ListUserPolicies",
		"AttachUserPolicy", "DetachUserPolicy", "ListAttachedUserPolicies",
		"PutUserPermissionsBoundary", "DeleteUserPermissionsBoundary",
		"CreateAccessKey", "ListAccessKeys", "UpdateAccessKey", "DeleteAccessKey",
		"UpdateUser", "TagUser", "UntagUser", "ListUserTags", "ListGroupsForUser",
		"ListSSHPublicKeys", "ListMFADevices", "DeleteLoginProfile", "ListSigningCertificates",
		"ListServiceSpecificCredentials"} {
		caseTargets[a] = caseTarget{userNamed, guardedUserARN}
	}
	for _, a := range []string{"GetGroup", "UpdateGroup", "DeleteGroup", "AddUserToGroup", "RemoveUserFromGroup",
		"PutGroupPolicy", "GetGroupPolicy", "DeleteGroupPolicy", "ListGroupPolicies",
		"AttachGroupPolicy", "DetachGroupPolicy", "ListAttachedGroupPolicies"} {
		caseTargets[a] = caseTarget{groupNamed, guardedGroupARN}
	}
	for _, a := range []string{"GetPolicy", "DeletePolicy", "CreatePolicyVersion", "GetPolicyVersion",
		"ListPolicyVersions", "DeletePolicyVersion", "SetDefaultPolicyVersion", "ListEntitiesForPolicy",
		"TagPolicy", "UntagPolicy", "ListPolicyTags"} {
		caseTargets[a] = caseTarget{policyNamed, guardedPolicyARN}
	}
	caseTargets["SimulatePrincipalPolicy"] = caseTarget{func(spell func(string) string) url.Values {
		return url.Values{"PolicySourceArn": {"arn:aws:iam::" + account + ":user/" + spell(guardedUser)}, "ActionNames.member.1": {"iam:GetUser"}}
	}, guardedUserARN}
}

// Every action the API serves is either in caseTargets or in caseFree: a
// new action cannot be added without saying how its entity is found.
func TestCaseEveryActionClassified(t *testing.T) {
	names := iamapi.New(iamapi.Deps{}).Actions()
	sort.Strings(names)
	for _, name := range names {
		_, targeted := caseTargets[name]
		if targeted == caseFree[name] {
			t.Errorf("%s: list it in exactly one of caseTargets and caseFree", name)
		}
	}
	for name := range caseTargets {
		if !contains(names, name) {
			t.Errorf("caseTargets lists %s, which the API does not serve", name)
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// spellings are the respellings a caller might try.
var spellings = map[string]func(string) string{
	"upper": strings.ToUpper,
	"lower": strings.ToLower,
	"swapped": func(s string) string {
		var b strings.Builder
		for _, r := range s {
			switch {
			case r >= 'a' && r <= 'z':
				r -= 'a' - 'A'
			case r >= 'A' && r <= 'Z':
				r += 'a' - 'A'
			}
			b.WriteRune(r)
		}
		return b.String()
	},
}

// caseNode is a node holding the guarded entities.
func caseNode(t *testing.T) *node {
	t.Helper()
	n := newNode(t)
	n.repoRole(t, "/", guardedRole, nil)
	n.repoUser(t, "/", guardedUser, nil)
	n.repoPolicy(t, "/", guardedPolicy, allow("s3:GetObject"))
	if _, err := n.app.Repo.CreateGroup(context.Background(), iam.Group{Account: account, Name: guardedGroup}); err != nil {
		t.Fatal(err)
	}
	return n
}

// A caller allowed iam:* except on the guarded entities (a Deny naming
// their canonical ARNs) cannot reach them by respelling their names, with
// any action.
func TestContractCaseDenyCannotBeBypassed(t *testing.T) {
	n := caseNode(t)
	deny := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"},` +
		`{"Effect":"Deny","Action":"iam:*","Resource":["` + guardedRoleARN + `","` + guardedUserARN + `","` + guardedPolicyARN + `","` + guardedGroupARN + `"]}]}`
	n.repoUser(t, "/", "attacker", map[string]string{"p": deny})
	attacker := n.accessKey(t, "attacker")
	for _, action := range sortedKeys(caseTargets) {
		ct := caseTargets[action]
		for how, spell := range spellings {
			params := ct.params(spell)
			params.Set("Action", action)
			r := n.post(params, attacker)
			wantRawError(t, r, "AccessDenied", http.StatusForbidden,
				"User: arn:aws:iam::"+account+":user/attacker is not authorized to perform: iam:"+action+
					" on resource: "+ct.canonical+" with an explicit deny in an identity-based policy")
			if t.Failed() {
				t.Fatalf("%s spelled %s", action, how)
			}
		}
	}
}

// A caller allowed iam:* only on a pattern in one spelling is not allowed
// on the entity stored in another spelling: Allow on role/guarded-role
// does not reach the role Guarded-Role through RoleName=guarded-role.
func TestContractCaseAllowIsNotWidened(t *testing.T) {
	n := caseNode(t)
	lower := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":["` +
		strings.ToLower(guardedRoleARN) + `*","` + strings.ToLower(guardedUserARN) + `*","` + strings.ToLower(guardedPolicyARN) + `*","` +
		strings.ToLower(guardedGroupARN) + `*"]}]}`
	n.repoUser(t, "/", "narrow", map[string]string{"p": lower})
	narrow := n.accessKey(t, "narrow")
	for _, action := range sortedKeys(caseTargets) {
		ct := caseTargets[action]
		params := ct.params(strings.ToLower)
		params.Set("Action", action)
		r := n.post(params, narrow)
		wantRawError(t, r, "AccessDenied", http.StatusForbidden,
			"User: arn:aws:iam::"+account+":user/narrow is not authorized to perform: iam:"+action+" on resource: "+ct.canonical)
		if t.Failed() {
			t.Fatalf("%s", action)
		}
	}
}

// The seen cases, with every parameter: each call is refused and
// the guarded entity is unchanged.
func TestContractCaseSeenEscalations(t *testing.T) {
	n := caseNode(t)
	ctx := context.Background()
	deny := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"},` +
		`{"Effect":"Deny","Action":"iam:*","Resource":["` + guardedRoleARN + `","` + guardedUserARN + `","` + guardedPolicyARN + `"]}]}`
	n.repoUser(t, "/", "attacker", map[string]string{"p": deny})
	c := n.client(n.accessKey(t, "attacker"))
	denied := func(action, arn string) string {
		return "User: arn:aws:iam::" + account + ":user/attacker is not authorized to perform: iam:" + action +
			" on resource: " + arn + " with an explicit deny in an identity-based policy"
	}
	_, err := c.PutRolePolicy(ctx, &iamsdk.PutRolePolicyInput{RoleName: aws.String("GUARDED-ROLE"),
		PolicyName: aws.String("mine"), PolicyDocument: aws.String(allowAllIAM)})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, denied("PutRolePolicy", guardedRoleARN))
	_, err = c.UpdateAssumeRolePolicy(ctx, &iamsdk.UpdateAssumeRolePolicyInput{RoleName: aws.String("guarded-Role"),
		PolicyDocument: aws.String(testTrust)})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, denied("UpdateAssumeRolePolicy", guardedRoleARN))
	_, err = c.CreateAccessKey(ctx, &iamsdk.CreateAccessKeyInput{UserName: aws.String("GUARDED-USER")})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, denied("CreateAccessKey", guardedUserARN))
	_, err = c.CreatePolicyVersion(ctx, &iamsdk.CreatePolicyVersionInput{PolicyArn: aws.String("arn:aws:iam::" + account + ":policy/GUARDED-POLICY"),
		PolicyDocument: aws.String(allowAllIAM), SetAsDefault: true})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, denied("CreatePolicyVersion", guardedPolicyARN))

	role, err := n.app.Repo.GetRole(ctx, account, guardedRole)
	if err != nil || len(role.InlinePolicies) != 0 || role.AssumeRolePolicyDocument != testTrust {
		t.Fatalf("the guarded role changed: %+v, %v", role, err)
	}
	keys, err := n.app.Repo.ListAccessKeys(ctx, account, guardedUser)
	if err != nil || len(keys) != 0 {
		t.Fatalf("the guarded user got access keys: %d, %v", len(keys), err)
	}
	pol, err := n.app.Repo.GetPolicy(ctx, guardedPolicyARN)
	if err != nil || len(pol.Versions) != 1 {
		t.Fatalf("the guarded policy got a version: %+v, %v", pol, err)
	}
}

// iam:PolicyARN is the attached policy's canonical ARN: the pattern IAM's
// documentation recommends (ArnNotEquals on the admin policy) holds
// against every spelling, for attach and detach, on users and roles.
func TestContractCasePolicyARNCondition(t *testing.T) {
	n := caseNode(t)
	ctx := context.Background()
	adminARN := n.repoPolicy(t, "/", "AttackAdmin", allowAllIAM)
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:AttachUserPolicy","iam:AttachRolePolicy","iam:DetachUserPolicy","iam:DetachRolePolicy"],"Resource":"*",` +
		`"Condition":{"ArnNotEquals":{"iam:PolicyARN":"` + adminARN + `"}}}]}`
	n.repoUser(t, "/", "delegate", map[string]string{"p": doc})
	c := n.client(n.accessKey(t, "delegate"))
	respelled := "arn:aws:iam::" + account + ":policy/ATTACKADMIN"
	denied := func(action, arn string) string {
		return "User: arn:aws:iam::" + account + ":user/delegate is not authorized to perform: iam:" + action + " on resource: " + arn
	}
	_, err := c.AttachUserPolicy(ctx, &iamsdk.AttachUserPolicyInput{UserName: aws.String("delegate"), PolicyArn: &respelled})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, denied("AttachUserPolicy", "arn:aws:iam::"+account+":user/delegate"))
	_, err = c.AttachRolePolicy(ctx, &iamsdk.AttachRolePolicyInput{RoleName: aws.String(guardedRole), PolicyArn: &respelled})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, denied("AttachRolePolicy", guardedRoleARN))
	if u, err := n.app.Repo.GetUser(ctx, account, "delegate"); err != nil || len(u.ManagedPolicyARNs) != 0 {
		t.Fatalf("the delegate attached the admin policy: %+v, %v", u, err)
	}

	// Other policies attach, whatever their spelling; the role holds the
	// policy's own ARN.
	if _, err := c.AttachRolePolicy(ctx, &iamsdk.AttachRolePolicyInput{RoleName: aws.String(guardedRole),
		PolicyArn: aws.String(strings.ToLower(guardedPolicyARN))}); err != nil {
		t.Fatalf("attach another policy: %v", err)
	}
	if r, err := n.app.Repo.GetRole(ctx, account, guardedRole); err != nil || strings.Join(r.ManagedPolicyARNs, ",") != guardedPolicyARN {
		t.Fatalf("attached ARNs: %+v, %v", r, err)
	}

	// Detach: root attaches the admin policy; the delegate cannot detach
	// it by respelling (a Deny-shaped guard on the same key).
	if _, err := n.root().AttachRolePolicy(ctx, &iamsdk.AttachRolePolicyInput{RoleName: aws.String(guardedRole), PolicyArn: &adminARN}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DetachRolePolicy(ctx, &iamsdk.DetachRolePolicyInput{RoleName: aws.String(guardedRole), PolicyArn: &respelled})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, denied("DetachRolePolicy", guardedRoleARN))
	_, err = c.DetachUserPolicy(ctx, &iamsdk.DetachUserPolicyInput{UserName: aws.String("delegate"), PolicyArn: &respelled})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, denied("DetachUserPolicy", "arn:aws:iam::"+account+":user/delegate"))
}

// iam:PermissionsBoundary is the boundary's canonical ARN, whether the
// request sets it (CreateRole, CreateUser, Put*PermissionsBoundary) or the
// role or user already has it (the IAM User Guide's delegation pattern:
// PutRolePolicy, AttachRolePolicy… only on roles bounded by a policy).
func TestContractCasePermissionsBoundaryCondition(t *testing.T) {
	n := caseNode(t)
	ctx := context.Background()
	boundaryARN := n.repoPolicy(t, "/", "DevBoundary", allow("s3:*"))
	respelled := "arn:aws:iam::" + account + ":policy/devboundary"
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:CreateRole","iam:CreateUser","iam:PutRolePermissionsBoundary","iam:PutUserPermissionsBoundary","iam:PutRolePolicy","iam:AttachRolePolicy","iam:DeleteRolePermissionsBoundary"],"Resource":"*",` +
		`"Condition":{"StringEquals":{"iam:PermissionsBoundary":"` + boundaryARN + `"}}}]}`
	n.repoUser(t, "/", "delegate", map[string]string{"p": doc})
	c := n.client(n.accessKey(t, "delegate"))
	denied := func(action, arn string) string {
		return "User: arn:aws:iam::" + account + ":user/delegate is not authorized to perform: iam:" + action + " on resource: " + arn
	}

	// Set in the request, in another spelling: IAM resolves it to
	// DevBoundary, so the condition holds and the stored ARN is canonical.
	if _, err := c.CreateRole(ctx, &iamsdk.CreateRoleInput{RoleName: aws.String("bounded"), AssumeRolePolicyDocument: aws.String(testTrust),
		PermissionsBoundary: &respelled}); err != nil {
		t.Fatalf("CreateRole with the boundary respelled: %v", err)
	}
	if _, err := c.CreateUser(ctx, &iamsdk.CreateUserInput{UserName: aws.String("bounded-user"), PermissionsBoundary: &respelled}); err != nil {
		t.Fatalf("CreateUser with the boundary respelled: %v", err)
	}
	_, err := c.CreateRole(ctx, &iamsdk.CreateRoleInput{RoleName: aws.String("unbounded"), AssumeRolePolicyDocument: aws.String(testTrust)})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, denied("CreateRole", "arn:aws:iam::"+account+":role/unbounded"))

	// Actions on an existing role read the role's own boundary.
	if _, err := c.PutRolePolicy(ctx, &iamsdk.PutRolePolicyInput{RoleName: aws.String("BOUNDED"), PolicyName: aws.String("p"),
		PolicyDocument: aws.String(getObjectDoc)}); err != nil {
		t.Fatalf("PutRolePolicy on a bounded role: %v", err)
	}
	_, err = c.PutRolePolicy(ctx, &iamsdk.PutRolePolicyInput{RoleName: aws.String(strings.ToUpper(guardedRole)), PolicyName: aws.String("p"),
		PolicyDocument: aws.String(getObjectDoc)})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, denied("PutRolePolicy", guardedRoleARN))
	_, err = c.AttachRolePolicy(ctx, &iamsdk.AttachRolePolicyInput{RoleName: aws.String(guardedRole), PolicyArn: &boundaryARN})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, denied("AttachRolePolicy", guardedRoleARN))
	if _, err := c.DeleteRolePermissionsBoundary(ctx, &iamsdk.DeleteRolePermissionsBoundaryInput{RoleName: aws.String("bounded")}); err != nil {
		t.Fatalf("DeleteRolePermissionsBoundary of the bounded role: %v", err)
	}
	// Now unbounded, the role is out of the delegate's reach.
	_, err = c.PutRolePolicy(ctx, &iamsdk.PutRolePolicyInput{RoleName: aws.String("bounded"), PolicyName: aws.String("p2"),
		PolicyDocument: aws.String(getObjectDoc)})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, denied("PutRolePolicy", "arn:aws:iam::"+account+":role/bounded"))

	// A Deny on a boundary holds against its respelling.
	adminARN := n.repoPolicy(t, "/", "OpenBoundary", allowAllIAM)
	guard := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"},` +
		`{"Effect":"Deny","Action":"iam:Put*PermissionsBoundary","Resource":"*","Condition":{"ArnEquals":{"iam:PermissionsBoundary":"` + adminARN + `"}}}]}`
	n.repoUser(t, "/", "guarded-admin", map[string]string{"p": guard})
	g := n.client(n.accessKey(t, "guarded-admin"))
	_, err = g.PutUserPermissionsBoundary(ctx, &iamsdk.PutUserPermissionsBoundaryInput{UserName: aws.String("guarded-admin"),
		PermissionsBoundary: aws.String("arn:aws:iam::" + account + ":policy/OPENBOUNDARY")})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden,
		"User: arn:aws:iam::"+account+":user/guarded-admin is not authorized to perform: iam:PutUserPermissionsBoundary on resource: arn:aws:iam::"+account+":user/guarded-admin with an explicit deny in an identity-based policy")
	if u, err := n.app.Repo.GetUser(ctx, account, "guarded-admin"); err != nil || u.PermissionsBoundaryARN != "" {
		t.Fatalf("the boundary was set: %+v, %v", u, err)
	}
}

// aws:ResourceTag/<key> and iam:ResourceTag/<key> are the tags of the
// entity found: a Deny on protected resources holds whatever the
// spelling.
func TestContractCaseResourceTagCondition(t *testing.T) {
	n := caseNode(t)
	ctx := context.Background()
	if _, err := n.root().TagRole(ctx, &iamsdk.TagRoleInput{RoleName: aws.String(guardedRole),
		Tags: pvTags("protected", "true")}); err != nil {
		t.Fatal(err)
	}
	if _, err := n.app.Repo.UpdateUser(ctx, account, guardedUser, func(u *iam.User) error {
		u.Tags = []iam.Tag{{Key: "protected", Value: "true"}}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"aws:ResourceTag/protected", "iam:ResourceTag/protected"} {
		doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"},` +
			`{"Effect":"Deny","Action":"iam:*","Resource":"*","Condition":{"StringEquals":{"` + key + `":"true"}}}]}`
		name := "tagged-" + strings.Split(key, ":")[0]
		n.repoUser(t, "/", name, map[string]string{"p": doc})
		c := n.client(n.accessKey(t, name))
		_, err := c.PutRolePolicy(ctx, &iamsdk.PutRolePolicyInput{RoleName: aws.String("guarded-role"), PolicyName: aws.String("p"),
			PolicyDocument: aws.String(allowAllIAM)})
		wantAPIError(t, err, "AccessDenied", http.StatusForbidden,
			"User: arn:aws:iam::"+account+":user/"+name+" is not authorized to perform: iam:PutRolePolicy on resource: "+guardedRoleARN+" with an explicit deny in an identity-based policy")
		_, err = c.CreateAccessKey(ctx, &iamsdk.CreateAccessKeyInput{UserName: aws.String("GUARDED-USER")})
		wantAPIError(t, err, "AccessDenied", http.StatusForbidden,
			"User: arn:aws:iam::"+account+":user/"+name+" is not authorized to perform: iam:CreateAccessKey on resource: "+guardedUserARN+" with an explicit deny in an identity-based policy")
		if _, err := c.GetRole(ctx, &iamsdk.GetRoleInput{RoleName: aws.String("bounded-nothing")}); err == nil {
			t.Fatal("GetRole of a missing role succeeded")
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
