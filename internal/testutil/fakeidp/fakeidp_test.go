package fakeidp

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func get(t *testing.T, p *IdP, url string) (*http.Response, []byte) {
	t.Helper()
	client := p.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

func TestDiscoveryAndJWKS(t *testing.T) {
	for _, tls := range []bool{false, true} {
		p := New(t, Options{TLS: tls, Algs: []string{"ES256", "RS384"}, IssuerPath: "/realms/dev"})
		resp, body := get(t, p, p.Issuer()+DiscoverySuffix)
		var doc map[string]any
		if err := json.Unmarshal(body, &doc); err != nil || resp.StatusCode != 200 {
			t.Fatalf("discovery: %d %v", resp.StatusCode, err)
		}
		if doc["issuer"] != p.Issuer() || doc["jwks_uri"] != p.JWKSURL() {
			t.Fatalf("discovery = %v", doc)
		}
		_, body = get(t, p, p.JWKSURL())
		var set struct{ Keys []map[string]any }
		if err := json.Unmarshal(body, &set); err != nil || len(set.Keys) != 2 {
			t.Fatalf("jwks = %s (%v)", body, err)
		}
		if set.Keys[0]["kty"] != "EC" || set.Keys[0]["crv"] != "P-256" || set.Keys[1]["kty"] != "RSA" {
			t.Fatalf("keys = %v", set.Keys)
		}
		if p.Requests(p.DiscoveryPath()) != 1 || p.Requests(p.JWKSPath()) != 1 || p.TotalRequests() != 2 {
			t.Fatalf("request counts wrong")
		}
		if tls != (p.CAPool() != nil) || tls != (p.Thumbprint() != "") || (tls && len(p.Thumbprint()) != 40) {
			t.Fatalf("TLS helpers inconsistent")
		}
	}
}

func TestMintShapes(t *testing.T) {
	p := New(t, Options{Now: func() time.Time { return time.Unix(1000, 0) }})
	token := p.Mint(p.Claims("sub-1", "aud-1"), WithHeader("x", "y"), WithoutHeader("typ"))
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("token has %d parts", len(parts))
	}
	var header, claims map[string]any
	h, _ := base64.RawURLEncoding.DecodeString(parts[0])
	c, _ := base64.RawURLEncoding.DecodeString(parts[1])
	if json.Unmarshal(h, &header) != nil || json.Unmarshal(c, &claims) != nil {
		t.Fatal("segments are not JSON")
	}
	if header["alg"] != "RS256" || header["kid"] != p.SigningKey("RS256").KID || header["x"] != "y" || header["typ"] != nil {
		t.Fatalf("header = %v", header)
	}
	if claims["iss"] != p.Issuer() || claims["iat"] != 1000.0 || claims["exp"] != 4600.0 {
		t.Fatalf("claims = %v", claims)
	}
	if none := p.Mint(nil, Unsigned()); !strings.HasSuffix(none, ".") {
		t.Fatalf("unsigned token %q has a signature", none)
	}
	raw := p.Mint(nil, WithRawPayload([]byte(`{"a":1,"a":2}`)))
	if seg, _ := base64.RawURLEncoding.DecodeString(strings.Split(raw, ".")[1]); string(seg) != `{"a":1,"a":2}` {
		t.Fatalf("raw payload = %s", seg)
	}
}

func TestRotationAndRemoval(t *testing.T) {
	p := New(t, Options{})
	first := p.SigningKey("RS256")
	second := p.Rotate("RS256")
	if p.SigningKey("RS256") != second || len(p.PublishedKeys()) != 2 {
		t.Fatal("rotation did not switch the signing key")
	}
	p.Remove(first.KID)
	if keys := p.PublishedKeys(); len(keys) != 1 || keys[0] != second {
		t.Fatal("removal failed")
	}
}

func TestFaults(t *testing.T) {
	p := New(t, Options{})
	p.SetFault(p.JWKSPath(), Fault{Status: 500})
	if resp, _ := get(t, p, p.JWKSURL()); resp.StatusCode != 500 {
		t.Fatalf("status = %d", resp.StatusCode)
	}
	p.SetFault(p.JWKSPath(), Fault{Body: []byte("garbage")})
	if _, body := get(t, p, p.JWKSURL()); string(body) != "garbage" {
		t.Fatalf("body = %q", body)
	}
	p.SetFault(p.JWKSPath(), Fault{BodySize: 3 << 20})
	if _, body := get(t, p, p.JWKSURL()); len(body) != 3<<20 {
		t.Fatalf("huge body = %d bytes", len(body))
	}
	p.SetFault(p.JWKSPath(), Fault{RedirectTo: "https://example.com/x"})
	if resp, _ := get(t, p, p.JWKSURL()); resp.StatusCode != 302 || resp.Header.Get("Location") != "https://example.com/x" {
		t.Fatalf("redirect = %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	p.SetFault(p.JWKSPath(), Fault{})
	p.SetCacheControl("max-age=60")
	if resp, _ := get(t, p, p.JWKSURL()); resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "max-age=60" {
		t.Fatalf("cleared fault / cache-control: %d %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	p.SetDown(true)
	if resp, _ := get(t, p, p.URL()+p.DiscoveryPath()); resp.StatusCode != 503 {
		t.Fatalf("down: %d", resp.StatusCode)
	}
	p.SetDown(false)
	p.SetDiscoveryIssuer("https://wrong.example")
	if _, body := get(t, p, p.Issuer()+DiscoverySuffix); !strings.Contains(string(body), "wrong.example") {
		t.Fatalf("discovery = %s", body)
	}
	p.SetFault(p.JWKSPath(), Fault{Delay: 50 * time.Millisecond})
	start := time.Now()
	get(t, p, p.JWKSURL())
	if time.Since(start) < 50*time.Millisecond {
		t.Fatal("delay not applied")
	}
	p.ResetRequests()
	if p.TotalRequests() != 0 {
		t.Fatal("reset failed")
	}
}

func TestARN(t *testing.T) {
	p := New(t, Options{TLS: true, IssuerPath: "/t/"})
	want := "arn:aws:iam::123456789012:oidc-provider/" + strings.TrimPrefix(p.URL(), "https://") + "/t/"
	if got := p.ARN("123456789012"); got != want {
		t.Fatalf("ARN = %q, want %q", got, want)
	}
}
