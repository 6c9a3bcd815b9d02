package oidc

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/testutil/fakeidp"
)

// The attack matrix of issue 3: each attack is a named test asserting the
// exact rejection reason, and that the error text never carries the token.

func wantRejected(t *testing.T, id *Identity, err error, token string, reason Reason) *Error {
	t.Helper()
	if id != nil {
		t.Fatalf("attack accepted: identity %+v", id)
	}
	oe := wantReason(t, err, reason)
	parts := strings.Split(token, ".")
	for _, p := range parts {
		if len(p) >= 8 && strings.Contains(err.Error(), p) {
			t.Fatalf("error text %q leaks a token segment", err.Error())
		}
	}
	return oe
}

func TestAttackAlgNone(t *testing.T) {
	e := newEnv(t, fakeidp.Options{})
	for _, alg := range []string{"none", "None", "NONE", ""} {
		token := e.idp.Mint(e.claims(), fakeidp.Unsigned(), fakeidp.WithHeader("alg", alg))
		id, err := e.verify(token)
		wantRejected(t, id, err, token, ReasonUnsupportedAlg)
	}
	if n := e.idp.TotalRequests(); n != 0 {
		t.Fatalf("rejected tokens caused %d requests to the IdP", n)
	}
}

func TestAttackHS256WithRSAPublicKeyAsSecret(t *testing.T) {
	e := newEnv(t, fakeidp.Options{})
	pub := e.idp.SigningKey("RS256").Signer.Public()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	jwk, _ := json.Marshal(e.idp.SigningKey("RS256").JWK())
	secrets := map[string][]byte{
		"pem": pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}),
		"der": der,
		"jwk": jwk,
		"n":   []byte(e.idp.SigningKey("RS256").JWK()["n"].(string)),
	}
	for name, secret := range secrets {
		for _, alg := range []string{"HS256", "HS384", "HS512"} {
			t.Run(name+"/"+alg, func(t *testing.T) {
				token := e.idp.Mint(e.claims(), fakeidp.WithHMAC(secret), fakeidp.WithHeader("alg", alg),
					fakeidp.WithHeader("kid", e.idp.SigningKey("RS256").KID))
				id, err := e.verify(token)
				wantRejected(t, id, err, token, ReasonUnsupportedAlg)
			})
		}
	}
}

func TestAttackOtherAlgorithmsRejected(t *testing.T) {
	e := newEnv(t, fakeidp.Options{})
	for _, alg := range []string{"PS256", "PS512", "EdDSA", "ES256K", "RS1", "rs256", "RSA-OAEP", "dir"} {
		token := e.idp.Mint(e.claims(), fakeidp.WithHeader("alg", alg))
		id, err := e.verify(token)
		wantRejected(t, id, err, token, ReasonUnsupportedAlg)
	}
}

func TestAttackKIDOfAnotherProvidersKey(t *testing.T) {
	a := newEnv(t, fakeidp.Options{})
	b := fakeidp.New(t, fakeidp.Options{Now: a.clock.Now})
	provB := providerFor(b)
	lookup := lookupOf(a.prov, provB)
	ctx := context.Background()
	// Warm both key sets.
	for _, tok := range []string{a.idp.Mint(a.claims()), b.Mint(b.Claims("s", testAud))} {
		if _, err := a.v.Verify(ctx, tok, lookup); err != nil {
			t.Fatalf("warm-up: %v", err)
		}
	}
	t.Run("B's kid and key under A's iss", func(t *testing.T) {
		token := b.Mint(a.claims()) // iss = A, signed by B's key with B's kid
		id, err := a.v.Verify(ctx, token, lookup)
		wantRejected(t, id, err, token, ReasonUnknownKID)
	})
	t.Run("A's kid with B's key under A's iss", func(t *testing.T) {
		token := b.Mint(a.claims(), fakeidp.WithHeader("kid", a.idp.SigningKey("RS256").KID))
		id, err := a.v.Verify(ctx, token, lookup)
		wantRejected(t, id, err, token, ReasonBadSignature)
	})
}

