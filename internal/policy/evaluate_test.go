package policy

import (
	"strings"
	"testing"
)

const (
	acct        = "123456789012"
	roleARN     = "arn:aws:iam::123456789012:role/path/app"
	sessionARN  = "arn:aws:sts::123456789012:assumed-role/app/sess"
	userARN     = "arn:aws:iam::123456789012:user/bob"
	githubOIDC  = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
	allowS3Get  = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`
	denyS3Get   = `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"s3:GetObject","Resource":"*"}}`
	allowS3All  = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`
	allowEC2All = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ec2:*","Resource":"*"}}`
)

func named(t *testing.T, kind Kind, docs ...string) []Named {
	t.Helper()
	var out []Named
	for i, d := range docs {
		out = append(out, Named{Name: "P" + string(rune('1'+i)), Policy: mustParse(t, kind, d)})
	}
	return out
}

func resourcePolicy(principal string) string {
	return `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":` + principal + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`
}

func TestEvaluationLogic(t *testing.T) {
	const logic = "reference_policies_evaluationlogic"
	const boundaries = "access_policies_boundaries"
	const session = "access_policies (session policies)"
	sessionCaller := AWSPrincipal(sessionARN, roleARN)
	userCaller := AWSPrincipal(userARN, "")
	tests := []struct {
		rule      string
		principal Principal
		resAcct   string
		set       func(t *testing.T) Set
		want      Outcome
	}{
		{logic + ": by default all requests are implicitly denied", sessionCaller, "", func(t *testing.T) Set { return Set{} }, ImplicitDeny},
		{logic + ": an identity-based allow allows", sessionCaller, "", func(t *testing.T) Set { return Set{Identity: named(t, KindIdentity, allowS3Get)} }, Allowed},
		{logic + ": an explicit deny overrides any allow", sessionCaller, "", func(t *testing.T) Set { return Set{Identity: named(t, KindIdentity, allowS3All, denyS3Get)} }, ExplicitDeny},
		{logic + ": an allow for other actions does not allow", sessionCaller, "", func(t *testing.T) Set { return Set{Identity: named(t, KindIdentity, allowEC2All)} }, ImplicitDeny},
		{boundaries + ": identity allow inside the boundary", sessionCaller, "", func(t *testing.T) Set {
			return Set{Identity: named(t, KindIdentity, allowS3Get), Boundary: named(t, KindIdentity, allowS3All)}
		}, Allowed},
		{boundaries + ": the boundary does not grant by itself", sessionCaller, "", func(t *testing.T) Set { return Set{Boundary: named(t, KindIdentity, allowS3All)} }, ImplicitDeny},
		{boundaries + ": identity allow outside the boundary", sessionCaller, "", func(t *testing.T) Set {
			return Set{Identity: named(t, KindIdentity, allowS3Get), Boundary: named(t, KindIdentity, allowEC2All)}
		}, ImplicitDeny},
		{boundaries + ": a deny in the boundary denies", sessionCaller, "", func(t *testing.T) Set {
			return Set{Identity: named(t, KindIdentity, allowS3Get), Boundary: named(t, KindIdentity, allowS3All, denyS3Get)}
		}, ExplicitDeny},
		{session + ": identity ∩ session", sessionCaller, "", func(t *testing.T) Set {
			return Set{Identity: named(t, KindIdentity, allowS3All), Session: named(t, KindIdentity, allowS3Get)}
		}, Allowed},
		{session + ": session policies cannot grant more than the identity policies", sessionCaller, "", func(t *testing.T) Set {
			return Set{Identity: named(t, KindIdentity, allowEC2All), Session: named(t, KindIdentity, allowS3All)}
		}, ImplicitDeny},
		{session + ": the session policy limits the identity allow", sessionCaller, "", func(t *testing.T) Set {
			return Set{Identity: named(t, KindIdentity, allowS3All), Session: named(t, KindIdentity, allowEC2All)}
		}, ImplicitDeny},
		{session + ": a resource policy naming the session ARN is not limited by the session policy", sessionCaller, "", func(t *testing.T) Set {
			return Set{Session: named(t, KindIdentity, allowEC2All), Resource: named(t, KindResource, resourcePolicy(`{"AWS":"`+sessionARN+`"}`))}
		}, Allowed},
		{session + ": a resource policy naming the role ARN is limited by the session policy", sessionCaller, "", func(t *testing.T) Set {
			return Set{Session: named(t, KindIdentity, allowEC2All), Resource: named(t, KindResource, resourcePolicy(`{"AWS":"`+roleARN+`"}`))}
		}, ImplicitDeny},
		{session + ": a resource policy naming the role ARN allows without session policy", sessionCaller, "", func(t *testing.T) Set {
			return Set{Resource: named(t, KindResource, resourcePolicy(`{"AWS":"`+roleARN+`"}`))}
		}, Allowed},
		{boundaries + ": a resource policy naming the role ARN is limited by the boundary", sessionCaller, "", func(t *testing.T) Set {
			return Set{Boundary: named(t, KindIdentity, allowEC2All), Resource: named(t, KindResource, resourcePolicy(`{"AWS":"`+roleARN+`"}`))}
		}, ImplicitDeny},
		{boundaries + ": a resource policy naming the user ARN is not limited by the boundary", userCaller, "", func(t *testing.T) Set {
			return Set{Boundary: named(t, KindIdentity, allowEC2All), Resource: named(t, KindResource, resourcePolicy(`{"AWS":"`+userARN+`"}`))}
		}, Allowed},
		{logic + ": a resource policy naming the account needs an identity allow", userCaller, "", func(t *testing.T) Set {
			return Set{Resource: named(t, KindResource, resourcePolicy(`{"AWS":"arn:aws:iam::123456789012:root"}`))}
		}, ImplicitDeny},
		{logic + ": an account ID principal is the account", userCaller, "", func(t *testing.T) Set {
			return Set{Identity: named(t, KindIdentity, allowS3Get), Resource: named(t, KindResource, resourcePolicy(`{"AWS":"123456789012"}`))}
		}, Allowed},
		{logic + ": a deny in a resource policy that names the principal denies", userCaller, "", func(t *testing.T) Set {
			return Set{Identity: named(t, KindIdentity, allowS3Get), Resource: named(t, KindResource, `{"Statement":{"Effect":"Deny","Principal":{"AWS":"`+userARN+`"},"Action":"s3:*","Resource":"*"}}`)}
		}, ExplicitDeny},
		{logic + ": a deny naming another principal does not apply", userCaller, "", func(t *testing.T) Set {
			return Set{Identity: named(t, KindIdentity, allowS3Get), Resource: named(t, KindResource, `{"Statement":{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::123456789012:user/eve"},"Action":"s3:*","Resource":"*"}}`)}
		}, Allowed},
		{"reference_policies_elements_notprincipal: Deny with NotPrincipal denies everyone else", userCaller, "", func(t *testing.T) Set {
			return Set{Identity: named(t, KindIdentity, allowS3Get), Resource: named(t, KindResource, `{"Statement":{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::123456789012:user/eve"},"Action":"s3:*","Resource":"*"}}`)}
		}, ExplicitDeny},
		{"reference_policies_elements_notprincipal: Deny with NotPrincipal spares the named principal", userCaller, "", func(t *testing.T) Set {
			return Set{Identity: named(t, KindIdentity, allowS3Get), Resource: named(t, KindResource, `{"Statement":{"Effect":"Deny","NotPrincipal":{"AWS":"`+userARN+`"},"Action":"s3:*","Resource":"*"}}`)}
		}, Allowed},
		{boundaries + ": a Deny with NotPrincipal denies every principal with a boundary", userCaller, "", func(t *testing.T) Set {
			return Set{Identity: named(t, KindIdentity, allowS3Get), Boundary: named(t, KindIdentity, allowS3All),
				Resource: named(t, KindResource, `{"Statement":{"Effect":"Deny","NotPrincipal":{"AWS":"`+userARN+`"},"Action":"s3:*","Resource":"*"}}`)}
		}, ExplicitDeny},
		{logic + " (cross-account): the resource policy alone does not allow", userCaller, "999999999999", func(t *testing.T) Set {
			return Set{Resource: named(t, KindResource, resourcePolicy(`{"AWS":"`+userARN+`"}`))}
		}, ImplicitDeny},
		{logic + " (cross-account): identity allow and resource allow", userCaller, "999999999999", func(t *testing.T) Set {
			return Set{Identity: named(t, KindIdentity, allowS3Get), Resource: named(t, KindResource, resourcePolicy(`{"AWS":"`+userARN+`"}`))}
		}, Allowed},
		{logic + " (cross-account): the identity allow alone does not allow", userCaller, "999999999999", func(t *testing.T) Set {
			return Set{Identity: named(t, KindIdentity, allowS3Get)}
		}, ImplicitDeny},
	}
	for _, tc := range tests {
		req := Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", Principal: tc.principal, ResourceAccount: tc.resAcct}
		d := Evaluate(req, tc.set(t))
		if d.Effect != tc.want {
			t.Errorf("%s: got %s, want %s (%s)", tc.rule, d.Effect, tc.want, d.Explain())
		}
	}
}

