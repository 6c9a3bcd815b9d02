package iam

import (
	"strings"
	"testing"
)

// WireMessage renders an error as the message IAM answers it with. It is
// iamwire.Message, set by wire_message_test.go: iamwire imports iam, so
// only the external test package can reach it.
var WireMessage func(*Error) string

// wantErr checks that err is an *Error of kind (iamwire gives each kind
// its one IAM code) whose message, as IAM answers it, is exactly msg; kind
// 0 wants no error.
func wantErr(t *testing.T, err error, kind Kind, msg string) {
	t.Helper()
	if kind == 0 {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	e, ok := err.(*Error)
	if !ok {
		t.Fatalf("error = %v (%T), want *Error %s", err, err, kind)
	}
	if got := WireMessage(e); e.Kind() != kind || got != msg {
		t.Fatalf("error = %s: %q\nwant    %s: %q", e.Kind(), got, kind, msg)
	}
}

func TestValidateRoleName(t *testing.T) {
	long := strings.Repeat("a", 65)
	tests := []struct {
		name, in string
		kind     Kind
		msg      string
	}{
		{"simple", "app", 0, ""},
		{"all allowed chars", "A_z0+=,.@-", 0, ""},
		{"64 chars", strings.Repeat("r", 64), 0, ""},
		{"empty", "", KindValidation, "1 validation error detected: Value '' at 'roleName' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"too long", long, KindValidation, "1 validation error detected: Value '" + long + "' at 'roleName' failed to satisfy constraint: Member must have length less than or equal to 64"},
		{"slash", "a/b", KindValidation, `1 validation error detected: Value 'a/b' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`},
		{"non-ascii letter", "rôle", KindValidation, `1 validation error detected: Value 'rôle' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`},
		{"too long and bad", long + " ", KindValidation, "2 validation errors detected: Value '" + long + " ' at 'roleName' failed to satisfy constraint: Member must have length less than or equal to 64; Value '" + long + ` ' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantErr(t, ValidateRoleName(tt.in), tt.kind, tt.msg) })
	}
}

func TestValidatePaths(t *testing.T) {
	const pat = `Member must satisfy regular expression pattern: (\u002F)|(\u002F[\u0021-\u007E]+\u002F)`
	tests := []struct {
		in   string
		kind Kind
		msg  string
	}{
		{"/", 0, ""},
		{"/ci/", 0, ""},
		{"/a/b/c/", 0, ""},
		{"///", 0, ""},
		{"", KindValidation, "1 validation error detected: Value '' at 'path' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"//", KindValidation, "1 validation error detected: Value '//' at 'path' failed to satisfy constraint: " + pat},
		{"ci/", KindValidation, "1 validation error detected: Value 'ci/' at 'path' failed to satisfy constraint: " + pat},
		{"/ci", KindValidation, "1 validation error detected: Value '/ci' at 'path' failed to satisfy constraint: " + pat},
		{"/a b/", KindValidation, "1 validation error detected: Value '/a b/' at 'path' failed to satisfy constraint: " + pat},
		{"/" + strings.Repeat("p", 511) + "/", KindValidation, "1 validation error detected: Value '/" + strings.Repeat("p", 511) + "/' at 'path' failed to satisfy constraint: Member must have length less than or equal to 512"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) { wantErr(t, ValidatePath("path", tt.in), tt.kind, tt.msg) })
	}
	const ppat = `Member must satisfy regular expression pattern: ((/[A-Za-z0-9\.,\+@=_-]+)*)/`
	policyPaths := []struct {
		in   string
		kind Kind
		msg  string
	}{
		{"/", 0, ""},
		{"/team-a/ci/", 0, ""},
		{"//", KindValidation, "1 validation error detected: Value '//' at 'path' failed to satisfy constraint: " + ppat},
		{"/a*b/", KindValidation, "1 validation error detected: Value '/a*b/' at 'path' failed to satisfy constraint: " + ppat},
	}
	for _, tt := range policyPaths {
		t.Run("policy"+tt.in, func(t *testing.T) { wantErr(t, ValidatePolicyPath(tt.in), tt.kind, tt.msg) })
	}
}

func TestValidateScalars(t *testing.T) {
	wantErr(t, ValidateMaxSessionDuration(3600), 0, "")
	wantErr(t, ValidateMaxSessionDuration(43200), 0, "")
	wantErr(t, ValidateMaxSessionDuration(3599), KindValidation, "1 validation error detected: Value '3599' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600")
	wantErr(t, ValidateMaxSessionDuration(43201), KindValidation, "1 validation error detected: Value '43201' at 'maxSessionDuration' failed to satisfy constraint: Member must have value less than or equal to 43200")
	wantErr(t, ValidateRoleDescription("Deploys from CI ¡olé!"), 0, "")
	wantErr(t, ValidateRoleDescription("bell\a"), KindValidation, "1 validation error detected: Value 'bell\a' at 'description' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u007E\\u00A1-\\u00FF]*")
	wantErr(t, ValidateRoleDescription(strings.Repeat("d", 1001)), KindValidation, "1 validation error detected: Value '"+strings.Repeat("d", 1001)+"' at 'description' failed to satisfy constraint: Member must have length less than or equal to 1000")
	wantErr(t, ValidatePolicyName("Read-S3"), 0, "")
	wantErr(t, ValidatePolicyName(strings.Repeat("p", 129)), KindValidation, "1 validation error detected: Value '"+strings.Repeat("p", 129)+"' at 'policyName' failed to satisfy constraint: Member must have length less than or equal to 128")
	wantErr(t, ValidateUserName("ops bot"), KindValidation, `1 validation error detected: Value 'ops bot' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`)
}

func TestValidateProviderURL(t *testing.T) {
	const invalid = "Invalid Open ID Connect Provider URL"
	loop := URLOptions{AllowHTTPLoopback: true}
	tests := []struct {
		name, in string
		opts     URLOptions
		kind     Kind
		msg      string
	}{
		{"host", "https://token.actions.githubusercontent.com", URLOptions{}, 0, ""},
		{"path and trailing slash", "https://auth-dev.mozilla.auth0.com/", URLOptions{}, 0, ""},
		{"eks path", "https://oidc.eks.us-east-1.amazonaws.com/id/ABC", URLOptions{}, 0, ""},
		{"port", "https://idp.example.com:8443/realms/x", URLOptions{}, 0, ""},
		{"http loopback allowed", "http://127.0.0.1:9000", loop, 0, ""},
		{"http localhost allowed", "http://localhost:9000/dex", loop, 0, ""},
		{"http ipv6 loopback allowed", "http://[::1]:9000", loop, 0, ""},
		{"http loopback not allowed", "http://127.0.0.1:9000", URLOptions{}, KindValidation, invalid},
		{"http remote even when allowed", "http://idp.example.com", loop, KindValidation, invalid},
		{"no scheme", "idp.example.com", URLOptions{}, KindValidation, invalid},
		{"query", "https://idp.example.com/?a=b", URLOptions{}, KindValidation, invalid},
		{"empty query", "https://idp.example.com/?", URLOptions{}, KindValidation, invalid},
		{"fragment", "https://idp.example.com/#x", URLOptions{}, KindValidation, invalid},
		{"userinfo", "https://u:p@idp.example.com", URLOptions{}, KindValidation, invalid},
		{"no host", "https:///path", URLOptions{}, KindValidation, invalid},
		{"space", "https://idp.example.com/a b", URLOptions{}, KindValidation, invalid},
		{"bad port", "https://idp.example.com:99999", URLOptions{}, KindValidation, invalid},
		{"empty port", "https://idp.example.com:/x", URLOptions{}, KindValidation, invalid},
		{"upper scheme", "HTTPS://idp.example.com", URLOptions{}, KindValidation, invalid},
		// IAM does not echo the URL in its length violations.
		{"empty", "", URLOptions{}, KindValidation, "1 validation error detected: Value at 'url' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"too long", "https://" + strings.Repeat("h", 248), URLOptions{}, KindValidation, "1 validation error detected: Value at 'url' failed to satisfy constraint: Member must have length less than or equal to 255"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantErr(t, ValidateProviderURL(tt.in, tt.opts), tt.kind, tt.msg) })
	}
}

func TestValidateClientIDsAndThumbprints(t *testing.T) {
	ids := make([]string, 101)
	for i := range ids {
		ids[i] = "client"
	}
	wantErr(t, ValidateClientIDs(ids[:100]), 0, "")
	wantErr(t, ValidateClientIDs(ids), KindLimitExceeded, "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100")
	wantErr(t, ValidateClientIDs([]string{""}), KindValidation, "1 validation error detected: Value at 'clientIDList' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 255, Member must have length greater than or equal to 1]")
	wantErr(t, ValidateClientIDs([]string{strings.Repeat("c", 256)}), KindValidation, "1 validation error detected: Value at 'clientIDList' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 255, Member must have length greater than or equal to 1]")

	tp := "9e99a48a9960b14926bb7f3b02e22da2b0ab7280"
	wantErr(t, ValidateThumbprints(nil), 0, "")
	wantErr(t, ValidateThumbprints([]string{tp, strings.ToUpper(tp)}), 0, "")
	wantErr(t, ValidateThumbprints([]string{tp, tp, tp, tp, tp, tp}), KindInvalidInput, "Thumbprint list must contain fewer than 5 entries.")
	wantErr(t, ValidateThumbprints([]string{tp[:39]}), KindValidation, "1 validation error detected: Value at 'thumbprintList' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 40, Member must have length greater than or equal to 40]")
	bad := "zz99a48a9960b14926bb7f3b02e22da2b0ab7280"
	wantErr(t, ValidateThumbprints([]string{bad}), KindInvalidInput, "Thumbprint "+bad+" is not a valid hex-encoded SHA-1 fingerprint.")

	// Model violations of several members come back as one error.
	err := Join(ValidateProviderURL("", URLOptions{}), ValidateClientIDs([]string{""}), ValidateThumbprints([]string{"x"}))
	wantErr(t, err, KindValidation, "3 validation errors detected: Value at 'url' failed to satisfy constraint: Member must have length greater than or equal to 1; Value at 'clientIDList' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 255, Member must have length greater than or equal to 1]; Value at 'thumbprintList' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 40, Member must have length greater than or equal to 40]")
}

func TestValidateTags(t *testing.T) {
	many := make([]Tag, 51)
	for i := range many {
		many[i] = Tag{Key: "k" + strings.Repeat("x", i), Value: "v"}
	}
	tests := []struct {
		name string
		in   []Tag
		kind Kind
		msg  string
	}{
		{"ok", []Tag{{"team", "platform"}, {"Cost Center", "a.b:c/d=e+f-g@h_1"}, {"empty", ""}}, 0, ""},
		{"unicode letters", []Tag{{"équipe", "plateforme"}}, 0, ""},
		{"50", many[:50], 0, ""},
		{"51", many, KindValidation, "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50"},
		{"empty key", []Tag{{"", "v"}}, KindValidation, "1 validation error detected: Value '' at 'tags.1.member.key' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"bad key char", []Tag{{"ok", "v"}, {"a*b", "v"}}, KindValidation, `1 validation error detected: Value 'a*b' at 'tags.2.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]+`},
		{"bad value char", []Tag{{"k", "a#b"}}, KindValidation, `1 validation error detected: Value 'a#b' at 'tags.1.member.value' failed to satisfy constraint: Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]*`},
		{"long value", []Tag{{"k", strings.Repeat("v", 257)}}, KindValidation, "1 validation error detected: Value '" + strings.Repeat("v", 257) + "' at 'tags.1.member.value' failed to satisfy constraint: Member must have length less than or equal to 256"},
		{"aws prefix", []Tag{{"AWS:team", "x"}}, KindInvalidInput, "Tag keys starting with 'aws:' are reserved for internal use."},
		{"duplicate ignoring case", []Tag{{"Team", "a"}, {"team", "b"}}, KindInvalidInput, "Duplicate tag keys found. Please note that Tag keys are case insensitive."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantErr(t, ValidateTags(tt.in), tt.kind, tt.msg) })
	}
}

func TestMergeAndRemoveTags(t *testing.T) {
	got, err := MergeTags([]Tag{{"Team", "a"}, {"env", "dev"}}, []Tag{{"team", "b"}, {"new", "x"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []Tag{{"team", "b"}, {"env", "dev"}, {"new", "x"}}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
	full := make([]Tag, 50)
	for i := range full {
		full[i] = Tag{Key: strings.Repeat("k", i+1)}
	}
	_, err = MergeTags(full, []Tag{{"other", ""}})
	wantErr(t, err, KindLimitExceeded, "The number of tags has reached the maximum limit.")
	if _, err := MergeTags(full, []Tag{{"K", "replaced"}}); err != nil {
		t.Fatalf("replacing at the limit: %v", err)
	}
	left := RemoveTags(want, []string{"TEAM", "absent"})
	if len(left) != 2 || left[0].Key != "env" || left[1].Key != "new" {
		t.Fatalf("RemoveTags = %v", left)
	}
}

func TestValidatePolicyDocumentsAndSizes(t *testing.T) {
	wantErr(t, ValidatePolicyDocument("policyDocument", `{"Version":"2012-10-17"}`), 0, "")
	wantErr(t, ValidatePolicyDocument("policyDocument", ""), KindValidation, "1 validation error detected: Value '' at 'policyDocument' failed to satisfy constraint: Member must have length greater than or equal to 1")
	wantErr(t, ValidatePolicyDocument("assumeRolePolicyDocument", "{\x01}"), KindValidation, "1 validation error detected: Value '{\x01}' at 'assumeRolePolicyDocument' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+")
	// White space does not count toward the quotas.
	doc := `{"a":"` + strings.Repeat("x", 2040) + `"}` // 2,048 non-space characters
	spaced := doc + strings.Repeat(" \n", 500)
	wantErr(t, ValidateTrustPolicySize(spaced), 0, "")
	wantErr(t, ValidateTrustPolicySize(doc+"x"), KindLimitExceeded, "Cannot exceed quota for ACLSizePerRole: 2048")
	wantErr(t, ValidateManagedPolicySize(strings.Repeat("x", 6145)), KindLimitExceeded, "Cannot exceed quota for PolicySize: 6144")
	wantErr(t, ValidateRoleInlinePoliciesSize("app", map[string]string{"a": strings.Repeat("x", 5120), "b": strings.Repeat("y", 5121)}), KindLimitExceeded, "Maximum policy size of 10240 bytes exceeded for role app")
	wantErr(t, CheckPolicy(`{"Version":`), KindMalformedPolicy, "This policy contains invalid Json")
}

func TestValidatePolicyARN(t *testing.T) {
	wantErr(t, ValidatePolicyARN("policyArn", "arn:aws:iam::123456789012:policy/ci/Read"), 0, "")
	wantErr(t, ValidatePolicyARN("policyArn", "arn:aws:iam::aws:policy/ReadOnlyAccess"), 0, "")
	wantErr(t, ValidatePolicyARN("policyArn", "arn:aws:iam::aws:policy/service-role/AWSLambdaRole"), 0, "")
	wantErr(t, ValidatePolicyARN("policyArn", "arn:aws"), KindValidation, "1 validation error detected: Value 'arn:aws' at 'policyArn' failed to satisfy constraint: Member must have length greater than or equal to 20")
	wantErr(t, ValidatePolicyARN("policyArn", "arn:aws:iam::123456789012:role/Read"), KindInvalidInput, "ARN arn:aws:iam::123456789012:role/Read is not valid.")
	wantErr(t, ValidatePolicyARN("policyArn", "arn:aws:iam::12345678901x:policy/Read"), KindInvalidInput, "ARN arn:aws:iam::12345678901x:policy/Read is not valid.")
}

func TestParseARNs(t *testing.T) {
	tests := []struct {
		arn, kind, account, path, name string
		ok                             bool
	}{
		{"arn:aws:iam::123456789012:role/app", "role", "123456789012", "/", "app", true},
		{"arn:aws:iam::123456789012:role/ci/deploy/app", "role", "123456789012", "/ci/deploy/", "app", true},
		{"arn:aws:iam::123456789012:role/", "role", "", "", "", false},
		{"arn:aws:iam::123456789012:rolex/app", "role", "", "", "", false},
		{"arn:aws-cn:iam::123456789012:role/app", "role", "", "", "", false},
		{"arn:aws:sts::123456789012:role/app", "role", "", "", "", false},
		{"arn:aws:iam::1234:role/app", "role", "", "", "", false},
		{"arn:aws:iam::123456789012:user/app", "role", "", "", "", false},
		{"arn:aws:iam::123456789012:policy/p", "policy", "123456789012", "/", "p", true},
	}
	for _, tt := range tests {
		a, p, n, ok := ParseEntityARN(tt.arn, tt.kind)
		if a != tt.account || p != tt.path || n != tt.name || ok != tt.ok {
			t.Errorf("ParseEntityARN(%q) = %q %q %q %v", tt.arn, a, p, n, ok)
		}
	}
	a, hp, ok := ParseProviderARN("arn:aws:iam::123456789012:oidc-provider/auth.example.com/")
	if a != "123456789012" || hp != "auth.example.com/" || !ok {
		t.Errorf("ParseProviderARN = %q %q %v", a, hp, ok)
	}
	if _, _, ok := ParseProviderARN("arn:aws:iam::123456789012:oidc-provider/"); ok {
		t.Error("empty provider accepted")
	}
}

func TestIDs(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		id := NewRoleID()
		if len(id) != 21 || !strings.HasPrefix(id, "AROA") || strings.Trim(id[4:], "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") != "" {
			t.Fatalf("role id %q", id)
		}
		if seen[id] {
			t.Fatalf("duplicate id %q", id)
		}
		seen[id] = true
	}
	if k := NewAccessKeyID(); len(k) != 20 || !strings.HasPrefix(k, "AKIA") {
		t.Fatalf("access key id %q", k)
	}
	if p := NewPolicyID(); len(p) != 21 || !strings.HasPrefix(p, "ANPA") {
		t.Fatalf("policy id %q", p)
	}
}
