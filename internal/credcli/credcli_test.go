package credcli

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stsd/stsd/client/webidentity"
)

func TestParsePolicyARNs(t *testing.T) {
	for in, want := range map[string][]string{
		"arn=arn:aws:iam::123456789012:policy/a":                                {"arn:aws:iam::123456789012:policy/a"},
		"arn:aws:iam::aws:policy/ReadOnlyAccess":                                {"arn:aws:iam::aws:policy/ReadOnlyAccess"},
		`[{"arn":"arn:aws:iam::1:policy/a"},{"arn":"arn:aws:iam::1:policy/b"}]`: {"arn:aws:iam::1:policy/a", "arn:aws:iam::1:policy/b"},
		"arn=not-an-arn": {"not-an-arn"}, // STS judges it
	} {
		got, err := parsePolicyARNs(in)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("parsePolicyARNs(%q) = %v, %v", in, got, err)
		}
	}
	for in, want := range map[string]string{
		"ReadOnly":     `--policy-arns: "ReadOnly" is not arn=ARN, an ARN or a JSON list`,
		`[{"arn":""}]`: `--policy-arns: a JSON entry has no "arn"`,
		`[1]`:          `--policy-arns: "[1]" is not a JSON list of {"arn":…} objects`,
	} {
		if _, err := parsePolicyARNs(in); err == nil || err.Error() != want {
			t.Errorf("parsePolicyARNs(%q): %v, want %q", in, err, want)
		}
	}
}

func TestOptionsFromFlagsAndEnvironment(t *testing.T) {
	env := map[string]string{
		"AWS_ENDPOINT_URL": "http://fallback", "AWS_ENDPOINT_URL_STS": "http://sts", "AWS_ROLE_ARN": "arn:env",
		"AWS_WEB_IDENTITY_TOKEN_FILE": "/env/token", "AWS_ROLE_SESSION_NAME": "env-session",
	}
	e := Env{Getenv: func(k string) string { return env[k] }}
	o, err := (&flags{}).options(e)
	if err != nil || o.Endpoint != "http://sts" || o.RoleARN != "arn:env" || o.RoleSessionName != "env-session" || o.Token != webidentity.TokenFile("/env/token") {
		t.Fatalf("from the environment: %+v %v", o, err)
	}
	f := &flags{endpoint: "http://flag", roleARN: "arn:flag", tokenEnv: "T", duration: 900, providerID: "p",
		policy: `{"Version":"2012-10-17"}`, policyARNs: []string{"arn=arn:a", "arn:b"}}
	o, err = f.options(e)
	if err != nil || o.Endpoint != "http://flag" || o.RoleARN != "arn:flag" || o.RoleSessionName != "env-session" ||
		o.DurationSeconds != 900 || o.ProviderID != "p" || o.Policy != `{"Version":"2012-10-17"}` || !slices.Equal(o.PolicyARNs, []string{"arn:a", "arn:b"}) {
		t.Fatalf("flags: %+v %v", o, err)
	}
	if _, ok := o.Token.(webidentity.TokenEnv); !ok {
		t.Fatalf("token source %T", o.Token)
	}
	delete(env, "AWS_ROLE_SESSION_NAME")
	for _, tc := range []struct {
		f    flags
		want string
	}{
		{flags{gitlab: "X"}, DefaultGitLabSessionName},
		{flags{tokenEnv: "X"}, DefaultSessionName},
	} {
		if o, _ := tc.f.options(e); o.RoleSessionName != tc.want {
			t.Errorf("%+v: session name %q, want %q", tc.f, o.RoleSessionName, tc.want)
		}
	}
	_, err = (&flags{token: "a", tokenFile: "b", tokenEnv: "c", tokenCommand: "d", gitlab: "e", githubActions: true, duration: -1}).options(e)
	want := "ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set: run in a GitHub Actions job with `permissions: id-token: write`\n" +
		"choose one token source, not --web-identity-token and --web-identity-token-file and --token-env and --token-command and --gitlab and --github-actions\n" +
		"--duration-seconds must not be negative"
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v", err)
	}
}

func TestRenderAndChildEnv(t *testing.T) {
	s := &webidentity.Session{AccessKeyID: "ASIA1", SecretAccessKey: "it's", SessionToken: "tok", Expiration: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)}
	out, err := render(s, FormatEnv)
	want := "export AWS_ACCESS_KEY_ID='ASIA1'\nexport AWS_SECRET_ACCESS_KEY='it'\\''s'\nexport AWS_SESSION_TOKEN='tok'\nexport AWS_CREDENTIAL_EXPIRATION='2030-01-02T03:04:05Z'\n"
	if err != nil || string(out) != want {
		t.Fatalf("env =\n%s", out)
	}
	got := childEnv([]string{"PATH=/bin", "AWS_ACCESS_KEY_ID=old", "AWS_SECURITY_TOKEN=old", "AWS_REGION=eu-west-1", "AWS_SESSION_TOKEN_X=keep"}, s)
	wantEnv := []string{"PATH=/bin", "AWS_REGION=eu-west-1", "AWS_SESSION_TOKEN_X=keep", "AWS_ACCESS_KEY_ID=ASIA1",
		"AWS_SECRET_ACCESS_KEY=it's", "AWS_SESSION_TOKEN=tok", "AWS_CREDENTIAL_EXPIRATION=2030-01-02T03:04:05Z"}
	if !slices.Equal(got, wantEnv) {
		t.Fatalf("childEnv = %s", strings.Join(got, " "))
	}
}
