package etcdstore

import (
	"context"
	"errors"
	"fmt"

	"go.etcd.io/etcd/api/v3/mvccpb"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/stsd/stsd/internal/store"
)

// Get returns the key, or store.ErrNotFound.
func (s *Store) Get(ctx context.Context, key string) (store.KV, error) {
	c, cancel, err := s.beginKey(ctx, key)
	if err != nil {
		return store.KV{}, err
	}
	defer cancel()
	resp, err := s.cli.Get(c, s.prefix+key)
	if err != nil {
		return store.KV{}, s.fail(ctx, fmt.Sprintf("get %q", key), err)
	}
	if len(resp.Kvs) == 0 {
		return store.KV{}, notFound(key)
	}
	return s.kv(resp.Kvs[0]), nil
}

// List returns the keys with the prefix sorted by key, and the etcd
// revision the listing was read at.
func (s *Store) List(ctx context.Context, prefix string) ([]store.KV, int64, error) {
	c, cancel, err := s.begin(ctx)
	if err != nil {
		return nil, 0, err
	}
	defer cancel()
	resp, err := s.cli.Get(c, s.prefix+prefix, clientv3.WithPrefix(),
		clientv3.WithSort(clientv3.SortByKey, clientv3.SortAscend))
	if err != nil {
		return nil, 0, s.fail(ctx, fmt.Sprintf("list %q", prefix), err)
	}
	out := make([]store.KV, 0, len(resp.Kvs))
	for _, kv := range resp.Kvs {
		out = append(out, s.kv(kv))
	}
	return out, resp.Header.Revision, nil
}

// Put writes the key and returns its new revision.
func (s *Store) Put(ctx context.Context, key string, value []byte) (int64, error) {
	c, cancel, err := s.beginKey(ctx, key)
	if err != nil {
		return 0, err
	}
	defer cancel()
	resp, err := s.cli.Put(c, s.prefix+key, string(value))
	if err != nil {
		return 0, s.fail(ctx, fmt.Sprintf("put %q", key), err)
	}
	return resp.Header.Revision, nil
}

// CompareAndSwap writes the key only if its ModRevision equals expected (a
// missing key compares as 0), in one transaction.
func (s *Store) CompareAndSwap(ctx context.Context, key string, expected int64, value []byte) (int64, error) {
	c, cancel, err := s.beginKey(ctx, key)
	if err != nil {
		return 0, err
	}
	defer cancel()
	k := s.prefix + key
	resp, err := s.cli.Txn(c).
		If(clientv3.Compare(clientv3.ModRevision(k), "=", expected)).
		Then(clientv3.OpPut(k, string(value))).
		Commit()
	if err != nil {
		return 0, s.fail(ctx, fmt.Sprintf("compare-and-swap %q", key), err)
	}
	if !resp.Succeeded {
		return 0, fmt.Errorf("etcdstore: %q not at revision %d: %w", key, expected, store.ErrConflict)
	}
	return resp.Header.Revision, nil
}

// Delete removes the key and returns the delete's revision (the response
// header's: etcd advances the revision once per transaction that writes),
// or store.ErrNotFound.
func (s *Store) Delete(ctx context.Context, key string) (int64, error) {
	c, cancel, err := s.beginKey(ctx, key)
	if err != nil {
		return 0, err
	}
	defer cancel()
	resp, err := s.cli.Delete(c, s.prefix+key)
	if err != nil {
		return 0, s.fail(ctx, fmt.Sprintf("delete %q", key), err)
	}
	if resp.Deleted == 0 {
		return 0, notFound(key)
	}
	return resp.Header.Revision, nil
}

// CompareAndDelete removes the key only if its ModRevision equals
// expected, and returns the delete's revision; the transaction's else
// branch tells a missing key (store.ErrNotFound) from another revision
// (store.ErrConflict).
func (s *Store) CompareAndDelete(ctx context.Context, key string, expected int64) (int64, error) {
	c, cancel, err := s.beginKey(ctx, key)
	if err != nil {
		return 0, err
	}
	defer cancel()
	k := s.prefix + key
	resp, err := s.cli.Txn(c).
		If(clientv3.Compare(clientv3.ModRevision(k), "=", expected)).
		Then(clientv3.OpDelete(k)).
		Else(clientv3.OpGet(k, clientv3.WithCountOnly())).
		Commit()
	if err != nil {
		return 0, s.fail(ctx, fmt.Sprintf("compare-and-delete %q", key), err)
	}
	switch {
	case resp.Succeeded && resp.Responses[0].GetResponseDeleteRange().GetDeleted() > 0:
		return resp.Header.Revision, nil
	case resp.Succeeded || resp.Responses[0].GetResponseRange().GetCount() == 0:
		return 0, notFound(key)
	}
	return 0, fmt.Errorf("etcdstore: %q not at revision %d: %w", key, expected, store.ErrConflict)
}

// Compact makes etcd forget its history before revision rev+1, so that a
// Watch from a revision older than rev returns store.ErrCompacted (the
// storetest.Compactor contract). It compacts the whole etcd cluster, every
// prefix included: operators normally leave this to etcd's
// auto-compaction.
func (s *Store) Compact(ctx context.Context, rev int64) error {
	c, cancel, err := s.begin(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	if _, err := s.cli.Compact(c, rev+1, clientv3.WithCompactPhysical()); err != nil {
		return s.fail(ctx, fmt.Sprintf("compact at %d", rev+1), err)
	}
	return nil
}

// begin checks that a call may start and bounds it by the request timeout.
func (s *Store) begin(ctx context.Context) (context.Context, context.CancelFunc, error) {
	if s.isClosed() {
		return nil, nil, store.ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	c, cancel := context.WithTimeout(ctx, s.timeout)
	return c, cancel, nil
}

// beginKey is begin for a call on one key, which must not be empty.
func (s *Store) beginKey(ctx context.Context, key string) (context.Context, context.CancelFunc, error) {
	if key == "" {
		return nil, nil, ErrEmptyKey
	}
	return s.begin(ctx)
}

// fail describes a failed call: the caller's own cancellation as such, a
// closed store as store.ErrClosed, and an unreachable etcd as
// store.ErrUnavailable.
func (s *Store) fail(ctx context.Context, op string, err error) error {
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("etcdstore: %s: %w", op, ctx.Err())
	case s.isClosed():
		return fmt.Errorf("etcdstore: %s: %w", op, store.ErrClosed)
	}
	return fmt.Errorf("etcdstore: %s: %w", op, classify(err))
}

// classify wraps store.ErrUnavailable around the errors that mean etcd
// could not be reached or could not serve the request now: the request
// timeout, gRPC Unavailable (no connection, no leader, leader changed,
// server stopped, etcd's own request timeouts) and ResourceExhausted (too
// many requests, database space exceeded).
func classify(err error) error {
	code := status.Code(err)
	var ee rpctypes.EtcdError
	if errors.As(err, &ee) {
		code = ee.Code()
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded), code == codes.DeadlineExceeded,
		code == codes.Unavailable, code == codes.ResourceExhausted:
		return fmt.Errorf("%w: %v", store.ErrUnavailable, err)
	}
	return err
}

func notFound(key string) error {
	return fmt.Errorf("etcdstore: %q: %w", key, store.ErrNotFound)
}

// kv converts an etcd key-value under the prefix; the response's slices are
// not shared with anyone else, so the value is handed over as is.
func (s *Store) kv(kv *mvccpb.KeyValue) store.KV {
	return store.KV{Key: string(kv.Key[len(s.prefix):]), Value: kv.Value, Revision: kv.ModRevision}
}
