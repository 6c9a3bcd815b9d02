// Package boltstore is the default, embedded store.Store: one bbolt file in
// the data directory (go.etcd.io/bbolt). Every write is one ACID,
// fsynced bbolt transaction that also advances the store-wide revision kept
// in the meta bucket; each value is stored with the revision of its last
// write, so revisions continue across restarts.
//
// Watches are served from a bounded in-process event history
// (package eventlog). It starts empty when the file is opened: a watch from
// a revision older than the one the file was opened at returns
// store.ErrCompacted, so the caller lists again.
//
// Every operation checks its ctx before starting; a transaction that has
// started (including its fsync) runs to completion.
package boltstore

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/memstore/eventlog"
)

// DefaultFileName is the store file's name inside the data directory.
const DefaultFileName = "stsd.db"

// DefaultOpenTimeout is how long Open waits for another process to release
// the file lock.
const DefaultOpenTimeout = 2 * time.Second

// FileMode is the mode of a new store file: owner read/write only.
const FileMode os.FileMode = 0o600

// formatVersion is the on-disk layout version written to the meta bucket.
const formatVersion = "1"

var (
	bucketMeta   = []byte("meta")
	bucketKV     = []byte("kv")
	metaFormat   = []byte("format")
	metaRevision = []byte("revision")
)

// Errors of this backend, in addition to the store sentinels.
var (
	// ErrLocked: another process holds the file (another stsd with the same data dir).
	ErrLocked = errors.New("boltstore: file is locked by another process")
	// ErrFormat: the file is not a store of this format version.
	ErrFormat = errors.New("boltstore: unsupported file format")
	// ErrEmptyKey: an operation named the empty key.
	ErrEmptyKey = errors.New("boltstore: empty key")
	// ErrKeyTooLarge: the key is longer than MaxKeySize bytes.
	ErrKeyTooLarge = errors.New("boltstore: key too large")
)

// MaxKeySize is the longest key bbolt stores, in bytes.
const MaxKeySize = bolt.MaxKeySize

// Option configures Open.
type Option func(*config)

type config struct {
	openTimeout time.Duration
	history     eventlog.Limits
}

// WithOpenTimeout sets how long Open waits for the file lock (default
// DefaultOpenTimeout; must be positive, or the default applies).
func WithOpenTimeout(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.openTimeout = d
		}
	}
}

// WithHistory bounds the in-process event history watches replay from
// (zero or negative: the eventlog defaults). A watcher that falls further
// behind than the history has its channel closed.
func WithHistory(maxEvents int, maxBytes int64) Option {
	return func(c *config) {
		c.history = eventlog.Limits{MaxEvents: maxEvents, MaxBytes: maxBytes}
	}
}

// Store is a bbolt-backed store.Store. Its zero value is not usable; call Open.
type Store struct {
	db  *bolt.DB
	log *eventlog.Log

	mu     sync.RWMutex // guards closed; held for reading by every operation
	closed bool

	// writeMu orders commits with their appends to log. bbolt serialises
	// write transactions anyway, so it costs no concurrency.
	writeMu sync.Mutex
}

var _ store.Store = (*Store)(nil)

// Open opens or creates the store file at path (its directory must exist).
// A new file gets mode 0600; an existing file readable by group or others
// is tightened to 0600. If another process holds the file, Open fails with
// ErrLocked after the open timeout.
func Open(path string, opts ...Option) (*Store, error) {
	cfg := config{openTimeout: DefaultOpenTimeout}
	for _, o := range opts {
		o(&cfg)
	}
	db, err := bolt.Open(path, FileMode, &bolt.Options{Timeout: cfg.openTimeout})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("boltstore: open %s: waited %s: %w (is another stsd using this data dir?)",
			path, cfg.openTimeout, ErrLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("boltstore: open %s: %w", path, err)
	}
	if err := tightenMode(path); err != nil {
		_ = db.Close()
		return nil, err
	}
	rev, err := initialize(db)
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("boltstore: open %s: %w", path, err)
	}
	return &Store{db: db, log: eventlog.New(rev, cfg.history)}, nil
}

func tightenMode(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("boltstore: stat %s: %w", path, err)
	}
	if fi.Mode().Perm()&0o077 == 0 {
		return nil
	}
	if err := os.Chmod(path, FileMode); err != nil {
		return fmt.Errorf("boltstore: chmod %s to %v: %w", path, FileMode, err)
	}
	return nil
}

// initialize creates the buckets of a new file, checks the format of an
// existing one, and returns the stored revision.
func initialize(db *bolt.DB) (int64, error) {
	var rev int64
	err := db.Update(func(tx *bolt.Tx) error {
		meta, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return err
		}
		if _, err := tx.CreateBucketIfNotExists(bucketKV); err != nil {
			return err
		}
		switch f := meta.Get(metaFormat); {
		case f == nil:
			if err := meta.Put(metaFormat, []byte(formatVersion)); err != nil {
				return err
			}
		case string(f) != formatVersion:
			return fmt.Errorf("%w: version %q, want %q", ErrFormat, f, formatVersion)
		}
		rev, err = readRevision(meta)
		return err
	})
	return rev, err
}

// Close closes the file and ends every watch. Further calls return store.ErrClosed.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return store.ErrClosed
	}
	s.closed = true
	s.log.Close()
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("boltstore: close: %w", err)
	}
	return nil
}

// Path returns the file's path.
func (s *Store) Path() string { return s.db.Path() }
