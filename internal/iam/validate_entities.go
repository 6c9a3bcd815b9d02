package iam

import (
	"encoding/json"
	"sort"
)

// MaxStaticJWKSBytes bounds a provider's static key set.
const MaxStaticJWKSBytes = 256 << 10

func validateAccount(account string) error {
	if !IsAccountID(account) {
		return &Error{Reason: ReasonInvalidAccountID, Subject: account}
	}
	return nil
}

// Validate checks every field of a role as CreateRole and the attach/put
// actions would: model constraints first (all reported together), then
// quotas and policy grammar.
func (r *Role) Validate() error {
	if err := Join(
		ValidateRoleName(r.Name),
		ValidatePath("path", r.Path),
		ValidatePolicyDocument("assumeRolePolicyDocument", r.AssumeRolePolicyDocument),
		ValidateRoleDescription(r.Description),
		ValidateMaxSessionDuration(r.MaxSessionDuration),
		ValidateTags(r.Tags),
	); err != nil {
		return err
	}
	if err := validateAccount(r.Account); err != nil {
		return err
	}
	if err := ValidateTrustPolicySize(r.AssumeRolePolicyDocument); err != nil {
		return err
	}
	if err := CheckTrustPolicy(r.AssumeRolePolicyDocument); err != nil {
		return err
	}
	if err := validateInlinePolicies(r.InlinePolicies); err != nil {
		return err
	}
	if err := ValidateRoleInlinePoliciesSize(r.Name, r.InlinePolicies); err != nil {
		return err
	}
	return validateAttachments(r.ManagedPolicyARNs, r.PermissionsBoundaryARN, ReasonPoliciesPerRole)
}

func validateInlinePolicies(docs map[string]string) error {
	names := make([]string, 0, len(docs))
	for n := range docs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := Join(ValidatePolicyName(n), ValidatePolicyDocument("policyDocument", docs[n])); err != nil {
			return err
		}
		if err := CheckPolicy(docs[n]); err != nil {
			return err
		}
	}
	return nil
}

func validateAttachments(arns []string, boundary string, quota Reason) error {
	for _, a := range arns {
		if err := ValidatePolicyARN("policyArn", a); err != nil {
			return err
		}
	}
	if len(arns) > MaxManagedPoliciesPerRole {
		return &Error{Reason: quota}
	}
	if boundary != "" {
		return ValidatePolicyARN("permissionsBoundary", boundary)
	}
	return nil
}

// Validate checks a provider: URL (with opts), client IDs, thumbprints and
// tags as CreateOpenIDConnectProvider does, then the stsd extensions: a
// JWKS URL (https, or http on loopback when allowed) or a static JWKS (a
// JSON object with a "keys" array, at most 256 KiB), not both.
func (p *OIDCProvider) Validate(opts URLOptions) error {
	if err := Join(ValidateProviderURL(p.URL, opts), ValidateClientIDs(p.ClientIDs), ValidateThumbprints(p.Thumbprints), ValidateTags(p.Tags)); err != nil {
		return err
	}
	if err := ValidateProviderTags(p.Tags); err != nil {
		return err
	}
	if err := validateAccount(p.Account); err != nil {
		return err
	}
	if p.JWKSURL != "" && p.StaticJWKS != "" {
		return &Error{Reason: ReasonJWKSURLAndStatic}
	}
	if p.JWKSURL != "" {
		if err := ValidateProviderURL(p.JWKSURL, opts); err != nil {
			return &Error{Reason: ReasonInvalidJWKSURL, Subject: p.JWKSURL}
		}
	}
	if p.StaticJWKS != "" {
		return ValidateStaticJWKS(p.StaticJWKS)
	}
	return nil
}

// ValidateStaticJWKS checks that s is a JSON object with a "keys" array of
// objects, at most 256 KiB. The keys themselves are checked by the OIDC
// verifier.
func ValidateStaticJWKS(s string) error {
	if len(s) > MaxStaticJWKSBytes {
		return &Error{Reason: ReasonStaticJWKSSize}
	}
	var set struct {
		Keys []map[string]json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal([]byte(s), &set); err != nil || set.Keys == nil {
		return &Error{Reason: ReasonStaticJWKSShape}
	}
	return nil
}

// Validate checks a managed policy: name, path, description, tags, and
// every version's document (model constraints, the 6,144-character quota,
// grammar); at most 5 versions and a default among them.
func (p *ManagedPolicy) Validate() error {
	if err := Join(ValidatePolicyName(p.Name), ValidatePolicyPath(p.Path), ValidatePolicyDescription(p.Description), ValidateTags(p.Tags)); err != nil {
		return err
	}
	if err := validateAccount(p.Account); err != nil {
		return err
	}
	if len(p.Versions) > MaxPolicyVersions {
		return errTooManyVersions()
	}
	for _, v := range p.Versions {
		if err := ValidatePolicyDocument("policyDocument", v.Document); err != nil {
			return err
		}
		if err := ValidateManagedPolicySize(v.Document); err != nil {
			return err
		}
		if err := CheckPolicy(v.Document); err != nil {
			return err
		}
	}
	if p.DefaultVersion() == nil {
		return &Error{Reason: ReasonNoDefaultVersion, Subject: p.ARN()}
	}
	return nil
}

func errTooManyVersions() *Error { return &Error{Reason: ReasonVersionsPerPolicy} }

// Validate checks a user: name, path, tags, inline policies (grammar and
// the 2,048-character total), groups (at most 10), attachments.
func (u *User) Validate() error {
	if err := Join(ValidateUserName(u.Name), ValidatePath("path", u.Path), ValidateTags(u.Tags)); err != nil {
		return err
	}
	if err := validateAccount(u.Account); err != nil {
		return err
	}
	if err := validateInlinePolicies(u.InlinePolicies); err != nil {
		return err
	}
	if err := ValidateUserInlinePoliciesSize(u.Name, u.InlinePolicies); err != nil {
		return err
	}
	if err := validateGroupCount(u.GroupIDs); err != nil {
		return err
	}
	return validateAttachments(u.ManagedPolicyARNs, u.PermissionsBoundaryARN, ReasonPoliciesPerUser)
}
