package bootstrap

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/stsd/stsd/internal/iam"
)

// Export reads the account's OIDC providers, OAuth providers (their client
// secret's source, never the secret), customer managed policies and roles
// from the store into a File: what `stsd export` prints with Encode.
// Applying the result to the same store plans no change (see MakePlan).
//
// Entities are sorted as the store lists them (providers by URL without
// scheme, policies and roles by lower-cased name). A managed policy
// contributes its default version only. A role's attached policies and
// permissions boundary that name a policy of this file (by its exact ARN)
// are written as the policy's name; other ARNs are kept. Users and access
// keys are not part of the schema and are not exported (their secrets stay
// in the store).
func Export(ctx context.Context, repo *iam.Repo, account string) (*File, error) {
	providers, err := repo.ListProviders(ctx, account)
	if err != nil {
		return nil, fmt.Errorf("bootstrap: export: %w", err)
	}
	policies, err := repo.ListPolicies(ctx, account)
	if err != nil {
		return nil, fmt.Errorf("bootstrap: export: %w", err)
	}
	roles, err := repo.ListRoles(ctx, account)
	if err != nil {
		return nil, fmt.Errorf("bootstrap: export: %w", err)
	}
	slices.SortFunc(providers, func(a, b *iam.OIDCProvider) int { return cmp.Compare(a.HostPath(), b.HostPath()) })
	slices.SortFunc(policies, func(a, b *iam.ManagedPolicy) int {
		return cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	})
	slices.SortFunc(roles, func(a, b *iam.Role) int { return cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })

	oauth, err := exportOAuthProviders(ctx, repo, account)
	if err != nil {
		return nil, fmt.Errorf("bootstrap: export: %w", err)
	}
	f := &File{Version: 1, OAuthProviders: oauth}
	for _, p := range providers {
		fp := Provider{
			URL: p.URL, ClientIDs: p.ClientIDs, Thumbprints: p.Thumbprints,
			JWKSURL: p.JWKSURL, Tags: Tags(p.Tags),
		}
		if p.StaticJWKS != "" {
			fp.StaticJWKS = &Document{JSON: p.StaticJWKS, Set: true}
			fp.staticJWKS = p.StaticJWKS
		}
		f.OIDCProviders = append(f.OIDCProviders, fp)
	}
	names := make(map[string]string, len(policies)) // exact ARN → name
	for _, p := range policies {
		d := p.DefaultVersion()
		if d == nil {
			return nil, fmt.Errorf("bootstrap: export: managed policy %s has no default version", p.ARN())
		}
		f.ManagedPolicies = append(f.ManagedPolicies, Policy{
			Name: p.Name, Path: p.Path, Description: p.Description,
			Document: Document{JSON: d.Document, Set: true}, Tags: Tags(p.Tags),
		})
		names[p.ARN()] = p.Name
	}
	ref := func(arn string) string {
		if n, ok := names[arn]; ok {
			return n
		}
		return arn
	}
	for _, r := range roles {
		fr := Role{
			Name: r.Name, Path: r.Path, Description: r.Description,
			TrustPolicy: Document{JSON: r.AssumeRolePolicyDocument, Set: true},
			Tags:        Tags(r.Tags),
		}
		if r.MaxSessionDuration != iam.DefaultSessionDuration {
			fr.MaxSessionDuration = r.MaxSessionDuration
		}
		if len(r.InlinePolicies) > 0 {
			fr.InlinePolicies = make(map[string]Document, len(r.InlinePolicies))
			for n, d := range r.InlinePolicies {
				fr.InlinePolicies[n] = Document{JSON: d, Set: true}
			}
		}
		for _, arn := range r.ManagedPolicyARNs {
			fr.ManagedPolicies = append(fr.ManagedPolicies, ref(arn))
		}
		if r.PermissionsBoundaryARN != "" {
			fr.PermissionsBoundary = ref(r.PermissionsBoundaryARN)
		}
		f.Roles = append(f.Roles, fr)
	}
	return f, nil
}

// ExportHeader is the comment Encode puts first in an exported file.
func ExportHeader(account string) string {
	return "stsd declarative IAM file of account " + account + ", written by `stsd export`.\n" +
		"Apply it with `stsd apply FILE` (which also deletes what the file does not list)\n" +
		"or seed a node with `stsd serve --bootstrap FILE` (which never deletes).\n" +
		"Users and access keys are not part of this file: they hold secrets, so they are\n" +
		"neither exported nor changed by `stsd apply`. Managed policies carry their\n" +
		"default version only."
}
