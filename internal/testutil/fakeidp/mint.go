package fakeidp

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	_ "crypto/sha512" // registers SHA-384 and SHA-512
	"encoding/json"
	"fmt"
)

// MintOption changes how a token is minted.
type MintOption func(*mintConfig)

type mintConfig struct {
	key        *Key
	alg        string
	headers    map[string]any
	dropHeader map[string]bool
	payload    []byte
	hmacSecret []byte
	unsigned   bool
}

// WithAlg signs with the IdP's current signing key for alg.
func WithAlg(alg string) MintOption { return func(c *mintConfig) { c.alg = alg } }

// WithKey signs with k (published or not); the header carries k's kid and alg.
func WithKey(k *Key) MintOption { return func(c *mintConfig) { c.key = k } }

// WithHeader sets (or overrides) a header parameter, e.g. "kid", "jku", "crit".
func WithHeader(name string, value any) MintOption {
	return func(c *mintConfig) { c.headers[name] = value }
}

// WithoutHeader removes a header parameter (e.g. "kid" or "typ").
func WithoutHeader(name string) MintOption {
	return func(c *mintConfig) { c.dropHeader[name] = true }
}

// WithRawPayload signs these exact payload bytes instead of the claims,
// e.g. JSON with duplicate keys.
func WithRawPayload(payload []byte) MintOption { return func(c *mintConfig) { c.payload = payload } }

// WithHMAC signs with HS256 using secret (the key-confusion attack).
func WithHMAC(secret []byte) MintOption { return func(c *mintConfig) { c.hmacSecret = secret } }

// Unsigned produces an "alg":"none" token with an empty signature.
func Unsigned() MintOption { return func(c *mintConfig) { c.unsigned = true } }

// Mint returns a compact JWS over claims signed with the default signing
// key (the first of Options.Algs) unless options say otherwise. Failures
// end the test.
func (p *IdP) Mint(claims map[string]any, opts ...MintOption) string {
	p.t.Helper()
	cfg := mintConfig{headers: map[string]any{}, dropHeader: map[string]bool{}}
	for _, o := range opts {
		o(&cfg)
	}
	key := cfg.key
	if key == nil && cfg.hmacSecret == nil && !cfg.unsigned {
		alg := cfg.alg
		if alg == "" {
			alg = p.defaultAlg
		}
		key = p.SigningKey(alg)
	}
	header := map[string]any{"typ": "JWT"}
	switch {
	case cfg.unsigned:
		header["alg"] = "none"
	case cfg.hmacSecret != nil:
		header["alg"] = "HS256"
	default:
		header["alg"] = key.Alg
		header["kid"] = key.KID
	}
	for k, v := range cfg.headers {
		header[k] = v
	}
	for k := range cfg.dropHeader {
		delete(header, k)
	}
	token, err := sign(header, claims, cfg.payload, key, cfg)
	if err != nil {
		p.t.Fatalf("fakeidp: mint: %v", err)
	}
	return token
}

// Sign makes a compact JWS from an explicit header and payload signed with
// key, using the header's alg as given (tests of mismatched alg and key).
func Sign(header map[string]any, payload []byte, key *Key) (string, error) {
	return sign(header, nil, payload, key, mintConfig{})
}

func sign(header, claims map[string]any, payload []byte, key *Key, cfg mintConfig) (string, error) {
	h, err := json.Marshal(header)
	if err != nil {
		return "", err
	}
	if payload == nil {
		if payload, err = json.Marshal(claims); err != nil {
			return "", err
		}
	}
	input := b64(h) + "." + b64(payload)
	if cfg.unsigned {
		return input + ".", nil
	}
	if cfg.hmacSecret != nil {
		mac := hmac.New(sha256.New, cfg.hmacSecret)
		mac.Write([]byte(input))
		return input + "." + b64(mac.Sum(nil)), nil
	}
	alg, _ := header["alg"].(string)
	if _, err := hashFor(alg); err != nil {
		alg = key.Alg // the header names an algorithm we cannot sign with
	}
	sig, err := signWith(key.Signer, alg, []byte(input))
	if err != nil {
		return "", err
	}
	return input + "." + b64(sig), nil
}

func signWith(signer crypto.Signer, alg string, input []byte) ([]byte, error) {
	hash, err := hashFor(alg)
	if err != nil {
		return nil, err
	}
	h := hash.New()
	h.Write(input)
	digest := h.Sum(nil)
	switch k := signer.(type) {
	case *rsa.PrivateKey:
		return rsa.SignPKCS1v15(rand.Reader, k, hash, digest)
	case *ecdsa.PrivateKey:
		r, s, err := ecdsa.Sign(rand.Reader, k, digest)
		if err != nil {
			return nil, err
		}
		size := (k.Curve.Params().BitSize + 7) / 8
		out := make([]byte, 2*size)
		r.FillBytes(out[:size])
		s.FillBytes(out[size:])
		return out, nil
	}
	return nil, fmt.Errorf("fakeidp: unsupported signer %T", signer)
}

func hashFor(alg string) (crypto.Hash, error) {
	switch alg {
	case "RS256", "ES256":
		return crypto.SHA256, nil
	case "RS384", "ES384":
		return crypto.SHA384, nil
	case "RS512", "ES512":
		return crypto.SHA512, nil
	}
	return 0, fmt.Errorf("fakeidp: cannot sign alg %q", alg)
}
