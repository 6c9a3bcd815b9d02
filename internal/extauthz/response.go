package extauthz

import (
	"slices"
	"strings"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	authv3 "github.com/envoyproxy/go-control-plane/envoy/service/auth/v3"
	typev3 "github.com/envoyproxy/go-control-plane/envoy/type/v3"
	"google.golang.org/grpc/codes"

	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/downstream"
)

// identityPrefix is the prefix of every header stsd sets: a client's own
// header under it, in any spelling Envoy passes ('_' for '-'), never
// reaches the upstream.
const identityPrefix = "x-stsd-"

// credentialHeaders are the client's credentials, removed on the way to
// the upstream (which gets the identity headers instead), as the nginx
// and Caddy configurations in docs/downstream.md do.
var credentialHeaders = []string{"authorization", "x-amz-security-token"}

type header struct{ name, value string }

// allowed is the CheckResponse of an allowed request: OK, the identity
// headers set on the request to the upstream (replacing any the client
// sent), and the client's other X-Stsd-* headers, the identity headers
// stsd has no value for and the client's credentials removed. A header is
// either set or removed, never both, so the order in which Envoy applies
// the two lists does not matter.
func allowed(v *downstream.Verified, names []string) *authv3.CheckResponse {
	ident := downstream.IdentityHeaders(v.Caller)
	ok := &authv3.OkHttpResponse{}
	set := map[string]bool{}
	for _, name := range downstream.IdentityHeaderNames {
		lower := strings.ToLower(name)
		if value := ident.Get(name); value != "" {
			ok.Headers = append(ok.Headers, option(lower, value))
			set[lower] = true
		} else {
			ok.HeadersToRemove = append(ok.HeadersToRemove, lower)
		}
	}
	for _, n := range names {
		if strings.HasPrefix(strings.ReplaceAll(n, "_", "-"), identityPrefix) && !set[n] && !slices.Contains(ok.HeadersToRemove, n) {
			ok.HeadersToRemove = append(ok.HeadersToRemove, n)
		}
	}
	ok.HeadersToRemove = append(ok.HeadersToRemove, credentialHeaders...)
	slices.Sort(ok.HeadersToRemove)
	return &authv3.CheckResponse{
		Status:       status(codes.OK, ""),
		HttpResponse: &authv3.CheckResponse_OkResponse{OkResponse: ok},
	}
}

// authFailure answers an authentication failure as API Gateway does: 403
// for every client error, {"message": …}, its x-amzn-ErrorType; a failure
// of stsd's own is a 500.
func authFailure(e *awserr.Error) *authv3.CheckResponse {
	status, key, msg, errType := downstream.GatewayAuthError(e)
	if status >= 500 {
		return denied(codes.Internal, status, key, msg, errType)
	}
	return denied(codes.Unauthenticated, status, key, msg, errType)
}

// denied is a CheckResponse that denies: the gRPC code, and the HTTP answer
// Envoy sends the client — status, the one-field JSON body forward-auth
// writes, x-amzn-ErrorType and any extra headers.
func denied(code codes.Code, httpStatus int, key, msg, errType string, extra ...header) *authv3.CheckResponse {
	body := `{"` + key + `":` + downstream.ASCIIJSONString(msg) + `}`
	headers := []*corev3.HeaderValueOption{
		option("content-type", "application/json"),
		option("cache-control", "no-store"),
		option("x-amzn-errortype", errType),
	}
	for _, h := range extra {
		headers = append(headers, option(h.name, h.value))
	}
	return &authv3.CheckResponse{
		Status: status(code, msg),
		HttpResponse: &authv3.CheckResponse_DeniedResponse{DeniedResponse: &authv3.DeniedHttpResponse{
			Status:  &typev3.HttpStatus{Code: typev3.StatusCode(httpStatus)},
			Headers: headers,
			Body:    body,
		}},
	}
}

// option is a header that replaces any header of the same name. The
// deprecated append field is left unset: Envoy reads it as false
// (replace), and newer Envoys read append_action.
func option(name, value string) *corev3.HeaderValueOption {
	return &corev3.HeaderValueOption{
		Header:       &corev3.HeaderValue{Key: name, Value: value},
		AppendAction: corev3.HeaderValueOption_OVERWRITE_IF_EXISTS_OR_ADD,
	}
}
