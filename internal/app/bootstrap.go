package app

import (
	"context"
	"fmt"

	"github.com/stsd/stsd/internal/config"
	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/iam/bootstrap"
)

// applyBootstrap makes the store hold the entities of the bootstrap file,
// before the node serves; every problem in the file is reported at once.
func applyBootstrap(ctx context.Context, repo *iam.Repo, cfg config.Config) error {
	f, err := bootstrap.Load(cfg.Bootstrap, bootstrap.Options{URL: iam.URLOptions{AllowHTTPLoopback: cfg.AllowHTTPIssuers}})
	if err != nil {
		return err // already names the file and every problem
	}
	if _, err := bootstrap.Apply(ctx, repo, cfg.AccountID, f); err != nil {
		return fmt.Errorf("bootstrap %s: %w", cfg.Bootstrap, err)
	}
	return nil
}
