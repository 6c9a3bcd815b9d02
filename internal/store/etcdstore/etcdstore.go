// Package etcdstore is the distributed store.Store: every stsd node that
// shares an etcd cluster (go.etcd.io/etcd/client/v3) shares its accounts,
// roles and session-token keyring.
//
// Store keys live under Config.Prefix inside etcd ("/stsd/" + key). The
// store revision is etcd's cluster-wide revision and KV.Revision is the
// key's ModRevision, so revisions are shared with every other user of the
// cluster and not dense. CompareAndSwap and CompareAndDelete are one etcd
// transaction comparing the key's ModRevision (0: the key must not exist).
// Watches are etcd watches from the revision after the caller's, opened
// with WithRequireLeader so that a member cut off from its cluster ends
// them instead of going silent.
//
// Every call is bounded by Config.RequestTimeout. When etcd cannot be
// reached the error wraps store.ErrUnavailable. Such a write was not
// applied if etcd was never reached; if the connection failed while etcd
// was committing it, etcd may still apply it (as with every etcd client),
// so callers that must know read the key again (a compare-and-swap retry
// sees store.ErrConflict).
//
// A watch's channel closes when its ctx ends, when the store closes, when
// etcd compacts past the watch's position, when the member serving it
// loses its leader, when the connection to every endpoint has been down
// for longer than RequestTimeout, or when the caller falls more than
// MaxPendingEvents behind. It never skips an event: the etcd client
// resumes a stream that moved to another member from the revision after
// the last one delivered.
package etcdstore

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	pb "go.etcd.io/etcd/api/v3/etcdserverpb"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/stsd/stsd/internal/secret"
	"github.com/stsd/stsd/internal/store"
)

// Defaults for the zero fields of Config.
const (
	DefaultPrefix         = "/stsd/"
	DefaultDialTimeout    = 5 * time.Second
	DefaultRequestTimeout = 5 * time.Second
)

// ErrEmptyKey: an operation named the empty key.
var ErrEmptyKey = errors.New("etcdstore: empty key")

// Config says how to reach etcd.
type Config struct {
	// Endpoints are the etcd client URLs (https://host:2379); at least one.
	Endpoints []string
	// Prefix is prepended to every store key inside etcd (default
	// DefaultPrefix). Nodes that share a store use the same prefix.
	Prefix string
	// CAFile (PEM) verifies the etcd servers; CertFile and KeyFile are the
	// client certificate. TLS is on when CAFile or CertFile is set; then
	// every endpoint must be https:// (or a bare host:port).
	CAFile, CertFile, KeyFile string
	// Username and Password authenticate to etcd when both are set.
	Username string
	Password secret.String
	// DialTimeout bounds Open's first contact with etcd (default
	// DefaultDialTimeout); RequestTimeout bounds every call (default
	// DefaultRequestTimeout).
	DialTimeout, RequestTimeout time.Duration
}

func (c Config) withDefaults() Config {
	if c.Prefix == "" {
		c.Prefix = DefaultPrefix
	}
	if c.DialTimeout <= 0 {
		c.DialTimeout = DefaultDialTimeout
	}
	if c.RequestTimeout <= 0 {
		c.RequestTimeout = DefaultRequestTimeout
	}
	return c
}

// Store is an etcd-backed store.Store. Its zero value is not usable; call Open.
type Store struct {
	cli     *clientv3.Client
	prefix  string
	timeout time.Duration
	health  *health

	mu      sync.Mutex // guards closed and watches.Add against Close
	closed  bool
	stop    context.CancelFunc // ends every watch
	stopCtx context.Context
	watches sync.WaitGroup
}

var _ store.Store = (*Store)(nil)