func TestAttackJKUAndX5UAreNeverFetched(t *testing.T) {
	e := newEnv(t, fakeidp.Options{})
	watched := fakeidp.New(t, fakeidp.Options{})
	evil := watched.SigningKey("RS256")
	headers := []fakeidp.MintOption{
		fakeidp.WithHeader("jku", watched.JWKSURL()),
		fakeidp.WithHeader("x5u", watched.URL()+"/cert.pem"),
		fakeidp.WithHeader("jwk", evil.JWK()),
		fakeidp.WithHeader("x5c", []string{base64.StdEncoding.EncodeToString([]byte("not a cert"))}),
	}
	t.Run("attacker key", func(t *testing.T) {
		token := e.idp.Mint(e.claims(), append(headers, fakeidp.WithKey(evil))...)
		id, err := e.verify(token)
		wantRejected(t, id, err, token, ReasonUnknownKID)
	})
	t.Run("attacker key under the IdP's kid", func(t *testing.T) {
		token := e.idp.Mint(e.claims(), append(headers, fakeidp.WithKey(evil),
			fakeidp.WithHeader("kid", e.idp.SigningKey("RS256").KID))...)
		id, err := e.verify(token)
		wantRejected(t, id, err, token, ReasonBadSignature)
	})
	t.Run("headers ignored on a genuine token", func(t *testing.T) {
		if _, err := e.verify(e.idp.Mint(e.claims(), headers...)); err != nil {
			t.Fatalf("genuine token with jku/x5u/jwk/x5c: %v", err)
		}
	})
	if n := watched.TotalRequests(); n != 0 {
		t.Fatalf("the jku/x5u server received %d requests", n)
	}
}

func TestAttackJWE(t *testing.T) {
	e := newEnv(t, fakeidp.Options{})
	hdr := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RSA-OAEP","enc":"A256GCM","kid":"k"}`))
	token := hdr + ".ZW5jcnlwdGVka2V5.aXZpdml2aXY.Y2lwaGVydGV4dA.dGFndGFndGFn"
	id, err := e.verify(token)
	oe := wantRejected(t, id, err, token, ReasonMalformed)
	if !strings.Contains(oe.Cause.Error(), "JWE") {
		t.Fatalf("cause = %v", oe.Cause)
	}
	// A three-part token whose header announces encryption is refused too.
	token3 := e.idp.Mint(e.claims(), fakeidp.WithHeader("enc", "A256GCM"))
	id, err = e.verify(token3)
	wantRejected(t, id, err, token3, ReasonMalformed)
}

func TestAttackJSONSerialization(t *testing.T) {
	e := newEnv(t, fakeidp.Options{})
	token := e.idp.Mint(e.claims())
	parts := strings.Split(token, ".")
	js := fmt.Sprintf(`{"payload":%q,"protected":%q,"signature":%q}`, parts[1], parts[0], parts[2])
	id, err := e.verify(js)
	wantRejected(t, id, err, js, ReasonMalformed)
}

func TestAttackSignatureStripped(t *testing.T) {
	e := newEnv(t, fakeidp.Options{})
	token := e.idp.Mint(e.claims())
	parts := strings.Split(token, ".")
	for name, tampered := range map[string]string{
		"empty signature":   parts[0] + "." + parts[1] + ".",
		"no signature part": parts[0] + "." + parts[1],
	} {
		t.Run(name, func(t *testing.T) {
			id, err := e.verify(tampered)
			wantRejected(t, id, err, tampered, ReasonMalformed)
		})
	}
	t.Run("truncated signature", func(t *testing.T) {
		sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
		tampered := parts[0] + "." + parts[1] + "." + base64.RawURLEncoding.EncodeToString(sig[:len(sig)-3])
		id, err := e.verify(tampered)
		wantRejected(t, id, err, tampered, ReasonBadSignature)
	})
}

func TestAttackPayloadAltered(t *testing.T) {
	e := newEnv(t, fakeidp.Options{Algs: []string{"RS256", "ES256"}})
	for _, alg := range []string{"RS256", "ES256"} {
		t.Run(alg, func(t *testing.T) {
			token := e.idp.Mint(e.claims(), fakeidp.WithAlg(alg))
			parts := strings.Split(token, ".")
			claims := e.claims()
			claims["sub"] = "repo:org/admin:ref:refs/heads/main"
			forged, _ := json.Marshal(claims)
			tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString(forged) + "." + parts[2]
			id, err := e.verify(tampered)
			wantRejected(t, id, err, tampered, ReasonBadSignature)
		})
	}
	t.Run("non-canonical base64 padding bits", func(t *testing.T) {
		token := e.idp.Mint(e.claims())
		last := token[len(token)-1]
		// Flip the unused low bits of the final base64 character where possible.
		alt := map[byte]byte{'A': 'B', 'Q': 'R', 'g': 'h', 'w': 'x'}[last]
		if alt == 0 {
			t.Skip("final character carries no padding bits")
		}
		tampered := token[:len(token)-1] + string(alt)
		id, err := e.verify(tampered)
		wantRejected(t, id, err, tampered, ReasonMalformed)
	})
}

