package sts

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/stsd/stsd/internal/arn"
	"github.com/stsd/stsd/internal/audit"
	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/awsquery"
	"github.com/stsd/stsd/internal/creds"
	"github.com/stsd/stsd/internal/policy"
	"github.com/stsd/stsd/internal/sigv4"
)

// DecodeAuthorizationMessage, as AWS documents it (STS API Reference,
// "DecodeAuthorizationMessage"; botocore's STS model, service-2.json):
//
//   - a signed call whose one member is EncodedMessage: required, shape
//     encodedMessageType, a string of length 1..10,240 (no pattern); the
//     ValidationError texts are the STS ones (sts-contract §2.2);
//   - the caller must be allowed sts:DecodeAuthorizationMessage by its
//     policies; the action has no resource type in the Service Authorization
//     Reference, so the resource is "*". The account root is allowed;
//   - the answer is DecodedMessage, the JSON document of the decision
//     (authz.DecodedMessage: allowed, explicitDeny, matchedStatements,
//     failures, context);
//   - the one modeled error is InvalidAuthorizationMessageException (wire
//     code InvalidAuthorizationMessageException, suffix kept, HTTP 400,
//     senderFault): "the message passed to DecodeAuthorizationMessage was
//     invalid. This can happen if the token contains invalid characters,
//     such as line breaks, or if the message has expired".
//
// What AWS does not publish, and stsd chooses:
//
//   - AWS's message text for InvalidAuthorizationMessageException was not
//     found in any capture; stsd answers msgInvalidAuthorizationMessage,
//     worded after the model's description, for every message that does
//     not open: malformed, tampered, sealed by another keyring, sealed
//     with a retired key, or sealed for another account.
//   - A message is decodable only by callers of the account whose
//     principal was denied (the account in the decoded context's principal
//     ARN). A caller of any other account gets the same
//     InvalidAuthorizationMessageException as for a forged message, so a
//     message neither leaks across accounts nor reveals that it is genuine.
//   - The model caps EncodedMessage at 10,240 characters, but stsd's
//     messages carry more than AWS's (the policy, layer and index of every
//     matched statement and failed condition, every condition key of the
//     request): a role session denied by eight statements already encodes
//     to about 7,000 characters. A cap stsd's own messages can exceed
//     would make some denials undecodable, so stsd accepts what its
//     keyring seals, up to creds.MaxMessageSize (65,536) characters; SDKs
//     do not check the maximum (botocore checks only min, aws-sdk-go-v2
//     only required members), so no client sees the difference. In a form
//     body the server's 64 KiB body cap (RequestEntityTooLarge 413) is
//     reached first.
//   - The member constraints are checked first (ValidationError, with
//     the value never echoed: a message may be 64 KiB), then the
//     authorization, then the message is opened.
//   - The audit event records only the encoded message's length, and no
//     response elements: the decoded document is the privileged
//     information AWS encodes it to protect.
const (
	actionDecodeAuthorizationMessage = "sts:DecodeAuthorizationMessage"
	// maxEncodedMessage is stsd's maximum EncodedMessage length (the
	// model's is 10,240; see above).
	maxEncodedMessage = creds.MaxMessageSize

	msgInvalidAuthorizationMessage = "The message passed to DecodeAuthorizationMessage was invalid."
)

func invalidAuthorizationMessage(reason string) *awserr.Error {
	return awserr.New("InvalidAuthorizationMessageException", http.StatusBadRequest, msgInvalidAuthorizationMessage).
		WithReason(reason, nil)
}

// decodeRequestParameters is the audit view of the request: the encoded
// message's length (characters), never the message.
type decodeRequestParameters struct {
	EncodedMessageLength int `json:"encodedMessageLength"`
}

