package creds

import (
	"encoding/binary"
	"errors"
	"testing"

	"github.com/stsd/stsd/internal/secret"
)

func userSession(kind SessionKind, user string) *Session {
	s := &Session{
		Kind: kind, AccountID: "123456789012", SessionName: "bob",
		AccessKeyID: "ASIAJ2SOZ7Q4IT5Z3XYM", SecretAccessKey: secret.NewString("Kj8vN0s2hQ9mJ3xZ7pL1cR5tY8uB4eW6aD0fG2iH"),
		IssuedAt: t0, Expiry: t0.Add(12 * 3600e9),
	}
	if user != "" {
		s.UserName, s.UserID, s.UserPath = user, "AIDAEXAMPLEEXAMPLE01", "/team/"
	}
	return s
}

// User and federated sessions keep their kind and user through a seal.
func TestSessionKindsRoundTrip(t *testing.T) {
	fed := userSession(KindFederatedUser, "alice")
	fed.Policy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`
	fed.Tags = []Tag{{"team", "a"}}
	for name, s := range map[string]*Session{
		"user session":            userSession(KindUserSession, "alice"),
		"root session":            userSession(KindUserSession, ""),
		"federated by a user":     fed,
		"federated by the root":   userSession(KindFederatedUser, ""),
		"role session (implicit)": typicalSession(),
	} {
		t.Run(name, func(t *testing.T) {
			got, err := openForTest(t, sealForTest(t, s, SealOptions{}))
			if err != nil {
				t.Fatal(err)
			}
			assertSameSession(t, got, s)
		})
	}
	if got, want := fed.FederatedUserARN(), "arn:aws:sts::123456789012:federated-user/bob"; got != want {
		t.Errorf("FederatedUserARN %s, want %s", got, want)
	}
	if got, want := fed.FederatedUserID(), "123456789012:bob"; got != want {
		t.Errorf("FederatedUserID %s, want %s", got, want)
	}
	if got, want := userSession(KindUserSession, "alice").UserARN(), "arn:aws:iam::123456789012:user/team/alice"; got != want {
		t.Errorf("UserARN %s, want %s", got, want)
	}
	if got, want := userSession(KindUserSession, "").UserARN(), "arn:aws:iam::123456789012:root"; got != want {
		t.Errorf("root UserARN %s, want %s", got, want)
	}
}

// A kind field that says "role session" or names no kind is not one this
// code sealed: the payload is refused.
func TestSessionKindFieldStrict(t *testing.T) {
	base := appendPayload(nil, typicalSession())
	for name, v := range map[string]uint64{"explicit role kind": 0, "unknown kind": 3, "huge": 1 << 40} {
		p := binary.AppendUvarint(append([]byte{}, base...), tagKind)
		var tmp [binary.MaxVarintLen64]byte
		n := binary.PutUvarint(tmp[:], v)
		p = binary.AppendUvarint(p, uint64(n))
		p = append(p, tmp[:n]...)
		if _, err := decodePayload(p); !errors.Is(err, ErrTokenPayload) {
			t.Errorf("%s: got %v, want ErrTokenPayload", name, err)
		}
	}
	if err := validateForSeal(&Session{Kind: 9, AccessKeyID: "A", SecretAccessKey: secret.NewString("x"), IssuedAt: t0, Expiry: t0.Add(1e9)}); err == nil {
		t.Error("an unknown kind was sealed")
	}
}
