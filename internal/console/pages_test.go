package console_test

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// hostile is text that must always be shown as text.
const hostile = `<script>alert("x")</script>`

// seed creates a provider, a role, a policy with two versions and a user,
// each carrying hostile text where IAM allows it.
func seed(t *testing.T, n *node) {
	t.Helper()
	ctx := context.Background()
	c := n.iamClient()
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + n.ProviderARN + `"},` +
		`"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"` + n.HostPath() + `:sub":"</pre><script>alert(1)</script>"}}}]}`
	if _, err := c.CreateRole(ctx, &iamsdk.CreateRoleInput{RoleName: aws.String("deploy"), AssumeRolePolicyDocument: aws.String(trust),
		Description: aws.String(hostile), Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("a=b+c")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreatePolicy(ctx, &iamsdk.CreatePolicyInput{PolicyName: aws.String("readers"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreatePolicyVersion(ctx, &iamsdk.CreatePolicyVersionInput{PolicyArn: aws.String(policyARN(n, "readers")), SetAsDefault: true,
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddClientIDToOpenIDConnectProvider(ctx, &iamsdk.AddClientIDToOpenIDConnectProviderInput{
		OpenIDConnectProviderArn: aws.String(n.ProviderARN), ClientID: aws.String(hostile)}); err != nil {
		t.Fatal(err)
	}
}

func policyARN(n *node, name string) string { return "arn:aws:iam::" + n.Account + ":policy/" + name }

// The pages of the seeded node, each with a text it must show.
func readPages(n *node) map[string]string {
	return map[string]string{
		"/console/":          "Key sets",
		"/console/providers": n.IdP.Issuer(),
		"/console/provider?arn=" + url.QueryEscape(n.ProviderARN): "Audiences and thumbprints",
		"/console/roles":            "deploy",
		"/console/role?name=deploy": "Trust policy",
		"/console/policies":         "readers",
		"/console/policy?arn=" + url.QueryEscape(policyARN(n, "readers")) + "&from=v1&to=v2": "s3:ListBucket",
		"/console/users":            "reader",
		"/console/user?name=reader": "Access keys",
		"/console/activity":         "Activity",
		"/console/playground":       "Token playground",
		"/console/simulator":        "Policy simulator",
	}
}

func TestHostileTextIsEscaped(t *testing.T) {
	n := start(t)
	seed(t, n)
	n.user("reader", []string{iamReadOnly}, map[string]string{"audit": lookupEventsPolicy})
	b := n.root()
	for path, want := range readPages(n) {
		p := b.get(path)
		if p.status != http.StatusOK {
			t.Fatalf("%s: %d\n%s", path, p.status, p.body)
		}
		mustContain(t, p, want)
		if strings.Contains(p.body, "<script>alert") || strings.Contains(p.body, "</pre><script>") {
			t.Fatalf("%s renders hostile text as markup:\n%s", path, p.body)
		}
	}
	mustContain(t, b.get("/console/role?name=deploy"), "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;")
	p := b.get("/console/")
	for _, h := range []string{"Content-Security-Policy", "X-Frame-Options"} {
		if p.header.Get(h) == "" {
			t.Errorf("no %s header", h)
		}
	}
	if p.header.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control %q", p.header.Get("Cache-Control"))
	}
}

// A user with IAMReadOnlyAccess (and cloudtrail:LookupEvents) sees every
// page and can change nothing; each refused change is IAM's AccessDenied,
// audited like the API call.
func TestReadOnlyUserSeesEverythingChangesNothing(t *testing.T) {
	n := start(t)
	seed(t, n)
	id, secret := n.user("reader", []string{iamReadOnly}, map[string]string{"audit": lookupEventsPolicy})
	b := n.browser()
	b.signIn(id, secret)
	for path, want := range readPages(n) {
		p := b.get(path)
		if p.status != http.StatusOK {
			t.Fatalf("%s: %d\n%s", path, p.status, p.body)
		}
		mustContain(t, p, want)
	}
	// No edit form is offered...
	for _, path := range []string{"/console/role?name=deploy", "/console/provider?arn=" + url.QueryEscape(n.ProviderARN), "/console/user?name=reader"} {
		p := b.get(path)
		for _, form := range []string{`id="trust-form"`, `id="provider-form"`, `id="key-form"`, `id="inline-form"`} {
			mustNotContain(t, p.body, form)
		}
	}
	// ...and a change sent anyway is refused by the engine and audited.
	changes := []struct {
		path   string
		form   url.Values
		action string
	}{
		{"/console/roles", url.Values{"name": {"intruder"}, "document": {`{"Version":"2012-10-17","Statement":[]}`}}, "iam:CreateRole"},
		{"/console/role/trust", url.Values{"name": {"deploy"}, "document": {`{"Version":"2012-10-17","Statement":[]}`}}, "iam:UpdateAssumeRolePolicy"},
		{"/console/providers", url.Values{"url": {"https://issuer.example.com"}, "client_ids": {"x"}}, "iam:CreateOpenIDConnectProvider"},
		{"/console/provider", url.Values{"arn": {n.ProviderARN}, "client_ids": {"only-this"}}, "iam:AddClientIDToOpenIDConnectProvider"},
		{"/console/policy/version", url.Values{"arn": {policyARN(n, "readers")}, "document": {`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`}}, "iam:CreatePolicyVersion"},
		{"/console/user/keys", url.Values{"name": {"reader"}}, "iam:CreateAccessKey"},
	}
	for _, c := range changes {
		p := b.post(c.path, c.form)
		if p.status != http.StatusForbidden {
			t.Fatalf("%s: status %d", c.path, p.status)
		}
		mustContain(t, p, "AccessDenied: User: arn:aws:iam::"+n.Account+":user/reader is not authorized to perform: "+c.action)
	}
	n.WaitCount("CreateAccessKey", 2) // the seeded user's key, and the refused one
	if _, ok := n.App.Cache.Current().RoleByName(n.Account, "intruder"); ok {
		t.Fatal("the read-only user created a role")
	}
	var refused int
	for _, line := range strings.Split(n.Audit.String(), "\n") {
		if strings.Contains(line, `"userAgent":"stsd-console"`) && strings.Contains(line, `"errorCode":"AccessDenied"`) {
			refused++
		}
	}
	if refused != len(changes) {
		t.Fatalf("%d refused console calls audited, want %d:\n%s", refused, len(changes), n.Audit.String())
	}
}

// A user without permissions sees no page: each is the engine's denial
// for the action the API would need.
func TestPagesAreAuthorizedByTheEngine(t *testing.T) {
	n := start(t)
	seed(t, n)
	id, secret := n.user("nobody", nil, nil)
	b := n.browser()
	b.signIn(id, secret)
	for path, action := range map[string]string{
		"/console/providers": "iam:ListOpenIDConnectProviders",
		"/console/provider?arn=" + url.QueryEscape(n.ProviderARN): "iam:GetOpenIDConnectProvider",
		"/console/roles":            "iam:ListRoles",
		"/console/role?name=deploy": "iam:GetRole",
		"/console/policies":         "iam:ListPolicies",
		"/console/policy?arn=" + url.QueryEscape(policyARN(n, "readers")): "iam:GetPolicy",
		"/console/users":               "iam:ListUsers",
		"/console/user?name=nobody":    "iam:GetUser",
		"/console/activity":            "cloudtrail:LookupEvents",
		"/console/activity/event?id=x": "cloudtrail:LookupEvents",
	} {
		p := b.get(path)
		if p.status != http.StatusForbidden {
			t.Fatalf("%s: status %d", path, p.status)
		}
		mustContain(t, p, "is not authorized to perform: "+action)
	}
	// The overview hides what the caller may not see, section by section.
	p := b.get("/console/")
	mustContain(t, p, "not authorized: cloudtrail:LookupEvents", "not authorized: iam:ListOpenIDConnectProviders")
	if p := b.get("/console/activity/events"); p.status != http.StatusForbidden {
		t.Fatalf("event stream: %d", p.status)
	}
}

func TestChangesNeedTheCSRFTokenAndOrigin(t *testing.T) {
	n := start(t)
	b := n.root()
	form := url.Values{"name": {"r1"}, "document": {`{}`}}
	for _, c := range []struct {
		name string
		mod  func(*http.Request)
		csrf string
	}{
		{"no token", nil, ""},
		{"wrong token", nil, "x" + b.csrf},
		{"other origin", func(r *http.Request) { r.Header.Set("Origin", "https://evil.example") }, b.csrf},
	} {
		f := url.Values{}
		for k, v := range form {
			f[k] = v
		}
		f.Set("csrf", c.csrf)
		req, _ := http.NewRequest(http.MethodPost, n.URL+"/console/roles", strings.NewReader(f.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if c.mod != nil {
			c.mod(req)
		}
		p := b.do(req)
		if p.status != http.StatusForbidden || !strings.Contains(p.body, "CSRF") {
			t.Fatalf("%s: status %d", c.name, p.status)
		}
	}
	if n.Count("CreateRole") != 0 {
		t.Fatal("a change without a valid CSRF token reached IAM")
	}
	// The validation endpoint takes the token as a header.
	req, _ := http.NewRequest(http.MethodPost, n.URL+"/console/api/validate", strings.NewReader(`{"document":"{}"}`))
	if p := b.do(req); p.status != http.StatusForbidden {
		t.Fatalf("validate without token: %d", p.status)
	}
}

func TestCreateProviderAndRoleAreAuditedLikeTheAPI(t *testing.T) {
	n := start(t)
	b := n.root()
	p := b.post("/console/providers", url.Values{"url": {"https://issuer.example.com/tenant"}, "client_ids": {"app-1\napp-2"},
		"thumbprints": {"9e99a48a9960b14926bb7f3b02e22da2b0ab7280"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("create provider: %d\n%s", p.status, p.body)
	}
	arn := "arn:aws:iam::" + n.Account + ":oidc-provider/issuer.example.com/tenant"
	mustContain(t, b.get(p.location), "app-2", "9e99a48a9960b14926bb7f3b02e22da2b0ab7280")
	// Edit: drop app-1, add app-3, clear the thumbprints.
	p = b.post("/console/provider", url.Values{"arn": {arn}, "client_ids": {"app-2\napp-3"}, "thumbprints": {""}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("update provider: %d\n%s", p.status, p.body)
	}
	v, _ := n.App.Cache.Current().ProviderByARN(arn)
	if got := strings.Join(v.Provider.ClientIDs, ","); got != "app-2,app-3" || len(v.Provider.Thumbprints) != 0 {
		t.Fatalf("provider now %q %v", got, v.Provider.Thumbprints)
	}
	// A malformed trust policy is the API's MalformedPolicyDocument, and the form keeps what was typed.
	p = b.post("/console/roles", url.Values{"name": {"ci"}, "document": {`{"Version":"2012-10-17","Statement":[{"Effect":"Allow"}]}`}})
	if p.status != http.StatusBadRequest {
		t.Fatalf("bad trust: %d", p.status)
	}
	mustContain(t, p, "MalformedPolicyDocument", "&#34;Effect&#34;:&#34;Allow&#34;")
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + arn + `"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`
	p = b.post("/console/roles", url.Values{"name": {"ci"}, "path": {"/"}, "max_session_duration": {"7200"}, "document": {trust}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("create role: %d\n%s", p.status, p.body)
	}
	mustContain(t, b.get("/console/role?name=ci"), "7200 s")
	for _, action := range []string{"CreateOpenIDConnectProvider", "AddClientIDToOpenIDConnectProvider",
		"RemoveClientIDFromOpenIDConnectProvider", "UpdateOpenIDConnectProviderThumbprint", "CreateRole"} {
		n.WaitCount(action, 1)
	}
	for _, line := range strings.Split(n.Audit.String(), "\n") {
		if strings.Contains(line, `"eventName":"CreateRole"`) && strings.Contains(line, `"errorCode"`) == false {
			for _, want := range []string{`"userAgent":"stsd-console"`, `"type":"Root"`, `"RoleName":"ci"`} {
				if !strings.Contains(line, want) {
					t.Fatalf("CreateRole event lacks %s: %s", want, line)
				}
			}
		}
	}
}

func TestPolicyVersionsDiffAndEdit(t *testing.T) {
	n := start(t)
	seed(t, n)
	b := n.root()
	arn := url.QueryEscape(policyARN(n, "readers"))
	p := b.get("/console/policy?arn=" + arn + "&from=v1&to=v2")
	mustContain(t, p, `<span class="add">&#43;         &#34;s3:ListBucket&#34;</span>`, `<span class="del">-       &#34;Action&#34;: &#34;s3:GetObject&#34;,</span>`)
	p = b.post("/console/policy/version", url.Values{"arn": {policyARN(n, "readers")},
		"document": {`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("new version: %d\n%s", p.status, p.body)
	}
	mustContain(t, b.get("/console/policy?arn="+arn), "v3</a> (default)", "s3:*")
}

func TestValidationAsYouType(t *testing.T) {
	n := start(t)
	b := n.root()
	validate := func(kind, doc string) map[string]any {
		body, _ := json.Marshal(map[string]string{"kind": kind, "document": doc})
		req, _ := http.NewRequest(http.MethodPost, n.URL+"/console/api/validate", strings.NewReader(string(body)))
		req.Header.Set("X-CSRF-Token", b.csrf)
		p := b.do(req)
		if p.status != http.StatusOK {
			t.Fatalf("validate: %d %s", p.status, p.body)
		}
		var out map[string]any
		if err := json.Unmarshal([]byte(p.body), &out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	if out := validate("identity", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`); out["valid"] != true {
		t.Fatalf("valid policy: %v", out)
	}
	out := validate("identity", "{\"Version\":\"2012-10-17\",\n \"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\"}]}")
	problems := out["problems"].([]any)
	first := problems[0].(map[string]any)
	if out["valid"] != false || first["line"] != float64(2) || !strings.Contains(first["message"].(string), "resources") {
		t.Fatalf("identity policy without Resource: %v", out)
	}
	// A trust policy needs a Principal; an identity policy must not have one.
	if out := validate("trust", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}`); out["valid"] != false {
		t.Fatalf("trust policy without Principal: %v", out)
	}
}

func TestNewAccessKeySecretIsShownOnce(t *testing.T) {
	n := start(t)
	n.user("dev", nil, nil)
	b := n.root()
	p := b.post("/console/user/keys", url.Values{"name": {"dev"}})
	if p.status != http.StatusOK {
		t.Fatalf("create key: %d\n%s", p.status, p.body)
	}
	secret := html.UnescapeString(between(p.body, `<code id="new-key-secret">`, `</code>`))
	keyID := between(p.body, `<code id="new-key-id">`, `</code>`)
	if len(secret) != 40 || !strings.HasPrefix(keyID, "AKIA") {
		t.Fatalf("new key %q %q", keyID, secret)
	}
	if p.header.Get("Cache-Control") != "no-store" {
		t.Fatal("the page with the secret may be cached")
	}
	again := b.get("/console/user?name=dev")
	mustContain(t, again, keyID)
	mustNotContain(t, again.body, secret)
	n.WaitCount("CreateAccessKey", 2)
	mustNotContain(t, n.Audit.String()+n.Logs.String(), secret)
	// The new key signs in.
	u := n.browser()
	u.signIn(keyID, secret)
}

func between(s, a, b string) string {
	_, rest, ok := strings.Cut(s, a)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, b)
	return v
}
