// Package secret holds values that must never be printed, logged or
// serialised by accident: secret access keys, session tokens, web identity
// tokens and master keys.
//
// String and Bytes redact themselves everywhere a value can leak by
// accident — fmt (every verb, including %v, %+v, %#v, %s, %q and %x),
// log/slog (LogValue), encoding/json and encoding.TextMarshaler — and show
// "[REDACTED]" instead. The value is held by a closure, so even a
// reflection-based printer walking an unexported struct field (fmt does,
// and its bad-verb path dereferences pointers) sees only a function
// address. The one place that must write the value to the wire calls Reveal.
//
// Bytes.DeriveAEAD is the one way stsd turns secret material into an
// encryption key, each use under its own label.
package secret

import (
	"crypto/subtle"
	"fmt"
	"log/slog"
	"strconv"
)

// Redacted is what every accidental rendering of a secret shows.
const Redacted = "[REDACTED]"

// String is a secret text value. The zero value is the empty secret.
// It is not comparable with ==; use Equal (constant time).
type String struct{ reveal func() string }

// NewString wraps value as a secret.
func NewString(value string) String {
	if value == "" {
		return String{}
	}
	return String{reveal: func() string { return value }}
}

// Reveal returns the secret value. Call it only where the value must be
// written to the wire or used in a computation (signing, comparison).
func (s String) Reveal() string {
	if s.reveal == nil {
		return ""
	}
	return s.reveal()
}

// IsZero reports whether the secret is empty.
func (s String) IsZero() bool { return s.reveal == nil }

// Len returns the length of the value in bytes; the length is not secret.
func (s String) Len() int { return len(s.Reveal()) }

// Equal compares two secrets in constant time (for equal lengths).
func (s String) Equal(other String) bool {
	return subtle.ConstantTimeCompare([]byte(s.Reveal()), []byte(other.Reveal())) == 1
}

// String implements fmt.Stringer and never reveals the value.
func (s String) String() string { return Redacted }

// GoString implements fmt.GoStringer and never reveals the value.
func (s String) GoString() string { return "secret.String(" + strconv.Quote(Redacted) + ")" }

// Format implements fmt.Formatter for every verb and never reveals the value.
func (s String) Format(f fmt.State, verb rune) { format(f, verb, "secret.String") }

// LogValue implements slog.LogValuer and never reveals the value.
func (s String) LogValue() slog.Value { return slog.StringValue(Redacted) }

// MarshalJSON implements json.Marshaler and never reveals the value.
func (s String) MarshalJSON() ([]byte, error) { return []byte(strconv.Quote(Redacted)), nil }

// MarshalText implements encoding.TextMarshaler and never reveals the value.
func (s String) MarshalText() ([]byte, error) { return []byte(Redacted), nil }

// Bytes is secret binary material such as a master key. The zero value is
// the empty secret. It is not comparable with ==; use Equal (constant time).
type Bytes struct{ reveal func() []byte }

// NewBytes wraps a copy of value as a secret.
func NewBytes(value []byte) Bytes {
	if len(value) == 0 {
		return Bytes{}
	}
	held := append([]byte(nil), value...)
	return Bytes{reveal: func() []byte { return held }}
}

// Reveal returns a copy of the secret bytes.
func (b Bytes) Reveal() []byte {
	if b.reveal == nil {
		return nil
	}
	return append([]byte(nil), b.reveal()...)
}

// IsZero reports whether the secret is empty.
func (b Bytes) IsZero() bool { return b.reveal == nil }

// Len returns the length of the value in bytes; the length is not secret.
func (b Bytes) Len() int { return len(b.held()) }

// Equal compares two secrets in constant time (for equal lengths).
func (b Bytes) Equal(other Bytes) bool {
	return subtle.ConstantTimeCompare(b.held(), other.held()) == 1
}

// held returns the internal slice without copying (package use only).
func (b Bytes) held() []byte {
	if b.reveal == nil {
		return nil
	}
	return b.reveal()
}

// String implements fmt.Stringer and never reveals the value.
func (b Bytes) String() string { return Redacted }

// GoString implements fmt.GoStringer and never reveals the value.
func (b Bytes) GoString() string { return "secret.Bytes(" + strconv.Quote(Redacted) + ")" }

// Format implements fmt.Formatter for every verb and never reveals the value.
func (b Bytes) Format(f fmt.State, verb rune) { format(f, verb, "secret.Bytes") }

// LogValue implements slog.LogValuer and never reveals the value.
func (b Bytes) LogValue() slog.Value { return slog.StringValue(Redacted) }

// MarshalJSON implements json.Marshaler and never reveals the value.
func (b Bytes) MarshalJSON() ([]byte, error) { return []byte(strconv.Quote(Redacted)), nil }

// MarshalText implements encoding.TextMarshaler and never reveals the value.
func (b Bytes) MarshalText() ([]byte, error) { return []byte(Redacted), nil }

// format writes the redaction marker for any verb: quoted for %q, the
// Go-syntax form for %#v, the bare marker otherwise.
func format(f fmt.State, verb rune, typeName string) {
	out := Redacted
	switch {
	case verb == 'q':
		out = strconv.Quote(Redacted)
	case verb == 'v' && f.Flag('#'):
		out = typeName + "(" + strconv.Quote(Redacted) + ")"
	}
	_, _ = f.Write([]byte(out))
}
