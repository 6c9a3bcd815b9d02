// Package config is stsd's server configuration: the typed struct, its YAML
// file form (unknown keys rejected), the command-line flags that override it,
// and one validation pass that reports every problem at once.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"go.yaml.in/yaml/v3"

	"github.com/stsd/stsd/internal/issuer"
)

// Config is the runtime configuration of `stsd serve`.
type Config struct {
	Addr             string   `yaml:"addr"`
	DataDir          string   `yaml:"data_dir"`
	AccountID        string   `yaml:"account_id"`
	AllowHTTPIssuers bool     `yaml:"allow_http_issuers"`
	Bootstrap        string   `yaml:"bootstrap"`
	AuditLog         string   `yaml:"audit_log"`
	LogLevel         string   `yaml:"log_level"`
	LogFormat        string   `yaml:"log_format"`
	Regions          []string `yaml:"regions"`
	CAFile           string   `yaml:"ca_file"`
	TLSCertFile      string   `yaml:"tls_cert_file"`
	TLSKeyFile       string   `yaml:"tls_key_file"`
	// Audit log rotation (audit.Rotation) and failure policy; rotation
	// applies to a file, never to "-" (stdout).
	AuditMaxSizeMB  int  `yaml:"audit_max_size_mb"`
	AuditMaxAgeDays int  `yaml:"audit_max_age_days"`
	AuditMaxBackups int  `yaml:"audit_max_backups"`
	AuditCompress   bool `yaml:"audit_compress"`
	// AuditFailClosed refuses STS and IAM requests (503) while audit
	// writes fail; by default they are answered and the loss is counted.
	AuditFailClosed bool `yaml:"audit_fail_closed"`
	// Store selects the backend: StoreBolt (the file in DataDir) or
	// StoreEtcd (shared by every node using the same etcd and prefix).
	Store string `yaml:"store"`
	Etcd  Etcd   `yaml:"etcd"`
	// KeyringRotationInterval is how long a session-token key stays
	// primary before this node rotates it (creds.KeyringOptions.RotateEvery).
	KeyringRotationInterval time.Duration `yaml:"keyring_rotation_interval"`
	// IssuerURL is stsd's own OpenID Connect issuer (the iss of the tokens
	// GetWebIdentityToken signs); every node serves its discovery document
	// and JWKS. "" turns outbound identity federation off.
	IssuerURL string `yaml:"issuer_url"`
	// IssuerKeyRotationInterval is how long a token-signing key signs
	// before its successor (issuer.Options.RotateEvery).
	IssuerKeyRotationInterval time.Duration `yaml:"issuer_key_rotation_interval"`
	// AllowCrossHostOIDCRedirects lets OIDC discovery and JWKS fetches
	// follow redirects to another scheme, host or port than the URL
	// fetched (oidc.Config.AllowCrossHostRedirects); off by default.
	AllowCrossHostOIDCRedirects bool `yaml:"allow_cross_host_oidc_redirects"`
	// Authz is the listener of the authorization front doors
	// (forward-auth, the JSON decision API, Envoy ext_authz); off unless
	// an address is set.
	Authz Authz `yaml:"authz"`
	// S3 is the S3 gateway; off unless an address is set.
	S3 S3 `yaml:"s3"`
	// DebugAddr serves net/http/pprof for operators ("" = off). It
	// exposes profiles and command lines: keep it on loopback.
	DebugAddr string `yaml:"debug_addr"`
	// Console is the web console under /console/ on the main listener.
	Console Console `yaml:"console"`
}

// Console configures the web console.
type Console struct {
	// Enabled serves /console/ (default true).
	Enabled bool `yaml:"enabled"`
	// IdleTimeout ends a console session after this long without a
	// request; SessionTimeout this long after sign-in.
	IdleTimeout    time.Duration `yaml:"idle_timeout"`
	SessionTimeout time.Duration `yaml:"session_timeout"`
}

