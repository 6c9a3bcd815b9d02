package config

import (
	"time"

	"github.com/spf13/pflag"
)

// settings is every configuration key, one line each: its flag, its YAML
// key (a section's key as section.key), the Config field it sets, its
// default and the flag's help. Default, BindFlags and Resolve all read this
// table, so a new key is a field in Config and an entry here; a test checks
// that every YAML key has exactly one entry and that every flag overrides
// the file.
var settings = []setting{
	stringKey("addr", "addr", func(c *Config) *string { return &c.Addr }, "127.0.0.1:8080",
		"listen address (host:port)"),
	stringKey("data-dir", "data_dir", func(c *Config) *string { return &c.DataDir }, "./stsd-data",
		"data directory (bbolt store, generated root credentials and master key, audit log)"),
	stringKey("account-id", "account_id", func(c *Config) *string { return &c.AccountID }, "000000000000",
		"the 12-digit account id stsd serves"),
	boolKey("allow-http-issuers", "allow_http_issuers", func(c *Config) *bool { return &c.AllowHTTPIssuers }, false,
		"accept http:// OIDC issuers on loopback hosts (development and tests only)"),
	stringKey("bootstrap", "bootstrap", func(c *Config) *string { return &c.Bootstrap }, "",
		"declarative YAML file of providers, policies and roles, applied at start"),
	stringKey("audit-log", "audit_log", func(c *Config) *string { return &c.AuditLog }, "",
		`audit log file (default <data-dir>/audit.log; "-" for stdout)`),
	// Rotation keeps at most 11 files of 100 MB (the live one and 10 rotated).
	intKey("audit-max-size-mb", "audit_max_size_mb", func(c *Config) *int { return &c.AuditMaxSizeMB }, 100,
		"rotate the audit log file before it grows past this many MiB (at least 1)"),
	intKey("audit-max-age-days", "audit_max_age_days", func(c *Config) *int { return &c.AuditMaxAgeDays }, 0,
		"delete rotated audit log files older than this many days (0: any age)"),
	intKey("audit-max-backups", "audit_max_backups", func(c *Config) *int { return &c.AuditMaxBackups }, 10,
		"keep at most this many rotated audit log files (0: every one)"),
	boolKey("audit-compress", "audit_compress", func(c *Config) *bool { return &c.AuditCompress }, false,
		"gzip rotated audit log files"),
	boolKey("audit-fail-closed", "audit_fail_closed", func(c *Config) *bool { return &c.AuditFailClosed }, false,
		"answer STS and IAM requests with 503 ServiceUnavailable while the audit log cannot be written"),
	stringKey("log-level", "log_level", func(c *Config) *string { return &c.LogLevel }, "info",
		"log level: debug, info, warn, error"),
	stringKey("log-format", "log_format", func(c *Config) *string { return &c.LogFormat }, "json",
		"log format: json or text"),
	listKey("regions", "regions", func(c *Config) *[]string { return &c.Regions },
		"SigV4 scope regions accepted (default: any)"),
	stringKey("ca-file", "ca_file", func(c *Config) *string { return &c.CAFile }, "",
		"extra CA certificates (PEM) trusted when fetching OIDC discovery and JWKS"),
	boolKey("allow-cross-host-oidc-redirects", "allow_cross_host_oidc_redirects", func(c *Config) *bool { return &c.AllowCrossHostOIDCRedirects }, false,
		"let OIDC discovery and JWKS fetches follow redirects to another host (host:port); link-local and metadata addresses stay refused"),
	stringKey("tls-cert-file", "tls_cert_file", func(c *Config) *string { return &c.TLSCertFile }, "",
		"serve HTTPS with this certificate (PEM)"),
	stringKey("tls-key-file", "tls_key_file", func(c *Config) *string { return &c.TLSKeyFile }, "",
		"private key for --tls-cert-file (PEM)"),
	stringKey("store", "store", func(c *Config) *string { return &c.Store }, StoreBolt,
		"store backend: bolt (a file in the data directory) or etcd (shared by every node using the same etcd and prefix)"),
	// The keyring's own default (creds.KeyringOptions).
	durationKey("keyring-rotation-interval", "keyring_rotation_interval", func(c *Config) *time.Duration { return &c.KeyringRotationInterval }, 24*time.Hour,
		"how long a session-token key stays primary before this node rotates it (at least 1s)"),
	stringKey("issuer-url", "issuer_url", func(c *Config) *string { return &c.IssuerURL }, "",
		"stsd's OpenID Connect issuer URL for GetWebIdentityToken (https://host[/path]; every node serves its discovery and JWKS); off when empty"),
	durationKey("issuer-key-rotation-interval", "issuer_key_rotation_interval", func(c *Config) *time.Duration { return &c.IssuerKeyRotationInterval }, 7*24*time.Hour,
		"how long a GetWebIdentityToken signing key signs before its successor (at least 2m)"),
	stringKey("authz-addr", "authz.addr", func(c *Config) *string { return &c.Authz.Addr }, "",
		"listen address of the authorization front doors: /forward-auth and the JSON decision API (off when empty)"),
	stringKey("authz-grpc-addr", "authz.grpc_addr", func(c *Config) *string { return &c.Authz.GRPCAddr }, "",
		"listen address of the Envoy ext_authz gRPC service (off when empty)"),
	listKey("authz-trusted-proxies", "authz.trusted_proxies", func(c *Config) *[]string { return &c.Authz.TrustedProxies },
		"proxies (IPs or CIDR prefixes) whose X-Forwarded-For names the client for aws:SourceIp"),
	boolKey("console-enabled", "console.enabled", func(c *Config) *bool { return &c.Console.Enabled }, true,
		"serve the web console under /console/ on the main listener"),
	durationKey("console-idle-timeout", "console.idle_timeout", func(c *Config) *time.Duration { return &c.Console.IdleTimeout }, 30*time.Minute,
		"end a console session after this long without a request (at least 1m)"),
	durationKey("console-session-timeout", "console.session_timeout", func(c *Config) *time.Duration { return &c.Console.SessionTimeout }, 8*time.Hour,
		"end a console session this long after sign-in (at least the idle timeout)"),
	stringKey("debug-addr", "debug_addr", func(c *Config) *string { return &c.DebugAddr }, "",
		"listen address of the pprof profiling endpoints (off when empty; keep it on loopback)"),
	stringKey("s3-addr", "s3.addr", func(c *Config) *string { return &c.S3.Addr }, "",
		"listen address of the S3 gateway (off when empty)"),
	stringKey("s3-backend", "s3.backend", func(c *Config) *string { return &c.S3.Backend }, "",
		"URL of the S3-compatible store behind the gateway (key from "+S3BackendAccessKeyEnv+" and "+S3BackendSecretKeyEnv+")"),
	stringKey("s3-backend-region", "s3.backend_region", func(c *Config) *string { return &c.S3.BackendRegion }, "us-east-1",
		"region the gateway signs backend requests for"),
	stringKey("s3-domain", "s3.domain", func(c *Config) *string { return &c.S3.Domain }, "",
		"base domain of virtual-hosted-style buckets (BUCKET.DOMAIN); path style always works"),
	stringKey("s3-audit", "s3.audit", func(c *Config) *string { return &c.S3.Audit }, "denied",
		"S3 data events written to the audit log: off, denied or all"),
	stringKey("s3-tls-cert-file", "s3.tls_cert_file", func(c *Config) *string { return &c.S3.TLSCertFile }, "",
		"serve the S3 gateway over HTTPS with this certificate (PEM; default: --tls-cert-file)"),
	stringKey("s3-tls-key-file", "s3.tls_key_file", func(c *Config) *string { return &c.S3.TLSKeyFile }, "",
		"private key for --s3-tls-cert-file (PEM)"),
	listKey("etcd-endpoints", "etcd.endpoints", func(c *Config) *[]string { return &c.Etcd.Endpoints },
		"etcd client URLs (https://host:2379,...) for --store etcd"),
	stringKey("etcd-prefix", "etcd.prefix", func(c *Config) *string { return &c.Etcd.Prefix }, "/stsd/",
		"key prefix inside etcd; nodes sharing a store use the same one"),
	stringKey("etcd-ca-file", "etcd.ca_file", func(c *Config) *string { return &c.Etcd.CAFile }, "",
		"CA certificates (PEM) that verify the etcd servers; turns TLS on"),
	stringKey("etcd-cert-file", "etcd.cert_file", func(c *Config) *string { return &c.Etcd.CertFile }, "",
		"client certificate (PEM) for etcd; turns TLS on"),
	stringKey("etcd-key-file", "etcd.key_file", func(c *Config) *string { return &c.Etcd.KeyFile }, "",
		"private key for --etcd-cert-file (PEM)"),
	stringKey("etcd-username", "etcd.username", func(c *Config) *string { return &c.Etcd.Username }, "",
		"etcd user (password from --etcd-password-file or "+EtcdPasswordEnv+")"),
	stringKey("etcd-password-file", "etcd.password_file", func(c *Config) *string { return &c.Etcd.PasswordFile }, "",
		"file holding the etcd user's password"),
	durationKey("etcd-dial-timeout", "etcd.dial_timeout", func(c *Config) *time.Duration { return &c.Etcd.DialTimeout }, 5*time.Second,
		"how long the first contact with etcd may take at start"),
	durationKey("etcd-request-timeout", "etcd.request_timeout", func(c *Config) *time.Duration { return &c.Etcd.RequestTimeout }, 5*time.Second,
		"how long one etcd request may take before it fails as unavailable"),
}

