package fakeidp

import (
	"crypto/sha1"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Paths served below the issuer path.
const (
	DiscoverySuffix = "/.well-known/openid-configuration"
	JWKSSuffix      = "/keys"
)

// Options configures a fake IdP.
type Options struct {
	// TLS serves HTTPS with a test certificate for 127.0.0.1.
	TLS bool
	// Algs lists the signing keys created at start, one per alg; the first
	// is the default for Mint. Default: RS256.
	Algs []string
	// IssuerPath is appended to the server URL to form the issuer, e.g.
	// "/realms/dev" or "/" (a trailing slash is kept).
	IssuerPath string
	// Now is the clock for Claims (default time.Now).
	Now func() time.Time
}

// Fault changes the answers for one path.
type Fault struct {
	Status     int           // answer with this status code (no body)
	Delay      time.Duration // wait before answering (ends early if the client leaves)
	Body       []byte        // answer 200 with this body instead
	BodySize   int           // answer 200 with a JSON-looking body of this many bytes
	RedirectTo string        // answer 302 with this Location
}

// IdP is a running fake identity provider.
type IdP struct {
	t          testing.TB
	srv        *httptest.Server
	issuer     string
	defaultAlg string
	now        func() time.Time

	mu              sync.Mutex
	published       []*Key
	signing         map[string]*Key
	faults          map[string]Fault
	down            bool
	cacheControl    string
	discoveryIssuer *string
	jwksURI         string
	rawJWKS         []byte
	requests        map[string]int
}

// New starts a fake IdP; it stops when the test ends.
func New(t testing.TB, opts Options) *IdP {
	t.Helper()
	p := &IdP{
		t:        t,
		now:      opts.Now,
		signing:  map[string]*Key{},
		faults:   map[string]Fault{},
		requests: map[string]int{},
	}
	if p.now == nil {
		p.now = time.Now
	}
	algs := opts.Algs
	if len(algs) == 0 {
		algs = []string{"RS256"}
	}
	p.defaultAlg = algs[0]
	for _, alg := range algs {
		p.Rotate(alg)
	}
	p.srv = httptest.NewUnstartedServer(http.HandlerFunc(p.serve))
	// Clients that reject the certificate (thumbprint tests) are expected.
	p.srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	if opts.TLS {
		p.srv.StartTLS()
	} else {
		p.srv.Start()
	}
	t.Cleanup(p.srv.Close)
	p.issuer = p.srv.URL + opts.IssuerPath
	return p
}

// Issuer is the iss of minted tokens and the provider URL to register.
func (p *IdP) Issuer() string { return p.issuer }

// ARN is the IAM OIDC provider ARN for this issuer in account.
func (p *IdP) ARN(account string) string {
	host := strings.TrimPrefix(strings.TrimPrefix(p.issuer, "https://"), "http://")
	return "arn:aws:iam::" + account + ":oidc-provider/" + host
}

// URL is the server's base URL (scheme://127.0.0.1:port).
func (p *IdP) URL() string { return p.srv.URL }

// DiscoveryPath is the URL path of the discovery document.
func (p *IdP) DiscoveryPath() string { return p.issuerPath() + DiscoverySuffix }

// JWKSPath is the URL path of the JWKS.
func (p *IdP) JWKSPath() string { return p.issuerPath() + JWKSSuffix }

// JWKSURL is the absolute JWKS URL.
func (p *IdP) JWKSURL() string { return p.srv.URL + p.JWKSPath() }

func (p *IdP) issuerPath() string {
	return strings.TrimSuffix(strings.TrimPrefix(p.issuer, p.srv.URL), "/")
}

// Client is an HTTP client that trusts the server.
func (p *IdP) Client() *http.Client { return p.srv.Client() }

// Certificate is the server's TLS certificate (nil without TLS).
func (p *IdP) Certificate() *x509.Certificate { return p.srv.Certificate() }

// CAPool trusts the server's certificate (nil without TLS).
func (p *IdP) CAPool() *x509.CertPool {
	cert := p.srv.Certificate()
	if cert == nil {
		return nil
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return pool
}

// Thumbprint is the hex SHA-1 of the last certificate the server presents
// (IAM's ThumbprintList format); "" without TLS.
func (p *IdP) Thumbprint() string {
	cert := p.srv.Certificate()
	if cert == nil {
		return ""
	}
	sum := sha1.Sum(cert.Raw)
	return hex.EncodeToString(sum[:])
}

// Claims returns valid standard claims: iss, sub, aud, iat=now, exp=now+1h.
func (p *IdP) Claims(sub, aud string) map[string]any {
	now := p.now().Unix()
	return map[string]any{"iss": p.issuer, "sub": sub, "aud": aud, "iat": now, "exp": now + 3600}
}

// SigningKey is the current signing key for alg, created on first use.
func (p *IdP) SigningKey(alg string) *Key {
	p.mu.Lock()
	k := p.signing[alg]
	p.mu.Unlock()
	if k == nil {
		k = p.Rotate(alg)
	}
	return k
}

// Rotate publishes a new key for alg and makes it the signing key; older
// keys stay published until Remove.
func (p *IdP) Rotate(alg string, opts ...KeyOption) *Key {
	p.t.Helper()
	k, err := GenerateKey(alg, opts...)
	if err != nil {
		p.t.Fatalf("fakeidp: %v", err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.published = append(p.published, k)
	p.signing[alg] = k
	return k
}

// AddKey publishes a new key without making it the signing key.
func (p *IdP) AddKey(alg string, opts ...KeyOption) *Key {
	p.t.Helper()
	k, err := GenerateKey(alg, opts...)
	if err != nil {
		p.t.Fatalf("fakeidp: %v", err)
	}
	p.Publish(k)
	return k
}

// Publish adds k to the served JWKS.
func (p *IdP) Publish(k *Key) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.published = append(p.published, k)
}

// Remove unpublishes the key with kid.
func (p *IdP) Remove(kid string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	kept := p.published[:0]
	for _, k := range p.published {
		if k.KID != kid {
			kept = append(kept, k)
		}
	}
	p.published = kept
}

// PublishedKeys lists the keys currently served.
func (p *IdP) PublishedKeys() []*Key {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]*Key(nil), p.published...)
}

// SetFault makes path (e.g. DiscoveryPath()) answer with f; Fault{} clears it.
func (p *IdP) SetFault(path string, f Fault) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if f.Body == nil && f.Status == 0 && f.Delay == 0 && f.BodySize == 0 && f.RedirectTo == "" {
		delete(p.faults, path)
		return
	}
	p.faults[path] = f
}

