// Package downstream holds stsd's authorization front doors: the ways
// another service asks stsd "is this request, signed with stsd
// credentials, allowed?". Each door only translates — its protocol in, a
// Door decision out, its protocol's answer back:
//
//   - forward-auth for nginx auth_request, Traefik ForwardAuth and Caddy
//     forward_auth (forward_auth.go);
//   - the JSON decision API for service authors, /v1/authorize and
//     /v1/signing-key (decision_api.go);
//   - Envoy ext_authz over gRPC (package extauthz builds on Door).
//
// Door owns what every door shares: verifying the forwarded request's
// SigV4 signature with stsd's authenticator, deciding through the one
// authorization engine, sealing the encoded authorization message of a
// denial, the identity headers an allowed request carries upstream, and
// one audit event per decision.
package downstream

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/stsd/stsd/internal/audit"
	"github.com/stsd/stsd/internal/authn"
	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/awsquery"
	"github.com/stsd/stsd/internal/policy"
	"github.com/stsd/stsd/internal/sigv4"
)

// EventSource is the audit eventSource of front-door decisions.
const EventSource = "authz.stsd.amazonaws.com"

// Deps are what the doors use, passed explicitly.
type Deps struct {
	// Authn verifies forwarded requests. Its Verifier accepts any scope
	// service (each door checks the one it expects) and enforces
	// X-Amz-Expires on presigned requests.
	Authn  *authn.Authenticator
	Engine *authz.Engine
	Sealer authz.Sealer
	Audit  *audit.Logger
	// Account owns the resources the doors authorize (the execute-api
	// ARNs' account): stsd's account.
	Account string
	// TrustedProxies are the peers whose X-Forwarded-For is believed.
	TrustedProxies []netip.Prefix
	Now            func() time.Time
	Logger         *slog.Logger
}

// Door decides forwarded requests.
type Door struct {
	deps Deps
}

// NewDoor returns the shared front-door core.
func NewDoor(deps Deps) *Door {
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.Logger == nil {
		deps.Logger = slog.Default()
	}
	if deps.Audit == nil {
		deps.Audit = audit.Discard()
	}
	return &Door{deps: deps}
}

// Incoming is a request another service received, as a door reconstructs
// it: method, URL (path and query as the client sent them), Host and the
// client's headers. Body is the body when the door has it (HaveBody);
// otherwise the signature is checked against the client's
// x-amz-content-sha256 claim (sigv4.ParseRequestWithoutBody).
type Incoming struct {
	HTTP     *http.Request
	Body     []byte
	HaveBody bool
	// ClientIP is aws:SourceIp (see ClientIP); Secure is
	// aws:SecureTransport (the client reached the proxy over TLS).
	ClientIP string
	Secure   bool
	// RequestedBy is the service that asked stsd about this request (the
	// decision API's caller), and KeyOwner the owner of the access key a
	// signing key was derived for; the audit event names both.
	RequestedBy *authn.Caller
	KeyOwner    *authn.Caller
}

// Verified is an authenticated forwarded request.
type Verified struct {
	Caller *authn.Caller
	// Scope is the signature's credential scope: its Region is
	// aws:RequestedRegion and the region of execute-api ARNs.
	Scope sigv4.Scope
}

// Authenticate verifies the forwarded request's signature. service, when
// not empty, is the scope service the request must be signed for; the
// error is AWS's message for a wrong service.
func (d *Door) Authenticate(ctx context.Context, in *Incoming, service string) (*Verified, *awserr.Error) {
	var req *sigv4.Request
	var err error
	if in.HaveBody {
		req, err = sigv4.ParseRequest(in.HTTP, in.Body)
	} else {
		req, err = sigv4.ParseRequestWithoutBody(in.HTTP)
	}
	if err != nil {
		return nil, authn.FromSigV4(err)
	}
	if service != "" && req.Scope.Service != service {
		return nil, awserr.New(sigv4.CodeSignatureDoesNotMatch, http.StatusForbidden,
			"Credential should be scoped to correct service: '"+service+"'. ").WithReason("sigv4_wrong_service", nil)
	}
	caller, err := d.deps.Authn.AuthenticateParsed(ctx, req)
	if err != nil {
		return nil, awserr.As(err)
	}
	return &Verified{Caller: caller, Scope: req.Scope}, nil
}

