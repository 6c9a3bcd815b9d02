package secret

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

const plain = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"

var plainBytes = []byte("0123456789abcdef0123456789ABCDEF")

type exported struct {
	Name   string
	Secret String
	Key    Bytes
	Ptr    *String
}

type unexported struct {
	name   string
	secret String
	key    Bytes
}

type nested struct {
	Inner  exported
	inner  unexported
	List   []String
	Map    map[string]String
	Values []any
}

func samples() map[string]any {
	s := NewString(plain)
	b := NewBytes(plainBytes)
	return map[string]any{
		"String":      s,
		"*String":     &s,
		"Bytes":       b,
		"*Bytes":      &b,
		"exported":    exported{Name: "n", Secret: s, Key: b, Ptr: &s},
		"*exported":   &exported{Name: "n", Secret: s, Key: b, Ptr: &s},
		"unexported":  unexported{name: "n", secret: s, key: b},
		"*unexported": &unexported{name: "n", secret: s, key: b},
		"nested": nested{
			Inner:  exported{Secret: s, Key: b},
			inner:  unexported{secret: s, key: b},
			List:   []String{s, s},
			Map:    map[string]String{"k": s},
			Values: []any{s, b, &s},
		},
		"slice": []String{s},
		"map":   map[string]Bytes{"k": b},
	}
}

func assertNoLeak(t *testing.T, what, out string) {
	t.Helper()
	if strings.Contains(out, plain) || strings.Contains(out, string(plainBytes)) ||
		strings.Contains(out, fmt.Sprintf("%x", plainBytes)) || strings.Contains(out, "wJalr") {
		t.Errorf("%s leaked the secret: %s", what, out)
	}
}

func TestFmtNeverReveals(t *testing.T) {
	verbs := []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T", "%10v", "%-20s", "%p"}
	for name, v := range samples() {
		for _, verb := range verbs {
			assertNoLeak(t, name+" "+verb, fmt.Sprintf(verb, v))
		}
		assertNoLeak(t, name+" Sprint", fmt.Sprint(v))
		assertNoLeak(t, name+" Sprintln", fmt.Sprintln(v))
		assertNoLeak(t, name+" Errorf", fmt.Errorf("wrapped: %w", errors.New(fmt.Sprint(v))).Error())
	}
}

func TestFmtShowsMarker(t *testing.T) {
	s := NewString(plain)
	b := NewBytes(plainBytes)
	tests := []struct {
		format string
		arg    any
		want   string
	}{
		{"%v", s, "[REDACTED]"},
		{"%s", s, "[REDACTED]"},
		{"%+v", s, "[REDACTED]"},
		{"%q", s, `"[REDACTED]"`},
		{"%#v", s, `secret.String("[REDACTED]")`},
		{"%x", s, "[REDACTED]"},
		{"%v", &s, "[REDACTED]"},
		{"%v", b, "[REDACTED]"},
		{"%#v", b, `secret.Bytes("[REDACTED]")`},
		{"%v", exported{Name: "n", Secret: s, Key: b}, "{n [REDACTED] [REDACTED] <nil>}"},
		{"%+v", exported{Name: "n", Secret: s, Key: b}, "{Name:n Secret:[REDACTED] Key:[REDACTED] Ptr:<nil>}"},
	}
	for _, tt := range tests {
		if got := fmt.Sprintf(tt.format, tt.arg); got != tt.want {
			t.Errorf("Sprintf(%q) = %q, want %q", tt.format, got, tt.want)
		}
	}
	if got := s.String(); got != Redacted {
		t.Errorf("String() = %q", got)
	}
	if got := s.GoString(); got != `secret.String("[REDACTED]")` {
		t.Errorf("GoString() = %q", got)
	}
}

func TestSlogNeverReveals(t *testing.T) {
	for _, handler := range []string{"json", "text"} {
		t.Run(handler, func(t *testing.T) {
			var buf bytes.Buffer
			var h slog.Handler
			if handler == "json" {
				h = slog.NewJSONHandler(&buf, &slog.HandlerOptions{AddSource: true})
			} else {
				h = slog.NewTextHandler(&buf, nil)
			}
			log := slog.New(h)
			s := NewString(plain)
			b := NewBytes(plainBytes)
			for name, v := range samples() {
				log.Info("sample", "name", name, "value", v)
				log.Info("group", slog.Group("outer", slog.Group("inner", slog.Any("value", v))))
				log.With("attached", v).WithGroup("g").Info("with", "value", v)
			}
			log.Info("direct", "s", s, "b", b, slog.Any("any", s), slog.String("str", s.String()))
			log.LogAttrs(t.Context(), slog.LevelWarn, "attrs", slog.Any("s", s), slog.Any("b", &b))
			out := buf.String()
			assertNoLeak(t, handler, out)
			if !strings.Contains(out, Redacted) {
				t.Errorf("the log does not show the marker: %s", out)
			}
		})
	}
}

func TestJSONNeverReveals(t *testing.T) {
	for name, v := range samples() {
		out, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		assertNoLeak(t, name, string(out))
		indented, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		assertNoLeak(t, name, string(indented))
	}
	out, _ := json.Marshal(exported{Name: "n", Secret: NewString(plain)})
	want := `{"Name":"n","Secret":"[REDACTED]","Key":"[REDACTED]","Ptr":null}`
	if string(out) != want {
		t.Errorf("json = %s, want %s", out, want)
	}
}

func TestTextMarshal(t *testing.T) {
	for _, m := range []interface{ MarshalText() ([]byte, error) }{NewString(plain), NewBytes(plainBytes)} {
		out, err := m.MarshalText()
		if err != nil || string(out) != Redacted {
			t.Errorf("MarshalText = %q, %v", out, err)
		}
	}
}

func TestReveal(t *testing.T) {
	s := NewString(plain)
	if s.Reveal() != plain || s.Len() != len(plain) || s.IsZero() {
		t.Errorf("Reveal/Len/IsZero wrong: %d %v", s.Len(), s.IsZero())
	}
	var zero String
	if zero.Reveal() != "" || !zero.IsZero() || zero.Len() != 0 || !NewString("").IsZero() {
		t.Error("zero String is not empty")
	}
	if !s.Equal(NewString(plain)) || s.Equal(NewString(plain+"x")) || s.Equal(zero) {
		t.Error("String.Equal wrong")
	}

	src := append([]byte(nil), plainBytes...)
	b := NewBytes(src)
	src[0] = 'X' // NewBytes copied
	got := b.Reveal()
	if !bytes.Equal(got, plainBytes) || b.Len() != len(plainBytes) || b.IsZero() {
		t.Errorf("Bytes Reveal = %q", got)
	}
	got[0] = 'Y' // Reveal returns a copy
	if !bytes.Equal(b.Reveal(), plainBytes) {
		t.Error("Reveal exposed the internal slice")
	}
	var zb Bytes
	if zb.Reveal() != nil || !zb.IsZero() || zb.Len() != 0 || !NewBytes(nil).IsZero() {
		t.Error("zero Bytes is not empty")
	}
	if !b.Equal(NewBytes(plainBytes)) || b.Equal(zb) || !zb.Equal(Bytes{}) {
		t.Error("Bytes.Equal wrong")
	}
}
