package bootstrap

import "testing"

// The stsd: tags are the IAM API's spelling of jwks_url and static_jwks; a
// bootstrap file uses the keys themselves, so a provider's tags may not
// hold one.
func TestLoadRefusesProviderSettingTags(t *testing.T) {
	src := `version: 1
oidc_providers:
  - url: https://k8s.example.com
    client_ids: [sts.amazonaws.com]
    tags:
      team: platform
      stsd:jwks-url: https://k8s.example.com/keys
`
	wantProblems(t, problems(t, src, Options{}), []string{
		"boot.yaml:6:7: oidc_providers[0].tags: InvalidInput: Tag key stsd:jwks-url is reserved for the provider's JWKS settings (stsd:jwks-url, stsd:static-jwks/I-of-N), which are not stored as tags.",
	})
}
