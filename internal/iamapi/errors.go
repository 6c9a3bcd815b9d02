package iamapi

import (
	"errors"
	"net/http"

	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/iamwire"
	"github.com/stsd/stsd/internal/store"
)

// iamError is the IAM error of kind k with its exact message as the
// client sees it: the code and status iamwire gives the kind, and
// "iam_<code>" as the internal reason (cause, if any, goes only to the
// log). Every IAM error this package answers is built here: its own
// (noSuchEntity, invalidInput, …) and, through toAWS, the iam package's.
func iamError(k iam.Kind, msg string, cause error) *awserr.Error {
	code := iamwire.Code(k)
	return awserr.New(code, iamwire.Status(k), msg).WithReason("iam_"+code, cause)
}

// storeUnavailableMessage is what a write gets while the store (etcd) is
// unreachable. It is a 503, which the AWS SDKs retry.
const storeUnavailableMessage = "stsd cannot reach its store right now, so the change may not have been applied. Retry when the store is back."

// toAWS renders any error an action returns as the API error the client
// sees: an iam error through iamError, with its kind's code and status and
// its reason's message (iamwire).
func toAWS(err error) error {
	if errors.Is(err, store.ErrUnavailable) {
		return awserr.New("ServiceUnavailable", http.StatusServiceUnavailable, storeUnavailableMessage).
			WithReason("store_unavailable", err)
	}
	var ie *iam.Error
	if errors.As(err, &ie) {
		return iamError(ie.Kind(), iamwire.Message(ie), ie.Cause)
	}
	return awserr.As(err)
}
