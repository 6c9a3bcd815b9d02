package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/stsd/stsd/internal/config"
	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/boltstore"
)

// OpenStore opens the store the configuration selects: the bbolt file in
// the data directory (the default). `stsd serve`, `stsd export` and
// `stsd apply` all open their store here.
func OpenStore(ctx context.Context, cfg config.Config) (store.Store, error) {
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	return boltstore.Open(filepath.Join(cfg.DataDir, StoreFile))
}
