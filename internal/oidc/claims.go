package oidc

import (
	"encoding/json"
	"slices"
	"strconv"
	"time"
)

// clockSkew is AWS's tolerance on exp, nbf and iat.
const clockSkew = 5 * time.Minute

// maxUnixSeconds is 9999-12-31T23:59:59Z; later timestamps are invalid.
const maxUnixSeconds = 253402300799

// checkClaims validates the claim rules that depend only on the token and
// the clock, and builds the identity (returned only after the signature
// verifies). Rules that reveal the provider's configuration — the audience
// list and the maximum age — are in checkProviderRules, applied after the
// signature, so unsigned tokens cannot probe them.
func checkClaims(claims map[string]any, iss string, p *Provider, now time.Time) (*Identity, *Error) {
	aud, err := audienceClaim(claims)
	if err != nil {
		return nil, err
	}
	azp, hasAZP, err := optionalString(claims, "azp")
	if err != nil {
		return nil, err
	}
	effective := azp
	if !hasAZP {
		if len(aud) != 1 {
			return nil, fail(ReasonAmbiguousAudience, "%d aud values and no azp", len(aud))
		}
		effective = aud[0]
	}
	sub, err := subjectClaim(claims)
	if err != nil {
		return nil, err
	}
	iat, _, err := timeClaim(claims, "iat", true)
	if err != nil {
		return nil, err
	}
	exp, _, err := timeClaim(claims, "exp", true)
	if err != nil {
		return nil, err
	}
	nbf, hasNBF, err := timeClaim(claims, "nbf", false)
	if err != nil {
		return nil, err
	}
	amr, err := amrClaim(claims)
	if err != nil {
		return nil, err
	}

	nowSec := now.Unix()
	skew := int64(clockSkew / time.Second)
	if nowSec >= exp+skew {
		return nil, &Error{Reason: ReasonExpired, Now: nowSec, ExpiresAt: exp, Cause: errExpired}
	}
	if hasNBF && nbf > nowSec+skew {
		return nil, claimErr(ReasonNotYetValid, "nbf", "nbf %d is after now %d plus skew", nbf, nowSec)
	}
	if iat > nowSec+skew {
		return nil, claimErr(ReasonIssuedInFuture, "iat", "iat %d is after now %d plus skew", iat, nowSec)
	}

	id := &Identity{
		Provider:         p,
		Issuer:           iss,
		Subject:          sub,
		Audience:         effective,
		OriginalAudience: aud,
		AZP:              azp,
		AMR:              amr,
		IssuedAt:         time.Unix(iat, 0).UTC(),
		Expiry:           time.Unix(exp, 0).UTC(),
		Claims:           claims,
	}
	if hasNBF {
		id.NotBefore = time.Unix(nbf, 0).UTC()
	}
	return id, nil
}

// checkProviderRules applies the provider's client IDs and maximum token
// age to a token whose signature has verified.
func checkProviderRules(id *Identity, p *Provider, now time.Time) *Error {
	if !slices.Contains(p.ClientIDs, id.Audience) {
		return fail(ReasonWrongAudience, "audience is not a registered client ID")
	}
	if p.MaxTokenAge > 0 {
		if age := now.Unix() - id.IssuedAt.Unix(); age > int64(p.MaxTokenAge/time.Second) {
			return &Error{Reason: ReasonTooOld, Age: age, Cause: errTooOld}
		}
	}
	return nil
}

var (
	errExpired = errorString("token expired")
	errTooOld  = errorString("token older than the provider's maximum age")
)

type errorString string

func (e errorString) Error() string { return string(e) }

// issuerClaim returns the raw iss string.
func issuerClaim(claims map[string]any) (string, *Error) {
	v, ok := claims["iss"]
	if !ok {
		return "", claimErr(ReasonMissingClaim, "iss", "iss is absent")
	}
	s, ok := v.(string)
	if !ok {
		return "", claimErr(ReasonInvalidClaim, "iss", "iss is not a string")
	}
	return s, nil
}

