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
	"os"
	"regexp"
	"strings"

	"github.com/spf13/pflag"
	"go.yaml.in/yaml/v3"
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
}

// Default returns the defaults every flag documents.
func Default() Config {
	return Config{
		Addr:      "127.0.0.1:8080",
		DataDir:   "./stsd-data",
		AccountID: "000000000000",
		LogLevel:  "info",
		LogFormat: "json",
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
	fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "log level: debug, info, warn, error")
	fs.StringVar(&c.LogFormat, "log-format", c.LogFormat, "log format: json or text")
	fs.StringSliceVar(&c.Regions, "regions", c.Regions, "SigV4 scope regions accepted (default: any)")
	fs.StringVar(&c.CAFile, "ca-file", c.CAFile, "extra CA certificates (PEM) trusted when fetching OIDC discovery and JWKS")
	fs.StringVar(&c.TLSCertFile, "tls-cert-file", c.TLSCertFile, "serve HTTPS with this certificate (PEM)")
	fs.StringVar(&c.TLSKeyFile, "tls-key-file", c.TLSKeyFile, "private key for --tls-cert-file (PEM)")
}

// flagKeys maps each flag to its YAML key (they differ only in - vs _).
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
		case "log_level":
			c.LogLevel = flags.LogLevel
		case "log_format":
			c.LogFormat = flags.LogFormat
		case "regions":
			c.Regions = flags.Regions
		case "ca_file":
			c.CAFile = flags.CAFile
		case "tls_cert_file":
			c.TLSCertFile = flags.TLSCertFile
		case "tls_key_file":
			c.TLSKeyFile = flags.TLSKeyFile
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
	if (c.TLSCertFile == "") != (c.TLSKeyFile == "") {
		add("tls_cert_file and tls_key_file: set both or neither")
	}
	for _, r := range c.Regions {
		if r == "" || strings.ContainsAny(r, " /") {
			add("regions: %q is not a region name", r)
		}
	}
	if len(problems) == 0 {
		return nil
	}
	return fmt.Errorf("invalid configuration:\n  - %s", strings.Join(problems, "\n  - "))
}