// S3 configures the S3 gateway. The backend's access key is never part
// of the configuration: it comes from S3BackendAccessKeyEnv and
// S3BackendSecretKeyEnv.
type S3 struct {
	// Addr is the gateway's HTTP listener ("" = off).
	Addr string `yaml:"addr"`
	// Backend is the S3-compatible store's endpoint URL.
	Backend string `yaml:"backend"`
	// BackendRegion is the region the gateway signs for the backend.
	BackendRegion string `yaml:"backend_region"`
	// Domain is the base domain of virtual-hosted-style requests
	// ("bucket.DOMAIN"); path style always works.
	Domain string `yaml:"domain"`
	// Audit is which data events are audited: off, denied (default), all.
	Audit string `yaml:"audit"`
	// TLSCertFile and TLSKeyFile serve the gateway over HTTPS with their
	// own certificate (a wildcard *.DOMAIN for virtual-hosted buckets);
	// unset, the gateway uses the node's tls_cert_file when it has one.
	TLSCertFile string `yaml:"tls_cert_file"`
	TLSKeyFile  string `yaml:"tls_key_file"`
}

// The environment variables holding the S3 backend's access key.
const (
	S3BackendAccessKeyEnv = "STSD_S3_BACKEND_ACCESS_KEY_ID"
	S3BackendSecretKeyEnv = "STSD_S3_BACKEND_SECRET_ACCESS_KEY"
)

// Authz configures the authorization front doors.
type Authz struct {
	// Addr is the HTTP listener for /forward-auth and /v1/… ("" = off).
	Addr string `yaml:"addr"`
	// GRPCAddr is the Envoy ext_authz gRPC listener ("" = off).
	GRPCAddr string `yaml:"grpc_addr"`
	// TrustedProxies are the addresses or CIDR prefixes of proxies whose
	// X-Forwarded-For names the client (aws:SourceIp); from any other
	// peer the header is ignored and the peer is the client.
	TrustedProxies []string `yaml:"trusted_proxies"`
}

// The store backends.
const (
	StoreBolt = "bolt"
	StoreEtcd = "etcd"
)

// EtcdPasswordEnv holds the etcd password when etcd.password_file is unset.
const EtcdPasswordEnv = "STSD_ETCD_PASSWORD"

// Etcd is how a node reaches etcd when Store is StoreEtcd. The password is
// never part of the configuration: it is read from PasswordFile or the
// EtcdPasswordEnv variable.
type Etcd struct {
	Endpoints      []string      `yaml:"endpoints"`
	Prefix         string        `yaml:"prefix"`
	CAFile         string        `yaml:"ca_file"`
	CertFile       string        `yaml:"cert_file"`
	KeyFile        string        `yaml:"key_file"`
	Username       string        `yaml:"username"`
	PasswordFile   string        `yaml:"password_file"`
	DialTimeout    time.Duration `yaml:"dial_timeout"`
	RequestTimeout time.Duration `yaml:"request_timeout"`
}

// Default returns the defaults every flag documents.
func Default() Config {
	return Config{
		Addr:      "127.0.0.1:8080",
		DataDir:   "./stsd-data",
		AccountID: "000000000000",
		LogLevel:  "info",
		LogFormat: "json",
		Store:     StoreBolt,
		// At most 11 files of 100 MB (the live one and 10 rotated).
		AuditMaxSizeMB:  100,
		AuditMaxBackups: 10,
		// The keyring's own default (creds.KeyringOptions).
		KeyringRotationInterval:   24 * time.Hour,
		IssuerKeyRotationInterval: 7 * 24 * time.Hour,
		Console:                   Console{Enabled: true, IdleTimeout: 30 * time.Minute, SessionTimeout: 8 * time.Hour},
		S3:                        S3{BackendRegion: "us-east-1", Audit: "denied"},
		Etcd: Etcd{
			Prefix:         "/stsd/",
			DialTimeout:    5 * time.Second,
			RequestTimeout: 5 * time.Second,
		},
	}
}

