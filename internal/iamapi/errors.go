package iamapi

import (
	"errors"
	"net/http"

	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/store"
)

// statusOf is the HTTP status IAM answers each of its error codes with.
var statusOf = map[string]int{
	"ValidationError":         http.StatusBadRequest,
	"InvalidInput":            http.StatusBadRequest,
	"MalformedPolicyDocument": http.StatusBadRequest,
	"NoSuchEntity":            http.StatusNotFound,
	"EntityAlreadyExists":     http.StatusConflict,
	"LimitExceeded":           http.StatusConflict,
	"DeleteConflict":          http.StatusConflict,
	"ConcurrentModification":  http.StatusConflict,
	"ServiceFailure":          http.StatusInternalServerError,
}

// iamError is the IAM error code with its exact message as the client sees
// it, answered with the status IAM gives the code and "iam_<code>" as the
// internal reason (cause, if any, goes only to the log). Every IAM error
// this package answers is built here: its own (noSuchEntity, invalidInput,
// …) and, through toAWS, the iam package's.
func iamError(code, msg string, cause error) *awserr.Error {
	status, ok := statusOf[code]
	if !ok {
		status = http.StatusBadRequest
	}
	return awserr.New(code, status, msg).WithReason("iam_"+code, cause)
}

// storeUnavailableMessage is what a write gets while the store (etcd) is
// unreachable. It is a 503, which the AWS SDKs retry.
const storeUnavailableMessage = "stsd cannot reach its store right now, so the change may not have been applied. Retry when the store is back."

// toAWS renders any error an action returns as the API error the client
// sees. This is the only place IAM error codes become HTTP statuses.
func toAWS(err error) error {
	if errors.Is(err, store.ErrUnavailable) {
		return awserr.New("ServiceUnavailable", http.StatusServiceUnavailable, storeUnavailableMessage).
			WithReason("store_unavailable", err)
	}
	var ie *iam.Error
	if errors.As(err, &ie) {
		return iamError(string(ie.Code), ie.Message, ie.Cause)
	}
	return awserr.As(err)
}
