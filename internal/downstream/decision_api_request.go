package downstream

import (
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"net/netip"
	"net/textproto"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/stsd/stsd/internal/arn"
	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/policy"
	"github.com/stsd/stsd/internal/strictb64"
	"github.com/stsd/stsd/internal/strictjson"
)

// Limits of a /v1/authorize body, beyond MaxBodyBytes.
const (
	// MaxChecks is the most checks one call may ask.
	MaxChecks = 100
	// MaxContextKeys is the most condition keys in one context object.
	MaxContextKeys = 100
	// maxRequestURL bounds the embedded request's URL; maxHeaders the
	// header names; maxHeaderValues the values of one header;
	// maxHeaderBytes one header value; maxActionBytes an action.
	maxRequestURL   = 16 << 10
	maxHeaders      = 200
	maxHeaderValues = 100
	maxHeaderBytes  = 16 << 10
	maxActionBytes  = 256
)

// emptySHA256 is the hex SHA-256 of an empty body.
const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// authorizeRequest is a parsed /v1/authorize body.
type authorizeRequest struct {
	// The end client's request.
	method, target, host string
	header               http.Header
	secure               bool
	body                 []byte
	haveBody             bool
	payloadHash          string
	sourceIP             string
	// service, when set, is the scope service the request must be signed
	// for.
	service        string
	checks         []authz.Check
	keys           []authz.Key
	ignored        []string
	resourcePolicy *policy.Policy
}

// parseAuthorize reads a /v1/authorize body strictly; every error is a 400
// that names the member at fault.
func parseAuthorize(body []byte) (*authorizeRequest, *awserr.Error) {
	root, e := parseBody(body)
	if e != nil {
		return nil, e
	}
	f, e := fields(root, "", "request", "checks", "context", "resourcePolicy", "service")
	if e != nil {
		return nil, e
	}
	req := &authorizeRequest{}
	ignored := map[string]bool{}
	reqNode, ok := f["request"]
	if !ok {
		return nil, errValidation("'request' is required: the request the service received, as {\"method\",\"url\",\"headers\"}.")
	}
	if e := req.parseRequest(reqNode); e != nil {
		return nil, e
	}
	if s, present, e := stringField(f, "service", ""); e != nil {
		return nil, e
	} else if present {
		if !isServiceName(s) {
			return nil, errValidation("'service' must be 1 to 64 lower-case letters, digits or '-'.")
		}
		if s == "sts" || s == "iam" || s == ServiceStsd {
			return nil, errValidation("'service' cannot be 'sts', 'iam' or 'stsd': requests signed for stsd are not service requests.")
		}
		req.service = s
	}
	checks, ok := f["checks"]
	if !ok {
		return nil, errValidation("'checks' is required: a list of 1 to " + strconv.Itoa(MaxChecks) + " {\"action\",\"resource\"}.")
	}
	if e := req.parseChecks(checks, ignored); e != nil {
		return nil, e
	}
	if n, ok := f["context"]; ok {
		keys, e := parseContext(n, "context", ignored)
		if e != nil {
			return nil, e
		}
		req.keys = keys
	}
	if n, ok := f["resourcePolicy"]; ok {
		var doc []byte
		switch n.kind {
		case strictjson.Object:
			doc = body[n.start:n.end]
		case strictjson.String:
			doc = []byte(n.text)
		default:
			return nil, errValidation("'resourcePolicy' must be a policy document: a JSON object, or a string holding one.")
		}
		p, err := policy.ParseAs(doc, policy.KindResource)
		if err != nil {
			return nil, awserr.New(codeMalformed, http.StatusBadRequest, err.Error()).WithReason("decision_api_bad_resource_policy", nil)
		}
		req.resourcePolicy = p
	}
	for k := range ignored {
		req.ignored = append(req.ignored, k)
	}
	slices.Sort(req.ignored)
	return req, nil
}

