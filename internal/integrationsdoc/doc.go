// Package integrationsdoc holds the test of the recipes in
// docs/integrations: for every page, the bootstrap block is applied with
// stsd's bootstrap loader, the trust policy is the trust policy of a role
// created through the IAM API, and a token with the page's claims, minted
// by the fake identity provider, is exchanged through aws-sdk-go-v2; a
// token the policy must refuse is refused with AWS's exact answer. The
// documents are the test's input, so the policies in the docs are the
// policies tested.
package integrationsdoc
