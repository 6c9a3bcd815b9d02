// Package extauthz is stsd's Envoy external authorization door: the gRPC
// service envoy.service.auth.v3.Authorization/Check that Envoy's
// envoy.filters.http.ext_authz filter calls before it routes a request.
//
// It decides exactly as forward-auth does (package downstream), with API
// Gateway's IAM model: the client's request, as Envoy describes it in the
// CheckRequest (method, ":path", ":authority", headers and, with
// with_request_body, the body), must carry a SigV4 signature (header or
// presigned query) scoped to service execute-api and made with stsd
// credentials, and the caller must be allowed execute-api:Invoke on
// arn:aws:execute-api:REGION:ACCOUNT:API/STAGE/METHOD/PATH. API and STAGE
// (and optionally a pinned REGION) come from the route's context
// extensions (ExtAuthzPerRoute check_settings.context_extensions: service,
// api, stage, region), which only Envoy's configuration sets.
//
// Answers, always as a CheckResponse (never a gRPC error, so Envoy's
// failure_mode_allow never turns a refusal into an allowed request):
//
//   - allowed: status OK and an OkHttpResponse that sets the identity
//     headers on the request to the upstream and removes the client's own
//     X-Stsd-* headers (in any spelling), Authorization and
//     X-Amz-Security-Token;
//   - denied: PERMISSION_DENIED and a DeniedHttpResponse 403 with
//     forward-auth's JSON body, x-amzn-ErrorType and the encoded
//     authorization message in X-Stsd-Authorization-Message;
//   - unauthenticated: UNAUTHENTICATED and a 403 with the signature error's
//     message, as API Gateway answers;
//   - a client request stsd refuses to authorize: PERMISSION_DENIED, 403
//     (413 for a body Envoy cut at max_request_bytes);
//   - a CheckRequest or route configuration stsd cannot use:
//     INVALID_ARGUMENT and a 500 naming the configuration problem (API
//     Gateway's API_CONFIGURATION_ERROR is a 500 too): the client cannot
//     fix it;
//   - stsd's own failure: INTERNAL and a 500 "Internal server error".
//
// Every decision writes one audit event (eventName "Check").
// docs/downstream.md is the contract.
package extauthz

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	authv3 "github.com/envoyproxy/go-control-plane/envoy/service/auth/v3"
	rpcstatus "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/keepalive"

	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/downstream"
)

// EventName is the audit eventName of an ext_authz decision.
const EventName = "Check"

// MaxCheckRequestBytes bounds one CheckRequest: API Gateway's 10 MiB
// payload limit (with_request_body.max_request_bytes at most 10485760)
// plus room for the headers.
const MaxCheckRequestBytes = 10<<20 + 1<<20

// Options configure the service.
type Options struct {
	// Door verifies and decides (required).
	Door *downstream.Door
	// Account owns the execute-api resources ("" = the caller's account).
	Account string
	// TrustedProxies are the source peers whose X-Forwarded-For is
	// believed for aws:SourceIp (a load balancer in front of Envoy).
	TrustedProxies []netip.Prefix
	// Logger receives configuration warnings (default slog.Default()).
	Logger *slog.Logger
}

// Server implements envoy.service.auth.v3.Authorization.
type Server struct {
	authv3.UnimplementedAuthorizationServer
	opts Options
}

// New returns the ext_authz service.
func New(o Options) *Server {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return &Server{opts: o}
}

// NewGRPCServer returns a gRPC server serving s and the standard health
// service (grpc.health.v1, for Envoy's grpc_health_check), with bounded
// messages and a lenient keepalive policy for Envoy's long-lived
// connections.
func NewGRPCServer(s *Server) *grpc.Server {
	g := grpc.NewServer(
		grpc.MaxRecvMsgSize(MaxCheckRequestBytes),
		grpc.MaxConcurrentStreams(1024),
		grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{MinTime: 10 * time.Second, PermitWithoutStream: true}),
	)
	authv3.RegisterAuthorizationServer(g, s)
	hs := health.NewServer()
	hs.SetServingStatus("", healthpb.HealthCheckResponse_SERVING)
	hs.SetServingStatus(authv3.Authorization_ServiceDesc.ServiceName, healthpb.HealthCheckResponse_SERVING)
	healthpb.RegisterHealthServer(g, hs)
	return g
}

