package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/stsd/stsd/internal/config"
	"github.com/stsd/stsd/internal/secret"
	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/boltstore"
	"github.com/stsd/stsd/internal/store/etcdstore"
)

// OpenStore opens the store the configuration selects: the bbolt file in
// the data directory (the default), or etcd, shared by every node that
// uses the same etcd and prefix. `stsd serve`, `stsd export` and
// `stsd apply` all open their store here; getenv reads the etcd password
// variable (config.EtcdPasswordEnv).
func OpenStore(ctx context.Context, cfg config.Config, getenv func(string) string) (store.Store, error) {
	if cfg.Store == config.StoreEtcd {
		ec, err := etcdConfig(cfg.Etcd, getenv)
		if err != nil {
			return nil, err
		}
		return open(etcdstore.Open(ctx, ec))
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	return open(boltstore.Open(filepath.Join(cfg.DataDir, boltstore.DefaultFileName)))
}

// open returns a nil interface on error, never a nil *T inside a non-nil
// store.Store (which a caller's cleanup would then Close).
func open[T store.Store](st T, err error) (store.Store, error) {
	if err != nil {
		return nil, err
	}
	return st, nil
}

// etcdConfig turns the etcd section into the store's configuration, with
// the password read from etcd.password_file or STSD_ETCD_PASSWORD (one of
// them, and only with a username).
func etcdConfig(e config.Etcd, getenv func(string) string) (etcdstore.Config, error) {
	c := etcdstore.Config{
		Endpoints: e.Endpoints, Prefix: e.Prefix,
		CAFile: e.CAFile, CertFile: e.CertFile, KeyFile: e.KeyFile,
		Username:    e.Username,
		DialTimeout: e.DialTimeout, RequestTimeout: e.RequestTimeout,
	}
	env := getenv(config.EtcdPasswordEnv)
	switch {
	case e.PasswordFile != "" && env != "":
		return c, fmt.Errorf("etcd: both etcd.password_file and %s are set: use one", config.EtcdPasswordEnv)
	case e.PasswordFile != "":
		raw, err := os.ReadFile(e.PasswordFile)
		if err != nil {
			return c, fmt.Errorf("etcd.password_file: %w", err)
		}
		password := strings.TrimRight(string(raw), "\r\n")
		if password == "" {
			return c, fmt.Errorf("etcd.password_file %s is empty", e.PasswordFile)
		}
		c.Password = secret.NewString(password)
	case env != "":
		c.Password = secret.NewString(env)
	}
	switch {
	case e.Username != "" && c.Password.Reveal() == "":
		return c, fmt.Errorf("etcd.username %q has no password: set etcd.password_file or %s", e.Username, config.EtcdPasswordEnv)
	case e.Username == "" && c.Password.Reveal() != "":
		return c, errors.New("etcd: a password is set but etcd.username is empty")
	}
	return c, nil
}
