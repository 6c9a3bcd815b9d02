package creds

import "testing"

// A key id published with its account: AWS's own layout (bits 46..7 of
// the first six decoded bytes), the example of Tal Be'ery's note on AWS
// key ids (2023).
func TestAccessKeyIDAccountKnownAnswers(t *testing.T) {
	for id, want := range map[string]string{
		"ASIAY34FZKBOKMUTVV7A": "609629065308",
	} {
		got, ok := AccessKeyIDAccount(id)
		if !ok || got != want {
			t.Errorf("%s: got %q %v, want %s", id, got, ok, want)
		}
	}
}

func TestNewTemporaryAccessKeyIDForRoundTrips(t *testing.T) {
	for _, acct := range []string{"000000000000", "111122223333", "999999999999", "000000000001"} {
		for range 50 {
			id, err := NewTemporaryAccessKeyIDFor(acct)
			if err != nil {
				t.Fatal(err)
			}
			if ClassifyAccessKeyID(id) != AccessKeyTemporary {
				t.Fatalf("%s is not a temporary key id", id)
			}
			if got, ok := AccessKeyIDAccount(id); !ok || got != acct {
				t.Fatalf("%s decodes to %q %v, want %s", id, got, ok, acct)
			}
		}
	}
	for _, bad := range []string{"", "12345678901", "1234567890123", "abcdefghijkl", "-11122223333"} {
		if _, err := NewTemporaryAccessKeyIDFor(bad); err == nil {
			t.Errorf("account %q accepted", bad)
		}
	}
}

func TestAccessKeyIDAccountRejects(t *testing.T) {
	for _, id := range []string{"", "ASIA", "AKIAIOSFODNN7EXAMPLE0", "ABIAY34FZKBOKMUTVV7A", "ASIAy34FZKBOKMUTVV7A", "ASIAY34FZKBOKMUTVV71",
		"ASIA7777777777777777"} { // the last decodes to an account above 999999999999
		if got, ok := AccessKeyIDAccount(id); ok {
			t.Errorf("%q decoded to %s", id, got)
		}
	}
}

func FuzzAccessKeyIDAccount(f *testing.F) {
	f.Add("ASIAY34FZKBOKMUTVV7A")
	f.Add("AKIAIOSFODNN7EXAMPLE")
	f.Fuzz(func(t *testing.T, id string) {
		acct, ok := AccessKeyIDAccount(id)
		if !ok {
			return
		}
		if len(acct) != 12 {
			t.Fatalf("%q decoded to %q", id, acct)
		}
	})
}
