package downstream_test

import (
	"context"
	"crypto/rand"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/stsd/stsd/internal/authn"
	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/creds"
	"github.com/stsd/stsd/internal/downstream"
	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/secret"
	"github.com/stsd/stsd/internal/sigv4"
	"github.com/stsd/stsd/internal/store/memstore"
)

// emptySHA256 is the hash of an empty body.
const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// BenchmarkDoorDecision is issue 10's figure: one decision for a role
// session as a front door makes it — parse and verify the SigV4 signature
// of a request signed by aws-sdk-go-v2's signer for execute-api, open the
// session token with the keyring, and evaluate the role's inline policy,
// its permissions boundary and the session's inline session policy
// (Door.Authenticate + Door.Decide, audit discarded). The node's pieces
// are the real ones (memory store, IAM cache, keyring, authenticator,
// engine), wired as internal/app wires them.
func BenchmarkDoorDecision(b *testing.B) {
	ctx := context.Background()
	now := time.Date(2026, 12, 3, 9, 30, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	st := memstore.New()
	b.Cleanup(func() { _ = st.Close() })
	repo := iam.NewRepo(st, iam.RepoOptions{Now: clock})
	cache := iam.NewCache(st, iam.CacheOptions{})
	if err := cache.Start(ctx); err != nil {
		b.Fatal(err)
	}
	master := make([]byte, creds.MasterKeySize)
	_, _ = rand.Read(master)
	keyring, err := creds.OpenKeyring(ctx, st, secret.NewBytes(master), creds.KeyringOptions{Now: clock})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = keyring.Close() })

	boundary, err := repo.CreatePolicy(ctx, iam.ManagedPolicy{Account: account, Name: "api-boundary"},
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["execute-api:Invoke","execute-api:ManageConnections"],"Resource":"*"},
		 {"Effect":"Deny","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:*:*:*/*/DELETE/*"}]}`)
	if err != nil {
		b.Fatal(err)
	}
	role, err := repo.CreateRole(ctx, iam.Role{
		Account: account, Name: "api-client",
		AssumeRolePolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::` + account + `:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`,
		InlinePolicies: map[string]string{"invoke": `{"Version":"2012-10-17","Statement":[
		  {"Sid":"Invoke","Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:` + region + `:` + account + `:a1b2c3d4e5/prod/*",
		   "Condition":{"StringEquals":{"aws:PrincipalTag/team":"payments"},"Bool":{"aws:SecureTransport":"true"}}},
		  {"Sid":"NoAdmin","Effect":"Deny","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:*:*:*/*/*/admin/*"}]}`},
		PermissionsBoundaryARN: boundary.ARN(),
	})
	if err != nil {
		b.Fatal(err)
	}
	if err := cache.WaitRevision(ctx, role.Revision); err != nil {
		b.Fatal(err)
	}

	sess := &creds.Session{
		AccountID: account, RoleID: role.RoleID, RoleName: role.Name, RolePath: role.Path, SessionName: "deploy-42",
		AccessKeyID: creds.NewTemporaryAccessKeyID(), SecretAccessKey: creds.NewSecretAccessKey(),
		IssuedAt: now.Add(-time.Minute), Expiry: now.Add(time.Hour),
		SourceIdentity:    "octocat",
		FederatedProvider: "arn:aws:iam::" + account + ":oidc-provider/token.actions.githubusercontent.com",
		Tags:              []creds.Tag{{Key: "team", Value: "payments"}},
		WebIdentity: map[string][]string{
			"token.actions.githubusercontent.com:sub": {"repo:octo/app:ref:refs/heads/main"},
			"token.actions.githubusercontent.com:aud": {"sts.amazonaws.com"},
		},
		Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:*:*:a1b2c3d4e5/prod/GET/*"}]}`,
	}
	token, err := keyring.Seal(sess, creds.SealOptions{})
	if err != nil {
		b.Fatal(err)
	}

	door := downstream.NewDoor(downstream.Deps{
		Authn: &authn.Authenticator{
			Verifier: &sigv4.Verifier{Now: clock, EnforcePresignedExpires: true},
			Keyring:  keyring, Now: clock, Snapshot: cache.Current,
		},
		Engine: authz.New(cache.Current, clock), Sealer: keyring, Account: account, Now: clock,
	})

	req, err := http.NewRequest(http.MethodGet, "https://api.example.com/prod/GET/orders/17?page=2", nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("User-Agent", "aws-sdk-go-v2/1.41.0 os/linux lang/go#1.26")
	credsV := aws.Credentials{AccessKeyID: sess.AccessKeyID, SecretAccessKey: sess.SecretAccessKey.Reveal(), SessionToken: token.Reveal()}
	if err := v4.NewSigner().SignHTTP(ctx, credsV, req, emptySHA256, "execute-api", region, now); err != nil {
		b.Fatal(err)
	}
	in := &downstream.Incoming{HTTP: req, ClientIP: "203.0.113.7", Secure: true}
	resource := "arn:aws:execute-api:" + region + ":" + account + ":a1b2c3d4e5/prod/GET/orders/17"
	checks := []authz.Check{{Action: "execute-api:Invoke", Resource: resource}}

	decide := func() {
		v, aerr := door.Authenticate(ctx, in, "execute-api")
		if aerr != nil {
			b.Fatal(aerr)
		}
		if dec := door.Decide(ctx, in, v, checks, nil, nil); !dec.Result.Allowed {
			b.Fatalf("denied: %v", dec.Err)
		}
	}
	decide()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		decide()
	}
}