func TestAttackDuplicateClaimKeys(t *testing.T) {
	e := newEnv(t, fakeidp.Options{})
	now := e.clock.Now().Unix()
	base := fmt.Sprintf(`"iss":%q,"aud":%q,"iat":%d,"exp":%d`, e.idp.Issuer(), testAud, now, now+3600)
	payloads := map[string]string{
		"sub twice":            `{` + base + `,"sub":"repo:org/app","sub":"repo:org/admin"}`,
		"escaped duplicate":    `{` + base + `,"sub":"repo:org/app","s\u0075b":"repo:org/admin"}`,
		"aud twice":            `{` + base + `,"sub":"x","aud":"other"}`,
		"nested duplicate":     `{` + base + `,"sub":"x","https://aws.amazon.com/tags":{"principal_tags":{"a":["1"]},"principal_tags":{"a":["2"]}}}`,
		"iss twice same value": `{` + base + `,"sub":"x","iss":` + fmt.Sprintf("%q", e.idp.Issuer()) + `}`,
	}
	for name, payload := range payloads {
		t.Run(name, func(t *testing.T) {
			token := e.idp.Mint(nil, fakeidp.WithRawPayload([]byte(payload)))
			id, err := e.verify(token)
			oe := wantRejected(t, id, err, token, ReasonMalformed)
			if !strings.Contains(oe.Cause.Error(), "duplicate") {
				t.Fatalf("cause = %v", oe.Cause)
			}
		})
	}
	t.Run("duplicate header member", func(t *testing.T) {
		key := e.idp.SigningKey("RS256")
		token := e.idp.Mint(e.claims())
		hdr := fmt.Sprintf(`{"alg":"RS256","kid":%q,"kid":"other"}`, key.KID)
		forged := base64.RawURLEncoding.EncodeToString([]byte(hdr)) + token[strings.IndexByte(token, '.'):]
		id, err := e.verify(forged)
		wantRejected(t, id, err, forged, ReasonMalformed)
	})
}

func TestAttackAudienceOfProviderAUnderIssuerB(t *testing.T) {
	a := newEnv(t, fakeidp.Options{})
	a.prov.ClientIDs = []string{"client-a"}
	b := fakeidp.New(t, fakeidp.Options{Now: a.clock.Now})
	provB := providerFor(b)
	provB.ClientIDs = []string{"client-b"}
	token := b.Mint(b.Claims("s", "client-a"))
	id, err := a.v.Verify(context.Background(), token, lookupOf(a.prov, provB))
	wantRejected(t, id, err, token, ReasonWrongAudience)
	// The same token with B's own audience is fine.
	if _, err := a.v.Verify(context.Background(), b.Mint(b.Claims("s", "client-b")), lookupOf(a.prov, provB)); err != nil {
		t.Fatalf("B's own audience: %v", err)
	}
}

func TestAttackSeveralAudiencesWithoutAZP(t *testing.T) {
	e := newEnv(t, fakeidp.Options{})
	claims := e.claims()
	claims["aud"] = []string{testAud, "other"}
	token := e.idp.Mint(claims)
	id, err := e.verify(token)
	wantRejected(t, id, err, token, ReasonAmbiguousAudience)

	claims["azp"] = testAud
	id, err = e.verify(e.idp.Mint(claims))
	if err != nil {
		t.Fatalf("with azp: %v", err)
	}
	if id.Audience != testAud || id.AZP != testAud || len(id.OriginalAudience) != 2 || id.OriginalAudience[1] != "other" {
		t.Fatalf("identity = %+v", id)
	}
	claims["azp"] = "other-client"
	token = e.idp.Mint(claims)
	id, err = e.verify(token)
	wantRejected(t, id, err, token, ReasonWrongAudience)
}

