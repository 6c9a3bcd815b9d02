package policycli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"github.com/stsd/stsd/internal/policy"
)

const simulateHelp = `simulate runs the IAM policy simulator like 'aws iam simulate-custom-policy'.

Options (list options take several space-separated values, or one JSON list;
any value may be file://PATH):
  --policy-input-list DOC...                       identity policies (required)
  --permissions-boundary-policy-input-list DOC...  permissions boundaries
  --action-names ACTION...                         actions to simulate (required)
  --resource-arns ARN...                           resources (default "*")
  --resource-policy DOC                            resource-based policy
  --resource-owner ACCOUNT|ARN                     owner of the resources
  --caller-arn ARN                                 caller (required with --resource-policy)
  --context-entries ENTRY...                       JSON list or shorthand ContextKeyName=…,ContextKeyValues=…,ContextKeyType=…
  --output json|text                               output format (default json)
`

func newSimulateCommand(stdout, stderr io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:                "simulate --policy-input-list DOC... --action-names ACTION... [options]",
		Short:              "Simulate policies like aws iam simulate-custom-policy",
		Long:               simulateHelp,
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, a := range args {
				if a == "--help" || a == "-h" || a == "help" {
					fmt.Fprint(stdout, simulateHelp)
					return nil
				}
			}
			return runSimulate(stdout, stderr, args)
		},
	}
}

func runSimulate(stdout, stderr io.Writer, args []string) error {
	opts, err := parseArgs(args)
	if err != nil {
		fmt.Fprintf(stderr, "\n%s\n", err)
		return &ExitError{Code: ExitUsage, Err: err}
	}
	output := "json"
	if o, ok := opts["output"]; ok {
		output = o[0]
	}
	if output != "json" && output != "text" {
		err := &usageError{"aws: error: argument --output: Invalid choice, valid choices are:\n\njson | text"}
		fmt.Fprintf(stderr, "\n%s\n", err)
		return &ExitError{Code: ExitUsage, Err: err}
	}
	in, err := simulationInput(opts)
	if err != nil {
		fmt.Fprintf(stderr, "\n%s\n", err)
		return &ExitError{Code: ExitUsage, Err: err}
	}
	out, err := policy.Simulate(in)
	if err != nil {
		var se *policy.SimulationError
		if errors.As(err, &se) {
			fmt.Fprintf(stderr, "\nAn error occurred (%s) when calling the SimulateCustomPolicy operation: %s\n", se.Code, se.Message)
		} else {
			fmt.Fprintf(stderr, "\n%v\n", err)
		}
		return &ExitError{Code: ExitService, Err: err}
	}
	var buf bytes.Buffer
	if output == "text" {
		writeText(&buf, out)
	} else {
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "    ")
		if err := enc.Encode(out); err != nil {
			return err
		}
	}
	_, err = stdout.Write(buf.Bytes())
	return err
}

// simulationInput turns parsed options into the simulator's input.
func simulationInput(opts map[string][]string) (policy.SimulationInput, error) {
	in := policy.SimulationInput{
		Policies:              policy.CustomPolicyInputs("PolicyInputList", stringList(opts["policy-input-list"])),
		PermissionsBoundaries: policy.CustomPolicyInputs("PermissionsBoundaryPolicyInputList", stringList(opts["permissions-boundary-policy-input-list"])),
		ActionNames:           stringList(opts["action-names"]),
		ResourceArns:          stringList(opts["resource-arns"]),
	}
	if v, ok := opts["resource-policy"]; ok {
		in.ResourcePolicy = &policy.SimPolicy{ID: "ResourcePolicy", Type: "resource", Document: v[0]}
	}
	if v, ok := opts["resource-owner"]; ok {
		in.ResourceOwner = v[0]
	}
	if v, ok := opts["caller-arn"]; ok {
		in.CallerArn = v[0]
	}
	if v, ok := opts["context-entries"]; ok {
		entries, err := parseContextEntries(v)
		if err != nil {
			return in, err
		}
		in.ContextEntries = entries
	}
	return in, nil
}
