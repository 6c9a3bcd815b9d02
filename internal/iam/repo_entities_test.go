package iam

import (
	"testing"
)

func TestProviderCRUD(t *testing.T) {
	repo, _ := newTestRepo(t)
	ctx := testCtx(t)
	tp := "9e99a48a9960b14926bb7f3b02e22da2b0ab7280"
	p, err := repo.CreateProvider(ctx, OIDCProvider{Account: acct, URL: "https://idp.example.com/realms/x/",
		ClientIDs: []string{"sts", "sts", "web"}, Thumbprints: []string{tp}})
	if err != nil {
		t.Fatal(err)
	}
	if p.ARN() != "arn:aws:iam::123456789012:oidc-provider/idp.example.com/realms/x/" || p.HostPath() != "idp.example.com/realms/x/" {
		t.Errorf("ARN %q HostPath %q", p.ARN(), p.HostPath())
	}
	if len(p.ClientIDs) != 2 {
		t.Errorf("client IDs not deduplicated: %v", p.ClientIDs)
	}
	_, err = repo.CreateProvider(ctx, OIDCProvider{Account: acct, URL: "https://idp.example.com/realms/x/"})
	wantErr(t, err, KindAlreadyExists, "Provider with url https://idp.example.com/realms/x/ already exists.")
	// The trailing slash is significant: another provider.
	if _, err := repo.CreateProvider(ctx, OIDCProvider{Account: acct, URL: "https://idp.example.com/realms/x"}); err != nil {
		t.Fatal(err)
	}
	_, err = repo.CreateProvider(ctx, OIDCProvider{Account: acct, URL: "http://127.0.0.1:9000"})
	wantErr(t, err, KindValidation, "Invalid Open ID Connect Provider URL")
	_, err = repo.CreateProvider(ctx, OIDCProvider{Account: acct, URL: "https://k8s.example", JWKSURL: "https://k8s.example/keys", StaticJWKS: `{"keys":[]}`})
	wantErr(t, err, KindInvalidInput, "A provider may have a JWKS URL or a static JWKS, not both.")
	_, err = repo.CreateProvider(ctx, OIDCProvider{Account: acct, URL: "https://k8s.example", StaticJWKS: `{"kty":"RSA"}`})
	wantErr(t, err, KindInvalidInput, `The static JWKS must be a JSON object with a "keys" array of JSON objects.`)
	_, err = repo.CreateProvider(ctx, OIDCProvider{Account: acct, URL: "https://k8s.example", JWKSURL: "ftp://k8s.example/keys"})
	wantErr(t, err, KindInvalidInput, "Invalid JWKS URL ftp://k8s.example/keys.")

	got, err := repo.GetProvider(ctx, p.ARN())
	if err != nil || got.URL != p.URL || got.Revision != p.Revision {
		t.Fatalf("GetProvider = %+v, %v", got, err)
	}
	_, err = repo.GetProvider(ctx, "arn:aws:iam::123456789012:oidc-provider/none.example")
	wantErr(t, err, KindNotFound, "OpenIDConnect Provider not found for arn arn:aws:iam::123456789012:oidc-provider/none.example")
	_, err = repo.GetProvider(ctx, "not-an-arn")
	wantErr(t, err, KindValidation, "Invalid ARN:  Could not be parsed!")

	up, err := repo.UpdateProvider(ctx, p.ARN(), func(p *OIDCProvider) error {
		p.ClientIDs = append(p.ClientIDs, "cli")
		return nil
	})
	if err != nil || len(up.ClientIDs) != 3 {
		t.Fatalf("UpdateProvider = %+v, %v", up, err)
	}
	_, err = repo.UpdateProvider(ctx, p.ARN(), func(p *OIDCProvider) error { p.URL = "https://elsewhere"; return nil })
	wantErr(t, err, KindInvalidInput, "The provider's URL and creation date cannot be changed.")
	_, err = repo.UpdateProvider(ctx, p.ARN(), func(p *OIDCProvider) error {
		p.Thumbprints = []string{tp, tp + "0"}
		return nil
	})
	wantErr(t, err, KindValidation, "1 validation error detected: Value at 'thumbprintList' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 40, Member must have length greater than or equal to 40]")

	if err := repo.DeleteProvider(ctx, p.ARN()); err != nil {
		t.Fatal(err)
	}
	wantErr(t, repo.DeleteProvider(ctx, p.ARN()), KindNotFound, "OpenId connect Provider arn:aws:iam::123456789012:oidc-provider/idp.example.com/realms/x/ cannot be found.")
	list, err := repo.ListProviders(ctx, acct)
	if err != nil || len(list) != 1 || list[0].URL != "https://idp.example.com/realms/x" {
		t.Fatalf("ListProviders = %v, %v", list, err)
	}
}

