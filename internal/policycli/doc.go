// Package policycli implements the `stsd policy` command: `validate` checks
// policy documents and prints every problem, and `simulate` runs the IAM
// policy simulator with the flags and output of
// `aws iam simulate-custom-policy`.
//
// NewCommand returns the cobra command; main wires it in and turns an
// *ExitError into the process exit status.
package policycli
