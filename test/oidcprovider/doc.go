// Package oidcprovider runs stsd against a real open-source OpenID
// Provider: an OP built on github.com/zitadel/oidc/v3's op package (the
// library ZITADEL's own OP is made of), served on loopback by the test. The
// OP issues ID tokens to confidential clients without a browser: a client
// authenticates with the client credentials grant (RFC 6749 §4.4) and
// exchanges the access token for an ID token with the token exchange grant
// (RFC 8693, requested_token_type id_token). stsd discovers the OP over
// HTTP (its discovery document and JWKS), and the ID token is exchanged
// with AssumeRoleWithWebIdentity through aws-sdk-go-v2.
//
// It is its own Go module so that the OP library and its dependencies stay
// out of the main module; run it with `make oidcprovider` (part of `make
// test`).
package oidcprovider