// Check decides one request Envoy is about to route.
func (s *Server) Check(ctx context.Context, req *authv3.CheckRequest) (*authv3.CheckResponse, error) {
	attrs := req.GetAttributes()
	if attrs.GetRequest().GetHttp() == nil {
		return s.refuse(configError("ext_authz_no_http_request", msgNoHTTP), attrs), nil
	}
	t, ref := parseExtensions(attrs.GetContextExtensions())
	if ref != nil {
		return s.refuse(ref, attrs), nil
	}
	c, ref := incoming(ctx, attrs, s.opts.TrustedProxies)
	if ref != nil {
		return s.refuse(ref, attrs), nil
	}
	door := s.opts.Door
	in := c.in
	v, aerr := door.Authenticate(ctx, in, downstream.ServiceExecuteAPI)
	if aerr == nil {
		aerr = downstream.CheckRegion(v.Scope.Region, t.region)
	}
	if aerr != nil {
		aerr = downstream.RedactAuthorization(aerr, in.HTTP.Header.Values("Authorization")...)
		door.Record(EventName, in, nil, aerr)
		return authFailure(aerr), nil
	}
	account := s.opts.Account
	if account == "" {
		account = v.Caller.Account
	}
	resource := "arn:aws:execute-api:" + v.Scope.Region + ":" + account + ":" +
		t.api + "/" + t.stage + "/" + in.HTTP.Method + "/" + c.path
	dec := door.Decide(ctx, in, v, []authz.Check{{Action: downstream.ActionInvoke, Resource: resource}}, nil, nil)
	door.Record(EventName, in, &dec, nil)
	if dec.Err != nil {
		// API Gateway answers an IAM denial with "Message" (capital M) and
		// the account masked to its last four digits.
		msg := strings.Replace(dec.Err.Message, resource, downstream.MaskAccount(resource, account), 1)
		var extra []header
		if dec.EncodedMessage != "" {
			extra = append(extra, header{strings.ToLower(downstream.HeaderAuthorizationMessage), dec.EncodedMessage})
		}
		return denied(codes.PermissionDenied, http.StatusForbidden, "Message", msg, "AccessDeniedException", extra...), nil
	}
	return allowed(v, c.names), nil
}

// refuse answers a CheckRequest refused before authentication. A client
// request stsd refuses is audited; a configuration problem is logged for
// the operator (it is no decision about the client).
func (s *Server) refuse(r *refusal, attrs *authv3.AttributeContext) *authv3.CheckResponse {
	switch r.kind {
	case refusedConfig:
		s.opts.Logger.Warn("ext_authz request refused: check Envoy's configuration", "reason", r.reason, "peer", sourceAddr(attrs))
		return denied(codes.InvalidArgument, r.status, "message", r.msg, "InternalServerErrorException")
	default:
		s.opts.Door.Record(EventName, rejectedIncoming(attrs, s.opts.TrustedProxies), nil,
			awserr.New(errorTypeFor(r.status), r.status, r.msg).WithReason(r.reason, nil))
		return denied(codes.PermissionDenied, r.status, "message", r.msg, errorTypeFor(r.status))
	}
}

func errorTypeFor(status int) string {
	if status == http.StatusRequestEntityTooLarge {
		return "RequestTooLargeException"
	}
	return "ForbiddenException"
}

// rejectedIncoming describes, for the audit event, a request refused before
// it was rebuilt: its method and host when well-formed, never its path.
func rejectedIncoming(attrs *authv3.AttributeContext, trusted []netip.Prefix) *downstream.Incoming {
	h := attrs.GetRequest().GetHttp()
	headers := h.GetHeaders()
	method := h.GetMethod()
	if !downstream.ValidMethod(method) {
		method = ""
	}
	host := h.GetHost()
	if !downstream.ValidHost(host) {
		host = ""
	}
	req := &http.Request{Method: method, Host: host, URL: &url.URL{}, Header: http.Header{}}
	if ua := headers["user-agent"]; ua != "" {
		req.Header.Set("User-Agent", ua)
	}
	var xff []string
	if v, ok := headers[hdrForwardedFor]; ok {
		xff = []string{v}
	}
	return &downstream.Incoming{HTTP: req, ClientIP: downstream.ClientIP(sourceAddr(attrs), xff, trusted)}
}

// status builds a CheckResponse status.
func status(code codes.Code, msg string) *rpcstatus.Status {
	return &rpcstatus.Status{Code: int32(code), Message: msg}
}