// BindFlags registers one flag per config key on fs, writing into c.
func BindFlags(fs *pflag.FlagSet, c *Config) {
	fs.StringVar(&c.Addr, "addr", c.Addr, "listen address (host:port)")
	fs.StringVar(&c.DataDir, "data-dir", c.DataDir, "data directory (bbolt store, generated root credentials and master key, audit log)")
	fs.StringVar(&c.AccountID, "account-id", c.AccountID, "the 12-digit account id stsd serves")
	fs.BoolVar(&c.AllowHTTPIssuers, "allow-http-issuers", c.AllowHTTPIssuers, "accept http:// OIDC issuers on loopback hosts (development and tests only)")
	fs.StringVar(&c.Bootstrap, "bootstrap", c.Bootstrap, "declarative YAML file of providers, policies and roles, applied at start")
	fs.StringVar(&c.AuditLog, "audit-log", c.AuditLog, `audit log file (default <data-dir>/audit.log; "-" for stdout)`)
	fs.IntVar(&c.AuditMaxSizeMB, "audit-max-size-mb", c.AuditMaxSizeMB, "rotate the audit log file before it grows past this many MiB (at least 1)")
	fs.IntVar(&c.AuditMaxAgeDays, "audit-max-age-days", c.AuditMaxAgeDays, "delete rotated audit log files older than this many days (0: any age)")
	fs.IntVar(&c.AuditMaxBackups, "audit-max-backups", c.AuditMaxBackups, "keep at most this many rotated audit log files (0: every one)")
	fs.BoolVar(&c.AuditCompress, "audit-compress", c.AuditCompress, "gzip rotated audit log files")
	fs.BoolVar(&c.AuditFailClosed, "audit-fail-closed", c.AuditFailClosed, "answer STS and IAM requests with 503 ServiceUnavailable while the audit log cannot be written")
	fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "log level: debug, info, warn, error")
	fs.StringVar(&c.LogFormat, "log-format", c.LogFormat, "log format: json or text")
	fs.StringSliceVar(&c.Regions, "regions", c.Regions, "SigV4 scope regions accepted (default: any)")
	fs.StringVar(&c.CAFile, "ca-file", c.CAFile, "extra CA certificates (PEM) trusted when fetching OIDC discovery and JWKS")
	fs.BoolVar(&c.AllowCrossHostOIDCRedirects, "allow-cross-host-oidc-redirects", c.AllowCrossHostOIDCRedirects,
		"let OIDC discovery and JWKS fetches follow redirects to another host (host:port); link-local and metadata addresses stay refused")
	fs.StringVar(&c.TLSCertFile, "tls-cert-file", c.TLSCertFile, "serve HTTPS with this certificate (PEM)")
	fs.StringVar(&c.TLSKeyFile, "tls-key-file", c.TLSKeyFile, "private key for --tls-cert-file (PEM)")
	fs.StringVar(&c.Store, "store", c.Store, "store backend: bolt (a file in the data directory) or etcd (shared by every node using the same etcd and prefix)")
	fs.DurationVar(&c.KeyringRotationInterval, "keyring-rotation-interval", c.KeyringRotationInterval, "how long a session-token key stays primary before this node rotates it (at least 1s)")
	fs.StringVar(&c.IssuerURL, "issuer-url", c.IssuerURL, "stsd's OpenID Connect issuer URL for GetWebIdentityToken (https://host[/path]; every node serves its discovery and JWKS); off when empty")
	fs.DurationVar(&c.IssuerKeyRotationInterval, "issuer-key-rotation-interval", c.IssuerKeyRotationInterval, "how long a GetWebIdentityToken signing key signs before its successor (at least 2m)")
	fs.StringVar(&c.Authz.Addr, "authz-addr", c.Authz.Addr, "listen address of the authorization front doors: /forward-auth and the JSON decision API (off when empty)")
	fs.StringVar(&c.Authz.GRPCAddr, "authz-grpc-addr", c.Authz.GRPCAddr, "listen address of the Envoy ext_authz gRPC service (off when empty)")
	fs.StringSliceVar(&c.Authz.TrustedProxies, "authz-trusted-proxies", c.Authz.TrustedProxies, "proxies (IPs or CIDR prefixes) whose X-Forwarded-For names the client for aws:SourceIp")
	fs.BoolVar(&c.Console.Enabled, "console-enabled", c.Console.Enabled, "serve the web console under /console/ on the main listener")
	fs.StringVar(&c.DebugAddr, "debug-addr", c.DebugAddr, "listen address of the pprof profiling endpoints (off when empty; keep it on loopback)")
	fs.StringVar(&c.S3.Addr, "s3-addr", c.S3.Addr, "listen address of the S3 gateway (off when empty)")
	fs.StringVar(&c.S3.Backend, "s3-backend", c.S3.Backend, "URL of the S3-compatible store behind the gateway (key from "+S3BackendAccessKeyEnv+" and "+S3BackendSecretKeyEnv+")")
	fs.StringVar(&c.S3.BackendRegion, "s3-backend-region", c.S3.BackendRegion, "region the gateway signs backend requests for")
	fs.StringVar(&c.S3.Domain, "s3-domain", c.S3.Domain, "base domain of virtual-hosted-style buckets (BUCKET.DOMAIN); path style always works")
	fs.StringVar(&c.S3.Audit, "s3-audit", c.S3.Audit, "S3 data events written to the audit log: off, denied or all")
	fs.StringVar(&c.S3.TLSCertFile, "s3-tls-cert-file", c.S3.TLSCertFile, "serve the S3 gateway over HTTPS with this certificate (PEM; default: --tls-cert-file)")
	fs.StringVar(&c.S3.TLSKeyFile, "s3-tls-key-file", c.S3.TLSKeyFile, "private key for --s3-tls-cert-file (PEM)")
	e := &c.Etcd
	fs.StringSliceVar(&e.Endpoints, "etcd-endpoints", e.Endpoints, "etcd client URLs (https://host:2379,...) for --store etcd")
	fs.StringVar(&e.Prefix, "etcd-prefix", e.Prefix, "key prefix inside etcd; nodes sharing a store use the same one")
	fs.StringVar(&e.CAFile, "etcd-ca-file", e.CAFile, "CA certificates (PEM) that verify the etcd servers; turns TLS on")
	fs.StringVar(&e.CertFile, "etcd-cert-file", e.CertFile, "client certificate (PEM) for etcd; turns TLS on")
	fs.StringVar(&e.KeyFile, "etcd-key-file", e.KeyFile, "private key for --etcd-cert-file (PEM)")
	fs.StringVar(&e.Username, "etcd-username", e.Username, "etcd user (password from --etcd-password-file or "+EtcdPasswordEnv+")")
	fs.StringVar(&e.PasswordFile, "etcd-password-file", e.PasswordFile, "file holding the etcd user's password")
	fs.DurationVar(&e.DialTimeout, "etcd-dial-timeout", e.DialTimeout, "how long the first contact with etcd may take at start")
	fs.DurationVar(&e.RequestTimeout, "etcd-request-timeout", e.RequestTimeout, "how long one etcd request may take before it fails as unavailable")
}

