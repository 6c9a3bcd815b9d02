package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

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

// keysOfConfig lists the YAML keys, a section's keys as section_key.
func keysOfConfig() string {
	var keys []string
	rt := reflect.TypeOf(Config{})
	for i := range rt.NumField() {
		f := rt.Field(i)
		if f.Type.Kind() != reflect.Struct {
			keys = append(keys, f.Tag.Get("yaml"))
			continue
		}
		for j := range f.Type.NumField() {
			keys = append(keys, f.Tag.Get("yaml")+"_"+f.Type.Field(j).Tag.Get("yaml"))
		}
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
	_, err := resolve(t, "account_id: '12'\nlog_level: loud\ntls_cert_file: x\nkeyring_rotation_interval: 500ms\n", "--addr", "nonsense")
	if err == nil {
		t.Fatal("want error")
	}
	for _, want := range []string{`addr "nonsense"`, `account_id "12": must be 12 digits`, `log_level "loud"`, "tls_cert_file and tls_key_file",
		"keyring_rotation_interval 500ms: must be at least 1s"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

func TestStoreDefaultsToBolt(t *testing.T) {
	c, err := resolve(t, "")
	if err != nil {
		t.Fatal(err)
	}
	want := Etcd{Prefix: "/stsd/", DialTimeout: 5 * time.Second, RequestTimeout: 5 * time.Second}
	if c.Store != StoreBolt || !reflect.DeepEqual(c.Etcd, want) {
		t.Errorf("store = %q, etcd = %+v; want bolt and %+v", c.Store, c.Etcd, want)
	}
}

// files writes empty files named in t.TempDir and returns their paths.
func files(t *testing.T, names ...string) map[string]string {
	t.Helper()
	dir := t.TempDir()
	out := map[string]string{"dir": dir}
	for _, n := range names {
		out[n] = filepath.Join(dir, n)
		if err := os.WriteFile(out[n], nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func TestEtcdFromFileAndFlags(t *testing.T) {
	f := files(t, "ca.pem", "cert.pem", "key.pem", "password", "other-ca.pem")
	file := "store: etcd\netcd:\n  endpoints: [https://10.0.0.1:2379, 'https://10.0.0.2:2379']\n" +
		"  prefix: /prod/stsd/\n  ca_file: " + f["ca.pem"] + "\n  cert_file: " + f["cert.pem"] + "\n  key_file: " + f["key.pem"] +
		"\n  username: stsd\n  password_file: " + f["password"] + "\n  dial_timeout: 2s\n  request_timeout: 1500ms\n"
	c, err := resolve(t, file)
	if err != nil {
		t.Fatal(err)
	}
	want := Etcd{
		Endpoints: []string{"https://10.0.0.1:2379", "https://10.0.0.2:2379"}, Prefix: "/prod/stsd/",
		CAFile: f["ca.pem"], CertFile: f["cert.pem"], KeyFile: f["key.pem"], Username: "stsd", PasswordFile: f["password"],
		DialTimeout: 2 * time.Second, RequestTimeout: 1500 * time.Millisecond,
	}
	if c.Store != StoreEtcd || !reflect.DeepEqual(c.Etcd, want) {
		t.Fatalf("from the file: store %q, etcd %+v; want etcd, %+v", c.Store, c.Etcd, want)
	}

	// Every etcd flag overrides its key.
	c, err = resolve(t, file, "--etcd-endpoints", "https://e1:2379,https://e2:2379,https://e3:2379", "--etcd-prefix", "/x/",
		"--etcd-ca-file", f["other-ca.pem"], "--etcd-cert-file", f["key.pem"], "--etcd-key-file", f["cert.pem"],
		"--etcd-username", "other", "--etcd-password-file", f["ca.pem"], "--etcd-dial-timeout", "3s", "--etcd-request-timeout", "4s")
	if err != nil {
		t.Fatal(err)
	}
	want = Etcd{
		Endpoints: []string{"https://e1:2379", "https://e2:2379", "https://e3:2379"}, Prefix: "/x/",
		CAFile: f["other-ca.pem"], CertFile: f["key.pem"], KeyFile: f["cert.pem"], Username: "other", PasswordFile: f["ca.pem"],
		DialTimeout: 3 * time.Second, RequestTimeout: 4 * time.Second,
	}
	if !reflect.DeepEqual(c.Etcd, want) {
		t.Fatalf("with flags: etcd %+v, want %+v", c.Etcd, want)
	}
	c, err = resolve(t, "", "--store", "etcd", "--etcd-endpoints", "127.0.0.1:2379")
	if err != nil || c.Store != StoreEtcd || c.Etcd.Prefix != "/stsd/" {
		t.Fatalf("--store etcd with defaults: %+v, %v", c, err)
	}
}

func TestEtcdValidation(t *testing.T) {
	f := files(t, "ca.pem", "cert.pem", "key.pem", "password")
	missing := filepath.Join(f["dir"], "missing.pem")
	tests := []struct {
		name, file string
		want       []string // every problem, in order
	}{
		{"no endpoints", "store: etcd\n", []string{"etcd.endpoints: store etcd needs at least one endpoint"}},
		{"bad endpoints", "store: etcd\netcd: {endpoints: ['etcd:2379', 'ftp://e:1', 'https://e', 'e', 'https://u:p@e:1', 'http://e:1/v3']}\n", []string{
			`etcd.endpoints: "ftp://e:1" is not http(s)://host:port or host:port`,
			`etcd.endpoints: "https://e" is not http(s)://host:port or host:port`,
			`etcd.endpoints: "e" is not http(s)://host:port or host:port`,
			`etcd.endpoints: "https://u:p@e:1" is not http(s)://host:port or host:port`,
			`etcd.endpoints: "http://e:1/v3" is not http(s)://host:port or host:port`,
		}},
		{"plain http with TLS", "store: etcd\netcd: {endpoints: ['http://e:2379', 'https://f:2379', 'g:2379'], ca_file: " + f["ca.pem"] + "}\n", []string{
			`etcd.endpoints: "http://e:2379" is plain http but TLS is configured (etcd.ca_file or etcd.cert_file): use https://`,
		}},
		{"prefix", "store: etcd\netcd: {endpoints: ['e:1'], prefix: /stsd}\n", []string{
			`etcd.prefix "/stsd": must end with / (e.g. /stsd/), so that no prefix holds another's keys`,
		}},
		{"empty prefix", "store: etcd\netcd: {endpoints: ['e:1'], prefix: ''}\n", []string{
			`etcd.prefix "": must end with / (e.g. /stsd/), so that no prefix holds another's keys`,
		}},
		{"cert without key, missing files, password without user", "store: etcd\netcd: {endpoints: ['https://e:1'], ca_file: " + missing +
			", cert_file: " + f["cert.pem"] + ", password_file: " + f["dir"] + "}\n", []string{
			"etcd.cert_file and etcd.key_file: set both or neither",
			"etcd.ca_file: stat " + missing + ": no such file or directory",
			"etcd.password_file: " + f["dir"] + " is a directory",
			"etcd.password_file: set, but etcd.username is empty",
		}},
		{"timeouts", "store: etcd\netcd: {endpoints: ['e:1'], dial_timeout: 0s, request_timeout: -1s}\n", []string{
			"etcd.dial_timeout 0s: must be positive",
			"etcd.request_timeout -1s: must be positive",
		}},
		{"endpoints without store etcd", "etcd: {endpoints: ['e:1']}\n", []string{
			`etcd.endpoints: set, but store is "bolt": set store: etcd to use etcd, or remove the endpoints`,
		}},
		{"unknown store", "store: consul\n", []string{`store "consul": must be bolt or etcd`}},
		{"valid", "store: etcd\netcd: {endpoints: ['https://e:1', 'f:2'], ca_file: " + f["ca.pem"] + ", cert_file: " + f["cert.pem"] +
			", key_file: " + f["key.pem"] + ", username: u, password_file: " + f["password"] + "}\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := resolve(t, tt.file)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("error %v, want none", err)
				}
				return
			}
			want := "invalid configuration:\n  - " + strings.Join(tt.want, "\n  - ")
			if err == nil || err.Error() != want {
				t.Fatalf("error:\n%v\nwant:\n%s", err, want)
			}
		})
	}
}

func TestEtcdUnknownKeyRejected(t *testing.T) {
	_, err := resolve(t, "store: etcd\netcd: {endpoints: ['e:1'], password: hunter2}\n")
	if err == nil || !strings.Contains(err.Error(), "field password not found") {
		t.Errorf("err = %v, want unknown field password", err)
	}
}
