package app

import (
	"testing"

	"github.com/stsd/stsd/internal/config"
)

// TestStartReadsTheEtcdPasswordThroughGetenv: the store is opened with the
// node's injected Getenv, never the process environment.
func TestStartReadsTheEtcdPasswordThroughGetenv(t *testing.T) {
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.Store = config.StoreEtcd
	cfg.Etcd.Endpoints = []string{"127.0.0.1:1"}
	getenv := func(k string) string {
		if k == config.EtcdPasswordEnv {
			return "from-getenv"
		}
		return ""
	}
	a, err := Start(t.Context(), Options{Config: cfg, Getenv: getenv})
	if a != nil || err == nil || err.Error() != "etcd: a password is set but etcd.username is empty" {
		t.Fatalf("Start = %v, %v; want the error of a password (from Getenv) without a user", a, err)
	}
}
