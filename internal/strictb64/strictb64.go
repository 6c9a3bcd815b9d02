// Package strictb64 decodes base64 that a caller sent, accepting only the
// bytes of the encoding's alphabet (and its padding, where it has one).
//
// encoding/base64 decoders skip '\r' and '\n' anywhere in their input, even
// with Strict, so "QUJD", "QU\nJD" and "QUJD\r\n" decode to the same bytes.
// Where a value's text matters (a session token, a pagination marker) one
// value must have one spelling; DecodeString refuses the line breaks the
// decoder would skip. It is a leaf package: it imports nothing from the
// module.
package strictb64

import (
	"encoding/base64"
	"strings"
)

// DecodeString decodes s with enc, refusing any '\r' or '\n' with a
// base64.CorruptInputError at its offset. Every other byte outside enc's
// alphabet is already refused by enc itself; pass an encoding with Strict
// set to refuse non-zero trailing bits as well.
func DecodeString(enc *base64.Encoding, s string) ([]byte, error) {
	dst := make([]byte, enc.DecodedLen(len(s)))
	n, err := Decode(enc, dst, s)
	if err != nil {
		return nil, err
	}
	return dst[:n], nil
}

// Decode is DecodeString into dst, which must hold enc.DecodedLen(len(s))
// bytes: for callers that decode several values into one buffer.
func Decode(enc *base64.Encoding, dst []byte, s string) (int, error) {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		return 0, base64.CorruptInputError(i)
	}
	return enc.Decode(dst, []byte(s))
}
