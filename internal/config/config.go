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

// Config is the runtime configuration of `stsd serve`. Every field is one
// entry of the settings table (settings.go): its flag, YAML key and default.
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
	overlay(&c, fs, &flags)
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
