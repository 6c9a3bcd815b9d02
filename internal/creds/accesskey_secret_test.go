package creds

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stsd/stsd/internal/secret"
)

func TestSecretWrapperRoundTripAndBinding(t *testing.T) {
	master := secret.NewBytes(bytes.Repeat([]byte{7}, MasterKeySize))
	w, err := NewSecretWrapper(master)
	if err != nil {
		t.Fatal(err)
	}
	sec := NewSecretAccessKey()
	id := NewLongTermAccessKeyID()
	wrapped := w.Wrap(id, sec)
	if bytes.Contains(wrapped, []byte(sec.Reveal())) {
		t.Fatal("wrapped secret contains the secret in clear")
	}
	got, err := w.Unwrap(id, wrapped)
	if err != nil || !got.Equal(sec) {
		t.Fatalf("unwrap: %v", err)
	}
	// Bound to the key id: moving the blob to another key fails.
	if _, err := w.Unwrap(NewLongTermAccessKeyID(), wrapped); err == nil {
		t.Fatal("a wrapped secret opened under another access key id")
	}
	// Another master key does not open it, and the error names no secret.
	other, _ := NewSecretWrapper(secret.NewBytes(bytes.Repeat([]byte{8}, MasterKeySize)))
	_, err = other.Unwrap(id, wrapped)
	if err == nil || strings.Contains(err.Error(), sec.Reveal()) {
		t.Fatalf("other master key: %v", err)
	}
	// Tampering is detected.
	wrapped[len(wrapped)-1] ^= 1
	if _, err := w.Unwrap(id, wrapped); err == nil {
		t.Fatal("tampered wrapped secret opened")
	}
	if _, err := NewSecretWrapper(secret.NewBytes([]byte("short"))); err == nil {
		t.Fatal("short master key accepted")
	}
}
