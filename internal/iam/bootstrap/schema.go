package bootstrap

// File is a decoded and validated bootstrap file. Build it with Load or
// Parse; Apply writes it to the store.
type File struct {
	// Version is the schema version; only 1 (or omitted) is accepted.
	Version         int             `yaml:"version"`
	OIDCProviders   []Provider      `yaml:"oidc_providers"`
	OAuthProviders  []OAuthProvider `yaml:"oauth_providers"`
	ManagedPolicies []Policy        `yaml:"managed_policies"`
	Roles           []Role          `yaml:"roles"`
}

// Provider is an OIDC provider entry.
type Provider struct {
	// URL is the issuer exactly as tokens' iss spells it.
	URL         string   `yaml:"url"`
	ClientIDs   []string `yaml:"client_ids"`
	Thumbprints []string `yaml:"thumbprints"`
	// JWKSURL, if set, is fetched for keys instead of discovery's jwks_uri.
	JWKSURL string `yaml:"jwks_url"`
	// StaticJWKS is an inline key set (a YAML mapping or a JSON string);
	// JWKSFile names a file holding one, relative to the bootstrap file.
	// At most one of JWKSURL, StaticJWKS and JWKSFile.
	StaticJWKS *Document `yaml:"static_jwks"`
	JWKSFile   string    `yaml:"jwks_file"`
	Tags       Tags      `yaml:"tags"`

	// staticJWKS is the key set's JSON after Load (inline or from the file).
	staticJWKS string
}

// Policy is a customer managed policy entry.
type Policy struct {
	Name        string   `yaml:"name"`
	Path        string   `yaml:"path"`
	Description string   `yaml:"description"`
	Document    Document `yaml:"document"`
	Tags        Tags     `yaml:"tags"`
}

// Role is a role entry.
type Role struct {
	Name        string   `yaml:"name"`
	Path        string   `yaml:"path"`
	Description string   `yaml:"description"`
	TrustPolicy Document `yaml:"trust_policy"`
	// MaxSessionDuration in seconds, 3600..43200; 0 or omitted means 3600.
	MaxSessionDuration int                 `yaml:"max_session_duration"`
	InlinePolicies     map[string]Document `yaml:"inline_policies"`
	// ManagedPolicies are policy ARNs, or names of managed_policies
	// entries of this file.
	ManagedPolicies []string `yaml:"managed_policies"`
	// PermissionsBoundary is a policy ARN or a managed_policies name.
	PermissionsBoundary string `yaml:"permissions_boundary"`
	Tags                Tags   `yaml:"tags"`
}