func TestMatchedStatements(t *testing.T) {
	set := Set{Identity: []Named{
		{"allow", mustParse(t, KindIdentity, `{"Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"B","Effect":"Allow","Action":"ec2:*","Resource":"*"}]}`)},
		{"deny", mustParse(t, KindIdentity, `{"Statement":[{"Sid":"D","Effect":"Deny","Action":"s3:Get*","Resource":"*"}]}`)},
	}}
	d := Evaluate(Request{Action: "s3:PutObject", Resource: "arn:aws:s3:::b/k"}, set)
	if d.Effect != Allowed || len(d.Matched) != 1 || d.Matched[0].Policy != "allow" || d.Matched[0].Statement.Sid != "A" {
		t.Errorf("allow: %s", d.Explain())
	}
	d = Evaluate(Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"}, set)
	if d.Effect != ExplicitDeny || len(d.Matched) != 1 || d.Matched[0].Statement.Sid != "D" {
		t.Errorf("deny: %s", d.Explain())
	}
	if got := d.Explain(); got != "explicitDeny; matched identity policy deny statement 0 (Sid D) (Deny)" {
		t.Errorf("Explain() = %q", got)
	}
	d = Evaluate(Request{Action: "iam:ListUsers"}, set)
	if d.Effect != ImplicitDeny || len(d.Matched) != 0 {
		t.Errorf("implicit: %s", d.Explain())
	}
}

func TestNotActionNotResource(t *testing.T) {
	// reference_policies_elements_notaction: "Allow" with NotAction allows
	// every action except the listed ones; reference_policies_elements_notresource:
	// NotResource matches every resource except the listed ones.
	p := mustParse(t, KindIdentity, `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","NotAction":"iam:*","Resource":"*"},
		{"Effect":"Deny","Action":"s3:*","NotResource":["arn:aws:s3:::HRBucket/Payroll","arn:aws:s3:::HRBucket/Payroll/*"]}]}`)
	set := Set{Identity: []Named{{"p", p}}}
	tests := []struct {
		action, resource string
		want             Outcome
	}{
		{"ec2:RunInstances", "*", Allowed},
		{"iam:CreateUser", "*", ImplicitDeny},
		{"IAM:createuser", "*", ImplicitDeny},
		{"s3:GetObject", "arn:aws:s3:::HRBucket/Payroll/jan.csv", Allowed},
		{"s3:GetObject", "arn:aws:s3:::other/x", ExplicitDeny},
	}
	for _, tc := range tests {
		if d := Evaluate(Request{Action: tc.action, Resource: tc.resource}, set); d.Effect != tc.want {
			t.Errorf("%s on %s: %s, want %s", tc.action, tc.resource, d.Effect, tc.want)
		}
	}
}

func TestPolicyVariables(t *testing.T) {
	const vars = "reference_policies_variables"
	tests := []struct {
		rule, version, resource, cond string
		ctx                           map[string][]string
		reqResource                   string
		want                          Outcome
		failure                       string
	}{
		{vars + ": ${aws:username} in Resource", Version2012, "arn:aws:s3:::b/home/${aws:username}/*", "", map[string][]string{"aws:username": {"bob"}}, "arn:aws:s3:::b/home/bob/x", Allowed, ""},
		{vars + ": another user's folder", Version2012, "arn:aws:s3:::b/home/${aws:username}/*", "", map[string][]string{"aws:username": {"bob"}}, "arn:aws:s3:::b/home/alice/x", ImplicitDeny, ""},
		{vars + ": an unresolvable variable makes the statement not match", Version2012, "arn:aws:s3:::b/home/${aws:username}/*", "", nil, "arn:aws:s3:::b/home//x", ImplicitDeny, "identity policy p statement 0: Resource policy variable ${aws:username} has no value"},
		{vars + ": default value", Version2012, "arn:aws:s3:::b/home/${aws:username, 'guest'}/*", "", nil, "arn:aws:s3:::b/home/guest/x", Allowed, ""},
		{vars + ": variable names are case-insensitive", Version2012, "arn:aws:s3:::b/${AWS:UserName}", "", map[string][]string{"aws:username": {"bob"}}, "arn:aws:s3:::b/bob", Allowed, ""},
		{vars + ": substituted values are literal, not wildcards", Version2012, "arn:aws:s3:::b/${aws:username}", "", map[string][]string{"aws:username": {"*"}}, "arn:aws:s3:::b/anything", ImplicitDeny, ""},
		{vars + ": ${*} is a literal asterisk", Version2012, "arn:aws:s3:::b/${*}", "", nil, "arn:aws:s3:::b/*", Allowed, ""},
		{vars + ": ${*} does not match other text", Version2012, "arn:aws:s3:::b/${*}", "", nil, "arn:aws:s3:::b/x", ImplicitDeny, ""},
		{vars + ": ${?} is a literal question mark", Version2012, "arn:aws:s3:::b/a${?}", "", nil, "arn:aws:s3:::b/ab", ImplicitDeny, ""},
		{vars + ": ${$} is a literal dollar", Version2012, "arn:aws:s3:::b/${$}{x}", "", nil, "arn:aws:s3:::b/${x}", Allowed, ""},
		{vars + ": no substitution under Version 2008-10-17", Version2008, "arn:aws:s3:::b/${aws:username}", "", map[string][]string{"aws:username": {"bob"}}, "arn:aws:s3:::b/${aws:username}", Allowed, ""},
		{vars + ": multivalued keys cannot be variables", Version2012, "arn:aws:s3:::b/${aws:TagKeys}", "", map[string][]string{"[]aws:TagKeys": {"a"}}, "arn:aws:s3:::b/a", ImplicitDeny, ""},
		{vars + ": in condition values", Version2012, "*", `{"StringLike":{"s3:prefix":["home/${aws:username}/*"]}}`, map[string][]string{"aws:username": {"bob"}, "s3:prefix": {"home/bob/docs"}}, "*", Allowed, ""},
		{vars + ": in condition values, other user", Version2012, "*", `{"StringLike":{"s3:prefix":["home/${aws:username}/*"]}}`, map[string][]string{"aws:username": {"bob"}, "s3:prefix": {"home/eve/docs"}}, "*", ImplicitDeny, ""},
		{vars + ": provider claims as variables", Version2012, "*", `{"StringEquals":{"sts:RoleSessionName":"${token.actions.githubusercontent.com:actor}"}}`, map[string][]string{"token.actions.githubusercontent.com:actor": {"octocat"}, "sts:RoleSessionName": {"octocat"}}, "*", Allowed, ""},
		{vars + ": unresolvable variable in a condition", Version2012, "*", `{"StringEquals":{"s3:prefix":"${aws:username}"}}`, map[string][]string{"s3:prefix": {"x"}}, "*", ImplicitDeny, "identity policy p statement 0: condition StringEquals on s3:prefix: policy variable ${aws:username} has no value"},
		// "Policy variables with no value": "Inverted condition operators
		// like StringNotEquals or StringNotLike do match against a null
		// value" (this row expected implicitDeny before).
		{vars + ": unresolvable variable in a negated condition", Version2012, "*", `{"StringNotEquals":{"s3:prefix":"${aws:username}"}}`, map[string][]string{"s3:prefix": {"x"}}, "*", Allowed, ""},
	}
	for _, tc := range tests {
		doc := `{"Version":"` + tc.version + `","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"` + tc.resource + `"`
		if tc.cond != "" {
			doc += `,"Condition":` + tc.cond
		}
		doc += "}}"
		d := Evaluate(Request{Action: "s3:GetObject", Resource: tc.reqResource, Context: ctxOf(tc.ctx)}, Set{Identity: []Named{{"p", mustParse(t, KindIdentity, doc)}}})
		if d.Effect != tc.want {
			t.Errorf("%s: %s, want %s (%s)", tc.rule, d.Effect, tc.want, d.Explain())
		}
		if tc.failure != "" && (len(d.Failed) != 1 || d.Failed[0].String() != tc.failure) {
			t.Errorf("%s: failures %v, want %q", tc.rule, d.Failed, tc.failure)
		}
	}
}

func TestTrustPolicy(t *testing.T) {
	// id_roles_create_for-idp_oidc: the GitHub Actions trust policy.
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
		"Principal":{"Federated":"` + githubOIDC + `"},
		"Action":"sts:AssumeRoleWithWebIdentity",
		"Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},
		"StringLike":{"token.actions.githubusercontent.com:sub":"repo:octo-org/octo-repo:*"}}}]}`
	p := Named{Name: "trust", Policy: mustParse(t, KindTrust, trust)}
	ctx := func(sub string) *Context {
		c := NewContext()
		c.Set("token.actions.githubusercontent.com:aud", "sts.amazonaws.com")
		c.Set("token.actions.githubusercontent.com:sub", sub)
		return c
	}
	const action = "sts:AssumeRoleWithWebIdentity"
	tests := []struct {
		rule   string
		policy Named
		req    Request
		want   Outcome
	}{
		{"id_roles_create_for-idp_oidc: matching provider and claims", p, Request{Action: action, Principal: FederatedPrincipal(githubOIDC), Context: ctx("repo:octo-org/octo-repo:ref:refs/heads/main")}, Allowed},
		{"id_roles_create_for-idp_oidc: other repository", p, Request{Action: action, Principal: FederatedPrincipal(githubOIDC), Context: ctx("repo:octo-org/other:ref:refs/heads/main")}, ImplicitDeny},
		{"reference_policies_elements_principal: other provider", p, Request{Action: action, Principal: FederatedPrincipal("arn:aws:iam::123456789012:oidc-provider/gitlab.com"), Context: ctx("repo:octo-org/octo-repo:x")}, ImplicitDeny},
		{"reference_policies_elements_principal: other action", p, Request{Action: "sts:AssumeRole", Principal: FederatedPrincipal(githubOIDC), Context: ctx("repo:octo-org/octo-repo:x")}, ImplicitDeny},
		{"reference_policies_elements_principal: AWS * does not name federated principals",
			Named{"t", mustParse(t, KindTrust, `{"Statement":{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRoleWithWebIdentity"}}`)},
			Request{Action: action, Principal: FederatedPrincipal(githubOIDC)}, ImplicitDeny},
		{"reference_policies_elements_principal: Principal * names everyone",
			Named{"t", mustParse(t, KindTrust, `{"Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRoleWithWebIdentity"}}`)},
			Request{Action: action, Principal: FederatedPrincipal(githubOIDC)}, Allowed},
		{"id_roles_providers_oidc: built-in provider names",
			Named{"t", mustParse(t, KindTrust, `{"Statement":{"Effect":"Allow","Principal":{"Federated":"accounts.google.com"},"Action":"sts:AssumeRoleWithWebIdentity"}}`)},
			Request{Action: action, Principal: FederatedPrincipal("accounts.google.com")}, Allowed},
		{"reference_policies_evaluationlogic: deny in the trust policy",
			Named{"t", mustParse(t, KindTrust, `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:*"},{"Effect":"Deny","Principal":"*","Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringNotEquals":{"aws:RequestedRegion":"eu-west-1"}}}]}`)},
			Request{Action: action, Principal: FederatedPrincipal(githubOIDC)}, ExplicitDeny},
		{"reference_policies_elements_principal: role session via role ARN",
			Named{"t", mustParse(t, KindTrust, `{"Statement":{"Effect":"Allow","Principal":{"AWS":"`+roleARN+`"},"Action":"sts:AssumeRole"}}`)},
			Request{Action: "sts:AssumeRole", Principal: AWSPrincipal(sessionARN, roleARN)}, Allowed},
		{"reference_policies_elements_principal: service principal",
			Named{"t", mustParse(t, KindTrust, `{"Statement":{"Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com"]},"Action":"sts:AssumeRole"}}`)},
			Request{Action: "sts:AssumeRole", Principal: ServicePrincipal("ec2.amazonaws.com")}, Allowed},
	}
	for _, tc := range tests {
		if d := EvaluateTrust(tc.req, tc.policy); d.Effect != tc.want {
			t.Errorf("%s: %s, want %s (%s)", tc.rule, d.Effect, tc.want, d.Explain())
		}
	}
	d0 := EvaluateTrust(Request{Action: "sts:AssumeRole", Principal: AWSPrincipal("arn:aws:sts::123456789012:assumed-role/app/s", "")},
		Named{"t", mustParse(t, KindTrust, `{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/app"},"Action":"sts:AssumeRole"}}`)})
	if d0.Effect != Allowed {
		t.Errorf("role ARN derived from the session ARN: %s", d0.Explain())
	}
	acctTrust := Named{"t", mustParse(t, KindTrust, `{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}}`)}
	d := EvaluateTrust(Request{Action: "sts:AssumeRole", Principal: AWSPrincipal(userARN, "")}, acctTrust)
	if d.Effect != Allowed || !d.AccountPrincipalOnly {
		t.Errorf("account trust: %s, AccountPrincipalOnly=%v", d.Effect, d.AccountPrincipalOnly)
	}
	d = EvaluateTrust(Request{Action: "sts:AssumeRole", Principal: AWSPrincipal("arn:aws:iam::999999999999:user/x", "")}, acctTrust)
	if d.Effect != ImplicitDeny {
		t.Errorf("other account trusted: %s", d.Explain())
	}
	// "arn:root" ends in ":root" but is no ARN: it names nobody (the
	// root-account check once sliced it out of range and panicked).
	short := Named{"t", mustParse(t, KindTrust, `{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:root"},"Action":"sts:AssumeRole"}}`)}
	if d := EvaluateTrust(Request{Action: "sts:AssumeRole", Principal: AWSPrincipal(userARN, "")}, short); d.Effect != ImplicitDeny {
		t.Errorf(`principal "arn:root": %s`, d.Explain())
	}
}