// Decision is a door's answer for one request.
type Decision struct {
	Verified *Verified
	Result   authz.Result
	// Err is the authentication failure (nil when authenticated) or, when
	// a check was denied, the AccessDenied for the first denied check.
	Err *awserr.Error
	// EncodedMessage is the sealed explanation of a denial, for
	// DecodeAuthorizationMessage ("" when allowed or unauthenticated).
	EncodedMessage string
}

// Decide authorizes an authenticated request's checks and records the
// audit event. keys are the request and service keys the door or its
// caller supplies; rp is an optional resource-based policy.
func (d *Door) Decide(ctx context.Context, in *Incoming, v *Verified, checks []authz.Check, keys []authz.Key, rp *policy.Policy) Decision {
	out := Decision{Verified: v}
	out.Result = d.deps.Engine.Decide(authz.Request{
		Caller: v.Caller,
		Checks: checks,
		Keys:   keys,
		Env: authz.Env{
			Time: d.deps.Now(), SourceIP: in.ClientIP, SecureTransport: in.Secure,
			UserAgent: in.HTTP.Header.Get("User-Agent"), RequestedRegion: v.Scope.Region,
		},
		ResourcePolicy: rp,
	})
	if denied := out.Result.FirstDenied(); denied != nil {
		out.Err = awserr.AccessDenied(authz.DenialMessage(v.Caller.ARN, denied)).
			WithReason("not_authorized_"+denied.Decision.Effect.String(), nil)
		msg, err := authz.Encode(d.deps.Sealer, v.Caller, &out.Result)
		if err != nil {
			d.deps.Logger.Error("sealing an authorization message failed", "err", err)
		}
		out.EncodedMessage = msg
	}
	return out
}

// Record writes the audit event of one door decision: eventName is the
// door ("ForwardAuth", "Authorize", "Check"); the checks and the outcome
// go to requestParameters and the decision record. authErr is an
// authentication failure (dec is then nil).
func (d *Door) Record(eventName string, in *Incoming, dec *Decision, authErr *awserr.Error) {
	ev := &audit.Event{
		EventVersion: "1.08", EventTime: d.deps.Now().UTC(), EventSource: EventSource,
		EventName: eventName, EventType: "AwsApiCall", SourceIPAddress: in.ClientIP,
		UserAgent: in.HTTP.Header.Get("User-Agent"), RequestID: awsquery.NewUUID(),
		EventID: awsquery.NewUUID(), ReadOnly: true,
	}
	params := requestParams{Method: in.HTTP.Method, Host: in.HTTP.Host, Path: in.HTTP.URL.Path,
		RequestedBy: auditPrincipal(in.RequestedBy), KeyOwner: auditPrincipal(in.KeyOwner)}
	var decision audit.Decision
	var err error
	if authErr != nil { // a nil *awserr.Error must not become a non-nil error
		err = authErr
	}
	if dec != nil {
		ev.UserIdentity = dec.Verified.Caller.AuditIdentity()
		ev.AWSRegion = dec.Verified.Scope.Region
		ev.RecipientAccountID = dec.Verified.Caller.Account
		for _, c := range dec.Result.Checks {
			params.Checks = append(params.Checks, checkParam{Action: c.Check.Action, Resource: c.Check.Resource, Decision: c.Decision.Effect.String()})
		}
		if first := dec.Result.FirstDenied(); first != nil {
			decision = audit.PolicyDecision(first.Check.Action, &first.Decision)
		} else if len(dec.Result.Checks) > 0 {
			decision = audit.PolicyDecision(dec.Result.Checks[0].Check.Action, &dec.Result.Checks[0].Decision)
		}
		if dec.Err != nil {
			err = dec.Err
		}
	}
	ev.RequestParameters = params
	d.deps.Audit.Finish(ev, decision, err)
}