// A setting is one configuration key (an entry of settings).
type setting struct {
	flag string // the command-line flag, without --
	yaml string // the YAML key; a section's key is section.key
	// reset sets the field to its default, bind registers the flag on fs
	// writing into c (c's current value is the flag's default), and copy
	// sets dst's field to src's.
	reset func(c *Config)
	bind  func(fs *pflag.FlagSet, c *Config)
	copy  func(dst, src *Config)
}

// newSetting builds a setting for a field of type T; bindVar is the pflag
// method that binds a *T (FlagSet.StringVar, FlagSet.BoolVar, …).
func newSetting[T any](bindVar func(fs *pflag.FlagSet, p *T, name string, value T, usage string),
	flag, yaml string, field func(*Config) *T, def T, help string) setting {
	return setting{
		flag:  flag,
		yaml:  yaml,
		reset: func(c *Config) { *field(c) = def },
		bind:  func(fs *pflag.FlagSet, c *Config) { p := field(c); bindVar(fs, p, flag, *p, help) },
		copy:  func(dst, src *Config) { *field(dst) = *field(src) },
	}
}

func stringKey(flag, yaml string, field func(*Config) *string, def, help string) setting {
	return newSetting((*pflag.FlagSet).StringVar, flag, yaml, field, def, help)
}

