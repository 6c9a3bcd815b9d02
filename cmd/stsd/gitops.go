package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/stsd/stsd/internal/app"
	"github.com/stsd/stsd/internal/config"
	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/iam/bootstrap"
	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/boltstore"
)

// gitopsCommands are `stsd export` and `stsd apply`: the account's
// providers, policies and roles as the declarative bootstrap file, and back.
func gitopsCommands() []*cobra.Command {
	return []*cobra.Command{exportCommand(), applyCommand()}
}

// storeFlags binds the flags `stsd serve` takes to choose its
// configuration and store, and returns the resolver of the result.
func storeFlags(cmd *cobra.Command) func() (config.Config, error) {
	flags := config.Default()
	var configFile string
	config.BindFlags(cmd.Flags(), &flags)
	cmd.Flags().StringVar(&configFile, "config", "", "YAML configuration file of the node (flags override it)")
	return func() (config.Config, error) { return config.Resolve(configFile, cmd.Flags(), flags) }
}

// openRepo opens the configured store; a bbolt file held by a running node
// gets a message saying so.
func openRepo(ctx context.Context, cfg config.Config) (*iam.Repo, store.Store, error) {
	st, err := app.OpenStore(ctx, cfg, os.Getenv)
	if errors.Is(err, boltstore.ErrLocked) {
		return nil, nil, fmt.Errorf("the data directory %s is in use by a running stsd; stop it, or use a shared etcd store", cfg.DataDir)
	}
	if err != nil {
		return nil, nil, err
	}
	repo := iam.NewRepo(st, iam.RepoOptions{URL: iam.URLOptions{AllowHTTPLoopback: cfg.AllowHTTPIssuers}})
	return repo, st, nil
}

func exportCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Print the account's OIDC and OAuth providers, managed policies and roles as a bootstrap file",
		Long: "Print the account's OIDC and OAuth providers, managed policies and roles as the declarative\n" +
			"YAML file that `stsd apply` and `stsd serve --bootstrap` read. Users and access keys are not\n" +
			"exported; an OAuth provider's client secret is named by its variable or file, never printed.\n" +
			"Applying the output to the same store changes nothing.",
		Args: cobra.NoArgs,
	}
	resolve := storeFlags(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		cfg, err := resolve()
		if err != nil {
			return err
		}
		ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		repo, st, err := openRepo(ctx, cfg)
		if err != nil {
			return err
		}
		defer st.Close()
		f, err := bootstrap.Export(ctx, repo, cfg.AccountID)
		if err != nil {
			return err
		}
		var out bytes.Buffer // nothing is printed unless all of it can be
		if err := bootstrap.Encode(&out, f, bootstrap.ExportHeader(cfg.AccountID)); err != nil {
			return err
		}
		if len(f.OIDCProviders)+len(f.OAuthProviders)+len(f.ManagedPolicies)+len(f.Roles) == 0 {
			fmt.Fprintf(cmd.ErrOrStderr(), "stsd: account %s has no OIDC providers, managed policies or roles in this store (are --data-dir and --account-id right?)\n", cfg.AccountID)
		}
		_, err = cmd.OutOrStdout().Write(out.Bytes())
		return err
	}
	return cmd
}

func applyCommand() *cobra.Command {
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "apply FILE",
		Short: "Make the account's OIDC providers, managed policies and roles match a bootstrap file",
		Long: "Validate FILE, print the changes that make the store match it (creates, updates field by\n" +
			"field, and deletes of providers, managed policies and roles the file does not list), then\n" +
			"apply them. Users and access keys are never changed. With --dry-run, only print.\n" +
			"If the store changes between the plan and a write, apply stops; run it again to re-plan.",
		Args: cobra.ExactArgs(1),
	}
	resolve := storeFlags(cmd)
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "print the changes without applying them")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		cfg, err := resolve()
		if err != nil {
			return err
		}
		f, err := bootstrap.Load(args[0], bootstrap.Options{URL: iam.URLOptions{AllowHTTPLoopback: cfg.AllowHTTPIssuers}})
		if err != nil {
			return err // a *LoadError lists every problem with its line
		}
		ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		repo, st, err := openRepo(ctx, cfg)
		if err != nil {
			return err
		}
		defer st.Close()
		plan, err := bootstrap.MakePlan(ctx, repo, cfg.AccountID, f)
		if err != nil {
			return err
		}
		out := cmd.OutOrStdout()
		if err := plan.Write(out); err != nil {
			return err
		}
		if dryRun || plan.Empty() {
			if dryRun && !plan.Empty() {
				fmt.Fprintln(out, "Dry run: nothing was changed.")
			}
			return nil
		}
		changes, err := plan.Apply(ctx, repo)
		if err != nil {
			if errors.Is(err, bootstrap.ErrStale) {
				return fmt.Errorf("%w\n%d of %d changes were applied before it; run `stsd apply %s` again to plan from the current state", err, len(changes), len(plan.Steps), args[0])
			}
			return fmt.Errorf("%w\n%d of %d changes were applied before the error", err, len(changes), len(plan.Steps))
		}
		c, u, d := plan.Counts()
		_, err = fmt.Fprintf(out, "Applied: %d created, %d updated, %d deleted.\n", c, u, d)
		return err
	}
	return cmd
}
