package iamapi

import (
	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/oidc"
)

// A provider's JWKS URL and static key set are set through the API as
// tags with reserved keys (iam.ProviderTagJWKSURL, iam.ProviderTagStaticJWKS
// parts), since IAM has no parameter for them: CreateOpenIDConnectProvider's
// Tags, TagOpenIDConnectProvider and UntagOpenIDConnectProvider. Tags are
// what Terraform's stock aws_iam_openid_connect_provider can send and read
// back; an stsd-specific action would need a provider of its own. The
// settings are stored in the provider's own fields (as a bootstrap file
// sets them) and shown as those tags by GetOpenIDConnectProvider and
// ListOpenIDConnectProviderTags. A JWKS URL follows the provider URL's
// rules (https, or http on loopback with --allow-http-issuers; no query or
// fragment), as in the bootstrap file; a static key set must be usable
// key by key (oidc.CheckStaticJWKS).

// applyProviderTags makes tags — every tag the provider is to have, the
// reserved ones included — the provider's: its stored tags and its JWKS
// settings. A static key set that changes is checked strictly; one that
// stays (a bootstrap file's) is left as it is. The provider's Validate
// checks the rest (URL rules, not both settings, the quota).
func applyProviderTags(p *iam.OIDCProvider, tags []iam.Tag) error {
	stored, jwksURL, static, err := iam.SplitProviderSettingTags(tags)
	if err != nil {
		return err
	}
	if static != "" && static != p.StaticJWKS {
		if err := checkStaticJWKS(static); err != nil {
			return err
		}
	}
	p.Tags, p.JWKSURL, p.StaticJWKS = stored, jwksURL, static
	if len(p.Tags) == 0 {
		p.Tags = nil
	}
	return nil
}

// checkStaticJWKS is the strict check of a key set given through the API
// (iam.SplitProviderSettingTags has checked its size).
func checkStaticJWKS(doc string) error {
	if err := oidc.CheckStaticJWKS([]byte(doc)); err != nil {
		return invalidInput("The static JWKS of the " + iam.ProviderTagStaticJWKS + "I-of-N tags is not a usable key set: " + err.Error() + ".")
	}
	return nil
}
