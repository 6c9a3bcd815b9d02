// Package credcli implements `stsd credentials` and `stsd exec`, which get
// a role session from stsd for tools that are not Go programs: the AWS CLI
// and SDKs through credential_process, shells through export lines, and
// any command through its environment.
//
// Both take the flags of `aws sts assume-role-with-web-identity` (same
// names) and a token source, resolve them to webidentity.Options — the
// public client package does the exchange and the caching, so there is one
// implementation — and print or pass on the session. Errors are printed
// to stderr as the AWS CLI prints them, with the AWS CLI's exit statuses
// (252 bad command line, 254 an error answer from STS, 255 anything else);
// no error names a token, a secret or a session token.
//
// Commands returns the cobra commands; main wires them in and turns an
// *policycli.ExitError into the process exit status.
package credcli
