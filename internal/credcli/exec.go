package credcli

import (
	"errors"
	"os/exec"
	"strings"

	"github.com/spf13/cobra"

	"github.com/stsd/stsd/client/webidentity"
)

func execCommand(env Env) *cobra.Command {
	var f flags
	cmd := &cobra.Command{
		Use:   "exec [flags] -- COMMAND [ARGS...]",
		Short: "Run a command with role credentials in its environment",
		Long: "Get a session as `stsd credentials` does (same flags, same cache) and run COMMAND with\n" +
			"AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN and AWS_CREDENTIAL_EXPIRATION set.\n" +
			"On Unix stsd replaces itself with the command, so its exit status and signals are the command's.",
		SilenceUsage:  true,
		SilenceErrors: true,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return fail(env, ExitUsage, errors.New("no command: stsd exec [flags] -- COMMAND [ARGS...]"))
			}
			return nil
		},
	}
	f.bind(cmd.Flags())
	cmd.Flags().SetInterspersed(false) // everything after COMMAND is its own
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return fail(env, ExitUsage, err) })
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		path, err := exec.LookPath(args[0])
		if err != nil {
			return fail(env, ExitUsage, err)
		}
		s, err := session(cmd.Context(), env, &f)
		if err != nil {
			return err
		}
		return run(env, path, args, childEnv(env.Environ(), s))
	}
	return cmd
}

// childEnv is environ with the session's variables replacing any earlier
// credentials. AWS_SECURITY_TOKEN, the old name of AWS_SESSION_TOKEN, goes.
func childEnv(environ []string, s *webidentity.Session) []string {
	set := s.Environment()
	drop := map[string]bool{"AWS_SECURITY_TOKEN": true}
	for _, kv := range set {
		name, _, _ := strings.Cut(kv, "=")
		drop[name] = true
	}
	out := make([]string, 0, len(environ)+len(set))
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if !drop[name] {
			out = append(out, kv)
		}
	}
	return append(out, set...)
}