// audienceClaim returns aud as a list: a string, or an array of strings
// with at least one element.
func audienceClaim(claims map[string]any) ([]string, *Error) {
	v, ok := claims["aud"]
	if !ok || v == nil {
		return nil, claimErr(ReasonMissingClaim, "aud", "aud is absent")
	}
	switch a := v.(type) {
	case string:
		return []string{a}, nil
	case []any:
		if len(a) == 0 {
			return nil, claimErr(ReasonMissingClaim, "aud", "aud is an empty array")
		}
		out := make([]string, len(a))
		for i, e := range a {
			s, ok := e.(string)
			if !ok {
				return nil, claimErr(ReasonInvalidClaim, "aud", "aud[%d] is not a string", i)
			}
			out[i] = s
		}
		return out, nil
	}
	return nil, claimErr(ReasonInvalidClaim, "aud", "aud is neither a string nor an array")
}

// subjectClaim returns sub; numbers become their JSON text. Absent or
// empty → missing_claim. null, booleans, objects and arrays → invalid_claim,
// which the STS layer answers with InvalidIdentityToken 400.
//
// Two deliberate departures from AWS (sts-contract §4.2 and §5.5, both
// [P], third-party probes of live STS): AWS answers sub:null with
// InternalFailure 500, which every SDK retries although the request can
// never succeed; and AWS accepts an empty sub, which names no one, so
// stsd treats it as missing ("Missing a required claim: sub").
func subjectClaim(claims map[string]any) (string, *Error) {
	v, ok := claims["sub"]
	if !ok {
		return "", claimErr(ReasonMissingClaim, "sub", "sub is absent")
	}
	switch s := v.(type) {
	case string:
		if s == "" {
			return "", claimErr(ReasonMissingClaim, "sub", "sub is empty")
		}
		return s, nil
	case json.Number:
		return string(s), nil
	case nil:
		return "", claimErr(ReasonInvalidClaim, "sub", "sub is null")
	}
	return "", claimErr(ReasonInvalidClaim, "sub", "sub is neither a string nor a number")
}

func optionalString(claims map[string]any, name string) (string, bool, *Error) {
	v, ok := claims[name]
	if !ok {
		return "", false, nil
	}
	s, ok := v.(string)
	if !ok {
		return "", false, claimErr(ReasonInvalidClaim, name, "%s is not a string", name)
	}
	return s, true, nil
}

// timeClaim reads a NumericDate. Only integers are accepted: JSON integers
// and, as AWS does, strings holding a decimal integer. Fractions, exponents,
// negative values and dates after year 9999 are invalid.
func timeClaim(claims map[string]any, name string, required bool) (int64, bool, *Error) {
	v, ok := claims[name]
	if !ok {
		if required {
			return 0, false, claimErr(ReasonMissingClaim, name, "%s is absent", name)
		}
		return 0, false, nil
	}
	var text string
	switch t := v.(type) {
	case json.Number:
		text = string(t)
	case string:
		text = t
	default:
		return 0, false, claimErr(ReasonInvalidClaim, name, "%s is not an integer", name)
	}
	if !isDecimalInteger(text) {
		return 0, false, claimErr(ReasonInvalidClaim, name, "%s is not an integer", name)
	}
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil || n < 0 || n > maxUnixSeconds {
		return 0, false, claimErr(ReasonInvalidClaim, name, "%s is out of range", name)
	}
	return n, true, nil
}

func isDecimalInteger(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// amrClaim reads amr: absent, a string, or an array of strings.
func amrClaim(claims map[string]any) ([]string, *Error) {
	v, ok := claims["amr"]
	if !ok || v == nil {
		return nil, nil
	}
	switch a := v.(type) {
	case string:
		return []string{a}, nil
	case []any:
		out := make([]string, 0, len(a))
		for _, e := range a {
			s, ok := e.(string)
			if !ok {
				return nil, claimErr(ReasonInvalidClaim, "amr", "amr holds a non-string")
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, claimErr(ReasonInvalidClaim, "amr", "amr is neither a string nor an array")
}
