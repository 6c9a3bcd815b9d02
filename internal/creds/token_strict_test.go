package creds

import (
	"errors"
	"testing"
)

// One token has one spelling: the decoder would skip CR and LF, so a token
// with a line break anywhere is malformed, not the same token.
func TestOpenRejectsLineBreaks(t *testing.T) {
	good := sealForTest(t, typicalSession(), SealOptions{})
	if _, err := openForTest(t, good); err != nil {
		t.Fatalf("the unaltered token: %v", err)
	}
	for name, tok := range map[string]string{
		"LF inside":        good[:10] + "\n" + good[10:],
		"CR inside":        good[:10] + "\r" + good[10:],
		"CRLF inside":      good[:10] + "\r\n" + good[10:],
		"LF at the end":    good + "\n",
		"LF at the start":  "\n" + good,
		"LF every 76":      wrap(good, 76),
		"only line breaks": "\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := openForTest(t, tok)
			if !errors.Is(err, ErrTokenMalformed) {
				t.Fatalf("error = %v, want %v", err, ErrTokenMalformed)
			}
		})
	}
}

// wrap inserts a line feed every n characters, as MIME encoders do.
func wrap(s string, n int) string {
	var out []byte
	for len(s) > n {
		out = append(out, s[:n]...)
		out = append(out, '\n')
		s = s[n:]
	}
	return string(append(out, s...))
}