// flagKey maps each flag to its YAML key: they differ only in - vs _, and
// a section's keys are prefixed with the section ("etcd-ca-file" is
// etcd.ca_file).
func flagKey(flag string) string { return strings.ReplaceAll(flag, "-", "_") }

// Resolve builds the effective configuration: defaults, then the YAML file
// at path (if any), then every flag the user set explicitly on fs.
func Resolve(path string, fs *pflag.FlagSet, flags Config) (Config, error) {
	c := Default()
	if path != "" {
		raw, err := os.ReadFile(path)
		if err != nil {
			return c, fmt.Errorf("config: %w", err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(raw))
		dec.KnownFields(true)
		if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) { // empty file: defaults
			return c, fmt.Errorf("config %s: %w", path, err)
		}
	}
	fs.Visit(func(f *pflag.Flag) {
		switch flagKey(f.Name) {
		case "addr":
			c.Addr = flags.Addr
		case "data_dir":
			c.DataDir = flags.DataDir
		case "account_id":
			c.AccountID = flags.AccountID
		case "allow_http_issuers":
			c.AllowHTTPIssuers = flags.AllowHTTPIssuers
		case "bootstrap":
			c.Bootstrap = flags.Bootstrap
		case "audit_log":
			c.AuditLog = flags.AuditLog
		case "audit_max_size_mb":
			c.AuditMaxSizeMB = flags.AuditMaxSizeMB
		case "audit_max_age_days":
			c.AuditMaxAgeDays = flags.AuditMaxAgeDays
		case "audit_max_backups":
			c.AuditMaxBackups = flags.AuditMaxBackups
		case "audit_compress":
			c.AuditCompress = flags.AuditCompress
		case "audit_fail_closed":
			c.AuditFailClosed = flags.AuditFailClosed
		case "log_level":
			c.LogLevel = flags.LogLevel
		case "log_format":
			c.LogFormat = flags.LogFormat
		case "regions":
			c.Regions = flags.Regions
		case "ca_file":
			c.CAFile = flags.CAFile
		case "allow_cross_host_oidc_redirects":
			c.AllowCrossHostOIDCRedirects = flags.AllowCrossHostOIDCRedirects
		case "tls_cert_file":
			c.TLSCertFile = flags.TLSCertFile
		case "tls_key_file":
			c.TLSKeyFile = flags.TLSKeyFile
		case "store":
			c.Store = flags.Store
		case "keyring_rotation_interval":
			c.KeyringRotationInterval = flags.KeyringRotationInterval
		case "issuer_url":
			c.IssuerURL = flags.IssuerURL
		case "issuer_key_rotation_interval":
			c.IssuerKeyRotationInterval = flags.IssuerKeyRotationInterval
		case "authz_addr":
			c.Authz.Addr = flags.Authz.Addr
		case "authz_grpc_addr":
			c.Authz.GRPCAddr = flags.Authz.GRPCAddr
		case "authz_trusted_proxies":
			c.Authz.TrustedProxies = flags.Authz.TrustedProxies
		case "debug_addr":
			c.DebugAddr = flags.DebugAddr
		case "console_enabled":
			c.Console.Enabled = flags.Console.Enabled
		case "s3_addr":
			c.S3.Addr = flags.S3.Addr
		case "s3_backend":
			c.S3.Backend = flags.S3.Backend
		case "s3_backend_region":
			c.S3.BackendRegion = flags.S3.BackendRegion
		case "s3_domain":
			c.S3.Domain = flags.S3.Domain
		case "s3_audit":
			c.S3.Audit = flags.S3.Audit
		case "s3_tls_cert_file":
			c.S3.TLSCertFile = flags.S3.TLSCertFile
		case "s3_tls_key_file":
			c.S3.TLSKeyFile = flags.S3.TLSKeyFile
		case "etcd_endpoints":
			c.Etcd.Endpoints = flags.Etcd.Endpoints
		case "etcd_prefix":
			c.Etcd.Prefix = flags.Etcd.Prefix
		case "etcd_ca_file":
			c.Etcd.CAFile = flags.Etcd.CAFile
		case "etcd_cert_file":
			c.Etcd.CertFile = flags.Etcd.CertFile
		case "etcd_key_file":
			c.Etcd.KeyFile = flags.Etcd.KeyFile
		case "etcd_username":
			c.Etcd.Username = flags.Etcd.Username
		case "etcd_password_file":
			c.Etcd.PasswordFile = flags.Etcd.PasswordFile
		case "etcd_dial_timeout":
			c.Etcd.DialTimeout = flags.Etcd.DialTimeout
		case "etcd_request_timeout":
			c.Etcd.RequestTimeout = flags.Etcd.RequestTimeout
		}
	})
	return c, c.Validate()
}

