package iamapi

import (
	"errors"
	"net/http"

	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/store"
)

// statusOf is the HTTP status IAM answers each of its error codes with.
var statusOf = map[iam.Code]int{
	iam.CodeValidationError:         http.StatusBadRequest,
	iam.CodeInvalidInput:            http.StatusBadRequest,
	iam.CodeMalformedPolicyDocument: http.StatusBadRequest,
	iam.CodeNoSuchEntity:            http.StatusNotFound,
	iam.CodeEntityAlreadyExists:     http.StatusConflict,
	iam.CodeLimitExceeded:           http.StatusConflict,
	iam.CodeDeleteConflict:          http.StatusConflict,
	iam.CodeConcurrentModification:  http.StatusConflict,
	iam.CodeServiceFailure:          http.StatusInternalServerError,
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
		status, ok := statusOf[ie.Code]
		if !ok {
			status = http.StatusBadRequest
		}
		e := awserr.New(string(ie.Code), status, ie.Message)
		reason := "iam_" + string(ie.Code)
		return e.WithReason(reason, ie.Cause)
	}
	return awserr.As(err)
}
