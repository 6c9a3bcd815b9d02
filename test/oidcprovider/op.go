package oidcprovider

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// Client is a confidential client of the OP: it authenticates with its
// secret (HTTP Basic, client_secret_basic) and acts for Subject, the
// service account whose tokens it obtains.
type Client struct {
	ID      string
	Secret  string
	Subject string
}

// OP is a running OpenID Provider on a loopback port.
type OP struct {
	// Issuer is the OP's issuer, http://127.0.0.1:<port>.
	Issuer string
	srv    *http.Server
	st     *storage

	mu       sync.Mutex
	requests map[string]int // requests served, by path
}

// tokenLifetime is how long the OP's access and ID tokens live.
const tokenLifetime = 5 * time.Minute

// Start serves an OP for the clients on 127.0.0.1 until Close. Its signing
// key is a fresh RSA-2048 key (RS256).
func Start(clients ...Client) (*OP, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	var cryptoKey [32]byte
	if _, err := rand.Read(cryptoKey[:]); err != nil {
		return nil, err
	}
	st := &storage{key: key, kid: randomID(), clients: map[string]*client{}, tokens: map[string]*accessToken{}}
	for _, c := range clients {
		st.clients[c.ID] = &client{Client: c}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	issuer := "http://" + ln.Addr().String()
	provider, err := op.NewProvider(&op.Config{CryptoKey: cryptoKey, SupportedScopes: []string{oidc.ScopeOpenID}}, st, op.StaticIssuer(issuer),
		op.WithAllowInsecure(), // http on loopback: stsd accepts it with AllowHTTPIssuers
		op.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		ln.Close()
		return nil, err
	}
	o := &OP{Issuer: issuer, st: st, requests: map[string]int{}}
	o.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o.mu.Lock()
		o.requests[r.URL.Path]++
		o.mu.Unlock()
		provider.ServeHTTP(w, r)
	}), ReadHeaderTimeout: 5 * time.Second}
	go o.srv.Serve(ln) //nolint:errcheck // ends with Close
	return o, nil
}

// Close stops the OP.
func (o *OP) Close() error { return o.srv.Close() }

// Requests is how many requests the OP served for path.
func (o *OP) Requests(path string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.requests[path]
}

// storage is the OP's state for op.Storage: its signing key, its clients
// and the access tokens it issued. It serves the client credentials and
// token exchange grants; the browser flows (authorization code, implicit,
// device) and refresh tokens are not offered.
type storage struct {
	key     *rsa.PrivateKey
	kid     string
	mu      sync.Mutex
	clients map[string]*client
	tokens  map[string]*accessToken
}

// accessToken is an issued access token, found by its ID.
type accessToken struct {
	clientID string
	subject  string
	expires  time.Time
}

var (
	errNotOffered   = errors.New("not offered by this OP")
	errUnknownToken = errors.New("unknown or expired token")
	errBadClient    = errors.New("client authentication failed")
)

func randomID() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// authenticate checks a client's secret in constant time.
func (s *storage) authenticate(id, secret string) (*client, error) {
	s.mu.Lock()
	c, ok := s.clients[id]
	s.mu.Unlock()
	if !ok || subtle.ConstantTimeCompare([]byte(secret), []byte(c.Secret)) != 1 {
		return nil, errBadClient
	}
	return c, nil
}

// The grants this OP offers.

func (s *storage) ClientCredentials(_ context.Context, id, secret string) (op.Client, error) {
	return s.authenticate(id, secret)
}

func (s *storage) ClientCredentialsTokenRequest(_ context.Context, id string, scopes []string) (op.TokenRequest, error) {
	s.mu.Lock()
	c, ok := s.clients[id]
	s.mu.Unlock()
	if !ok {
		return nil, errBadClient
	}
	return &tokenRequest{subject: c.Subject, audience: []string{id}, scopes: scopes}, nil
}

func (s *storage) CreateAccessToken(_ context.Context, req op.TokenRequest) (string, time.Time, error) {
	id, exp := randomID(), time.Now().Add(tokenLifetime)
	clientID := ""
	if aud := req.GetAudience(); len(aud) > 0 {
		clientID = aud[0]
	}
	if te, ok := req.(op.TokenExchangeRequest); ok {
		clientID = te.GetClientID()
	}
	s.mu.Lock()
	s.tokens[id] = &accessToken{clientID: clientID, subject: req.GetSubject(), expires: exp}
	s.mu.Unlock()
	return id, exp, nil
}

