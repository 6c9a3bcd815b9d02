package oidc

import (
	"context"
	"crypto/sha1"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// Fetch limits.
const (
	fetchTimeout = 5 * time.Second
	maxBodyBytes = 1 << 20
	maxRedirects = 3
)

var (
	errThumbprintMismatch = errors.New("TLS chain is untrusted and no configured thumbprint matches")
	errBlockedAddress     = errors.New("address is link-local or cloud metadata")
	errBlockedURL         = errors.New("URL not allowed")
	errBodyTooLarge       = fmt.Errorf("response body larger than %d bytes", maxBodyBytes)
	// errCrossHostRedirect: a redirect named another scheme, host or port
	// than the URL being fetched, and cross-host redirects are off.
	errCrossHostRedirect = fmt.Errorf("%w: redirect to another host", errBlockedURL)
)

// fetchPolicy is what the HTTP client enforces for one provider.
type fetchPolicy struct {
	allowHTTP      bool
	allowLinkLocal bool
	// allowCrossHostRedirects lets a redirect leave the host of the URL
	// being fetched (Config.AllowCrossHostRedirects).
	allowCrossHostRedirects bool
	roots                   func() *x509.CertPool
	thumbprints             []string // lower-case hex
	timeout                 time.Duration
	// resolver replaces the system resolver (tests only; nil in production).
	resolver *net.Resolver
}

// newHTTPClient builds the client for one provider's key fetches: no proxy,
// guarded dialing (the resolved IP is checked, so DNS rebinding cannot reach
// a blocked address, and every dial, including those of redirects, goes
// through the check), TLS against the roots with the thumbprint fallback,
// and redirects through checkRedirect.
func newHTTPClient(pol fetchPolicy) *http.Client {
	dialer := &net.Dialer{
		Timeout:  pol.timeout,
		Resolver: pol.resolver,
		Control: func(_, address string, _ syscall.RawConn) error {
			return checkDialAddress(address, pol.allowLinkLocal)
		},
	}
	transport := &http.Transport{
		Proxy:       nil,
		DialContext: dialer.DialContext,
		DialTLSContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return dialTLS(ctx, dialer, network, addr, pol)
		},
		MaxIdleConnsPerHost:   2,
		IdleConnTimeout:       90 * time.Second,
		ResponseHeaderTimeout: pol.timeout,
		DisableCompression:    true,
	}
	return &http.Client{
		Transport: transport,
		Timeout:   pol.timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			return checkRedirect(req.URL, via, pol)
		},
	}
}

// checkRedirect decides whether the client follows a redirect to next;
// via holds the requests made so far, via[0] the URL being fetched. At
// most maxRedirects are followed, never from https to http, only to URLs
// checkFetchURL allows, and, unless cross-host redirects are allowed, only
// to the scheme, host and port of via[0] (see sameHost). Whatever host a
// redirect names, the dial-time check (checkDialAddress) still runs on the
// address it resolves to.
func checkRedirect(next *url.URL, via []*http.Request, pol fetchPolicy) error {
	if len(via) > maxRedirects {
		return fmt.Errorf("more than %d redirects", maxRedirects)
	}
	if via[len(via)-1].URL.Scheme == "https" && next.Scheme != "https" {
		return fmt.Errorf("%w: redirect from https to %s", errBlockedURL, next.Scheme)
	}
	if !pol.allowCrossHostRedirects && !sameHost(via[0].URL, next) {
		return fmt.Errorf("%w: from %s to %s", errCrossHostRedirect, hostPort(via[0].URL), hostPort(next))
	}
	return checkFetchURL(next, pol.allowHTTP)
}

// sameHost reports whether a and b have the same scheme, host and port. A
// host is host:port: another port on the same address is another server.
// Host names compare case-insensitively and an omitted port is the
// scheme's default; nothing is resolved, so two names for one address are
// two hosts, and an IP literal only equals the same IP literal.
func sameHost(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && hostPort(a) == hostPort(b)
}

// hostPort is u's host in lower case with its port, the scheme's default
// when omitted (IPv6 literals in brackets, as in a URL).
func hostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		switch strings.ToLower(u.Scheme) {
		case "https":
			port = "443"
		case "http":
			port = "80"
		}
	}
	host := strings.ToLower(u.Hostname())
	if ip, err := netip.ParseAddr(host); err == nil {
		host = ip.String() // one spelling per IPv6 address
	}
	return net.JoinHostPort(host, port)
}

// checkDialAddress refuses link-local and metadata addresses (unless
// allowed), and unspecified or multicast addresses always.
func checkDialAddress(address string, allowLinkLocal bool) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return fmt.Errorf("%w: %q is not an IP address", errBlockedAddress, host)
	}
	ip = ip.Unmap().WithZone("")
	if ip.IsUnspecified() || ip.IsMulticast() {
		return fmt.Errorf("%w: %s", errBlockedAddress, ip)
	}
	if allowLinkLocal {
		return nil
	}
	if isLinkLocalOrMetadata(ip) {
		return fmt.Errorf("%w: %s", errBlockedAddress, ip)
	}
	if nat64Prefix.Contains(ip) { // 64:ff9b::a9fe:a9fe reaches 169.254.169.254 through NAT64
		b := ip.As16()
		if embedded := netip.AddrFrom4([4]byte(b[12:])); isLinkLocalOrMetadata(embedded) {
			return fmt.Errorf("%w: %s (NAT64 of %s)", errBlockedAddress, ip, embedded)
		}
	}
	return nil
}

