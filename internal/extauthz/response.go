package extauthz

import (
	"net/http"
	"slices"
	"strings"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	authv3 "github.com/envoyproxy/go-control-plane/envoy/service/auth/v3"
	typev3 "github.com/envoyproxy/go-control-plane/envoy/type/v3"
	"google.golang.org/grpc/codes"

	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/downstream"
)

// Messages of API Gateway's gateway responses.
const (
	msgMissingAuthToken = "Missing Authentication Token"
	msgInvalidToken     = "The security token included in the request is invalid."
	msgInternal         = "Internal server error"
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
	if e.Status >= 500 {
		return denied(codes.Internal, http.StatusInternalServerError, "message", msgInternal, "InternalServerErrorException")
	}
	msg, errType := e.Message, e.Code+"Exception"
	switch e.Code {
	case "MissingAuthenticationToken":
		msg, errType = msgMissingAuthToken, "MissingAuthenticationTokenException"
	case "InvalidClientTokenId":
		msg, errType = msgInvalidToken, "UnrecognizedClientException"
	case "SignatureDoesNotMatch":
		errType = "InvalidSignatureException"
	case "AccessDenied":
		errType = "AccessDeniedException"
	}
	return denied(codes.Unauthenticated, http.StatusForbidden, "message", msg, errType)
}

// denied is a CheckResponse that denies: the gRPC code, and the HTTP answer
// Envoy sends the client — status, the one-field JSON body forward-auth
// writes, x-amzn-ErrorType and any extra headers.
func denied(code codes.Code, httpStatus int, key, msg, errType string, extra ...header) *authv3.CheckResponse {
	body := `{"` + key + `":` + asciiJSONString(msg) + `}`
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

// asciiJSONString quotes s as a JSON string of printable ASCII only (the
// same bytes forward-auth writes, valid as a header value too).
func asciiJSONString(s string) string {
	const hexDigits = "0123456789abcdef"
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	writeU := func(r rune) {
		b.WriteString(`\u`)
		for shift := 12; shift >= 0; shift -= 4 {
			b.WriteByte(hexDigits[(r>>shift)&0xf])
		}
	}
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r >= 0x20 && r < 0x7f:
			b.WriteRune(r)
		case r > 0xffff:
			r -= 0x10000
			writeU(0xd800 + (r>>10)&0x3ff)
			writeU(0xdc00 + r&0x3ff)
		default:
			writeU(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
