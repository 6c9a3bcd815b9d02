package iam

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/stsd/stsd/internal/store"
)

// renameSpec says how to rename one user or group. Names are store keys
// (lower-cased), so a new name is a new key: the entity is written under
// it, then the old key is deleted with compare-and-delete. The store has
// no multi-key transaction; every state in between is one the API can
// repair (see rename).
type renameSpec[T any, P entityPtr[T]] struct {
	oldKey, newKey string
	missing        func() error // the old name finds nothing
	exists         func() error // another entity has the new name
	// change sets the new name and path and validates the result.
	change func(P) error
	// moved, when set, runs once the entity is stored under its new name
	// and before the old key goes (a user's access keys follow it there).
	moved func(ctx context.Context, renamed P) error
}

// rename applies s: in place when the key does not change (a new path, or
// a name that differs only in letter case), else by writing the new key
// and then deleting the old one. If the old entity changes between the
// two, the new key is removed again and the rename retried, so no change
// is lost. A process that dies in between leaves both names, each a
// complete entity with the same ID, which the API can delete.
func rename[T any, P entityPtr[T]](ctx context.Context, st store.Store, s renameSpec[T, P]) (P, error) {
	if s.oldKey == s.newKey {
		v, err := update[T, P](ctx, st, s.oldKey, s.missing, s.change, func(_, _ P) error { return nil })
		if err == nil && s.moved != nil {
			err = s.moved(ctx, v)
		}
		return v, err
	}
	for range maxCASAttempts {
		kv, err := st.Get(ctx, s.oldKey)
		if errors.Is(err, store.ErrNotFound) {
			return nil, s.missing()
		}
		if err != nil {
			return nil, serviceFailure(err)
		}
		v, err := decode[T, P](kv)
		if err != nil {
			return nil, err
		}
		if err := s.change(v); err != nil {
			return nil, err
		}
		data, err := json.Marshal(v)
		if err != nil {
			return nil, serviceFailure(err)
		}
		rev, err := st.CompareAndSwap(ctx, s.newKey, 0, data)
		if errors.Is(err, store.ErrConflict) {
			return nil, s.exists()
		}
		if err != nil {
			return nil, serviceFailure(err)
		}
		v.setRevision(rev)
		if s.moved != nil {
			if err := s.moved(ctx, v); err != nil {
				return nil, err
			}
		}
		_, err = st.CompareAndDelete(ctx, s.oldKey, kv.Revision)
		switch {
		case err == nil, errors.Is(err, store.ErrNotFound):
			// Deleted meanwhile: the entity now lives under its new name.
			return v, nil
		case errors.Is(err, store.ErrConflict):
			// Changed meanwhile: start again from the changed entity.
			if _, err := st.CompareAndDelete(ctx, s.newKey, rev); err != nil && !errors.Is(err, store.ErrNotFound) {
				return nil, serviceFailure(err)
			}
			continue
		default:
			return nil, serviceFailure(err)
		}
	}
	return nil, errConcurrent()
}
