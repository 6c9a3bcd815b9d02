// Package etcdtest starts real etcd servers for tests, in process
// (go.etcd.io/etcd/server/v3/embed): one member or a three-member cluster
// on free loopback ports, data in the test's temporary directory, logs
// (warnings and errors) in a file per member that is printed only when the
// test fails. Members can be stopped, killed and restarted with the same
// ports and data, and the leader found, so tests can take etcd away from
// the code under test and give it back.
package etcdtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.etcd.io/etcd/client/pkg/v3/transport"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/server/v3/embed"
	"go.uber.org/zap"
)

// StartTimeout bounds how long a member takes to start and a cluster to
// elect a leader.
const StartTimeout = 30 * time.Second

// Cluster is a running etcd cluster. Its methods fail the test on error and
// must be called from the test's goroutine.
type Cluster struct {
	t       testing.TB
	members []*member
	certs   *certs // with WithTLS
}

// Option adjusts a cluster.
type Option func(*Cluster)

// WithTLS serves clients over TLS with a certificate from a test CA and
// requires a client certificate from the same CA: see ClientTLS.
func WithTLS() Option {
	return func(c *Cluster) {
		cs := newCerts(c.t, c.t.TempDir())
		c.certs = &cs
	}
}

type member struct {
	name, dir, log string
	proxy          *proxy  // what clients connect to (clientURL)
	clientURL      url.URL // the proxy's address
	listenURL      url.URL // etcd's own client port, behind the proxy
	peerURL        url.URL
	initialCluster string
	certs          *certs
	started        bool          // once started, it restarts into the existing cluster
	etcd           *embed.Etcd   // nil while stopped
	closing        chan struct{} // closed when a killed member has finished closing
}

// Start starts a cluster of size members (1 or 3 in practice) and waits
// until it has a leader. It is stopped when the test ends; if the test
// failed, each member's log is printed.
func Start(t testing.TB, size int, opts ...Option) *Cluster {
	t.Helper()
	c := &Cluster{t: t}
	for _, o := range opts {
		o(c)
	}
	scheme := "http"
	if c.certs != nil {
		scheme = "https"
	}
	ports := freePorts(t, 2*size)
	base := t.TempDir()
	var initial []string
	for i := range size {
		name := fmt.Sprintf("m%d", i)
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("etcdtest: proxy listener: %v", err)
		}
		m := &member{
			name:      name,
			dir:       filepath.Join(base, name),
			log:       filepath.Join(base, name+".log"),
			clientURL: url.URL{Scheme: scheme, Host: ln.Addr().String()},
			listenURL: url.URL{Scheme: scheme, Host: fmt.Sprintf("127.0.0.1:%d", ports[2*i])},
			certs:     c.certs,
			peerURL:   url.URL{Scheme: "http", Host: fmt.Sprintf("127.0.0.1:%d", ports[2*i+1])},
		}
		m.proxy = newProxy(ln, m.listenURL.Host)
		initial = append(initial, m.name+"="+m.peerURL.String())
		c.members = append(c.members, m)
	}
	t.Cleanup(c.cleanup)
	// Members of a new cluster wait for each other: start them together.
	var wg sync.WaitGroup
	errs := make([]error, size)
	for i, m := range c.members {
		m.initialCluster = strings.Join(initial, ",")
		wg.Go(func() { errs[i] = m.start() })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("etcdtest: starting %d members: %v", size, err)
	}
	c.WaitLeader()
	return c
}

func (m *member) start() error {
	cfg := embed.NewConfig()
	cfg.Name = m.name
	cfg.Dir = m.dir
	cfg.ListenClientUrls = []url.URL{m.listenURL}
	cfg.AdvertiseClientUrls = []url.URL{m.clientURL}
	cfg.ListenPeerUrls = []url.URL{m.peerURL}
	cfg.AdvertisePeerUrls = []url.URL{m.peerURL}
	cfg.InitialCluster = m.initialCluster
	cfg.InitialClusterToken = "etcdtest"
	if m.started {
		cfg.ClusterState = embed.ClusterStateFlagExisting
	}
	if m.certs != nil {
		cfg.ClientTLSInfo = transport.TLSInfo{
			CertFile: m.certs.server.CertFile, KeyFile: m.certs.server.KeyFile,
			TrustedCAFile: m.certs.server.CAFile, ClientCertAuth: true,
		}
	}
	cfg.LogLevel = "warn"
	cfg.LogOutputs = []string{m.log}
	// Faster elections than the defaults (100 ms ticks, 1 s election
	// timeout) would make a loaded CI machine flap; keep them.
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		return fmt.Errorf("%s: %w", m.name, err)
	}
	select {
	case <-e.Server.ReadyNotify():
	case err := <-e.Err():
		e.Close()
		return fmt.Errorf("%s: %v", m.name, err)
	case <-time.After(StartTimeout):
		e.Close()
		return fmt.Errorf("%s: not ready within %v", m.name, StartTimeout)
	}
	m.etcd, m.closing, m.started = e, nil, true
	m.proxy.setDown(false)
	return nil
}

// Size is the number of members, running or not.
func (c *Cluster) Size() int { return len(c.members) }

// Endpoints returns every member's client URL, running or not, as a client
// configured for the whole cluster would list them.
func (c *Cluster) Endpoints() []string {
	var eps []string
	for _, m := range c.members {
		eps = append(eps, m.clientURL.String())
	}
	return eps
}

