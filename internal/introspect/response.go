package introspect

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/stsd/stsd/internal/strictjson"
)

// Response is an introspection answer (RFC 7662 §2.2). Members the answer
// leaves out are zero; HasExp tells an absent exp from a zero one.
type Response struct {
	// Active is the one required member: whether the token is currently
	// active.
	Active bool
	// Scope is the space-separated "scope" split into its values.
	Scope    []string
	ClientID string
	Username string
	// TokenType is "token_type" (e.g. "Bearer"), not checked.
	TokenType string
	Subject   string
	// Audience is "aud": a string is one value.
	Audience  []string
	Issuer    string
	JTI       string
	ExpiresAt time.Time
	HasExp    bool
	IssuedAt  time.Time
	NotBefore time.Time
}

// jsonLimits bound a response: MaxBodyBytes and a nesting depth well
// beyond any real answer (extension members may hold objects).
var jsonLimits = strictjson.Limits{MaxDepth: 16, MaxBytes: MaxBodyBytes}

// maxNumericDate is the latest NumericDate accepted (year 5138), so that a
// time computed from it cannot overflow.
const maxNumericDate = 1e11

// Parse reads an introspection response body. It fails when the body is
// not one JSON object (duplicate members, invalid UTF-8 and trailing data
// included), when "active" is missing or not a boolean, or when a member
// RFC 7662 defines has the wrong type: strings for scope, client_id,
// username, token_type, sub, iss and jti; a string or an array of strings
// for aud; a non-negative number of seconds for exp, iat and nbf. Other
// members are ignored.
func Parse(body []byte) (*Response, error) {
	obj, err := strictjson.DecodeObject(body, jsonLimits)
	if err != nil {
		return nil, err
	}
	r := &Response{}
	active, ok := obj["active"].(bool)
	if !ok {
		if _, present := obj["active"]; present {
			return nil, errors.New(`"active" is not a boolean`)
		}
		return nil, errors.New(`"active" is missing`)
	}
	r.Active = active
	strs := []struct {
		name string
		dst  *string
	}{
		{"client_id", &r.ClientID}, {"username", &r.Username}, {"token_type", &r.TokenType},
		{"sub", &r.Subject}, {"iss", &r.Issuer}, {"jti", &r.JTI},
	}
	for _, s := range strs {
		if *s.dst, err = optString(obj, s.name); err != nil {
			return nil, err
		}
	}
	scope, err := optString(obj, "scope")
	if err != nil {
		return nil, err
	}
	r.Scope = strings.Fields(scope)
	if r.Audience, err = audience(obj["aud"]); err != nil {
		return nil, err
	}
	if r.ExpiresAt, r.HasExp, err = numericDate(obj, "exp"); err != nil {
		return nil, err
	}
	if r.IssuedAt, _, err = numericDate(obj, "iat"); err != nil {
		return nil, err
	}
	if r.NotBefore, _, err = numericDate(obj, "nbf"); err != nil {
		return nil, err
	}
	return r, nil
}

// optString returns the string member name; absent or null is "".
func optString(obj map[string]any, name string) (string, error) {
	v, ok := obj[name]
	if !ok || v == nil {
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%q is not a string", name)
	}
	return s, nil
}

func audience(v any) ([]string, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string:
		return []string{x}, nil
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, errors.New(`"aud" holds a value that is not a string`)
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, errors.New(`"aud" is neither a string nor an array of strings`)
}

// numericDate reads a NumericDate (RFC 7519 §2: seconds since the epoch,
// possibly fractional; the fraction is dropped).
func numericDate(obj map[string]any, name string) (time.Time, bool, error) {
	v, ok := obj[name]
	if !ok || v == nil {
		return time.Time{}, false, nil
	}
	n, ok := v.(json.Number)
	if !ok {
		return time.Time{}, false, fmt.Errorf("%q is not a number", name)
	}
	f, err := n.Float64()
	if err != nil || math.IsNaN(f) || f < 0 || f > maxNumericDate {
		return time.Time{}, false, fmt.Errorf("%q is not a date in seconds since the epoch", name)
	}
	return time.Unix(int64(f), 0).UTC(), true, nil
}
