// Package webidentity gets AWS-style credentials from stsd for Go programs
// that use aws-sdk-go-v2: it exchanges a web identity token (an OpenID
// Connect ID token) for a role session with AssumeRoleWithWebIdentity and
// hands the session to the SDK as an aws.CredentialsProvider.
//
// The token comes from a TokenSource: a literal token (StaticToken), a
// file that something else keeps fresh (TokenFile; a Kubernetes projected
// service-account token), an environment variable (TokenEnv; a GitLab CI
// id_tokens variable), a command's output (TokenCommand), or the GitHub
// Actions job token service (GitHubActions). FromEnvironment reads the
// AWS_ROLE_ARN / AWS_WEB_IDENTITY_TOKEN_FILE / AWS_ROLE_SESSION_NAME
// environment every AWS SDK understands.
//
// A Provider asks stsd on every Retrieve; wrap it in aws.NewCredentialsCache
// (NewCredentialsCache does, with a five-minute expiry window) so the SDK
// refreshes the session shortly before it expires. Options.Cache adds a
// second cache shared between processes, such as the 0600 files of
// FileCache that `stsd credentials` keeps.
//
// Secrets redact themselves: a Session printed with fmt, logged with slog
// or marshalled with encoding/json shows "[REDACTED]" in place of the
// secret access key and session token; Session.AnswerJSON and
// Session.CredentialProcessJSON are the two deliberate ways to write them.
// No error of this package contains a token, a secret or a session token.
//
// The package imports nothing from stsd's internals: its only contract with
// stsd is the STS API.
package webidentity