func boolKey(flag, yaml string, field func(*Config) *bool, def bool, help string) setting {
	return newSetting((*pflag.FlagSet).BoolVar, flag, yaml, field, def, help)
}

func intKey(flag, yaml string, field func(*Config) *int, def int, help string) setting {
	return newSetting((*pflag.FlagSet).IntVar, flag, yaml, field, def, help)
}

func durationKey(flag, yaml string, field func(*Config) *time.Duration, def time.Duration, help string) setting {
	return newSetting((*pflag.FlagSet).DurationVar, flag, yaml, field, def, help)
}

// listKey is a comma-separated list flag; every list defaults to empty.
func listKey(flag, yaml string, field func(*Config) *[]string, help string) setting {
	return newSetting((*pflag.FlagSet).StringSliceVar, flag, yaml, field, nil, help)
}

// Default returns the defaults every flag documents.
func Default() Config {
	var c Config
	for _, s := range settings {
		s.reset(&c)
	}
	return c
}

// BindFlags registers one flag per config key on fs, writing into c.
func BindFlags(fs *pflag.FlagSet, c *Config) {
	for _, s := range settings {
		s.bind(fs, c)
	}
}

// overlay copies into c every field whose flag the user set explicitly on
// fs, from flags (the Config BindFlags wrote into). Flags that are not
// settings (--config, --help) are left alone.
func overlay(c *Config, fs *pflag.FlagSet, flags *Config) {
	fs.Visit(func(f *pflag.Flag) {
		for _, s := range settings {
			if s.flag == f.Name {
				s.copy(c, flags)
			}
		}
	})
}