// ValidateTokenExchangeRequest accepts the exchange of an access token
// this OP issued, unexpired, to the same client, for an ID token (or
// another access token); the ID token is for the scopes openid.
func (s *storage) ValidateTokenExchangeRequest(_ context.Context, req op.TokenExchangeRequest) error {
	if req.GetExchangeSubjectTokenType() != oidc.AccessTokenType || req.GetExchangeActor() != "" {
		return oidc.ErrInvalidRequest().WithDescription("only an access token of this OP can be exchanged, without an actor")
	}
	if tt := req.GetRequestedTokenType(); tt == "" {
		req.SetRequestedTokenType(oidc.IDTokenType)
	} else if tt != oidc.IDTokenType && tt != oidc.AccessTokenType {
		return oidc.ErrInvalidRequest().WithDescription("requested_token_type must be id_token or access_token")
	}
	s.mu.Lock()
	t, ok := s.tokens[req.GetExchangeSubjectTokenIDOrToken()]
	s.mu.Unlock()
	if !ok || time.Now().After(t.expires) || t.clientID != req.GetClientID() || t.subject != req.GetExchangeSubject() {
		return oidc.ErrInvalidGrant().WithDescription("subject_token is not an access token of this client")
	}
	if len(req.GetScopes()) == 0 {
		req.SetCurrentScopes([]string{oidc.ScopeOpenID})
	}
	return nil
}

func (s *storage) CreateTokenExchangeRequest(context.Context, op.TokenExchangeRequest) error {
	return nil
}

func (s *storage) GetPrivateClaimsFromTokenExchangeRequest(context.Context, op.TokenExchangeRequest) (map[string]any, error) {
	return nil, nil
}

func (s *storage) SetUserinfoFromTokenExchangeRequest(_ context.Context, info *oidc.UserInfo, req op.TokenExchangeRequest) error {
	info.Subject = req.GetSubject()
	return nil
}

// Keys.

func (s *storage) SigningKey(context.Context) (op.SigningKey, error) {
	return signingKey{id: s.kid, key: s.key}, nil
}

func (s *storage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.RS256}, nil
}

func (s *storage) KeySet(context.Context) ([]op.Key, error) {
	return []op.Key{publicKey{id: s.kid, key: &s.key.PublicKey}}, nil
}

// Clients and tokens.

func (s *storage) GetClientByClientID(_ context.Context, id string) (op.Client, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.clients[id]; ok {
		return c, nil
	}
	return nil, errBadClient
}

func (s *storage) AuthorizeClientIDSecret(_ context.Context, id, secret string) error {
	_, err := s.authenticate(id, secret)
	return err
}

func (s *storage) SetUserinfoFromScopes(context.Context, *oidc.UserInfo, string, string, []string) error {
	return nil
}

func (s *storage) SetUserinfoFromToken(_ context.Context, info *oidc.UserInfo, tokenID, subject, _ string) error {
	s.mu.Lock()
	t, ok := s.tokens[tokenID]
	s.mu.Unlock()
	if !ok || t.subject != subject || time.Now().After(t.expires) {
		return errUnknownToken
	}
	info.Subject = subject
	return nil
}

func (s *storage) SetIntrospectionFromToken(_ context.Context, resp *oidc.IntrospectionResponse, tokenID, subject, clientID string) error {
	s.mu.Lock()
	t, ok := s.tokens[tokenID]
	s.mu.Unlock()
	if !ok || t.subject != subject || time.Now().After(t.expires) {
		return errUnknownToken
	}
	resp.Active, resp.Subject, resp.ClientID = true, subject, t.clientID
	return nil
}

func (s *storage) GetPrivateClaimsFromScopes(context.Context, string, string, []string) (map[string]any, error) {
	return nil, nil
}

func (s *storage) Health(context.Context) error { return nil }

// What this OP does not offer.

