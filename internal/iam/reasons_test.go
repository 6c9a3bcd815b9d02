package iam

import (
	"reflect"
	"strings"
	"testing"

	"github.com/stsd/stsd/internal/awserr"
)

// TestReasons: every reason has a name and a kind, and no two share a
// name (iamwire's test checks each has a message).
func TestReasons(t *testing.T) {
	if len(reasons) != int(reasonEnd) {
		t.Fatalf("reasons has %d entries, want %d", len(reasons), reasonEnd)
	}
	seen := map[string]Reason{}
	for r := Reason(1); r < reasonEnd; r++ {
		if reasons[r].name == "" || r.Kind() == 0 {
			t.Errorf("reason %d: name %q, kind %s", r, reasons[r].name, r.Kind())
		}
		if other, dup := seen[r.String()]; dup {
			t.Errorf("reasons %d and %d share the name %s", other, r, r)
		}
		seen[r.String()] = r
	}
	// The bucket-policy reasons are the last block, and only it.
	if ReasonStoreFailure.BucketPolicy() || !ReasonInvalidBucketName.BucketPolicy() ||
		!ReasonBucketPolicyConditionKey.BucketPolicy() || reasonEnd.BucketPolicy() || Reason(0).BucketPolicy() {
		t.Error("BucketPolicy() is not true for exactly the bucket-policy block")
	}
}

// TestErrorString: an error reads, in logs, as its kind, reason and values.
func TestErrorString(t *testing.T) {
	for _, tc := range []struct {
		err  *Error
		want string
	}{
		{errNoSuchRole("app").(*Error), `not found: RoleNotFound "app"`},
		{&Error{Reason: ReasonPolicyVersionNotFound, Subject: "arn:aws:iam::123456789012:policy/p", Detail: "v9"},
			`not found: PolicyVersionNotFound "arn:aws:iam::123456789012:policy/p" "v9"`},
		{&Error{Reason: ReasonAccessKeysPerUser}, "limit exceeded: AccessKeysPerUser"},
		{NewValidationError(awserr.Violation{Member: "roleName", Value: "a/b", Constraint: "Member must not contain /"}), "validation: 1 validation error detected: Value 'a/b' at 'roleName' failed to satisfy constraint: Member must not contain /"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}

// TestErrorCarriesNoText guards the split between iam and iamwire: an
// *Error carries its reason and values, never a message — the text is
// iamwire's (a new field here is a deliberate change to this test).
func TestErrorCarriesNoText(t *testing.T) {
	typ := reflect.TypeFor[Error]()
	var fields []string
	for i := range typ.NumField() {
		fields = append(fields, typ.Field(i).Name)
	}
	if got, want := strings.Join(fields, " "), "Reason Subject Detail Violations Cause"; got != want {
		t.Errorf("iam.Error has the fields %s, want %s", got, want)
	}
}
