package creds

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestAccessKeyIDs(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		for prefix, mint := range map[string]func() string{"ASIA": NewTemporaryAccessKeyID, "AKIA": NewLongTermAccessKeyID} {
			id := mint()
			if len(id) != 20 || id[:4] != prefix {
				t.Fatalf("key id %q", id)
			}
			for _, c := range id[4:] {
				if (c < 'A' || c > 'Z') && (c < '2' || c > '7') {
					t.Fatalf("key id %q has %q outside [A-Z2-7]", id, c)
				}
			}
			if seen[id] {
				t.Fatalf("key id %q minted twice", id)
			}
			seen[id] = true
		}
	}
	// Every character of the alphabet shows up in the last position.
	last := map[byte]bool{}
	for range 2000 {
		last[NewTemporaryAccessKeyID()[19]] = true
	}
	if len(last) != 32 {
		t.Errorf("last character took %d values, want 32", len(last))
	}
}

func TestSecretAccessKeys(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		s := NewSecretAccessKey().Reveal()
		if len(s) != 40 {
			t.Fatalf("secret of %d chars", len(s))
		}
		if raw, err := base64.StdEncoding.DecodeString(s); err != nil || len(raw) != 30 {
			t.Fatalf("secret is not base64 of 30 bytes: %v", err)
		}
		if seen[s] {
			t.Fatal("secret minted twice")
		}
		seen[s] = true
	}
}

func TestClassifyAccessKeyID(t *testing.T) {
	tests := []struct {
		id   string
		want AccessKeyKind
	}{
		{NewTemporaryAccessKeyID(), AccessKeyTemporary},
		{NewLongTermAccessKeyID(), AccessKeyLongTerm},
		{"ASIAJ2SOZ7Q4IT5Z3XYM", AccessKeyTemporary},
		{"AKIAIOSFODNN7EXAMPLE", AccessKeyLongTerm},
		{"ASIAJ2SOZ7Q4IT5Z3XY", AccessKeyInvalid},   // 19 chars
		{"ASIAJ2SOZ7Q4IT5Z3XYMM", AccessKeyInvalid}, // 21 chars
		{"ASIAJ2SOZ7Q4IT5Z3XY1", AccessKeyInvalid},  // '1' is not base32
		{"ASIAJ2SOZ7Q4IT5Z3XYm", AccessKeyInvalid},  // lower case
		{"AROAJ2SOZ7Q4IT5Z3XYM", AccessKeyInvalid},  // role id prefix
		{"", AccessKeyInvalid},
	}
	for _, tt := range tests {
		if got := ClassifyAccessKeyID(tt.id); got != tt.want {
			t.Errorf("ClassifyAccessKeyID(%q) = %v, want %v", tt.id, got, tt.want)
		}
	}
}

func TestSessionIdentifiers(t *testing.T) {
	s := typicalSession()
	tests := []struct{ name, got, want string }{
		{"RoleARN", s.RoleARN(), "arn:aws:iam::123456789012:role/ci/deploy"},
		{"AssumedRoleARN", s.AssumedRoleARN(), "arn:aws:sts::123456789012:assumed-role/deploy/github-actions-run-1234567890"},
		{"AssumedRoleID", s.AssumedRoleID(), "AROASBWKLLBJFBLYSYIDR:github-actions-run-1234567890"},
	}
	s2 := typicalSession()
	s2.Partition, s2.RolePath = "aws-cn", ""
	tests = append(tests,
		struct{ name, got, want string }{"RoleARN no path", s2.RoleARN(), "arn:aws-cn:iam::123456789012:role/deploy"},
		struct{ name, got, want string }{"AssumedRoleARN cn", s2.AssumedRoleARN(), "arn:aws-cn:sts::123456789012:assumed-role/deploy/github-actions-run-1234567890"},
	)
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %q, want %q", tt.name, tt.got, tt.want)
		}
	}
	for _, tt := range []struct {
		at   time.Time
		want bool
	}{{t0, false}, {t0.Add(time.Hour - time.Second), false}, {t0.Add(time.Hour), true}, {t0.Add(2 * time.Hour), true}} {
		if got := s.Expired(tt.at); got != tt.want {
			t.Errorf("Expired(%v) = %v", tt.at, got)
		}
	}
}

func TestSessionNeverShowsSecret(t *testing.T) {
	s := fullSession()
	s.SecretAccessKey = NewSecretAccessKey()
	var buf bytes.Buffer
	for _, h := range []slog.Handler{slog.NewJSONHandler(&buf, nil), slog.NewTextHandler(&buf, nil)} {
		slog.New(h).Info("session", "session", s, "value", *s, slog.Group("g", "s", s))
	}
	out, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	buf.Write(out)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		fmt.Fprintf(&buf, verb, s)
		fmt.Fprintf(&buf, verb, *s)
	}
	if strings.Contains(buf.String(), s.SecretAccessKey.Reveal()) {
		t.Fatalf("a rendering of Session shows the secret: %s", buf.String())
	}
	if !strings.Contains(buf.String(), "[REDACTED]") {
		t.Fatal("no redaction marker")
	}
}
