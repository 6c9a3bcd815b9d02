package bootstrap

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/stsd/stsd/internal/iam"
)

// editedExample is testdata/example.yaml with every kind of change: a
// provider added, one changed and one dropped; a policy document changed
// and a policy dropped; a role changed, one renamed (dropped and added).
func editedExample(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile("testdata/example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := string(src)
	cut := func(from, to string) {
		i, j := strings.Index(s, from), strings.Index(s, to)
		if i < 0 || j < i {
			t.Fatalf("cannot cut %q..%q", from, to)
		}
		s = s[:i] + s[j:]
	}
	replace := func(old, new string) {
		if !strings.Contains(s, old) {
			t.Fatalf("%q not in the example", old)
		}
		s = strings.Replace(s, old, new, 1)
	}
	cut("  # A Kubernetes cluster", "  # Keycloak")
	replace("client_ids: [stsd, ci-runner]", "client_ids: [stsd]")
	replace("managed_policies:\n", "  - url: https://gitlab.example.com\n    client_ids: [stsd]\n\nmanaged_policies:\n")
	replace("s3:GetObject, s3:ListBucket", "s3:GetObject")
	cut("  - name: Boundary", "roles:")
	replace("max_session_duration: 7200", "max_session_duration: 3600")
	replace("    permissions_boundary: Boundary\n", "")
	replace("- name: pod-reader", "- name: app-deployer")
	return s
}

const wantEditedPlan = `~ oidc-provider https://sso.example.com/realms/ci: client_ids: [stsd, ci-runner] → [stsd]
+ oidc-provider https://gitlab.example.com (arn:aws:iam::000000000000:oidc-provider/gitlab.example.com)
~ policy ArtifactsRead: document: changed (164 → 148 bytes)
    …
            "Effect": "Allow",
            "Action": [
    -         "s3:GetObject",
    -         "s3:ListBucket"
    +         "s3:GetObject"
            ],
            "Resource": [
    …
    the document becomes version v2, the default
~ role gha-deploy: max_session_duration: 7200 → 3600
~ role gha-deploy: permissions_boundary: arn:aws:iam::000000000000:policy/Boundary → (none)
+ role app-deployer (arn:aws:iam::000000000000:role/app-deployer)
- role pod-reader (arn:aws:iam::000000000000:role/pod-reader)
- policy Boundary (arn:aws:iam::000000000000:policy/Boundary)
- oidc-provider https://kubernetes.default.svc (arn:aws:iam::000000000000:oidc-provider/kubernetes.default.svc)

Plan: 2 to create, 3 to update, 3 to delete.
`

// A plan shows every kind of change, in the order Apply works; applying it
// makes the store match the file, so planning again shows no change.
func TestPlanShowsAndAppliesEveryChange(t *testing.T) {
	ctx := context.Background()
	repo, st := applyExample(t)
	f := parse(t, editedExample(t))
	rev := storeRevision(t, st)
	plan := makePlan(t, repo, f)
	if got := plan.String(); got != wantEditedPlan {
		t.Fatalf("plan:\n%s\nwant:\n%s", got, wantEditedPlan)
	}
	if storeRevision(t, st) != rev {
		t.Fatal("MakePlan wrote")
	}
	role, _ := repo.GetRole(ctx, account, "gha-deploy")
	changes, err := plan.Apply(ctx, repo)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := actions(changes), `updated arn:aws:iam::000000000000:oidc-provider/sso.example.com/realms/ci
created arn:aws:iam::000000000000:oidc-provider/gitlab.example.com
updated arn:aws:iam::000000000000:policy/ci/ArtifactsRead
updated arn:aws:iam::000000000000:role/ci/gha-deploy
created arn:aws:iam::000000000000:role/app-deployer
deleted arn:aws:iam::000000000000:role/pod-reader
deleted arn:aws:iam::000000000000:policy/Boundary
deleted arn:aws:iam::000000000000:oidc-provider/kubernetes.default.svc
`; got != want {
		t.Fatalf("changes:\n%s", got)
	}
	if again := makePlan(t, repo, f); !again.Empty() {
		t.Fatalf("plan after apply:\n%s", again)
	}
	// Updates keep the role's identity.
	role2, err := repo.GetRole(ctx, account, "gha-deploy")
	if err != nil || role2.RoleID != role.RoleID || !role2.CreateDate.Equal(role.CreateDate) {
		t.Fatalf("role after apply: %+v %v (was %+v)", role2, err, role)
	}
	// The export of the result plans no change either.
	if p := makePlan(t, repo, parse(t, exportText(t, repo))); !p.Empty() {
		t.Fatalf("plan of the export:\n%s", p)
	}
}

const trustDoc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"x"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`

func policyDoc(action string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"` + action + `","Resource":"*"}]}`
}

