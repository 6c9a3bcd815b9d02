package awserr

import "testing"

func TestViolationsMessages(t *testing.T) {
	var v Violations
	if v.Err() != nil {
		t.Fatal("no violations must give nil")
	}
	s := "Session1:2"
	v.Add(&s, "roleSessionName", `Member must satisfy regular expression pattern: [\w+=,.@-]*`)
	want := `1 validation error detected: Value 'Session1:2' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*`
	if e := v.Err(); e.Code != "ValidationError" || e.Status != 400 || e.Message != want {
		t.Errorf("got %s %d %q", e.Code, e.Status, e.Message)
	}
	v.Add(nil, "roleArn", "Member must not be null")
	v.AddHidden("webIdentityToken", "Member must have length greater than or equal to 4")
	want = `3 validation errors detected: Value 'Session1:2' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*; Value null at 'roleArn' failed to satisfy constraint: Member must not be null; Value at 'webIdentityToken' failed to satisfy constraint: Member must have length greater than or equal to 4`
	if got := v.Err().Message; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}
