package fakeidp

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"time"
)

// Key is a signing key of the fake IdP.
type Key struct {
	// KID is the key's kid (in the JWKS and in minted token headers).
	KID string
	// Alg is the algorithm tokens signed with this key use.
	Alg string
	// Signer is the private key (*rsa.PrivateKey or *ecdsa.PrivateKey).
	Signer crypto.Signer

	use     string
	keyOps  []string
	x5c     []string
	jwkAlg  string
	omitKID bool
}

// KeyOption customizes a generated key or its JWK.
type KeyOption func(*keyConfig)

type keyConfig struct {
	kid          string
	rsaBits      int
	use          string
	keyOps       []string
	x5c          bool
	x5cOtherKey  bool
	jwkAlg       string
	omitKIDInJWK bool
}

// WithKID sets the kid (default: a random one).
func WithKID(kid string) KeyOption { return func(c *keyConfig) { c.kid = kid } }

// WithRSABits sets the RSA modulus size (default 2048), e.g. 1024 for the
// weak-key test.
func WithRSABits(bits int) KeyOption { return func(c *keyConfig) { c.rsaBits = bits } }

// WithUse sets the JWK "use" member (e.g. "enc").
func WithUse(use string) KeyOption { return func(c *keyConfig) { c.use = use } }

// WithKeyOps sets the JWK "key_ops" member.
func WithKeyOps(ops ...string) KeyOption { return func(c *keyConfig) { c.keyOps = ops } }

// WithX5C adds a self-signed certificate of the key as "x5c".
func WithX5C() KeyOption { return func(c *keyConfig) { c.x5c = true } }

// WithMismatchedX5C adds an "x5c" certificate of a different key.
func WithMismatchedX5C() KeyOption { return func(c *keyConfig) { c.x5cOtherKey = true } }

// WithJWKAlg sets the JWK's own "alg" member.
func WithJWKAlg(alg string) KeyOption { return func(c *keyConfig) { c.jwkAlg = alg } }

// WithoutKIDInJWK publishes the key without a "kid" member.
func WithoutKIDInJWK() KeyOption { return func(c *keyConfig) { c.omitKIDInJWK = true } }

// GenerateKey makes a key for alg (RS256/384/512, ES256/384/512). It is not
// tied to any IdP; publish it with (*IdP).Publish or serve it via JWKS.
func GenerateKey(alg string, opts ...KeyOption) (*Key, error) {
	cfg := keyConfig{rsaBits: 2048}
	for _, o := range opts {
		o(&cfg)
	}
	signer, err := newSigner(alg, cfg.rsaBits)
	if err != nil {
		return nil, err
	}
	k := &Key{KID: cfg.kid, Alg: alg, Signer: signer, use: cfg.use, keyOps: cfg.keyOps, jwkAlg: cfg.jwkAlg, omitKID: cfg.omitKIDInJWK}
	if k.KID == "" {
		k.KID = randomID()
	}
	switch {
	case cfg.x5c:
		k.x5c, err = selfSignedChain(signer)
	case cfg.x5cOtherKey:
		var other crypto.Signer
		if other, err = newSigner(alg, cfg.rsaBits); err == nil {
			k.x5c, err = selfSignedChain(other)
		}
	}
	if err != nil {
		return nil, err
	}
	return k, nil
}

func newSigner(alg string, rsaBits int) (crypto.Signer, error) {
	switch alg {
	case "RS256", "RS384", "RS512":
		return rsa.GenerateKey(rand.Reader, rsaBits)
	case "ES256":
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "ES384":
		return ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	case "ES512":
		return ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	}
	return nil, fmt.Errorf("fakeidp: unsupported alg %q", alg)
}

func selfSignedChain(signer crypto.Signer) ([]string, error) {
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "fakeidp signing key"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, signer.Public(), signer)
	if err != nil {
		return nil, err
	}
	return []string{base64.StdEncoding.EncodeToString(der)}, nil
}

// JWK returns the key's public JWK as a JSON-ready map.
func (k *Key) JWK() map[string]any {
	m := map[string]any{}
	if !k.omitKID {
		m["kid"] = k.KID
	}
	switch pub := k.Signer.Public().(type) {
	case *rsa.PublicKey:
		m["kty"] = "RSA"
		m["n"] = b64(pub.N.Bytes())
		m["e"] = b64(big.NewInt(int64(pub.E)).Bytes())
	case *ecdsa.PublicKey:
		size := (pub.Curve.Params().BitSize + 7) / 8
		m["kty"] = "EC"
		m["crv"] = pub.Curve.Params().Name
		raw, err := pub.Bytes() // 0x04 ‖ X ‖ Y, each size bytes
		if err != nil || len(raw) != 1+2*size {
			panic("fakeidp: cannot encode an ECDSA public key: " + fmt.Sprint(err))
		}
		m["x"] = b64(raw[1 : 1+size])
		m["y"] = b64(raw[1+size:])
	}
	if k.use != "" {
		m["use"] = k.use
	}
	if k.keyOps != nil {
		m["key_ops"] = k.keyOps
	}
	if k.x5c != nil {
		m["x5c"] = k.x5c
	}
	if k.jwkAlg != "" {
		m["alg"] = k.jwkAlg
	}
	return m
}

// JWKS encodes keys as a JWK Set document (for static JWKS or SetRawJWKS).
func JWKS(keys ...*Key) []byte {
	list := make([]map[string]any, len(keys))
	for i, k := range keys {
		list[i] = k.JWK()
	}
	out, err := json.Marshal(map[string]any{"keys": list})
	if err != nil {
		panic(err) // maps of strings cannot fail to marshal
	}
	return out
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func randomID() string {
	b := make([]byte, 9)
	_, _ = rand.Read(b)
	return b64(b)
}
