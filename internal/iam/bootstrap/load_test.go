package bootstrap

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stsd/stsd/internal/iam"
)

func TestLoadExample(t *testing.T) {
	f, err := Load("testdata/example.yaml", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.OIDCProviders) != 3 || len(f.ManagedPolicies) != 2 || len(f.Roles) != 2 {
		t.Fatalf("counts: %d providers, %d policies, %d roles", len(f.OIDCProviders), len(f.ManagedPolicies), len(f.Roles))
	}
	k8s := f.OIDCProviders[1]
	want, _ := os.ReadFile("testdata/cluster-jwks.json")
	if k8s.staticJWKS != string(want) {
		t.Errorf("jwks_file not loaded: %q", k8s.staticJWKS)
	}
	if got := f.OIDCProviders[0].Tags; len(got) != 1 || got[0] != (iam.Tag{Key: "team", Value: "platform"}) {
		t.Errorf("provider tags = %v", got)
	}
	// A YAML mapping becomes JSON in key order; date-like scalars stay strings.
	wantDoc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::artifacts","arn:aws:s3:::artifacts/*"]}]}`
	if got := f.ManagedPolicies[0].Document.JSON; got != wantDoc {
		t.Errorf("document =\n%s\nwant\n%s", got, wantDoc)
	}
	if f.ManagedPolicies[1].Path != "/" || f.Roles[1].Path != "/" {
		t.Error("default path not applied")
	}
	r := f.Roles[0]
	if r.MaxSessionDuration != 7200 || len(r.InlinePolicies) != 1 || r.PermissionsBoundary != "Boundary" {
		t.Errorf("role = %+v", r)
	}
	if got := r.Tags; len(got) != 2 || got[1] != (iam.Tag{Key: "cost-center", Value: "42"}) {
		t.Errorf("role tags = %v", got)
	}
	// A JSON string is kept verbatim.
	if !strings.HasPrefix(f.Roles[1].TrustPolicy.JSON, "{\n  \"Version\"") {
		t.Errorf("trust policy string not kept: %q", f.Roles[1].TrustPolicy.JSON)
	}
}

func TestLoadEmptyFile(t *testing.T) {
	f, err := Parse(nil, "empty.yaml", ".", Options{})
	if err != nil || len(f.Roles) != 0 {
		t.Fatalf("Parse(empty) = %+v, %v", f, err)
	}
}

// problems parses src and returns the rendered problems.
func problems(t *testing.T, src string, opts Options) []string {
	t.Helper()
	_, err := Parse([]byte(src), "boot.yaml", t.TempDir(), opts)
	var le *LoadError
	if !errors.As(err, &le) {
		t.Fatalf("Parse error = %v, want *LoadError", err)
	}
	out := make([]string, len(le.Problems))
	for i, p := range le.Problems {
		out[i] = p.String()
	}
	return out
}

func wantProblems(t *testing.T, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d problems:\n%s\nwant %d:\n%s", len(got), strings.Join(got, "\n"), len(want), strings.Join(want, "\n"))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("problem %d:\ngot  %s\nwant %s", i, got[i], want[i])
		}
	}
}

// Every semantic problem of the file is reported in one pass, with its
// line, column and schema path.
func TestLoadReportsEveryProblem(t *testing.T) {
	src := `version: 1
oidc_providers:
  - url: http://idp.example.com
    client_ids: [""]
    thumbprints: [abc]
  - url: https://ok.example.com
    jwks_url: https://ok.example.com/keys
    static_jwks: {"keys": []}
  - url: https://ok.example.com
    jwks_file: missing.json
  - client_ids: [a]
managed_policies:
  - name: Read
    document: {Statement: [{Effect: Allow, Action: "s3:GetObject", Resource: "*"}]}
  - name: read
    path: nopath
    document: "{"
roles:
  - name: bad name
    max_session_duration: 60
    trust_policy: {Statement: [{Effect: Allow, Action: "sts:AssumeRoleWithWebIdentity", Resource: "*"}]}
    managed_policies: [Nope, "arn:aws:iam::123456789012:role/x"]
    tags: {"aws:team": x}
  - name: second
  - name: Second
    trust_policy: '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}]}'
    inline_policies:
      "bad name": {Statement: [{Effect: Allow, Action: "*", Resource: "*"}]}
`
	got := problems(t, src, Options{})
	want := []string{
		"boot.yaml:3:10: oidc_providers[0].url: ValidationError: Invalid Open ID Connect Provider URL",
		"boot.yaml:4:17: oidc_providers[0].client_ids: ValidationError: 1 validation error detected: Value at 'clientIDList' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 255, Member must have length greater than or equal to 1]",
		"boot.yaml:5:18: oidc_providers[0].thumbprints: ValidationError: 1 validation error detected: Value at 'thumbprintList' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 40, Member must have length greater than or equal to 40]",
		"boot.yaml:6:5: oidc_providers[1]: set at most one of jwks_url, static_jwks and jwks_file",
		"boot.yaml:9:10: oidc_providers[2].url: duplicate provider ok.example.com (also oidc_providers[1])",
		"boot.yaml:10:16: oidc_providers[2].jwks_file: cannot read the key set: open " + "DIR/missing.json: no such file or directory",
		"boot.yaml:11:5: oidc_providers[3]: url is required",
		"boot.yaml:15:11: managed_policies[1].name: duplicate managed policy name read (also managed_policies[0]; names are case-insensitive)",
		`boot.yaml:16:11: managed_policies[1].path: ValidationError: 1 validation error detected: Value 'nopath' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: ((/[A-Za-z0-9\.,\+@=_-]+)*)/`,
		"boot.yaml:17:15: managed_policies[1].document: MalformedPolicyDocument: This policy contains invalid Json",
		`boot.yaml:19:11: roles[0].name: ValidationError: 1 validation error detected: Value 'bad name' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`,
		"boot.yaml:20:27: roles[0].max_session_duration: ValidationError: 1 validation error detected: Value '60' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600",
		"boot.yaml:23:11: roles[0].tags: InvalidInput: Tag keys starting with 'aws:' are reserved for internal use.",
		"boot.yaml:21:19: roles[0].trust_policy: MalformedPolicyDocument: TRUST",
		"boot.yaml:22:24: roles[0].managed_policies[0]: no managed policy named Nope in managed_policies (give a name from this file or a policy ARN)",
		"boot.yaml:22:30: roles[0].managed_policies[1]: InvalidInput: ARN arn:aws:iam::123456789012:role/x is not valid.",
		"boot.yaml:24:5: roles[1]: trust_policy is required",
		"boot.yaml:25:11: roles[2].name: duplicate role name Second (also roles[1]; names are case-insensitive)",
		`boot.yaml:28:19: roles[2].inline_policies.bad name: ValidationError: 1 validation error detected: Value 'bad name' at 'policyName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`,
	}
	// The temporary directory and the policy parser's message vary.
	for i := range got {
		if strings.Contains(got[i], "open ") {
			got[i] = got[i][:strings.Index(got[i], "open ")+5] + "DIR/" + filepath.Base(got[i][strings.Index(got[i], "open ")+5:])
		}
		if strings.HasPrefix(got[i], "boot.yaml:21:19: roles[0].trust_policy: MalformedPolicyDocument: ") {
			got[i] = "boot.yaml:21:19: roles[0].trust_policy: MalformedPolicyDocument: TRUST"
		}
	}
	wantProblems(t, got, want)
}

// Unknown keys and wrong types are reported with their lines.
func TestLoadStrictDecoding(t *testing.T) {
	src := `roles:
  - name: app
    trust_polcy: {}
    max_session_duration: long
oidc_providers:
  - url: https://idp.example.com
    client_ids: sts
extra: 1
`
	got := problems(t, src, Options{})
	want := []string{
		"boot.yaml:3: field trust_polcy not found in type bootstrap.Role",
		"boot.yaml:4: cannot unmarshal !!str `long` into int",
		"boot.yaml:7: cannot unmarshal !!str `sts` into []string",
		"boot.yaml:8: field extra not found in type bootstrap.File",
	}
	wantProblems(t, got, want)

	wantProblems(t, problems(t, "roles: [\n", Options{}), []string{"boot.yaml:1: did not find expected node content"})
	wantProblems(t, problems(t, "roles:\n  - name: a\n    tags: [x]\n", Options{}), []string{"boot.yaml:3: tags must be a mapping of keys to values"})
	wantProblems(t, problems(t, "roles:\n  - name: a\n    trust_policy: 5\n", Options{}), []string{"boot.yaml:3: expected a mapping or a string holding JSON"})
	wantProblems(t, problems(t, "version: 2\n", Options{}), []string{"boot.yaml:1:10: version: unsupported version 2 (only 1)"})
	wantProblems(t, problems(t, "version: 1\n---\nversion: 1\n", Options{}), []string{"boot.yaml:1:1: the file must hold a single YAML document"})
}

func TestLoadLoopbackOption(t *testing.T) {
	src := "oidc_providers:\n  - url: http://127.0.0.1:9000\n"
	wantProblems(t, problems(t, src, Options{}), []string{"boot.yaml:2:10: oidc_providers[0].url: ValidationError: Invalid Open ID Connect Provider URL"})
	f, err := Parse([]byte(src), "boot.yaml", ".", Options{URL: iam.URLOptions{AllowHTTPLoopback: true}})
	if err != nil || f.OIDCProviders[0].URL != "http://127.0.0.1:9000" {
		t.Fatalf("loopback with option: %+v, %v", f, err)
	}
}

func TestLoadFileErrors(t *testing.T) {
	if _, err := Load(filepath.Join(t.TempDir(), "absent.yaml"), Options{}); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Load(absent) = %v", err)
	}
	big := filepath.Join(t.TempDir(), "big.yaml")
	if err := os.WriteFile(big, make([]byte, MaxFileBytes+1), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(big, Options{}); err == nil || !strings.Contains(err.Error(), "is larger than") {
		t.Fatalf("Load(big) = %v", err)
	}
}

// Aliases cannot expand a small file into a huge document.
func TestLoadAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("managed_policies:\n  - name: p\n    document:\n      A0: &a0 [xxxxxxxxxxxxxxxx, xxxxxxxxxxxxxxxx, xxxxxxxxxxxxxxxx, xxxxxxxxxxxxxxxx]\n")
	for i := 1; i <= 12; i++ {
		prev := "*a" + strconv.Itoa(i-1)
		b.WriteString("      A" + strconv.Itoa(i) + ": &a" + strconv.Itoa(i) + " [" + strings.Repeat(prev+", ", 7) + prev + "]\n")
	}
	_, err := Parse([]byte(b.String()), "bomb.yaml", ".", Options{})
	if err == nil || !strings.Contains(err.Error(), "document larger than 262144 bytes") {
		t.Fatalf("alias bomb: %v", err)
	}
}
