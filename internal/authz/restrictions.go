package authz

import (
	"strings"

	"github.com/stsd/stsd/internal/authn"
	"github.com/stsd/stsd/internal/creds"
	"github.com/stsd/stsd/internal/policy"
)

// What the credentials of GetSessionToken and GetFederationToken may not
// call, whatever the caller's policies say (STS API Reference,
// "Permissions" of each action):
//
//   - GetSessionToken: "You cannot call any IAM API operations unless MFA
//     authentication information is included in the request" (stsd has no
//     MFA devices) and "You cannot call any STS API except AssumeRole or
//     GetCallerIdentity". AssumeRole's permissions-only companions
//     sts:TagSession and sts:SetSourceIdentity go with it (IAM User Guide,
//     "Passing session tags in AWS STS", "Monitor and control actions taken
//     with assumed roles").
//   - GetFederationToken: "You cannot call any IAM operations using the CLI
//     or the AWS API" and "You cannot call any STS operations except
//     GetCallerIdentity".
//
// The engine applies these as an explicit deny in a policy of their own,
// named so that explanations and encoded messages say why. GetCallerIdentity
// needs no permission and never reaches the engine. Role sessions have no
// such restriction (AssumeRole's "Permissions": they cannot call
// GetFederationToken or GetSessionToken, which STS refuses for every
// session before any policy is read).
var (
	userSessionRestriction = restrictionPolicy("GetSessionToken credentials",
		`{"Version":"2012-10-17","Statement":[
		 {"Sid":"NoIAMWithoutMFA","Effect":"Deny","Action":"iam:*","Resource":"*"},
		 {"Sid":"OnlyAssumeRoleAndGetCallerIdentity","Effect":"Deny","Action":"sts:*","Resource":"*"}]}`)
	federatedUserRestriction = restrictionPolicy("GetFederationToken credentials",
		`{"Version":"2012-10-17","Statement":[
		 {"Sid":"NoIAM","Effect":"Deny","Action":"iam:*","Resource":"*"},
		 {"Sid":"OnlyGetCallerIdentity","Effect":"Deny","Action":"sts:*","Resource":"*"}]}`)
)

// userSessionAllowedSTS are the STS actions GetSessionToken credentials may
// still call (lower case).
var userSessionAllowedSTS = map[string]bool{
	"sts:assumerole": true, "sts:getcalleridentity": true, "sts:tagsession": true, "sts:setsourceidentity": true,
}

func restrictionPolicy(name, doc string) []policy.Named {
	p, err := policy.ParseAs([]byte(doc), policy.KindIdentity)
	if err != nil {
		panic("authz: restriction policy: " + err.Error())
	}
	return []policy.Named{{Name: name, Policy: p}}
}

// restrictionFor returns the restriction that denies action to the
// caller, or nil when none applies.
func restrictionFor(c *authn.Caller, action string) []policy.Named {
	s := c.Session
	if s == nil || s.Kind == creds.KindRoleSession {
		return nil
	}
	lower := strings.ToLower(action)
	if !strings.HasPrefix(lower, "iam:") && !strings.HasPrefix(lower, "sts:") {
		return nil
	}
	if s.Kind == creds.KindFederatedUser {
		if lower == "sts:getcalleridentity" {
			return nil
		}
		return federatedUserRestriction
	}
	if userSessionAllowedSTS[lower] {
		return nil
	}
	return userSessionRestriction
}
