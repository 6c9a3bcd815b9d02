package creds

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/store/memstore"
)

func TestMessageRoundTripAcrossNodes(t *testing.T) {
	st := memstore.New()
	master := newMaster(t)
	c := newClock()
	a := openTestKeyring(t, st, master, c, nil)
	b := openTestKeyring(t, st, master, c, nil)
	plain := []byte(`{"allowed":false,"explicitDeny":true}`)
	enc, err := a.SealMessage(plain)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains([]byte(enc), []byte("explicitDeny")) {
		t.Fatal("the encoded message shows its plaintext")
	}
	for _, k := range []*Keyring{a, b} {
		got, err := k.OpenMessage(t.Context(), enc)
		if err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("OpenMessage = %q, %v", got, err)
		}
	}
}

// A message and a session token are sealed with the same keys but never
// open as each other: the version byte is authenticated.
func TestMessageAndTokenDoNotCrossOpen(t *testing.T) {
	k := openTestKeyring(t, memstore.New(), newMaster(t), newClock(), nil)
	token := mustSeal(t, k, typicalSession())
	if _, err := k.OpenMessage(t.Context(), token); !errors.Is(err, ErrMessageInvalid) {
		t.Errorf("session token opened as a message: %v", err)
	}
	enc, err := k.SealMessage(bytes.Repeat([]byte("x"), 200))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := k.Open(t.Context(), enc); err == nil {
		t.Error("message opened as a session token")
	}
	// Flipping the version byte to the token's does not help either.
	raw, _ := tokenEncoding.DecodeString(enc)
	raw[0] = TokenVersion1
	if _, err := k.Open(t.Context(), tokenEncoding.EncodeToString(raw)); err == nil {
		t.Error("message with a token version byte opened as a token")
	}
}

func TestMessageRejections(t *testing.T) {
	st := memstore.New()
	k := openTestKeyring(t, st, newMaster(t), newClock(), nil)
	other := openTestKeyring(t, memstore.New(), newMaster(t), newClock(), nil)
	enc, err := k.SealMessage([]byte("hello"))
	if err != nil {
		t.Fatal(err)
	}
	fromOther, err := other.SealMessage([]byte("hello"))
	if err != nil {
		t.Fatal(err)
	}
	tampered := []byte(enc) // one ciphertext character changed, still base64url
	if i := len(tampered) / 2; tampered[i] == 'A' {
		tampered[i] = 'B'
	} else {
		tampered[i] = 'A'
	}
	for name, msg := range map[string]string{
		"empty":         "",
		"garbage":       "not a message at all!",
		"padded":        enc + "==",
		"line break":    enc[:10] + "\n" + enc[10:],
		"truncated":     enc[:20],
		"tampered":      string(tampered),
		"other keyring": fromOther,
		"too large":     strings.Repeat("A", MaxMessageSize+1),
	} {
		if _, err := k.OpenMessage(t.Context(), msg); !errors.Is(err, ErrMessageInvalid) {
			t.Errorf("%s: err = %v, want ErrMessageInvalid", name, err)
		}
	}
}

// A message sealed before a rotation opens while the retired key is kept
// and not after.
func TestMessageAfterRotation(t *testing.T) {
	st := memstore.New()
	c := newClock()
	k := openTestKeyring(t, st, newMaster(t), c, nil)
	enc, err := k.SealMessage([]byte("before"))
	if err != nil {
		t.Fatal(err)
	}
	c.Advance(time.Hour)
	if err := k.Rotate(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := k.OpenMessage(t.Context(), enc); err != nil {
		t.Fatalf("within the retired key's window: %v", err)
	}
	c.Advance(13 * time.Hour)
	if _, err := k.OpenMessage(t.Context(), enc); !errors.Is(err, ErrMessageInvalid) {
		t.Fatalf("after the window: %v, want ErrMessageInvalid", err)
	}
}