// Open connects to etcd and checks, within DialTimeout, that the cluster
// answers a linearizable read under the prefix (so a wrong endpoint, a lost
// quorum, bad credentials or a missing permission fail here, not at the
// first request). An unreachable cluster fails with store.ErrUnavailable.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	cfg = cfg.withDefaults()
	if len(cfg.Endpoints) == 0 {
		return nil, errors.New("etcdstore: no endpoints")
	}
	tlsCfg, err := tlsConfig(cfg)
	if err != nil {
		return nil, err
	}
	cli, err := clientv3.New(clientv3.Config{
		Endpoints:            cfg.Endpoints,
		DialTimeout:          cfg.DialTimeout,
		DialKeepAliveTime:    10 * time.Second,
		DialKeepAliveTimeout: cfg.RequestTimeout,
		TLS:                  tlsCfg,
		Username:             cfg.Username,
		Password:             cfg.Password.Reveal(),
		Logger:               zap.NewNop(),
		// gRPC's default reconnect backoff grows to 2 minutes; after an
		// outage the node should be back within seconds.
		DialOptions: []grpc.DialOption{grpc.WithConnectParams(grpc.ConnectParams{
			Backoff:           backoff.Config{BaseDelay: 100 * time.Millisecond, Multiplier: 1.6, Jitter: 0.2, MaxDelay: 2 * time.Second},
			MinConnectTimeout: cfg.DialTimeout,
		})},
	})
	if err != nil {
		return nil, fmt.Errorf("etcdstore: connecting to %s: %w", strings.Join(cfg.Endpoints, ","), classify(err))
	}
	stopCtx, stop := context.WithCancel(context.Background())
	s := &Store{cli: cli, prefix: cfg.Prefix, timeout: cfg.RequestTimeout, stop: stop, stopCtx: stopCtx}
	probe, cancel := context.WithTimeout(ctx, cfg.DialTimeout)
	defer cancel()
	if _, err := cli.Get(probe, cfg.Prefix, clientv3.WithCountOnly()); err != nil {
		err = s.fail(ctx, "connecting to "+strings.Join(cfg.Endpoints, ","), err)
		if why := connectionError(cli); why != nil {
			err = fmt.Errorf("%w (%v)", err, why)
		}
		stop()
		_ = cli.Close()
		return nil, err
	}
	s.health = watchHealth(stopCtx, cli.ActiveConnection(), cfg.RequestTimeout)
	return s, nil
}

// connectionError asks once without waiting for a connection, which
// returns gRPC's last connection error (refused, TLS handshake failure)
// when the client has none: the probe's own error is only its timeout.
func connectionError(cli *clientv3.Client) error {
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := pb.NewMaintenanceClient(cli.ActiveConnection()).Status(ctx, &pb.StatusRequest{}, grpc.WaitForReady(false))
	if status.Code(err) != codes.Unavailable {
		return nil
	}
	return errors.New(status.Convert(err).Message())
}

func tlsConfig(cfg Config) (*tls.Config, error) {
	if (cfg.CertFile == "") != (cfg.KeyFile == "") {
		return nil, errors.New("etcdstore: client certificate and key: set both or neither")
	}
	if cfg.CAFile == "" && cfg.CertFile == "" {
		return nil, nil
	}
	for _, ep := range cfg.Endpoints {
		if strings.HasPrefix(ep, "http://") || strings.HasPrefix(ep, "unix://") {
			return nil, fmt.Errorf("etcdstore: endpoint %s is not TLS but TLS is configured: use https://", ep)
		}
	}
	c := &tls.Config{MinVersion: tls.VersionTLS12}
	if cfg.CAFile != "" {
		pem, err := os.ReadFile(cfg.CAFile)
		if err != nil {
			return nil, fmt.Errorf("etcdstore: CA file: %w", err)
		}
		c.RootCAs = x509.NewCertPool()
		if !c.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("etcdstore: CA file %s holds no PEM certificate", cfg.CAFile)
		}
	}
	if cfg.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(cfg.CertFile, cfg.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("etcdstore: client certificate: %w", err)
		}
		c.Certificates = []tls.Certificate{cert}
	}
	return c, nil
}

// Close ends every watch and closes the connection. Further calls return
// store.ErrClosed.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return store.ErrClosed
	}
	s.closed = true
	s.mu.Unlock()
	s.stop()
	err := s.cli.Close()
	s.watches.Wait()
	if err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("etcdstore: close: %w", err)
	}
	return nil
}

func (s *Store) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}
