package s3gw

import (
	"net/http"

	"github.com/stsd/stsd/internal/awserr"
)

// S3's own error codes, statuses and messages (Amazon S3 API Reference,
// "Error responses", "List of error codes"). Where S3 documents no
// message for a case, the message is ours and says so in a comment.

// errNotImplemented: a request the table does not name. S3: "NotImplemented
// — A header you provided implies functionality that is not implemented.
// 501 Not Implemented".
func errNotImplemented(reason string) *awserr.Error {
	return awserr.New("NotImplemented", http.StatusNotImplemented,
		"A header you provided implies functionality that is not implemented.").WithReason(reason, nil)
}

// errMethodNotAllowed: S3 "MethodNotAllowed — The specified method is not
// allowed against this resource. 405 Method Not Allowed".
func errMethodNotAllowed() *awserr.Error {
	return awserr.New("MethodNotAllowed", http.StatusMethodNotAllowed,
		"The specified method is not allowed against this resource.").WithReason("s3_method", nil)
}

// errInvalidBucketName: S3 "InvalidBucketName — The specified bucket is
// not valid. 400 Bad Request".
func errInvalidBucketName() *awserr.Error {
	return awserr.New("InvalidBucketName", http.StatusBadRequest,
		"The specified bucket is not valid.").WithReason("s3_bucket_name", nil)
}

// errKeyTooLong: S3 "KeyTooLongError — Your key is too long. 400 Bad
// Request".
func errKeyTooLong() *awserr.Error {
	return awserr.New("KeyTooLongError", http.StatusBadRequest,
		"Your key is too long.").WithReason("s3_key_too_long", nil)
}

// errInvalidURI: S3 "InvalidURI — Couldn't parse the specified URI. 400
// Bad Request".
func errInvalidURI(reason string) *awserr.Error {
	return awserr.New("InvalidURI", http.StatusBadRequest,
		"Couldn't parse the specified URI.").WithReason(reason, nil)
}

// errMalformedXML: S3 "MalformedXML — The XML you provided was not
// well-formed or did not validate against our published schema. 400 Bad
// Request".
func errMalformedXML(reason string) *awserr.Error {
	return awserr.New("MalformedXML", http.StatusBadRequest,
		"The XML you provided was not well-formed or did not validate against our published schema.").WithReason(reason, nil)
}

// errMaxMessageLength: S3 "MaxMessageLengthExceeded — Your request was too
// big. 400 Bad Request".
func errMaxMessageLength() *awserr.Error {
	return awserr.New("MaxMessageLengthExceeded", http.StatusBadRequest,
		"Your request was too big.").WithReason("s3_body_too_big", nil)
}

// errInvalidArgument is S3's "InvalidArgument — Invalid Argument. 400 Bad
// Request" with the specific message S3 sends for the case.
func errInvalidArgument(message, reason string) *awserr.Error {
	return awserr.New("InvalidArgument", http.StatusBadRequest, message).WithReason(reason, nil)
}

// errIncompleteBody: S3 "IncompleteBody — You did not provide the number
// of bytes specified by the Content-Length HTTP header. 400 Bad Request".
func errIncompleteBody(reason string) *awserr.Error {
	return awsErr("IncompleteBody", http.StatusBadRequest,
		"You did not provide the number of bytes specified by the Content-Length HTTP header.", reason)
}

// errMissingContentLength: S3 "MissingContentLength — You must provide the
// Content-Length HTTP header. 411 Length Required".
func errMissingContentLength() *awserr.Error {
	return awsErr("MissingContentLength", http.StatusLengthRequired,
		"You must provide the Content-Length HTTP header.", "no_content_length")
}

// errBackendUnreachable: S3 "ServiceUnavailable — Service is unable to
// handle request. 503", for a backend the gateway cannot reach.
func errBackendUnreachable(cause error) *awserr.Error {
	return awserr.New("ServiceUnavailable", http.StatusServiceUnavailable,
		"Service is unable to handle request.").WithReason("backend_unreachable", cause)
}

// errInternal: S3 "InternalError — We encountered an internal error.
// Please try again. 500".
func errInternal(reason string, cause error) *awserr.Error {
	return awserr.New("InternalError", http.StatusInternalServerError,
		"We encountered an internal error. Please try again.").WithReason(reason, cause)
}

func awsErr(code string, status int, message, reason string) *awserr.Error {
	return awserr.New(code, status, message).WithReason(reason, nil)
}
