package sts

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/oidc"
)

// Exact texts from sts-contract §4 and §5.7.
const (
	msgNotAuthorized    = "Not authorized to perform sts:AssumeRoleWithWebIdentity"
	msgNoProvider       = "No OpenIDConnect provider found in your account for "
	msgWrongAudience    = "Incorrect token audience"
	msgMissingClaim     = "Missing a required claim: "
	msgKeysUnavailable  = "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements"
	msgThumbprint       = "OpenIDConnect provider's HTTPS certificate doesn't match configured thumbprint"
	msgRoleNotInClaim   = "The target role ARN is not present in the roles claim of the identity token"
	msgDurationTooLong  = "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
	msgDuplicateTagKeys = "Duplicate tag keys found. Please note that Tag keys are case insensitive."
	msgTransitiveTagKey = "The specified transitive tag key must be included in the requested tags."
	// msgTokenNotValidated is the model's description of
	// InvalidIdentityTokenException; AWS's exact texts for a bad signature,
	// unknown kid, disallowed alg or malformed token were not captured
	// (sts-contract §14 question 1), so those cases use it.
	msgTokenNotValidated = "The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request."
)

func invalidIdentityToken(message string) *awserr.Error {
	return awserr.New("InvalidIdentityToken", http.StatusBadRequest, message)
}

func expiredTokenException(message string) *awserr.Error {
	return awserr.New("ExpiredTokenException", http.StatusBadRequest, message)
}

func accessDenied(reason string) *awserr.Error {
	return awserr.AccessDenied(msgNotAuthorized).WithReason(reason, nil)
}

// fromOIDC maps a token rejection to AWS's code and message. The reason code
// travels as the error's internal Reason (audit, logs, metrics).
func fromOIDC(err error) *awserr.Error {
	var oe *oidc.Error
	if !errors.As(err, &oe) {
		return awserr.InternalFailure(err)
	}
	var e *awserr.Error
	switch oe.Reason {
	case oidc.ReasonIssuerUnknown:
		e = invalidIdentityToken(msgNoProvider + oe.Issuer)
	case oidc.ReasonWrongAudience, oidc.ReasonAmbiguousAudience:
		e = invalidIdentityToken(msgWrongAudience)
	case oidc.ReasonMissingClaim:
		e = invalidIdentityToken(msgMissingClaim + oe.Claim)
	case oidc.ReasonExpired:
		e = expiredTokenException("Token expired: current date/time " + strconv.FormatInt(oe.Now, 10) +
			" must be before the expiration date/time " + strconv.FormatInt(oe.ExpiresAt, 10))
	case oidc.ReasonTooOld:
		e = expiredTokenException("Token too old: " + strconv.FormatInt(oe.Age, 10))
	case oidc.ReasonKeysUnavailable, oidc.ReasonTooManyKeys:
		e = invalidIdentityToken(msgKeysUnavailable)
	case oidc.ReasonThumbprintMismatch:
		e = invalidIdentityToken(msgThumbprint)
	case oidc.ReasonInvalidClaim:
		// A claim of the wrong type (sub null, true, {} or ["x"]; a
		// fractional exp…). AWS was seen answering sub:null with
		// InternalFailure 500 (sts-contract §4.2, [P]); stsd answers 400,
		// because SDKs retry every 5xx and this request can never succeed.
		e = invalidIdentityToken(msgTokenNotValidated)
	default:
		e = invalidIdentityToken(msgTokenNotValidated)
	}
	return e.WithReason(string(oe.Reason), oe)
}
