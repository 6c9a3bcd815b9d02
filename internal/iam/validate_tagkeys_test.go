package iam

import (
	"strings"
	"testing"
)

func TestValidateTagKeys(t *testing.T) {
	wantErr(t, ValidateTagKeys([]string{"team", strings.Repeat("k", 128), "a:b/c=d+e-f@g_h.i j"}), 0, "")
	const keySet = "Value at 'tagKeys' failed to satisfy constraint: Member must satisfy constraint: [" +
		"Member must have length less than or equal to 128, Member must have length greater than or equal to 1, " +
		`Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]+]`
	for _, bad := range []string{"", strings.Repeat("k", 129), "bad!"} {
		wantErr(t, ValidateTagKeys([]string{"ok", bad}), KindValidation, "1 validation error detected: "+keySet)
	}
	// Several bad keys are one violation of the list.
	wantErr(t, ValidateTagKeys([]string{"ok", "", strings.Repeat("k", 129), "bad!"}), KindValidation,
		"1 validation error detected: "+keySet)
	keys := make([]string, 51)
	for i := range keys {
		keys[i] = "k"
	}
	wantErr(t, ValidateTagKeys(keys), KindValidation,
		"1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: Member must have length less than or equal to 50")
	keys[50] = "bad#"
	wantErr(t, ValidateTagKeys(keys), KindValidation,
		"2 validation errors detected: Value at 'tagKeys' failed to satisfy constraint: Member must have length less than or equal to 50; "+keySet)
}