func TestAttackWeakRSAKey1024(t *testing.T) {
	e := newEnv(t, fakeidp.Options{})
	strong := e.idp.SigningKey("RS256")
	weak := e.idp.Rotate("RS256", fakeidp.WithRSABits(1024))
	token := e.idp.Mint(e.claims())
	id, err := e.verify(token)
	wantRejected(t, id, err, token, ReasonUnknownKID)
	if _, err := e.verify(e.idp.Mint(e.claims(), fakeidp.WithKey(strong))); err != nil {
		t.Fatalf("2048-bit key next to the weak one: %v", err)
	}
	// A JWKS holding only the weak key has no usable key at all.
	only := newEnv(t, fakeidp.Options{})
	only.idp.Remove(only.idp.SigningKey("RS256").KID)
	only.idp.Publish(weak)
	token = only.idp.Mint(only.claims(), fakeidp.WithKey(weak))
	id, err = only.verify(token)
	wantRejected(t, id, err, token, ReasonKeysUnavailable)
}

func TestAttackJWKSWith101RSAKeys(t *testing.T) {
	e := newEnv(t, fakeidp.Options{Algs: []string{"RS256", "ES256"}})
	rsaKey, ecKey := e.idp.SigningKey("RS256"), e.idp.SigningKey("ES256")
	jwks := func(n int) []byte {
		keys := []map[string]any{ecKey.JWK()}
		for i := 0; i < n; i++ {
			jwk := rsaKey.JWK()
			if i > 0 {
				jwk["kid"] = fmt.Sprintf("copy-%d", i)
			}
			keys = append(keys, jwk)
		}
		out, _ := json.Marshal(map[string]any{"keys": keys})
		return out
	}
	e.idp.SetRawJWKS(jwks(101))
	token := e.idp.Mint(e.claims())
	id, err := e.verify(token)
	wantRejected(t, id, err, token, ReasonTooManyKeys)
	if _, err := e.verify(e.idp.Mint(e.claims(), fakeidp.WithAlg("ES256"))); err != nil {
		t.Fatalf("EC token with 101 RSA keys in the set: %v", err)
	}

	exact := newEnv(t, fakeidp.Options{Algs: []string{"RS256", "ES256"}})
	rsaKey, ecKey = exact.idp.SigningKey("RS256"), exact.idp.SigningKey("ES256")
	exact.idp.SetRawJWKS(jwks(100))
	if _, err := exact.verify(exact.idp.Mint(exact.claims())); err != nil {
		t.Fatalf("100 RSA keys: %v", err)
	}
}

func TestAttackDiscoveryRedirectToMetadataAddress(t *testing.T) {
	for _, tls := range []bool{false, true} {
		t.Run(fmt.Sprintf("tls=%v", tls), func(t *testing.T) {
			e := newEnv(t, fakeidp.Options{TLS: tls})
			scheme := map[bool]string{false: "http", true: "https"}[tls]
			e.idp.SetFault(e.idp.DiscoveryPath(), fakeidp.Fault{RedirectTo: scheme + "://169.254.169.254/latest/meta-data/iam/"})
			token := e.idp.Mint(e.claims())
			start := time.Now()
			id, err := e.verify(token)
			oe := wantRejected(t, id, err, token, ReasonKeysUnavailable)
			if !strings.Contains(oe.Cause.Error(), "not allowed") && !strings.Contains(oe.Cause.Error(), "link-local") {
				t.Fatalf("cause = %v", oe.Cause)
			}
			if time.Since(start) > 2*time.Second {
				t.Fatalf("blocked fetch took %v", time.Since(start))
			}
			if got := e.obs.fetchCount(FetchBlocked); got != 1 {
				t.Fatalf("blocked fetches observed = %d, want 1", got)
			}
		})
	}
	t.Run("jwks_uri at the metadata address", func(t *testing.T) {
		e := newEnv(t, fakeidp.Options{TLS: true})
		e.idp.SetJWKSURI("https://169.254.169.254/keys")
		token := e.idp.Mint(e.claims())
		id, err := e.verify(token)
		oe := wantRejected(t, id, err, token, ReasonKeysUnavailable)
		if !strings.Contains(oe.Cause.Error(), "link-local") {
			t.Fatalf("cause = %v", oe.Cause)
		}
	})
}

