package creds

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/store/memstore"
)

var testKeyID = KeyID{1, 2, 3, 4, 5, 6, 7, 8}

func sealForTest(t testing.TB, s *Session, opts SealOptions) string {
	t.Helper()
	tok, err := sealToken(testKeyID, testAEAD(t, testKeyID), s, opts)
	if err != nil {
		t.Fatalf("seal: %v", err)
	}
	return tok.Reveal()
}

func openForTest(t testing.TB, token string) (*Session, error) {
	raw, id, err := parseToken(token)
	if err != nil {
		return nil, err
	}
	if id != testKeyID {
		return nil, ErrTokenUnknownKey
	}
	return openRaw(testAEAD(t, testKeyID), raw)
}

func TestTokenRoundTrip(t *testing.T) {
	for name, s := range map[string]*Session{"typical": typicalSession(), "full": fullSession()} {
		t.Run(name, func(t *testing.T) {
			tok := sealForTest(t, s, SealOptions{})
			got, err := openForTest(t, tok)
			if err != nil {
				t.Fatalf("open: %v", err)
			}
			assertSameSession(t, got, s)
			if strings.Trim(tok, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != "" {
				t.Errorf("token has characters outside base64url: %q", tok)
			}
			if strings.Contains(tok, s.SecretAccessKey.Reveal()) || strings.Contains(tok, "deploy") {
				t.Error("token shows plaintext")
			}
		})
	}
}

func TestTypicalTokenIsSmall(t *testing.T) {
	tok := sealForTest(t, typicalSession(), SealOptions{})
	if len(tok) > 600 {
		t.Errorf("typical token is %d bytes, want ≤ 600", len(tok))
	}
	t.Logf("typical token: %d bytes", len(tok))
}

func TestSealTruncatesToSeconds(t *testing.T) {
	s := typicalSession()
	s.IssuedAt = t0.Add(700 * time.Millisecond)
	s.Expiry = t0.Add(time.Hour + 300*time.Millisecond)
	got, err := openForTest(t, sealForTest(t, s, SealOptions{}))
	if err != nil {
		t.Fatal(err)
	}
	if !got.IssuedAt.Equal(t0) || !got.Expiry.Equal(t0.Add(time.Hour)) || got.Expiry.Location() != time.UTC {
		t.Errorf("times = %v, %v", got.IssuedAt, got.Expiry)
	}
}

func TestTamperEveryByte(t *testing.T) {
	tok := sealForTest(t, typicalSession(), SealOptions{})
	alphabet := "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	for i := range len(tok) {
		for _, delta := range []int{1, 17, 40} {
			b := []byte(tok)
			b[i] = alphabet[(strings.IndexByte(alphabet, b[i])+delta)%64]
			if _, err := openForTest(t, string(b)); err == nil {
				t.Fatalf("token modified at %d opened", i)
			} else if !errors.As(err, new(*TokenError)) {
				t.Fatalf("modified at %d: error %v is not a *TokenError", i, err)
			}
		}
	}
}

