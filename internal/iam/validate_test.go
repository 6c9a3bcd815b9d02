package iam

import (
	"strings"
	"testing"
)

func wantErr(t *testing.T, err error, code Code, msg string) {
	t.Helper()
	if code == "" {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	e, ok := err.(*Error)
	if !ok {
		t.Fatalf("error = %v (%T), want *Error %s", err, err, code)
	}
	if e.Code != code || e.Message != msg {
		t.Fatalf("error = %s: %q\nwant    %s: %q", e.Code, e.Message, code, msg)
	}
}

func TestValidateRoleName(t *testing.T) {
	long := strings.Repeat("a", 65)
	tests := []struct {
		name, in string
		code     Code
		msg      string
	}{
		{"simple", "app", "", ""},
		{"all allowed chars", "A_z0+=,.@-", "", ""},
		{"64 chars", strings.Repeat("r", 64), "", ""},
		{"empty", "", CodeValidationError, "1 validation error detected: Value '' at 'roleName' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"too long", long, CodeValidationError, "1 validation error detected: Value '" + long + "' at 'roleName' failed to satisfy constraint: Member must have length less than or equal to 64"},
		{"slash", "a/b", CodeValidationError, `1 validation error detected: Value 'a/b' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`},
		{"non-ascii letter", "rôle", CodeValidationError, `1 validation error detected: Value 'rôle' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`},
		{"too long and bad", long + " ", CodeValidationError, "2 validation errors detected: Value '" + long + " ' at 'roleName' failed to satisfy constraint: Member must have length less than or equal to 64; Value '" + long + ` ' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantErr(t, ValidateRoleName(tt.in), tt.code, tt.msg) })
	}
}

func TestValidatePaths(t *testing.T) {
	const pat = `Member must satisfy regular expression pattern: (\u002F)|(\u002F[\u0021-\u007E]+\u002F)`
	tests := []struct {
		in   string
		code Code
		msg  string
	}{
		{"/", "", ""},
		{"/ci/", "", ""},
		{"/a/b/c/", "", ""},
		{"///", "", ""},
		{"", CodeValidationError, "1 validation error detected: Value '' at 'path' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"//", CodeValidationError, "1 validation error detected: Value '//' at 'path' failed to satisfy constraint: " + pat},
		{"ci/", CodeValidationError, "1 validation error detected: Value 'ci/' at 'path' failed to satisfy constraint: " + pat},
		{"/ci", CodeValidationError, "1 validation error detected: Value '/ci' at 'path' failed to satisfy constraint: " + pat},
		{"/a b/", CodeValidationError, "1 validation error detected: Value '/a b/' at 'path' failed to satisfy constraint: " + pat},
		{"/" + strings.Repeat("p", 511) + "/", CodeValidationError, "1 validation error detected: Value '/" + strings.Repeat("p", 511) + "/' at 'path' failed to satisfy constraint: Member must have length less than or equal to 512"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) { wantErr(t, ValidatePath("path", tt.in), tt.code, tt.msg) })
	}
	const ppat = `Member must satisfy regular expression pattern: ((/[A-Za-z0-9\.,\+@=_-]+)*)/`
	policyPaths := []struct {
		in   string
		code Code
		msg  string
	}{
		{"/", "", ""},
		{"/team-a/ci/", "", ""},
		{"//", CodeValidationError, "1 validation error detected: Value '//' at 'path' failed to satisfy constraint: " + ppat},
		{"/a*b/", CodeValidationError, "1 validation error detected: Value '/a*b/' at 'path' failed to satisfy constraint: " + ppat},
	}
	for _, tt := range policyPaths {
		t.Run("policy"+tt.in, func(t *testing.T) { wantErr(t, ValidatePolicyPath(tt.in), tt.code, tt.msg) })
	}
}

func TestValidateScalars(t *testing.T) {
	wantErr(t, ValidateMaxSessionDuration(3600), "", "")
	wantErr(t, ValidateMaxSessionDuration(43200), "", "")
	wantErr(t, ValidateMaxSessionDuration(3599), CodeValidationError, "1 validation error detected: Value '3599' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600")
	wantErr(t, ValidateMaxSessionDuration(43201), CodeValidationError, "1 validation error detected: Value '43201' at 'maxSessionDuration' failed to satisfy constraint: Member must have value less than or equal to 43200")
	wantErr(t, ValidateRoleDescription("Deploys from CI ¡olé!"), "", "")
	wantErr(t, ValidateRoleDescription("bell\a"), CodeValidationError, "1 validation error detected: Value 'bell\a' at 'description' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u007E\\u00A1-\\u00FF]*")
	wantErr(t, ValidateRoleDescription(strings.Repeat("d", 1001)), CodeValidationError, "1 validation error detected: Value '"+strings.Repeat("d", 1001)+"' at 'description' failed to satisfy constraint: Member must have length less than or equal to 1000")
	wantErr(t, ValidatePolicyName("Read-S3"), "", "")
	wantErr(t, ValidatePolicyName(strings.Repeat("p", 129)), CodeValidationError, "1 validation error detected: Value '"+strings.Repeat("p", 129)+"' at 'policyName' failed to satisfy constraint: Member must have length less than or equal to 128")
	wantErr(t, ValidateUserName("ops bot"), CodeValidationError, `1 validation error detected: Value 'ops bot' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`)
}

func TestValidateProviderURL(t *testing.T) {
	const invalid = "Invalid Open ID Connect Provider URL"
	loop := URLOptions{AllowHTTPLoopback: true}
	tests := []struct {
		name, in string
		opts     URLOptions
		code     Code
		msg      string
	}{
		{"host", "https://token.actions.githubusercontent.com", URLOptions{}, "", ""},
		{"path and trailing slash", "https://auth-dev.mozilla.auth0.com/", URLOptions{}, "", ""},
		{"eks path", "https://oidc.eks.us-east-1.amazonaws.com/id/ABC", URLOptions{}, "", ""},
		{"port", "https://idp.example.com:8443/realms/x", URLOptions{}, "", ""},
		{"http loopback allowed", "http://127.0.0.1:9000", loop, "", ""},
		{"http localhost allowed", "http://localhost:9000/dex", loop, "", ""},
		{"http ipv6 loopback allowed", "http://[::1]:9000", loop, "", ""},
		{"http loopback not allowed", "http://127.0.0.1:9000", URLOptions{}, CodeValidationError, invalid},
		{"http remote even when allowed", "http://idp.example.com", loop, CodeValidationError, invalid},
		{"no scheme", "idp.example.com", URLOptions{}, CodeValidationError, invalid},
		{"query", "https://idp.example.com/?a=b", URLOptions{}, CodeValidationError, invalid},
		{"empty query", "https://idp.example.com/?", URLOptions{}, CodeValidationError, invalid},
		{"fragment", "https://idp.example.com/#x", URLOptions{}, CodeValidationError, invalid},
		{"userinfo", "https://u:p@idp.example.com", URLOptions{}, CodeValidationError, invalid},
		{"no host", "https:///path", URLOptions{}, CodeValidationError, invalid},
		{"space", "https://idp.example.com/a b", URLOptions{}, CodeValidationError, invalid},
		{"bad port", "https://idp.example.com:99999", URLOptions{}, CodeValidationError, invalid},
		{"empty port", "https://idp.example.com:/x", URLOptions{}, CodeValidationError, invalid},
		{"upper scheme", "HTTPS://idp.example.com", URLOptions{}, CodeValidationError, invalid},
		// IAM does not echo the URL in its length violations.
		{"empty", "", URLOptions{}, CodeValidationError, "1 validation error detected: Value at 'url' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"too long", "https://" + strings.Repeat("h", 248), URLOptions{}, CodeValidationError, "1 validation error detected: Value at 'url' failed to satisfy constraint: Member must have length less than or equal to 255"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantErr(t, ValidateProviderURL(tt.in, tt.opts), tt.code, tt.msg) })
	}
}

func TestValidateClientIDsAndThumbprints(t *testing.T) {
	ids := make([]string, 101)
	for i := range ids {
		ids[i] = "client"
	}
	wantErr(t, ValidateClientIDs(ids[:100]), "", "")
	wantErr(t, ValidateClientIDs(ids), CodeLimitExceeded, "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100")
	wantErr(t, ValidateClientIDs([]string{""}), CodeValidationError, "1 validation error detected: Value at 'clientIDList' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 255, Member must have length greater than or equal to 1]")
	wantErr(t, ValidateClientIDs([]string{strings.Repeat("c", 256)}), CodeValidationError, "1 validation error detected: Value at 'clientIDList' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 255, Member must have length greater than or equal to 1]")

	tp := "9e99a48a9960b14926bb7f3b02e22da2b0ab7280"
	wantErr(t, ValidateThumbprints(nil), "", "")
	wantErr(t, ValidateThumbprints([]string{tp, strings.ToUpper(tp)}), "", "")
	wantErr(t, ValidateThumbprints([]string{tp, tp, tp, tp, tp, tp}), CodeInvalidInput, "Thumbprint list must contain fewer than 5 entries.")
	wantErr(t, ValidateThumbprints([]string{tp[:39]}), CodeValidationError, "1 validation error detected: Value at 'thumbprintList' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 40, Member must have length greater than or equal to 40]")
	bad := "zz99a48a9960b14926bb7f3b02e22da2b0ab7280"
	wantErr(t, ValidateThumbprints([]string{bad}), CodeInvalidInput, "Thumbprint "+bad+" is not a valid hex-encoded SHA-1 fingerprint.")

	// Model violations of several members come back as one error.
	err := Join(ValidateProviderURL("", URLOptions{}), ValidateClientIDs([]string{""}), ValidateThumbprints([]string{"x"}))
	wantErr(t, err, CodeValidationError, "3 validation errors detected: Value at 'url' failed to satisfy constraint: Member must have length greater than or equal to 1; Value at 'clientIDList' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 255, Member must have length greater than or equal to 1]; Value at 'thumbprintList' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 40, Member must have length greater than or equal to 40]")
}

func TestValidateTags(t *testing.T) {
	many := make([]Tag, 51)
	for i := range many {
		many[i] = Tag{Key: "k" + strings.Repeat("x", i), Value: "v"}
	}
	tests := []struct {
		name string
		in   []Tag
		code Code
		msg  string
	}{
		{"ok", []Tag{{"team", "platform"}, {"Cost Center", "a.b:c/d=e+f-g@h_1"}, {"empty", ""}}, "", ""},
		{"unicode letters", []Tag{{"équipe", "plateforme"}}, "", ""},
		{"50", many[:50], "", ""},
		{"51", many, CodeValidationError, "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50"},
		{"empty key", []Tag{{"", "v"}}, CodeValidationError, "1 validation error detected: Value '' at 'tags.1.member.key' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"bad key char", []Tag{{"ok", "v"}, {"a*b", "v"}}, CodeValidationError, `1 validation error detected: Value 'a*b' at 'tags.2.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]+`},
		{"bad value char", []Tag{{"k", "a#b"}}, CodeValidationError, `1 validation error detected: Value 'a#b' at 'tags.1.member.value' failed to satisfy constraint: Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]*`},
		{"long value", []Tag{{"k", strings.Repeat("v", 257)}}, CodeValidationError, "1 validation error detected: Value '" + strings.Repeat("v", 257) + "' at 'tags.1.member.value' failed to satisfy constraint: Member must have length less than or equal to 256"},
		{"aws prefix", []Tag{{"AWS:team", "x"}}, CodeInvalidInput, "Tag keys starting with 'aws:' are reserved for internal use."},
		{"duplicate ignoring case", []Tag{{"Team", "a"}, {"team", "b"}}, CodeInvalidInput, "Duplicate tag keys found. Please note that Tag keys are case insensitive."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantErr(t, ValidateTags(tt.in), tt.code, tt.msg) })
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
	wantErr(t, err, CodeLimitExceeded, "The number of tags has reached the maximum limit.")
	if _, err := MergeTags(full, []Tag{{"K", "replaced"}}); err != nil {
		t.Fatalf("replacing at the limit: %v", err)
	}
	left := RemoveTags(want, []string{"TEAM", "absent"})
	if len(left) != 2 || left[0].Key != "env" || left[1].Key != "new" {
		t.Fatalf("RemoveTags = %v", left)
	}
}

func TestValidatePolicyDocumentsAndSizes(t *testing.T) {
	wantErr(t, ValidatePolicyDocument("policyDocument", `{"Version":"2012-10-17"}`), "", "")
	wantErr(t, ValidatePolicyDocument("policyDocument", ""), CodeValidationError, "1 validation error detected: Value '' at 'policyDocument' failed to satisfy constraint: Member must have length greater than or equal to 1")
	wantErr(t, ValidatePolicyDocument("assumeRolePolicyDocument", "{\x01}"), CodeValidationError, "1 validation error detected: Value '{\x01}' at 'assumeRolePolicyDocument' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+")
	// White space does not count toward the quotas.
	doc := `{"a":"` + strings.Repeat("x", 2040) + `"}` // 2,048 non-space characters
	spaced := doc + strings.Repeat(" \n", 500)
	wantErr(t, ValidateTrustPolicySize(spaced), "", "")
	wantErr(t, ValidateTrustPolicySize(doc+"x"), CodeLimitExceeded, "Cannot exceed quota for ACLSizePerRole: 2048")
	wantErr(t, ValidateManagedPolicySize(strings.Repeat("x", 6145)), CodeLimitExceeded, "Cannot exceed quota for PolicySize: 6144")
	wantErr(t, ValidateRoleInlinePoliciesSize("app", map[string]string{"a": strings.Repeat("x", 5120), "b": strings.Repeat("y", 5121)}), CodeLimitExceeded, "Maximum policy size of 10240 bytes exceeded for role app")
	wantErr(t, CheckPolicy(`{"Version":`), CodeMalformedPolicyDocument, "This policy contains invalid Json")
}

func TestValidatePolicyARN(t *testing.T) {
	wantErr(t, ValidatePolicyARN("policyArn", "arn:aws:iam::123456789012:policy/ci/Read"), "", "")
	wantErr(t, ValidatePolicyARN("policyArn", "arn:aws:iam::aws:policy/ReadOnlyAccess"), "", "")
	wantErr(t, ValidatePolicyARN("policyArn", "arn:aws:iam::aws:policy/service-role/AWSLambdaRole"), "", "")
	wantErr(t, ValidatePolicyARN("policyArn", "arn:aws"), CodeValidationError, "1 validation error detected: Value 'arn:aws' at 'policyArn' failed to satisfy constraint: Member must have length greater than or equal to 20")
	wantErr(t, ValidatePolicyARN("policyArn", "arn:aws:iam::123456789012:role/Read"), CodeInvalidInput, "ARN arn:aws:iam::123456789012:role/Read is not valid.")
	wantErr(t, ValidatePolicyARN("policyArn", "arn:aws:iam::12345678901x:policy/Read"), CodeInvalidInput, "ARN arn:aws:iam::12345678901x:policy/Read is not valid.")
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