// parseRequest reads the "request" member: method, url, headers, and
// optionally body (base64), payloadHash and sourceIp.
func (req *authorizeRequest) parseRequest(n *jnode) *awserr.Error {
	if n.kind != strictjson.Object {
		return errValidation("'request' must be an object: {\"method\",\"url\",\"headers\"}.")
	}
	f, e := fields(n, "request", "method", "url", "headers", "body", "payloadHash", "sourceIp")
	if e != nil {
		return e
	}
	method, present, e := stringField(f, "method", "request")
	switch {
	case e != nil:
		return e
	case !present:
		return errValidation("'request.method' is required.")
	case !ValidMethod(method):
		return errValidation("'request.method' must be an upper-case HTTP method (letters, digits, '-' or '_').")
	}
	req.method = method
	rawURL, present, e := stringField(f, "url", "request")
	switch {
	case e != nil:
		return e
	case !present:
		return errValidation("'request.url' is required: the URL the client requested, absolute or as the request-target (/path?query).")
	}
	var urlHost string
	if urlHost, e = req.parseURL(rawURL); e != nil {
		return e
	}
	req.header = http.Header{}
	if h, ok := f["headers"]; ok {
		if e := req.parseHeaders(h); e != nil {
			return e
		}
	}
	switch {
	case req.host == "" && urlHost == "":
		return errValidation("'request.headers' must include Host when 'request.url' is not absolute.")
	case req.host == "":
		req.host = urlHost
	case urlHost != "" && req.host != urlHost:
		return errValidation("'request.headers.Host' differs from the host of 'request.url'.")
	}
	b64, hasBody, e := stringField(f, "body", "request")
	if e != nil {
		return e
	}
	hash, hasHash, e := stringField(f, "payloadHash", "request")
	if e != nil {
		return e
	}
	switch {
	case hasBody && hasHash:
		return errValidation("'request.body' and 'request.payloadHash' cannot both be given.")
	case hasBody:
		b, err := strictb64.DecodeString(base64.StdEncoding.Strict(), b64)
		if err != nil {
			return errValidation("'request.body' must be standard base64 (with padding, no line breaks).")
		}
		req.body, req.haveBody = b, true
	case hasHash:
		if !isLowerHex64(hash) {
			return errValidation("'request.payloadHash' must be the body's SHA-256 as 64 lower-case hex digits.")
		}
		req.payloadHash = hash
	}
	ip, present, e := stringField(f, "sourceIp", "request")
	if e != nil {
		return e
	}
	if present {
		addr, err := netip.ParseAddr(ip)
		if err != nil || addr.Zone() != "" {
			return errValidation("'request.sourceIp' must be an IPv4 or IPv6 address.")
		}
		req.sourceIP = addr.Unmap().String()
	}
	return nil
}

// parseURL reads request.url: absolute (http or https) or origin-form,
// printable ASCII without a fragment (the client percent-encodes the
// rest). It sets the request-target and TLS flag and returns the URL's
// host ("" for origin-form).
func (req *authorizeRequest) parseURL(raw string) (string, *awserr.Error) {
	const msgBad = "'request.url' must be an http or https URL, or a request-target starting with '/': printable ASCII, no spaces, no fragment."
	if raw == "" || len(raw) > maxRequestURL {
		if raw != "" {
			return "", errValidation("'request.url' is longer than " + strconv.Itoa(maxRequestURL) + " bytes.")
		}
		return "", errValidation(msgBad)
	}
	for i := 0; i < len(raw); i++ {
		if c := raw[i]; c <= ' ' || c >= 0x7f || c == '#' {
			return "", errValidation(msgBad)
		}
	}
	host, target := "", raw
	if raw[0] != '/' {
		lower := strings.ToLower(raw[:min(len(raw), 8)])
		var rest string
		switch {
		case strings.HasPrefix(lower, "https://"):
			rest, req.secure = raw[len("https://"):], true
		case strings.HasPrefix(lower, "http://"):
			rest = raw[len("http://"):]
		default:
			return "", errValidation(msgBad)
		}
		i := strings.IndexAny(rest, "/?")
		if i < 0 {
			i = len(rest)
		}
		host, target = rest[:i], rest[i:]
		if !ValidHost(host) {
			return "", errValidation("The host of 'request.url' is not valid.")
		}
		switch {
		case target == "":
			target = "/"
		case target[0] == '?':
			target = "/" + target
		}
	}
	if _, err := url.ParseRequestURI(target); err != nil {
		return "", errValidation(msgBad)
	}
	req.target = target
	return host, nil
}

