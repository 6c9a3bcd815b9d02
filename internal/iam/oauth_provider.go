package iam

import (
	"context"
	"net/url"
	"path/filepath"
	"strings"
	"time"
)

// OAuthProvider is an OAuth 2.0 authorization server whose access tokens
// AssumeRoleWithWebIdentity accepts when the call names it as ProviderId:
// stsd introspects the token (RFC 7662) at IntrospectionURL with the client
// credentials ClientID and the secret found in the environment variable
// ClientSecretEnv or the file ClientSecretFile on the node making the call.
// The secret itself is never stored. It is the self-hosted counterpart of
// AWS's built-in OAuth providers (www.amazon.com, graph.facebook.com); it
// has no IAM API and is managed with the bootstrap file. Stored under
// accounts/<acct>/oauth-providers/<provider id>.
type OAuthProvider struct {
	Account string `json:"account"`
	// ProviderID is the ProviderId value, the Federated principal of
	// trust policies and the prefix of its condition keys
	// ("<id>:app_id", "<id>:sub", "<id>:aud", "<id>:scope").
	ProviderID       string `json:"providerId"`
	IntrospectionURL string `json:"introspectionUrl"`
	ClientID         string `json:"clientId"`
	// ClientSecretEnv and ClientSecretFile name where each node reads the
	// client secret; exactly one is set.
	ClientSecretEnv  string    `json:"clientSecretEnv,omitempty"`
	ClientSecretFile string    `json:"clientSecretFile,omitempty"`
	Tags             []Tag     `json:"tags,omitempty"`
	CreateDate       time.Time `json:"createDate"`
	Revision         int64     `json:"-"`
}

// kindOAuthProviders is the store kind of OAuth providers.
const kindOAuthProviders = "oauth-providers"

// Limits on OAuth providers.
const (
	// MinOAuthProviderIDLength and MaxOAuthProviderIDLength: the model's
	// ProviderId (urlType) is 4..2048 characters; a provider id is a host
	// name, at most 253.
	MinOAuthProviderIDLength = 4
	MaxOAuthProviderIDLength = 253
	MaxIntrospectionURLLen   = 2048
	MaxOAuthClientIDLength   = 1024
	maxSecretEnvNameLength   = 256
	maxSecretFilePathLength  = 4096
	// MaxOAuthProvidersPerAccount bounds the providers of an account (as
	// MaxProvidersPerAccount does OIDC providers).
	MaxOAuthProvidersPerAccount = 100
)

func (x *OAuthProvider) setRevision(rev int64) { x.Revision = rev }

// OAuthProviderKey is the store key of an OAuth provider.
func OAuthProviderKey(account, providerID string) string {
	return entityKey(account, kindOAuthProviders, providerID)
}

// ValidateOAuthProviderID checks a provider id: 4..253 letters, digits,
// '.', '-' and '_' — a host name without scheme or port, as AWS asks of
// ProviderId ("Do not include URL schemes and port numbers").
func ValidateOAuthProviderID(id string) error {
	if len(id) < MinOAuthProviderIDLength || len(id) > MaxOAuthProviderIDLength {
		return &Error{Reason: ReasonOAuthProviderIDLength}
	}
	if !allRunes(id, func(r rune) bool {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_'
	}) {
		return &Error{Reason: ReasonOAuthProviderIDChars, Subject: id}
	}
	return nil
}

// ValidateIntrospectionURL checks an introspection endpoint: https (http
// only to a loopback host when allowed), a host, no user info or fragment,
// at most 2048 printable ASCII characters. A query is allowed.
func ValidateIntrospectionURL(raw string, opts URLOptions) error {
	bad := &Error{Reason: ReasonInvalidIntrospectionURL}
	if raw == "" || len(raw) > MaxIntrospectionURLLen || !allRunes(raw, func(r rune) bool { return r > 0x20 && r < 0x7F }) {
		return bad
	}
	u, err := url.Parse(raw)
	if err != nil || u.User != nil || u.Opaque != "" || u.Fragment != "" || strings.Contains(raw, "#") || u.Hostname() == "" {
		return bad
	}
	switch {
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && opts.AllowHTTPLoopback && isLoopbackHost(u.Hostname()):
		return nil
	}
	return bad
}

// Validate checks the provider's members.
func (p *OAuthProvider) Validate(opts URLOptions) error {
	if err := validateAccount(p.Account); err != nil {
		return err
	}
	if err := ValidateOAuthProviderID(p.ProviderID); err != nil {
		return err
	}
	if err := ValidateIntrospectionURL(p.IntrospectionURL, opts); err != nil {
		return err
	}
	if err := ValidateOAuthClientID(p.ClientID); err != nil {
		return err
	}
	if err := ValidateSecretSource(p.ClientSecretEnv, p.ClientSecretFile); err != nil {
		return err
	}
	return ValidateTags(p.Tags)
}