// DirectEndpoints returns the members' own client URLs, bypassing the
// proxies that Stop and Kill use to cut clients off: for benchmarks.
func (c *Cluster) DirectEndpoints() []string {
	var eps []string
	for _, m := range c.members {
		eps = append(eps, m.listenURL.String())
	}
	return eps
}

// Endpoint returns member i's client URL.
func (c *Cluster) Endpoint(i int) string { return c.members[i].clientURL.String() }

// Running reports whether member i is running.
func (c *Cluster) Running(i int) bool { return c.members[i].etcd != nil }

// Stop cuts member i's clients off and stops it gracefully (a leader hands
// leadership over first), waiting until it has stopped.
func (c *Cluster) Stop(i int) {
	c.t.Helper()
	m := c.mustRun(i)
	m.proxy.setDown(true)
	m.etcd.Close()
	m.etcd = nil
}

// Kill stops member i like a crash: its client connections are cut and its
// raft stops at once, with no leadership transfer. The rest of the
// shutdown (listeners, files) continues in the background; Restart and the
// test's end wait for it.
func (c *Cluster) Kill(i int) {
	c.t.Helper()
	m := c.mustRun(i)
	e := m.etcd
	m.proxy.setDown(true)
	e.Server.HardStop()
	m.etcd, m.closing = nil, make(chan struct{})
	go func() { defer close(m.closing); e.Close() }()
}

// Restart starts a stopped or killed member again, with its data and
// ports, and waits until it is ready.
func (c *Cluster) Restart(i int) {
	c.t.Helper()
	m := c.members[i]
	if m.etcd != nil {
		c.t.Fatalf("etcdtest: member %d is running", i)
	}
	if m.closing != nil {
		<-m.closing
	}
	if err := m.start(); err != nil {
		c.t.Fatalf("etcdtest: restarting member %d: %v", i, err)
	}
}

// Leader returns the index of the running member that leads a majority of
// running members, or -1 if there is none right now.
func (c *Cluster) Leader() int {
	votes := map[uint64]int{}
	for _, m := range c.members {
		if m.etcd != nil {
			votes[m.etcd.Server.Lead()]++
		}
	}
	for i, m := range c.members {
		if m.etcd != nil && uint64(m.etcd.Server.MemberID()) == m.etcd.Server.Lead() &&
			2*votes[m.etcd.Server.Lead()] > len(c.members) {
			return i
		}
	}
	return -1
}

// WaitLeader waits until a leader is elected and returns its index.
func (c *Cluster) WaitLeader() int {
	c.t.Helper()
	deadline := time.Now().Add(StartTimeout)
	for time.Now().Before(deadline) {
		if i := c.Leader(); i >= 0 {
			return i
		}
		time.Sleep(20 * time.Millisecond)
	}
	c.t.Fatalf("etcdtest: no leader within %v", StartTimeout)
	return -1
}

// KillLeader kills the current leader and returns its index.
func (c *Cluster) KillLeader() int {
	c.t.Helper()
	i := c.WaitLeader()
	c.Kill(i)
	return i
}

// ClientTLS returns the files a client presents to a WithTLS cluster: the
// CA that signed the servers' certificates, and a client certificate.
func (c *Cluster) ClientTLS() TLSFiles {
	if c.certs == nil {
		return TLSFiles{}
	}
	return c.certs.client
}

// Client returns an etcd client for the running members, closed when the
// test ends: for checks that look at etcd behind the code under test.
func (c *Cluster) Client() *clientv3.Client {
	c.t.Helper()
	cfg := clientv3.Config{Endpoints: c.Endpoints(), DialTimeout: 5 * time.Second, Logger: zap.NewNop()}
	if f := c.ClientTLS(); f.CAFile != "" {
		var err error
		info := transport.TLSInfo{CertFile: f.CertFile, KeyFile: f.KeyFile, TrustedCAFile: f.CAFile}
		if cfg.TLS, err = info.ClientConfig(); err != nil {
			c.t.Fatalf("etcdtest: client TLS: %v", err)
		}
	}
	cli, err := clientv3.New(cfg)
	if err != nil {
		c.t.Fatalf("etcdtest: client: %v", err)
	}
	c.t.Cleanup(func() { _ = cli.Close() })
	return cli
}

// Compact compacts the cluster's history before revision rev.
func (c *Cluster) Compact(ctx context.Context, rev int64) error {
	cli := c.Client()
	_, err := cli.Compact(ctx, rev, clientv3.WithCompactPhysical())
	return err
}

func (c *Cluster) mustRun(i int) *member {
	c.t.Helper()
	m := c.members[i]
	if m.etcd == nil {
		c.t.Fatalf("etcdtest: member %d is not running", i)
	}
	return m
}

func (c *Cluster) cleanup() {
	for _, m := range c.members {
		if m.etcd != nil {
			m.etcd.Close()
			m.etcd = nil
		}
		if m.closing != nil {
			<-m.closing
		}
		m.proxy.close()
	}
	if !c.t.Failed() {
		return
	}
	for _, m := range c.members {
		if log, err := os.ReadFile(m.log); err == nil && len(log) > 0 {
			c.t.Logf("etcd member %s log:\n%s", m.name, log)
		}
	}
}
