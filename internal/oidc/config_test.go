package oidc

import (
	"context"
	"encoding/pem"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/testutil/fakeidp"
	"github.com/stsd/stsd/internal/testutil/syncio"
)

func TestLoadRootCAs(t *testing.T) {
	clock := newClock()
	idp := fakeidp.New(t, fakeidp.Options{TLS: true, Now: clock.Now})
	dir := t.TempDir()
	caFile := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: idp.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	pool, err := LoadRootCAs(caFile)
	if err != nil {
		t.Fatal(err)
	}
	v := NewVerifier(Config{Now: clock.Now, RootCAs: pool, Logger: quietLogger()})
	t.Cleanup(v.Close)
	if _, err := v.Verify(context.Background(), idp.Mint(idp.Claims("s", testAud)), lookupOf(providerFor(idp))); err != nil {
		t.Fatalf("CA from file: %v", err)
	}

	empty := filepath.Join(dir, "empty.pem")
	os.WriteFile(empty, []byte("not pem"), 0o600)
	for _, f := range []string{empty, filepath.Join(dir, "missing.pem")} {
		if _, err := LoadRootCAs(f); err == nil {
			t.Fatalf("LoadRootCAs(%s) accepted", f)
		}
	}
}

func TestThumbprintMismatchIsObserved(t *testing.T) {
	clock := newClock()
	idp := fakeidp.New(t, fakeidp.Options{TLS: true, Now: clock.Now})
	obs := &countingObserver{}
	v := NewVerifier(Config{Now: clock.Now, RootCAs: x509EmptyPool(), Observer: obs, Logger: quietLogger()})
	t.Cleanup(v.Close)
	prov := providerFor(idp)
	prov.Thumbprints = []string{strings.Repeat("0", 40)}
	_, err := v.Verify(context.Background(), idp.Mint(idp.Claims("s", testAud)), lookupOf(prov))
	wantReason(t, err, ReasonThumbprintMismatch)
	if n := obs.fetchCount(FetchThumbprintMismatch); n != 1 {
		t.Fatalf("thumbprint_mismatch fetches observed = %d", n)
	}
}

func TestKeySetsAreSharedAndPruned(t *testing.T) {
	clock := newClock()
	v := NewVerifier(Config{Now: clock.Now, Logger: quietLogger()})
	t.Cleanup(v.Close)
	a := &Provider{ARN: "arn:aws:iam::111111111111:oidc-provider/x", URL: "https://x.example", Thumbprints: []string{"AB" + strings.Repeat("0", 38)}}
	b := &Provider{ARN: "arn:aws:iam::222222222222:oidc-provider/x", URL: "https://x.example", Thumbprints: []string{"ab" + strings.Repeat("0", 38)}}
	c := &Provider{URL: "https://x.example", JWKSURL: "https://x.example/keys"}
	d := &Provider{URL: "https://x.example", StaticJWKS: []byte(`{"keys":[]}`)}
	if v.keySet(a) != v.keySet(b) {
		t.Fatal("identical key sources in two accounts do not share a key set")
	}
	if v.keySet(a) == v.keySet(c) || v.keySet(c) == v.keySet(d) || v.keySet(a) == v.keySet(d) {
		t.Fatal("different key sources share a key set")
	}
	if v.count != 3 {
		t.Fatalf("count = %d, want 3", v.count)
	}
	v.keySet(a).lastUsed.Store(clock.Now().Unix())
	clock.Advance(25 * time.Hour)
	v.keySet(c).lastUsed.Store(clock.Now().Unix())
	v.mu.Lock()
	v.pruneLocked()
	v.mu.Unlock()
	if v.count != 1 || len((*v.sets.Load())["https://x.example"]) != 1 {
		t.Fatalf("after prune: count %d, sets %v", v.count, *v.sets.Load())
	}
}

func TestLogsNeverContainTokens(t *testing.T) {
	var logs syncio.Buffer
	clock := newClock()
	idp := fakeidp.New(t, fakeidp.Options{Now: clock.Now})
	v := NewVerifier(Config{Now: clock.Now, AllowHTTPIssuers: true, Logger: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	t.Cleanup(v.Close)
	prov := providerFor(idp)
	weak := idp.AddKey("RS256", fakeidp.WithRSABits(1024)) // logged as skipped
	var tokens []string
	verify := func(opts ...fakeidp.MintOption) {
		tok := idp.Mint(idp.Claims("s", testAud), opts...)
		tokens = append(tokens, tok)
		v.Verify(context.Background(), tok, lookupOf(prov))
	}
	verify()
	verify(fakeidp.WithKey(weak))
	idp.SetDown(true)
	clock.Advance(2 * time.Hour)
	verify()
	v.Close()
	out := logs.String()
	if !strings.Contains(out, "oidc key fetch failed") || !strings.Contains(out, "oidc keys skipped") {
		t.Fatalf("expected log lines missing:\n%s", out)
	}
	for _, tok := range tokens {
		for _, part := range strings.Split(tok, ".") {
			if strings.Contains(out, part) {
				t.Fatalf("logs contain a token segment")
			}
		}
	}
}
