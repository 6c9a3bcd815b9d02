package sts

import (
	"context"

	"github.com/stsd/stsd/internal/audit"
	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/awsquery"
	"github.com/stsd/stsd/internal/creds"
)

// GetAccessKeyInfo, as the STS API Reference documents it: AccessKeyId
// accessKeyIdType 16..128 [\w]* (required); the answer is the Account the
// key belongs to; "This operation does not indicate the state of the
// access key. The key might be active, inactive, or deleted." The caller
// needs sts:GetAccessKeyInfo (Service Authorization Reference; no resource
// type, so "*"); GetSessionToken and GetFederationToken credentials may
// not call it.
//
// How stsd finds the account (AWS derives it from the key id):
//
//   - an IAM user's key or the root's key: from the IAM snapshot, for any
//     key stsd holds, whatever its status;
//   - any other AKIA/ASIA id: from the id itself, read in AWS's layout
//     (creds.AccessKeyIDAccount). Every session key stsd mints carries
//     its account that way, so a stateless node answers for sessions
//     issued by any node. A deleted user key minted before stsd encoded
//     accounts in ids decodes to a meaningless account, as would a made-up
//     id: like AWS, stsd cannot tell;
//   - an id that is not an AKIA/ASIA id of 20 characters of [A-Z2-7]:
//     stsd issued no such key. AWS's answer for such ids was not found;
//     stsd answers InvalidParameterValue 400 msgNotAnAccessKey.
const (
	actionGetAccessKeyInfo = "sts:GetAccessKeyInfo"
	msgNotAnAccessKey      = "The access key ID is not an access key ID this service issues."
)

func (s *Service) getAccessKeyInfo(_ context.Context, x *exchange) (*awsquery.Response, error) {
	c := x.caller
	x.event.RecipientAccountID = c.Account
	var v awserr.Violations
	id, ok := x.call.Params.Get("AccessKeyId")
	if !ok {
		v.Add(nil, "accessKeyId", "Member must not be null")
	} else {
		checkLength(&v, id, "accessKeyId", 16, 128, false)
		if !matchesClass(id, "") {
			v.Add(&id, "accessKeyId", "Member must satisfy regular expression pattern: [\\w]*")
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	x.event.RequestParameters = &getAccessKeyInfoParameters{AccessKeyID: id}
	res := s.deps.Authz.Decide(authz.Request{Caller: c, Checks: []authz.Check{{Action: actionGetAccessKeyInfo}}, Env: s.env(x)})
	cr := &res.Checks[0]
	x.decision = audit.PolicyDecision(actionGetAccessKeyInfo, &cr.Decision)
	if !res.Allowed {
		x.decision.Reason = "not_authorized_" + cr.Decision.Effect.String()
		return nil, awserr.AccessDenied(actionDenialMessage(c.ARN, actionGetAccessKeyInfo, &cr.Decision)).WithReason(x.decision.Reason, nil)
	}
	account, found := s.keyAccount(id)
	if !found {
		return nil, invalidParameterValue(msgNotAnAccessKey).WithReason("access_key_id_not_issued", nil)
	}
	x.event.ResponseElements = &getAccessKeyInfoElements{Account: account}
	return &awsquery.Response{Action: "GetAccessKeyInfo", Namespace: Namespace, Result: []awsquery.Node{
		awsquery.Str("Account", account),
	}}, nil
}

// keyAccount is the account of an access key id (see above).
func (s *Service) keyAccount(id string) (string, bool) {
	if root := s.deps.Authn.Root; root.AccessKeyID != "" && id == root.AccessKeyID {
		return root.AccountID, true
	}
	if k, ok := s.deps.Snapshot().AccessKey(id); ok {
		return k.Account, true
	}
	return creds.AccessKeyIDAccount(id)
}

type getAccessKeyInfoParameters struct {
	AccessKeyID string `json:"accessKeyId"`
}

type getAccessKeyInfoElements struct {
	Account string `json:"account"`
}
