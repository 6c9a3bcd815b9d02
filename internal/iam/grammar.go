package iam

import (
	"encoding/json"
	"errors"

	"github.com/stsd/stsd/internal/policy"
)

// CheckPolicy checks an identity-based policy (inline or managed, or a
// permissions boundary) with the policy grammar: KindMalformedPolicy
// (ReasonPolicyGrammar with the parser's problem) if it does not parse.
func CheckPolicy(doc string) error {
	_, err := ParseIdentityPolicy(doc)
	return err
}

// CheckTrustPolicy checks a role trust policy: it must parse and every
// statement must name a principal (KindMalformedPolicy otherwise).
func CheckTrustPolicy(doc string) error {
	_, err := ParseTrustPolicy(doc)
	return err
}

// DenyAll stands in for a stored identity policy that no longer parses —
// written by an older stsd under a rule since tightened, or damaged — and
// for a permissions boundary or session policy that cannot be resolved. It
// denies every action: skipping such a policy instead would silently drop
// its Deny statements (fail open); standing in for it, the role or user it
// belongs to can do nothing until an operator rewrites the document, and
// the cache logs why.
var DenyAll = func() *policy.Policy {
	p, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}`))
	if err != nil {
		panic(err)
	}
	return p
}()

// ParseIdentityPolicy parses an identity-based policy; errors are
// KindMalformedPolicy *Error values.
func ParseIdentityPolicy(doc string) (*policy.Policy, error) {
	if !json.Valid([]byte(doc)) {
		return nil, errInvalidJSON()
	}
	p, err := policy.ParseAs([]byte(doc), policy.KindIdentity)
	return p, malformed(err)
}

// ParseTrustPolicy parses a role trust policy; errors are
// KindMalformedPolicy *Error values.
func ParseTrustPolicy(doc string) (*policy.Policy, error) {
	if !json.Valid([]byte(doc)) {
		return nil, errInvalidJSON()
	}
	p, err := policy.ParseAs([]byte(doc), policy.KindTrust)
	return p, malformed(err)
}

// errInvalidJSON is IAM's answer to a document that is not JSON.
func errInvalidJSON() error { return &Error{Reason: ReasonPolicyNotJSON} }

func malformed(err error) error {
	if err == nil {
		return nil
	}
	var pe *policy.ParseError
	if errors.As(err, &pe) {
		return &Error{Reason: ReasonPolicyGrammar, Detail: pe.Error(), Cause: err}
	}
	return &Error{Reason: ReasonPolicySyntax, Cause: err}
}