var accountIDPattern = regexp.MustCompile(`^[0-9]{12}$`)

// Validate reports every problem in one error.
func (c Config) Validate() error {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		add("addr %q: must be host:port", c.Addr)
	}
	if c.DataDir == "" {
		add("data_dir: must not be empty")
	}
	if !accountIDPattern.MatchString(c.AccountID) {
		add("account_id %q: must be 12 digits", c.AccountID)
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		add("log_level %q: must be debug, info, warn or error", c.LogLevel)
	}
	switch c.LogFormat {
	case "json", "text":
	default:
		add("log_format %q: must be json or text", c.LogFormat)
	}
	c.validateAudit(add)
	if (c.TLSCertFile == "") != (c.TLSKeyFile == "") {
		add("tls_cert_file and tls_key_file: set both or neither")
	}
	for _, r := range c.Regions {
		if r == "" || strings.ContainsAny(r, " /") {
			add("regions: %q is not a region name", r)
		}
	}
	if c.KeyringRotationInterval < time.Second {
		// The keyring records when a key became primary in whole seconds.
		add("keyring_rotation_interval %v: must be at least 1s", c.KeyringRotationInterval)
	}
	if c.IssuerURL != "" {
		if err := issuer.CheckURL(c.IssuerURL, c.AllowHTTPIssuers); err != nil {
			add("issuer_url: %v", err)
		}
	}
	if c.IssuerKeyRotationInterval < 2*time.Minute {
		add("issuer_key_rotation_interval %v: must be at least 2m", c.IssuerKeyRotationInterval)
	}
	c.Authz.validate(add)
	c.S3.validate(add)
	if c.Console.IdleTimeout < time.Minute || c.Console.SessionTimeout < c.Console.IdleTimeout {
		add("console.idle_timeout %v, console.session_timeout %v: the idle timeout must be at least 1m and the session timeout at least the idle timeout",
			c.Console.IdleTimeout, c.Console.SessionTimeout)
	}
	if c.DebugAddr != "" {
		if _, _, err := net.SplitHostPort(c.DebugAddr); err != nil {
			add("debug_addr %q: must be host:port", c.DebugAddr)
		}
	}
	switch c.Store {
	case StoreBolt:
		if len(c.Etcd.Endpoints) > 0 {
			add("etcd.endpoints: set, but store is %q: set store: etcd to use etcd, or remove the endpoints", c.Store)
		}
	case StoreEtcd:
		c.Etcd.validate(add)
	default:
		add("store %q: must be bolt or etcd", c.Store)
	}
	if len(problems) == 0 {
		return nil
	}
	return fmt.Errorf("invalid configuration:\n  - %s", strings.Join(problems, "\n  - "))
}