// parseHeaders reads request.headers: names to a string or a list of
// strings. Names are case-insensitive, so two spellings of one name are
// refused rather than merged; Host goes to the request's host.
func (req *authorizeRequest) parseHeaders(n *jnode) *awserr.Error {
	if n.kind != strictjson.Object {
		return errValidation("'request.headers' must be an object of header names to a string or a list of strings.")
	}
	if len(n.members) > maxHeaders {
		return errValidation("'request.headers' has more than " + strconv.Itoa(maxHeaders) + " headers.")
	}
	for _, m := range n.members {
		if !isToken(m.Key) || len(m.Key) > 256 {
			return errValidation("'request.headers' has a name that is not an HTTP header name: " + quoteName(m.Key) + ".")
		}
		name := textproto.CanonicalMIMEHeaderKey(m.Key)
		if _, dup := req.header[name]; dup || (name == "Host" && req.host != "") {
			return errValidation("'request.headers' has " + quoteName(name) + " more than once (in different letter cases); send repeated headers as a list.")
		}
		var values []string
		switch v := m.Value; v.kind {
		case strictjson.String:
			values = []string{v.text}
		case strictjson.Array:
			if len(v.items) == 0 || len(v.items) > maxHeaderValues {
				return errValidation("'request.headers." + name + "' must have 1 to " + strconv.Itoa(maxHeaderValues) + " values.")
			}
			for _, it := range v.items {
				if it.kind != strictjson.String {
					return errValidation("'request.headers." + name + "' must be a string or a list of strings.")
				}
				values = append(values, it.text)
			}
		default:
			return errValidation("'request.headers." + name + "' must be a string or a list of strings.")
		}
		for _, s := range values {
			if len(s) > maxHeaderBytes || !isHeaderValue(s) {
				return errValidation("'request.headers." + name + "' has a value that is not a valid HTTP header value.")
			}
		}
		if name == "Host" {
			if len(values) != 1 || !ValidHost(values[0]) {
				return errValidation("'request.headers.Host' must be one valid host[:port].")
			}
			req.host = values[0]
			continue
		}
		req.header[name] = values
	}
	return nil
}

// parseChecks reads checks: 1 to MaxChecks {"action","resource","context"}.
func (req *authorizeRequest) parseChecks(n *jnode, ignored map[string]bool) *awserr.Error {
	if n.kind != strictjson.Array || len(n.items) == 0 || len(n.items) > MaxChecks {
		return errValidation("'checks' must be a list of 1 to " + strconv.Itoa(MaxChecks) + " {\"action\",\"resource\"}.")
	}
	for i, item := range n.items {
		where := "checks[" + strconv.Itoa(i) + "]"
		if item.kind != strictjson.Object {
			return errValidation("'" + where + "' must be an object: {\"action\",\"resource\"}.")
		}
		f, e := fields(item, where, "action", "resource", "context")
		if e != nil {
			return e
		}
		action, present, e := stringField(f, "action", where)
		switch {
		case e != nil:
			return e
		case !present:
			return errValidation("'" + where + ".action' is required.")
		case !isAction(action):
			return errValidation("'" + where + ".action' must be service:Action: a service prefix of letters, digits and '-', then letters, digits, '-' or '_' (no wildcards).")
		}
		resource, present, e := stringField(f, "resource", where)
		switch {
		case e != nil:
			return e
		case !present:
			return errValidation("'" + where + ".resource' is required: an ARN, or \"*\" for an action without a resource.")
		case !isRequestResource(resource):
			return errValidation("'" + where + ".resource' must be an ARN (arn:partition:service:region:account:resource) of at most " +
				strconv.Itoa(policy.MaxPatternBytes) + " bytes without control characters, or \"*\".")
		}
		chk := authz.Check{Action: action, Resource: resource}
		if c, ok := f["context"]; ok {
			keys, e := parseContext(c, where+".context", ignored)
			if e != nil {
				return e
			}
			chk.Keys = keys
		}
		req.checks = append(req.checks, chk)
	}
	return nil
}

