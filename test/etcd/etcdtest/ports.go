package etcdtest

import (
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Member ports are picked at random below the kernel's ephemeral port
// range and never twice in one process: a port in the ephemeral range
// that a stopped member released can be taken by any outgoing connection
// before the member restarts on it.
var (
	portsMu   sync.Mutex
	portsUsed = map[int]bool{}
)

// freePorts returns n distinct loopback TCP ports that were free a moment
// ago and that this process has not handed out before.
func freePorts(t testing.TB, n int) []int {
	t.Helper()
	portsMu.Lock()
	defer portsMu.Unlock()
	hi := ephemeralLow()
	lo := max(hi-16384, 1024)
	var ports []int
	for attempt := 0; len(ports) < n; attempt++ {
		if attempt > 10000 {
			t.Fatalf("etcdtest: no free port in [%d, %d)", lo, hi)
		}
		p := lo + rand.IntN(hi-lo)
		if portsUsed[p] {
			continue
		}
		ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
		if err != nil {
			continue
		}
		_ = ln.Close()
		portsUsed[p] = true
		ports = append(ports, p)
	}
	return ports
}

// ephemeralLow is the first port of the kernel's ephemeral range (Linux;
// 32768 elsewhere or when unreadable).
func ephemeralLow() int {
	raw, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return 32768
	}
	fields := strings.Fields(string(raw))
	if len(fields) == 0 {
		return 32768
	}
	low, err := strconv.Atoi(fields[0])
	if err != nil || low < 2048 {
		return 32768
	}
	return low
}
