package policycli

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/stsd/stsd/internal/policy"
)

// parseContextEntries accepts what the AWS CLI accepts for
// --context-entries: one JSON array of ContextEntry objects, JSON objects,
// or shorthand words such as
// ContextKeyName=aws:CurrentTime,ContextKeyValues=2019-04-25T11:00:00Z,ContextKeyType=date.
func parseContextEntries(values []string) ([]policy.ContextEntry, error) {
	if len(values) == 1 && strings.HasPrefix(strings.TrimSpace(values[0]), "[") {
		var entries []policy.ContextEntry
		if err := strictJSON(values[0], &entries); err != nil {
			return nil, fmt.Errorf("Error parsing parameter '--context-entries': Invalid JSON: %v", err)
		}
		return entries, nil
	}
	out := make([]policy.ContextEntry, 0, len(values))
	for _, v := range values {
		var e policy.ContextEntry
		if strings.HasPrefix(strings.TrimSpace(v), "{") {
			if err := strictJSON(v, &e); err != nil {
				return nil, fmt.Errorf("Error parsing parameter '--context-entries': Invalid JSON: %v", err)
			}
		} else {
			var err error
			if e, err = parseShorthand(v); err != nil {
				return nil, fmt.Errorf("Error parsing parameter '--context-entries': %v", err)
			}
		}
		out = append(out, e)
	}
	return out, nil
}

func strictJSON(s string, v any) error {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// parseShorthand parses Key=value,Key=v1,v2 with optional single or double
// quotes around values; a bare word continues the previous key's list.
func parseShorthand(s string) (policy.ContextEntry, error) {
	var e policy.ContextEntry
	words, err := splitShorthand(s)
	if err != nil {
		return e, err
	}
	last := ""
	for _, w := range words {
		key, val, ok := strings.Cut(w.text, "=")
		if w.quoted || !ok {
			if last != "ContextKeyValues" {
				return e, fmt.Errorf("Expected: '=', received: ',' for input: %s", s)
			}
			e.ContextKeyValues = append(e.ContextKeyValues, unquote(w.text))
			continue
		}
		val = unquote(val)
		switch key {
		case "ContextKeyName":
			e.ContextKeyName = val
		case "ContextKeyValues":
			e.ContextKeyValues = append(e.ContextKeyValues, val)
		case "ContextKeyType":
			e.ContextKeyType = val
		default:
			return e, fmt.Errorf("Unknown key %q in shorthand for ContextEntry", key)
		}
		last = key
	}
	return e, nil
}

type shorthandWord struct {
	text   string
	quoted bool // the whole word is quoted
}

// splitShorthand splits on commas outside quotes.
func splitShorthand(s string) ([]shorthandWord, error) {
	var words []shorthandWord
	var cur strings.Builder
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			cur.WriteByte(c)
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
			cur.WriteByte(c)
		case c == ',':
			words = append(words, newWord(cur.String()))
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unterminated quote in: %s", s)
	}
	return append(words, newWord(cur.String())), nil
}

func newWord(t string) shorthandWord {
	return shorthandWord{text: t, quoted: len(t) >= 2 && (t[0] == '\'' || t[0] == '"') && t[len(t)-1] == t[0]}
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '\'' || s[0] == '"') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}
