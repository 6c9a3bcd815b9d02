package arn

import "testing"

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want ARN
		ok   bool
	}{
		{"arn:aws:iam::123456789012:role/app", ARN{"aws", "iam", "", "123456789012", "role/app"}, true},
		{"arn:aws-cn:sts::123456789012:assumed-role/app/s", ARN{"aws-cn", "sts", "", "123456789012", "assumed-role/app/s"}, true},
		{"arn:aws:s3:::bucket/key", ARN{"aws", "s3", "", "", "bucket/key"}, true},
		{"arn:aws:iam::aws:policy/ReadOnlyAccess", ARN{"aws", "iam", "", "aws", "policy/ReadOnlyAccess"}, true},
		{"arn:aws:lambda:us-east-1:123456789012:function:f:1", ARN{"aws", "lambda", "us-east-1", "123456789012", "function:f:1"}, true},
		{"arn:aws:execute-api:eu-west-1:123456789012:api/stage/GET/a:b", ARN{"aws", "execute-api", "eu-west-1", "123456789012", "api/stage/GET/a:b"}, true},
		// The form only: every field may be empty.
		{"arn:::::", ARN{}, true},
		{"arn:::::x", ARN{Resource: "x"}, true},
		{"arn:Other:IAM:r:acct:", ARN{"Other", "IAM", "r", "acct", ""}, true},
		// Not ARNs.
		{"", ARN{}, false},
		{"arn", ARN{}, false},
		{"arn:", ARN{}, false},
		{"arn::::", ARN{}, false},
		{"arn:aws:iam::123456789012", ARN{}, false},
		{"ARN:aws:iam::123456789012:root", ARN{}, false},
		{" arn:aws:iam::123456789012:root", ARN{}, false},
		{"123456789012", ARN{}, false},
		{"*", ARN{}, false},
	} {
		got, ok := Parse(tc.in)
		if ok != tc.ok || got != tc.want {
			t.Errorf("Parse(%q) = %+v, %v; want %+v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
		if ok && got.String() != tc.in {
			t.Errorf("Parse(%q).String() = %q", tc.in, got.String())
		}
	}
}

func TestIsPartition(t *testing.T) {
	for p, want := range map[string]bool{
		"aws": true, "aws-cn": true, "aws-us-gov": true,
		"": false, "AWS": false, "aws-iso": false, "aws ": false, "other": false,
	} {
		if got := IsPartition(p); got != want {
			t.Errorf("IsPartition(%q) = %v, want %v", p, got, want)
		}
	}
}

func TestEntity(t *testing.T) {
	for _, tc := range []struct {
		in, typ    string
		path, name string
		ok         bool
	}{
		{"arn:aws:iam::123456789012:role/app", "role", "/", "app", true},
		{"arn:aws:iam::123456789012:role/team/ci/app", "role", "/team/ci/", "app", true},
		{"arn:aws:iam::123456789012:user/division_abc/subdivision_xyz/Bob", "user", "/division_abc/subdivision_xyz/", "Bob", true},
		{"arn:aws:iam::123456789012:group/devs", "group", "/", "devs", true},
		{"arn:aws:iam::aws:policy/service-role/AWSLambdaRole", "policy", "/service-role/", "AWSLambdaRole", true},
		{"arn:aws:iam::123456789012:role/a:b", "role", "/", "a:b", true},
		// Partition and account are the caller's to check.
		{"arn:aws-cn:iam::123456789012:role/app", "role", "/", "app", true},
		{"arn:aws:iam::x:role/app", "role", "/", "app", true},
		{"arn:aws:iam::123456789012:role/app", "user", "", "", false},
		{"arn:aws:iam::123456789012:roles/app", "role", "", "", false},
		{"arn:aws:iam::123456789012:role", "role", "", "", false},
		{"arn:aws:iam::123456789012:role/", "role", "", "", false},
		{"arn:aws:iam::123456789012:role/team/", "role", "", "", false},
		{"arn:aws:iam:us-east-1:123456789012:role/app", "role", "", "", false},
		{"arn:aws:sts::123456789012:role/app", "role", "", "", false},
		{"arn:aws:IAM::123456789012:role/app", "role", "", "", false},
		{"arn:aws:iam::123456789012:Role/app", "role", "", "", false},
	} {
		a, ok := Parse(tc.in)
		if !ok {
			t.Fatalf("Parse(%q) failed", tc.in)
		}
		path, name, ok := a.Entity(tc.typ)
		if path != tc.path || name != tc.name || ok != tc.ok {
			t.Errorf("Parse(%q).Entity(%q) = %q, %q, %v; want %q, %q, %v", tc.in, tc.typ, path, name, ok, tc.path, tc.name, tc.ok)
		}
	}
}

func TestOIDCProvider(t *testing.T) {
	for in, want := range map[string]string{
		"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com": "token.actions.githubusercontent.com",
		"arn:aws:iam::123456789012:oidc-provider/idp.example.com:8443/realms/a":       "idp.example.com:8443/realms/a",
		"arn:aws:iam::123456789012:oidc-provider/":                                    "",
		"arn:aws:iam::123456789012:saml-provider/x":                                   "",
		"arn:aws:iam:r:123456789012:oidc-provider/x":                                  "",
		"arn:aws:sts::123456789012:oidc-provider/x":                                   "",
	} {
		a, _ := Parse(in)
		got, ok := a.OIDCProvider()
		if got != want || ok != (want != "") {
			t.Errorf("Parse(%q).OIDCProvider() = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestAssumedRole(t *testing.T) {
	for _, tc := range []struct {
		in, role, session string
		ok                bool
	}{
		{"arn:aws:sts::123456789012:assumed-role/app/s1", "app", "s1", true},
		{"arn:aws-cn:sts::123456789012:assumed-role/app/", "app", "", true},
		{"arn:aws:sts::123456789012:assumed-role/app/a/b", "app", "a/b", true},
		{"arn:aws:sts::123456789012:assumed-role/app", "", "", false},
		{"arn:aws:sts::123456789012:assumed-role//s", "", "", false},
		{"arn:aws:sts::123456789012:federated-user/bob", "", "", false},
		{"arn:aws:iam::123456789012:assumed-role/app/s", "", "", false},
		{"arn:aws:sts:us-east-1:123456789012:assumed-role/app/s", "", "", false},
	} {
		a, _ := Parse(tc.in)
		role, session, ok := a.AssumedRole()
		if role != tc.role || session != tc.session || ok != tc.ok {
			t.Errorf("Parse(%q).AssumedRole() = %q, %q, %v; want %q, %q, %v", tc.in, role, session, ok, tc.role, tc.session, tc.ok)
		}
	}
}

func TestIsRoot(t *testing.T) {
	for in, want := range map[string]bool{
		"arn:aws:iam::123456789012:root":      true,
		"arn:aws-cn:iam::123456789012:root":   true,
		"arn:aws:iam:::root":                  true, // the account is the caller's to check
		"arn:aws:iam::123456789012:root/x":    false,
		"arn:aws:iam::123456789012:user/root": false,
		"arn:aws:sts::123456789012:root":      false,
		"arn:aws:iam:r:123456789012:root":     false,
	} {
		a, _ := Parse(in)
		if got := a.IsRoot(); got != want {
			t.Errorf("Parse(%q).IsRoot() = %v, want %v", in, got, want)
		}
	}
}

// BenchmarkParseRole is the hot path's parse: AssumeRoleWithWebIdentity's
// RoleArn, then the role's path and name.
func BenchmarkParseRole(b *testing.B) {
	s := "arn:aws:iam::123456789012:role/team/ci/role-0500"
	b.ReportAllocs()
	for b.Loop() {
		a, ok := Parse(s)
		if !ok {
			b.Fatal("not parsed")
		}
		if _, _, ok := a.Entity("role"); !ok {
			b.Fatal("not a role")
		}
	}
}