// SetDown makes every path answer 503 (true) or recovers (false).
func (p *IdP) SetDown(down bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = down
}

// SetCacheControl sets the Cache-Control header of discovery and JWKS.
func (p *IdP) SetCacheControl(v string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cacheControl = v
}

// SetDiscoveryIssuer makes discovery report issuer iss (e.g. a wrong one).
func (p *IdP) SetDiscoveryIssuer(iss string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.discoveryIssuer = &iss
}

// SetJWKSURI makes discovery point jwks_uri at u ("" restores the default).
func (p *IdP) SetJWKSURI(u string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.jwksURI = u
}

// SetRawJWKS serves these exact bytes as the JWKS (nil restores the keys).
func (p *IdP) SetRawJWKS(raw []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rawJWKS = raw
}

// Requests counts requests for a URL path since start or ResetRequests.
func (p *IdP) Requests(path string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.requests[path]
}

// TotalRequests counts requests for every path.
func (p *IdP) TotalRequests() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, c := range p.requests {
		n += c
	}
	return n
}

// ResetRequests zeroes the request counters.
func (p *IdP) ResetRequests() {
	p.mu.Lock()
	defer p.mu.Unlock()
	clear(p.requests)
}

func (p *IdP) serve(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.requests[r.URL.Path]++
	fault, hasFault := p.faults[r.URL.Path]
	down, cacheControl := p.down, p.cacheControl
	p.mu.Unlock()

	if hasFault && fault.Delay > 0 {
		select {
		case <-time.After(fault.Delay):
		case <-r.Context().Done():
			return
		}
	}
	switch {
	case down:
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	case hasFault && fault.RedirectTo != "":
		http.Redirect(w, r, fault.RedirectTo, http.StatusFound)
		return
	case hasFault && fault.Status != 0:
		w.WriteHeader(fault.Status)
		return
	case hasFault && fault.Body != nil:
		w.Write(fault.Body)
		return
	case hasFault && fault.BodySize > 0:
		w.Header().Set("Content-Type", "application/json")
		pad := strings.Repeat(" ", max(fault.BodySize-len(`{"keys":[]}`), 0))
		w.Write([]byte(`{"keys":[` + pad + `]}`))
		return
	}
	if cacheControl != "" {
		w.Header().Set("Cache-Control", cacheControl)
	}
	switch r.URL.Path {
	case p.DiscoveryPath():
		p.writeJSON(w, p.discovery())
	case p.JWKSPath():
		p.mu.Lock()
		raw := p.rawJWKS
		keys := append([]*Key(nil), p.published...)
		p.mu.Unlock()
		if raw == nil {
			raw = JWKS(keys...)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(raw)
	default:
		http.NotFound(w, r)
	}
}

func (p *IdP) discovery() map[string]any {
	p.mu.Lock()
	defer p.mu.Unlock()
	issuer, jwksURI := p.issuer, p.JWKSURL()
	if p.discoveryIssuer != nil {
		issuer = *p.discoveryIssuer
	}
	if p.jwksURI != "" {
		jwksURI = p.jwksURI
	}
	return map[string]any{
		"issuer":                                issuer,
		"jwks_uri":                              jwksURI,
		"response_types_supported":              []string{"id_token"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256", "RS384", "RS512", "ES256", "ES384", "ES512"},
	}
}

func (p *IdP) writeJSON(w http.ResponseWriter, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(body)
}
