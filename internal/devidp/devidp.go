// Package devidp is the built-in development OpenID Connect issuer that
// `stsd dev` runs on loopback: an RS256 key kept in the data directory,
// discovery and JWKS served over HTTP, and tokens minted on demand (also by
// `stsd dev token` from another process, which reads the same key file).
// It is for development only: it signs whatever it is asked to.
package devidp

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// StateFile is the file in the data directory holding the issuer URL and
// its private key (mode 0600).
const StateFile = "dev-idp.json"

// Audience is the client ID the demo provider registers and tokens carry.
const Audience = "sts.amazonaws.com"

type state struct {
	Issuer string          `json:"issuer"`
	Key    jose.JSONWebKey `json:"key"`
}

// Issuer signs development tokens for one issuer URL.
type Issuer struct {
	url    string
	key    jose.JSONWebKey
	signer jose.Signer
}

// Load reads the issuer state from dataDir.
func Load(dataDir string) (*Issuer, error) {
	raw, err := os.ReadFile(filepath.Join(dataDir, StateFile))
	if err != nil {
		return nil, fmt.Errorf("development issuer: %w (start `stsd dev` first)", err)
	}
	var st state
	if err := json.Unmarshal(raw, &st); err != nil {
		return nil, fmt.Errorf("development issuer: %s is corrupt: %w", StateFile, err)
	}
	return newIssuer(st)
}

// LoadOrCreate returns the issuer saved in dataDir, or creates one whose URL
// is http://<addr> (addr a loopback host:port that the caller will listen on).
func LoadOrCreate(dataDir, addr string) (*Issuer, error) {
	iss, err := Load(dataDir)
	if err == nil {
		return iss, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	kidBytes := make([]byte, 8)
	_, _ = rand.Read(kidBytes)
	st := state{
		Issuer: "http://" + addr,
		Key:    jose.JSONWebKey{Key: priv, KeyID: fmt.Sprintf("dev-%x", kidBytes), Algorithm: "RS256", Use: "sig"},
	}
	raw, err := json.Marshal(st)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dataDir, StateFile), raw, 0o600); err != nil {
		return nil, err
	}
	return newIssuer(st)
}

func newIssuer(st state) (*Issuer, error) {
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: st.Key},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return nil, fmt.Errorf("development issuer: %w", err)
	}
	return &Issuer{url: st.Issuer, key: st.Key, signer: signer}, nil
}

// URL is the issuer (the token's iss and the provider URL).
func (i *Issuer) URL() string { return i.url }

// Addr is the host:port the issuer must listen on.
func (i *Issuer) Addr() string { return i.url[len("http://"):] }

// Mint signs a token for sub, valid for ttl, with extra claims merged in.
func (i *Issuer) Mint(sub string, ttl time.Duration, extra map[string]any) (string, error) {
	now := time.Now()
	claims := map[string]any{
		"iss": i.url, "sub": sub, "aud": Audience,
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(ttl).Unix(),
	}
	for k, v := range extra {
		claims[k] = v
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	jws, err := i.signer.Sign(payload)
	if err != nil {
		return "", err
	}
	return jws.CompactSerialize()
}

// Handler serves discovery and the JWKS.
func (i *Issuer) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, map[string]any{
			"issuer":                                i.url,
			"jwks_uri":                              i.url + "/keys",
			"response_types_supported":              []string{"id_token"},
			"subject_types_supported":               []string{"public"},
			"id_token_signing_alg_values_supported": []string{"RS256"},
		})
	})
	mux.HandleFunc("GET /keys", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{i.key.Public()}})
	})
	return mux
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "max-age=300")
	_ = json.NewEncoder(w).Encode(v)
}

// Listen opens the issuer's loopback address.
func (i *Issuer) Listen() (net.Listener, error) {
	ln, err := net.Listen("tcp", i.Addr())
	if err != nil {
		return nil, fmt.Errorf("development issuer: cannot listen on %s: %w", i.Addr(), err)
	}
	return ln, nil
}
