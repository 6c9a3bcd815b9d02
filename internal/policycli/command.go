package policycli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

// Exit statuses, following the AWS CLI v2 for simulate: 252 for a command
// line it cannot parse, 254 for an error returned by the service.
const (
	ExitInvalid = 1   // validate found problems
	ExitUsage   = 252 // bad command line
	ExitService = 254 // MalformedPolicyDocument, InvalidInput
)

// ExitError carries the exit status of a failed command. Its message has
// already been printed to stderr.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string { return fmt.Sprintf("exit status %d: %v", e.Code, e.Err) }

// Unwrap returns the cause.
func (e *ExitError) Unwrap() error { return e.Err }

// NewCommand returns the `policy` command with its subcommands, writing
// results to stdout and diagnostics to stderr.
func NewCommand(stdout, stderr io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:           "policy",
		Short:         "Validate and simulate IAM policies",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	cmd.SetOut(stdout)
	cmd.SetErr(stderr)
	cmd.AddCommand(newValidateCommand(stdout, stderr), newSimulateCommand(stdout, stderr))
	return cmd
}
