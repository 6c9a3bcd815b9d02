package policy

import (
	"strings"

	"github.com/stsd/stsd/internal/arn"
)

// PrincipalKind is the kind of caller a resource or trust policy sees.
type PrincipalKind uint8

// Principal kinds.
const (
	// PrincipalNone: no principal (identity-policy-only evaluations).
	PrincipalNone PrincipalKind = iota
	// PrincipalAWS is an IAM user, role, role session, or account root.
	PrincipalAWS
	// PrincipalFederated is a web identity or SAML federation: ID is the
	// IAM OIDC provider ARN, or a built-in provider name such as
	// accounts.google.com.
	PrincipalFederated
	// PrincipalService is an AWS service principal (ID such as
	// ec2.amazonaws.com).
	PrincipalService
)

// Principal describes the caller for resource and trust policies.
type Principal struct {
	Kind PrincipalKind
	// ID is the caller ARN for PrincipalAWS (arn:aws:iam::123456789012:root,
	// ...:user/name, ...:role/path/name, or the session ARN
	// arn:aws:sts::123456789012:assumed-role/name/session), the provider
	// for PrincipalFederated, and the service name for PrincipalService.
	ID string
	// Account is the caller's 12-digit account; AWSPrincipal fills it.
	Account string
	// RoleARN is the role ARN (with path) of an assumed-role session; a
	// role principal in a policy matches the role's sessions.
	RoleARN string
}

// AWSPrincipal describes an AWS caller. For an assumed-role session ARN pass
// the role ARN (with its path) as roleARN; when it is empty it is derived
// from the session ARN without a path (RoleARNFromSession), which names the
// same role because role names are unique in an account.
func AWSPrincipal(principalARN, roleARN string) Principal {
	if roleARN == "" {
		roleARN = RoleARNFromSession(principalARN)
	}
	a, _ := arn.Parse(principalARN)
	return Principal{Kind: PrincipalAWS, ID: principalARN, Account: a.Account, RoleARN: roleARN}
}

// FederatedPrincipal describes a web identity caller.
func FederatedPrincipal(provider string) Principal {
	return Principal{Kind: PrincipalFederated, ID: provider}
}

// ServicePrincipal describes an AWS service caller.
func ServicePrincipal(service string) Principal {
	return Principal{Kind: PrincipalService, ID: service}
}

// principalSet is a parsed Principal or NotPrincipal element.
type principalSet struct {
	any       bool // "Principal": "*"
	awsAny    bool // "AWS": "*"
	aws       []string
	federated []string
	service   []string
	canonical []string
}

// principalMatch says how a statement's principal matched the caller; it
// decides whether a resource-policy allow stands alone (AWS policy
// evaluation logic: "Resource-based policies").
type principalMatch uint8

const (
	principalNoMatch principalMatch = iota
	// matchedAccount: the account (root ARN or account ID) was named; IAM
	// then needs an identity-policy allow as well.
	matchedAccount
	// matchedBroad: "*" or the role ARN of a role session; permissions
	// boundaries and session policies still limit the allow.
	matchedBroad
	// matchedExact: the user ARN, role ARN (for a role), session ARN, the
	// federated provider or the service.
	matchedExact
)

// match reports how the set names the caller.
func (ps *principalSet) match(p *Principal) principalMatch {
	if ps.any {
		return matchedBroad
	}
	switch p.Kind {
	case PrincipalAWS:
		best := principalNoMatch
		if ps.awsAny {
			best = matchedBroad
		}
		for _, v := range ps.aws {
			m := matchAWSPrincipal(v, p)
			if m > best {
				best = m
			}
		}
		return best
	case PrincipalFederated:
		for _, v := range ps.federated {
			if v == p.ID {
				return matchedExact
			}
		}
	case PrincipalService:
		for _, v := range ps.service {
			if strings.EqualFold(v, p.ID) {
				return matchedExact
			}
		}
	}
	return principalNoMatch
}

func matchAWSPrincipal(v string, p *Principal) principalMatch {
	if acct, ok := rootAccount(v); ok {
		if p.Account != "" && acct == p.Account {
			return matchedAccount
		}
		return principalNoMatch
	}
	switch {
	case v == p.ID:
		return matchedExact
	case p.Account != "" && v == p.Account:
		return matchedAccount
	case p.RoleARN != "" && v == p.RoleARN:
		return matchedBroad
	}
	return principalNoMatch
}

// rootAccount returns the account of arn:<partition>:iam::<account>:root.
func rootAccount(s string) (string, bool) {
	a, ok := arn.Parse(s)
	if !ok || !a.IsRoot() {
		return "", false
	}
	return a.Account, true
}
