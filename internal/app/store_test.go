package app

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/config"
	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/boltstore"
)

func TestOpenStoreBoltByDefault(t *testing.T) {
	cfg := config.Default()
	cfg.DataDir = filepath.Join(t.TempDir(), "data")
	st, err := OpenStore(t.Context(), cfg, os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, ok := st.(*boltstore.Store); !ok {
		t.Fatalf("OpenStore = %T, want *boltstore.Store", st)
	}
}

func TestOpenStoreBoltFailureReturnsNil(t *testing.T) {
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	if err := os.Mkdir(filepath.Join(cfg.DataDir, boltstore.DefaultFileName), 0o700); err != nil { // not a file
		t.Fatal(err)
	}
	st, err := OpenStore(t.Context(), cfg, os.Getenv)
	if err == nil || st != nil {
		t.Fatalf("OpenStore on a directory = %#v, %v; want nil and an error", st, err)
	}
}

func TestOpenStoreEtcdUnreachable(t *testing.T) {
	cfg := config.Default()
	cfg.Store = config.StoreEtcd
	cfg.Etcd.Endpoints = []string{"127.0.0.1:1"}
	cfg.Etcd.DialTimeout = 200 * time.Millisecond
	st, err := OpenStore(t.Context(), cfg, os.Getenv)
	if !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("OpenStore(etcd on a closed port) = %v, want store.ErrUnavailable", err)
	}
	if st != nil {
		t.Fatalf("OpenStore failed but returned a store %#v (a cleanup would Close it)", st)
	}
}

func TestEtcdPassword(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	pwFile, emptyFile := write("pw", "from-file\n"), write("empty", "\n")
	tests := []struct {
		name, user, file, env string
		password, err         string
	}{
		{name: "no auth"},
		{name: "file", user: "stsd", file: pwFile, password: "from-file"},
		{name: "env", user: "stsd", env: "from-env", password: "from-env"},
		{name: "both", user: "stsd", file: pwFile, env: "from-env",
			err: "etcd: both etcd.password_file and STSD_ETCD_PASSWORD are set: use one"},
		{name: "empty file", user: "stsd", file: emptyFile, err: "etcd.password_file " + emptyFile + " is empty"},
		{name: "missing file", user: "stsd", file: filepath.Join(dir, "nope"),
			err: "etcd.password_file: open " + filepath.Join(dir, "nope") + ": no such file or directory"},
		{name: "user without password", user: "stsd",
			err: `etcd.username "stsd" has no password: set etcd.password_file or STSD_ETCD_PASSWORD`},
		{name: "password without user", env: "from-env", err: "etcd: a password is set but etcd.username is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := config.Default().Etcd
			e.Endpoints, e.Username, e.PasswordFile = []string{"e:1"}, tt.user, tt.file
			getenv := func(k string) string {
				if k == config.EtcdPasswordEnv {
					return tt.env
				}
				return ""
			}
			c, err := etcdConfig(e, getenv)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				if strings.Contains(err.Error(), "from-") {
					t.Fatalf("error shows the password: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Password.Reveal(); got != tt.password || c.Username != tt.user {
				t.Fatalf("user %q password %q, want %q %q", c.Username, got, tt.user, tt.password)
			}
			if !reflect.DeepEqual(c.Endpoints, e.Endpoints) || c.Prefix != "/stsd/" || c.RequestTimeout != 5*time.Second {
				t.Fatalf("config not carried over: %+v", c)
			}
		})
	}
}
