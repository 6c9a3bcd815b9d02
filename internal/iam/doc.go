// Package iam is the domain model of an account's IAM entities — roles, OIDC
// providers, managed policies, users and access keys — together with the
// validation rules IAM applies to them, their persistence in a store.Store
// (Repo), and the immutable in-memory Snapshot that the hot path reads
// (Cache keeps it current through the store's watch).
//
// Entities are JSON values under per-account keys:
//
//	accounts/<acct>/roles/<lower-cased role name>
//	accounts/<acct>/oidc-providers/<provider URL without scheme>
//	accounts/<acct>/oauth-providers/<provider id>
//	accounts/<acct>/policies/<lower-cased policy name>
//	accounts/<acct>/users/<lower-cased user name>
//	accounts/<acct>/access-keys/<access key id>
//
// Validation functions and the repository return *Error values in domain
// terms: the Reason (the rule that broke, e.g. ReasonRoleNotFound, of one
// Kind such as KindNotFound) and the values a message needs (Subject,
// Detail). No IAM wire text is written here: the Kind's error code and
// HTTP status and the Reason's exact message are internal/iamwire's (for
// the bucket-policy reasons, S3's rules, internal/s3gw's), and rendering
// the error as an HTTP response is the API's job (iamapi, s3gw).
package iam