func TestAttackThousandConcurrentUnknownKIDsFetchOnce(t *testing.T) {
	e := newEnv(t, fakeidp.Options{})
	if _, err := e.verify(e.idp.Mint(e.claims())); err != nil {
		t.Fatal(err)
	}
	e.idp.ResetRequests()
	rogue, err := fakeidp.GenerateKey("RS256")
	if err != nil {
		t.Fatal(err)
	}
	token := e.idp.Mint(e.claims(), fakeidp.WithKey(rogue))
	var wg sync.WaitGroup
	errs := make(chan error, 1000)
	for range 1000 {
		wg.Go(func() {
			_, err := e.verify(token)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		wantReason(t, err, ReasonUnknownKID)
	}
	if n := e.idp.Requests(e.idp.JWKSPath()); n > 1 {
		t.Fatalf("JWKS fetched %d times, want at most 1", n)
	}
	// Past the 30 s refresh limit, the negative cache still prevents a fetch.
	e.clock.Advance(45 * time.Second)
	wantReason(t, func() error { _, err := e.verify(token); return err }(), ReasonUnknownKID)
	if n := e.idp.Requests(e.idp.JWKSPath()); n > 1 {
		t.Fatalf("JWKS fetched %d times after the negative cache, want at most 1", n)
	}
}

func TestAttackFractionalAndMalformedTimestamps(t *testing.T) {
	e := newEnv(t, fakeidp.Options{})
	now := e.clock.Now().Unix()
	cases := map[string]struct {
		claim string
		value string
	}{
		"fractional exp":      {"exp", fmt.Sprintf("%d.5", now+3600)},
		"exponent exp":        {"exp", "1.9e9"},
		"fractional iat":      {"iat", fmt.Sprintf("%d.0", now)},
		"negative iat":        {"iat", "-1"},
		"string fraction exp": {"exp", fmt.Sprintf(`"%d.5"`, now+3600)},
		"boolean nbf":         {"nbf", "true"},
		"null exp":            {"exp", "null"},
		"huge exp":            {"exp", "99999999999999999999999"},
		"year 10000 exp":      {"exp", "253402300800"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			claims := map[string]string{
				"iss": fmt.Sprintf("%q", e.idp.Issuer()), "sub": `"s"`, "aud": fmt.Sprintf("%q", testAud),
				"iat": fmt.Sprint(now), "exp": fmt.Sprint(now + 3600),
			}
			claims[c.claim] = c.value
			var parts []string
			for k, v := range claims {
				parts = append(parts, fmt.Sprintf("%q:%s", k, v))
			}
			token := e.idp.Mint(nil, fakeidp.WithRawPayload([]byte("{"+strings.Join(parts, ",")+"}")))
			id, err := e.verify(token)
			oe := wantRejected(t, id, err, token, ReasonInvalidClaim)
			if oe.Claim != c.claim {
				t.Fatalf("claim = %q, want %q", oe.Claim, c.claim)
			}
		})
	}
}

func TestAttackSubNull(t *testing.T) {
	e := newEnv(t, fakeidp.Options{})
	for name, sub := range map[string]any{"null": nil, "bool": true, "object": map[string]any{"a": 1}, "array": []string{"a"}} {
		t.Run(name, func(t *testing.T) {
			claims := e.claims()
			claims["sub"] = sub
			token := e.idp.Mint(claims)
			id, err := e.verify(token)
			oe := wantRejected(t, id, err, token, ReasonInvalidClaim)
			if oe.Claim != "sub" {
				t.Fatalf("claim = %q", oe.Claim)
			}
		})
	}
}

// A forged token must not reveal which audiences (client IDs) or maximum
// age a provider accepts: those rules are applied after the signature.
func TestAttackForgedTokenCannotProbeProviderSettings(t *testing.T) {
	e := newEnv(t, fakeidp.Options{})
	e.prov.MaxTokenAge = time.Hour
	forger, err := fakeidp.GenerateKey("RS256")
	if err != nil {
		t.Fatal(err)
	}
	kid := fakeidp.WithHeader("kid", e.idp.SigningKey("RS256").KID)
	for name, edit := range map[string]func(map[string]any){
		"registered audience":   func(map[string]any) {},
		"unregistered audience": func(c map[string]any) { c["aud"] = "guess" },
		"old token":             func(c map[string]any) { c["iat"] = e.clock.Now().Add(-2 * time.Hour).Unix() },
	} {
		t.Run(name, func(t *testing.T) {
			claims := e.claims()
			edit(claims)
			token := e.idp.Mint(claims, fakeidp.WithKey(forger), kid)
			id, err := e.verify(token)
			wantRejected(t, id, err, token, ReasonBadSignature)
		})
	}
}
