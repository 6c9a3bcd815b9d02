package issuer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/stsd/stsd/internal/store"
)

// Errors of Enable and Disable (IAM's FeatureEnabled and FeatureDisabled).
var (
	ErrFederationEnabled  = errors.New("issuer: outbound identity federation is already enabled")
	ErrFederationDisabled = errors.New("issuer: outbound identity federation is disabled")
)

// accountRecord is stored at issuer/accounts/<acct> while outbound
// identity federation is enabled for the account.
type accountRecord struct {
	Version   int   `json:"v"`
	EnabledAt int64 `json:"enabledAt"`
}

func accountPath(account string) string { return accountsPrefix + account }

// accountFromPath returns the 12-digit account of an account path.
func accountFromPath(path string) (string, bool) {
	a, ok := strings.CutPrefix(path, accountsPrefix)
	if !ok || len(a) != 12 {
		return "", false
	}
	for i := 0; i < len(a); i++ {
		if a[i] < '0' || a[i] > '9' {
			return "", false
		}
	}
	return a, true
}

// decodeAccountRecord reports whether value is a valid account record.
func decodeAccountRecord(value []byte) bool {
	var rec accountRecord
	dec := json.NewDecoder(bytes.NewReader(value))
	dec.DisallowUnknownFields()
	return dec.Decode(&rec) == nil && !dec.More() && rec.Version == 1 && rec.EnabledAt > 0
}

// setAccount records the account's state as of revision rev.
func (s *state) setAccount(account string, enabled bool, rev int64) {
	if old, ok := s.accounts[account]; ok && old > rev {
		return
	}
	if enabled {
		s.accounts[account] = rev
	} else {
		delete(s.accounts, account)
	}
}

// Enabled reports whether outbound identity federation is enabled for
// the account, as this node knows it (memory; no store read).
func (is *Issuer) Enabled(account string) bool {
	_, ok := is.state.Load().accounts[account]
	return ok
}

// Enable turns outbound identity federation on for the account;
// ErrFederationEnabled if it already is.
func (is *Issuer) Enable(ctx context.Context, account string) error {
	value := encodeJSON(accountRecord{Version: 1, EnabledAt: is.opts.Now().Unix()})
	rev, err := is.st.CompareAndSwap(ctx, accountPath(account), 0, value)
	if errors.Is(err, store.ErrConflict) {
		return ErrFederationEnabled
	}
	if err != nil {
		return fmt.Errorf("issuer: enabling outbound identity federation: %w", err)
	}
	is.update(func(s *state) { s.setAccount(account, true, rev) })
	return nil
}

// Disable turns outbound identity federation off for the account;
// ErrFederationDisabled if it is off. Tokens already issued stay valid
// until they expire ("This operation does not affect tokens that were
// issued before the feature was disabled", IAM API Reference).
func (is *Issuer) Disable(ctx context.Context, account string) error {
	for attempt := 0; attempt < 5; attempt++ {
		kv, err := is.st.Get(ctx, accountPath(account))
		if errors.Is(err, store.ErrNotFound) {
			return ErrFederationDisabled
		}
		if err != nil {
			return fmt.Errorf("issuer: disabling outbound identity federation: %w", err)
		}
		_, err = is.st.CompareAndDelete(ctx, kv.Key, kv.Revision)
		if errors.Is(err, store.ErrNotFound) {
			return ErrFederationDisabled
		}
		if errors.Is(err, store.ErrConflict) {
			continue
		}
		if err != nil {
			return fmt.Errorf("issuer: disabling outbound identity federation: %w", err)
		}
		is.update(func(s *state) { delete(s.accounts, account) })
		return nil
	}
	return fmt.Errorf("issuer: disabling outbound identity federation: %w", store.ErrConflict)
}
