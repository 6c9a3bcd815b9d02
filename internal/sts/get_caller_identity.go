package sts

import (
	"context"

	"github.com/stsd/stsd/internal/awsquery"
)

// getCallerIdentity answers who signed the request. It needs no permission:
// it succeeds even when sts:GetCallerIdentity is explicitly denied
// (sts-contract §10.2). Members in AWS's order: Arn, UserId, Account.
func (s *Service) getCallerIdentity(_ context.Context, x *exchange) (*awsquery.Response, error) {
	c := x.caller
	x.event.RecipientAccountID = c.Account
	x.event.ResponseElements = &callerIdentityElements{ARN: c.ARN, UserID: c.UserID, Account: c.Account}
	return &awsquery.Response{Action: "GetCallerIdentity", Namespace: Namespace, Result: []awsquery.Node{
		awsquery.Str("Arn", c.ARN),
		awsquery.Str("UserId", c.UserID),
		awsquery.Str("Account", c.Account),
	}}, nil
}

type callerIdentityElements struct {
	ARN     string `json:"arn"`
	UserID  string `json:"userId"`
	Account string `json:"account"`
}
