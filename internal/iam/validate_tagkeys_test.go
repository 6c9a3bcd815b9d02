package iam

import (
	"strings"
	"testing"
)

func TestValidateTagKeys(t *testing.T) {
	wantErr(t, ValidateTagKeys([]string{"team", strings.Repeat("k", 128), "a:b/c=d+e-f@g_h.i j"}), "", "")
	long := strings.Repeat("k", 129)
	wantErr(t, ValidateTagKeys([]string{"ok", "", long, "bad!"}), CodeValidationError,
		"3 validation errors detected: "+
			"Value '' at 'tagKeys.2.member' failed to satisfy constraint: Member must have length greater than or equal to 1; "+
			"Value '"+long+"' at 'tagKeys.3.member' failed to satisfy constraint: Member must have length less than or equal to 128; "+
			`Value 'bad!' at 'tagKeys.4.member' failed to satisfy constraint: Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]+`)
	keys := make([]string, 51)
	for i := range keys {
		keys[i] = "k"
	}
	wantErr(t, ValidateTagKeys(keys), CodeValidationError,
		"1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: Member must have length less than or equal to 50")
}
