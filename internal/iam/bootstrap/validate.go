package bootstrap

import (
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/stsd/stsd/internal/iam"
)

// validator checks a decoded file with IAM's rules, collecting every
// problem.
type validator struct {
	c       *collector
	opts    Options
	baseDir string
	// policyNames maps lower-cased managed policy names of the file to
	// their index.
	policyNames map[string]int
}

func (v *validator) file(f *File) {
	if f.Version != 0 && f.Version != 1 {
		v.c.add([]seg{"version"}, "unsupported version "+strconv.Itoa(f.Version)+" (only 1)")
	}
	seen := map[string]int{}
	for i := range f.OIDCProviders {
		v.provider(i, &f.OIDCProviders[i], seen)
	}
	oauth := map[string]int{}
	for i := range f.OAuthProviders {
		v.oauthProvider(i, &f.OAuthProviders[i], oauth)
	}
	v.policyNames = map[string]int{}
	for i := range f.ManagedPolicies {
		v.policy(i, &f.ManagedPolicies[i])
	}
	roles := map[string]int{}
	for i := range f.Roles {
		v.role(i, &f.Roles[i], roles)
	}
}

func at(kind string, i int, field ...seg) []seg {
	return append([]seg{kind, i}, field...)
}

func (v *validator) provider(i int, p *Provider, seen map[string]int) {
	const kind = "oidc_providers"
	if p.URL == "" {
		v.c.add(at(kind, i), "url is required")
	} else if err := iam.ValidateProviderURL(p.URL, v.opts.URL); err != nil {
		v.c.addErr(at(kind, i, "url"), err)
	} else {
		key := iam.TrimScheme(p.URL)
		if j, dup := seen[key]; dup {
			v.c.add(at(kind, i, "url"), "duplicate provider "+key+" (also oidc_providers["+strconv.Itoa(j)+"])")
		} else {
			seen[key] = i
		}
	}
	v.c.addErr(at(kind, i, "client_ids"), iam.ValidateClientIDs(p.ClientIDs))
	v.c.addErr(at(kind, i, "thumbprints"), iam.ValidateThumbprints(p.Thumbprints))
	v.c.addErr(at(kind, i, "tags"), iam.ValidateTags(p.Tags))
	v.c.addErr(at(kind, i, "tags"), iam.ValidateProviderTags(p.Tags)) // stsd: tags are the API's spelling of jwks_url and static_jwks
	sources := 0
	if p.JWKSURL != "" {
		sources++
		if iam.ValidateProviderURL(p.JWKSURL, v.opts.URL) != nil {
			v.c.add(at(kind, i, "jwks_url"), "jwks_url must be an https URL (http only on loopback with --allow-http-issuers), without query or fragment")
		}
	}
	if p.StaticJWKS != nil && p.StaticJWKS.Set {
		sources++
		p.staticJWKS = p.StaticJWKS.JSON
		v.c.addErr(at(kind, i, "static_jwks"), iam.ValidateStaticJWKS(p.staticJWKS))
	}
	if p.JWKSFile != "" {
		sources++
		v.jwksFile(at(kind, i, "jwks_file"), p)
	}
	if sources > 1 {
		v.c.add(at(kind, i), "set at most one of jwks_url, static_jwks and jwks_file")
	}
}

func (v *validator) jwksFile(path []seg, p *Provider) {
	name := p.JWKSFile
	if !filepath.IsAbs(name) {
		name = filepath.Join(v.baseDir, name)
	}
	data, err := readBounded(name, MaxJWKSFileBytes)
	if err != nil {
		v.c.add(path, "cannot read the key set: "+err.Error())
		return
	}
	p.staticJWKS = string(data)
	v.c.addErr(path, iam.ValidateStaticJWKS(p.staticJWKS))
}

func (v *validator) policy(i int, p *Policy) {
	const kind = "managed_policies"
	if p.Path == "" {
		p.Path = "/"
	}
	if p.Name == "" {
		v.c.add(at(kind, i), "name is required")
	} else if err := iam.ValidatePolicyName(p.Name); err != nil {
		v.c.addErr(at(kind, i, "name"), err)
	} else if j, dup := v.policyNames[strings.ToLower(p.Name)]; dup {
		v.c.add(at(kind, i, "name"), "duplicate managed policy name "+p.Name+" (also managed_policies["+strconv.Itoa(j)+"]; names are case-insensitive)")
	} else {
		v.policyNames[strings.ToLower(p.Name)] = i
	}
	v.c.addErr(at(kind, i, "path"), iam.ValidatePolicyPath(p.Path))
	v.c.addErr(at(kind, i, "description"), iam.ValidatePolicyDescription(p.Description))
	v.c.addErr(at(kind, i, "tags"), iam.ValidateTags(p.Tags))
	if !p.Document.Set || p.Document.JSON == "" {
		v.c.add(at(kind, i), "document is required")
		return
	}
	v.c.addErr(at(kind, i, "document"), firstErr(
		func() error { return iam.ValidatePolicyDocument("policyDocument", p.Document.JSON) },
		func() error { return iam.ValidateManagedPolicySize(p.Document.JSON) },
		func() error { return iam.CheckPolicy(p.Document.JSON) },
	))
}