var (
	nat64Prefix = netip.MustParsePrefix("64:ff9b::/96")
	awsIPv6IMDS = netip.MustParseAddr("fd00:ec2::254")
)

func isLinkLocalOrMetadata(ip netip.Addr) bool {
	return ip.IsLinkLocalUnicast() || ip == awsIPv6IMDS
}

// checkFetchURL allows https URLs, and http URLs to loopback hosts when
// http issuers are enabled. User info and fragments are refused.
func checkFetchURL(u *url.URL, allowHTTP bool) error {
	if u.User != nil {
		return fmt.Errorf("%w: user info in URL", errBlockedURL)
	}
	if u.Host == "" {
		return fmt.Errorf("%w: no host", errBlockedURL)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if allowHTTP && isLoopbackHost(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("%w: http is allowed only for loopback hosts with http issuers enabled", errBlockedURL)
	}
	return fmt.Errorf("%w: scheme %q", errBlockedURL, u.Scheme)
}

func isLoopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}

func dialTLS(ctx context.Context, dialer *net.Dialer, network, addr string, pol fetchPolicy) (net.Conn, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	raw, err := dialer.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	cfg := &tls.Config{
		MinVersion: tls.VersionTLS12,
		ServerName: host,
		// Verification happens in VerifyConnection, which needs the host
		// for the thumbprint fallback; it is never skipped.
		InsecureSkipVerify: true,
		VerifyConnection: func(cs tls.ConnectionState) error {
			return verifyPeer(cs.PeerCertificates, host, pol)
		},
	}
	conn := tls.Client(raw, cfg)
	if err := conn.HandshakeContext(ctx); err != nil {
		raw.Close()
		return nil, err
	}
	return conn, nil
}

// verifyPeer verifies the chain against the trusted roots; only when that
// fails are the thumbprints consulted (AWS's rule). A thumbprint is the
// SHA-1 of the last certificate the server presents; on a match the leaf
// must still chain to that certificate and match the host name.
func verifyPeer(certs []*x509.Certificate, host string, pol fetchPolicy) error {
	if len(certs) == 0 {
		return errors.New("server presented no certificate")
	}
	inter := x509.NewCertPool()
	for _, c := range certs[1:] {
		inter.AddCert(c)
	}
	opts := x509.VerifyOptions{DNSName: host, Roots: pol.roots(), Intermediates: inter}
	_, rootErr := certs[0].Verify(opts)
	if rootErr == nil {
		return nil
	}
	if len(pol.thumbprints) == 0 {
		return rootErr
	}
	top := certs[len(certs)-1]
	sum := sha1.Sum(top.Raw)
	got := hex.EncodeToString(sum[:])
	for _, want := range pol.thumbprints {
		if want == got {
			anchor := x509.NewCertPool()
			anchor.AddCert(top)
			opts.Roots = anchor
			if _, err := certs[0].Verify(opts); err != nil {
				return fmt.Errorf("thumbprint matched but chain invalid: %w", err)
			}
			return nil
		}
	}
	return errThumbprintMismatch
}

// fetchedDoc is one response body with its freshness lifetime.
type fetchedDoc struct {
	body   []byte
	maxAge time.Duration
}

func getDocument(ctx context.Context, client *http.Client, rawURL string, allowHTTP bool) (*fetchedDoc, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errBlockedURL, err)
	}
	if err := checkFetchURL(u, allowHTTP); err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "stsd-oidc/1")
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: HTTP %d", u.Redacted(), resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes+1))
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", u.Redacted(), err)
	}
	if len(body) > maxBodyBytes {
		return nil, errBodyTooLarge
	}
	return &fetchedDoc{body: body, maxAge: cacheMaxAge(resp.Header)}, nil
}

// discoveryURL is <issuer>/.well-known/openid-configuration (OpenID
// Connect Discovery §4: a trailing slash of the issuer is removed first).
func discoveryURL(issuer string) string {
	return strings.TrimSuffix(issuer, "/") + "/.well-known/openid-configuration"
}

// parseDiscovery reads jwks_uri from a discovery document whose issuer
// must equal iss exactly.
func parseDiscovery(body []byte, iss string) (string, error) {
	doc, err := decodeStrictObject(body)
	if err != nil {
		return "", fmt.Errorf("discovery document: %w", err)
	}
	issuer, _ := doc["issuer"].(string)
	if issuer != iss {
		return "", fmt.Errorf("discovery issuer %q does not equal %q", truncate(issuer, 256), iss)
	}
	jwksURI, _ := doc["jwks_uri"].(string)
	if jwksURI == "" {
		return "", errors.New("discovery document has no jwks_uri")
	}
	return jwksURI, nil
}
