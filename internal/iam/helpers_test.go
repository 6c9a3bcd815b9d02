package iam

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/store/memstore"
)

const (
	acct      = "123456789012"
	otherAcct = "210987654321"
	trustDoc  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/idp.example.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"idp.example.com:aud":"sts"}}}]}`
	readDoc   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	writeDoc  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"}]}`
)

var fixedNow = time.Date(2026, 11, 22, 10, 30, 15, 500, time.UTC)

func newTestRepo(t testing.TB) (*Repo, *memstore.Store) {
	t.Helper()
	st := memstore.New()
	t.Cleanup(func() { _ = st.Close() })
	return NewRepo(st, RepoOptions{Now: func() time.Time { return fixedNow }}), st
}

func testRole(name string) Role {
	return Role{Account: acct, Name: name, AssumeRolePolicyDocument: trustDoc}
}

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