// requestParams is what a door's audit event records of the request: never
// a header (the Authorization header and the session token stay out).
type requestParams struct {
	Method string       `json:"method"`
	Host   string       `json:"host"`
	Path   string       `json:"path"`
	Checks []checkParam `json:"checks,omitempty"`
	// RequestedBy and KeyOwner: see Incoming.
	RequestedBy *audit.UserIdentity `json:"requestedBy,omitempty"`
	KeyOwner    *audit.UserIdentity `json:"keyOwner,omitempty"`
}

func auditPrincipal(c *authn.Caller) *audit.UserIdentity {
	if c == nil {
		return nil
	}
	return c.AuditIdentity()
}

type checkParam struct {
	Action   string `json:"action"`
	Resource string `json:"resource"`
	Decision string `json:"decision"`
}

// The identity headers an allowed request carries to the upstream. A
// client's own headers of these names are removed first by every door.
const (
	HeaderPrincipalARN   = "X-Stsd-Principal-Arn"
	HeaderAccount        = "X-Stsd-Account"
	HeaderUserID         = "X-Stsd-User-Id"
	HeaderSourceIdentity = "X-Stsd-Source-Identity"
	HeaderSessionTags    = "X-Stsd-Session-Tags"
	// HeaderAuthorizationMessage carries a denial's encoded message.
	HeaderAuthorizationMessage = "X-Stsd-Authorization-Message"
)

// IdentityHeaderNames lists every header a door sets.
var IdentityHeaderNames = []string{HeaderPrincipalARN, HeaderAccount, HeaderUserID, HeaderSourceIdentity, HeaderSessionTags}

// IdentityHeaders are the headers describing the caller: principal ARN,
// account, user id, source identity (sessions that have one) and session
// tags as a JSON object (sessions; users' tags are not session tags).
func IdentityHeaders(c *authn.Caller) http.Header {
	h := http.Header{}
	h.Set(HeaderPrincipalARN, c.ARN)
	h.Set(HeaderAccount, c.Account)
	h.Set(HeaderUserID, c.UserID)
	tags := map[string]string{}
	if s := c.Session; s != nil {
		if s.SourceIdentity != "" {
			h.Set(HeaderSourceIdentity, s.SourceIdentity)
		}
		for _, t := range s.Tags {
			tags[t.Key] = t.Value
		}
	}
	b, _ := json.Marshal(tags)
	h.Set(HeaderSessionTags, string(b))
	return h
}

// ClientIP is the client's address for aws:SourceIp: the peer, unless the
// peer is a trusted proxy, in which case the right-most X-Forwarded-For
// address that is not itself a trusted proxy (the first hop the trusted
// chain did not add). A malformed entry ends the walk at the last
// trustworthy address.
func ClientIP(peer string, xff []string, trusted []netip.Prefix) string {
	addr, err := netip.ParseAddrPort(peer)
	var ip netip.Addr
	if err == nil {
		ip = addr.Addr().Unmap()
	} else if ip, err = netip.ParseAddr(peer); err != nil {
		return ""
	}
	if !isTrusted(ip, trusted) {
		return ip.String()
	}
	var hops []string
	for _, v := range xff {
		for part := range strings.SplitSeq(v, ",") {
			if part = strings.TrimSpace(part); part != "" {
				hops = append(hops, part)
			}
		}
	}
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(hops[i])
		if err != nil {
			break
		}
		hop = hop.Unmap()
		ip = hop
		if !isTrusted(hop, trusted) {
			break
		}
	}
	return ip.String()
}

func isTrusted(ip netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}