// validateAudit checks the audit rotation keys.
func (c Config) validateAudit(add func(string, ...any)) {
	if c.AuditMaxSizeMB < 1 {
		add("audit_max_size_mb %d: must be at least 1", c.AuditMaxSizeMB)
	}
	if c.AuditMaxAgeDays < 0 {
		add("audit_max_age_days %d: must not be negative (0 keeps rotated files of any age)", c.AuditMaxAgeDays)
	}
	if c.AuditMaxBackups < 0 {
		add("audit_max_backups %d: must not be negative (0 keeps every rotated file)", c.AuditMaxBackups)
	}
	d := Default()
	if c.AuditLog == "-" && (c.AuditMaxSizeMB != d.AuditMaxSizeMB || c.AuditMaxAgeDays != d.AuditMaxAgeDays ||
		c.AuditMaxBackups != d.AuditMaxBackups || c.AuditCompress != d.AuditCompress) {
		add(`audit_max_size_mb, audit_max_age_days, audit_max_backups, audit_compress: set, but audit_log is "-" (stdout), which is never rotated: remove them, or rotate where the output is collected`)
	}
}

// validate checks the authz section.
func (a Authz) validate(add func(string, ...any)) {
	for _, f := range []struct{ key, addr string }{{"authz.addr", a.Addr}, {"authz.grpc_addr", a.GRPCAddr}} {
		if f.addr == "" {
			continue
		}
		if _, _, err := net.SplitHostPort(f.addr); err != nil {
			add("%s %q: must be host:port", f.key, f.addr)
		}
	}
	if _, err := a.ParseTrustedProxies(); err != nil {
		add("authz.trusted_proxies: %v", err)
	}
}

