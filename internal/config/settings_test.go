package config

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

// flagKey maps a flag to its YAML key with the section's dot as _: they
// differ only in - vs _, and a section's keys are prefixed with the section
// ("etcd-ca-file" is etcd.ca_file).
func flagKey(flag string) string { return strings.ReplaceAll(flag, "-", "_") }

// yamlFields maps every key a YAML file can set (a section's key as
// section.key) to the index path of its field in Config.
func yamlFields() map[string][]int {
	out := map[string][]int{}
	var walk func(rt reflect.Type, prefix string, index []int)
	walk = func(rt reflect.Type, prefix string, index []int) {
		for i := range rt.NumField() {
			f := rt.Field(i)
			key := prefix + f.Tag.Get("yaml")
			path := append(append([]int(nil), index...), i)
			if f.Type.Kind() == reflect.Struct {
				walk(f.Type, key+".", path)
				continue
			}
			out[key] = path
		}
	}
	walk(reflect.TypeFor[Config](), "", nil)
	return out
}

func TestEveryYAMLKeyHasExactlyOneFlag(t *testing.T) {
	fields := yamlFields()
	byYAML, byFlag := map[string]int{}, map[string]int{}
	for _, s := range settings {
		byYAML[s.yaml]++
		byFlag[s.flag]++
		if _, ok := fields[s.yaml]; !ok {
			t.Errorf("setting --%s names YAML key %s, which is no field of Config", s.flag, s.yaml)
		}
		if flagKey(s.flag) != strings.ReplaceAll(s.yaml, ".", "_") {
			t.Errorf("flag --%s and YAML key %s do not follow the naming rule (- for _, the section's name first)", s.flag, s.yaml)
		}
	}
	for key := range fields {
		if byYAML[key] != 1 {
			t.Errorf("YAML key %s has %d settings, want exactly 1", key, byYAML[key])
		}
	}
	for flag, n := range byFlag {
		if n != 1 {
			t.Errorf("flag --%s is in %d settings, want exactly 1", flag, n)
		}
	}
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	c := Default()
	BindFlags(fs, &c)
	bound := 0
	fs.VisitAll(func(f *pflag.Flag) {
		bound++
		if byFlag[f.Name] != 1 {
			t.Errorf("BindFlags registers --%s, which is no setting", f.Name)
		}
	})
	if bound != len(settings) {
		t.Errorf("BindFlags registers %d flags for %d settings", bound, len(settings))
	}
}

// TestEveryFlagOverridesTheFile sets each key in a file, alone, and then
// the same key's flag too: the file must change exactly that field, and
// the flag must win over it.
func TestEveryFlagOverridesTheFile(t *testing.T) {
	fields := yamlFields()
	for _, s := range settings {
		t.Run(s.flag, func(t *testing.T) {
			path, ok := fields[s.yaml]
			if !ok {
				t.Fatalf("no field for %s", s.yaml)
			}
			field := func(c *Config) reflect.Value { return reflect.ValueOf(c).Elem().FieldByIndex(path) }
			def := Default()
			var fileText, flagText string
			var fileValue, flagValue any
			switch v := field(&def).Interface().(type) {
			case string:
				fileText, fileValue, flagText, flagValue = "from-file", "from-file", "from-flag", "from-flag"
			case bool:
				fileText, fileValue = map[bool]string{true: "true", false: "false"}[!v], !v
				flagText, flagValue = map[bool]string{true: "true", false: "false"}[v], v
			case int:
				fileText, fileValue, flagText, flagValue = "7", 7, "9", 9
			case time.Duration:
				fileText, fileValue, flagText, flagValue = "7m", 7*time.Minute, "9m", 9*time.Minute
			case []string:
				fileText, fileValue, flagText, flagValue = "[a, b]", []string{"a", "b"}, "c,d", []string{"c", "d"}
			default:
				t.Fatalf("%s: no test values for %T", s.yaml, v)
			}
			file := s.yaml + ": " + fileText + "\n"
			if section, key, ok := strings.Cut(s.yaml, "."); ok {
				file = section + ":\n  " + key + ": " + fileText + "\n"
			}

			want := Default()
			field(&want).Set(reflect.ValueOf(fileValue))
			got, err := resolve(t, file)
			if err != nil && !strings.HasPrefix(err.Error(), "invalid configuration") { // validation may object; reading may not
				t.Fatalf("reading %q: %v", file, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("file %q: %s = %v, want %v; other fields must keep their defaults:\n got %+v\nwant %+v",
					file, s.yaml, field(&got), field(&want), got, want)
			}

			field(&want).Set(reflect.ValueOf(flagValue))
			got, err = resolve(t, file, "--"+s.flag+"="+flagText)
			if err != nil && !strings.HasPrefix(err.Error(), "invalid configuration") {
				t.Fatalf("reading %q: %v", file, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("file %q, --%s=%s: %s = %v, want %v; other fields must keep their defaults:\n got %+v\nwant %+v",
					file, s.flag, flagText, s.yaml, field(&got), field(&want), got, want)
			}
		})
	}
}

// TestDefaultValues pins every default the documentation states
// (docs/configuration.md).
func TestDefaultValues(t *testing.T) {
	want := Config{
		Addr:                      "127.0.0.1:8080",
		DataDir:                   "./stsd-data",
		AccountID:                 "000000000000",
		LogLevel:                  "info",
		LogFormat:                 "json",
		Store:                     StoreBolt,
		AuditMaxSizeMB:            100,
		AuditMaxBackups:           10,
		KeyringRotationInterval:   24 * time.Hour,
		IssuerKeyRotationInterval: 7 * 24 * time.Hour,
		Console:                   Console{Enabled: true, IdleTimeout: 30 * time.Minute, SessionTimeout: 8 * time.Hour},
		S3:                        S3{BackendRegion: "us-east-1", Audit: "denied"},
		Etcd:                      Etcd{Prefix: "/stsd/", DialTimeout: 5 * time.Second, RequestTimeout: 5 * time.Second},
	}
	if got := Default(); !reflect.DeepEqual(got, want) {
		t.Errorf("Default() = %+v\nwant %+v", got, want)
	}
	if err := want.Validate(); err != nil {
		t.Errorf("the defaults do not validate: %v", err)
	}
}