func TestOpenRejects(t *testing.T) {
	good := sealForTest(t, typicalSession(), SealOptions{})
	raw, _, err := parseToken(good)
	if err != nil {
		t.Fatal(err)
	}
	reencode := func(change func([]byte) []byte) string {
		b := change(append([]byte(nil), raw...))
		return tokenEncoding.EncodeToString(b)
	}
	tests := []struct {
		name  string
		token string
		want  error
	}{
		{"empty", "", ErrTokenMalformed},
		{"short", good[:40], ErrTokenMalformed},
		{"truncated to an impossible base64 length", good[:len(good)-(len(good)%4+3)%4], ErrTokenMalformed},
		{"truncated by four", good[:len(good)-4], ErrTokenTampered},
		{"extended", good + "AAAA", ErrTokenTampered},
		{"padding added", good + "=", ErrTokenMalformed},
		{"standard alphabet", strings.NewReplacer("-", "+", "_", "/").Replace(good) + "+", ErrTokenMalformed},
		{"space", good[:10] + " " + good[11:], ErrTokenMalformed},
		{"over the cap", strings.Repeat("A", MaxSessionTokenSize+4), ErrTokenMalformed},
		{"version 0", reencode(func(b []byte) []byte { b[0] = 0; return b }), ErrTokenVersion},
		{"version 2", reencode(func(b []byte) []byte { b[0] = 2; return b }), ErrTokenVersion},
		{"other key id", reencode(func(b []byte) []byte { b[1] ^= 1; return b }), ErrTokenUnknownKey},
		{"flipped tag bit", reencode(func(b []byte) []byte { b[len(b)-1] ^= 1; return b }), ErrTokenTampered},
		{"flipped nonce bit", reencode(func(b []byte) []byte { b[headerSize] ^= 1; return b }), ErrTokenTampered},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := openForTest(t, tt.token)
			if !errors.Is(err, tt.want) {
				t.Fatalf("error = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestKeyIDBoundToSeal(t *testing.T) {
	// Same key material under another id: the id is in the additional data
	// and in the derivation, so the token does not open.
	tok := sealForTest(t, typicalSession(), SealOptions{})
	raw, _, _ := parseToken(tok)
	other := KeyID{9, 9, 9, 9, 9, 9, 9, 9}
	copy(raw[1:headerSize], other[:])
	if _, err := openRaw(testAEAD(t, testKeyID), raw); !errors.Is(err, ErrTokenTampered) {
		t.Fatalf("error = %v, want tampered", err)
	}
}

func TestSealRejects(t *testing.T) {
	tooManyTags := typicalSession()
	for i := range 51 {
		tooManyTags.Tags = append(tooManyTags.Tags, Tag{Key: "k" + string(rune('a'+i%26)) + string(rune('a'+i/26))})
	}
	tooManyTransitive := typicalSession()
	tooManyTransitive.TransitiveTagKeys = make([]string, 51)
	tests := []struct {
		name   string
		change func(*Session)
		opts   SealOptions
		want   string
	}{
		{"no access key", func(s *Session) { s.AccessKeyID = "" }, SealOptions{}, "missing access key id"},
		{"no secret", func(s *Session) { s.SecretAccessKey = tooManyTags.SecretAccessKey; s.SecretAccessKey = zeroSecret() }, SealOptions{}, "missing secret access key"},
		{"expiry before issue", func(s *Session) { s.Expiry = s.IssuedAt }, SealOptions{}, "expiry not after issue time"},
		{"issue before 1970", func(s *Session) { s.IssuedAt = time.Unix(-5, 0) }, SealOptions{}, "issue time out of range"},
		{"expiry after 9999", func(s *Session) { s.Expiry = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }, SealOptions{}, "expiry not after issue time"},
		{"51 tags", func(s *Session) { s.Tags = tooManyTags.Tags }, SealOptions{}, "more than 50 session tags"},
		{"51 transitive keys", func(s *Session) { s.TransitiveTagKeys = tooManyTransitive.TransitiveTagKeys }, SealOptions{}, "more than 50 transitive tag keys"},
		{"negative minimum", nil, SealOptions{MinimumSize: -1}, "minimum token size out of range 0..4096"},
		{"minimum over cap", nil, SealOptions{MinimumSize: 4097}, "minimum token size out of range 0..4096"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := typicalSession()
			if tt.change != nil {
				tt.change(s)
			}
			_, err := sealToken(testKeyID, testAEAD(t, testKeyID), s, tt.opts)
			var se *SessionError
			if !errors.As(err, &se) || se.Reason != tt.want {
				t.Fatalf("error = %v, want SessionError %q", err, tt.want)
			}
			if err.Error() != "creds: cannot seal session: "+tt.want {
				t.Errorf("message = %q", err.Error())
			}
		})
	}
	if _, err := sealToken(testKeyID, testAEAD(t, testKeyID), nil, SealOptions{}); err == nil {
		t.Error("nil session sealed")
	}
}

func TestSizeLimit(t *testing.T) {
	// Grow the policy until the token crosses the cap; the error reports
	// the size and the utilization.
	s := typicalSession()
	base := len(sealForTest(t, s, SealOptions{}))
	for extra := 0; extra < 4096; extra++ {
		s.Policy = strings.Repeat("x", extra)
		tok, err := sealToken(testKeyID, testAEAD(t, testKeyID), s, SealOptions{})
		if err == nil {
			if tok.Len() > MaxSessionTokenSize {
				t.Fatalf("token of %d bytes sealed", tok.Len())
			}
			continue
		}
		var tl *TokenTooLargeError
		if !errors.As(err, &tl) {
			t.Fatalf("error = %v", err)
		}
		if tl.Size != MaxSessionTokenSize+1 && tl.Size != MaxSessionTokenSize+2 {
			t.Errorf("first oversize token reported %d bytes", tl.Size)
		}
		if tl.Limit != MaxSessionTokenSize || tl.Utilization() != 101 {
			t.Errorf("limit %d, utilization %d", tl.Limit, tl.Utilization())
		}
		want := "creds: session token would be " + itoa(tl.Size) + " bytes, over the 4096-byte limit (101% of allotted space)"
		if err.Error() != want {
			t.Errorf("message = %q, want %q", err.Error(), want)
		}
		t.Logf("typical %d bytes; cap reached with a %d-byte policy", base, extra)
		return
	}
	t.Fatal("never hit the cap")
}

func TestPadding(t *testing.T) {
	s := fullSession()
	natural := len(sealForTest(t, s, SealOptions{}))
	for _, min := range []int{0, 1, natural - 1, natural, natural + 1, natural + 2, natural + 3, 1000, 1001, 1002, 1003, 2047, 3000, 4094, 4095, 4096} {
		tok := sealForTest(t, s, SealOptions{MinimumSize: min})
		// Unpadded base64 has no length ≡ 1 (mod 4): such a minimum gets
		// one byte more.
		want := max(natural, min)
		if want%4 == 1 && want > natural {
			want++
		}
		if len(tok) != want {
			t.Errorf("MinimumSize %d: token is %d bytes, want %d", min, len(tok), want)
		}
		got, err := openForTest(t, tok)
		if err != nil {
			t.Fatalf("MinimumSize %d: open: %v", min, err)
		}
		assertSameSession(t, got, s)
	}
}

func TestTokenUtilization(t *testing.T) {
	for _, tt := range []struct{ size, want int }{{0, 0}, {1, 1}, {40, 1}, {41, 2}, {2048, 50}, {4096, 100}, {4097, 101}} {
		if got := TokenUtilization(tt.size); got != tt.want {
			t.Errorf("TokenUtilization(%d) = %d, want %d", tt.size, got, tt.want)
		}
	}
}

func TestPayloadRejects(t *testing.T) {
	good := appendPayload(nil, typicalSession())
	field := func(tag uint64, v string) []byte { return appendField(nil, tag, v) }
	tests := []struct {
		name    string
		payload []byte
	}{
		{"empty", nil},
		{"missing expiry", appendStringField(appendStringField(nil, tagAccessKeyID, "A"), tagSecretAccessKey, "s")},
		{"duplicate account", append(append([]byte(nil), good...), field(tagAccountID, "x")...)},
		{"unknown critical tag", append(append([]byte(nil), good...), field(101, "x")...)},
		{"truncated", good[:len(good)-1]},
		{"length past end", append(append([]byte(nil), good...), 3, 200)},
		{"bad varint", append(append([]byte(nil), good...), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01)},
		{"junk after padding", append(append([]byte(nil), good...), 0, 0, 1)},
		{"bad time", append(appendStringField(nil, tagIssuedAt, "\xff"), good...)},
		{"tag with trailing bytes", append(append([]byte(nil), good...), field(tagTag, "\x01k\x01vX")...)},
		{"duplicate web identity key", append(append([]byte(nil), good...), field(tagWebIdentity, "\x1dtoken.actions.githubusercontent.com:aud")...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := decodePayload(tt.payload); !errors.Is(err, ErrTokenPayload) {
				t.Fatalf("error = %v, want ErrTokenPayload", err)
			}
		})
	}
	// An unknown optional (even) tag is skipped.
	withOptional := append(append([]byte(nil), good...), field(100, "future")...)
	if _, err := decodePayload(withOptional); err != nil {
		t.Errorf("unknown optional tag: %v", err)
	}
}

// FuzzOpen feeds hostile tokens to a real keyring on the memory store: no
// panic, every rejection a *TokenError, and whatever opens is a session.
func FuzzOpen(f *testing.F) {
	k, err := OpenKeyring(f.Context(), memstore.New(), newMaster(f), KeyringOptions{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { k.Close() })
	for _, s := range []*Session{typicalSession(), fullSession()} {
		tok, err := k.Seal(s, SealOptions{})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(tok.Reveal())
		padded, _ := k.Seal(s, SealOptions{MinimumSize: 4096})
		f.Add(padded.Reveal())
	}
	f.Add("")
	f.Add("AQIDBAUGBwg")
	f.Fuzz(func(t *testing.T, token string) {
		s, err := k.Open(t.Context(), token)
		if err != nil {
			if !errors.As(err, new(*TokenError)) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if s.AccessKeyID == "" || s.SecretAccessKey.IsZero() || !s.Expiry.After(s.IssuedAt) {
			t.Fatalf("opened an incomplete session %+v", s)
		}
	})
}

func FuzzDecodePayload(f *testing.F) {
	f.Add(appendPayload(nil, typicalSession()))
	f.Add(appendPayload(nil, fullSession()))
	f.Fuzz(func(t *testing.T, payload []byte) {
		s, err := decodePayload(payload)
		if err != nil {
			if err != ErrTokenPayload {
				t.Fatalf("error %v", err)
			}
			return
		}
		// What decodes re-encodes to a payload that decodes the same way.
		again, err := decodePayload(appendPayload(nil, s))
		if err != nil {
			t.Fatalf("re-encoded payload rejected: %v", err)
		}
		assertSameSession(t, again, s)
	})
}
