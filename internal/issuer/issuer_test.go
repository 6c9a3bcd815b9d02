package issuer

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/stsd/stsd/internal/secret"
	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/memstore"
	"github.com/stsd/stsd/internal/testutil/testclock"
)

const testURL = "https://sts.example.com"

func newClock() *testclock.Clock { return testclock.New(time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC)) }

func master(b byte) secret.Bytes { return secret.NewBytes(bytes.Repeat([]byte{b}, MasterKeySize)) }

func open(t *testing.T, st store.Store, c *testclock.Clock, logs *bytes.Buffer) *Issuer {
	t.Helper()
	var logger *slog.Logger
	if logs != nil {
		logger = slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	is, err := Open(context.Background(), st, master(7), Options{URL: testURL, Now: c.Now, RotateEvery: 24 * time.Hour, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { is.Close() })
	return is
}

// verify checks token against the issuer's JWKS as a relying party would.
func verify(t *testing.T, is *Issuer, token string) (string, error) {
	t.Helper()
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(is.JWKS(), &set); err != nil {
		t.Fatal(err)
	}
	jws, err := jose.ParseSignedCompact(token, []jose.SignatureAlgorithm{jose.RS256, jose.ES384})
	if err != nil {
		return "", err
	}
	kid := jws.Signatures[0].Header.KeyID
	keys := set.Key(kid)
	if len(keys) != 1 {
		return kid, fmt.Errorf("kid %s not published", kid)
	}
	_, err = jws.Verify(keys[0])
	return kid, err
}

func TestSignVerifiesWithTheJWKS(t *testing.T) {
	is := open(t, memstore.New(), newClock(), nil)
	for _, alg := range Algorithms {
		token, kid, err := is.Sign(alg, []byte(`{"sub":"x"}`))
		if err != nil {
			t.Fatal(err)
		}
		header := strings.Split(token, ".")[0]
		jws, _ := jose.ParseSignedCompact(token, []jose.SignatureAlgorithm{jose.SignatureAlgorithm(alg)})
		if h := jws.Signatures[0].Header; h.Algorithm != alg || h.KeyID != kid || h.ExtraHeaders["typ"] != "JWT" {
			t.Fatalf("%s header %s: %+v", alg, header, h)
		}
		if got, err := verify(t, is, token); err != nil || got != kid {
			t.Fatalf("%s: verify %s: %v", alg, got, err)
		}
	}
	if _, _, err := is.Sign("HS256", nil); err == nil {
		t.Fatal("HS256 signed")
	}
	var set struct {
		Keys []map[string]any `json:"keys"`
	}
	json.Unmarshal(is.JWKS(), &set)
	if len(set.Keys) != 2 {
		t.Fatalf("JWKS has %d keys, want 2", len(set.Keys))
	}
	for _, k := range set.Keys {
		if k["use"] != "sig" || k["d"] != nil || k["p"] != nil || (k["alg"] != RS256 && k["alg"] != ES384) {
			t.Fatalf("JWKS key %v", k)
		}
	}
}

// TestRotationWithOverlap walks one key's life with the clock: published
// PrePublish before it signs, signing for RotateEvery, published Retain
// after its successor took over, then gone from the JWKS and the store.
func TestRotationWithOverlap(t *testing.T) {
	c := newClock()
	st := memstore.New()
	is := open(t, st, c, nil)
	first := is.SigningKeyID(ES384)
	old, _, _ := is.Sign(ES384, []byte(`{}`))

	c.Advance(23*time.Hour - time.Second)
	must(t, is.Maintain(context.Background()))
	if n := len(is.Published()); n != 2 {
		t.Fatalf("rotated early: %v", is.Published())
	}
	c.Advance(time.Second)
	must(t, is.Maintain(context.Background()))
	next := nextKID(t, is, ES384, first)
	if is.SigningKeyID(ES384) != first {
		t.Fatal("the new key signs before its activation")
	}
	must(t, is.Maintain(context.Background())) // idempotent: no third key
	if n := len(is.Published()); n != 4 {
		t.Fatalf("published %v, want 4 keys", is.Published())
	}

	c.Advance(time.Hour)
	if got := is.SigningKeyID(ES384); got != next {
		t.Fatalf("signing with %s, want %s", got, next)
	}
	if _, err := verify(t, is, old); err != nil {
		t.Fatalf("a token of the retired key no longer verifies: %v", err)
	}
	c.Advance(Retain - time.Second)
	must(t, is.Maintain(context.Background()))
	if !slices.Contains(is.Published(), first) {
		t.Fatal("retired key unpublished before Retain")
	}
	c.Advance(time.Second)
	if slices.Contains(is.Published(), first) {
		t.Fatal("retired key still published after Retain")
	}
	if _, err := verify(t, is, old); err == nil {
		t.Fatal("a token of an unpublished key verifies")
	}
	must(t, is.Maintain(context.Background()))
	if _, err := st.Get(context.Background(), keyPath(first)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unpublished key still stored: %v", err)
	}
}

func nextKID(t *testing.T, is *Issuer, alg, not string) string {
	t.Helper()
	for _, kid := range is.Published() {
		if strings.HasPrefix(kid, alg) && kid != not {
			return kid
		}
	}
	t.Fatalf("no new %s key in %v", alg, is.Published())
	return ""
}

// TestNodesShareKeys: two issuers on one store publish the same keys, a
// token signed by one verifies with the other's JWKS, and a rotation on
// one reaches the other through the watch; rotating at once yields one key.
func TestNodesShareKeys(t *testing.T) {
	c := newClock()
	st := memstore.New()
	a := open(t, st, c, nil)
	b := open(t, st, c, nil)
	if !slices.Equal(a.Published(), b.Published()) {
		t.Fatalf("published %v and %v", a.Published(), b.Published())
	}
	token, _, _ := a.Sign(RS256, []byte(`{}`))
	if _, err := verify(t, b, token); err != nil {
		t.Fatal(err)
	}
	c.Advance(23 * time.Hour)
	var wg sync.WaitGroup
	for _, is := range []*Issuer{a, b} {
		wg.Go(func() { must(t, is.Maintain(context.Background())) })
	}
	wg.Wait()
	eventually(t, func() bool { return len(a.Published()) == 4 && slices.Equal(a.Published(), b.Published()) },
		func() string { return fmt.Sprintf("%v and %v", a.Published(), b.Published()) })
	kvs, _, _ := st.List(context.Background(), keysPrefix)
	if len(kvs) != 4 {
		t.Fatalf("%d stored keys, want 4", len(kvs))
	}
}

func eventually(t *testing.T, cond func() bool, what func() string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("never: %s", what())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestMasterKeyMismatch(t *testing.T) {
	st := memstore.New()
	open(t, st, newClock(), nil)
	_, err := Open(context.Background(), st, master(8), Options{URL: testURL})
	if !errors.Is(err, errKeyUnseal) {
		t.Fatalf("got %v", err)
	}
	if _, err := Open(context.Background(), st, secret.NewBytes([]byte("short")), Options{URL: testURL}); err == nil {
		t.Fatal("short master key accepted")
	}
}

// TestSealKeyIsStable pins the key that seals private keys: a value sealed
// by the code as it stood before the derivation moved into
// secret.DeriveAEAD must still open under the same master key.
func TestSealKeyIsStable(t *testing.T) {
	m := make([]byte, MasterKeySize)
	for i := range m {
		m[i] = byte(i)
	}
	aead, err := newSealAEAD(secret.NewBytes(m))
	if err != nil {
		t.Fatal(err)
	}
	sealed, _ := hex.DecodeString("6f402c11f56c9219b3da6196c492a7c34416c4c5933d9dfe54b9c71ba256994ee88e367eaddc23ae13c15e996069b7")
	plain, err := aead.Open(nil, nil, sealed, sealAD("ES384-0123456789abcdef", ES384))
	if err != nil || string(plain) != "PKCS #8 private key" {
		t.Errorf("a key sealed by the earlier code: %v", err)
	}
}

// TestPrivateKeysNeverShow: the store holds sealed keys only, and no
// rendering of a key, the logs or the documents shows private material.
func TestPrivateKeysNeverShow(t *testing.T) {
	var logs bytes.Buffer
	st := memstore.New()
	c := newClock()
	is := open(t, st, c, &logs)
	c.Advance(24 * time.Hour)
	must(t, is.Maintain(context.Background()))
	var rendered bytes.Buffer
	for _, k := range is.state.Load().keys {
		fmt.Fprintf(&rendered, "%v %+v %#v %s", k, k, k, k.private)
		b, _ := json.Marshal(k.private)
		rendered.Write(b)
		slog.New(slog.NewJSONHandler(&rendered, nil)).Info("key", "k", k.private)
	}
	kvs, _, _ := st.List(context.Background(), Prefix)
	for _, kv := range kvs {
		rendered.Write(kv.Value)
	}
	all := rendered.String() + logs.String() + string(is.JWKS()) + string(is.DiscoveryDocument())
	for _, bad := range []string{`"d":`, `"p":`, "PRIVATE KEY", " D:", "Primes", "Precomputed"} {
		if strings.Contains(all, bad) {
			t.Fatalf("private material %q rendered", bad)
		}
	}
}

func TestFederationState(t *testing.T) {
	st := memstore.New()
	c := newClock()
	a := open(t, st, c, nil)
	b := open(t, st, c, nil)
	ctx := context.Background()
	const acct = "111122223333"
	if a.Enabled(acct) {
		t.Fatal("enabled at start")
	}
	if err := a.Disable(ctx, acct); !errors.Is(err, ErrFederationDisabled) {
		t.Fatalf("disable while off: %v", err)
	}
	must(t, a.Enable(ctx, acct))
	if !a.Enabled(acct) {
		t.Fatal("not enabled on the node that enabled it")
	}
	if err := b.Enable(ctx, acct); !errors.Is(err, ErrFederationEnabled) {
		t.Fatalf("enable twice: %v", err)
	}
	eventually(t, func() bool { return b.Enabled(acct) }, func() string { return "other node never saw the enable" })
	must(t, b.Disable(ctx, acct))
	eventually(t, func() bool { return !a.Enabled(acct) }, func() string { return "other node never saw the disable" })
	if a.Enabled("999988887777") {
		t.Fatal("another account enabled")
	}
}

func TestHandler(t *testing.T) {
	is, err := Open(context.Background(), memstore.New(), master(7), Options{URL: "https://idp.example.com/stsd/oidc"})
	if err != nil {
		t.Fatal(err)
	}
	defer is.Close()
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) })
	h := is.Handler(next)
	for _, tc := range []struct {
		method, path string
		status       int
		cache        string
	}{
		{"GET", "/stsd/oidc/.well-known/openid-configuration", 200, "public, max-age=3600"},
		{"GET", "/stsd/oidc/.well-known/jwks.json", 200, "public, max-age=300"},
		{"HEAD", "/stsd/oidc/.well-known/jwks.json", 200, "public, max-age=300"},
		{"POST", "/stsd/oidc/.well-known/jwks.json", 405, ""},
		{"GET", "/.well-known/openid-configuration", 418, ""},
		{"GET", "/", 418, ""},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, nil))
		if rec.Code != tc.status || rec.Header().Get("Cache-Control") != tc.cache {
			t.Fatalf("%s %s: %d %q", tc.method, tc.path, rec.Code, rec.Header().Get("Cache-Control"))
		}
		if tc.method == "HEAD" && rec.Body.Len() != 0 {
			t.Fatal("HEAD has a body")
		}
	}
	var doc map[string]any
	json.Unmarshal(is.DiscoveryDocument(), &doc)
	if doc["issuer"] != "https://idp.example.com/stsd/oidc" || doc["jwks_uri"] != "https://idp.example.com/stsd/oidc/.well-known/jwks.json" {
		t.Fatalf("discovery %v", doc)
	}
}

func TestCheckURL(t *testing.T) {
	for raw, ok := range map[string]bool{
		"https://sts.example.com":           true,
		"https://sts.example.com:8443/oidc": true,
		"http://127.0.0.1:8080":             false,
		"https://sts.example.com/":          false,
		"https://user@sts.example.com":      false,
		"https://sts.example.com?x=1":       false,
		"https://sts.example.com#f":         false,
		"ftp://sts.example.com":             false,
		"sts.example.com":                   false,
		"":                                  false,
	} {
		if err := CheckURL(raw, false); (err == nil) != ok {
			t.Errorf("CheckURL(%q) = %v", raw, err)
		}
	}
	if err := CheckURL("http://127.0.0.1:8080", true); err != nil {
		t.Errorf("http with allowHTTP: %v", err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
