package webidentity

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// Cache keeps sessions between calls, keyed by the Provider's cache key
// (64 hex digits). Load returns nil and no error when it has nothing.
type Cache interface {
	Load(key string) (*Session, error)
	Store(key string, s *Session) error
}

// maxCacheFileBytes bounds a cache file read.
const maxCacheFileBytes = 64 << 10

// FileCache keeps each session in its own file, Dir/KEY.json, readable
// only by its owner (0600, in a 0700 directory), as the STS answer
// (Session.AnswerJSON). A file that is not a regular file, or that others
// may read or write, is never read; the next Store replaces it. The file
// name is a hash: it holds no token and no secret.
type FileCache struct {
	Dir string
}

// DefaultCacheDir is "stsd/credentials" under the user's cache directory
// (os.UserCacheDir: $XDG_CACHE_HOME or ~/.cache on Linux).
func DefaultCacheDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(base, "stsd", "credentials"), nil
}

func (c FileCache) path(key string) (string, error) {
	if len(key) != 64 {
		return "", errors.New("credentials cache: the key is not 64 hex digits")
	}
	for _, r := range key {
		if (r < '0' || r > '9') && (r < 'a' || r > 'f') {
			return "", errors.New("credentials cache: the key is not 64 hex digits")
		}
	}
	if c.Dir == "" {
		return "", errors.New("credentials cache: no directory")
	}
	return filepath.Join(c.Dir, key+".json"), nil
}

// Load reads the session stored under key.
func (c FileCache) Load(key string) (*Session, error) {
	path, err := c.path(key)
	if err != nil {
		return nil, err
	}
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("credentials cache: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("credentials cache: %s is not a regular file; ignoring it", path)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("credentials cache: %s is accessible to other users (mode %04o); ignoring it", path, fi.Mode().Perm())
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("credentials cache: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxCacheFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("credentials cache: %w", err)
	}
	if len(data) > maxCacheFileBytes {
		return nil, fmt.Errorf("credentials cache: %s is too large; ignoring it", path)
	}
	s, err := sessionFromAnswer(data)
	if err != nil {
		return nil, fmt.Errorf("credentials cache: %s is not a cached session; ignoring it", path)
	}
	return s, nil
}

// Store writes the session under key, atomically (a temporary file in the
// same directory, renamed over the old one).
func (c FileCache) Store(key string, s *Session) error {
	path, err := c.path(key)
	if err != nil {
		return err
	}
	data, err := s.AnswerJSON()
	if err != nil {
		return fmt.Errorf("credentials cache: %w", err)
	}
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		return fmt.Errorf("credentials cache: %w", err)
	}
	tmp, err := os.CreateTemp(c.Dir, ".tmp-*") // mode 0600
	if err != nil {
		return fmt.Errorf("credentials cache: %w", err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename, there is nothing to remove
	if err := tmp.Chmod(0o600); err != nil && runtime.GOOS != "windows" {
		tmp.Close()
		return fmt.Errorf("credentials cache: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("credentials cache: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("credentials cache: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("credentials cache: %w", err)
	}
	return nil
}