// parseContext reads a context object: condition key names to a string
// (a single-valued key) or a list of strings (a multivalued key). Key
// names are case-insensitive, so two spellings of one key are refused.
// Keys authz.Supplied refuses (keys stsd fills itself, a session's
// web-identity keys) are dropped and named in ignored.
func parseContext(n *jnode, where string, ignored map[string]bool) ([]authz.Key, *awserr.Error) {
	if n.kind != strictjson.Object {
		return nil, errValidation("'" + where + "' must be an object of condition keys to a string or a list of strings.")
	}
	if len(n.members) > MaxContextKeys {
		return nil, errValidation("'" + where + "' has more than " + strconv.Itoa(MaxContextKeys) + " keys.")
	}
	seen := make(map[string]bool, len(n.members))
	var keys []authz.Key
	for _, m := range n.members {
		name := m.Key
		if !strings.Contains(name, ":") || len(name) > policy.MaxConditionKeyBytes || hasControl(name) {
			return nil, errValidation("'" + where + "' has a name that is not a condition key (prefix:name, at most " +
				strconv.Itoa(policy.MaxConditionKeyBytes) + " bytes): " + quoteName(name) + ".")
		}
		lower := strings.ToLower(name)
		if seen[lower] {
			return nil, errValidation("'" + where + "' has the key " + quoteName(name) + " more than once (condition keys ignore letter case).")
		}
		seen[lower] = true
		k := authz.Key{Name: name}
		switch v := m.Value; v.kind {
		case strictjson.String:
			k.Values = []string{v.text}
		case strictjson.Array:
			if len(v.items) > policy.MaxValuesPerElement {
				return nil, errValidation("'" + where + "' has a key with more than " + strconv.Itoa(policy.MaxValuesPerElement) + " values: " + quoteName(name) + ".")
			}
			k.Multi, k.Values = true, make([]string, 0, len(v.items))
			for _, it := range v.items {
				if it.kind != strictjson.String {
					return nil, errValidation("'" + where + "' values must be strings or lists of strings: " + quoteName(name) + ".")
				}
				k.Values = append(k.Values, it.text)
			}
		default:
			return nil, errValidation("'" + where + "' values must be strings or lists of strings: " + quoteName(name) + ".")
		}
		if !authz.Supplied(name) {
			ignored[name] = true
			continue
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// incoming rebuilds the end client's request as the service received it.
// With payloadHash and no x-amz-content-sha256 claim, the hash stands in
// for the claim (the signature then covers it); with a claim, the claim
// must equal the hash (UNSIGNED-PAYLOAD only for an empty body, as stsd
// never acts on unsigned bytes).
func (req *authorizeRequest) incoming(r *http.Request) (*Incoming, *awserr.Error) {
	u, _ := url.ParseRequestURI(req.target) // parseURL checked it
	header := req.header.Clone()
	hr := &http.Request{
		Method: req.method, URL: u, Host: req.host, Header: header, RequestURI: req.target,
		RemoteAddr: r.RemoteAddr, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
	}
	hr = hr.WithContext(r.Context())
	in := &Incoming{HTTP: hr, Body: req.body, HaveBody: req.haveBody, ClientIP: req.sourceIP, Secure: req.secure}
	if req.payloadHash == "" {
		return in, nil
	}
	claims := header.Values("X-Amz-Content-Sha256")
	claims = append(claims[:len(claims):len(claims)], u.Query()["X-Amz-Content-Sha256"]...)
	switch {
	case len(claims) == 0:
		header.Set("X-Amz-Content-Sha256", req.payloadHash)
	case len(claims) > 1:
		// sigv4 refuses it with its own error
	case claims[0] == req.payloadHash:
	case claims[0] == "UNSIGNED-PAYLOAD" && req.payloadHash == emptySHA256:
	default:
		return in, awserr.New("XAmzContentSHA256Mismatch", http.StatusBadRequest,
			"The provided 'x-amz-content-sha256' header does not match what was computed.").WithReason("decision_api_payload_hash", nil)
	}
	return in, nil
}

// isAction reports whether s is "service:Action" without wildcards.
func isAction(s string) bool {
	prefix, name, ok := strings.Cut(s, ":")
	if !ok || prefix == "" || name == "" || len(s) > maxActionBytes {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		c := prefix[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// isRequestResource reports whether s is "*" or an ARN with its six parts
// and a partition.
// Wildcards in an ARN are literal characters here (an S3 key may hold
// '*'); they are patterns only in policies.
func isRequestResource(s string) bool {
	if s == "*" {
		return true
	}
	if len(s) > policy.MaxPatternBytes || hasControl(s) {
		return false
	}
	a, ok := arn.Parse(s)
	return ok && a.Partition != ""
}

// isServiceName reports whether s is a SigV4 scope service name.
func isServiceName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// isToken reports whether s is an HTTP token (RFC 9110 field-name).
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}

// isHeaderValue refuses control characters other than horizontal tab.
func isHeaderValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

func isLowerHex64(s string) bool {
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil && strings.ToLower(s) == s
}
