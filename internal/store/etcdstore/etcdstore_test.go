package etcdstore

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"

	"github.com/stsd/stsd/internal/secret"
	"github.com/stsd/stsd/internal/store"
)

// The tests against a real etcd live in the test/etcd module; these need
// no server.

func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}

func TestOpenUnreachableIsUnavailable(t *testing.T) {
	const password = "hunter2-etcd"
	start := time.Now()
	_, err := Open(t.Context(), Config{
		Endpoints:   []string{"http://" + closedPort(t)},
		Username:    "stsd",
		Password:    secret.NewString(password),
		DialTimeout: 300 * time.Millisecond,
	})
	if !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("Open on a closed port: %v, want store.ErrUnavailable", err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("Open took %v with a 300ms dial timeout", took)
	}
	if strings.Contains(err.Error(), password) {
		t.Errorf("error shows the password: %v", err)
	}

	// Without authentication the probe fails, and says why.
	_, err = Open(t.Context(), Config{Endpoints: []string{closedPort(t)}, DialTimeout: 300 * time.Millisecond})
	if !errors.Is(err, store.ErrUnavailable) || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("Open on a closed port: %v, want store.ErrUnavailable saying why", err)
	}
}

func TestOpenRejectsBadConfig(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(notPEM, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no endpoints", Config{}, "etcdstore: no endpoints"},
		{"TLS on an http endpoint", Config{Endpoints: []string{"http://127.0.0.1:2379"}, CAFile: notPEM},
			"etcdstore: endpoint http://127.0.0.1:2379 is not TLS but TLS is configured: use https://"},
		{"CA file missing", Config{Endpoints: []string{"https://127.0.0.1:2379"}, CAFile: filepath.Join(dir, "missing.pem")},
			"etcdstore: CA file: open " + filepath.Join(dir, "missing.pem") + ": no such file or directory"},
		{"CA file without PEM", Config{Endpoints: []string{"https://127.0.0.1:2379"}, CAFile: notPEM},
			"etcdstore: CA file " + notPEM + " holds no PEM certificate"},
		{"key without certificate", Config{Endpoints: []string{"https://127.0.0.1:2379"}, KeyFile: notPEM},
			"etcdstore: client certificate and key: set both or neither"},
		{"certificate not PEM", Config{Endpoints: []string{"127.0.0.1:2379"}, CertFile: notPEM, KeyFile: notPEM},
			"etcdstore: client certificate: tls: failed to find any PEM data in certificate input"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Open(t.Context(), tt.cfg)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("Open: %v, want %q", err, tt.want)
			}
		})
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		err         error
		unavailable bool
	}{
		{fmt.Errorf("wrapped: %w", context.DeadlineExceeded), true},
		{errors.New("boom"), false},
		{status.Error(codes.Unavailable, "connection refused"), true},
		{status.Error(codes.DeadlineExceeded, "deadline"), true},
		{rpctypes.ErrNoLeader, true},
		{rpctypes.ErrLeaderChanged, true},
		{rpctypes.ErrTimeout, true},
		{rpctypes.ErrTooManyRequests, true},
		{rpctypes.ErrNoSpace, true},
		{rpctypes.ErrPermissionDenied, false},
		{rpctypes.ErrAuthFailed, false},
		{rpctypes.ErrRequestTooLarge, false},
	}
	for _, tt := range tests {
		got := errors.Is(classify(tt.err), store.ErrUnavailable)
		if got != tt.unavailable {
			t.Errorf("classify(%v) unavailable = %v, want %v", tt.err, got, tt.unavailable)
		}
	}
}
