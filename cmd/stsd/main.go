// Command stsd is a self-hosted security token service that speaks the AWS
// STS and IAM APIs. `stsd serve` runs a node; `stsd dev` runs one with a
// built-in development identity provider and a demo role; `stsd policy`
// validates and simulates IAM policies.
package main

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/stsd/stsd/internal/app"
	"github.com/stsd/stsd/internal/config"
	"github.com/stsd/stsd/internal/credcli"
	"github.com/stsd/stsd/internal/devmode"
	"github.com/stsd/stsd/internal/iamwire"
	"github.com/stsd/stsd/internal/policycli"
)

func main() {
	root := &cobra.Command{Use: "stsd", Short: "A self-hosted AWS STS/IAM-compatible security token service", SilenceUsage: true, SilenceErrors: true}
	root.AddCommand(serveCommand(), devCommand(), policycli.NewCommand(os.Stdout, os.Stderr))
	root.AddCommand(gitopsCommands()...)
	root.AddCommand(revokeSessionsCommand())
	root.AddCommand(credcli.Commands(credcli.Env{Getenv: os.Getenv, Environ: os.Environ, Stdout: os.Stdout, Stderr: os.Stderr})...)
	if err := root.Execute(); err != nil {
		var exit *policycli.ExitError
		if errors.As(err, &exit) { // the command has printed its own message
			os.Exit(exit.Code)
		}
		fmt.Fprintln(os.Stderr, "stsd:", iamwire.Describe(err)) // an IAM error as IAM words it
		os.Exit(1)
	}
}

func serveCommand() *cobra.Command {
	flags := config.Default()
	var configFile string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the STS API on the embedded store",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := config.Resolve(configFile, cmd.Flags(), flags)
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			a, err := app.Start(ctx, app.Options{Config: cfg, Logger: newLogger(cfg)})
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "stsd: serving %s\n", a.URL)
			werr := a.Wait(ctx)
			return errors.Join(werr, a.Close(20*time.Second))
		},
	}
	config.BindFlags(cmd.Flags(), &flags)
	cmd.Flags().StringVar(&configFile, "config", "", "YAML configuration file (flags override it)")
	return cmd
}

func devCommand() *cobra.Command {
	flags := config.Default()
	flags.DataDir = ""
	var idpAddr string
	cmd := &cobra.Command{
		Use:   "dev",
		Short: "Run stsd with a development OIDC issuer and a demo role, and print a ready-to-paste command",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			cfg := flags
			cfg.LogLevel, cfg.LogFormat = "warn", "text"
			if cfg.S3.Backend == "" {
				cfg.S3.Addr = "" // no gateway without a backend
			}
			n, err := devmode.Start(ctx, devmode.Options{Config: cfg, IDPAddr: idpAddr, Out: cmd.OutOrStdout(), Logger: newLogger(cfg)})
			if err != nil {
				return err
			}
			defer n.Close()
			if err := n.PrintInstructions(cmd.OutOrStdout()); err != nil {
				return err
			}
			return n.App.Wait(ctx)
		},
	}
	cmd.Flags().StringVar(&flags.Addr, "addr", flags.Addr, "listen address of the STS endpoint")
	cmd.Flags().StringVar(&flags.DataDir, "data-dir", "", "data directory (default: a new temporary directory, removed on exit)")
	cmd.Flags().StringVar(&flags.DebugAddr, "debug-addr", "", "listen address of the pprof profiling endpoints (off when empty; keep it on loopback)")
	cmd.Flags().StringVar(&flags.AccountID, "account-id", flags.AccountID, "the 12-digit account id")
	cmd.Flags().StringVar(&idpAddr, "idp-addr", "127.0.0.1:0", "loopback address of the development issuer (first start)")
	cmd.Flags().StringVar(&flags.S3.Backend, "s3-backend", "", "also run the S3 gateway in front of this S3-compatible store (key from "+
		config.S3BackendAccessKeyEnv+" and "+config.S3BackendSecretKeyEnv+"); the demo role may use it")
	cmd.Flags().StringVar(&flags.S3.Addr, "s3-addr", "127.0.0.1:8081", "listen address of the S3 gateway (with --s3-backend)")
	cmd.Flags().StringVar(&flags.S3.BackendRegion, "s3-backend-region", flags.S3.BackendRegion, "region the gateway signs backend requests for")
	cmd.AddCommand(devTokenCommand())
	return cmd
}

func devTokenCommand() *cobra.Command {
	var dataDir, subject string
	var ttl time.Duration
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Mint a token from the development issuer of a `stsd dev` data directory",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			tok, err := devmode.Token(dataDir, subject, ttl)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(cmd.OutOrStdout(), tok)
			return err
		},
	}
	cmd.Flags().StringVar(&dataDir, "data-dir", "", "the data directory `stsd dev` printed")
	cmd.Flags().StringVar(&subject, "sub", "dev-user", "the token's subject")
	cmd.Flags().DurationVar(&ttl, "ttl", devmode.TokenTTL, "the token's lifetime")
	return cmd
}

func newLogger(cfg config.Config) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewJSONHandler(os.Stderr, opts))
}
