package iamapi

import (
	"sort"

	"github.com/stsd/stsd/internal/iam"
)

// providerARNParam reads the OpenIDConnectProviderArn parameter and
// reports its model violations (absent, or not 20..2048 characters), to be
// joined with the other members' violations.
func (x *exchange) providerARNParam() (string, error) {
	return x.arnParam("OpenIDConnectProviderArn", "openIDConnectProviderArn")
}

// checkProviderARN runs after the model checks: a string that is not an
// ARN at all is IAM's "Invalid ARN:  Could not be parsed!"; an ARN that is
// not an IAM OIDC provider ARN is InvalidInput; a provider of another
// account is not found (missing is the action's NoSuchEntity).
func (x *exchange) checkProviderARN(arn string, missing func(string) error) error {
	if !isARN(arn) {
		return errInvalidARN()
	}
	account, _, ok := iam.ParseProviderARN(arn)
	if !ok {
		return &iam.Error{Reason: iam.ReasonInvalidARN, Subject: arn}
	}
	if account != x.account {
		return missing(arn)
	}
	return nil
}

// providerNotFound is IAM's NoSuchEntity for every provider action but
// DeleteOpenIDConnectProvider.
func providerNotFound(arn string) error {
	return &iam.Error{Reason: iam.ReasonProviderNotFound, Subject: arn}
}

// providerNotFoundOnDelete is DeleteOpenIDConnectProvider's NoSuchEntity
// (IAM words it differently).
func providerNotFoundOnDelete(arn string) error {
	return &iam.Error{Reason: iam.ReasonProviderToDeleteNotFound, Subject: arn}
}

// sortedTags returns the tags sorted by key, as IAM lists them.
func sortedTags(tags []iam.Tag) []iam.Tag {
	out := append([]iam.Tag(nil), tags...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}
