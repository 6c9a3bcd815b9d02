package downstream

import (
	"io"
	"net/http"
	"strings"

	"github.com/stsd/stsd/internal/authn"
	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/policy"
)

// The JSON decision API (/v1/authorize, /v1/signing-key) is for services
// that verify stsd credentials themselves. Each call is signed with the
// calling service's own stsd credentials (SigV4, scope service "stsd", a
// configured region) and authorized by the engine for that caller:
// stsd:AuthorizeRequest or stsd:DeriveSigningKey on resource "*" (the
// account root is allowed). Errors of the call itself are
// {"error":{"code","message"}} with a 4xx status (5xx only for stsd's own
// failures); docs/downstream.md is the contract.

// Decision API names.
const (
	// AuthorizePath and SigningKeyPath are the endpoints on the authz
	// listener.
	AuthorizePath  = "/v1/authorize"
	SigningKeyPath = "/v1/signing-key"
	// ServiceStsd is the scope service the calling service signs with.
	ServiceStsd = "stsd"
	// ActionAuthorizeRequest and ActionDeriveSigningKey are what the
	// calling service must be allowed.
	ActionAuthorizeRequest = "stsd:AuthorizeRequest"
	ActionDeriveSigningKey = "stsd:DeriveSigningKey"
	// AuthorizeEvent and SigningKeyEvent are the audit eventNames.
	AuthorizeEvent  = "Authorize"
	SigningKeyEvent = "DeriveSigningKey"
)

// serviceCall is an authenticated call to the decision API.
type serviceCall struct {
	in   *Incoming
	v    *Verified
	body []byte
}

// acceptCall checks the method, reads the body within MaxBodyBytes and
// verifies the calling service's signature. On failure it writes the
// answer, records the event and returns nil.
func (d *Door) acceptCall(w http.ResponseWriter, r *http.Request, event string) *serviceCall {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeAPIError(w, awserr.New("MethodNotAllowed", http.StatusMethodNotAllowed,
			"The decision API accepts POST only."), nil)
		return nil
	}
	in := &Incoming{
		HTTP:     r,
		ClientIP: ClientIP(r.RemoteAddr, r.Header.Values(hdrForwardedFor), d.deps.TrustedProxies),
		Secure:   r.TLS != nil,
	}
	if r.ContentLength > MaxBodyBytes {
		d.refuseCall(w, event, in, awserr.RequestEntityTooLarge(MaxBodyBytes))
		return nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxBodyBytes+1))
	if err != nil {
		d.refuseCall(w, event, in, awserr.New("IncompleteBody", http.StatusBadRequest,
			"The request body could not be read.").WithReason("decision_api_body_read", err))
		return nil
	}
	if len(body) > MaxBodyBytes {
		d.refuseCall(w, event, in, awserr.RequestEntityTooLarge(MaxBodyBytes))
		return nil
	}
	in.Body, in.HaveBody = body, true
	v, aerr := d.Authenticate(r.Context(), in, ServiceStsd)
	if aerr != nil {
		d.refuseCall(w, event, in, RedactAuthorization(aerr, r.Header.Get("Authorization")))
		return nil
	}
	return &serviceCall{in: in, v: v, body: body}
}

// refuseCall records and answers a call refused before it was
// authenticated.
func (d *Door) refuseCall(w http.ResponseWriter, event string, in *Incoming, e *awserr.Error) {
	d.Record(event, in, nil, e)
	if e.Status >= 500 {
		d.deps.Logger.Error("decision API failed", "event", event, "reason", e.Reason, "err", e.Cause)
	}
	writeAPIError(w, e, nil)
}

// fail records and answers an authenticated call's error (a 400 for its
// body, a 403 when it is not allowed, a 500 for stsd's own failure).
func (d *Door) fail(w http.ResponseWriter, event string, call *serviceCall, dec *Decision, e *awserr.Error, extra http.Header) {
	if dec == nil {
		dec = &Decision{Verified: call.v}
	}
	rec := *dec
	rec.Err = e
	d.Record(event, call.in, &rec, nil)
	if e.Status >= 500 {
		d.deps.Logger.Error("decision API failed", "event", event, "reason", e.Reason, "err", e.Cause)
	}
	writeAPIError(w, e, extra)
}

// allowCall decides whether the calling service may perform action; a
// denial is answered (403 AccessDenied with the encoded message in
// X-Stsd-Authorization-Message) and recorded, and ok is false.
func (d *Door) allowCall(w http.ResponseWriter, event string, call *serviceCall, action string, keys []authz.Key) (ok bool) {
	dec := d.Decide(call.in.HTTP.Context(), call.in, call.v, []authz.Check{{Action: action, Resource: "*"}}, keys, nil)
	if dec.Err == nil {
		return true
	}
	var extra http.Header
	if dec.EncodedMessage != "" {
		extra = http.Header{HeaderAuthorizationMessage: {dec.EncodedMessage}}
	}
	d.fail(w, event, call, &dec, dec.Err, extra)
	return false
}

