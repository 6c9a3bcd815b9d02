package etcd_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
)

// propagationLimit is how soon a change made through one node must be in
// effect on the others.
const propagationLimit = time.Second

// TestMultiNode: three `stsd serve --store etcd` processes on one
// three-member etcd act as one service. A role created through node 1 is
// assumable on node 3 within a second; a session minted on node 2 and an
// access key created on node 3 authenticate on node 1; a keyring rotation
// made by one node is used by all within a second, and every node accepts
// sessions sealed under the old and the new key.
func TestMultiNode(t *testing.T) {
	t.Parallel()
	// Node 1 rotates the session-token keyring every 2 s; nodes 2 and 3
	// keep the default (24 h), so only node 1 rotates.
	m := startMultiNode(t, []string{"--keyring-rotation-interval", "2s"})
	// A first role, assumed on every node, so that each node has fetched
	// the identity provider's keys before anything is timed.
	warm := m.mustCreateRole(t, m.nodes[0], "warmup")
	m.mustAssumableEverywhere(t, warm)

	t.Run("RoleCreatedOnNode1AssumableOnNode3", func(t *testing.T) {
		arn := m.mustCreateRole(t, m.nodes[0], "propagated")
		created := time.Now() // the CreateRole response
		took := make([]time.Duration, len(m.nodes))
		errs := make([]error, len(m.nodes))
		var wg sync.WaitGroup
		for i := 1; i < len(m.nodes); i++ {
			wg.Go(func() { took[i], errs[i] = m.waitAssumable(m.nodes[i], arn, created, 10*time.Second) })
		}
		wg.Wait()
		t.Logf("role created through node1 is assumable on node2 after %v, on node3 after %v",
			took[1].Round(time.Millisecond), took[2].Round(time.Millisecond))
		for i := 1; i < len(m.nodes); i++ {
			if errs[i] != nil {
				t.Errorf("%s: role never assumable: %v", m.nodes[i].name, errs[i])
			} else if took[i] >= propagationLimit {
				t.Errorf("%s: role assumable only after %v, want < %v", m.nodes[i].name, took[i], propagationLimit)
			}
		}
	})

	t.Run("SessionFromNode2VerifiedOnNode1", func(t *testing.T) {
		c, err := m.assume(m.nodes[1], warm, "minted-on-node2")
		if err != nil {
			t.Fatalf("AssumeRoleWithWebIdentity on node2: %v", err)
		}
		for _, n := range []*stsdNode{m.nodes[0], m.nodes[2]} {
			arn, err := m.callerARN(n, c)
			if want := assumedRoleARN("warmup", "minted-on-node2"); err != nil || arn != want {
				t.Errorf("GetCallerIdentity on %s with node2's session: %q, %v; want %q", n.name, arn, err, want)
			}
		}

		// An IAM user's access key created on node 3 signs on node 1.
		ctx, cancel := context.WithTimeout(t.Context(), callTimeout)
		defer cancel()
		n3 := m.nodes[2].iam()
		if _, err := n3.CreateUser(ctx, &iamsdk.CreateUserInput{UserName: aws.String("alice")}); err != nil {
			t.Fatalf("CreateUser on node3: %v", err)
		}
		out, err := n3.CreateAccessKey(ctx, &iamsdk.CreateAccessKeyInput{UserName: aws.String("alice")})
		if err != nil {
			t.Fatalf("CreateAccessKey on node3: %v", err)
		}
		created := time.Now()
		key := &ststypes.Credentials{AccessKeyId: out.AccessKey.AccessKeyId, SecretAccessKey: out.AccessKey.SecretAccessKey}
		var arn string
		took, err := waitFor(created, 10*time.Second, func() (err error) { arn, err = m.callerARN(m.nodes[0], key); return err })
		t.Logf("access key created on node3 authenticates on node1 after %v", took.Round(time.Millisecond))
		if want := "arn:aws:iam::" + acct + ":user/alice"; err != nil || arn != want {
			t.Fatalf("GetCallerIdentity on node1 with node3's access key: %q, %v; want %q", arn, err, want)
		}
		if took >= propagationLimit {
			t.Errorf("access key usable on node1 only after %v, want < %v", took, propagationLimit)
		}
	})

	t.Run("KeyringRotationUsedByAll", func(t *testing.T) {
		type minted struct {
			session, key string
			creds        *ststypes.Credentials
		}
		mint := func(i int, session string) (minted, error) {
			c, err := m.assume(m.nodes[i], warm, session)
			if err != nil {
				return minted{}, fmt.Errorf("AssumeRoleWithWebIdentity on %s: %w", m.nodes[i].name, err)
			}
			return minted{session, sessionKeyID(c), c}, nil
		}

		// A moment when every node seals with the same key (node 1 may
		// be rotating right now).
		before := make([]minted, len(m.nodes))
		_, err := waitFor(time.Now(), 10*time.Second, func() error {
			for i := range m.nodes {
				var err error
				if before[i], err = mint(i, fmt.Sprintf("before-node%d", i+1)); err != nil {
					return err
				}
			}
			for _, b := range before[1:] {
				if b.key != before[0].key {
					return fmt.Errorf("nodes seal with different keys: %s, %s, %s", before[0].key, before[1].key, before[2].key)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		old := before[0].key

		// Node 1 rotates.
		after := make([]minted, len(m.nodes))
		_, err = waitFor(time.Now(), 10*time.Second, func() (err error) {
			if after[0], err = mint(0, "after-node1"); err == nil && after[0].key == old {
				err = fmt.Errorf("node1 still seals with %s", old)
			}
			return err
		})
		if err != nil {
			t.Fatalf("node1 never rotated its key (--keyring-rotation-interval 2s): %v", err)
		}
		rotated, fresh := time.Now(), after[0].key

		// Nodes 2 and 3 seal with the new key within a second.
		took := make([]time.Duration, len(m.nodes))
		errs := make([]error, len(m.nodes))
		var wg sync.WaitGroup
		for i := 1; i < len(m.nodes); i++ {
			wg.Go(func() {
				took[i], errs[i] = waitFor(rotated, 5*time.Second, func() (err error) {
					if after[i], err = mint(i, fmt.Sprintf("after-node%d", i+1)); err == nil && after[i].key == old {
						err = fmt.Errorf("%s still seals with the old key %s", m.nodes[i].name, old)
					}
					return err
				})
			})
		}
		wg.Wait()
		t.Logf("node1 rotated %s → %s; node2 sealed with it %v later, node3 %v later",
			old, fresh, took[1].Round(time.Millisecond), took[2].Round(time.Millisecond))
		for i := 1; i < len(m.nodes); i++ {
			switch {
			case errs[i] != nil:
				t.Fatal(errs[i])
			case after[i].key != fresh:
				t.Errorf("%s seals with %s, want node1's new key %s", m.nodes[i].name, after[i].key, fresh)
			case took[i] >= propagationLimit:
				t.Errorf("%s sealed with the new key only %v after node1, want < %v", m.nodes[i].name, took[i], propagationLimit)
			}
		}

		// Every node accepts sessions sealed under both keys, by any node.
		for _, n := range m.nodes {
			for _, s := range append(before, after...) {
				arn, err := m.callerARN(n, s.creds)
				if want := assumedRoleARN("warmup", s.session); err != nil || arn != want {
					t.Errorf("GetCallerIdentity on %s with session %s (key %s): %q, %v; want %q", n.name, s.session, s.key, arn, err, want)
				}
			}
		}
	})
}

// TestMultiNodeLeaderFailure: killing the etcd leader while a writer creates
// roles through the IAM API of all three nodes and a reader keeps assuming
// a role: every AssumeRoleWithWebIdentity (and GetCallerIdentity on another
// node) succeeds, served from the snapshot; writes fail with 503 only
// around the election and succeed again under the new leader; and every
// acknowledged role is, at the end, listed by and assumable on every node.
func TestMultiNodeLeaderFailure(t *testing.T) {
	t.Parallel()
	m := startMultiNode(t)
	reader := m.mustCreateRole(t, m.nodes[0], "reader")
	m.mustAssumableEverywhere(t, reader)

	begin := time.Now()
	writes, reads := &progress{start: begin}, &progress{start: begin}
	type write struct {
		name string
		node int
	}
	var acked, failed []write
	var readErrs []string
	var lastAck atomic.Int64 // time since begin of the latest acknowledgement
	stop := make(chan struct{})
	stopped := func() bool {
		select {
		case <-stop:
			return true
		default:
			return false
		}
	}
	var wg sync.WaitGroup
	wg.Go(func() { // the writer: one role after the other, node 1, 2, 3, 1, …
		for i := 0; !stopped(); i++ {
			w := write{fmt.Sprintf("w%05d", i), i % len(m.nodes)}
			_, err := m.createRole(m.nodes[w.node], w.name)
			writes.record(err)
			if err == nil {
				acked = append(acked, w)
				lastAck.Store(int64(time.Since(begin)))
				continue
			}
			failed = append(failed, w)
			if code, status, _ := apiError(err); code != "ServiceUnavailable" || status != http.StatusServiceUnavailable {
				t.Errorf("CreateRole %s on %s: %v; want 200 or 503 ServiceUnavailable", w.name, m.nodes[w.node].name, err)
			}
		}
	})
	wg.Go(func() { // the reader: mint on one node, verify on the next
		for i := 0; !stopped(); i++ {
			n, next := m.nodes[i%len(m.nodes)], m.nodes[(i+1)%len(m.nodes)]
			c, err := m.assume(n, reader, "reader")
			if err != nil {
				err = fmt.Errorf("AssumeRoleWithWebIdentity on %s: %w", n.name, err)
			} else if _, err = m.callerARN(next, c); err != nil {
				err = fmt.Errorf("GetCallerIdentity on %s: %w", next.name, err)
			}
			reads.record(err)
			if err != nil && len(readErrs) < 5 {
				readErrs = append(readErrs, fmt.Sprintf("%v: %v", time.Since(begin).Round(time.Millisecond), err))
			}
			time.Sleep(5 * time.Millisecond)
		}
	})

	time.Sleep(500 * time.Millisecond)
	killed := m.etcd.KillLeader()
	killedAt := time.Since(begin)
	leader := m.etcd.WaitLeader()
	electedAt := time.Since(begin)
	// Keep writing until writes have been acknowledged for a second under
	// the new leader.
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if time.Duration(lastAck.Load()) > electedAt+time.Second {
			break
		}
	}
	close(stop)
	wg.Wait()

	t.Logf("killed etcd leader m%d at %v; m%d led %v later", killed, killedAt.Round(time.Millisecond),
		leader, (electedAt - killedAt).Round(time.Millisecond))
	t.Logf("writes: %d acknowledged, %d failed, longest gap between acknowledgements %v; reads: %d failed, longest gap %v",
		len(acked), len(failed), writes.maxGap.Round(time.Millisecond), reads.failures, reads.maxGap.Round(time.Millisecond))
	if reads.failures > 0 {
		t.Errorf("%d AssumeRoleWithWebIdentity/GetCallerIdentity calls failed while etcd changed leader, want none; first: %s",
			reads.failures, strings.Join(readErrs, "; "))
	}
	if writes.last <= electedAt {
		t.Errorf("no write acknowledged after the new leader was elected at %v (last at %v)", electedAt, writes.last)
	}

	// No acknowledged write is lost: each node lists every acknowledged
	// role (from etcd) and can assume it (from its snapshot).
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	for _, n := range m.nodes {
		listed := map[string]bool{}
		for p := iamsdk.NewListRolesPaginator(n.iam(), &iamsdk.ListRolesInput{}); p.HasMorePages(); {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatalf("ListRoles on %s: %v", n.name, err)
			}
			for _, r := range page.Roles {
				listed[aws.ToString(r.RoleName)] = true
			}
		}
		for _, w := range acked {
			if !listed[w.name] {
				t.Errorf("%s does not list role %s, acknowledged by %s: an acknowledged write was lost", n.name, w.name, m.nodes[w.node].name)
			}
		}
		applied := 0
		for _, w := range failed {
			if listed[w.name] {
				applied++
			}
		}
		t.Logf("%s lists all %d acknowledged roles; %d of the %d writes that failed were applied anyway", n.name, len(acked), applied, len(failed))
	}
	names := make([]string, len(acked))
	for i, w := range acked {
		names[i] = w.name
	}
	m.assumeEverywhere(t, names)
}

// assumeEverywhere assumes every role in names on every node, a few calls
// at a time, allowing each up to 5 s to reach the node's snapshot.
func (m *multiNode) assumeEverywhere(t *testing.T, names []string) {
	t.Helper()
	var mu sync.Mutex
	missing := map[string][]string{}
	var wg sync.WaitGroup
	for _, n := range m.nodes {
		work := make(chan string)
		for range 4 {
			wg.Go(func() {
				for name := range work {
					arn := "arn:aws:iam::" + acct + ":role/" + name
					if _, err := m.waitAssumable(n, arn, time.Now(), 5*time.Second); err != nil {
						mu.Lock()
						missing[n.name] = append(missing[n.name], fmt.Sprintf("%s (%v)", name, err))
						mu.Unlock()
					}
				}
			})
		}
		wg.Go(func() {
			defer close(work)
			for _, name := range names {
				work <- name
			}
		})
	}
	wg.Wait()
	for node, roles := range missing {
		t.Errorf("%s cannot assume %d acknowledged roles, e.g. %s", node, len(roles), roles[0])
	}
}

// TestMultiNodeEtcdOutage: with every etcd member stopped, each node keeps
// answering AssumeRoleWithWebIdentity and GetCallerIdentity (for sessions
// minted before and during the outage, by any node) from its snapshot,
// and answers IAM writes within about the etcd request timeout with 503
// ServiceUnavailable and a message that says what happened. Once etcd is
// back the same writes succeed and reach the other nodes.
func TestMultiNodeEtcdOutage(t *testing.T) {
	t.Parallel()
	m := startMultiNode(t)
	role := m.mustCreateRole(t, m.nodes[0], "outage")
	m.mustAssumableEverywhere(t, role)
	before := make([]*ststypes.Credentials, len(m.nodes))
	for i, n := range m.nodes {
		var err error
		if before[i], err = m.assume(n, role, fmt.Sprintf("before-node%d", i+1)); err != nil {
			t.Fatalf("AssumeRoleWithWebIdentity on %s: %v", n.name, err)
		}
	}
	// served: every node mints a session, the next node verifies it, and
	// each node verifies a session another node minted before the outage.
	served := func(when string) {
		t.Helper()
		for i, n := range m.nodes {
			next, other := m.nodes[(i+1)%len(m.nodes)], (i+2)%len(m.nodes)
			session := fmt.Sprintf("outage-node%d", i+1)
			c, err := m.assume(n, role, session)
			if err != nil {
				t.Errorf("%s: AssumeRoleWithWebIdentity on %s: %v", when, n.name, err)
				continue
			}
			if arn, err := m.callerARN(next, c); err != nil || arn != assumedRoleARN("outage", session) {
				t.Errorf("%s: GetCallerIdentity on %s with %s's session: %q, %v", when, next.name, n.name, arn, err)
			}
			session = fmt.Sprintf("before-node%d", other+1)
			if arn, err := m.callerARN(n, before[other]); err != nil || arn != assumedRoleARN("outage", session) {
				t.Errorf("%s: GetCallerIdentity on %s with %s's session from before the outage: %q, %v", when, n.name, m.nodes[other].name, arn, err)
			}
		}
	}

	start := time.Now()
	for i := range m.etcd.Size() {
		m.etcd.Stop(i)
	}
	down := time.Now()
	t.Logf("stopped the 3 etcd members in %v", down.Sub(start).Round(time.Millisecond))
	served("etcd just stopped")

	// Writes fail on every node with a 503 that says why, within about
	// the request timeout.
	const message = "stsd cannot reach its store right now, so the change may not have been applied. Retry when the store is back."
	names := make([]string, len(m.nodes))
	var wg sync.WaitGroup
	for i, n := range m.nodes {
		names[i] = fmt.Sprintf("during-outage-%d", i+1)
		wg.Go(func() {
			start := time.Now()
			_, err := m.createRole(n, names[i])
			took := time.Since(start)
			code, status, msg := apiError(err)
			if code != "ServiceUnavailable" || status != http.StatusServiceUnavailable || msg != message {
				t.Errorf("CreateRole on %s with etcd down: %v\nwant ServiceUnavailable (503) %q", n.name, err, message)
			}
			if took > mnRequestTimeout+3*time.Second {
				t.Errorf("CreateRole on %s with etcd down answered after %v, want about the request timeout %v", n.name, took, mnRequestTimeout)
			}
			t.Logf("CreateRole on %s with etcd down: %d %s after %v", n.name, status, code, took.Round(time.Millisecond))
		})
	}
	wg.Wait()
	// STS keeps answering past the point where the nodes give up on
	// their etcd connections and drop their watches (the request
	// timeout): the snapshot stays.
	for time.Since(down) < 3*mnRequestTimeout && !t.Failed() {
		served(fmt.Sprintf("etcd down for %v", time.Since(down).Round(time.Millisecond)))
		time.Sleep(200 * time.Millisecond)
	}

	// Members that lost quorum only become ready together: restart all at
	// once. (Restart fails the test from its goroutine on error, which
	// marks the test failed and ends only that goroutine.)
	for i := range m.etcd.Size() {
		wg.Go(func() { m.etcd.Restart(i) })
	}
	wg.Wait()
	m.etcd.WaitLeader()
	back := time.Now()
	t.Logf("etcd was down for %v", back.Sub(down).Round(time.Millisecond))

	// The same writes succeed (retried while the node reconnects) and
	// reach the other nodes.
	arns := make([]string, len(m.nodes))
	took := make([]time.Duration, len(m.nodes))
	for i, n := range m.nodes {
		wg.Go(func() {
			for {
				arn, err := m.createRole(n, names[i])
				if err == nil {
					arns[i], took[i] = arn, time.Since(back)
					return
				}
				if code, _, _ := apiError(err); code != "ServiceUnavailable" || time.Since(back) > 30*time.Second {
					t.Errorf("CreateRole %s on %s after etcd came back: %v", names[i], n.name, err)
					return
				}
				time.Sleep(50 * time.Millisecond)
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	var slowest time.Duration
	for i := range m.nodes {
		for _, n := range m.nodes {
			d, err := m.waitAssumable(n, arns[i], back, 30*time.Second)
			if err != nil {
				t.Errorf("role %s (created through %s after the outage) is not assumable on %s: %v", names[i], m.nodes[i].name, n.name, err)
			}
			slowest = max(slowest, d)
		}
	}
	t.Logf("after etcd came back: writes succeeded after %v, %v, %v; every node could assume every new role %v after",
		took[0].Round(time.Millisecond), took[1].Round(time.Millisecond), took[2].Round(time.Millisecond), slowest.Round(time.Millisecond))
	served("after the outage")
}
