package iam

import (
	"strings"
	"testing"
)

func TestValidateExistingUserName(t *testing.T) {
	wantErr(t, ValidateExistingUserName(strings.Repeat("u", 128)), 0, "")
	long := strings.Repeat("u", 129)
	wantErr(t, ValidateExistingUserName(long), KindValidation,
		"1 validation error detected: Value '"+long+"' at 'userName' failed to satisfy constraint: Member must have length less than or equal to 128")
	wantErr(t, ValidateExistingUserName("a b"), KindValidation,
		`1 validation error detected: Value 'a b' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`)
}

// A user's inline policies share 2,048 characters, white space not counted.
func TestUserInlinePoliciesSize(t *testing.T) {
	doc := func(n int) string {
		base := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*","Sid":""}]}`
		return strings.Replace(base, `"Sid":""`, `"Sid":"`+strings.Repeat("s", n-len(base))+`"`, 1)
	}
	u := User{Account: "111122223333", Name: "alice", Path: "/", InlinePolicies: map[string]string{"a": doc(1024), "b": doc(1024)}}
	wantErr(t, u.Validate(), 0, "")
	u.InlinePolicies["b"] = doc(1024) + "\n\t  " // white space is free
	wantErr(t, u.Validate(), 0, "")
	u.InlinePolicies["b"] = doc(1025)
	wantErr(t, u.Validate(), KindLimitExceeded, "Maximum policy size of 2048 bytes exceeded for user alice")
}

func TestValidatePathPrefixes(t *testing.T) {
	long := "/" + strings.Repeat("p", 512)
	tests := []struct {
		name string
		err  error
		kind Kind
		msg  string
	}{
		{"root", ValidatePathPrefix("pathPrefix", "/"), 0, ""},
		{"open prefix", ValidatePathPrefix("pathPrefix", "/team/ab"), 0, ""},
		{"DEL allowed", ValidatePathPrefix("pathPrefix", "/a\x7f"), 0, ""},
		{"no slash", ValidatePathPrefix("pathPrefix", "team/"), KindValidation,
			`1 validation error detected: Value 'team/' at 'pathPrefix' failed to satisfy constraint: Member must satisfy regular expression pattern: \u002F[\u0021-\u007F]*`},
		{"space", ValidatePathPrefix("pathPrefix", "/a b/"), KindValidation,
			`1 validation error detected: Value '/a b/' at 'pathPrefix' failed to satisfy constraint: Member must satisfy regular expression pattern: \u002F[\u0021-\u007F]*`},
		{"empty", ValidatePathPrefix("pathPrefix", ""), KindValidation,
			"1 validation error detected: Value '' at 'pathPrefix' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"too long", ValidatePathPrefix("pathPrefix", long), KindValidation,
			"1 validation error detected: Value '" + long + "' at 'pathPrefix' failed to satisfy constraint: Member must have length less than or equal to 512"},
		{"policy root", ValidatePolicyPathPrefix("pathPrefix", "/"), 0, ""},
		{"policy path", ValidatePolicyPathPrefix("pathPrefix", "/team/ops/"), 0, ""},
		{"policy open prefix", ValidatePolicyPathPrefix("pathPrefix", "/team"), KindValidation,
			`1 validation error detected: Value '/team' at 'pathPrefix' failed to satisfy constraint: Member must satisfy regular expression pattern: ((/[A-Za-z0-9\.,\+@=_-]+)*)/`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantErr(t, tt.err, tt.kind, tt.msg) })
	}
}