// serveAuthorize is POST /v1/authorize: verify the end client's request
// the calling service received and decide its checks.
func (d *Door) serveAuthorize(w http.ResponseWriter, r *http.Request) {
	call := d.acceptCall(w, r, AuthorizeEvent)
	if call == nil {
		return
	}
	req, perr := parseAuthorize(call.body)
	if perr != nil {
		d.fail(w, AuthorizeEvent, call, nil, perr, nil)
		return
	}
	if !d.allowCall(w, AuthorizeEvent, call, ActionAuthorizeRequest, nil) {
		return
	}
	client, aerr := req.incoming(r)
	if client != nil {
		client.RequestedBy = call.v.Caller
	}
	var v *Verified
	if aerr == nil {
		v, aerr = d.Authenticate(r.Context(), client, req.service)
	}
	if aerr == nil {
		aerr = checkClientScope(v)
	}
	if aerr != nil {
		aerr = RedactAuthorization(aerr, client.HTTP.Header.Get("Authorization"))
		d.Record(AuthorizeEvent, client, nil, aerr)
		if aerr.Status >= 500 {
			d.deps.Logger.Error("decision API failed", "event", AuthorizeEvent, "reason", aerr.Reason, "err", aerr.Cause)
			writeAPIError(w, aerr, nil)
			return
		}
		writeJSON(w, http.StatusOK, authorizeAnswer{
			Decisions: []decisionOut{}, Error: &apiError{Code: aerr.Code, Message: aerr.Message},
			IgnoredContextKeys: req.ignored,
		})
		return
	}
	dec := d.Decide(r.Context(), client, v, req.checks, req.keys, req.resourcePolicy)
	d.Record(AuthorizeEvent, client, &dec, nil)
	writeJSON(w, http.StatusOK, answerFor(&dec, req.ignored))
}

// checkClientScope refuses a client request signed for stsd itself: a
// presigned GetCallerIdentity or an IAM call is a credential for stsd
// (the identity-only pattern hands such requests to services), and must
// not pass as a request to another service.
func checkClientScope(v *Verified) *awserr.Error {
	switch strings.ToLower(v.Scope.Service) {
	case "sts", "iam", ServiceStsd:
		return awserr.New("SignatureDoesNotMatch", http.StatusForbidden,
			"Credential should be scoped to the service that received the request, not '"+v.Scope.Service+"'. ").
			WithReason("decision_api_stsd_scope", nil)
	}
	return nil
}

// authorizeAnswer is /v1/authorize's answer.
type authorizeAnswer struct {
	Authenticated      bool          `json:"authenticated"`
	Principal          *principalOut `json:"principal,omitempty"`
	Allowed            bool          `json:"allowed"`
	Decisions          []decisionOut `json:"decisions"`
	EncodedMessage     string        `json:"encodedMessage,omitempty"`
	Error              *apiError     `json:"error,omitempty"`
	IgnoredContextKeys []string      `json:"ignoredContextKeys,omitempty"`
}

// principalOut is the authenticated end client.
type principalOut struct {
	ARN            string            `json:"arn"`
	Account        string            `json:"account"`
	UserID         string            `json:"userId"`
	Type           string            `json:"type"`
	SourceIdentity string            `json:"sourceIdentity,omitempty"`
	Tags           map[string]string `json:"tags"`
}

// decisionOut is one check's decision with its explanation.
type decisionOut struct {
	Action            string             `json:"action"`
	Resource          string             `json:"resource"`
	Decision          string             `json:"decision"`
	MatchedStatements []authz.MsgStmt    `json:"matchedStatements"`
	FailedConditions  []authz.MsgFailure `json:"failedConditions"`
}

// Decision names in answers.
const (
	decisionAllowed      = "allowed"
	decisionExplicitDeny = "explicitDeny"
	decisionImplicitDeny = "implicitDeny"
)

func decisionName(o policy.Outcome) string {
	switch o {
	case policy.Allowed:
		return decisionAllowed
	case policy.ExplicitDeny:
		return decisionExplicitDeny
	}
	return decisionImplicitDeny
}

func principalOf(c *authn.Caller) *principalOut {
	p := &principalOut{ARN: c.ARN, Account: c.Account, UserID: c.UserID, Type: string(c.Kind), Tags: map[string]string{}}
	if s := c.Session; s != nil {
		p.SourceIdentity = s.SourceIdentity
		for _, t := range s.Tags {
			p.Tags[t.Key] = t.Value
		}
	}
	return p
}

// answerFor renders a decision.
func answerFor(dec *Decision, ignored []string) authorizeAnswer {
	caller := dec.Verified.Caller
	a := authorizeAnswer{
		Authenticated: true, Principal: principalOf(caller), Allowed: dec.Result.Allowed,
		Decisions: make([]decisionOut, len(dec.Result.Checks)), EncodedMessage: dec.EncodedMessage,
		IgnoredContextKeys: ignored,
	}
	for i := range dec.Result.Checks {
		cr := &dec.Result.Checks[i]
		m := authz.Explain(caller, cr)
		a.Decisions[i] = decisionOut{
			Action: cr.Check.Action, Resource: m.Context.Resource, Decision: decisionName(cr.Decision.Effect),
			MatchedStatements: m.MatchedStatements.Items, FailedConditions: m.Failures.Items,
		}
	}
	if dec.Err != nil {
		a.Error = &apiError{Code: dec.Err.Code, Message: dec.Err.Message}
	}
	return a
}
