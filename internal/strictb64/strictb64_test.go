package strictb64

import (
	"encoding/base64"
	"errors"
	"testing"
)

func TestDecodeString(t *testing.T) {
	strictURL := base64.RawURLEncoding.Strict()
	cases := []struct {
		name  string
		enc   *base64.Encoding
		in    string
		want  string
		errAt int // -1: no error
	}{
		{"valid raw URL", strictURL, "QUJD-_8", "ABC\xfb\xff", -1},
		{"valid padded std", base64.StdEncoding.Strict(), "QUI=", "AB", -1},
		{"empty", strictURL, "", "", -1},
		{"LF", strictURL, "QU\nJD", "", 2},
		{"CR", strictURL, "QUJD\r", "", 4},
		{"CRLF at the start", strictURL, "\r\nQUJD", "", 0},
		{"LF in padding", base64.StdEncoding.Strict(), "QUI=\n", "", 4},
		{"space (the decoder's own refusal)", strictURL, "QU JD", "", 2},
		{"padding in a raw encoding", strictURL, "QUI=", "", 3},
		{"other alphabet", strictURL, "QU+D", "", 2},
		{"trailing bits with Strict", strictURL, "QUJ", "", 2},
		{"trailing bits without Strict", base64.RawURLEncoding, "QUJ", "AB", -1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := DecodeString(c.enc, c.in)
			if c.errAt < 0 {
				if err != nil || string(got) != c.want {
					t.Fatalf("DecodeString(%q) = %q, %v; want %q", c.in, got, err, c.want)
				}
				return
			}
			var ce base64.CorruptInputError
			if !errors.As(err, &ce) || int(ce) != c.errAt {
				t.Fatalf("DecodeString(%q) = %q, %v; want CorruptInputError(%d)", c.in, got, err, c.errAt)
			}
		})
	}
}
