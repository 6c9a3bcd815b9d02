package policycli

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
	"github.com/stsd/stsd/internal/policy"
)

var kinds = map[string]policy.Kind{
	"any":      policy.KindAny,
	"identity": policy.KindIdentity,
	"trust":    policy.KindTrust,
	"resource": policy.KindResource,
}

func newValidateCommand(stdout, stderr io.Writer) *cobra.Command {
	var kindName string
	cmd := &cobra.Command{
		Use:   "validate FILE...",
		Short: "Check policy documents and print every problem",
		Long: "validate parses each FILE (\"-\" reads stdin) as an IAM policy and prints every problem as\n" +
			"FILE:LINE:COLUMN: message. It exits with status 1 when any document is invalid.\n" +
			"--kind applies the rules of a policy type: any (grammar only), identity, trust, resource.",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			kind, ok := kinds[kindName]
			if !ok {
				fmt.Fprintf(stderr, "invalid --kind %q: must be any, identity, trust or resource\n", kindName)
				return &ExitError{Code: ExitUsage, Err: fmt.Errorf("invalid --kind %q", kindName)}
			}
			return runValidate(cmd.InOrStdin(), stdout, stderr, args, kind)
		},
	}
	cmd.Flags().StringVar(&kindName, "kind", "any", "policy type rules: any, identity, trust, resource")
	return cmd
}

func runValidate(stdin io.Reader, stdout, stderr io.Writer, files []string, kind policy.Kind) error {
	bad := 0
	for _, name := range files {
		doc, err := readDocument(stdin, name)
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", name, err)
			bad++
			continue
		}
		_, err = policy.ParseAs(doc, kind)
		var pe *policy.ParseError
		switch {
		case err == nil:
			fmt.Fprintf(stdout, "%s: valid %s policy\n", name, kind)
		case errors.As(err, &pe):
			bad++
			for _, p := range pe.Problems {
				fmt.Fprintf(stdout, "%s:%d:%d: %s\n", name, p.Line, p.Column, p.Message)
			}
		default:
			bad++
			fmt.Fprintf(stdout, "%s: %v\n", name, err)
		}
	}
	if bad > 0 {
		return &ExitError{Code: ExitInvalid, Err: fmt.Errorf("%d of %d documents invalid", bad, len(files))}
	}
	return nil
}

// readDocument reads a file ("-" is stdin), refusing documents larger than
// the parser accepts.
func readDocument(stdin io.Reader, name string) ([]byte, error) {
	var r io.Reader = stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	doc, err := io.ReadAll(io.LimitReader(r, policy.MaxDocumentBytes+1))
	if err != nil {
		return nil, err
	}
	if len(doc) > policy.MaxDocumentBytes {
		return nil, fmt.Errorf("larger than %d bytes", policy.MaxDocumentBytes)
	}
	return doc, nil
}
