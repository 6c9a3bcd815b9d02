package etcd_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/app"
	"github.com/stsd/stsd/internal/config"
	"github.com/stsd/stsd/internal/creds"
	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/testutil/stsdnode"
	"github.com/stsd/stsd/test/etcd/etcdtest"
)

// startNode starts an stsd node with `store: etcd` on c, its own data
// directory and the environment env.
func startNode(t *testing.T, c *etcdtest.Cluster, env map[string]string) (*app.App, string, error) {
	t.Helper()
	n, err := stsdnode.StartErr(t, stsdnode.Options{Account: acct, NoProvider: true, Env: env, Prepare: func(a *app.Options) {
		a.Config.Store = config.StoreEtcd
		a.Config.Etcd.Endpoints = c.Endpoints()
		a.Config.Etcd.Prefix = "/nodes/"
		if err := a.Config.Validate(); err != nil {
			t.Fatal(err)
		}
	}})
	if err != nil {
		return nil, "", err
	}
	return n.App, n.DataDir, nil
}

// TestNodesShareOneEtcd: nodes configured with the same etcd and prefix
// share roles and the session-token keyring, provided they share the
// master key; a node with another master key refuses to start and says
// why.
func TestNodesShareOneEtcd(t *testing.T) {
	t.Parallel()
	c := etcdtest.Start(t, 1)
	root := map[string]string{
		app.EnvRootAccessKeyID:     "AKIAIOSFODNN7EXAMPLE",
		app.EnvRootSecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
	}
	first, dir, err := startNode(t, c, root)
	if err != nil {
		t.Fatalf("first node: %v", err)
	}

	// A second node that generated its own master key cannot open the
	// keyring the first one created.
	_, _, err = startNode(t, c, root)
	want := "every node sharing a store needs the same master key (" + creds.MasterKeyEnv + " or the same master.key file)"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("node with another master key: error %v, want one that says %q", err, want)
	}

	// With the first node's master key, it joins.
	key, err := os.ReadFile(filepath.Join(dir, creds.MasterKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{creds.MasterKeyEnv: strings.TrimSpace(string(key))}
	for k, v := range root {
		env[k] = v
	}
	second, _, err := startNode(t, c, env)
	if err != nil {
		t.Fatalf("node with the shared master key: %v", err)
	}
	if first.Keyring.PrimaryKeyID() != second.Keyring.PrimaryKeyID() {
		t.Errorf("nodes seal with different keys: %s and %s", first.Keyring.PrimaryKeyID(), second.Keyring.PrimaryKeyID())
	}
	role, err := first.Repo.CreateRole(t.Context(), iam.Role{Account: acct, Name: "shared", AssumeRolePolicyDocument: trustDoc})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := second.Cache.WaitRevision(ctx, role.Revision); err != nil {
		t.Fatalf("second node did not see the first node's role: %v", err)
	}
	if _, ok := second.Cache.Current().RoleByName(acct, "shared"); !ok {
		t.Fatal("second node's snapshot lacks the role")
	}
}
