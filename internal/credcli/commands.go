package credcli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/smithy-go"
	"github.com/spf13/cobra"

	"github.com/stsd/stsd/client/webidentity"
	"github.com/stsd/stsd/internal/policycli"
)

// Exit statuses, the AWS CLI's.
const (
	ExitUsage   = policycli.ExitUsage   // 252: a command line that cannot work
	ExitService = policycli.ExitService // 254: STS answered with an error
	ExitOther   = 255                   // the token source, the network, the output
)

// Formats of `stsd credentials`.
const (
	FormatCredentialProcess = "credential-process"
	FormatEnv               = "env"
	FormatJSON              = "json"
)

// timeout bounds getting one session (token source and STS, with retries).
const timeout = 2 * time.Minute

// Commands returns `credentials` and `exec`.
func Commands(env Env) []*cobra.Command {
	return []*cobra.Command{credentialsCommand(env), execCommand(env)}
}

func credentialsCommand(env Env) *cobra.Command {
	var f flags
	var format string
	cmd := &cobra.Command{
		Use:   "credentials",
		Short: "Exchange a web identity token for role credentials (credential_process, env, json)",
		Long: "Call AssumeRoleWithWebIdentity on stsd and print the session: by default in the JSON a\n" +
			"credential_process command prints (Version 1), or as export lines (--format env), or as the\n" +
			"STS answer (--format json). Sessions are cached in 0600 files under the user's cache directory\n" +
			"and reused until five minutes before they expire (--no-cache: neither read nor written).\n\n" +
			"In ~/.aws/config:\n  [profile stsd]\n  credential_process = stsd credentials --endpoint-url URL --role-arn ARN --web-identity-token-file PATH",
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          noArgs(env),
	}
	f.bind(cmd.Flags())
	cmd.Flags().StringVar(&format, "format", FormatCredentialProcess, "output: credential-process, env or json")
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return fail(env, ExitUsage, err) })
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if format != FormatCredentialProcess && format != FormatEnv && format != FormatJSON {
			return fail(env, ExitUsage, fmt.Errorf("--format %q: use credential-process, env or json", format))
		}
		s, err := session(cmd.Context(), env, &f)
		if err != nil {
			return err
		}
		out, err := render(s, format)
		if err != nil {
			return fail(env, ExitOther, err)
		}
		if _, err := env.Stdout.Write(out); err != nil {
			return fail(env, ExitOther, err)
		}
		return nil
	}
	return cmd
}

// render writes the session in a format.
func render(s *webidentity.Session, format string) ([]byte, error) {
	switch format {
	case FormatEnv:
		var b strings.Builder
		for _, kv := range s.Environment() {
			name, value, _ := strings.Cut(kv, "=")
			fmt.Fprintf(&b, "export %s=%s\n", name, shellQuote(value))
		}
		return []byte(b.String()), nil
	case FormatJSON:
		out, err := s.AnswerJSON()
		return append(out, '\n'), err
	default:
		out, err := s.CredentialProcessJSON()
		return append(out, '\n'), err
	}
}

// shellQuote quotes a value for a POSIX shell.
func shellQuote(v string) string {
	return "'" + strings.ReplaceAll(v, "'", `'\''`) + "'"
}

// session resolves the flags and gets a session from the cache or stsd.
// Its errors are *policycli.ExitError, already printed.
func session(ctx context.Context, env Env, f *flags) (*webidentity.Session, error) {
	opts, err := f.options(env)
	if err != nil {
		return nil, fail(env, ExitUsage, err)
	}
	if !f.noCache {
		dir := env.CacheDir
		if dir == "" {
			dir, err = webidentity.DefaultCacheDir()
		}
		if err != nil {
			warn(env, fmt.Errorf("not caching: no cache directory: %w", err))
		} else {
			opts.Cache = webidentity.FileCache{Dir: dir}
			opts.CacheErrors = func(err error) { warn(env, err) }
		}
	}
	p, err := webidentity.New(opts)
	if err != nil {
		return nil, fail(env, ExitUsage, err)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	s, err := p.Session(ctx)
	var api smithy.APIError
	if errors.As(err, &api) {
		// The AWS CLI's words, so scripts and people recognise them.
		fmt.Fprintf(env.Stderr, "An error occurred (%s) when calling the AssumeRoleWithWebIdentity operation: %s\n", api.ErrorCode(), api.ErrorMessage())
		return nil, &policycli.ExitError{Code: ExitService, Err: err}
	}
	if err != nil {
		return nil, fail(env, ExitOther, err)
	}
	return s, nil
}

// fail prints each problem of err on its own line and returns the exit.
func fail(env Env, code int, err error) error {
	for line := range strings.SplitSeq(err.Error(), "\n") {
		fmt.Fprintln(env.Stderr, "stsd:", line)
	}
	return &policycli.ExitError{Code: code, Err: err}
}

func warn(env Env, err error) {
	fmt.Fprintln(env.Stderr, "stsd: warning:", err)
}

// noArgs refuses positional arguments as a usage error.
func noArgs(env Env) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) > 0 {
			// The argument is not echoed: it could be a misplaced token.
			return fail(env, ExitUsage, errors.New("unexpected argument: this command takes only flags (stsd exec runs a command)"))
		}
		return nil
	}
}
