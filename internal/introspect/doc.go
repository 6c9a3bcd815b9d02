// Package introspect is stsd's OAuth 2.0 token introspection client (RFC
// 7662), the self-hosted counterpart of the call AWS STS makes to Login
// with Amazon or Facebook when AssumeRoleWithWebIdentity names a
// ProviderId.
//
// Introspect POSTs token=…&token_type_hint=access_token as
// application/x-www-form-urlencoded to the provider's introspection
// endpoint, authenticating with HTTP Basic as RFC 6749 §2.3.1 prescribes
// (client id and secret each form-urlencoded, then joined with ":" and
// base64-encoded). The answer must be HTTP 200 with an application/json
// body of at most MaxBodyBytes, received within the client's timeout;
// Parse reads it strictly (duplicate members, invalid UTF-8 and a
// non-boolean "active" are errors). Anything else is an *Error naming what
// went wrong (Kind), never the token or the client secret.
//
// Active answers are cached, keyed by a SHA-256 digest of the endpoint,
// the client id and the token (the token itself is never kept), until the
// token's exp and never longer than MaxCacheAge; inactive answers and
// failures are not cached, so a revoked token is refused at most a minute
// after the provider revoked it.
package introspect
