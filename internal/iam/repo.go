package iam

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/stsd/stsd/internal/store"
)

// maxCASAttempts bounds the read-modify-write retries of one update.
const maxCASAttempts = 16

// Repo reads and writes IAM entities in a store.Store. Every update is a
// read-modify-write through compare-and-swap, retried on conflict, so
// concurrent writers never lose each other's changes. Methods return *Error
// values (KindNotFound, KindAlreadyExists, KindValidation…); store
// failures become KindStoreFailure with the store error as Cause (so
// errors.Is(err, store.ErrUnavailable) works).
type Repo struct {
	st      store.Store
	now     func() time.Time
	urlOpts URLOptions
}

// RepoOptions configures a Repo.
type RepoOptions struct {
	// Now is the clock for creation dates (default time.Now).
	Now func() time.Time
	// URL relaxes the provider URL rules (http on loopback).
	URL URLOptions
}

// NewRepo returns a Repo over st.
func NewRepo(st store.Store, opts RepoOptions) *Repo {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	return &Repo{st: st, now: now, urlOpts: opts.URL}
}

// Store returns the underlying store.
func (r *Repo) Store() store.Store { return r.st }

func (r *Repo) timestamp() time.Time { return r.now().UTC().Truncate(time.Second) }

// Now returns the repository clock's time as stored in entity dates (UTC,
// whole seconds).
func (r *Repo) Now() time.Time { return r.timestamp() }

func serviceFailure(err error) error {
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return &Error{Reason: ReasonStoreFailure, Cause: err}
}

func errConcurrent() *Error { return &Error{Reason: ReasonConcurrentChange} }

// entity is implemented by the stored types so the generic helpers can set
// the revision.
type entity interface {
	setRevision(int64)
}

// entityPtr is *T for a stored entity type T.
type entityPtr[T any] interface {
	*T
	entity
}

func (x *Role) setRevision(rev int64)          { x.Revision = rev }
func (x *OIDCProvider) setRevision(rev int64)  { x.Revision = rev }
func (x *ManagedPolicy) setRevision(rev int64) { x.Revision = rev }
func (x *User) setRevision(rev int64)          { x.Revision = rev }
func (x *Group) setRevision(rev int64)         { x.Revision = rev }
func (x *AccessKey) setRevision(rev int64)     { x.Revision = rev }

// create writes v at key if the key does not exist; exists() is returned
// when it does.
func create[P entity](ctx context.Context, st store.Store, key string, v P, exists func() error) error {
	data, err := json.Marshal(v)
	if err != nil {
		return serviceFailure(err)
	}
	rev, err := st.CompareAndSwap(ctx, key, 0, data)
	if errors.Is(err, store.ErrConflict) {
		return exists()
	}
	if err != nil {
		return serviceFailure(err)
	}
	v.setRevision(rev)
	return nil
}

// get reads key into a new T; missing() is returned when it is absent.
func get[T any, P entityPtr[T]](ctx context.Context, st store.Store, key string, missing func() error) (P, error) {
	kv, err := st.Get(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return nil, missing()
	}
	if err != nil {
		return nil, serviceFailure(err)
	}
	return decode[T, P](kv)
}

func decode[T any, P entityPtr[T]](kv store.KV) (P, error) {
	p := P(new(T))
	if err := json.Unmarshal(kv.Value, p); err != nil {
		return nil, serviceFailure(err)
	}
	p.setRevision(kv.Revision)
	return p, nil
}

// update applies mutate to the stored value at key and writes it back with
// compare-and-swap, retrying on conflict. check runs after mutate (identity
// fields unchanged, validation). A mutation that changes nothing writes
// nothing.
func update[T any, P entityPtr[T]](ctx context.Context, st store.Store, key string, missing func() error, mutate func(P) error, check func(before, after P) error) (P, error) {
	for range maxCASAttempts {
		kv, err := st.Get(ctx, key)
		if errors.Is(err, store.ErrNotFound) {
			return nil, missing()
		}
		if err != nil {
			return nil, serviceFailure(err)
		}
		before, err := decode[T, P](kv)
		if err != nil {
			return nil, err
		}
		after, _ := decode[T, P](kv)
		if err := mutate(after); err != nil {
			return nil, err
		}
		if err := check(before, after); err != nil {
			return nil, err
		}
		data, err := json.Marshal(after)
		if err != nil {
			return nil, serviceFailure(err)
		}
		if bytes.Equal(data, kv.Value) {
			return after, nil
		}
		rev, err := st.CompareAndSwap(ctx, key, kv.Revision, data)
		if errors.Is(err, store.ErrConflict) {
			continue
		}
		if err != nil {
			return nil, serviceFailure(err)
		}
		after.setRevision(rev)
		return after, nil
	}
	return nil, errConcurrent()
}

// remove deletes key after guard approves the stored value, with
// compare-and-delete so the value guard saw is the one deleted.
func remove[T any, P entityPtr[T]](ctx context.Context, st store.Store, key string, missing func() error, guard func(P) error) error {
	for range maxCASAttempts {
		kv, err := st.Get(ctx, key)
		if errors.Is(err, store.ErrNotFound) {
			return missing()
		}
		if err != nil {
			return serviceFailure(err)
		}
		v, err := decode[T, P](kv)
		if err != nil {
			return err
		}
		if err := guard(v); err != nil {
			return err
		}
		_, err = st.CompareAndDelete(ctx, key, kv.Revision)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, store.ErrConflict):
			continue
		case errors.Is(err, store.ErrNotFound):
			return missing()
		default:
			return serviceFailure(err)
		}
	}
	return errConcurrent()
}

// list decodes every value under prefix.
func list[T any, P entityPtr[T]](ctx context.Context, st store.Store, prefix string) ([]P, error) {
	kvs, _, err := st.List(ctx, prefix)
	if err != nil {
		return nil, serviceFailure(err)
	}
	out := make([]P, 0, len(kvs))
	for _, kv := range kvs {
		v, err := decode[T, P](kv)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}
