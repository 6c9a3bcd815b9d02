package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

func resolve(t *testing.T, file string, args ...string) (Config, error) {
	t.Helper()
	path := ""
	if file != "" {
		path = filepath.Join(t.TempDir(), "stsd.yaml")
		if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	flags := Default()
	BindFlags(fs, &flags)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return Resolve(path, fs, flags)
}

func TestDefaults(t *testing.T) {
	c, err := resolve(t, "")
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.DataDir != "./stsd-data" || c.AccountID != "000000000000" {
		t.Errorf("defaults = %+v", c)
	}
}

func TestFileThenFlagsWin(t *testing.T) {
	c, err := resolve(t, "addr: 127.0.0.1:9000\naccount_id: '111122223333'\nallow_http_issuers: true\n", "--addr", "127.0.0.1:7000")
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:7000" {
		t.Errorf("addr = %s, want the flag's value", c.Addr)
	}
	if c.AccountID != "111122223333" || !c.AllowHTTPIssuers {
		t.Errorf("file values lost: %+v", c)
	}
}

func TestEveryFlagHasAConfigKey(t *testing.T) {
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	c := Default()
	BindFlags(fs, &c)
	yamlKeys := map[string]bool{}
	for _, line := range strings.Split(keysOfConfig(), "\n") {
		yamlKeys[line] = true
	}
	fs.VisitAll(func(f *pflag.Flag) {
		if !yamlKeys[flagKey(f.Name)] {
			t.Errorf("flag --%s has no config key %s", f.Name, flagKey(f.Name))
		}
	})
}

func keysOfConfig() string {
	var keys []string
	rt := reflect.TypeOf(Config{})
	for i := range rt.NumField() {
		keys = append(keys, rt.Field(i).Tag.Get("yaml"))
	}
	return strings.Join(keys, "\n")
}

func TestUnknownKeyRejected(t *testing.T) {
	_, err := resolve(t, "adr: 1\n")
	if err == nil || !strings.Contains(err.Error(), "field adr not found") {
		t.Errorf("err = %v, want unknown field", err)
	}
}

func TestEveryProblemReportedAtOnce(t *testing.T) {
	_, err := resolve(t, "account_id: '12'\nlog_level: loud\ntls_cert_file: x\n", "--addr", "nonsense")
	if err == nil {
		t.Fatal("want error")
	}
	for _, want := range []string{`addr "nonsense"`, `account_id "12": must be 12 digits`, `log_level "loud"`, "tls_cert_file and tls_key_file"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}