func TestLoopbackProviderWhenAllowed(t *testing.T) {
	_, st := newTestRepo(t)
	repo := NewRepo(st, RepoOptions{URL: URLOptions{AllowHTTPLoopback: true}})
	p, err := repo.CreateProvider(testCtx(t), OIDCProvider{Account: acct, URL: "http://127.0.0.1:9000"})
	if err != nil {
		t.Fatal(err)
	}
	if p.HostPath() != "127.0.0.1:9000" || p.ARN() != "arn:aws:iam::123456789012:oidc-provider/127.0.0.1:9000" {
		t.Fatalf("HostPath %q ARN %q", p.HostPath(), p.ARN())
	}
}

func TestManagedPolicyCRUD(t *testing.T) {
	repo, _ := newTestRepo(t)
	ctx := testCtx(t)
	p, err := repo.CreatePolicy(ctx, ManagedPolicy{Account: acct, Name: "ReadS3", Path: "/ci/"}, readDoc)
	if err != nil {
		t.Fatal(err)
	}
	arn := "arn:aws:iam::123456789012:policy/ci/ReadS3"
	if p.ARN() != arn || len(p.PolicyID) != 21 || p.PolicyID[:4] != "ANPA" || p.DefaultVersionID != "v1" {
		t.Fatalf("created %+v", p)
	}
	_, err = repo.CreatePolicy(ctx, ManagedPolicy{Account: acct, Name: "reads3"}, readDoc)
	wantErr(t, err, KindAlreadyExists, "A policy called reads3 already exists. Duplicate names are not allowed.")
	_, err = repo.CreatePolicy(ctx, ManagedPolicy{Account: acct, Name: "Trusty"}, trustDoc)
	if KindOf(err) != KindMalformedPolicy {
		t.Fatalf("principal in managed policy: %v", err)
	}
	_, err = repo.GetPolicy(ctx, "arn:aws:iam::123456789012:policy/ReadS3")
	wantErr(t, err, KindNotFound, "Policy arn:aws:iam::123456789012:policy/ReadS3 was not found.")

	up, err := repo.UpdatePolicy(ctx, arn, func(p *ManagedPolicy) error {
		_, err := p.AddVersion(writeDoc, true, fixedNow)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if up.DefaultVersionID != "v2" || up.DefaultVersion().Document != writeDoc || up.NextVersion != 3 {
		t.Fatalf("after AddVersion: %+v", up)
	}
	for range 3 {
		if _, err := repo.UpdatePolicy(ctx, arn, func(p *ManagedPolicy) error {
			_, err := p.AddVersion(readDoc, false, fixedNow)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = repo.UpdatePolicy(ctx, arn, func(p *ManagedPolicy) error {
		_, err := p.AddVersion(readDoc, false, fixedNow)
		return err
	})
	wantErr(t, err, KindLimitExceeded, "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.")
	_, err = repo.UpdatePolicy(ctx, arn, func(p *ManagedPolicy) error { return p.DeleteVersion("v2") })
	wantErr(t, err, KindDeleteConflict, "Cannot delete the default version of a policy.")
	_, err = repo.UpdatePolicy(ctx, arn, func(p *ManagedPolicy) error { return p.DeleteVersion("v9") })
	wantErr(t, err, KindNotFound, "Policy arn:aws:iam::123456789012:policy/ci/ReadS3 version v9 does not exist.")

	wantErr(t, repo.DeletePolicy(ctx, arn), KindDeleteConflict, "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.")
	if _, err := repo.UpdatePolicy(ctx, arn, func(p *ManagedPolicy) error {
		for _, v := range []string{"v1", "v3", "v4", "v5"} {
			if err := p.DeleteVersion(v); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	role := testRole("app")
	role.ManagedPolicyARNs = []string{arn}
	if _, err := repo.CreateRole(ctx, role); err != nil {
		t.Fatal(err)
	}
	wantErr(t, repo.DeletePolicy(ctx, arn), KindDeleteConflict, "Cannot delete a policy attached to entities.")
	if _, err := repo.UpdateRole(ctx, acct, "app", func(r *Role) error { r.ManagedPolicyARNs = nil; return nil }); err != nil {
		t.Fatal(err)
	}
	if err := repo.DeletePolicy(ctx, arn); err != nil {
		t.Fatal(err)
	}
	list, err := repo.ListPolicies(ctx, acct)
	if err != nil || len(list) != 0 {
		t.Fatalf("ListPolicies = %v, %v", list, err)
	}
}

func TestUsersAndAccessKeys(t *testing.T) {
	repo, _ := newTestRepo(t)
	ctx := testCtx(t)
	u, err := repo.CreateUser(ctx, User{Account: acct, Name: "ops"})
	if err != nil {
		t.Fatal(err)
	}
	if u.ARN() != "arn:aws:iam::123456789012:user/ops" || u.UserID[:4] != "AIDA" {
		t.Fatalf("user %+v", u)
	}
	_, err = repo.CreateUser(ctx, User{Account: acct, Name: "OPS"})
	wantErr(t, err, KindAlreadyExists, "User with name OPS already exists.")
	_, err = repo.CreateAccessKey(ctx, AccessKey{Account: acct, UserName: "ghost"})
	wantErr(t, err, KindNotFound, "The user with name ghost cannot be found.")
	k1, err := repo.CreateAccessKey(ctx, AccessKey{Account: acct, UserName: "ops", WrappedSecret: []byte{1, 2}})
	if err != nil {
		t.Fatal(err)
	}
	if len(k1.AccessKeyID) != 20 || k1.Status != AccessKeyActive {
		t.Fatalf("key %+v", k1)
	}
	if _, err := repo.CreateAccessKey(ctx, AccessKey{Account: acct, UserName: "ops"}); err != nil {
		t.Fatal(err)
	}
	_, err = repo.CreateAccessKey(ctx, AccessKey{Account: acct, UserName: "ops"})
	wantErr(t, err, KindLimitExceeded, "Cannot exceed quota for AccessKeysPerUser: 2")
	_, err = repo.UpdateAccessKey(ctx, acct, k1.AccessKeyID, func(k *AccessKey) error { k.Status = "Paused"; return nil })
	wantErr(t, err, KindValidation, "1 validation error detected: Value 'Paused' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]")
	k, err := repo.UpdateAccessKey(ctx, acct, k1.AccessKeyID, func(k *AccessKey) error { k.Status = AccessKeyInactive; return nil })
	if err != nil || k.Status != AccessKeyInactive {
		t.Fatalf("UpdateAccessKey = %+v, %v", k, err)
	}
	wantErr(t, repo.DeleteUser(ctx, acct, "ops"), KindDeleteConflict, "Cannot delete entity, must delete access keys first.")
	keys, err := repo.ListAccessKeys(ctx, acct, "OPS")
	if err != nil || len(keys) != 2 {
		t.Fatalf("ListAccessKeys = %v, %v", keys, err)
	}
	for _, k := range keys {
		if err := repo.DeleteAccessKey(ctx, acct, k.AccessKeyID); err != nil {
			t.Fatal(err)
		}
	}
	_, err = repo.GetAccessKey(ctx, acct, k1.AccessKeyID)
	wantErr(t, err, KindNotFound, "The Access Key with id "+k1.AccessKeyID+" cannot be found.")
	if _, err := repo.UpdateUser(ctx, acct, "ops", func(u *User) error {
		u.InlinePolicies = map[string]string{"read": readDoc}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	wantErr(t, repo.DeleteUser(ctx, acct, "ops"), KindDeleteConflict, "Cannot delete entity, must delete policies first.")
	if _, err := repo.UpdateUser(ctx, acct, "ops", func(u *User) error { u.InlinePolicies = nil; return nil }); err != nil {
		t.Fatal(err)
	}
	if err := repo.DeleteUser(ctx, acct, "ops"); err != nil {
		t.Fatal(err)
	}
	_, err = repo.GetUser(ctx, acct, "ops")
	wantErr(t, err, KindNotFound, "The user with name ops cannot be found.")
}
