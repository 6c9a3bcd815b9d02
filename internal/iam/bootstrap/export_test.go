package bootstrap

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/store/memstore"
)

// applyExample returns a store holding testdata/example.yaml.
func applyExample(t *testing.T) (*iam.Repo, *memstore.Store) {
	t.Helper()
	repo, st := newRepo(t)
	f, err := Load("testdata/example.yaml", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Apply(context.Background(), repo, account, f); err != nil {
		t.Fatal(err)
	}
	return repo, st
}

// exportText exports the account and encodes it with the export header.
func exportText(t *testing.T, repo *iam.Repo) string {
	t.Helper()
	f, err := Export(context.Background(), repo, account)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := Encode(&b, f, ExportHeader(account)); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func parse(t *testing.T, src string) *File {
	t.Helper()
	f, err := Parse([]byte(src), "test.yaml", t.TempDir(), Options{})
	if err != nil {
		t.Fatalf("%v\n%s", err, src)
	}
	return f
}

func makePlan(t *testing.T, repo *iam.Repo, f *File) *Plan {
	t.Helper()
	p, err := MakePlan(context.Background(), repo, account, f)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// The example file, applied, exported and read back, plans no change;
// applying the plan writes nothing, and exporting again gives the same
// bytes.
func TestExportRoundTrip(t *testing.T) {
	repo, st := applyExample(t)
	text := exportText(t, repo)
	for _, want := range []string{
		"# Users and access keys are not part of this file",
		"\nversion: 1\n\noidc_providers:\n  - url: https://kubernetes.default.svc\n",
		"    path: /ci/\n    description: Read build artifacts\n    document:\n      Version: 2012-10-17\n",
		"    managed_policies:\n      - ArtifactsRead\n      - arn:aws:iam::aws:policy/ReadOnlyAccess\n    permissions_boundary: Boundary\n",
		"    max_session_duration: 7200\n",
		"    tags:\n      team: platform\n      cost-center: \"42\"\n",
		// Written as a JSON string in the file, kept verbatim.
		"  - name: pod-reader\n    trust_policy: |\n      {\n        \"Version\": \"2012-10-17\",\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("export lacks %q:\n%s", want, text)
		}
	}
	plan := makePlan(t, repo, parse(t, text))
	if !plan.Empty() || plan.String() != "No changes.\n" {
		t.Fatalf("plan of the export:\n%s", plan)
	}
	rev := storeRevision(t, st)
	if changes, err := plan.Apply(context.Background(), repo); err != nil || len(changes) != 0 {
		t.Fatalf("Apply(empty plan) = %v, %v", changes, err)
	}
	if storeRevision(t, st) != rev {
		t.Fatal("an empty plan wrote")
	}
	if again := exportText(t, repo); again != text {
		t.Fatalf("export is not deterministic:\n%s\n---\n%s", text, again)
	}

	// The export applied to an empty store recreates the same account.
	repo2, _ := newRepo(t)
	plan2 := makePlan(t, repo2, parse(t, text))
	if c, u, d := plan2.Counts(); c != 7 || u != 0 || d != 0 {
		t.Fatalf("plan into an empty store:\n%s", plan2)
	}
	if _, err := plan2.Apply(context.Background(), repo2); err != nil {
		t.Fatal(err)
	}
	if got := exportText(t, repo2); got != text {
		t.Fatalf("export of the copy differs:\n%s\n---\n%s", text, got)
	}
}

// Documents come out as YAML mappings when the mapping reads back to the
// stored text exactly, and as the JSON string otherwise; either way they
// read back unchanged.
func TestEncodeDocumentForms(t *testing.T) {
	deep := strings.Repeat(`{"a":`, 40) + "1" + strings.Repeat("}", 40)
	for _, tc := range []struct {
		doc     string
		mapping bool
	}{
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`, true},
		{`{"a":"true","b":true,"c":"null","d":null,"e":"","f":"5","g":5,"h":-7,"i":1.5,"j":"2012-10-17T00:00:00Z"}`, true},
		{`{"quo\"te":"x: y","#":"- z","":[],"o":{},"u":"é\u0001"}`, true},
		{`{"Condition":{"StringLike":{"a:sub":["repo:x/*","repo:y/*"]}}}`, true},
		{`{"a":1,"a":2}`, true},
		{"{\n  \"Version\": \"2012-10-17\"\n}", false},          // pretty-printed
		{"{\"Version\": \"2012-10-17\"}", false},                // other spacing
		{"{\"Version\":\"2012-10-17\"}\n", false},               // trailing newline
		{`{"a":1.0}`, false},                                    // 1.0 would come back as 1
		{`{"a":1e3}`, false},                                    // 1e3 would come back as 1000
		{`{"a":"\u00e9"}`, false},                               // an escape would come back as the character
		{`{"<<":{"a":1}}`, false},                               // a merge key
		{`["not","an","object"]`, false},                        // documents are objects
		{"{\"Version\":\"2012-10-17\"}  \n  ", false},           // trailing spaces
		{"{\n\t\"a\": \"tab\"\n}\n", false},                     // tabs
		{deep, false},                                           // deeper than 32 levels
		{`{"Statement":[{"Action":["s3:GetObject"]}]} `, false}, // trailing space
	} {
		n, err := documentNode(tc.doc)
		if err != nil {
			t.Errorf("%q: %v", tc.doc, err)
			continue
		}
		out, err := yaml.Marshal(n)
		if err != nil {
			t.Fatal(err)
		}
		var d Document
		if err := yaml.Unmarshal(out, &d); err != nil || d.JSON != tc.doc {
			t.Errorf("%q encoded as\n%s\nreads back as %q, %v", tc.doc, out, d.JSON, err)
		}
		if isMapping := n.Kind == yaml.MappingNode; isMapping != tc.mapping {
			t.Errorf("%q: mapping = %v, want %v:\n%s", tc.doc, isMapping, tc.mapping, out)
		}
	}
}

// A role attached to a policy of the account by its exact ARN names the
// policy; other ARNs stay ARNs. Users and access keys are not exported.
func TestExportReferencesAndSecrets(t *testing.T) {
	ctx := context.Background()
	repo, _ := newRepo(t)
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"x"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`
	if _, err := repo.CreatePolicy(ctx, iam.ManagedPolicy{Account: account, Name: "Read", Path: "/p/"}, doc); err != nil {
		t.Fatal(err)
	}
	if _, err := repo.CreateRole(ctx, iam.Role{Account: account, Name: "a", AssumeRolePolicyDocument: trust,
		ManagedPolicyARNs:      []string{"arn:aws:iam::000000000000:policy/p/Read", "arn:aws:iam::000000000000:policy/p/READ"},
		PermissionsBoundaryARN: "arn:aws:iam::000000000000:policy/p/Read"}); err != nil {
		t.Fatal(err)
	}
	if _, err := repo.CreateUser(ctx, iam.User{Account: account, Name: "operator", ManagedPolicyARNs: []string{"arn:aws:iam::000000000000:policy/p/Read"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := repo.CreateAccessKey(ctx, iam.AccessKey{Account: account, UserName: "operator", AccessKeyID: "AKIAEXAMPLEEXAMPLE01", Status: iam.AccessKeyActive, WrappedSecret: []byte("wrapped-secret")}); err != nil {
		t.Fatal(err)
	}
	text := exportText(t, repo)
	want := "  - name: a\n" +
		"    trust_policy:\n      Version: 2012-10-17\n      Statement:\n        - Effect: Allow\n          Principal:\n            Federated: x\n          Action: sts:AssumeRoleWithWebIdentity\n" +
		"    managed_policies:\n      - Read\n      - arn:aws:iam::000000000000:policy/p/READ\n" +
		"    permissions_boundary: Read\n"
	if !strings.Contains(text, want) {
		t.Errorf("export:\n%s\nwant role:\n%s", text, want)
	}
	for _, secret := range []string{"operator", "AKIA", "wrapped", "users:"} {
		if strings.Contains(text, secret) {
			t.Errorf("export contains %q:\n%s", secret, text)
		}
	}
	plan := makePlan(t, repo, parse(t, text))
	if !plan.Empty() {
		t.Fatalf("plan of the export:\n%s", plan)
	}
}

// An account with nothing in it exports as a bare file that plans no
// change.
func TestExportEmptyAccount(t *testing.T) {
	repo, _ := newRepo(t)
	text := exportText(t, repo)
	if !strings.HasSuffix(text, "\nversion: 1\n") {
		t.Fatalf("export:\n%s", text)
	}
	if plan := makePlan(t, repo, parse(t, text)); !plan.Empty() {
		t.Fatalf("plan:\n%s", plan)
	}
}

// Entities written through the API with unusual text (pretty-printed
// documents, descriptions with newlines and quotes, tag values that look
// like other YAML types) survive export and apply unchanged.
func TestExportUnusualValues(t *testing.T) {
	ctx := context.Background()
	repo, _ := newRepo(t)
	trust := "{\n\t\"Version\": \"2012-10-17\",\n\t\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"Federated\": \"arn:aws:iam::000000000000:oidc-provider/idp.example.com\"}, \"Action\": \"sts:AssumeRoleWithWebIdentity\"}]\n}\n"
	if _, err := repo.CreateRole(ctx, iam.Role{Account: account, Name: "weird", Path: "/a:b#c/",
		Description: "line one\nline \"two\"\t: # not a comment", AssumeRolePolicyDocument: trust, MaxSessionDuration: 43200,
		Tags: []iam.Tag{{Key: "yes", Value: "true"}, {Key: "n", Value: "007"}, {Key: "empty", Value: ""}, {Key: "null", Value: "null"}},
		InlinePolicies: map[string]string{
			"b": `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*"}}`,
			"a": `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}}`,
		}}); err != nil {
		t.Fatal(err)
	}
	if _, err := repo.CreateProvider(ctx, iam.OIDCProvider{Account: account, URL: "https://idp.example.com/x",
		ClientIDs: []string{"a,b", "[c]"}, StaticJWKS: `{"keys":[]}`}); err != nil {
		t.Fatal(err)
	}
	text := exportText(t, repo)
	if plan := makePlan(t, repo, parse(t, text)); !plan.Empty() {
		t.Fatalf("plan of the export:\n%s\n%s", plan, text)
	}
	if !strings.Contains(text, "      a: '{\"Version\": \"2012-10-17\"") || !strings.Contains(text, "      b:\n        Version: 2012-10-17\n") {
		t.Errorf("inline policies not in name order or not in their best form:\n%s", text)
	}
}