// Deleting follows IAM's order: a role's policies go before the role, a
// role before the policies it used, a policy's other versions before the
// policy; users and their access keys are untouched.
func TestPlanDeletesInOrder(t *testing.T) {
	ctx := context.Background()
	repo, _ := newRepo(t)
	a, err := repo.CreatePolicy(ctx, iam.ManagedPolicy{Account: account, Name: "A"}, policyDoc("s3:A"))
	if err != nil {
		t.Fatal(err)
	}
	for _, action := range []string{"s3:A2", "s3:A3"} {
		if _, err := repo.UpdatePolicy(ctx, a.ARN(), func(p *iam.ManagedPolicy) error {
			_, err := p.AddVersion(policyDoc(action), false, repo.Now())
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	b, err := repo.CreatePolicy(ctx, iam.ManagedPolicy{Account: account, Name: "B", Path: "/b/"}, policyDoc("s3:B"))
	if err != nil {
		t.Fatal(err)
	}
	kept, err := repo.CreatePolicy(ctx, iam.ManagedPolicy{Account: account, Name: "Kept"}, policyDoc("s3:K"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := repo.CreateRole(ctx, iam.Role{Account: account, Name: "gone", AssumeRolePolicyDocument: trustDoc,
		InlinePolicies:    map[string]string{"inline": policyDoc("s3:I")},
		ManagedPolicyARNs: []string{a.ARN(), kept.ARN()}, PermissionsBoundaryARN: b.ARN()}); err != nil {
		t.Fatal(err)
	}
	if _, err := repo.CreateRole(ctx, iam.Role{Account: account, Name: "stays", AssumeRolePolicyDocument: trustDoc,
		ManagedPolicyARNs: []string{b.ARN()}}); err != nil {
		t.Fatal(err)
	}
	if _, err := repo.CreateProvider(ctx, iam.OIDCProvider{Account: account, URL: "https://idp.example.com"}); err != nil {
		t.Fatal(err)
	}
	if _, err := repo.CreateUser(ctx, iam.User{Account: account, Name: "operator", ManagedPolicyARNs: []string{kept.ARN()}}); err != nil {
		t.Fatal(err)
	}
	if _, err := repo.CreateAccessKey(ctx, iam.AccessKey{Account: account, UserName: "operator", AccessKeyID: "AKIAEXAMPLEEXAMPLE01", Status: iam.AccessKeyActive, WrappedSecret: []byte("w")}); err != nil {
		t.Fatal(err)
	}

	f := parse(t, `managed_policies:
  - name: Kept
    document: '`+policyDoc("s3:K")+`'
roles:
  - name: stays
    trust_policy: '`+trustDoc+`'
`)
	plan := makePlan(t, repo, f)
	want := `~ role stays: managed_policies: [arn:aws:iam::000000000000:policy/b/B] → []
- role gone (arn:aws:iam::000000000000:role/gone)
    deletes inline policy inline first
    detaches arn:aws:iam::000000000000:policy/A first
    detaches arn:aws:iam::000000000000:policy/Kept first
- policy A (arn:aws:iam::000000000000:policy/A)
    deletes non-default versions v2, v3 first
- policy B (arn:aws:iam::000000000000:policy/b/B)
- oidc-provider https://idp.example.com (arn:aws:iam::000000000000:oidc-provider/idp.example.com)

Plan: 0 to create, 1 to update, 4 to delete.
`
	if got := plan.String(); got != want {
		t.Fatalf("plan:\n%s\nwant:\n%s", got, want)
	}
	if _, err := plan.Apply(ctx, repo); err != nil {
		t.Fatal(err)
	}
	if again := makePlan(t, repo, f); !again.Empty() {
		t.Fatalf("plan after apply:\n%s", again)
	}
	if u, err := repo.GetUser(ctx, account, "operator"); err != nil || len(u.ManagedPolicyARNs) != 1 {
		t.Fatalf("user after apply: %+v %v", u, err)
	}
	if k, err := repo.ListAccessKeys(ctx, account, "operator"); err != nil || len(k) != 1 {
		t.Fatalf("access keys after apply: %v %v", k, err)
	}
	roles, _ := repo.ListRoles(ctx, account)
	policies, _ := repo.ListPolicies(ctx, account)
	providers, _ := repo.ListProviders(ctx, account)
	if len(roles) != 1 || len(policies) != 1 || len(providers) != 0 {
		t.Fatalf("after apply: %d roles, %d policies, %d providers", len(roles), len(policies), len(providers))
	}
}

// A plan refuses, before anything is written, what IAM cannot do.
func TestPlanRefuses(t *testing.T) {
	ctx := context.Background()
	repo, _ := newRepo(t)
	p, err := repo.CreatePolicy(ctx, iam.ManagedPolicy{Account: account, Name: "UsedByUser", Path: "/u/"}, policyDoc("s3:U"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := repo.CreateUser(ctx, iam.User{Account: account, Name: "operator", PermissionsBoundaryARN: p.ARN()}); err != nil {
		t.Fatal(err)
	}
	if _, err := repo.CreateRole(ctx, iam.Role{Account: account, Name: "App", Path: "/old/", AssumeRolePolicyDocument: trustDoc}); err != nil {
		t.Fatal(err)
	}
	keepPolicy := "managed_policies:\n  - name: UsedByUser\n    path: /u/\n    document: '" + policyDoc("s3:U") + "'\n"
	keepRole := "roles:\n  - name: App\n    path: /old/\n    trust_policy: '" + trustDoc + "'\n"
	for _, tc := range []struct{ name, src, want string }{
		{"policy used by a user", keepRole,
			"bootstrap: plan: managed policy arn:aws:iam::000000000000:policy/u/UsedByUser: the file does not list it, so it would be deleted, but user operator uses it (users are not managed by the file); add it to managed_policies or detach it from the user"},
		{"policy used by a role of the file", "roles:\n  - name: App\n    path: /old/\n    trust_policy: '" + trustDoc + "'\n    managed_policies: [arn:aws:iam::000000000000:policy/u/UsedByUser]\n",
			"bootstrap: plan: managed policy arn:aws:iam::000000000000:policy/u/UsedByUser: the file does not list it, so it would be deleted, but role App of the file uses it; add it to managed_policies or stop using it"},
		{"role path", keepPolicy + "roles:\n  - name: App\n    trust_policy: '" + trustDoc + "'\n",
			"bootstrap: plan: role App: the store holds it as arn:aws:iam::000000000000:role/old/App; a role's name and path cannot change"},
		{"role name case", keepPolicy + "roles:\n  - name: app\n    path: /old/\n    trust_policy: '" + trustDoc + "'\n",
			"bootstrap: plan: role app: the store holds it as arn:aws:iam::000000000000:role/old/App; a role's name and path cannot change"},
		{"policy path", keepRole + "managed_policies:\n  - name: UsedByUser\n    document: '" + policyDoc("s3:U") + "'\n",
			"bootstrap: plan: managed policy UsedByUser: the store holds it as arn:aws:iam::000000000000:policy/u/UsedByUser; a managed policy's name and path cannot change"},
	} {
		_, err := MakePlan(ctx, repo, account, parse(t, tc.src))
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: MakePlan = %v\nwant %s", tc.name, err, tc.want)
		}
	}
}

// A policy at five versions loses its oldest non-default version when
// its document changes, and the plan says so.
func TestPlanPolicyVersionLimit(t *testing.T) {
	ctx := context.Background()
	repo, _ := newRepo(t)
	p, err := repo.CreatePolicy(ctx, iam.ManagedPolicy{Account: account, Name: "P"}, policyDoc("s3:V1"))
	if err != nil {
		t.Fatal(err)
	}
	for i := 2; i <= 5; i++ {
		if _, err := repo.UpdatePolicy(ctx, p.ARN(), func(x *iam.ManagedPolicy) error {
			_, err := x.AddVersion(policyDoc("s3:V"+string(rune('0'+i))), i == 3, repo.Now())
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	plan := makePlan(t, repo, parse(t, "managed_policies:\n  - name: P\n    document: '"+policyDoc("s3:New")+"'\n"))
	if got := plan.String(); !strings.Contains(got, "    the document becomes version v6, the default; version v1 is deleted (a policy keeps at most 5 versions)\n") {
		t.Fatalf("plan:\n%s", got)
	}
	if _, err := plan.Apply(ctx, repo); err != nil {
		t.Fatal(err)
	}
	after, _ := repo.GetPolicy(ctx, p.ARN())
	if len(after.Versions) != 5 || after.DefaultVersionID != "v6" || after.Versions[0].VersionID != "v2" {
		t.Fatalf("versions %+v, default %s", after.Versions, after.DefaultVersionID)
	}
}

// An entity changed, created or deleted by someone else between plan and
// apply stops Apply with ErrStale; the other writer's change is kept.
func TestPlanApplyConflicts(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		other func(t *testing.T, repo *iam.Repo)
		want  string
	}{
		{"role updated", func(t *testing.T, repo *iam.Repo) {
			if _, err := repo.UpdateRole(ctx, account, "gha-deploy", func(r *iam.Role) error { r.Description = "changed by the API"; return nil }); err != nil {
				t.Fatal(err)
			}
		}, "bootstrap: apply: role gha-deploy: the store changed after the plan was made; plan again"},
		{"role created", func(t *testing.T, repo *iam.Repo) {
			if _, err := repo.CreateRole(ctx, iam.Role{Account: account, Name: "App-Deployer", AssumeRolePolicyDocument: trustDoc}); err != nil {
				t.Fatal(err)
			}
		}, "bootstrap: apply: role app-deployer: the store changed after the plan was made; plan again"},
		{"role to delete updated", func(t *testing.T, repo *iam.Repo) {
			if _, err := repo.UpdateRole(ctx, account, "pod-reader", func(r *iam.Role) error { r.MaxSessionDuration = 7200; return nil }); err != nil {
				t.Fatal(err)
			}
		}, "bootstrap: apply: role pod-reader: the store changed after the plan was made; plan again"},
		{"policy to delete attached", func(t *testing.T, repo *iam.Repo) {
			if _, err := repo.CreateUser(ctx, iam.User{Account: account, Name: "u", ManagedPolicyARNs: []string{"arn:aws:iam::000000000000:policy/Boundary"}}); err != nil {
				t.Fatal(err)
			}
		}, "bootstrap: apply: policy Boundary: the store changed after the plan was made; plan again (user u now uses the policy)"},
		{"provider to delete deleted", func(t *testing.T, repo *iam.Repo) {
			if err := repo.DeleteProvider(ctx, "arn:aws:iam::000000000000:oidc-provider/kubernetes.default.svc"); err != nil {
				t.Fatal(err)
			}
		}, "bootstrap: apply: oidc-provider https://kubernetes.default.svc: the store changed after the plan was made; plan again"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			repo, _ := applyExample(t)
			f := parse(t, editedExample(t))
			plan := makePlan(t, repo, f)
			tc.other(t, repo)
			_, err := plan.Apply(ctx, repo)
			if !errors.Is(err, ErrStale) || err.Error() != tc.want {
				t.Fatalf("Apply = %v\nwant %s", err, tc.want)
			}
			// Planning again shows the other writer's change as one to undo.
			if tc.name == "role updated" {
				again := makePlan(t, repo, f)
				if !strings.Contains(again.String(), `~ role gha-deploy: description: "changed by the API" → "Deploys from the main branch of example-org/app"`) {
					t.Fatalf("re-plan:\n%s", again)
				}
			}
		})
	}
}

// The renderings of field changes, one line each (documents followed by
// their diff).
func TestRenderFieldChanges(t *testing.T) {
	big := func(n int) string {
		var b strings.Builder
		b.WriteString(`{"Statement":[`)
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(`"s` + string(rune('a'+i%26)) + `"`)
		}
		b.WriteString("]}")
		return b.String()
	}
	for _, tc := range []struct {
		name     string
		old, new any
		want     string
	}{
		{"max_session_duration", 3600, 7200, "~ role r: max_session_duration: 3600 → 7200\n"},
		{"description", "", "CI role", `~ role r: description: (none) → "CI role"` + "\n"},
		{"description", "a\nb", "", `~ role r: description: "a\nb" → (none)` + "\n"},
		{"permissions_boundary", "arn:aws:iam::000000000000:policy/B", "", "~ role r: permissions_boundary: arn:aws:iam::000000000000:policy/B → (none)\n"},
		{"client_ids", []string{"a", "b c"}, []string{}, `~ role r: client_ids: [a, "b c"] → []` + "\n"},
		{"tags", []iam.Tag{{Key: "team", Value: "x"}}, []iam.Tag{{Key: "team", Value: ""}, {Key: "cost center", Value: "42"}},
			`~ role r: tags: {team: x} → {team: "", "cost center": 42}` + "\n"},
		{"trust_policy", `{"a":1,"b":[1,2]}`, `{"a":1,"b":[1,3]}`,
			"~ role r: trust_policy: changed (17 → 17 bytes)\n" +
				"    …\n        \"b\": [\n          1,\n    -     2\n    +     3\n        ]\n      }\n"},
		{"trust_policy", `{"a":1}`, "{\n  \"a\": 1\n}\n", "~ role r: trust_policy: formatting changed (7 → 13 bytes)\n"},
		{"inline_policies.p", "", `{"a":1}`, "~ role r: inline_policies.p: added (7 bytes)\n    + {\n    +   \"a\": 1\n    + }\n"},
		{"inline_policies.p", `{"a":1}`, "", "~ role r: inline_policies.p: removed (7 bytes)\n"},
		{"static_jwks", "not json", "not json either", "~ role r: static_jwks: changed (8 → 15 bytes)\n    - not json\n    + not json either\n"},
		{"static_jwks", big(100), big(101), "~ role r: static_jwks: changed (515 → 520 bytes)\n" +
			"    …\n          \"st\",\n          \"su\",\n    -     \"sv\"\n    +     \"sv\",\n    +     \"sw\"\n        ]\n      }\n"},
	} {
		var fc fields
		switch o := tc.old.(type) {
		case int:
			fc.num(tc.name, o, tc.new.(int))
		case []string:
			fc.list(tc.name, o, tc.new.([]string))
		case []iam.Tag:
			fc.tags(tc.name, o, tc.new.([]iam.Tag))
		case string:
			if strings.Contains(tc.name, "polic") || tc.name == "static_jwks" {
				fc.doc(tc.name, o, tc.new.(string))
			} else {
				fc.str(tc.name, o, tc.new.(string))
			}
		}
		p := &Plan{Steps: []Step{{Op: OpUpdate, Kind: KindRole, Name: "r", Fields: fc}}}
		got := strings.TrimSuffix(p.String(), "\nPlan: 0 to create, 1 to update, 0 to delete.\n")
		if got != tc.want {
			t.Errorf("%s %v → %v:\n%s\nwant:\n%s", tc.name, tc.old, tc.new, got, tc.want)
		}
	}
}

// Long document diffs are cut.
func TestDocumentDiffBounds(t *testing.T) {
	var a, b strings.Builder
	a.WriteString(`{"x":[`)
	b.WriteString(`{"x":[`)
	for i := range 200 {
		if i > 0 {
			a.WriteByte(',')
			b.WriteByte(',')
		}
		a.WriteString(`"a` + string(rune('0'+i%10)) + `"`)
		b.WriteString(`"b` + string(rune('0'+i%10)) + `"`)
	}
	a.WriteString("]}")
	b.WriteString("]}")
	d := documentDiff(a.String(), b.String())
	if len(d) != diffMaxLines+1 || d[len(d)-1] != "… (344 more lines)" {
		t.Fatalf("%d lines, last %q", len(d), d[len(d)-1])
	}
	if d := documentDiff(`{"a":1}`, `{ "a" : 1 }`); d != nil {
		t.Fatalf("formatting-only diff = %q", d)
	}
}