// ValidateOAuthClientID checks a client id: 1..1024 characters of
// %x20-7E (RFC 6749 Appendix A.1, VSCHAR).
func ValidateOAuthClientID(id string) error {
	if id == "" || len(id) > MaxOAuthClientIDLength || !allRunes(id, func(r rune) bool { return r >= 0x20 && r <= 0x7E }) {
		return &Error{Reason: ReasonInvalidOAuthClientID}
	}
	return nil
}

// ValidateSecretSource requires exactly one of an environment variable
// name ([A-Za-z_][A-Za-z0-9_]*) and an absolute file path.
func ValidateSecretSource(env, file string) error {
	switch {
	case env != "" && file != "":
		return &Error{Reason: ReasonSecretSourceBoth}
	case env == "" && file == "":
		return &Error{Reason: ReasonSecretSourceMissing}
	case env != "":
		ok := len(env) <= maxSecretEnvNameLength && (env[0] < '0' || env[0] > '9') && allRunes(env, func(r rune) bool {
			return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_'
		})
		if !ok {
			return &Error{Reason: ReasonInvalidSecretEnv, Subject: env}
		}
	default:
		if len(file) > maxSecretFilePathLength || !filepath.IsAbs(file) || strings.ContainsRune(file, 0) {
			return &Error{Reason: ReasonInvalidSecretFile, Subject: file}
		}
	}
	return nil
}

func errNoSuchOAuthProvider(account, id string) error {
	return &Error{Reason: ReasonOAuthProviderNotFound, Subject: id, Detail: account}
}

// CreateOAuthProvider validates and stores a new OAuth provider;
// CreateDate is assigned. An existing id gives KindAlreadyExists.
func (r *Repo) CreateOAuthProvider(ctx context.Context, p OAuthProvider) (*OAuthProvider, error) {
	p.CreateDate = r.timestamp()
	if err := p.Validate(r.urlOpts); err != nil {
		return nil, err
	}
	existing, err := r.ListOAuthProviders(ctx, p.Account)
	if err != nil {
		return nil, err
	}
	if len(existing) >= MaxOAuthProvidersPerAccount {
		return nil, &Error{Reason: ReasonOAuthProvidersPerAccount}
	}
	v := &p
	if err := create(ctx, r.st, OAuthProviderKey(p.Account, p.ProviderID), v, func() error {
		return &Error{Reason: ReasonOAuthProviderExists, Subject: p.ProviderID}
	}); err != nil {
		return nil, err
	}
	return v, nil
}

// GetOAuthProvider returns the account's OAuth provider, or KindNotFound.
func (r *Repo) GetOAuthProvider(ctx context.Context, account, id string) (*OAuthProvider, error) {
	return get[OAuthProvider](ctx, r.st, OAuthProviderKey(account, id), func() error { return errNoSuchOAuthProvider(account, id) })
}

// UpdateOAuthProvider applies mutate with compare-and-swap (see
// UpdateRole). The account, id and creation date cannot change.
func (r *Repo) UpdateOAuthProvider(ctx context.Context, account, id string, mutate func(*OAuthProvider) error) (*OAuthProvider, error) {
	return update[OAuthProvider](ctx, r.st, OAuthProviderKey(account, id), func() error { return errNoSuchOAuthProvider(account, id) }, mutate,
		func(before, after *OAuthProvider) error {
			if before.Account != after.Account || before.ProviderID != after.ProviderID || !before.CreateDate.Equal(after.CreateDate) {
				return &Error{Reason: ReasonOAuthProviderImmutable}
			}
			return after.Validate(r.urlOpts)
		})
}

// DeleteOAuthProvider deletes the account's OAuth provider.
func (r *Repo) DeleteOAuthProvider(ctx context.Context, account, id string) error {
	return remove[OAuthProvider](ctx, r.st, OAuthProviderKey(account, id), func() error { return errNoSuchOAuthProvider(account, id) },
		func(*OAuthProvider) error { return nil })
}

// ListOAuthProviders returns the account's OAuth providers sorted by id.
func (r *Repo) ListOAuthProviders(ctx context.Context, account string) ([]*OAuthProvider, error) {
	return list[OAuthProvider](ctx, r.st, AccountPrefix(account)+kindOAuthProviders+"/")
}

// OAuthProvider returns the account's OAuth provider whose id equals id
// exactly (the ProviderId as sent).
func (s *Snapshot) OAuthProvider(account, id string) (*OAuthProvider, bool) {
	a := s.accounts[account]
	if a == nil {
		return nil, false
	}
	p, ok := a.oauthProviders[id]
	return p, ok
}
