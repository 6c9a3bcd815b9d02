package oidc

import (
	"sort"
	"time"
)

// KeySetStatus is what the verifier knows of one provider's keys, for
// operators (the web console's JWKS health): it is read without I/O and
// without creating a key set.
type KeySetStatus struct {
	Issuer  string
	JWKSURL string // "" when keys come from discovery
	Static  bool   // a static JWKS: nothing is fetched
	// Loaded is false until a token for the provider needed its keys (key
	// sets are created and fetched on first use).
	Loaded bool
	// KeyIDs are the usable keys' kids, sorted ("" for a key without kid).
	KeyIDs []string
	// Skipped says which keys of the document were not usable and why.
	Skipped []string
	// FetchedAt is when the cached keys were fetched (zero: never, or a
	// static JWKS); FreshUntil when a background refresh is due;
	// UsableUntil when they stop being used if refreshes keep failing.
	FetchedAt, FreshUntil, UsableUntil time.Time
	// LastError is the last refresh's failure, nil after a success. Its
	// Cause may name URLs and addresses: show it to operators only.
	LastError *Error
}

// KeySets reports the key sets the verifier holds for issuer (usually one;
// providers of several accounts with different key sources have one each).
func (v *Verifier) KeySets(issuer string) []KeySetStatus {
	list := (*v.sets.Load())[issuer]
	out := make([]KeySetStatus, 0, len(list))
	for _, ks := range list {
		out = append(out, ks.status())
	}
	return out
}

func (ks *keySet) status() KeySetStatus {
	st := KeySetStatus{Issuer: ks.issuer, JWKSURL: ks.jwksURL, Static: ks.static}
	ks.mu.Lock()
	st.LastError = ks.lastErr
	ks.mu.Unlock()
	if ks.staticErr != nil {
		st.LastError = ks.staticErr
	}
	cur := ks.current.Load()
	if cur == nil {
		return st
	}
	st.Loaded = true
	st.FetchedAt, st.FreshUntil, st.UsableUntil = cur.fetchedAt, cur.freshUntil, cur.usableUntil
	for kid := range cur.keys.byKID {
		st.KeyIDs = append(st.KeyIDs, kid)
	}
	sort.Strings(st.KeyIDs)
	st.Skipped = append([]string(nil), cur.keys.skipped...)
	return st
}

// TokenHeader is what a token says of itself before verification: its
// header's alg and kid and its unverified claims. It is for explaining a
// token (the console's playground), never for trusting one.
type TokenHeader struct {
	Algorithm string
	KeyID     string
	Issuer    string
	Claims    map[string]any
}

// Inspect runs the checks that need no key (size, serialization, base64url,
// strict JSON, the algorithm allow-list, the header rules) and returns the
// token's header and unverified claims. Failures are *Error, as Verify's.
func Inspect(token string) (*TokenHeader, error) {
	tok, err := parseCompact(token)
	if err != nil {
		return nil, err
	}
	h := &TokenHeader{Algorithm: tok.alg.name, KeyID: tok.kid, Claims: tok.claims}
	h.Issuer, _ = issuerClaim(tok.claims) // an unreadable iss is Verify's to report
	return h, nil
}