func TestContextAPI(t *testing.T) {
	c := NewContext()
	c.Set("aws:SourceIp", "10.0.0.1")
	c.Set("aws:TagKeys", "a", "b")
	c.SetList("aws:PrincipalServiceNamesList", "x")
	if v, multi, ok := c.Get("AWS:SOURCEIP"); !ok || multi || len(v) != 1 || v[0] != "10.0.0.1" {
		t.Errorf("single: %v %v %v", v, multi, ok)
	}
	if _, multi, _ := c.Get("aws:tagkeys"); !multi {
		t.Error("two values must be multivalued")
	}
	if _, multi, _ := c.Get("aws:PrincipalServiceNamesList"); !multi {
		t.Error("SetList must be multivalued")
	}
	c.Delete("aws:sourceip")
	if _, _, ok := c.Get("aws:SourceIp"); ok || c.Len() != 2 {
		t.Error("delete")
	}
	keys := strings.Join(sortedKeys(c), ",")
	if keys != "aws:PrincipalServiceNamesList,aws:TagKeys" {
		t.Errorf("keys = %s", keys)
	}
}

func sortedKeys(c *Context) []string {
	k := c.Keys()
	for i := range k {
		for j := i + 1; j < len(k); j++ {
			if k[j] < k[i] {
				k[i], k[j] = k[j], k[i]
			}
		}
	}
	return k
}
