package sigv4

import "net/http"

// Error codes returned by this package. They are AWS's wire codes.
const (
	CodeMissingAuthenticationToken = "MissingAuthenticationToken"
	CodeIncompleteSignature        = "IncompleteSignature"
	CodeSignatureDoesNotMatch      = "SignatureDoesNotMatch"
	CodeAccessDenied               = "AccessDenied"
	CodeAuthorizationQueryParams   = "AuthorizationQueryParametersError"
	CodeContentSHA256Mismatch      = "XAmzContentSHA256Mismatch"
	CodeMalformedQueryString       = "MalformedQueryString"
)

// Messages that do not depend on the request.
const (
	msgMissingAuthToken   = "Request is missing Authentication Token"
	msgSignatureMismatch  = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	msgFoundBoth          = "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header."
	msgHostNotSigned      = "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
	msgPresignedExpired   = "Request has expired."
	msgContentSHA256      = "The provided 'x-amz-content-sha256' header does not match what was computed."
	msgMalformedQuery     = "The query string is not valid: a '%' is not followed by two hexadecimal digits."
	msgManyAuthHeaders    = "The request contains more than one Authorization header."
	msgManyDateHeaders    = "The request contains more than one X-Amz-Date header."
	msgManyTokens         = "The request contains more than one security token."
	msgBadSignedHeaders   = "SignedHeaders must list lower-case header names separated by ';', sorted and without duplicates."
	msgTooManyParameters  = "The query string has too many parameters."
	msgExpiresNotNumber   = "X-Amz-Expires should be a number"
	msgExpiresNegative    = "X-Amz-Expires must be non-negative"
	msgExpiresTooLarge    = "X-Amz-Expires must be less than a week (in seconds) that is; 604800"
	msgExpiresZero        = "X-Amz-Expires must be greater than 0"
	msgDuplicateAuthParam = "The Authorization header contains the parameter '"
)

// Error is a request-authentication failure carrying AWS's wire code, HTTP
// status and message. The message never contains a secret access key or a
// session token; it may echo the Authorization header, the credential scope
// and dates, as AWS does.
type Error struct {
	Code    string
	Message string
	Status  int
	// Skewed marks a signing time outside the allowed skew, which S3
	// reports as RequestTimeTooSkewed where STS says SignatureDoesNotMatch.
	Skewed bool
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

func newError(code string, status int, msg string) *Error {
	return &Error{Code: code, Message: msg, Status: status}
}

func errMissingAuth() *Error {
	return newError(CodeMissingAuthenticationToken, http.StatusForbidden, msgMissingAuthToken)
}

func errIncomplete(msg string) *Error {
	return newError(CodeIncompleteSignature, http.StatusBadRequest, msg)
}

func errMismatch(msg string) *Error {
	return newError(CodeSignatureDoesNotMatch, http.StatusForbidden, msg)
}

func errQueryParams(msg string) *Error {
	return newError(CodeAuthorizationQueryParams, http.StatusBadRequest, msg)
}

func errBadDate(got string) *Error {
	return errIncomplete("Date must be in ISO-8601 'basic format'. Got '" + got + "'. See http://en.wikipedia.org/wiki/ISO_8601")
}

func errAlgorithm(alg string) *Error {
	return errIncomplete("Unsupported AWS 'algorithm': '" + alg + "' (only AWS4-HMAC-SHA256 for now). ")
}

func errCredentialParts(cred string) *Error {
	return errIncomplete("Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '" + cred + "'")
}

func errNotKeyValue(pair, header string) *Error {
	return errIncomplete("'" + pair + "' not a valid key=value pair (missing equal-sign) in Authorization header: '" + header + "'.")
}

func errDuplicateParam(name string) *Error {
	return errIncomplete("The query string contains the parameter '" + name + "' more than once.")
}

// IsSignatureMismatch reports whether err is a signature that does not
// match (a wrong secret, a tampered request or chunk), as opposed to the
// other SignatureDoesNotMatch cases (the clock, the credential scope).
func IsSignatureMismatch(err error) bool {
	e, ok := err.(*Error)
	return ok && e != nil && e.Code == CodeSignatureDoesNotMatch &&
		(e.Message == msgSignatureMismatch || e.Message == msgS3SignatureMismatch)
}

// IsCode reports whether err is an *Error with the given code.
func IsCode(err error, code string) bool {
	e, ok := err.(*Error)
	return ok && e != nil && e.Code == code
}
