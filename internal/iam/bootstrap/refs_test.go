package bootstrap

import (
	"context"
	"testing"

	"github.com/stsd/stsd/internal/iam"
)

const refsTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::000000000000:oidc-provider/idp.example.com"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`

// An AWS managed policy ARN must name one stsd has built in (Load); a
// customer managed policy ARN must name a policy of the account, declared
// in the file or already stored (Apply and MakePlan, before anything is
// written). Neither is stored silently to grant nothing.
func TestPolicyRefsMustResolve(t *testing.T) {
	ctx := context.Background()
	got := problems(t, `roles:
  - name: app
    trust_policy: '`+refsTrust+`'
    managed_policies:
      - arn:aws:iam::aws:policy/AmazonEC2FullAccess
      - arn:aws:iam::aws:policy/ReadOnlyAccess
    permissions_boundary: arn:aws:iam::aws:policy/NoSuchPolicy
`, Options{})
	wantProblems(t, got, []string{
		"boot.yaml:5:9: roles[0].managed_policies[0]: stsd has no AWS managed policy arn:aws:iam::aws:policy/AmazonEC2FullAccess " +
			"(built in: AdministratorAccess, AmazonS3FullAccess, AmazonS3ReadOnlyAccess, IAMFullAccess, IAMReadOnlyAccess, PowerUserAccess, ReadOnlyAccess)",
		"boot.yaml:7:27: roles[0].permissions_boundary: stsd has no AWS managed policy arn:aws:iam::aws:policy/NoSuchPolicy " +
			"(built in: AdministratorAccess, AmazonS3FullAccess, AmazonS3ReadOnlyAccess, IAMFullAccess, IAMReadOnlyAccess, PowerUserAccess, ReadOnlyAccess)",
	})

	repo, _ := newRepo(t)
	if _, err := repo.CreatePolicy(ctx, iam.ManagedPolicy{Account: account, Name: "Stored", Path: "/s/"},
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`); err != nil {
		t.Fatal(err)
	}
	file := func(ref string) *File {
		t.Helper()
		f, err := Parse([]byte(`managed_policies:
  - name: Declared
    path: /d/
    document: {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}
roles:
  - name: app
    trust_policy: '`+refsTrust+`'
    managed_policies: [`+ref+`]
`), "boot.yaml", t.TempDir(), Options{})
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	for ref, want := range map[string]string{
		"arn:aws:iam::000000000000:policy/Missing":    "bootstrap: role app: arn:aws:iam::000000000000:policy/Missing names no managed policy of account 000000000000; declare it under managed_policies, create it first, or use a built-in AWS managed policy",
		"arn:aws:iam::000000000000:policy/Declared":   "bootstrap: role app: arn:aws:iam::000000000000:policy/Declared names no managed policy of account 000000000000; declare it under managed_policies, create it first, or use a built-in AWS managed policy",
		"arn:aws:iam::444455556666:policy/d/Declared": "bootstrap: role app: arn:aws:iam::444455556666:policy/d/Declared names no managed policy of account 000000000000; declare it under managed_policies, create it first, or use a built-in AWS managed policy",
	} {
		if _, err := Apply(ctx, repo, account, file(ref)); err == nil || err.Error() != want {
			t.Errorf("Apply with %s: %v\nwant %s", ref, err, want)
		}
		if _, err := MakePlan(ctx, repo, account, file(ref)); err == nil || err.Error() != want {
			t.Errorf("MakePlan with %s: %v\nwant %s", ref, err, want)
		}
	}
	if _, err := repo.GetRole(ctx, account, "app"); iam.KindOf(err) != iam.KindNotFound {
		t.Fatalf("a refused file wrote the role: %v", err)
	}
	for _, ref := range []string{"arn:aws:iam::000000000000:policy/d/DECLARED", "arn:aws:iam::000000000000:policy/s/Stored", "arn:aws:iam::aws:policy/AdministratorAccess"} {
		if _, err := Apply(ctx, repo, account, file(ref)); err != nil {
			t.Errorf("Apply with %s: %v", ref, err)
		}
	}
}
