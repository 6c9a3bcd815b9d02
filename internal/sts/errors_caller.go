package sts

import (
	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/policy"
)

// Exact texts of the errors the signed actions that issue credentials
// answer, each with where it was seen.
const (
	// AccessDenied 403 for AssumeRole signed by the account root: "You
	// cannot use AWS account root user credentials to call AssumeRole" (STS
	// API Reference, AssumeRole); captured in kubeflow/testing#961,
	// Netflix/security_monkey#1026, double-break/spapi-php#45 (JSON body).
	msgRootCannotAssume = "Roles may not be assumed by root accounts."
	// AccessDenied 403 for an MFA serial number not associated with the
	// caller (stsd has no MFA devices, so every one); two spaces after
	// "code." as captured in aws/aws-cli#6325.
	msgMFAFailed = "MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user."
	// ValidationError 400 for a chained AssumeRole asking more than an
	// hour (sts-contract §2.2, aws/eks-anywhere#9485, 99designs/aws-vault#263).
	msgChainDuration = "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."
	// ValidationError 400 for a chained AssumeRole passing a source
	// identity other than the calling session's, as recorded by a probe of
	// real STS (mahitotsu/gekko_08, experiments/multi-hop-propagation,
	// 2026-09-30): "If the user attempts to set a source identity that is
	// different from the value set when CriticalRole was assumed, the
	// assume role request will be denied" (IAM User Guide, "Monitor and
	// control actions taken with assumed roles").
	msgSourceIdentitySet = "The source identity is already set for this assume role session"
	// InvalidParameterValue 400 for a session tag whose key is one of the
	// calling session's transitive tags (sts-contract §4.2, LS-SNAP; the
	// same probe as above).
	msgTransitiveConflict = "One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session."
)

// sessionCredentialsRefused is AccessDenied 403 "Cannot call <Action> with
// session credentials": GetSessionToken and GetFederationToken must be
// called with long-term credentials (captured in aws/aws-sdk-net#1704,
// aws/aws-sdk-php#1876, hashicorp/vault#4108, fwdcloudsec/granted#151).
func sessionCredentialsRefused(action string) *awserr.Error {
	return awserr.AccessDenied("Cannot call "+action+" with session credentials").WithReason("session_credentials", nil)
}

// notAuthorized is AWS's AccessDenied text for an action on a resource:
// "User: <caller ARN> is not authorized to perform: <action> on resource:
// <resource>" (e.g. uswitch/kiam#33, basefarm/aws-session-tool#1 for
// sts:AssumeRole), followed for an explicit deny by where the deny was.
func notAuthorized(callerARN string, cr *authz.CheckResult) *awserr.Error {
	reason := "not_authorized_" + cr.Decision.Effect.String()
	return awserr.AccessDenied(authz.DenialMessage(callerARN, cr)).WithReason(reason, nil)
}

// notAuthorizedOn is notAuthorized without a decision (the role does not
// exist: AWS answers exactly as for a trust policy that does not allow).
func notAuthorizedOn(callerARN, action, resource, reason string) *awserr.Error {
	cr := &authz.CheckResult{Check: authz.Check{Action: action, Resource: resource}, Decision: policy.Decision{Effect: policy.ImplicitDeny}}
	return awserr.AccessDenied(authz.DenialMessage(callerARN, cr)).WithReason(reason, nil)
}