func (s *storage) CreateAuthRequest(context.Context, *oidc.AuthRequest, string) (op.AuthRequest, error) {
	return nil, errNotOffered
}
func (s *storage) AuthRequestByID(context.Context, string) (op.AuthRequest, error) {
	return nil, errNotOffered
}
func (s *storage) AuthRequestByCode(context.Context, string) (op.AuthRequest, error) {
	return nil, errNotOffered
}
func (s *storage) SaveAuthCode(context.Context, string, string) error { return errNotOffered }
func (s *storage) DeleteAuthRequest(context.Context, string) error    { return errNotOffered }
func (s *storage) CreateAccessAndRefreshTokens(context.Context, op.TokenRequest, string) (string, string, time.Time, error) {
	return "", "", time.Time{}, errNotOffered
}
func (s *storage) TokenRequestByRefreshToken(context.Context, string) (op.RefreshTokenRequest, error) {
	return nil, op.ErrInvalidRefreshToken
}
func (s *storage) TerminateSession(context.Context, string, string) error { return nil }
func (s *storage) RevokeToken(_ context.Context, token, _, _ string) *oidc.Error {
	s.mu.Lock()
	delete(s.tokens, token)
	s.mu.Unlock()
	return nil
}
func (s *storage) GetRefreshTokenInfo(context.Context, string, string) (string, string, error) {
	return "", "", op.ErrInvalidRefreshToken
}
func (s *storage) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, errNotOffered
}
func (s *storage) ValidateJWTProfileScopes(context.Context, string, []string) ([]string, error) {
	return nil, errNotOffered
}

// tokenRequest is a client credentials grant's token request.
type tokenRequest struct {
	subject  string
	audience []string
	scopes   []string
}

func (r *tokenRequest) GetSubject() string     { return r.subject }
func (r *tokenRequest) GetAudience() []string  { return r.audience }
func (r *tokenRequest) GetScopes() []string    { return r.scopes }
func (r *tokenRequest) GetClientID() string    { return r.audience[0] }
func (r *tokenRequest) GetAMR() []string       { return nil }
func (r *tokenRequest) GetAuthTime() time.Time { return time.Time{} }

// client is a Client as op.Client: a web (confidential) application using
// client_secret_basic, for the client credentials and token exchange
// grants only.
type client struct{ Client }

func (c *client) GetID() string                        { return c.ID }
func (c *client) RedirectURIs() []string               { return nil }
func (c *client) PostLogoutRedirectURIs() []string     { return nil }
func (c *client) ApplicationType() op.ApplicationType  { return op.ApplicationTypeWeb }
func (c *client) AuthMethod() oidc.AuthMethod          { return oidc.AuthMethodBasic }
func (c *client) ResponseTypes() []oidc.ResponseType   { return nil }
func (c *client) LoginURL(string) string               { return "" }
func (c *client) AccessTokenType() op.AccessTokenType  { return op.AccessTokenTypeBearer }
func (c *client) IDTokenLifetime() time.Duration       { return tokenLifetime }
func (c *client) DevMode() bool                        { return false }
func (c *client) IDTokenUserinfoClaimsAssertion() bool { return false }
func (c *client) ClockSkew() time.Duration             { return 0 }
func (c *client) GrantTypes() []oidc.GrantType {
	return []oidc.GrantType{oidc.GrantTypeClientCredentials, oidc.GrantTypeTokenExchange}
}
func (c *client) IsScopeAllowed(scope string) bool { return scope == oidc.ScopeOpenID }
func (c *client) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(scopes []string) []string {
		return slices.DeleteFunc(slices.Clone(scopes), func(s string) bool { return s != oidc.ScopeOpenID })
	}
}
func (c *client) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return c.RestrictAdditionalIdTokenScopes()
}

// signingKey is the OP's RS256 key.
type signingKey struct {
	id  string
	key *rsa.PrivateKey
}

func (k signingKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k signingKey) Key() any                                    { return k.key }
func (k signingKey) ID() string                                  { return k.id }

// publicKey is the signing key's public half, published in the JWKS.
type publicKey struct {
	id  string
	key *rsa.PublicKey
}

func (k publicKey) ID() string                         { return k.id }
func (k publicKey) Algorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k publicKey) Use() string                        { return "sig" }
func (k publicKey) Key() any                           { return k.key }
