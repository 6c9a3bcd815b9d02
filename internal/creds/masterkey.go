package creds

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/stsd/stsd/internal/secret"
)

// MasterKeyEnv names the environment variable holding the master key.
const MasterKeyEnv = "STSD_MASTER_KEY"

// MasterKeyFile is the file in the data directory that holds a generated
// master key (base64, mode 0600).
const MasterKeyFile = "master.key"

// LoadOrCreateMasterKey returns the master key that wraps the keyring: from
// STSD_MASTER_KEY (base64 of 32 bytes) when set, else from
// <dataDir>/master.key, which is generated (mode 0600) on first start. path
// is the file used ("" for the environment); created reports a new file.
// Errors never contain the key.
func LoadOrCreateMasterKey(dataDir string, getenv func(string) string) (key secret.Bytes, path string, created bool, err error) {
	if v := getenv(MasterKeyEnv); v != "" {
		key, err := decodeMasterKey(v)
		if err != nil {
			return secret.Bytes{}, "", false, fmt.Errorf("creds: %s %w", MasterKeyEnv, err)
		}
		return key, "", false, nil
	}
	path = filepath.Join(dataDir, MasterKeyFile)
	key, err = readMasterKeyFile(path)
	if err == nil {
		return key, path, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return secret.Bytes{}, path, false, err
	}
	key, err = createMasterKeyFile(dataDir, path)
	if errors.Is(err, fs.ErrExist) { // another process created it first
		key, err = readMasterKeyFile(path)
		return key, path, false, err
	}
	if err != nil {
		return secret.Bytes{}, path, false, err
	}
	return key, path, true, nil
}

// decodeMasterKey accepts standard base64, padded or not.
func decodeMasterKey(text string) (secret.Bytes, error) {
	text = strings.TrimSpace(text)
	raw, err := base64.StdEncoding.DecodeString(text)
	if err != nil {
		raw, err = base64.RawStdEncoding.DecodeString(text)
	}
	if err != nil {
		return secret.Bytes{}, errors.New("is not valid base64")
	}
	defer clear(raw)
	if len(raw) != MasterKeySize {
		return secret.Bytes{}, fmt.Errorf("decodes to %d bytes, want %d", len(raw), MasterKeySize)
	}
	return secret.NewBytes(raw), nil
}

func readMasterKeyFile(path string) (secret.Bytes, error) {
	info, err := os.Stat(path)
	if err != nil {
		return secret.Bytes{}, err
	}
	if !info.Mode().IsRegular() {
		return secret.Bytes{}, fmt.Errorf("creds: master key file %s is not a regular file", path)
	}
	if info.Mode().Perm()&0o077 != 0 {
		return secret.Bytes{}, fmt.Errorf("creds: master key file %s has mode %04o; it must not be readable by group or others (chmod 600)", path, info.Mode().Perm())
	}
	text, err := os.ReadFile(path)
	if err != nil {
		return secret.Bytes{}, fmt.Errorf("creds: reading master key file: %w", err)
	}
	defer clear(text)
	key, err := decodeMasterKey(string(text))
	if err != nil {
		return secret.Bytes{}, fmt.Errorf("creds: master key file %s %w", path, err)
	}
	return key, nil
}

// createMasterKeyFile writes a new key to a temporary file and links it into
// place, so the key file appears complete or not at all and an existing one
// is never replaced (fs.ErrExist).
func createMasterKeyFile(dataDir, path string) (secret.Bytes, error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return secret.Bytes{}, fmt.Errorf("creds: creating data directory: %w", err)
	}
	raw := make([]byte, MasterKeySize)
	rand.Read(raw)
	defer clear(raw)
	tmp, err := os.CreateTemp(dataDir, ".master.key.*")
	if err != nil {
		return secret.Bytes{}, fmt.Errorf("creds: creating master key file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return secret.Bytes{}, fmt.Errorf("creds: creating master key file: %w", err)
	}
	_, werr := tmp.WriteString(base64.StdEncoding.EncodeToString(raw) + "\n")
	if werr == nil {
		werr = tmp.Sync()
	}
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return secret.Bytes{}, fmt.Errorf("creds: writing master key file: %w", werr)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return secret.Bytes{}, fs.ErrExist
		}
		return secret.Bytes{}, fmt.Errorf("creds: creating master key file: %w", err)
	}
	return secret.NewBytes(raw), nil
}