func (s *Service) decodeAuthorizationMessage(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	c := x.caller
	x.event.RecipientAccountID = c.Account
	encoded, present := x.call.Params.Get("EncodedMessage")
	n := utf8.RuneCountInString(encoded)
	if present {
		x.event.RequestParameters = &decodeRequestParameters{EncodedMessageLength: n}
	}
	var v awserr.Violations
	switch {
	case !present:
		v.Add(nil, "encodedMessage", "Member must not be null")
	case n < 1:
		v.Add(&encoded, "encodedMessage", "Member must have length greater than or equal to 1")
	case n > maxEncodedMessage:
		v.AddHidden("encodedMessage", "Member must have length less than or equal to "+strconv.Itoa(maxEncodedMessage))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := s.authorizeDecode(x); err != nil {
		return nil, err
	}
	plain, err := s.deps.Keyring.OpenMessage(ctx, encoded)
	if errors.Is(err, creds.ErrMessageInvalid) {
		return nil, invalidAuthorizationMessage("message_invalid")
	}
	if err != nil {
		return nil, awserr.ServiceUnavailable(err)
	}
	if acct, ok := messageAccount(plain); !ok || acct != c.Account {
		return nil, invalidAuthorizationMessage("message_other_account")
	}
	return &awsquery.Response{Action: "DecodeAuthorizationMessage", Namespace: Namespace, Result: []awsquery.Node{
		awsquery.Str("DecodedMessage", string(plain)),
	}}, nil
}

// authorizeDecode asks the engine whether the caller may call
// sts:DecodeAuthorizationMessage (resource "*"). A denial is AccessDenied
// 403 with AWS's text (actionDenialMessage).
func (s *Service) authorizeDecode(x *exchange) error {
	if s.deps.Authz == nil {
		return awserr.InternalFailure(errors.New("sts: no authorization engine"))
	}
	res := s.deps.Authz.Decide(authz.Request{
		Caller: x.caller,
		Checks: []authz.Check{{Action: actionDecodeAuthorizationMessage}},
		Env: authz.Env{
			Time:            x.call.Received,
			SourceIP:        x.call.SourceIP,
			SecureTransport: x.call.SecureTransport,
			UserAgent:       x.call.UserAgent,
			RequestedRegion: signingRegion(x.call),
		},
	})
	cr := &res.Checks[0]
	x.decision = audit.PolicyDecision(actionDecodeAuthorizationMessage, &cr.Decision)
	if res.Allowed {
		return nil
	}
	x.decision.Reason = "not_authorized_" + cr.Decision.Effect.String()
	return awserr.AccessDenied(actionDenialMessage(x.caller.ARN, actionDecodeAuthorizationMessage, &cr.Decision)).WithReason(x.decision.Reason, nil)
}

// actionDenialMessage is AWS's AccessDenied text for an STS action that has
// no resource type (sts:DecodeAuthorizationMessage, sts:GetAccessKeyInfo):
// STS names no resource; captured answers of real STS for
// DecodeAuthorizationMessage read
//
//	User: arn:aws:iam::458241751342:user/sergey.zakharov is not authorized
//	to perform: sts:DecodeAuthorizationMessage because no identity-based
//	policy allows the sts:DecodeAuthorizationMessage action
//
// (the older form stops after the action name). The reason clauses are the
// ones the IAM User Guide lists in "Troubleshoot access denied error
// messages": "because no identity-based policy allows the <action>
// action", "because no permissions boundary allows …", "because no
// session policy allows …" for an implicit deny, by the first layer that
// did not allow, and "with an explicit deny in an identity-based policy"
// (or "a session policy", "a permissions boundary") for an explicit one.
func actionDenialMessage(callerARN, action string, d *policy.Decision) string {
	return "User: " + callerARN + " is not authorized to perform: " + action + authz.DenialReason(action, d)
}

// signingRegion is the region of the request's signature scope
// (aws:RequestedRegion). The call was authenticated, so it parses.
func signingRegion(call *awsquery.Call) string {
	if call.HTTP == nil {
		return ""
	}
	req, err := sigv4.ParseRequest(call.HTTP, call.Body)
	if err != nil {
		return ""
	}
	return req.Scope.Region
}

// messageAccount is the account of the principal a decoded message
// describes: the fifth field of its ARN (arn:aws:iam::<acct>:user/…,
// arn:aws:sts::<acct>:assumed-role/…, arn:aws:iam::<acct>:root).
func messageAccount(plain []byte) (string, bool) {
	var m struct {
		Context struct {
			Principal struct {
				ARN string `json:"arn"`
			} `json:"principal"`
		} `json:"context"`
	}
	if err := json.Unmarshal(plain, &m); err != nil {
		return "", false
	}
	a, ok := arn.Parse(m.Context.Principal.ARN)
	if !ok || a.Account == "" {
		return "", false
	}
	return a.Account, true
}