func (v *validator) role(i int, r *Role, seen map[string]int) {
	const kind = "roles"
	if r.Path == "" {
		r.Path = "/"
	}
	if r.Name == "" {
		v.c.add(at(kind, i), "name is required")
	} else if err := iam.ValidateRoleName(r.Name); err != nil {
		v.c.addErr(at(kind, i, "name"), err)
	} else if j, dup := seen[strings.ToLower(r.Name)]; dup {
		v.c.add(at(kind, i, "name"), "duplicate role name "+r.Name+" (also roles["+strconv.Itoa(j)+"]; names are case-insensitive)")
	} else {
		seen[strings.ToLower(r.Name)] = i
	}
	v.c.addErr(at(kind, i, "path"), iam.ValidatePath("path", r.Path))
	v.c.addErr(at(kind, i, "description"), iam.ValidateRoleDescription(r.Description))
	if r.MaxSessionDuration != 0 {
		v.c.addErr(at(kind, i, "max_session_duration"), iam.ValidateMaxSessionDuration(r.MaxSessionDuration))
	}
	v.c.addErr(at(kind, i, "tags"), iam.ValidateTags(r.Tags))
	if !r.TrustPolicy.Set || r.TrustPolicy.JSON == "" {
		v.c.add(at(kind, i), "trust_policy is required")
	} else {
		v.c.addErr(at(kind, i, "trust_policy"), firstErr(
			func() error {
				return iam.ValidatePolicyDocument("assumeRolePolicyDocument", r.TrustPolicy.JSON)
			},
			func() error { return iam.ValidateTrustPolicySize(r.TrustPolicy.JSON) },
			func() error { return iam.CheckTrustPolicy(r.TrustPolicy.JSON) },
		))
	}
	names := make([]string, 0, len(r.InlinePolicies))
	for n := range r.InlinePolicies {
		names = append(names, n)
	}
	sort.Strings(names)
	docs := make(map[string]string, len(names))
	for _, n := range names {
		doc := r.InlinePolicies[n].JSON
		docs[n] = doc
		p := at(kind, i, "inline_policies", n)
		v.c.addErr(p, firstErr(
			func() error { return iam.ValidatePolicyName(n) },
			func() error { return iam.ValidatePolicyDocument("policyDocument", doc) },
			func() error { return iam.CheckPolicy(doc) },
		))
	}
	v.c.addErr(at(kind, i, "inline_policies"), iam.ValidateRoleInlinePoliciesSize(r.Name, docs))
	for j, ref := range r.ManagedPolicies {
		v.policyRef(at(kind, i, "managed_policies", j), "policyArn", ref)
	}
	if len(r.ManagedPolicies) > iam.MaxManagedPoliciesPerRole {
		v.c.addErr(at(kind, i, "managed_policies"), &iam.Error{Reason: iam.ReasonPoliciesPerRole})
	}
	if r.PermissionsBoundary != "" {
		v.policyRef(at(kind, i, "permissions_boundary"), "permissionsBoundary", r.PermissionsBoundary)
	}
}

// policyRef checks a managed policy reference: an ARN, or the name of a
// managed_policies entry of the file. An AWS managed policy ARN must name
// one stsd has built in; a customer managed policy ARN is checked against
// the account when the file is applied (checkPolicyRefs).
func (v *validator) policyRef(path []seg, member, ref string) {
	if strings.HasPrefix(ref, "arn:") {
		if err := iam.ValidatePolicyARN(member, ref); err != nil {
			v.c.addErr(path, err)
			return
		}
		if _, ok := iam.AWSManagedPolicy(ref); iam.IsAWSManagedARN(ref) && !ok {
			v.c.add(path, "stsd has no AWS managed policy "+ref+" (built in: "+awsManagedNames()+")")
		}
		return
	}
	if _, ok := v.policyNames[strings.ToLower(ref)]; !ok {
		v.c.add(path, "no managed policy named "+ref+" in managed_policies (give a name from this file or a policy ARN)")
	}
}

func firstErr(checks ...func() error) error {
	for _, check := range checks {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

// awsManagedNames lists the built-in AWS managed policies.
func awsManagedNames() string {
	var names []string
	for _, v := range iam.AWSManagedPolicies() {
		names = append(names, v.Policy.Name)
	}
	return strings.Join(names, ", ")
}
