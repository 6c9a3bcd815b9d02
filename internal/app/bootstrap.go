package app

import (
	"context"

	"github.com/stsd/stsd/internal/config"
	"github.com/stsd/stsd/internal/iam"
)

// applyBootstrap makes the store hold the entities of the bootstrap file.
func applyBootstrap(ctx context.Context, repo *iam.Repo, cfg config.Config) error {
	return nil // wired once internal/iam/bootstrap lands
}
