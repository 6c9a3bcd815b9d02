package app

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/stsd/stsd/internal/authn"
	"github.com/stsd/stsd/internal/creds"
	"github.com/stsd/stsd/internal/secret"
)

// Root credential sources.
const (
	EnvRootAccessKeyID     = "STSD_ROOT_ACCESS_KEY_ID"
	EnvRootSecretAccessKey = "STSD_ROOT_SECRET_ACCESS_KEY"
	// RootCredentialsFile holds generated root credentials in the AWS
	// shared-credentials format, so AWS_SHARED_CREDENTIALS_FILE can point
	// at it.
	RootCredentialsFile = "root-credentials"
)

// loadRootCredentials takes the root key from the environment, else from
// the data directory, generating it there (mode 0600) on first start.
// created reports a generation, so the caller can print the path.
func loadRootCredentials(dataDir, account string, getenv func(string) string) (rc authn.RootCredentials, path string, created bool, err error) {
	rc.AccountID = account
	id, key := getenv(EnvRootAccessKeyID), getenv(EnvRootSecretAccessKey)
	if id != "" || key != "" {
		if id == "" || key == "" {
			return rc, "", false, fmt.Errorf("root credentials: set both %s and %s, or neither", EnvRootAccessKeyID, EnvRootSecretAccessKey)
		}
		rc.AccessKeyID, rc.Secret = id, secret.NewString(key)
		return rc, "", false, nil
	}
	path = filepath.Join(dataDir, RootCredentialsFile)
	raw, err := os.ReadFile(path)
	switch {
	case err == nil:
		rc.AccessKeyID, rc.Secret, err = parseCredentialsFile(raw)
		if err != nil {
			return rc, path, false, fmt.Errorf("root credentials %s: %w", path, err)
		}
		return rc, path, false, nil
	case !errors.Is(err, fs.ErrNotExist):
		return rc, path, false, fmt.Errorf("root credentials: %w", err)
	}
	rc.AccessKeyID, rc.Secret = creds.NewLongTermAccessKeyID(), creds.NewSecretAccessKey()
	body := fmt.Sprintf("[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n", rc.AccessKeyID, rc.Secret.Reveal())
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return rc, path, false, fmt.Errorf("root credentials: %w", err)
	}
	if _, err := f.WriteString(body); err != nil {
		f.Close()
		return rc, path, false, fmt.Errorf("root credentials: %w", err)
	}
	return rc, path, true, f.Close()
}

func parseCredentialsFile(raw []byte) (string, secret.String, error) {
	var id, key string
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if !ok {
			continue
		}
		switch strings.TrimSpace(k) {
		case "aws_access_key_id":
			id = strings.TrimSpace(v)
		case "aws_secret_access_key":
			key = strings.TrimSpace(v)
		}
	}
	if id == "" || key == "" {
		return "", secret.String{}, errors.New("aws_access_key_id or aws_secret_access_key missing")
	}
	return id, secret.NewString(key), nil
}