// validate checks the s3 section.
func (s S3) validate(add func(string, ...any)) {
	if s.Addr == "" {
		return
	}
	if _, _, err := net.SplitHostPort(s.Addr); err != nil {
		add("s3.addr %q: must be host:port", s.Addr)
	}
	if u, err := url.Parse(s.Backend); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		add("s3.backend %q: must be an http:// or https:// URL without query or credentials", s.Backend)
	}
	if s.BackendRegion == "" || strings.ContainsAny(s.BackendRegion, " /") {
		add("s3.backend_region %q: must be a region name", s.BackendRegion)
	}
	if s.Domain != "" && (strings.ContainsAny(s.Domain, " /:") || strings.HasPrefix(s.Domain, ".")) {
		add("s3.domain %q: must be a DNS name such as s3.example.com", s.Domain)
	}
	switch s.Audit {
	case "off", "denied", "all":
	default:
		add("s3.audit %q: must be off, denied or all", s.Audit)
	}
	if (s.TLSCertFile == "") != (s.TLSKeyFile == "") {
		add("s3.tls_cert_file and s3.tls_key_file: set both or neither")
	}
}

// ParseTrustedProxies reads TrustedProxies: each an IP address (a /32 or
// /128) or a CIDR prefix.
func (a Authz) ParseTrustedProxies() ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range a.TrustedProxies {
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
			continue
		}
		ip, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("%q is neither an IP address nor a CIDR prefix", s)
		}
		ip = ip.Unmap()
		out = append(out, netip.PrefixFrom(ip, ip.BitLen()))
	}
	return out, nil
}

// validate checks the etcd section for store: etcd.
func (e Etcd) validate(add func(string, ...any)) {
	tls := e.CAFile != "" || e.CertFile != ""
	if len(e.Endpoints) == 0 {
		add("etcd.endpoints: store etcd needs at least one endpoint")
	}
	for _, ep := range e.Endpoints {
		if scheme, ok := endpointScheme(ep); !ok {
			add("etcd.endpoints: %q is not http(s)://host:port or host:port", ep)
		} else if tls && scheme == "http" {
			add("etcd.endpoints: %q is plain http but TLS is configured (etcd.ca_file or etcd.cert_file): use https://", ep)
		}
	}
	if e.Prefix == "" || !strings.HasSuffix(e.Prefix, "/") {
		add("etcd.prefix %q: must end with / (e.g. /stsd/), so that no prefix holds another's keys", e.Prefix)
	}
	if (e.CertFile == "") != (e.KeyFile == "") {
		add("etcd.cert_file and etcd.key_file: set both or neither")
	}
	for _, f := range []struct{ key, path string }{
		{"etcd.ca_file", e.CAFile}, {"etcd.cert_file", e.CertFile}, {"etcd.key_file", e.KeyFile}, {"etcd.password_file", e.PasswordFile},
	} {
		if f.path == "" {
			continue
		}
		if fi, err := os.Stat(f.path); err != nil {
			add("%s: %v", f.key, err)
		} else if fi.IsDir() {
			add("%s: %s is a directory", f.key, f.path)
		}
	}
	if e.PasswordFile != "" && e.Username == "" {
		add("etcd.password_file: set, but etcd.username is empty")
	}
	if e.DialTimeout <= 0 {
		add("etcd.dial_timeout %v: must be positive", e.DialTimeout)
	}
	if e.RequestTimeout <= 0 {
		add("etcd.request_timeout %v: must be positive", e.RequestTimeout)
	}
}

// endpointScheme parses an etcd endpoint: a URL with scheme http or https
// and a host:port, or a bare host:port (the scheme is then "").
func endpointScheme(ep string) (string, bool) {
	if !strings.Contains(ep, "://") {
		_, port, err := net.SplitHostPort(ep)
		return "", err == nil && port != ""
	}
	u, err := url.Parse(ep)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Port() == "" || u.Hostname() == "" ||
		(u.Path != "" && u.Path != "/") || u.User != nil || u.RawQuery != "" {
		return "", false
	}
	return u.Scheme, true
}
