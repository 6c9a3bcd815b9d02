package iam

import (
	"net"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/stsd/stsd/internal/awserr"
)

// Limits on OIDC providers (IAM model and quotas).
const (
	MaxProviderURLLength = 255
	MaxClientIDLength    = 255
	ThumbprintLength     = 40
)

// URLOptions relaxes the provider URL rule for development.
type URLOptions struct {
	// AllowHTTPLoopback accepts http:// URLs whose host is a loopback
	// address (127.0.0.0/8, ::1) or "localhost" (--allow-http-issuers).
	AllowHTTPLoopback bool
}

// errInvalidProviderURL is IAM's answer to a URL that is not an https URL
// with a host and no query or fragment.
func errInvalidProviderURL() *Error { return &Error{Reason: ReasonInvalidProviderURL} }

// ValidateProviderURL checks an OIDC provider URL as registered: 1..255
// characters (a violation without the value, as IAM reports it); https:// (or http:// on loopback when allowed); a host; an
// optional port and path; no user info, query or fragment; no whitespace or
// control characters. The URL is kept exactly as given (case, trailing
// slash): it must equal the tokens' iss.
func ValidateProviderURL(raw string, opts URLOptions) error {
	if vs := lengthViolations(nil, "url", raw, 1, MaxProviderURLLength); len(vs) > 0 {
		for i := range vs {
			vs[i].Form, vs[i].Value = awserr.ValueOmitted, "" // IAM does not echo the URL
		}
		return NewValidationError(vs...)
	}
	if strings.ContainsAny(raw, "?#\\") || !allRunes(raw, func(r rune) bool { return r > 0x20 && r < 0x7F }) {
		return errInvalidProviderURL()
	}
	u, err := url.Parse(raw)
	if err != nil || u.User != nil || u.Opaque != "" || u.Host == "" || u.Hostname() == "" || strings.HasSuffix(u.Host, ":") {
		return errInvalidProviderURL()
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return errInvalidProviderURL()
		}
	}
	switch {
	case strings.HasPrefix(raw, "https://"):
		return nil
	case strings.HasPrefix(raw, "http://") && opts.AllowHTTPLoopback && isLoopbackHost(u.Hostname()):
		return nil
	}
	return errInvalidProviderURL()
}

func isLoopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// TrimScheme returns a provider URL without "https://" or "http://": the
// part used in the provider ARN, the store key and the condition-key prefix.
func TrimScheme(u string) string {
	if s, ok := strings.CutPrefix(u, "https://"); ok {
		return s
	}
	if s, ok := strings.CutPrefix(u, "http://"); ok {
		return s
	}
	return u
}

// ValidateClientIDs checks a provider's client ID list: each 1..255
// characters, at most 100 of them.
func ValidateClientIDs(ids []string) error {
	for _, id := range ids {
		if n := utf8.RuneCountInString(id); n < 1 || n > MaxClientIDLength {
			return NewValidationError(awserr.Violation{Member: "clientIDList", Form: awserr.ValueOmitted,
				Constraint: "Member must satisfy constraint: [" + lengthAtMost(MaxClientIDLength) + ", " + lengthAtLeast(1) + "]"})
		}
	}
	if len(ids) > MaxClientIDs {
		return &Error{Reason: ReasonClientIDsPerProvider}
	}
	return nil
}

// ValidateThumbprints checks a provider's thumbprint list: at most 5, each
// exactly 40 hexadecimal characters (the SHA-1 of a certificate).
func ValidateThumbprints(tps []string) error {
	for _, tp := range tps {
		if utf8.RuneCountInString(tp) != ThumbprintLength {
			return NewValidationError(awserr.Violation{Member: "thumbprintList", Form: awserr.ValueOmitted,
				Constraint: "Member must satisfy constraint: [" + lengthAtMost(ThumbprintLength) + ", " + lengthAtLeast(ThumbprintLength) + "]"})
		}
	}
	if len(tps) > MaxThumbprints {
		return &Error{Reason: ReasonThumbprintsPerProvider}
	}
	for _, tp := range tps {
		if !allRunes(tp, isHex) {
			return &Error{Reason: ReasonInvalidThumbprint, Subject: tp}
		}
	}
	return nil
}

func isHex(r rune) bool {
	return (r >= '0' && r <= '9') || (r >= 'a' && r <= 'f') || (r >= 'A' && r <= 'F')
}
